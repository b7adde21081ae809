/**
 * Small statistics for choosing and proving a transfer: Kendall's τ for rankings, Student's t
 * quantiles, and confidence intervals on paired differences (paired t and percentile bootstrap).
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { logGamma } from './distributions.ts';
import { createRng } from '../util/random.ts';
import { quantileSorted } from '../util/quantile.ts';

/**
 * Kendall's τ-b between two paired score lists (ties in either list are allowed):
 * τ_b = (C − D) / √((n₀ − n₁)(n₀ − n₂)), with C / D the concordant / discordant pairs,
 * n₀ = n(n − 1)/2 and n₁, n₂ the pairs tied in x and in y. Without ties it is τ-a = (C − D)/n₀.
 * Returns NaN when one list is constant.
 *
 * @example
 * ```ts
 * kendallTau([1, 2, 3, 4], [1, 3, 2, 4]); // (5 − 1) / 6 = 0.667
 * ```
 */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `Kendall's τ needs paired lists, got ${n} and ${y.length} values`);
  if (n < 2) throw new TransferkitError('TOO_FEW_EXAMPLES', `Kendall's τ needs at least 2 pairs, got ${n}`, { hint: 'Rank at least two candidates.' });
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[j] - x[i]);
      const dy = Math.sign(y[j] - y[i]);
      if (dx === 0) tiesX++;
      if (dy === 0) tiesY++;
      if (dx !== 0 && dy !== 0) {
        if (dx === dy) concordant++;
        else discordant++;
      }
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tiesX) * (n0 - tiesY));
  return denom > 0 ? (concordant - discordant) / denom : NaN;
}

/**
 * Regularised incomplete beta function I_x(a, b), by its continued fraction (Numerical Recipes `betai`).
 *
 * @example
 * ```ts
 * regularizedBeta(0.5, 2, 2); // 0.5
 * ```
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new TransferkitError('BAD_INPUT', `regularizedBeta needs a, b > 0, got ${a}, ${b}`);
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // the continued fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry otherwise
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/**
 * Cumulative distribution function of Student's t with `df` degrees of freedom,
 * P(T ≤ t) = 1 − ½·I_{df/(df + t²)}(df/2, ½) for t ≥ 0 (and symmetric).
 *
 * @example
 * ```ts
 * studentTCdf(2.262157, 9); // ≈ 0.975
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new TransferkitError('BAD_INPUT', `Student's t needs df > 0, got ${df}`);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Quantile of Student's t: the t with P(T ≤ t) = p (bisection on {@link studentTCdf}, to 1e-12).
 *
 * @example
 * ```ts
 * studentTQuantile(0.975, 2); // 4.302653
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new TransferkitError('BAD_INPUT', `A quantile needs 0 < p < 1, got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** How a confidence interval on a mean difference was computed. */
export type IntervalMethod = 't' | 'bootstrap';

/** A confidence interval on the mean of paired differences a − b. */
export interface PairedDifference {
  /** Number of pairs. */
  n: number;
  /** Mean of a − b. */
  mean: number;
  /** Sample standard deviation of a − b (n − 1 in the denominator). */
  std: number;
  /** Lower and upper ends of the interval. */
  low: number;
  high: number;
  /** Half the interval's width: the "± Y" in "X ± Y" (for a bootstrap interval, the larger side). */
  halfWidth: number;
  /** Two-sided p-value for "mean difference = 0" (paired t; for the bootstrap, twice the smaller tail share at 0). */
  pValue: number;
  confidence: number;
  method: IntervalMethod;
}

/** Options of {@link pairedDifference}. */
export interface PairedDifferenceOptions {
  /** Confidence level (default 0.95). */
  confidence?: number;
  /**
   * `t`: paired Student t interval; `bootstrap`: percentile bootstrap of the mean difference;
   * `auto` (default): t for fewer than 10 pairs (a bootstrap over so few pairs under-covers), bootstrap otherwise.
   */
  method?: 'auto' | IntervalMethod;
  /** Bootstrap resamples (default 10,000). */
  resamples?: number;
  /** Seed of the bootstrap (default 0). */
  seed?: number | string;
}

/**
 * Confidence interval on the mean paired difference a − b (e.g. transfer minus scratch accuracy,
 * paired by seed). The paired t interval is mean ± t_{(1+c)/2, n−1}·s/√n; the percentile bootstrap
 * resamples pairs with replacement and takes the (1−c)/2 and (1+c)/2 quantiles of the resampled means.
 * With one pair there is no interval: `low`/`high` are ±∞ and `pValue` 1 unless the difference is 0.
 *
 * @example
 * ```ts
 * const d = pairedDifference([0.80, 0.82, 0.85], [0.70, 0.71, 0.72]);
 * // mean 0.113, t interval [0.063, 0.164]
 * ```
 */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>, opts: PairedDifferenceOptions = {}): PairedDifference {
  const n = a.length;
  if (b.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `Paired values need equal lengths, got ${n} and ${b.length}`);
  if (n === 0) throw new TransferkitError('TOO_FEW_EXAMPLES', 'No pairs to compare', { hint: 'Run at least one seed of each strategy.' });
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new TransferkitError('BAD_OPTION', `confidence must be between 0 and 1, got ${confidence}`);
  const d = Array.from({ length: n }, (_, i) => a[i] - b[i]);
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const method: IntervalMethod = opts.method === 't' || opts.method === 'bootstrap' ? opts.method : n < 10 ? 't' : 'bootstrap';
  const base = { n, mean, std, confidence, method };
  if (n === 1) return { ...base, low: -Infinity, high: Infinity, halfWidth: Infinity, pValue: 1 };
  if (std === 0) {
    // every pair differs by the same amount: the interval collapses onto it
    return { ...base, low: mean, high: mean, halfWidth: 0, pValue: mean === 0 ? 1 : 0 };
  }
  if (method === 't') {
    const se = std / Math.sqrt(n);
    const q = studentTQuantile((1 + confidence) / 2, n - 1);
    const t = mean / se;
    return { ...base, low: mean - q * se, high: mean + q * se, halfWidth: q * se, pValue: 2 * (1 - studentTCdf(Math.abs(t), n - 1)) };
  }
  const resamples = opts.resamples ?? 10000;
  const rng = createRng(opts.seed ?? 0);
  const means = new Float64Array(resamples);
  let below = 0;
  let above = 0;
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[rng.int(n)];
    means[r] = s / n;
    if (means[r] <= 0) below++;
    if (means[r] >= 0) above++;
  }
  means.sort();
  const low = quantileSorted(means, (1 - confidence) / 2);
  const high = quantileSorted(means, (1 + confidence) / 2);
  const pValue = Math.min(1, (2 * Math.min(below, above) + 1) / (resamples + 1));
  return { ...base, low, high, halfWidth: Math.max(mean - low, high - mean), pValue };
}

export { quantileSorted };

/**
 * Two sets of per-seed accuracies compared in points: the paired difference of `a − b` (×100),
 * which side of 0 its interval lies on, and the words every verdict uses for it.
 */
export interface PointsComparison {
  /** a − b in points (×100), paired by seed. */
  difference: PairedDifference;
  /** 1: the whole interval is above 0; −1: below 0; 0: it contains 0. */
  sign: 1 | 0 | -1;
  /** The size, e.g. "2.1 ± 1.4 points" (absolute mean ± half-width). */
  amount: string;
  /** How it was measured, e.g. "finetune vs scratch, 95% CI over 3 seeds, paired t". */
  how: string;
  /** The "no significant difference" form, e.g. "+0.4 ± 1.9 points (…; run at least 2 seeds …)". */
  neutral: string;
}

/**
 * Compares accuracies (fractions) paired by seed, in points: the shared core of the transfer and
 * multi-task verdicts. `label` starts the "how" part.
 *
 * @example
 * ```ts
 * comparePoints([0.91, 0.93, 0.92], [0.89, 0.90, 0.90], { label: 'finetune vs scratch' }).amount; // '2.3 ± 1.4 points'
 * ```
 */
export function comparePoints(a: ArrayLike<number>, b: ArrayLike<number>, opts: PairedDifferenceOptions & { label?: string } = {}): PointsComparison {
  const pts = (v: ArrayLike<number>) => Array.from(v, (x) => 100 * x);
  const difference = pairedDifference(pts(a), pts(b), opts);
  const sign = difference.low > 0 ? 1 : difference.high < 0 ? -1 : 0;
  const amount = `${Math.abs(difference.mean).toFixed(1)} ± ${Number.isFinite(difference.halfWidth) ? difference.halfWidth.toFixed(1) : '∞'} points`;
  const n = difference.n;
  const how = `${opts.label ? `${opts.label}, ` : ''}${Math.round(difference.confidence * 100)}% CI over ${n} seed${n === 1 ? '' : 's'}, ${difference.method === 't' ? 'paired t' : 'bootstrap'}`;
  const neutral = `${difference.mean >= 0 ? '+' : '−'}${amount} (${how}${n < 2 ? '; run at least 2 seeds for an interval' : ''})`;
  return { difference, sign, amount, how, neutral };
}

/**
 * Mean and sample standard deviation (n − 1); std is 0 for fewer than two values.
 *
 * @example
 * ```ts
 * meanStd([1, 2, 3]); // { mean: 2, std: 1 }
 * ```
 */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN };
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - mean) ** 2;
  return { mean, std: n > 1 ? Math.sqrt(v / (n - 1)) : 0 };
}
