/**
 * Gaussian (RBF) kernels on rows of a {@link Matrix}: exact pairwise squared distances, the
 * kernel k(a, b) = exp(−‖a − b‖²/(2σ²)), and the one median-heuristic bandwidth used by MMD
 * (`mmd.ts`), kernel mean matching and KLIEP (`adapt/reweight.ts`) and the deep MMD losses
 * (`adapt/deep/losses.ts`, which compute the squared distances on tensors and pass them in).
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import type { Rng } from '../util/random.ts';
import { selectRows, type Matrix } from './linalg.ts';

/**
 * Squared Euclidean distances between the rows of `A` and the rows of `B` (`A.rows × B.rows`),
 * summed as Σₖ (aₖ − bₖ)², so they are exact where the ‖a‖² + ‖b‖² − 2a·b shortcut cancels:
 * never negative, 0 between equal rows. Without `B`, the distances among the rows of `A`
 * (symmetric, zero diagonal, each pair computed once).
 *
 * @example
 * ```ts
 * squaredDistances(toMatrix([[0, 0]]), toMatrix([[3, 4], [0, 1]])).data; // [25, 1]
 * ```
 */
export function squaredDistances(A: Matrix, B?: Matrix): Matrix {
  const d = A.cols;
  const a = A.data;
  if (!B || B === A) {
    const N = A.rows;
    const out = new Float64Array(N * N);
    for (let i = 0; i < N; i++) {
      for (let j = i + 1; j < N; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) {
          const t = a[i * d + k] - a[j * d + k];
          s += t * t;
        }
        out[i * N + j] = s;
        out[j * N + i] = s;
      }
    }
    return { rows: N, cols: N, data: out };
  }
  if (B.cols !== d) throw new TransferkitError('SHAPE_MISMATCH', `Distances between rows of ${d} and ${B.cols} columns`);
  const b = B.data;
  const out = new Float64Array(A.rows * B.rows);
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < B.rows; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = a[i * d + k] - b[j * d + k];
        s += t * t;
      }
      out[i * B.rows + j] = s;
    }
  }
  return { rows: A.rows, cols: B.rows, data: out };
}

/**
 * The Gaussian kernel matrix exp(−D²/(2σ²)) of a matrix of squared distances (into `out`,
 * which may be `D2.data` itself to work in place).
 *
 * @example
 * ```ts
 * gaussianKernel(squaredDistances(toMatrix([[0], [1]])), 1).data; // [1, e^−½, e^−½, 1]
 * ```
 */
export function gaussianKernel(D2: Matrix, sigma: number, out: Float64Array = new Float64Array(D2.data.length)): Matrix {
  const g = 1 / (2 * sigma * sigma);
  const d2 = D2.data;
  for (let k = 0; k < d2.length; k++) out[k] = Math.exp(-d2[k] * g);
  return { rows: D2.rows, cols: D2.cols, data: out };
}

/**
 * The median Euclidean distance over the pairs (a < b) of `rows`, from a row-major N × N matrix
 * of squared distances — the rule of {@link medianBandwidth}: the square root is taken before
 * the median (a median of distances, not of squared distances), an even number of pairs gives
 * the mean of the two middle distances, a median of 0 falls back to the mean distance, and a
 * sample whose rows all coincide gives 1.
 *
 * @example
 * ```ts
 * medianPairDistance(Float64Array.of(0, 4, 4, 0), 2, [0, 1]); // 2
 * ```
 */
export function medianPairDistance(D2: ArrayLike<number>, N: number, rows: ArrayLike<number>): number {
  const r = rows.length;
  const dists = new Float64Array((r * (r - 1)) / 2);
  let k = 0;
  let sum = 0;
  for (let a = 0; a < r; a++) {
    for (let b = a + 1; b < r; b++) {
      const v = Math.sqrt(D2[rows[a] * N + rows[b]]);
      dists[k++] = v;
      sum += v;
    }
  }
  dists.sort();
  const h = dists.length >> 1;
  const med = dists.length % 2 ? dists[h] : (dists[h - 1] + dists[h]) / 2;
  if (med > 0) return med;
  const mean = sum / dists.length;
  return mean > 0 ? mean : 1;
}

/**
 * Squared distances already computed among `n` points (row-major `n × n`, e.g. read back from
 * a tensor), for {@link medianBandwidth}.
 *
 * @example
 * ```ts
 * const pre: PairwiseSquaredDistances = { n: 2, squaredDistances: Float32Array.of(0, 4, 4, 0) };
 * ```
 */
export interface PairwiseSquaredDistances {
  readonly n: number;
  readonly squaredDistances: ArrayLike<number>;
}

/**
 * Options of {@link medianBandwidth}.
 *
 * @example
 * ```ts
 * const o: MedianBandwidthOptions = { maxRows: 1000, rng: createRng('0:median') };
 * ```
 */
export interface MedianBandwidthOptions {
  /** Use at most this many of the points (default 1000); `Infinity` uses them all. */
  maxRows?: number;
  /** Draws the subsample; required when there are more points than `maxRows`. */
  rng?: Rng;
}

/**
 * The median heuristic for the Gaussian kernel width σ, the one rule of the code base: the
 * median Euclidean distance ‖a − b‖ (not squared) over all pairs a < b of the points — for a
 * two-sample problem, source and target rows pooled — falling back to the mean distance when
 * that median is 0 and to 1 when every point coincides ({@link medianPairDistance}). With more
 * than `maxRows` points (default 1000) only `maxRows` of them count: the first `maxRows` of
 * `rng.shuffle([0, 1, …, n − 1])`, drawn from the caller's seeded stream.
 *
 * The callers: `mmd` passes its pooled (already subsampled) kernel distances and its own seeded
 * stream; KMM and KLIEP pass source + target pooled with `createRng(\`${seed}:median\`)`; the
 * deep MMD losses pass the batch's distances with `maxRows: Infinity` (a batch is small).
 *
 * @throws TransferkitError `BAD_OPTION` when a subsample is needed and no `rng` is given.
 * @example
 * ```ts
 * medianBandwidth(toMatrix([[0], [1], [2], [3]])); // distances 1, 1, 1, 2, 2, 3 → 1.5
 * medianBandwidth({ n: N, squaredDistances: d2 }, { maxRows: Infinity });
 * ```
 */
export function medianBandwidth(points: Matrix | PairwiseSquaredDistances, opts: MedianBandwidthOptions = {}): number {
  const maxRows = opts.maxRows ?? 1000;
  const n = 'squaredDistances' in points ? points.n : points.rows;
  let rows = Array.from({ length: n }, (_, i) => i);
  if (n > maxRows) {
    if (!opts.rng) throw new TransferkitError('BAD_OPTION', `The median bandwidth of ${n} points subsamples ${maxRows} of them and needs a seeded rng`);
    rows = opts.rng.shuffle(rows).slice(0, maxRows);
  }
  if ('squaredDistances' in points) return medianPairDistance(points.squaredDistances, n, rows);
  const X = n > maxRows ? selectRows(points, rows) : points;
  return medianPairDistance(squaredDistances(X).data, X.rows, Array.from({ length: X.rows }, (_, i) => i));
}
