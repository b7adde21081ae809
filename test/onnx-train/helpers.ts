/**
 * Shared helpers of the ONNX training-engine tests: seeded models and data, and one training
 * step on both engines (TF.js `cpu` through `trainModel`, onnxruntime through `OnnxTrainer`).
 */
import * as tf from '@tensorflow/tfjs';
import { OnnxTrainer, type OnnxTrainerOptions } from '../../src/models/onnx-train/index.ts';
import type { Penalty } from '../../src/transfer/regularizers.ts';
import { trainModel } from '../../src/transfer/train.ts';
import { createRng } from '../../src/util/random.ts';

/** Seeded uniform values in [-1, 1). */
export function randomArray(n: number, seed: string): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

/** Seeded labels in [0, k). */
export function randomLabels(n: number, k: number, seed: string): Int32Array {
  const rng = createRng(seed);
  return Int32Array.from({ length: n }, (_, i) => (i < k ? i : rng.int(k)));
}

/** Options of {@link stepBoth}. */
export interface StepOptions extends Partial<OnnxTrainerOptions> {
  n: number;
  /** The TF.js side's penalty (e.g. `l2spPenalty`), built on its model. */
  penalty?: (model: tf.LayersModel) => Penalty;
  lr?: number;
  steps?: number;
}

/** Max |a − b| / max(max |a|, 1e-3) over the arrays. */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 1e-3;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(a[i]));
  }
  return d / m;
}

/**
 * Builds the model twice with the same weights, trains one full-batch step (or `steps`) on
 * each engine, and returns both models' weights and losses.
 */
export async function stepBoth(build: () => tf.LayersModel, opts: StepOptions): Promise<{ tfjs: tf.LayersModel; onnx: tf.LayersModel; before: Float32Array[]; tfLoss: number; onnxLoss: number; names: string[] }> {
  const a = build();
  const b = build();
  b.setWeights(a.getWeights());
  const before = a.weights.map((w) => w.read().dataSync().slice() as Float32Array);
  const shape = [opts.n, ...(a.inputs[0].shape.slice(1) as number[])];
  const k = a.outputs[0].shape[1] as number;
  const per = shape.slice(1).reduce((p, d) => p * d, 1);
  const x = randomArray(opts.n * per, 'x');
  const y = randomLabels(opts.n, k, 'y');
  const lr = opts.lr ?? 0.01;
  const steps = opts.steps ?? 1;
  const penalty = opts.penalty?.(a);
  const res = await trainModel(a, { x, shape, y }, { epochs: steps, batchSize: opts.n, seed: 1, learningRate: lr, classWeights: opts.classWeights, labelSmoothing: opts.labelSmoothing, weightDecay: opts.weightDecay, layerLr: opts.layerLr, penalty, engine: 'tfjs' });
  penalty?.dispose();
  // trainModel shuffles each epoch; feed the same order so the steps match exactly
  const trainer = new OnnxTrainer(b, { batchSize: opts.n, numClasses: k, seed: 1, ...opts });
  let onnxLoss = 0;
  for (let e = 1; e <= steps; e++) {
    const order = createRng(`1:train:${e}`).shuffle(Array.from({ length: opts.n }, (_, i) => i));
    const xb = new Float32Array(x.length);
    const yb = new Int32Array(opts.n);
    order.forEach((r, j) => {
      xb.set(x.subarray(r * per, (r + 1) * per), j * per);
      yb[j] = y[r];
    });
    onnxLoss = (await trainer.step(xb, yb, lr)).loss;
  }
  trainer.writeBack();
  await trainer.dispose();
  return { tfjs: a, onnx: b, before, tfLoss: res.history.at(-1)!.loss, onnxLoss, names: a.weights.map((w) => w.name) };
}
