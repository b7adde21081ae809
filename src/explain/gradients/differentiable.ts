/**
 * The differentiable model the gradient explainers work on, and how one example and one target
 * class are fed to it: a `tf.LayersModel` (input `[n, ...shape]`, output `[n, k]`) called with
 * `training: false`, or a plain function `(x: [n, ...shape]) => [n] | [n, k]`.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { checkTargetIndex } from './batch-predict.ts';

/**
 * A model the gradient explainers can differentiate: a Layers model, or a function of a batch
 * `[n, ...shape]` returning `[n]` (one score per example) or `[n, k]` (scores per class).
 *
 * @example
 * ```ts
 * const f: DifferentiableModel = (x) => tf.relu(x.sum(1)); // [n, d] → [n]
 * const m: DifferentiableModel = buildCnn([28, 28, 1], 10, { seed: 1 });
 * ```
 */
export type DifferentiableModel = tf.LayersModel | ((x: tf.Tensor) => tf.Tensor);

/**
 * One example to explain: a tensor of the per-example shape (a Layers model also accepts a
 * leading batch dimension of 1), or flat values (with `shape` in the options, else the model's
 * declared input shape, else `[length]`).
 *
 * @example
 * ```ts
 * const a: ExampleInput = tf.zeros([28, 28, 1]);
 * const b: ExampleInput = new Float32Array(784); // with { shape: [28, 28, 1] } for a function model
 * ```
 */
export type ExampleInput = tf.Tensor | ArrayLike<number>;

/**
 * One example as flat float32 values and its per-example shape.
 *
 * @example
 * ```ts
 * const ex: Example = { data: Float32Array.of(3, 1), shape: [2] };
 * ```
 */
export interface Example {
  data: Float32Array;
  shape: number[];
}

/**
 * Reads `x` into an {@link Example}, checking its shape against the model's declared input shape
 * (for a Layers model) and that every value is finite.
 *
 * @example
 * ```ts
 * toExample((x) => x.sum(1), [3, 1]); // { data: Float32Array [3, 1], shape: [2] }
 * ```
 */
export function toExample(model: DifferentiableModel, x: ExampleInput, shape?: number[], where = 'x'): Example {
  const declared = typeof model === 'function' ? undefined : model.inputs[0].shape.slice(1);
  let data: Float32Array;
  let s: number[];
  if (x instanceof tf.Tensor) {
    s = x.shape.slice();
    if (declared !== undefined && s.length === declared.length + 1 && s[0] === 1) s = s.slice(1);
    data = Float32Array.from(x.dataSync());
  } else {
    if (x === null || typeof x !== 'object' || typeof x.length !== 'number') {
      throw new TransferkitError('BAD_INPUT', `${where} is not a tensor or an array of numbers`, { where });
    }
    data = Float32Array.from(x);
    const fallback = declared !== undefined && declared.every((v) => typeof v === 'number') ? (declared as number[]) : [data.length];
    s = shape ?? fallback;
  }
  if (shape !== undefined && x instanceof tf.Tensor && shape.join() !== s.join()) {
    throw new TransferkitError('SHAPE_MISMATCH', `${where} has shape [${s.join(', ')}] but opts.shape is [${shape.join(', ')}]`, { where });
  }
  const size = s.reduce((a, b) => a * b, 1);
  if (s.some((v) => !Number.isInteger(v) || v < 1) || size !== data.length) {
    throw new TransferkitError('SHAPE_MISMATCH', `${where} has ${data.length} values, which does not fit the shape [${s.join(', ')}]`, {
      where,
      hint: 'Pass opts.shape with the per-example shape (without the batch dimension).',
    });
  }
  if (declared !== undefined) {
    const ok = declared.length === s.length && declared.every((v, i) => v === null || v === s[i]);
    if (!ok) {
      throw new TransferkitError('SHAPE_MISMATCH', `${where} has shape [${s.join(', ')}] but the model expects [${declared.map((v) => v ?? '?').join(', ')}]`, {
        where,
        hint: 'Pass one example without the batch dimension (or with a batch dimension of 1).',
      });
    }
  }
  for (let j = 0; j < data.length; j++) {
    if (!Number.isFinite(data[j])) {
      throw new TransferkitError('NON_FINITE_INPUT', `${where}[${j}] is ${data[j]}; explanations need finite numbers`, { where: `${where}[${j}]` });
    }
  }
  return { data, shape: s };
}

/**
 * The score of class `target` for every example of `batch`: `[n]`. Call it inside `tf.tidy` or a
 * gradient function. A model returning `[n]` ignores `target`; `[n, k]` must have `target < k`.
 *
 * @example
 * ```ts
 * const scores = tf.tidy(() => targetScores(model, tf.zeros([4, 28, 28, 1]), 3)); // [4]
 * ```
 */
export function targetScores(model: DifferentiableModel, batch: tf.Tensor, target: number): tf.Tensor1D {
  const y = typeof model === 'function' ? model(batch) : model.apply(batch, { training: false });
  if (Array.isArray(y) || !(y instanceof tf.Tensor)) {
    throw new TransferkitError('BAD_MODEL_OUTPUT', 'the model returned several outputs; gradient explainers need exactly one', {
      where: 'model',
      hint: 'Wrap the model in a function returning the output to explain.',
    });
  }
  return targetColumn(y, batch.shape[0], target);
}

/**
 * Column `target` of a model output `y` for a batch of `n`: `y` itself when it is `[n]`, else
 * `y[:, target]` of `[n, k]`. Call it inside `tf.tidy`.
 *
 * @example
 * ```ts
 * tf.tidy(() => targetColumn(tf.tensor2d([[0.1, 0.9]]), 1, 1)); // [0.9]
 * ```
 */
export function targetColumn(y: tf.Tensor, n: number, target: number): tf.Tensor1D {
  checkTargetIndex(target);
  if (y.rank === 1 && y.shape[0] === n) return y as tf.Tensor1D;
  if (y.rank === 2 && y.shape[0] === n) {
    checkTargetIndex(target, y.shape[1]);
    return tf.reshape(tf.slice(y, [0, target], [n, 1]), [n]) as tf.Tensor1D;
  }
  throw new TransferkitError('BAD_MODEL_OUTPUT', `the model returned shape [${y.shape.join(', ')}] for a batch of ${n}; expected [${n}] or [${n}, k]`, {
    where: 'model',
  });
}

/**
 * ∂ score_target / ∂ input for every example of `batch` (same shape as `batch`). Call it inside
 * `tf.tidy`.
 *
 * @example
 * ```ts
 * const g = tf.tidy(() => targetGradients((x) => x.square().sum(1), tf.tensor2d([[1, 2]]), 0)); // [[2, 4]]
 * ```
 */
export function targetGradients(model: DifferentiableModel, batch: tf.Tensor, target: number): tf.Tensor {
  return tf.grad((b: tf.Tensor) => tf.sum(targetScores(model, b, target)))(batch);
}

/**
 * Scores of class `target` for `n` packed examples of shape `shape`, as numbers.
 *
 * @example
 * ```ts
 * await scoresOf((x) => x.sum(1), Float32Array.of(1, 2, 3, 4), [2], 0); // Float64Array [3, 7]
 * ```
 */
export async function scoresOf(model: DifferentiableModel, packed: Float32Array, shape: number[], target: number): Promise<Float64Array> {
  const d = shape.reduce((a, b) => a * b, 1);
  const n = packed.length / d;
  const y = tf.tidy(() => targetScores(model, tf.tensor(packed, [n, ...shape]), target));
  try {
    return Float64Array.from(await y.data());
  } finally {
    y.dispose();
  }
}

/**
 * Gradients of class `target` for `n` packed examples of shape `shape`, as a flat Float32Array.
 *
 * @example
 * ```ts
 * await gradientsOf((x) => x.square().sum(1), Float32Array.of(1, 2), [2], 0); // Float32Array [2, 4]
 * ```
 */
export async function gradientsOf(model: DifferentiableModel, packed: Float32Array, shape: number[], target: number): Promise<Float32Array> {
  const d = shape.reduce((a, b) => a * b, 1);
  const n = packed.length / d;
  const g = tf.tidy(() => targetGradients(model, tf.tensor(packed, [n, ...shape]), target));
  try {
    return (await g.data()) as Float32Array;
  } finally {
    g.dispose();
  }
}

/**
 * Checks an optional integer option ≥ `min` and returns it or its default.
 *
 * @example
 * ```ts
 * intOption(undefined, 50, 'steps', 1); // 50
 * ```
 */
export function intOption(value: number | undefined, fallback: number, name: string, min: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min) {
    throw new TransferkitError('BAD_OPTION', `${name} must be an integer ≥ ${min}, got ${String(v)}`, { where: name });
  }
  return v;
}
