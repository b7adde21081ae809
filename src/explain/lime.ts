/**
 * Tabular LIME (Ribeiro et al. 2016), following `lime.lime_tabular.LimeTabularExplainer`'s
 * defaults:
 *
 * - `discretize: 'quartile'` (default): each perturbed sample draws, per feature, a quartile bin
 *   from the training bin frequencies and a value inside it (truncated normal with the bin's
 *   training mean/std); the surrogate sees binary features "same bin as x"; distances are
 *   Euclidean on those binary features.
 * - `discretize: false`: samples N(0,1)·std + mean of the training data (or around x with
 *   `sampleAroundInstance`); the surrogate sees standardised features, distances are Euclidean
 *   in standardised space, and weights are per training standard deviation.
 *
 * Kernel sqrt(exp(−d²/w²)) with w = 0.75·√M, 5000 samples, weighted Ridge(alpha=1) surrogate.
 * Sample 0 is always x itself.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { createRng } from '../util/random.ts';
import { fitDiscretizer } from './lime-discretizer.ts';
import { fitLimeSurrogate, limeKernel, type LimeResult, type SurrogateOptions } from './lime-surrogate.ts';
import { callModelFlat } from './model-call.ts';
import type { PredictFn, Row } from './types.ts';
import { checkInt, toFiniteRow, toFiniteRows } from './validate.ts';

/**
 * Re-exported so that `lime.ts` offers the whole LIME API (tabular and masked).
 *
 * @example
 * ```ts
 * import { limeMasked, limeTabular, type LimeResult } from './lime.ts';
 * ```
 */
export { limeMasked, type LimeMaskedOptions, type MaskPredictFn } from './lime-masked.ts';
export type { LimeResult } from './lime-surrogate.ts';

/**
 * Options for {@link limeTabular}.
 *
 * @example
 * ```ts
 * const opts: LimeTabularOptions = { nsamples: 2000, seed: 1, discretize: false };
 * ```
 */
export interface LimeTabularOptions extends SurrogateOptions {
  /** Perturbed samples including x itself (default 5000). */
  nsamples?: number;
  /** Seed (default 0). */
  seed?: number | string;
  /** Kernel width (default 0.75·√M). */
  kernelWidth?: number;
  /** `'quartile'` (default, LIME's), `'decile'`, or `false` for gaussian sampling. */
  discretize?: 'quartile' | 'decile' | false;
  /** Gaussian sampling only: centre the samples on x instead of the training mean (default false). */
  sampleAroundInstance?: boolean;
  /** Names used in `descriptions` (default x0, x1, …). */
  featureNames?: string[];
  /** Rows per model call (default 4096). */
  batchSize?: number;
}

/**
 * A tabular LIME explanation: {@link LimeResult} plus a description of each interpretable
 * feature (the bin of x, e.g. `"worst radius > 18.79"`, or the feature name).
 *
 * @example
 * ```ts
 * const r = await limeTabular(f, x, train);
 * r.descriptions.forEach((d, j) => console.log(d, r.weights[j]));
 * ```
 */
export interface LimeTabularResult extends LimeResult {
  descriptions: string[];
}

/**
 * Explains `predict` at `x` with a local linear surrogate fitted on perturbed samples drawn from
 * the statistics of `training` (raw training rows, not a k-means summary).
 *
 * @example
 * ```ts
 * const f: PredictFn = (rows) => rows.map((r) => 3 * r[0] - r[1]);
 * const r = await limeTabular(f, [1, 2], trainRows, { discretize: false, seed: 0 });
 * // r.weights[0] > 0 > r.weights[1], r.r2 ≈ 1
 * ```
 */
export async function limeTabular(
  predict: PredictFn,
  x: Row,
  training: readonly Row[],
  opts: LimeTabularOptions = {},
): Promise<LimeTabularResult> {
  const train = toFiniteRows(training, 'training');
  const d = train[0].length;
  const xr = toFiniteRow(x, 'x', d);
  const n = checkInt(opts.nsamples ?? 5000, 'nsamples', 2);
  const batchSize = checkInt(opts.batchSize ?? 4096, 'batchSize', 1);
  const width = opts.kernelWidth ?? 0.75 * Math.sqrt(d);
  if (!(width > 0) || !Number.isFinite(width)) {
    throw new TransferkitError('BAD_OPTION', `kernelWidth must be a positive number, got ${String(width)}`, { where: 'kernelWidth' });
  }
  const names = opts.featureNames ?? Array.from({ length: d }, (_, j) => `x${j}`);
  if (names.length !== d) {
    throw new TransferkitError('SHAPE_MISMATCH', `${names.length} feature names for ${d} features`, { where: 'featureNames' });
  }
  const discretize = opts.discretize ?? 'quartile';
  if (discretize !== false && discretize !== 'quartile' && discretize !== 'decile') {
    throw new TransferkitError('BAD_OPTION', `unknown discretize "${String(discretize)}"`, {
      where: 'discretize',
      hint: "Use 'quartile', 'decile' or false.",
    });
  }
  const rng = createRng(opts.seed ?? 0);
  // The perturbed samples in the model's space, packed row-major (row 0 is x itself).
  const inverse = new Float64Array(n * d);
  inverse.set(xr);
  const data: Float64Array[] = [];
  const distances = new Float64Array(n);
  let descriptions: string[];

  if (discretize !== false) {
    const disc = fitDiscretizer(train, discretize);
    const xBins = Array.from(xr, (v, j) => disc.bin(j, v));
    const cumulative = disc.frequencies.map((f) => {
      let acc = 0;
      return Float64Array.from(f, (p) => (acc += p));
    });
    // Never draw an empty bin, even when rounding leaves the cumulative sum just below 1.
    const lastBin = disc.frequencies.map((f) => {
      let b = f.length - 1;
      while (b > 0 && f[b] === 0) b--;
      return b;
    });
    data.push(new Float64Array(d).fill(1));
    for (let k = 1; k < n; k++) {
      const row = inverse.subarray(k * d, (k + 1) * d);
      const bin = new Float64Array(d);
      let diff = 0;
      for (let j = 0; j < d; j++) {
        const u = rng.next();
        const cum = cumulative[j];
        let b = 0;
        while (b < lastBin[j] && u >= cum[b]) b++;
        row[j] = disc.sample(j, b, rng);
        bin[j] = b === xBins[j] ? 1 : 0;
        if (bin[j] === 0) diff++;
      }
      data.push(bin);
      distances[k] = Math.sqrt(diff);
    }
    descriptions = names.map((name, j) => disc.describe(j, xBins[j], name));
  } else {
    const mean = new Float64Array(d);
    const scale = new Float64Array(d);
    for (const r of train) for (let j = 0; j < d; j++) mean[j] += r[j] / train.length;
    for (const r of train) for (let j = 0; j < d; j++) scale[j] += (r[j] - mean[j]) ** 2 / train.length;
    for (let j = 0; j < d; j++) scale[j] = scale[j] > 0 ? Math.sqrt(scale[j]) : 1;
    const centre = opts.sampleAroundInstance ? xr : mean;
    const xs = Float64Array.from(xr, (v, j) => (v - mean[j]) / scale[j]);
    data.push(xs);
    for (let k = 1; k < n; k++) {
      const row = inverse.subarray(k * d, (k + 1) * d);
      const scaled = new Float64Array(d);
      let dist = 0;
      for (let j = 0; j < d; j++) {
        row[j] = rng.normal() * scale[j] + centre[j];
        scaled[j] = (row[j] - mean[j]) / scale[j];
        dist += (scaled[j] - xs[j]) ** 2;
      }
      data.push(scaled);
      distances[k] = Math.sqrt(dist);
    }
    descriptions = names.slice();
  }

  const labels = new Float64Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    await callModelFlat(predict, inverse.subarray(start * d, (start + count) * d), count, d, 'predict', labels, start);
  }
  const weights = Float64Array.from(distances, (dist) => limeKernel(dist, width));
  const fit = fitLimeSurrogate(data, labels, weights, labels[0], opts);
  return { ...fit, descriptions };
}
