import type { Command } from 'commander';
import { loadModel } from '../../models/io.ts';
import { listLayers } from '../../models/surgery.ts';
import { resolveModelRef } from '../../models/zoo.ts';
import { countOnnxParams, listNodes, readOnnx } from '../../models/onnx/read.ts';
import { startEngine, withCommonOptions } from '../engine-option.ts';
import { runCommand, table } from '../output.ts';

/** `transferkit inspect <model>`: layers, shapes, parameters and what the model was trained for. */
export function registerInspect(program: Command): void {
  withCommonOptions(program.command('inspect <model>'))
    .description('list the layers of a model (run folder, zoo name, model folder or model.json), or the nodes of an .onnx file')
    .addHelpText('after', '\nExamples:\n  $ transferkit inspect fashion-cnn\n  $ transferkit inspect runs/mnist --json\n  $ transferkit inspect resnet18.onnx      nodes, ops and output shapes (node names to read as features in the API: createOnnxExtractor)')
    .action((ref: string, opts: { backend?: string; json?: boolean }) =>
      runCommand(opts, async () => {
        if (/\.onnx$/i.test(ref)) return inspectOnnx(ref);
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

/** `inspect model.onnx`: graph inputs/outputs and every node with its output shapes. */
async function inspectOnnx(file: string): Promise<{ json: unknown; text: string }> {
  const model = await readOnnx(file);
  const nodes = listNodes(model);
  const params = countOnnxParams(model);
  const shape = (s: (number | null)[] | undefined) => (s ? `[${s.map((d) => d ?? '?').join(',')}]` : '?');
  const io = (v: { name: string; shape?: (number | null)[]; dimNames: string[]; dtype: string }) =>
    `${v.name} ${v.shape ? `[${v.shape.map((d, i) => d ?? (v.dimNames[i] || '?')).join(',')}]` : '?'} ${v.dtype}`;
  const text = [
    `${file} (ONNX IR ${model.irVersion}, opset ${model.opset}${model.producer ? `, from ${model.producer}` : ''})`,
    `inputs:  ${model.inputs.map(io).join('; ')}`,
    `outputs: ${model.outputs.map(io).join('; ')}`,
    '',
    table(
      ['#', 'node', 'op', 'outputs (tap names)', 'output shape', 'params'],
      nodes.map((n) => [String(n.index), n.name, n.opType, n.outputs.join(', '), n.outputShapes.map(shape).join(' '), String(n.params)]),
    ),
    '',
    `${nodes.length} nodes, ${params} parameters`,
  ].join('\n');
  const json = {
    model: file,
    format: 'onnx',
    irVersion: model.irVersion,
    opset: model.opset,
    producer: model.producer,
    inputs: model.inputs,
    outputs: model.outputs,
    nodes,
    params: { total: params },
  };
  return { json, text };
}
