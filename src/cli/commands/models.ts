import type { Command } from 'commander';
import { listZooModels } from '../../models/zoo.ts';
import { fmt, runCommand, table } from '../output.ts';

/** `transferkit models`: the built-in pretrained models. */
export function registerModels(program: Command): void {
  program
    .command('models')
    .description('list the built-in pretrained models (the model zoo)')
    .option('--json', 'print exactly one JSON object on stdout')
    .addHelpText('after', '\nExamples:\n  $ transferkit models\n  $ transferkit inspect fashion-cnn')
    .action((opts: { json?: boolean }) =>
      runCommand(opts, async () => {
        const list = listZooModels();
        const text = list.length
          ? table(
              ['name', 'input', 'classes', 'accuracy', 'description'],
              list.map((m) => [m.name, `[${m.inputShape.join(',')}]`, String(m.classes.length), fmt(m.accuracy), m.description]),
            )
          : 'No built-in models found.';
        return { json: { models: list }, text };
      }),
    );
}
