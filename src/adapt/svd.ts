/**
 * Principal components of (possibly sparse) feature rows by randomized SVD (Halko, Martinsson
 * & Tropp 2011, Algorithms 4.4 + 5.1), without ever forming the centred matrix: high-dimensional
 * text features are projected to ≤ 100 dimensions before MMD, kernels, CORAL or density ratios.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { dot } from '../measures/linalg.ts';
import { orthonormalizeColumns, svdOfProjection } from '../measures/randomized-svd.ts';
import { addTransposeProduct, multiply, rowSquaredNorms, type Rows } from '../measures/rows.ts';
import { createRng } from '../util/random.ts';

/**
 * A fitted projection onto the top principal components: z = (x − mean)·V.
 *
 * @example
 * ```ts
 * const pca = fitPca(rows, 100, { seed: 1 });
 * const Z = projectRows(pca, rows); // n × 100
 * ```
 */
export interface Pca {
  /** Input width d. */
  d: number;
  /** Number of components r. */
  r: number;
  /** Column means of the data it was fitted on (`d`). */
  mean: Float64Array;
  /** `d × r` row-major; column q is the q-th principal direction. */
  V: Float64Array;
  /** Singular values of the centred data, descending (`r`). */
  singularValues: Float64Array;
  /** Share of the total variance each component explains. */
  explainedVarianceRatio: Float64Array;
}

/**
 * Options of {@link fitPca}.
 *
 * @example
 * ```ts
 * fitPca(rows, 50, { oversample: 10, powerIterations: 2, seed: 0 });
 * ```
 */
export interface PcaOptions {
  /** Extra random directions beyond r (default 10). */
  oversample?: number;
  /** Power iterations, sharpening the spectrum (default 2). */
  powerIterations?: number;
  seed?: number | string;
}

/**
 * Top-r principal components by randomized SVD of the centred rows: Y = X̃Ω, a few power
 * iterations with re-orthonormalisation, Q = orth(Y), then the exact SVD of the small
 * B = QᵀX̃ through the eigendecomposition of BBᵀ. X̃ = X − 1·meanᵀ is applied implicitly.
 *
 * @example
 * ```ts
 * const pca = fitPca(stackRows(source, target), 100);
 * ```
 */
export function fitPca(X: Rows, r: number, opts: PcaOptions = {}): Pca {
  const { n, d } = X;
  if (!Number.isInteger(r) || r < 1) throw new TransferkitError('BAD_OPTION', `Number of components must be a positive whole number, got ${r}`);
  if (n < 2) throw new TransferkitError('TOO_FEW_EXAMPLES', `PCA needs at least 2 rows, got ${n}`);
  const rank = Math.min(r, n - 1, d);
  const l = Math.min(rank + (opts.oversample ?? 10), n, d);
  const rng = createRng(opts.seed ?? 0);
  const mean = new Float64Array(d);
  addTransposeProduct(X, new Float64Array(n).fill(1 / n), 1, mean);

  // Y = X̃·Ω  (n × l)
  const omega = new Float64Array(d * l);
  for (let k = 0; k < omega.length; k++) omega[k] = rng.normal();
  let Y = centredTimes(X, mean, omega, l);
  orthonormalizeColumns(Y, n, l);
  for (let it = 0; it < (opts.powerIterations ?? 2); it++) {
    // (only the n-side is re-orthonormalised: d can be 2^16 and Gram–Schmidt there costs more than it saves)
    const Z = centredTransposeTimes(X, mean, Y, l); // d × l
    Y = centredTimes(X, mean, Z, l);
    orthonormalizeColumns(Y, n, l);
  }
  // Bᵀ = X̃ᵀQ  (d × l), then the exact SVD of the small B
  const Bt = centredTransposeTimes(X, mean, Y, l);
  const { S: singularValues, V } = svdOfProjection(Bt, d, l, rank);
  let total = 0;
  const sq = rowSqNormsCentred(X, mean);
  for (const v of sq) total += v;
  const explainedVarianceRatio = Float64Array.from(singularValues, (s) => (total > 0 ? (s * s) / total : 0));
  return { d, r: rank, mean, V, singularValues, explainedVarianceRatio };
}

/**
 * Projects rows onto the components: `n × r` dense, (x − mean)·V.
 *
 * @example
 * ```ts
 * const Z = projectRows(pca, target); // Float64Array, n × pca.r
 * ```
 */
export function projectRows(pca: Pca, X: Rows): Float64Array {
  if (X.d !== pca.d) throw new TransferkitError('SHAPE_MISMATCH', `The projection takes ${pca.d} features, got ${X.d}`);
  return centredTimes(X, pca.mean, pca.V, pca.r);
}

/** X̃·M for a `d × m` matrix M. */
function centredTimes(X: Rows, mean: Float64Array, M: Float64Array, m: number): Float64Array {
  const out = multiply(X, M, m);
  const shift = new Float64Array(m);
  for (let j = 0; j < X.d; j++) {
    const v = mean[j];
    if (v === 0) continue;
    for (let c = 0; c < m; c++) shift[c] += v * M[j * m + c];
  }
  for (let i = 0; i < X.n; i++) for (let c = 0; c < m; c++) out[i * m + c] -= shift[c];
  return out;
}

/** X̃ᵀ·Y for an `n × m` matrix Y. */
function centredTransposeTimes(X: Rows, mean: Float64Array, Y: Float64Array, m: number): Float64Array {
  const out = new Float64Array(X.d * m);
  addTransposeProduct(X, Y, m, out);
  const colSum = new Float64Array(m);
  for (let i = 0; i < X.n; i++) for (let c = 0; c < m; c++) colSum[c] += Y[i * m + c];
  for (let j = 0; j < X.d; j++) {
    const v = mean[j];
    if (v === 0) continue;
    for (let c = 0; c < m; c++) out[j * m + c] -= v * colSum[c];
  }
  return out;
}

function rowSqNormsCentred(X: Rows, mean: Float64Array): Float64Array {
  // ‖x − μ‖² = ‖x‖² − 2x·μ + ‖μ‖²
  const mm = dot(mean, mean);
  const xm = multiply(X, mean, 1);
  const out = rowSquaredNorms(X);
  for (let i = 0; i < X.n; i++) out[i] = out[i] - 2 * xm[i] + mm;
  return out;
}
