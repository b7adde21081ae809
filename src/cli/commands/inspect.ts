import type { Command } from 'commander';
import { loadModel } from '../../models/io.ts';
import { listLayers } from '../../models/surgery.ts';
import { resolveModelRef } from '../../models/zoo.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { runCommand, table } from '../output.ts';

/** `transferkit inspect <model>`: layers, shapes, parameters and what the model was trained for. */
export function registerInspect(program: Command): void {
  withCommonOptions(program.command('inspect <model>'))
    .description('list the layers of a model (zoo name, model folder or model.json)')
    .addHelpText('after', '\nExamples:\n  $ transferkit inspect fashion-cnn\n  $ transferkit inspect runs/mnist/model --json')
    .action((ref: string, opts: { backend?: string; json?: boolean }) =>
      runCommand(opts, async () => {
        await startEngine(opts.backend);
        const { model, meta, dir } = await loadModel(resolveModelRef(ref));
        const layers = listLayers(model);
        const total = layers.reduce((s, l) => s + l.params, 0);
        const trainable = layers.reduce((s, l) => s + l.trainableParams, 0);
        const text = [
          `${ref} (${dir})`,
          meta?.classes ? `classes: ${meta.classes.join(', ')}` : '',
          '',
          table(
            ['#', 'name', 'type', 'output shape', 'params', 'trainable'],
            layers.map((l) => [String(l.index), l.name, l.type, `[${l.outputShape.map((d) => d ?? '?').join(',')}]`, String(l.params), l.trainable ? 'yes' : 'no']),
          ),
          '',
          `parameters: ${total} (${trainable} trainable)`,
        ].join('\n');
        model.dispose();
        return { json: { model: ref, dir, meta, layers, params: { total, trainable } }, text };
      }),
    );
}
