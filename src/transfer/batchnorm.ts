/**
 * Exact BatchNorm statistics: after a short training run the moving averages of a BatchNorm
 * layer (momentum 0.99) still remember their initial values and the early, very different
 * activations, so the model predicts poorly in inference mode. Recomputing them on the training
 * data fixes that.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { forward } from './strategies.ts';

/**
 * Sets every BatchNorm layer's moving mean and variance to the exact per-channel statistics of
 * its input over (up to `maxRows`, evenly spaced) examples, layer by layer from the bottom (each
 * later layer sees the earlier ones already calibrated, in inference mode). Returns the names of
 * the layers set. Only for layers that were trained on this data: BatchNorm layers of a frozen
 * pretrained base keep their source statistics.
 *
 * @example
 * ```ts
 * calibrateBatchNorm(model, { x, shape: [n, 28, 28, 1] }); // ['bn1', 'bn2']
 * ```
 */
export function calibrateBatchNorm(model: tf.LayersModel, data: { x: Float32Array; shape: number[] }, opts: { maxRows?: number; only?: string[] } = {}): string[] {
  const N = data.shape[0];
  const n = Math.min(opts.maxRows ?? 3000, N);
  if (n === 0) return [];
  const per = data.x.length / N;
  const x = new Float32Array(n * per);
  // evenly spaced rows: the data may be ordered by class
  for (let i = 0; i < n; i++) {
    const r = Math.floor((i * N) / n);
    x.set(data.x.subarray(r * per, (r + 1) * per), i * per);
  }
  const sample = { x, shape: [n, ...data.shape.slice(1)] };
  const done: string[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    if (opts.only && !opts.only.includes(layer.name)) continue;
    const sub = tf.model({ inputs: model.inputs, outputs: layer.input as tf.SymbolicTensor });
    const feats = forward(sub, sample);
    const c = feats.shape.at(-1)!;
    const rows = feats.x.length / c;
    const sum = new Float64Array(c);
    const sq = new Float64Array(c);
    for (let i = 0; i < feats.x.length; i++) {
      sum[i % c] += feats.x[i];
      sq[i % c] += feats.x[i] * feats.x[i];
    }
    const mean = Float32Array.from(sum, (v) => v / rows);
    const variance = Float32Array.from(sq, (v, j) => Math.max(0, v / rows - mean[j] * mean[j]));
    const w = layer.getWeights();
    const fresh = [tf.tensor1d(mean), tf.tensor1d(variance)];
    layer.setWeights([...w.slice(0, w.length - 2), ...fresh]);
    fresh.forEach((t) => t.dispose());
    done.push(layer.name);
  }
  return done;
}
