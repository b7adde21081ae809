/**
 * Integrated gradients (Sundararajan et al. 2017):
 * IG_i = (x_i − x'_i) · ∫₀¹ ∂f_target(x' + α(x − x'))/∂x_i dα, approximated by a quadrature
 * rule over `steps` points, evaluated in batches. Also returns Captum's convergence delta
 * Σ IG − (f(x) − f(x')), which completeness says is 0 for the exact integral.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { gradientsOf, intOption, scoresOf, toExample, type DifferentiableModel, type ExampleInput } from './differentiable.ts';
import { integrationRule, type IntegrationMethod } from './integration-rules.ts';

/**
 * Options for {@link integratedGradients}.
 *
 * @example
 * ```ts
 * const opts: IntegratedGradientsOptions = { baseline: 0, steps: 64, method: 'gauss-legendre', batchSize: 16 };
 * ```
 */
export interface IntegratedGradientsOptions {
  /** Baseline x': a number for every element, values/tensor of the example's shape (default 0). */
  baseline?: number | ArrayLike<number> | tf.Tensor;
  /** Points on the path (default 50). */
  steps?: number;
  /** Quadrature rule (default `'gauss-legendre'`, as Captum). */
  method?: IntegrationMethod;
  /** Path points per forward/backward pass (default 32). */
  batchSize?: number;
  /** Per-example shape when `x` is a flat array and the model does not declare one. */
  shape?: number[];
}

/**
 * Integrated-gradients attributions of one example.
 *
 * @example
 * ```ts
 * const r: IntegratedGradientsResult = { attributions: Float32Array.of(1.5, -0.5), shape: [2], delta: 0, output: 1, baselineOutput: 0 };
 * ```
 */
export interface IntegratedGradientsResult {
  /** IG per input element, in the example's shape. */
  attributions: Float32Array;
  shape: number[];
  /** Σ attributions − (output − baselineOutput), the sum taken over the Float32 attributions in index order. */
  delta: number;
  /** f_target(x). */
  output: number;
  /** f_target(baseline). */
  baselineOutput: number;
}

/**
 * Integrated gradients of class `target` at one example.
 *
 * @example
 * ```ts
 * const f = (x: tf.Tensor) => tf.relu(tf.relu(x.slice([0, 0], [-1, 1])).sub(1).sub(tf.relu(x.slice([0, 1], [-1, 1])))).reshape([-1]);
 * const r = await integratedGradients(f, [3, 1], 0, { steps: 50 }); // attributions [1.5, -0.5], delta ≈ 0
 * ```
 */
export async function integratedGradients(
  model: DifferentiableModel,
  x: ExampleInput,
  target: number,
  opts: IntegratedGradientsOptions = {},
): Promise<IntegratedGradientsResult> {
  const ex = toExample(model, x, opts.shape);
  const d = ex.data.length;
  const baseline = resolveBaseline(opts.baseline, ex.shape, d);
  const steps = intOption(opts.steps, 50, 'steps', 1);
  const batchSize = intOption(opts.batchSize, 32, 'batchSize', 1);
  const { alphas, weights } = integrationRule(opts.method ?? 'gauss-legendre', steps);

  const diff = Float64Array.from(ex.data, (v, j) => v - baseline[j]);
  const acc = new Float64Array(d);
  for (let start = 0; start < alphas.length; start += batchSize) {
    const m = Math.min(batchSize, alphas.length - start);
    const packed = new Float32Array(m * d);
    for (let i = 0; i < m; i++) {
      const a = alphas[start + i];
      for (let j = 0; j < d; j++) packed[i * d + j] = baseline[j] + a * diff[j];
    }
    const g = await gradientsOf(model, packed, ex.shape, target);
    for (let i = 0; i < m; i++) {
      const w = weights[start + i];
      for (let j = 0; j < d; j++) acc[j] += w * g[i * d + j];
    }
  }
  const attributions = Float32Array.from(acc, (v, j) => v * diff[j]);

  const ends = new Float32Array(2 * d);
  ends.set(ex.data, 0);
  ends.set(baseline, d);
  const [output, baselineOutput] = await scoresOf(model, ends, ex.shape, target);
  let total = 0;
  for (let j = 0; j < d; j++) total += attributions[j];
  return { attributions, shape: ex.shape, delta: total - (output - baselineOutput), output, baselineOutput };
}

function resolveBaseline(b: IntegratedGradientsOptions['baseline'], shape: number[], d: number): Float32Array {
  if (b === undefined) return new Float32Array(d);
  if (typeof b === 'number') {
    if (!Number.isFinite(b)) throw new TransferkitError('BAD_OPTION', `baseline must be finite, got ${b}`, { where: 'baseline' });
    return new Float32Array(d).fill(b);
  }
  const values = b instanceof tf.Tensor ? b.dataSync() : b;
  if (values.length !== d) {
    throw new TransferkitError('SHAPE_MISMATCH', `baseline has ${values.length} values but the example has ${d} (shape [${shape.join(', ')}])`, {
      where: 'baseline',
      hint: 'Pass a number, or a baseline of the same shape as the example.',
    });
  }
  const out = Float32Array.from(values);
  for (let j = 0; j < d; j++) {
    if (!Number.isFinite(out[j])) throw new TransferkitError('NON_FINITE_INPUT', `baseline[${j}] is ${out[j]}`, { where: `baseline[${j}]` });
  }
  return out;
}
