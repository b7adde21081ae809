/**
 * Background (reference) data for interventional explanations: validation and summarising.
 *
 * Explainers evaluate the model once per background row per coalition, so a background of more
 * than {@link BACKGROUND_WARN_ROWS} rows is slow; summarise it with k-means (weights = cluster
 * sizes) or a random sample.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { createRng, type Rng } from '../util/random.ts';
import type { BackgroundInput, Row, WeightedBackground } from './types.ts';
import { checkInt, toFiniteRows } from './validate.ts';

/**
 * More background rows than this earn a warning (SHAP's advice: use ~100 or fewer).
 *
 * @example
 * ```ts
 * if (rows.length > BACKGROUND_WARN_ROWS) console.log('consider summariseBackground');
 * ```
 */
export const BACKGROUND_WARN_ROWS = 100;

/**
 * The advice given when `n` background rows are used; `undefined` when `n` is small enough.
 *
 * @example
 * ```ts
 * backgroundWarning(426); // 'Background has 426 rows …'
 * backgroundWarning(50); // undefined
 * ```
 */
export function backgroundWarning(n: number): string | undefined {
  if (n <= BACKGROUND_WARN_ROWS) return undefined;
  return (
    `Background has ${n} rows (more than ${BACKGROUND_WARN_ROWS}); every coalition costs ${n} model calls. ` +
    `Summarise it with summariseBackground(rows, { method: 'kmeans', k: 50 }) for faster explanations.`
  );
}

/**
 * A validated background with weights normalised to sum to 1, plus the size warning if any.
 *
 * @example
 * ```ts
 * const bg = resolveBackground({ rows: [[0], [2]], weights: [1, 3] });
 * // bg.weights → [0.25, 0.75]
 * ```
 */
export interface ResolvedBackground extends WeightedBackground {
  warning?: string;
}

/**
 * Validates a {@link BackgroundInput}: at least one row, all rows finite and of the same width
 * (`width` when given), weights finite, non-negative and not all zero. Weights are normalised.
 *
 * @example
 * ```ts
 * const bg = resolveBackground([[1, 2], [3, 4]], 2); // equal weights 0.5, 0.5
 * resolveBackground([[1, 2], [3]]); // throws SHAPE_MISMATCH
 * ```
 */
export function resolveBackground(input: BackgroundInput, width?: number): ResolvedBackground {
  const plain = Array.isArray(input);
  const rawRows: readonly Row[] = plain ? (input as readonly Row[]) : (input as { rows: readonly Row[] }).rows;
  const rows = toFiniteRows(rawRows, 'background', width);
  const given = plain ? undefined : (input as { weights?: readonly number[] }).weights;
  let weights: number[];
  if (given === undefined) {
    weights = rows.map(() => 1 / rows.length);
  } else {
    if (given.length !== rows.length) {
      throw new TransferkitError('SHAPE_MISMATCH', `background has ${rows.length} rows but ${given.length} weights`, {
        where: 'background.weights',
        hint: 'Give one weight per background row, or none for equal weights.',
      });
    }
    let total = 0;
    given.forEach((w, i) => {
      if (!Number.isFinite(w) || w < 0) {
        throw new TransferkitError('BAD_WEIGHTS', `background weight ${i} is ${String(w)}`, {
          where: `background.weights[${i}]`,
          hint: 'Weights must be finite and non-negative.',
        });
      }
      total += w;
    });
    if (!(total > 0)) {
      throw new TransferkitError('BAD_WEIGHTS', 'background weights sum to 0', { where: 'background.weights' });
    }
    weights = given.map((w) => w / total);
  }
  const warning = backgroundWarning(rows.length);
  return warning === undefined ? { rows, weights } : { rows, weights, warning };
}

/**
 * Options for {@link summariseBackground}.
 *
 * @example
 * ```ts
 * const opts: SummariseOptions = { method: 'kmeans', k: 20, seed: 1 };
 * ```
 */
export interface SummariseOptions {
  /** `'kmeans'` (default): k-means centroids weighted by cluster size; `'sample'`: k random rows. */
  method?: 'sample' | 'kmeans';
  /** Number of rows to keep (default 50). With k ≥ rows, all rows are kept. */
  k?: number;
  /** Seed for the sample or the k-means++ initialisation (default 0). */
  seed?: number | string;
  /**
   * k-means only: replace each centroid coordinate by the nearest value that feature takes in the
   * data, as SHAP's `shap.kmeans` does (keeps one-hot/integer columns valid). Default true.
   */
  roundValues?: boolean;
  /** k-means only: maximum Lloyd iterations (default 100). */
  maxIterations?: number;
}

/**
 * Summarises background rows into at most `k` weighted rows.
 *
 * Returns the rows, weights summing to 1 (cluster size / n for k-means, 1/k for a sample), and a
 * `warning` string when the result still has more than {@link BACKGROUND_WARN_ROWS} rows.
 *
 * @example
 * ```ts
 * const bg = summariseBackground(trainRows, { method: 'kmeans', k: 30, seed: 0 });
 * const phi = await kernelShap(predict, x, bg);
 * ```
 */
export function summariseBackground(rows: readonly Row[], opts: SummariseOptions = {}): ResolvedBackground {
  const data = toFiniteRows(rows, 'background');
  const method = opts.method ?? 'kmeans';
  if (method !== 'sample' && method !== 'kmeans') {
    throw new TransferkitError('BAD_OPTION', `unknown background method "${String(method)}"`, {
      where: 'method',
      hint: "Use 'kmeans' or 'sample'.",
    });
  }
  const k = checkInt(opts.k ?? 50, 'k', 1);
  const rng = createRng(opts.seed ?? 0);
  let out: WeightedBackground;
  if (k >= data.length) {
    out = { rows: data, weights: data.map(() => 1 / data.length) };
  } else if (method === 'sample') {
    const idx = sampleIndices(rng, data.length, k).sort((a, b) => a - b);
    out = { rows: idx.map((i) => data[i]), weights: idx.map(() => 1 / k) };
  } else {
    out = kmeans(data, k, rng, opts.maxIterations ?? 100, opts.roundValues ?? true);
  }
  const warning = backgroundWarning(out.rows.length);
  return warning === undefined ? out : { ...out, warning };
}

/** k distinct indices from 0..n-1 (partial Fisher–Yates). */
function sampleIndices(rng: Rng, n: number, k: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, k);
}

function sqDist(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const d = a[j] - b[j];
    s += d * d;
  }
  return s;
}

/** Lloyd's k-means with k-means++ initialisation; weights are cluster sizes / n. */
function kmeans(data: Float64Array[], k: number, rng: Rng, maxIter: number, roundValues: boolean): WeightedBackground {
  const n = data.length;
  const d = data[0].length;
  // k-means++ seeding.
  const centres: Float64Array[] = [Float64Array.from(data[rng.int(n)])];
  const nearest = data.map((r) => sqDist(r, centres[0]));
  while (centres.length < k) {
    const total = nearest.reduce((a, b) => a + b, 0);
    let pick = 0;
    if (total > 0) {
      let u = rng.next() * total;
      for (pick = 0; pick < n - 1; pick++) {
        u -= nearest[pick];
        if (u < 0) break;
      }
    } else {
      pick = rng.int(n); // all remaining points coincide with a centre
    }
    const c = Float64Array.from(data[pick]);
    centres.push(c);
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i], sqDist(data[i], c));
  }
  const assign = new Int32Array(n).fill(-1);
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const dd = sqDist(data[i], centres[c]);
        if (dd < bestD) {
          bestD = dd;
          best = c;
        }
      }
      if (assign[i] !== best) {
        assign[i] = best;
        changed = true;
      }
    }
    if (!changed && iter > 0) break;
    const sums = Array.from({ length: k }, () => new Float64Array(d));
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      counts[assign[i]]++;
      const s = sums[assign[i]];
      for (let j = 0; j < d; j++) s[j] += data[i][j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue; // keep an empty cluster's centre; it is dropped below if still empty
      for (let j = 0; j < d; j++) centres[c][j] = sums[c][j] / counts[c];
    }
  }
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) counts[assign[i]]++;
  const rows: Float64Array[] = [];
  const weights: number[] = [];
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) continue;
    rows.push(centres[c]);
    weights.push(counts[c] / n);
  }
  if (roundValues) {
    for (let j = 0; j < d; j++) {
      const values = Float64Array.from(data, (r) => r[j]).sort();
      for (const c of rows) c[j] = nearestSorted(values, c[j]);
    }
  }
  return { rows, weights };
}

/** The element of ascending `sorted` closest to `v`. */
function nearestSorted(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(sorted[lo - 1] - v) <= Math.abs(sorted[lo] - v)) return sorted[lo - 1];
  return sorted[lo];
}
