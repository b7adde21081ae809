/**
 * LIME's quantile discretiser (`QuartileDiscretizer` / `DecileDiscretizer`): per-feature bins at
 * training-data percentiles, per-bin statistics, and "undiscretising" a bin back to a value by a
 * truncated normal draw within the bin.
 *
 * @module
 */
import type { Rng } from '../util/random.ts';
import { quantileSorted } from '../util/quantile.ts';

/**
 * Per-feature bins and statistics learned from training rows.
 *
 * @example
 * ```ts
 * const disc = fitDiscretizer(trainRows, 'quartile');
 * disc.bin(0, 3.2); // 0..3
 * ```
 */
export interface Discretizer {
  /** Bin borders per feature (ascending; bin b holds values in (borders[b−1], borders[b]]). */
  borders: Float64Array[];
  /** Bin index of value `v` of feature `j` (numpy `searchsorted(borders, v)`, side left). */
  bin(j: number, v: number): number;
  /** Training frequency of each bin, per feature (sums to 1). */
  frequencies: Float64Array[];
  /** A random value of feature `j` within bin `b` (truncated normal with the bin's mean/std). */
  sample(j: number, b: number, rng: Rng): number;
  /** Human-readable condition for bin `b` of feature `j`, e.g. `"2.10 < age <= 3.40"`. */
  describe(j: number, b: number, name: string): string;
}

export { quantileSorted };

/**
 * Fits quartile (25/50/75) or decile (10..90) bins on `rows`, as LIME does.
 *
 * @example
 * ```ts
 * const disc = fitDiscretizer([[1], [2], [3], [4], [5]], 'quartile');
 * disc.borders[0]; // [2, 3, 4]
 * ```
 */
export function fitDiscretizer(rows: readonly Float64Array[], kind: 'quartile' | 'decile'): Discretizer {
  const d = rows[0].length;
  const n = rows.length;
  const qs = kind === 'quartile' ? [0.25, 0.5, 0.75] : [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
  const borders: Float64Array[] = [];
  const frequencies: Float64Array[] = [];
  const means: Float64Array[] = [];
  const stds: Float64Array[] = [];
  const mins: Float64Array[] = [];
  const maxs: Float64Array[] = [];
  const binOf = (qts: Float64Array, v: number) => {
    let b = 0;
    while (b < qts.length && qts[b] < v) b++;
    return b;
  };
  for (let j = 0; j < d; j++) {
    const col = Float64Array.from(rows, (r) => r[j]);
    const sorted = Float64Array.from(col).sort();
    const qts = Float64Array.from(qs, (q) => quantileSorted(sorted, q));
    const nb = qts.length + 1;
    const count = new Float64Array(nb);
    const sum = new Float64Array(nb);
    const sumSq = new Float64Array(nb);
    for (const v of col) {
      const b = binOf(qts, v);
      count[b]++;
      sum[b] += v;
    }
    const mean = Float64Array.from(sum, (s, b) => (count[b] > 0 ? s / count[b] : 0));
    for (const v of col) {
      const b = binOf(qts, v);
      sumSq[b] += (v - mean[b]) ** 2;
    }
    borders.push(qts);
    frequencies.push(Float64Array.from(count, (c) => c / n));
    means.push(mean);
    stds.push(Float64Array.from(sumSq, (s, b) => (count[b] > 0 ? Math.sqrt(s / count[b]) : 0) + 1e-11));
    mins.push(Float64Array.of(sorted[0], ...qts));
    maxs.push(Float64Array.of(...qts, sorted[n - 1]));
  }
  const fmt = (v: number) => v.toFixed(2);
  return {
    borders,
    frequencies,
    bin: (j, v) => binOf(borders[j], v),
    sample(j, b, rng) {
      const mean = means[j][b];
      const std = stds[j][b];
      const lo = mins[j][b];
      const hi = maxs[j][b];
      if (lo === hi) return lo;
      // Truncated normal by rejection; the bin holds its mean, so acceptance is high.
      for (let t = 0; t < 1000; t++) {
        const v = mean + std * rng.normal();
        if (v >= lo && v <= hi) return v;
      }
      return Math.min(hi, Math.max(lo, mean));
    },
    describe(j, b, name) {
      const q = borders[j];
      if (b === 0) return `${name} <= ${fmt(q[0])}`;
      if (b === q.length) return `${name} > ${fmt(q[q.length - 1])}`;
      return `${fmt(q[b - 1])} < ${name} <= ${fmt(q[b])}`;
    },
  };
}
