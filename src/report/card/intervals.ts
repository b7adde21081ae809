/**
 * Confidence intervals a model card puts on its metrics: Wilson score intervals for proportions
 * (accuracy, a class's recall or precision), and a bootstrap over the (true, predicted) pairs
 * a confusion matrix holds for metrics that are not proportions (macro F1).
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { createRng } from '../../util/random.ts';
import { quantileSorted } from '../../util/quantile.ts';

/** z of a two-sided 95% normal interval (the 0.975 quantile of N(0, 1)). */
export const Z95 = 1.959963984540054;

/**
 * A two-sided interval.
 *
 * @example
 * ```ts
 * const iv: Interval = wilsonInterval(137, 150); // { low: 0.857, high: 0.949 } (rounded)
 * ```
 */
export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval of a proportion `successes / n` (Wilson 1927): unlike the normal
 * ("Wald") interval it stays inside [0, 1] and keeps its coverage near 0 and 1 and for small n.
 *
 *   centre = (p + z²/2n) / (1 + z²/n),  half = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²)
 *
 * @throws TransferkitError `BAD_INPUT` when n is not a whole number ≥ 1 or successes is not in 0…n.
 * @example
 * ```ts
 * wilsonInterval(8, 10); // { low: 0.4902, high: 0.9433 } (rounded)
 * ```
 */
export function wilsonInterval(successes: number, n: number, z: number = Z95): Interval {
  if (!(Number.isInteger(n) && n >= 1) || !(Number.isInteger(successes) && successes >= 0 && successes <= n)) {
    throw new TransferkitError('BAD_INPUT', `A Wilson interval needs whole counts 0 ≤ successes ≤ n with n ≥ 1, got ${successes} of ${n}`, {
      where: 'wilsonInterval',
      hint: 'Pass the number of correct predictions and the number of examples scored.',
    });
  }
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // at 0 and n the bound is exactly 0 or 1; the formula gives it only up to rounding
  return { low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half) };
}

/**
 * Options of {@link bootstrapConfusion}.
 *
 * @example
 * ```ts
 * const opts: BootstrapOptions = { resamples: 2000, seed: 1, level: 0.9 };
 * ```
 */
export interface BootstrapOptions {
  /** Resamples (default 1000). */
  resamples?: number;
  /** Seed of the resampling (default 0), so a card is the same each time it is built. */
  seed?: number;
  /** Two-sided level (default 0.95). */
  level?: number;
}

/**
 * Macro F1 of a confusion matrix (`cm[true][predicted]`), as scikit-learn and
 * `classificationMetrics` define it: the mean F1 over classes that occur in the labels or the
 * predictions (precision or recall with an empty denominator counts as 0).
 *
 * @example
 * ```ts
 * macroF1FromConfusion([[5, 0], [1, 4]]); // ≈ 0.899
 * ```
 */
export function macroF1FromConfusion(cm: number[][]): number {
  const k = cm.length;
  let sum = 0;
  let present = 0;
  for (let c = 0; c < k; c++) {
    let actual = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      actual += cm[c][j];
      predicted += cm[j][c];
    }
    if (actual === 0 && predicted === 0) continue;
    present++;
    const tp = cm[c][c];
    const precision = predicted ? tp / predicted : 0;
    const recall = actual ? tp / actual : 0;
    sum += precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  }
  return present ? sum / present : 0;
}

/**
 * Percentile-bootstrap interval of a metric of the confusion matrix: the `n` scored examples
 * are resampled with replacement (each resample draws `n` (true, predicted) pairs from the
 * matrix's cells in proportion to their counts) and the metric recomputed. Exact for any metric
 * that depends on the predictions only through the confusion matrix (accuracy, precision,
 * recall, F1); not for log loss or ROC AUC, which need the probabilities.
 *
 * @throws TransferkitError `BAD_INPUT` for a matrix that is not square or holds no examples.
 * @example
 * ```ts
 * const { low, high } = bootstrapConfusion([[40, 10], [5, 45]], macroF1FromConfusion);
 * ```
 */
export function bootstrapConfusion(cm: number[][], metric: (cm: number[][]) => number, opts: BootstrapOptions = {}): Interval {
  const k = cm.length;
  if (k === 0 || cm.some((row) => row.length !== k || row.some((v) => !(Number.isInteger(v) && v >= 0)))) {
    throw new TransferkitError('BAD_INPUT', 'A confusion matrix must be square with whole counts ≥ 0', { where: 'bootstrapConfusion', hint: 'Pass cm[true][predicted] counts.' });
  }
  const cells = cm.flat();
  const n = cells.reduce((a, b) => a + b, 0);
  if (n === 0) throw new TransferkitError('BAD_INPUT', 'The confusion matrix holds no examples', { where: 'bootstrapConfusion', hint: 'Score at least one example.' });
  const cumulative: number[] = [];
  let running = 0;
  for (const v of cells) cumulative.push((running += v));
  const resamples = opts.resamples ?? 1000;
  const level = opts.level ?? 0.95;
  const rng = createRng(opts.seed ?? 0);
  const values = new Float64Array(resamples);
  const counts = new Array<number>(cells.length);
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[cellOf(cumulative, rng.next() * n)]++;
    const sample = Array.from({ length: k }, (_, r) => counts.slice(r * k, (r + 1) * k));
    values[b] = metric(sample);
  }
  values.sort();
  return { low: quantileSorted(values, (1 - level) / 2), high: quantileSorted(values, 1 - (1 - level) / 2) };
}

/** Index of the first cumulative count above `u` (binary search). */
function cellOf(cumulative: number[], u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
