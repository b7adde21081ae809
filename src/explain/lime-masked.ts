/**
 * LIME over binary masks of "interpretable parts" (text tokens, image superpixels …), as
 * `lime_text` / `lime_image` do: sample masks, score them with the model, weight by cosine
 * distance to the all-on mask with kernel width 0.25, fit a weighted Ridge(alpha=1) surrogate.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { createRng } from '../util/random.ts';
import { fitLimeSurrogate, limeKernel, type LimeResult, type SurrogateOptions } from './lime-surrogate.ts';
import { checkInt } from './validate.ts';

/**
 * The model seen through masks: mask[j] = 1 keeps part j, 0 removes it (e.g. drop the token,
 * grey out the superpixel). Returns one output per mask.
 *
 * @example
 * ```ts
 * const predictMask: MaskPredictFn = (masks) => masks.map((m) => model(tokens.filter((_, j) => m[j])));
 * ```
 */
export type MaskPredictFn = (masks: Uint8Array[]) => ArrayLike<number> | Promise<ArrayLike<number>>;

/**
 * Options for {@link limeMasked}.
 *
 * @example
 * ```ts
 * const opts: LimeMaskedOptions = { nsamples: 1000, sampling: 'bernoulli', seed: 2 };
 * ```
 */
export interface LimeMaskedOptions extends SurrogateOptions {
  /** Masks including the all-on mask (default 5000). */
  nsamples?: number;
  /** Seed (default 0). */
  seed?: number | string;
  /** Kernel width on cosine distance (default 0.25). */
  kernelWidth?: number;
  /**
   * `'uniform-count'` (default, lime_text): remove a uniformly drawn number 1..n of parts chosen
   * at random; `'bernoulli'` (lime_image): keep each part with probability ½.
   */
  sampling?: 'uniform-count' | 'bernoulli';
  /** Masks per `predictMask` call (default 1000). */
  batchSize?: number;
}

/**
 * LIME weights for `nParts` interpretable parts.
 *
 * @example
 * ```ts
 * const tokens = ['not', 'a', 'good', 'film'];
 * const r = await limeMasked(tokens.length, (masks) => masks.map((m) => (m[2] ? 1 : 0) - (m[0] ? 0.8 : 0)));
 * // r.weights[2] > 0, r.weights[0] < 0
 * ```
 */
export async function limeMasked(nParts: number, predictMask: MaskPredictFn, opts: LimeMaskedOptions = {}): Promise<LimeResult> {
  const p = checkInt(nParts, 'nParts', 1);
  const n = checkInt(opts.nsamples ?? 5000, 'nsamples', 2);
  const batchSize = checkInt(opts.batchSize ?? 1000, 'batchSize', 1);
  const width = opts.kernelWidth ?? 0.25;
  if (!(width > 0) || !Number.isFinite(width)) {
    throw new TransferkitError('BAD_OPTION', `kernelWidth must be a positive number, got ${String(width)}`, { where: 'kernelWidth' });
  }
  const sampling = opts.sampling ?? 'uniform-count';
  if (sampling !== 'uniform-count' && sampling !== 'bernoulli') {
    throw new TransferkitError('BAD_OPTION', `unknown sampling "${String(sampling)}"`, {
      where: 'sampling',
      hint: "Use 'uniform-count' or 'bernoulli'.",
    });
  }
  const rng = createRng(opts.seed ?? 0);
  const masks: Uint8Array[] = [new Uint8Array(p).fill(1)];
  const order = Array.from({ length: p }, (_, j) => j);
  for (let k = 1; k < n; k++) {
    const m = new Uint8Array(p).fill(1);
    if (sampling === 'bernoulli') {
      for (let j = 0; j < p; j++) m[j] = rng.next() < 0.5 ? 0 : 1;
    } else {
      const remove = 1 + rng.int(p);
      for (let i = 0; i < remove; i++) {
        const j = i + rng.int(p - i);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        m[order[i]] = 0;
      }
    }
    masks.push(m);
  }
  const labels = new Float64Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const part = masks.slice(start, start + batchSize);
    const out = await predictMask(part);
    if (out === null || typeof out !== 'object' || out.length !== part.length) {
      throw new TransferkitError('BAD_MODEL_OUTPUT', `predictMask returned ${out?.length ?? typeof out} outputs for ${part.length} masks`, {
        where: 'predictMask',
        hint: 'Return exactly one number per mask.',
      });
    }
    for (let i = 0; i < part.length; i++) {
      const v = out[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new TransferkitError('BAD_MODEL_OUTPUT', `predictMask returned ${String(v)} for mask ${start + i}`, { where: 'predictMask' });
      }
      labels[start + i] = v;
    }
  }
  // Cosine distance to the all-on mask: 1 − √(on/p); an all-off mask is at distance 1.
  const weights = Float64Array.from(masks, (m) => {
    let on = 0;
    for (let j = 0; j < p; j++) on += m[j];
    return limeKernel(on === 0 ? 1 : 1 - Math.sqrt(on / p), width);
  });
  const data = masks.map((m) => Float64Array.from(m));
  return fitLimeSurrogate(data, labels, weights, labels[0], opts);
}
