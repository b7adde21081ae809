/**
 * Maximum mean discrepancy (Gretton et al. 2012) between a source and a target sample with a
 * Gaussian (RBF) kernel, and a permutation test for "same distribution".
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { createRng } from '../util/random.ts';
import { gaussianKernel, medianBandwidth, squaredDistances } from './kernels.ts';
import { stackMatrices, subsampleRows, toMatrix, type MatrixInput } from './linalg.ts';

/**
 * Options for {@link mmd}.
 *
 * @example
 * ```ts
 * const opts: MmdOptions = { bandwidth: 2, permutations: 500, seed: 7 };
 * ```
 */
export interface MmdOptions {
  /** Only `'rbf'`: k(a, b) = exp(−‖a − b‖² / (2·bandwidth²)). */
  kernel?: 'rbf';
  /**
   * RBF bandwidth σ; default: the median heuristic (`medianBandwidth`: the median pairwise
   * Euclidean distance of the pooled sample; over 1000 pooled rows, of 1000 drawn from this call's
   * seeded stream, right after the subsampling to `maxRows`).
   */
  bandwidth?: number;
  /** Permutations for the p-value (default 200; 0 skips the test and gives `pValue: NaN`). */
  permutations?: number;
  /** Seed for subsampling and permutations (default 0). */
  seed?: number | string;
  /** Each side is subsampled (seeded, without replacement) to at most this many rows (default 1000). */
  maxRows?: number;
}

/**
 * Result of {@link mmd}.
 *
 * @example
 * ```ts
 * const r: MmdResult = { mmd2: 0.12, bandwidth: 3.1, pValue: 0.005, permutations: 200, nSource: 500, nTarget: 500 };
 * ```
 */
export interface MmdResult {
  /** Unbiased U-statistic estimate of MMD² (can be slightly negative when there is no shift). */
  mmd2: number;
  /** The RBF bandwidth σ used. */
  bandwidth: number;
  /** (1 + #{permuted MMD² ≥ observed}) / (1 + permutations). */
  pValue: number;
  permutations: number;
  /** Rows used on each side after subsampling. */
  nSource: number;
  nTarget: number;
}

/**
 * Unbiased MMD² between two samples with an RBF kernel,
 * MMD²_u = Σ_{i≠j} k(xᵢ,xⱼ)/(m(m−1)) + Σ_{i≠j} k(yᵢ,yⱼ)/(n(n−1)) − 2 Σ_{i,j} k(xᵢ,yⱼ)/(mn),
 * with a permutation p-value: the pooled rows are randomly reassigned to the two sides
 * (same sizes) and MMD² recomputed from the cached pooled kernel matrix.
 *
 * Cost: O((m + n)² d) for the kernel matrix plus O(min(m, n)²) per permutation.
 *
 * @example
 * ```ts
 * const r = mmd(sourceFeatures, targetFeatures, { seed: 1 });
 * if (r.pValue < 0.01) console.log(`shift: MMD² = ${r.mmd2.toFixed(4)}`);
 * ```
 */
export function mmd(source: MatrixInput, target: MatrixInput, opts: MmdOptions = {}): MmdResult {
  const kernel = opts.kernel ?? 'rbf';
  if (kernel !== 'rbf') throw new TransferkitError('BAD_OPTION', `Unknown MMD kernel "${String(kernel)}"`, { hint: "Use kernel: 'rbf'." });
  const permutations = opts.permutations ?? 200;
  const maxRows = opts.maxRows ?? 1000;
  if (!Number.isInteger(permutations) || permutations < 0) {
    throw new TransferkitError('BAD_OPTION', `permutations must be a non-negative integer, got ${permutations}`);
  }
  if (!(maxRows >= 2)) throw new TransferkitError('BAD_OPTION', `maxRows must be at least 2, got ${maxRows}`);
  const rng = createRng(opts.seed ?? 0);
  const S = subsampleRows(toMatrix(source, 'source'), maxRows, rng);
  const T = subsampleRows(toMatrix(target, 'target'), maxRows, rng);
  if (S.cols !== T.cols) {
    throw new TransferkitError('SHAPE_MISMATCH', `Source has ${S.cols} features but target has ${T.cols}`);
  }
  if (S.rows < 2 || T.rows < 2) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `MMD needs at least 2 rows per side (got ${S.rows} and ${T.rows})`);
  }
  const m = S.rows;
  const n = T.rows;
  const N = m + n;
  const D2 = squaredDistances(stackMatrices(S, T));

  let bandwidth = opts.bandwidth;
  if (bandwidth === undefined) bandwidth = medianBandwidth({ n: N, squaredDistances: D2.data }, { maxRows: 1000, rng });
  if (!(bandwidth > 0) || !Number.isFinite(bandwidth)) {
    throw new TransferkitError('BAD_OPTION', `bandwidth must be a positive number, got ${bandwidth}`);
  }
  const K = gaussianKernel(D2, bandwidth, D2.data).data; // in place: K = exp(−D² / (2σ²))

  let total = 0; // Σ_{i≠j} K
  const rowSum = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let r = 0;
    for (let j = 0; j < N; j++) r += K[i * N + j];
    rowSum[i] = r;
    total += r - K[i * N + i];
  }
  const inX = new Uint8Array(N);
  const xIdx = new Int32Array(m);
  for (let i = 0; i < m; i++) (inX[i] = 1), (xIdx[i] = i);
  const observed = mmd2FromAssignment(K, N, xIdx, inX, rowSum, total);

  let exceed = 0;
  if (permutations > 0) {
    const order = Array.from({ length: N }, (_, i) => i);
    for (let p = 0; p < permutations; p++) {
      rng.shuffle(order);
      inX.fill(0);
      for (let i = 0; i < m; i++) (inX[order[i]] = 1), (xIdx[i] = order[i]);
      if (mmd2FromAssignment(K, N, xIdx, inX, rowSum, total) >= observed) exceed++;
    }
  }
  return {
    mmd2: observed,
    bandwidth,
    pValue: permutations > 0 ? (1 + exceed) / (1 + permutations) : NaN,
    permutations,
    nSource: m,
    nTarget: n,
  };
}

/**
 * MMD²_u when the pooled rows `xIdx` form the first sample and the rest the second. Only the
 * smaller group's block is summed: with rowSum the full row sums of K,
 * Σ_{G×G} K and Σ_{a∈G} rowSum_a give the within and cross sums, O(min(m, n)²) per call.
 */
function mmd2FromAssignment(K: Float64Array, N: number, xIdx: Int32Array, inX: Uint8Array, rowSum: Float64Array, total: number): number {
  const m = xIdx.length;
  const n = N - m;
  const useX = m <= n;
  const G = useX ? xIdx : new Int32Array(n);
  if (!useX) {
    let t = 0;
    for (let i = 0; i < N; i++) if (!inX[i]) G[t++] = i;
  }
  let block = 0; // Σ_{a,b ∈ G} K_ab, diagonal included
  let rows = 0; // Σ_{a ∈ G} rowSum_a
  let diag = 0;
  for (let p = 0; p < G.length; p++) {
    const row = G[p] * N;
    rows += rowSum[G[p]];
    diag += K[row + G[p]];
    for (let q = 0; q < G.length; q++) block += K[row + G[q]];
  }
  const cross = rows - block;
  const within = block - diag;
  const other = total - within - 2 * cross;
  const sxx = useX ? within : other;
  const syy = useX ? other : within;
  return sxx / (m * (m - 1)) + syy / (n * (n - 1)) - (2 * cross) / (m * n);
}
