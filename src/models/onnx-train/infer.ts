/**
 * Inference on onnxruntime with the training compiler's evaluation graph: a model's raw output
 * (e.g. a frozen base's features) for many inputs, without a trainer (so a model with nothing
 * trainable works too). The session is made, run in batches and released in one call.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { TransferkitError } from '../../errors.ts';
import { compileEval, compileEvalShapes } from './compile.ts';
import { toOnnxLayout } from './layout.ts';
import { lowerModel } from './lower.ts';
import { createTrainSession, runSession } from './session.ts';

/**
 * The model's output for `n` inputs (row-major NHWC or `[n, features]`), in inference mode
 * (BatchNorm on its moving statistics, no dropout), TF.js layout, row-major.
 *
 * @throws TransferkitError `ONNX_TRAIN_UNSUPPORTED` naming a layer the compiler lacks.
 * @example
 * ```ts
 * const feats = await onnxForward(base, x, n); // [n, 1600] for fashion-cnn cut at flatten
 * ```
 */
export async function onnxForward(model: tf.LayersModel, x: Float32Array, n: number, opts: { batchSize?: number; threads?: number } = {}): Promise<Float32Array> {
  const { ops, inputShape, output } = lowerModel(model);
  if (ops.length === 0) throw new TransferkitError('ONNX_TRAIN_UNSUPPORTED', `Model "${model.name}" has no layer to run`, { hint: 'Its output is its input.' });
  const outPer = compileEvalShapes(ops, inputShape).get(output)!;
  const per = inputShape.reduce((p, d) => p * d, 1);
  if (x.length !== n * per) throw new TransferkitError('SHAPE_MISMATCH', `${n} inputs need ${n * per} values, got ${x.length}`, { hint: `Inputs are [n, ${inputShape.join(', ')}] row-major.` });
  const graph = compileEval(ops, inputShape, output);
  const feeds: Record<string, ort.Tensor> = {};
  for (const p of graph.params) feeds[p.key] = new ort.Tensor('float32', toOnnxLayout(p.layout, p.variable.read().dataSync() as Float32Array, p.tfShape), p.onnxShape);
  const session = await createTrainSession(graph.bytes, opts.threads ?? 1);
  try {
    const batch = opts.batchSize ?? 256;
    const out = new Float32Array(n * outPer);
    for (let start = 0; start < n; start += batch) {
      const m = Math.min(batch, n - start);
      const res = await runSession(session, { ...feeds, x: new ort.Tensor('float32', x.subarray(start * per, (start + m) * per), [m, ...inputShape]) });
      out.set(res.probs.data as Float32Array, start * outPer);
    }
    return out;
  } finally {
    await session.release();
  }
}
