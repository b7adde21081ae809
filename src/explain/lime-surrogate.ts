/**
 * LIME's local surrogate: the exponential kernel, a weighted ridge fit (sklearn `Ridge(alpha=1)`
 * with intercept) and its weighted R², as in `lime_base.LimeBase.explain_instance_with_data`.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { weightedLeastSquares } from './least-squares.ts';

/**
 * A LIME explanation: the local linear surrogate around the explained instance.
 *
 * @example
 * ```ts
 * const r: LimeResult = { weights: [0.8, -0.1], intercept: 0.3, r2: 0.95, localPrediction: 1.0, output: 1.02, selected: [0, 1] };
 * ```
 */
export interface LimeResult {
  /** Surrogate coefficient per interpretable feature (0 for features not selected). */
  weights: number[];
  /** Surrogate intercept. */
  intercept: number;
  /** Weighted R² of the surrogate on the perturbed samples (LIME's `score`). */
  r2: number;
  /** The surrogate's prediction at the explained instance (LIME's `local_pred`). */
  localPrediction: number;
  /** The model's output at the explained instance. */
  output: number;
  /** Indices of the features in the surrogate (all unless `numFeatures` was given). */
  selected: number[];
}

/**
 * LIME's kernel: sqrt(exp(−d²/width²)).
 *
 * @example
 * ```ts
 * limeKernel(0, 1); // 1
 * limeKernel(1, 1); // exp(−0.5)
 * ```
 */
export function limeKernel(distance: number, width: number): number {
  return Math.sqrt(Math.exp(-(distance * distance) / (width * width)));
}

/**
 * Weighted coefficient of determination, 1 − Σw(y−ŷ)² / Σw(y−ȳ_w)² (sklearn `r2_score` with
 * `sample_weight`; 1 for a perfect fit of constant targets, 0 otherwise).
 *
 * @example
 * ```ts
 * weightedR2([1, 2, 3], [1, 2, 3], [1, 1, 1]); // 1
 * ```
 */
export function weightedR2(y: ArrayLike<number>, yHat: ArrayLike<number>, w: ArrayLike<number>): number {
  let wSum = 0;
  let mean = 0;
  for (let k = 0; k < y.length; k++) {
    wSum += w[k];
    mean += w[k] * y[k];
  }
  mean /= wSum;
  let ssRes = 0;
  let ssTot = 0;
  for (let k = 0; k < y.length; k++) {
    ssRes += w[k] * (y[k] - yHat[k]) ** 2;
    ssTot += w[k] * (y[k] - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/**
 * Options for {@link fitLimeSurrogate}.
 *
 * @example
 * ```ts
 * const opts: SurrogateOptions = { alpha: 1, numFeatures: 5 };
 * ```
 */
export interface SurrogateOptions {
  /** Ridge penalty (default 1, LIME's `Ridge(alpha=1)`). */
  alpha?: number;
  /**
   * Keep only this many features, chosen like LIME's `highest_weights`: a Ridge(α=0.01) fit on all
   * features, ranked by |coef · data[0]|. Default: all features.
   */
  numFeatures?: number;
}

/**
 * Fits the surrogate on interpretable data (`data[0]` is the explained instance) with labels
 * `labels` and kernel weights `weights`; `output` is returned as given (the model at the instance).
 *
 * @example
 * ```ts
 * const fit = fitLimeSurrogate(data, labels, data.map((_, k) => limeKernel(dist[k], width)), labels[0]);
 * ```
 */
export function fitLimeSurrogate(
  data: readonly Float64Array[],
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
  output: number,
  opts: SurrogateOptions = {},
): LimeResult {
  const p = data[0].length;
  const alpha = opts.alpha ?? 1;
  if (!(alpha >= 0) || !Number.isFinite(alpha)) {
    throw new TransferkitError('BAD_OPTION', `alpha must be a finite number ≥ 0, got ${String(alpha)}`, { where: 'alpha' });
  }
  let selected = Array.from({ length: p }, (_, j) => j);
  const numFeatures = opts.numFeatures ?? p;
  if (!Number.isInteger(numFeatures) || numFeatures < 1) {
    throw new TransferkitError('BAD_OPTION', `numFeatures must be a positive integer, got ${String(numFeatures)}`, { where: 'numFeatures' });
  }
  if (numFeatures < p) {
    const pre = weightedLeastSquares(data, labels, weights, { ridge: 0.01, fitIntercept: true });
    if (pre === null) throw new TransferkitError('SINGULAR_FIT', 'feature selection fit failed', { where: 'lime' });
    selected = selected
      .map((j) => ({ j, score: Math.abs(pre.coef[j] * data[0][j]) }))
      .sort((a, b) => b.score - a.score || a.j - b.j)
      .slice(0, numFeatures)
      .map((e) => e.j)
      .sort((a, b) => a - b);
  }
  const X = selected.length === p ? data : data.map((r) => Float64Array.from(selected, (j) => r[j]));
  const fit = weightedLeastSquares(X, labels, weights, { ridge: alpha, fitIntercept: true });
  if (fit === null) {
    throw new TransferkitError('SINGULAR_FIT', 'the LIME surrogate could not be fitted (degenerate samples)', {
      where: 'lime',
      hint: 'Use alpha > 0 or more samples.',
    });
  }
  const predictRow = (r: Float64Array) => {
    let s = fit.intercept;
    for (let t = 0; t < fit.coef.length; t++) s += fit.coef[t] * r[t];
    return s;
  };
  const yHat = X.map(predictRow);
  const all = new Array<number>(p).fill(0);
  selected.forEach((j, t) => {
    all[j] = fit.coef[t];
  });
  return {
    weights: all,
    intercept: fit.intercept,
    r2: weightedR2(labels, yHat, weights),
    localPrediction: predictRow(X[0]),
    output,
    selected,
  };
}
