/**
 * k-means clustering (Lloyd's algorithm) with k-means++ seeding (Arthur & Vassilvitskii, 2007),
 * several seeded restarts, the run with the lowest inertia kept — the same contract as
 * scikit-learn's `KMeans(init='k-means++', n_init=…)`.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { toMatrix, type Matrix, type MatrixInput } from '../measures/linalg.ts';
import { createRng, type Rng } from '../util/random.ts';

/** Options of {@link kmeans}. */
export interface KMeansOptions {
  /** Seed of the k-means++ draws (default 0). */
  seed?: number;
  /** Independent k-means++ starts; the one with the lowest inertia wins (default 5). */
  restarts?: number;
  /** Lloyd iterations per start at most (default 100). */
  maxIter?: number;
  /** Stop when no centroid moves by more than this (squared distance, relative to the data's mean squared norm; default 1e-6). */
  tol?: number;
}

/** A k-means clustering. */
export interface KMeansResult {
  /** Cluster of each row, 0 … k−1. */
  labels: Int32Array;
  /** `k × d` centroids. */
  centroids: Matrix;
  /** Sum of squared distances of the rows to their centroids. */
  inertia: number;
  /** Lloyd iterations of the winning start. */
  iterations: number;
  k: number;
}

/**
 * Clusters the rows of `X` into `k` groups.
 *
 * @throws TransferkitError `BAD_OPTION` for a `k` that is not a whole number in [1, rows] or bad
 *   restarts / iterations; `NON_FINITE` / `SHAPE_MISMATCH` from `toMatrix`.
 * @example
 * ```ts
 * const { labels, centroids } = kmeans([[0, 0], [0, 1], [10, 10], [10, 11]], 2, { seed: 1 });
 * // labels: [0, 0, 1, 1] (or [1, 1, 0, 0])
 * ```
 */
export function kmeans(X: MatrixInput | Matrix, k: number, opts: KMeansOptions = {}): KMeansResult {
  const M = isMatrix(X) ? X : toMatrix(X, 'clustering data');
  const { rows: n, cols: d } = M;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new TransferkitError('BAD_OPTION', `k must be a whole number from 1 to the number of rows (${n}), got ${k}`, { where: 'k-means', hint: 'Pass a smaller k, or more data.' });
  }
  const restarts = opts.restarts ?? 5;
  const maxIter = opts.maxIter ?? 100;
  if (!Number.isInteger(restarts) || restarts < 1) throw new TransferkitError('BAD_OPTION', `restarts must be a whole number of at least 1, got ${restarts}`, { where: 'k-means', hint: 'Use e.g. 5.' });
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new TransferkitError('BAD_OPTION', `maxIter must be a whole number of at least 1, got ${maxIter}`, { where: 'k-means', hint: 'Use e.g. 100.' });
  let meanSq = 0;
  for (let i = 0; i < M.data.length; i++) meanSq += M.data[i] * M.data[i];
  const tol = (opts.tol ?? 1e-6) * Math.max(meanSq / Math.max(1, n), Number.MIN_VALUE);
  const rng = createRng(opts.seed ?? 0);
  let best: KMeansResult | undefined;
  for (let r = 0; r < restarts; r++) {
    const run = lloyd(M, plusPlus(M, k, rng), maxIter, tol);
    if (!best || run.inertia < best.inertia) best = run;
  }
  return best!;
}

/**
 * Squared Euclidean distance between row `i` of `a` and row `j` of `b` (both with `d` columns).
 *
 * @example
 * ```ts
 * sqDist(Float64Array.of(0, 0, 3, 4), 1, Float64Array.of(0, 0), 0, 2); // 25
 * ```
 */
export function sqDist(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let s = 0;
  const oa = i * d;
  const ob = j * d;
  for (let t = 0; t < d; t++) {
    const diff = a[oa + t] - b[ob + t];
    s += diff * diff;
  }
  return s;
}

/** k-means++: the first centre uniformly, each next one with probability ∝ squared distance to the nearest centre so far. */
function plusPlus(M: Matrix, k: number, rng: Rng): Float64Array {
  const { rows: n, cols: d, data } = M;
  const centres = new Float64Array(k * d);
  const first = rng.int(n);
  centres.set(data.subarray(first * d, (first + 1) * d), 0);
  const nearest = new Float64Array(n);
  for (let i = 0; i < n; i++) nearest[i] = sqDist(data, i, centres, 0, d);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i];
    let pick = n - 1;
    if (total > 0) {
      let u = rng.next() * total;
      for (let i = 0; i < n; i++) {
        u -= nearest[i];
        if (u < 0) {
          pick = i;
          break;
        }
      }
    } else {
      pick = rng.int(n); // every row sits on a centre already: duplicates are unavoidable
    }
    centres.set(data.subarray(pick * d, (pick + 1) * d), c * d);
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i], sqDist(data, i, centres, c, d));
  }
  return centres;
}

function lloyd(M: Matrix, centres: Float64Array, maxIter: number, tol: number): KMeansResult {
  const { rows: n, cols: d, data } = M;
  const k = centres.length / d;
  const labels = new Int32Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  const dist = new Float64Array(n);
  let iterations = 0;
  for (let iter = 1; iter <= maxIter; iter++) {
    iterations = iter;
    assign(data, centres, n, d, k, labels, dist);
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      counts[c]++;
      for (let t = 0; t < d; t++) sums[c * d + t] += data[i * d + t];
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // an empty cluster takes the row farthest from its centre (as scikit-learn does)
        let far = 0;
        for (let i = 1; i < n; i++) if (dist[i] > dist[far]) far = i;
        for (let t = 0; t < d; t++) sums[c * d + t] = data[far * d + t];
        counts[c] = 1;
        dist[far] = 0;
      }
      let moved = 0;
      for (let t = 0; t < d; t++) {
        const v = sums[c * d + t] / counts[c];
        moved += (v - centres[c * d + t]) ** 2;
        centres[c * d + t] = v;
      }
      shift = Math.max(shift, moved);
    }
    if (shift <= tol) break;
  }
  assign(data, centres, n, d, k, labels, dist);
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += dist[i];
  return { labels, centroids: { rows: k, cols: d, data: centres }, inertia, iterations, k };
}

function assign(data: Float64Array, centres: Float64Array, n: number, d: number, k: number, labels: Int32Array, dist: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const s = sqDist(data, i, centres, c, d);
      if (s < bestD) {
        bestD = s;
        best = c;
      }
    }
    labels[i] = best;
    dist[i] = bestD;
  }
}

function isMatrix(X: MatrixInput | Matrix): X is Matrix {
  return !Array.isArray(X) && 'data' in X && X.data instanceof Float64Array;
}
