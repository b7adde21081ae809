import type { Command } from 'commander';
import { listBuiltinDatasets } from '../../data/builtins.ts';
import { runCommand, table } from '../output.ts';

/** `transferkit datasets`: the built-in datasets and what data paths are accepted. */
export function registerDatasets(program: Command): void {
  program
    .command('datasets')
    .description('list the built-in datasets (use them as builtin:NAME)')
    .option('--json', 'print exactly one JSON object on stdout')
    .addHelpText('after', '\nExamples:\n  $ transferkit datasets\n  $ transferkit fit --strategy scratch --arch mlp --train builtin:iris --out runs/iris')
    .action((opts: { json?: boolean }) =>
      runCommand(opts, async () => {
        const list = listBuiltinDatasets();
        const text = [
          table(
            ['name', 'kind', 'available', 'description'],
            list.map((d) => [`builtin:${d.name}`, d.kind, d.available ? 'yes' : `no — ${d.hint ?? ''}`, d.description]),
          ),
          '',
          'Files work too: a .csv (with --label <column>), a .jsonl of {"text","label"}, an idx file (.gz or raw),',
          'or a folder of images with one subfolder per class.',
        ].join('\n');
        return { json: { datasets: list }, text };
      }),
    );
}
