/**
 * Truncated SVD of a large (possibly sparse) matrix by randomized range finding (Halko,
 * Martinsson & Tropp 2011, Algorithms 4.4 + 5.1): Y = XΩ for a Gaussian Ω, a few power
 * iterations with re-orthonormalisation, Q = orth(Y), then the exact SVD of the small
 * B = QᵀX through the eigendecomposition of BBᵀ. Only X·W and Xᵀ·R are needed, so a sparse
 * `n × d` matrix with a few million stored entries (a PPMI word–context matrix) takes seconds.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { axpy, dot, symmetricEigen } from './linalg.ts';
import { addTransposeProduct, multiply, type Rows } from './rows.ts';
import { createRng } from '../util/random.ts';

/**
 * Options of {@link randomizedSvd}.
 *
 * @example
 * ```ts
 * randomizedSvd(X, 50, { oversample: 10, powerIterations: 3, seed: 0 });
 * ```
 */
export interface RandomizedSvdOptions {
  /** Extra random directions beyond r (default 10). */
  oversample?: number;
  /** Power iterations, sharpening the spectrum (default 3). */
  powerIterations?: number;
  seed?: number | string;
}

/**
 * A truncated SVD X ≈ U·diag(S)·Vᵀ.
 *
 * @example
 * ```ts
 * const { U, S, V, r } = randomizedSvd(X, 2); // U n × r, V d × r, row-major
 * ```
 */
export interface TruncatedSvd {
  /** Number of components kept: min(r, n, d). */
  r: number;
  /** Left singular vectors, `n × r` row-major. */
  U: Float64Array;
  /** Singular values, descending. */
  S: Float64Array;
  /** Right singular vectors, `d × r` row-major. */
  V: Float64Array;
}

/**
 * The top-r singular triplets of X (dense or sparse {@link Rows}), seeded.
 *
 * @throws TransferkitError `BAD_OPTION` when r is not a positive whole number.
 * @example
 * ```ts
 * const svd = randomizedSvd(denseRows(Float64Array.of(3, 0, 0, 1), 2, 2), 1);
 * svd.S; // [3]
 * ```
 */
export function randomizedSvd(X: Rows, r: number, opts: RandomizedSvdOptions = {}): TruncatedSvd {
  const { n, d } = X;
  if (!Number.isInteger(r) || r < 1) throw new TransferkitError('BAD_OPTION', `Number of singular vectors must be a positive whole number, got ${r}`, { where: 'randomizedSvd' });
  const rank = Math.min(r, n, d);
  const l = Math.min(rank + (opts.oversample ?? 10), n, d);
  const rng = createRng(opts.seed ?? 0);
  const omega = new Float64Array(d * l);
  for (let k = 0; k < omega.length; k++) omega[k] = rng.normal();
  const Y = new Float64Array(n * l);
  multiply(X, omega, l, Y);
  orthonormalizeColumns(Y, n, l);
  for (let it = 0; it < (opts.powerIterations ?? 3); it++) {
    const Z = new Float64Array(d * l);
    addTransposeProduct(X, Y, l, Z);
    orthonormalizeColumns(Z, d, l);
    multiply(X, Z, l, Y);
    orthonormalizeColumns(Y, n, l);
  }
  // Bᵀ = XᵀQ (d × l)
  const Bt = new Float64Array(d * l);
  addTransposeProduct(X, Y, l, Bt);
  const { S, V, W } = svdOfProjection(Bt, d, l, rank);
  // u_q = Q w_q
  const U = new Float64Array(n * rank);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < rank; q++) {
      let acc = 0;
      for (let a = 0; a < l; a++) acc += Y[i * l + a] * W[a * rank + q];
      U[i * rank + q] = acc;
    }
  }
  return { r: rank, U, S, V };
}

/**
 * The last step of a randomized SVD: given Bᵀ = XᵀQ (`d × l`, Q an orthonormal basis of X's
 * range), the exact SVD of the small B through the eigendecomposition of BBᵀ — the top `rank`
 * singular values (descending), right singular vectors V = Bᵀw/σ (`d × rank`) and the
 * eigenvectors W (`l × rank`; X's left singular vectors are Q·W). Directions with σ ≤ 1e-12 get
 * zero vectors.
 *
 * @example
 * ```ts
 * const { S, V, W } = svdOfProjection(Bt, d, l, 10);
 * ```
 */
export function svdOfProjection(Bt: Float64Array, d: number, l: number, rank: number): { S: Float64Array; V: Float64Array; W: Float64Array } {
  const G = new Float64Array(l * l);
  for (let j = 0; j < d; j++) {
    const row = j * l;
    for (let a = 0; a < l; a++) {
      const v = Bt[row + a];
      if (v === 0) continue;
      for (let b = a; b < l; b++) G[a * l + b] += v * Bt[row + b];
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) G[a * l + b] = G[b * l + a];
  const eig = symmetricEigen({ rows: l, cols: l, data: G });
  const S = new Float64Array(rank);
  const V = new Float64Array(d * rank);
  const W = new Float64Array(l * rank);
  for (let q = 0; q < rank; q++) {
    const e = l - 1 - q; // eigenvalues ascend
    const s = Math.sqrt(Math.max(0, eig.values[e]));
    S[q] = s;
    if (s <= 1e-12) continue;
    for (let a = 0; a < l; a++) W[a * rank + q] = eig.vectors.data[a * l + e];
    for (let j = 0; j < d; j++) {
      let acc = 0;
      for (let a = 0; a < l; a++) acc += Bt[j * l + a] * eig.vectors.data[a * l + e];
      V[j * rank + q] = acc / s;
    }
  }
  return { S, V, W };
}

/**
 * Modified Gram–Schmidt on the m columns of a row-major `rows × m` matrix, in place (twice, for
 * stability); columns that vanish become zero.
 *
 * @example
 * ```ts
 * const A = Float64Array.of(3, 1, 4, 1); // 2 × 2
 * orthonormalizeColumns(A, 2, 2); // columns now orthonormal
 * ```
 */
export function orthonormalizeColumns(A: Float64Array, rows: number, m: number): void {
  // work on a column-major copy so every inner loop runs over contiguous memory
  const T = new Float64Array(rows * m);
  for (let i = 0; i < rows; i++) for (let c = 0; c < m; c++) T[c * rows + i] = A[i * m + c];
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < m; c++) {
      const col = T.subarray(c * rows, (c + 1) * rows);
      for (let p = 0; p < c; p++) {
        const prev = T.subarray(p * rows, (p + 1) * rows);
        axpy(-dot(col, prev), prev, col);
      }
      const norm = Math.sqrt(dot(col, col));
      if (norm > 1e-12) for (let i = 0; i < rows; i++) col[i] /= norm;
      else col.fill(0);
    }
  }
  for (let i = 0; i < rows; i++) for (let c = 0; c < m; c++) A[i * m + c] = T[c * rows + i];
}
