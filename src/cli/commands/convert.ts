import type { Command } from 'commander';
import { convertOnnxToDir } from '../../models/onnx/convert.ts';
import { supportedOpsText } from '../../models/onnx/ops/registry.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { runCommand, table } from '../output.ts';

/** `transferkit convert model.onnx --out dir`: an ONNX model as a trainable TF.js model folder. */
export function registerConvert(program: Command): void {
  withCommonOptions(program.command('convert <model.onnx>'))
    .description('convert an ONNX model (common CNN/MLP ops) into a trainable TF.js model folder with the same weights')
    .requiredOption('--out <dir>', 'model folder to write (model.json, weights.bin, transferkit.json)')
    .option('--name <name>', 'name of the TF.js model (default: the file name)')
    .addHelpText(
      'after',
      `
NCHW image inputs become NHWC: a model taking [N, 3, 224, 224] takes [224, 224, 3] examples after
conversion. Supported ops: ${supportedOpsText()}. Other ops are an
error naming the op and node; such models still work as frozen feature extractors.

Examples:
  $ transferkit convert resnet18.onnx --out models/resnet18
  $ transferkit inspect models/resnet18
  $ transferkit fit --base models/resnet18 --train data/images --strategy finetune --out runs/r18`,
    )
    .action((file: string, opts: { out: string; name?: string; backend?: string; json?: boolean }) =>
      runCommand(opts, async () => {
        await startEngine(opts.backend);
        const { result, meta } = await convertOnnxToDir(file, opts.out, { name: opts.name });
        const layers = result.model.layers.length;
        const summary = {
          model: file,
          out: opts.out,
          inputShape: result.inputShape,
          outputShape: result.outputShape,
          classes: result.classes.length,
          layers,
          params: result.params,
          ops: result.ops,
          notes: result.notes,
          features: meta.features,
        };
        const text = [
          `converted ${file} → ${opts.out}`,
          `input [${result.inputShape.join(',')}] (NHWC per example)   output [${result.outputShape.join(',')}]   ${layers} layers, ${result.params} parameters`,
          '',
          table(
            ['op', 'nodes'],
            Object.entries(result.ops).map(([op, n]) => [op, String(n)]),
          ),
          ...(result.notes.length ? ['', ...result.notes.map((n) => `note: ${n}`)] : []),
        ].join('\n');
        result.model.dispose();
        return { json: summary, text };
      }),
    );
}
