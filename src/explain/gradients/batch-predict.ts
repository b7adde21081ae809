/**
 * Black-box models over flat float inputs, as the perturbation explainers (occlusion, LIME for
 * images, the attribution-quality metrics) see them: a batch of `n` examples packed row-major in
 * one Float32Array, returning `n` scores or `n × k` class probabilities.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';

/**
 * A batched model over flat inputs: `batch` holds `n` examples of `batch.length / n` values each
 * (images in HWC order). Returns either one number per example, or `n × k` numbers (row-major
 * class probabilities), in which case the explainer picks the column of its `target`.
 *
 * The explainers may reuse `batch` between calls: copy it if you keep it.
 *
 * @example
 * ```ts
 * // Probability that the sum of an image's pixels is "large".
 * const predict: BatchPredictFn = (batch, n) => {
 *   const d = batch.length / n;
 *   return Float32Array.from({ length: n }, (_, i) => 1 / (1 + Math.exp(-batch.subarray(i * d, (i + 1) * d).reduce((s, v) => s + v, 0))));
 * };
 * ```
 */
export type BatchPredictFn = (batch: Float32Array, n: number) => ArrayLike<number> | Promise<ArrayLike<number>>;

/**
 * Calls `predict` on `n` packed examples and returns the explained score of each: the value
 * itself when the model returns one number per example, else column `target` of its `n × k`
 * output. Throws `BAD_MODEL_OUTPUT` on a wrong length or a non-finite value, `BAD_TARGET` when
 * the target is missing or out of range.
 *
 * @example
 * ```ts
 * const p = await predictTarget((b, n) => new Float32Array(n * 3).fill(1 / 3), batch, 2, 1); // Float64Array [1/3, 1/3]
 * ```
 */
export async function predictTarget(
  predict: BatchPredictFn,
  batch: Float32Array,
  n: number,
  target: number | undefined,
  where = 'predict',
): Promise<Float64Array> {
  const out = await predict(batch, n);
  return selectTarget(out, n, target, where);
}

/**
 * Picks the explained score per example from a model's flat output (see {@link predictTarget}).
 *
 * @example
 * ```ts
 * selectTarget([0.2, 0.8, 0.6, 0.4], 2, 1, 'predict'); // Float64Array [0.8, 0.4]
 * selectTarget([0.3, 0.9], 2, undefined, 'predict');   // Float64Array [0.3, 0.9]
 * ```
 */
export function selectTarget(out: ArrayLike<number>, n: number, target: number | undefined, where: string): Float64Array {
  if (out === null || typeof out !== 'object' || typeof out.length !== 'number') {
    throw new TransferkitError('BAD_MODEL_OUTPUT', `${where} returned ${typeof out}, not an array of numbers`, {
      where,
      hint: 'Return one number per example, or n × k class probabilities (row-major).',
    });
  }
  let k = 1;
  if (out.length !== n) {
    k = out.length / n;
    if (n === 0 || !Number.isInteger(k) || k < 1) {
      throw new TransferkitError('BAD_MODEL_OUTPUT', `${where} returned ${out.length} numbers for ${n} examples`, {
        where,
        hint: 'Return one number per example, or n × k class probabilities (row-major).',
      });
    }
  }
  let col = 0;
  if (k > 1) {
    if (target === undefined) {
      throw new TransferkitError('BAD_TARGET', `${where} returns ${k} outputs per example but no target class was given`, {
        where: 'target',
        hint: `Pass target: a class index in 0..${k - 1}.`,
      });
    }
    col = checkTargetIndex(target, k);
  }
  const res = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = out[i * k + col];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TransferkitError('BAD_MODEL_OUTPUT', `${where} returned ${String(v)} for example ${i}`, {
        where,
        hint: 'The model produced a non-finite value; check its inputs.',
      });
    }
    res[i] = v;
  }
  return res;
}

/**
 * Checks that `target` is a class index in `0..k-1` (any non-negative integer when `k` is not
 * known) and returns it; throws `BAD_TARGET` otherwise.
 *
 * @example
 * ```ts
 * checkTargetIndex(2, 10); // 2
 * checkTargetIndex(10, 10); // throws BAD_TARGET
 * ```
 */
export function checkTargetIndex(target: number, k?: number): number {
  if (!Number.isInteger(target) || target < 0 || (k !== undefined && target >= k)) {
    throw new TransferkitError('BAD_TARGET', `target ${String(target)} is not a class index${k === undefined ? '' : ` in 0..${k - 1}`}`, {
      where: 'target',
      hint: k === undefined ? 'Pass a non-negative whole number.' : `The model has ${k} outputs; pass 0..${k - 1}.`,
    });
  }
  return target;
}

/**
 * Wraps a `tf.LayersModel` (input `[n, ...shape]`, output `[n, k]`) as a {@link BatchPredictFn}:
 * predicts in chunks of `batchSize` (default 64) inside `tf.tidy`, so no tensor outlives a call.
 *
 * @example
 * ```ts
 * const predict = layersPredictFn(buildCnn([28, 28, 1], 10, { seed: 1 }));
 * const r = await occlusion(predict, image, [28, 28, 1], 3);
 * ```
 */
export function layersPredictFn(model: tf.LayersModel, opts: { batchSize?: number; shape?: number[] } = {}): BatchPredictFn {
  const batchSize = opts.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new TransferkitError('BAD_OPTION', `batchSize must be a positive integer, got ${String(batchSize)}`, { where: 'batchSize' });
  }
  const declared = model.inputs[0].shape.slice(1);
  const shape = opts.shape ?? declared;
  if (shape.some((s) => typeof s !== 'number')) {
    throw new TransferkitError('BAD_INPUT', `model "${model.name}" has input shape [${declared.join(', ')}] with unknown sizes`, {
      where: `model "${model.name}"`,
      hint: 'Pass opts.shape with the per-example input shape.',
    });
  }
  const exampleShape = shape as number[];
  const d = exampleShape.reduce((a, b) => a * b, 1);
  return (batch, n) => {
    if (batch.length !== n * d) {
      throw new TransferkitError('SHAPE_MISMATCH', `a batch of ${n} examples of shape [${exampleShape.join(', ')}] needs ${n * d} values, got ${batch.length}`, {
        where: `model "${model.name}"`,
      });
    }
    const parts: Float32Array[] = [];
    let k = 0;
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const y = tf.tidy(() => {
        const out = model.predict(tf.tensor(batch.subarray(start * d, (start + m) * d), [m, ...exampleShape]), { batchSize: m });
        if (Array.isArray(out)) throw new TransferkitError('BAD_MODEL_OUTPUT', `model "${model.name}" has ${out.length} outputs; explainers need one`, { where: `model "${model.name}"` });
        return out.reshape([m, -1]);
      });
      try {
        k = y.shape[1] as number;
        parts.push(y.dataSync() as Float32Array);
      } finally {
        y.dispose();
      }
    }
    const res = new Float32Array(n * k);
    let offset = 0;
    for (const p of parts) {
      res.set(p, offset);
      offset += p.length;
    }
    return res;
  };
}
