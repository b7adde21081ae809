/**
 * SmoothGrad (Smilkov et al. 2017): the saliency map averaged over copies of the input with
 * Gaussian noise of standard deviation `noise × (max(x) − min(x))`. The noise comes from the
 * seeded {@link createRng}, so the same seed gives the same map.
 *
 * @module
 */
import { createRng } from '../../util/random.ts';
import { TransferkitError } from '../../errors.ts';
import { gradientsOf, intOption, toExample, type DifferentiableModel, type ExampleInput } from './differentiable.ts';

/**
 * Options for {@link smoothGrad}.
 *
 * @example
 * ```ts
 * const opts: SmoothGradOptions = { samples: 50, noise: 0.2, seed: 7 };
 * ```
 */
export interface SmoothGradOptions {
  /** Noisy copies averaged (default 25). */
  samples?: number;
  /** Noise standard deviation as a fraction of the input's range max − min (default 0.15; a constant input counts as range 1). */
  noise?: number;
  /** Seed of the noise (default 0). */
  seed?: number | string;
  /** Average signed gradients instead of their absolute values (default false: mean |∂f/∂x|, Captum's NoiseTunnel over `Saliency`). */
  signed?: boolean;
  /** Noisy copies per forward/backward pass (default 25). */
  batchSize?: number;
  /** Per-example shape when `x` is a flat array and the model does not declare one. */
  shape?: number[];
}

/**
 * A SmoothGrad map.
 *
 * @example
 * ```ts
 * const r: SmoothGradResult = { attributions: new Float32Array(784), shape: [28, 28, 1], sigma: 0.15 };
 * ```
 */
export interface SmoothGradResult {
  /** Mean (absolute) gradient per input element, in the example's shape. */
  attributions: Float32Array;
  shape: number[];
  /** The absolute noise standard deviation used. */
  sigma: number;
}

/**
 * SmoothGrad of class `target` at one example.
 *
 * @example
 * ```ts
 * const a = await smoothGrad(model, image, 3, { samples: 25, noise: 0.15, seed: 1 });
 * const b = await smoothGrad(model, image, 3, { samples: 25, noise: 0.15, seed: 1 }); // same as a
 * ```
 */
export async function smoothGrad(model: DifferentiableModel, x: ExampleInput, target: number, opts: SmoothGradOptions = {}): Promise<SmoothGradResult> {
  const ex = toExample(model, x, opts.shape);
  const samples = intOption(opts.samples, 25, 'samples', 1);
  const batchSize = intOption(opts.batchSize, 25, 'batchSize', 1);
  const noise = opts.noise ?? 0.15;
  if (!(noise >= 0) || !Number.isFinite(noise)) {
    throw new TransferkitError('BAD_OPTION', `noise must be a finite number ≥ 0, got ${String(noise)}`, { where: 'noise' });
  }
  const d = ex.data.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of ex.data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const sigma = noise * (hi > lo ? hi - lo : 1);
  const rng = createRng(opts.seed ?? 0);
  const sum = new Float64Array(d);
  for (let start = 0; start < samples; start += batchSize) {
    const m = Math.min(batchSize, samples - start);
    const packed = new Float32Array(m * d);
    for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) packed[i * d + j] = ex.data[j] + sigma * rng.normal();
    const g = await gradientsOf(model, packed, ex.shape, target);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < d; j++) {
        const v = g[i * d + j];
        sum[j] += opts.signed === true ? v : Math.abs(v);
      }
    }
  }
  const attributions = Float32Array.from(sum, (v) => v / samples);
  return { attributions, shape: ex.shape, sigma };
}
