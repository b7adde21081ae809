/**
 * Partial dependence (PD, Friedman 2001) and individual conditional expectation (ICE, Goldstein
 * et al. 2015) curves for one feature: ICE_i(v) = f(row_i with feature := v), PD(v) = mean_i ICE_i(v).
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { quantileSorted } from './lime-discretizer.ts';
import { callModelFlat } from './model-call.ts';
import type { PredictFn, Row } from './types.ts';
import { checkInt, toFiniteRow, toFiniteRows } from './validate.ts';

/**
 * Options for {@link partialDependence}.
 *
 * @example
 * ```ts
 * const opts: PartialDependenceOptions = { gridResolution: 10, gridMethod: 'uniform', percentiles: [0, 1] };
 * ```
 */
export interface PartialDependenceOptions {
  /** Explicit grid values (used as given). */
  grid?: readonly number[];
  /** Grid points when the grid is computed (default 20). */
  gridResolution?: number;
  /**
   * `'quantile'` (default): the feature's quantiles evenly spaced between the percentiles;
   * `'uniform'`: evenly spaced values between those percentiles (scikit-learn's choice).
   * Either way, a feature with at most `gridResolution` distinct values uses those values.
   */
  gridMethod?: 'quantile' | 'uniform';
  /** Lower/upper percentile of the grid, in [0, 1] (default [0.05, 0.95]). */
  percentiles?: readonly [number, number];
  /** Rows per model call (default 4096). */
  batchSize?: number;
}

/**
 * PD and ICE curves over `grid`: `individual[i][g]` is row i's prediction with the feature set to
 * `grid[g]`, `average[g]` the mean over rows.
 *
 * @example
 * ```ts
 * const r = await partialDependence(predict, rows, 2);
 * r.grid.forEach((v, g) => console.log(v, r.average[g]));
 * ```
 */
export interface PartialDependenceResult {
  feature: number;
  grid: number[];
  average: number[];
  individual: number[][];
}

/**
 * The grid {@link partialDependence} uses for a column of values.
 *
 * @example
 * ```ts
 * pdGrid([1, 2, 2, 3], {}); // [1, 2, 3] (few distinct values → the values themselves)
 * ```
 */
export function pdGrid(values: ArrayLike<number>, opts: PartialDependenceOptions = {}): number[] {
  if (opts.grid !== undefined) {
    if (opts.grid.length === 0) throw new TransferkitError('BAD_OPTION', 'grid is empty', { where: 'grid' });
    return Array.from(toFiniteRow(opts.grid, 'grid'));
  }
  const res = checkInt(opts.gridResolution ?? 20, 'gridResolution', 2);
  const [lo, hi] = opts.percentiles ?? [0.05, 0.95];
  if (!(lo >= 0 && hi <= 1 && lo < hi)) {
    throw new TransferkitError('BAD_OPTION', `percentiles must satisfy 0 ≤ low < high ≤ 1, got [${lo}, ${hi}]`, { where: 'percentiles' });
  }
  const sorted = Float64Array.from(values).sort();
  const distinct = [...new Set(sorted)];
  if (distinct.length <= res) return distinct;
  const method = opts.gridMethod ?? 'quantile';
  if (method !== 'quantile' && method !== 'uniform') {
    throw new TransferkitError('BAD_OPTION', `unknown gridMethod "${String(method)}"`, { where: 'gridMethod', hint: "Use 'quantile' or 'uniform'." });
  }
  const levels = Array.from({ length: res }, (_, g) => lo + ((hi - lo) * g) / (res - 1));
  if (method === 'quantile') return [...new Set(levels.map((q) => quantileSorted(sorted, q)))];
  const a = quantileSorted(sorted, lo);
  const b = quantileSorted(sorted, hi);
  return [...new Set(levels.map((_, g) => a + ((b - a) * g) / (res - 1)))];
}

/**
 * Partial dependence and ICE curves of `predict` for `feature` over `rows`.
 *
 * @example
 * ```ts
 * const f: PredictFn = (rows) => rows.map((r) => 2 * r[0] + r[1] * r[1]);
 * const r = await partialDependence(f, rows, 0, { grid: [0, 1, 2] });
 * // r.average[1] − r.average[0] === 2
 * ```
 */
export async function partialDependence(
  predict: PredictFn,
  rows: readonly Row[],
  feature: number,
  opts: PartialDependenceOptions = {},
): Promise<PartialDependenceResult> {
  const data = toFiniteRows(rows, 'rows');
  const d = data[0].length;
  if (!Number.isInteger(feature) || feature < 0 || feature >= d) {
    throw new TransferkitError('BAD_FEATURE', `feature ${String(feature)} is not a column index 0..${d - 1}`, { where: 'feature' });
  }
  const batchSize = checkInt(opts.batchSize ?? 4096, 'batchSize', 1);
  const grid = pdGrid(
    data.map((r) => r[feature]),
    opts,
  );
  const G = grid.length;
  const n = data.length;
  const individual = data.map(() => new Array<number>(G).fill(0));
  const average = new Array<number>(G).fill(0);
  // Evaluate in chunks of whole rows' curves, packed into one reused buffer, to bound memory.
  const rowsPerChunk = Math.max(1, Math.floor(batchSize / G));
  const chunkRows = Math.min(n, rowsPerChunk) * G;
  const buffer = new Float64Array(chunkRows * d);
  const out = new Float64Array(chunkRows);
  const views = predict.flat === undefined ? Array.from({ length: chunkRows }, (_, r) => buffer.subarray(r * d, (r + 1) * d)) : undefined;
  for (let start = 0; start < n; start += rowsPerChunk) {
    const end = Math.min(n, start + rowsPerChunk);
    let off = 0;
    for (let i = start; i < end; i++) {
      for (let g = 0; g < G; g++, off += d) {
        buffer.set(data[i], off);
        buffer[off + feature] = grid[g];
      }
    }
    // At most batchSize rows per call (one row's curve may be longer than batchSize).
    const rows = (end - start) * G;
    for (let first = 0; first < rows; first += batchSize) {
      const count = Math.min(batchSize, rows - first);
      const part = buffer.subarray(first * d, (first + count) * d);
      await callModelFlat(predict, part, count, d, 'predict', out, first, first === 0 ? views : undefined);
    }
    for (let i = start; i < end; i++) for (let g = 0; g < G; g++) individual[i][g] = out[(i - start) * G + g];
  }
  for (let g = 0; g < G; g++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += individual[i][g];
    average[g] = s / n;
  }
  return { feature, grid, average, individual };
}
