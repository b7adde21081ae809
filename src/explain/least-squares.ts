/**
 * Weighted (optionally ridge-penalised, optionally with intercept) linear least squares, solved
 * by Householder QR for accuracy: the surrogate fit behind KernelSHAP and LIME.
 *
 * @module
 */

/**
 * Options for {@link weightedLeastSquares}.
 *
 * @example
 * ```ts
 * const opts: LeastSquaresOptions = { ridge: 1, fitIntercept: true }; // sklearn Ridge(alpha=1)
 * ```
 */
export interface LeastSquaresOptions {
  /** L2 penalty α on the coefficients (not the intercept), as in sklearn's `Ridge(alpha)`. Default 0. */
  ridge?: number;
  /** Fit an unpenalised intercept (weighted centring, as sklearn does). Default false. */
  fitIntercept?: boolean;
  /** Relative tolerance on |R_kk| below which the problem counts as rank deficient (default 1e-10). */
  rankTolerance?: number;
}

/**
 * A fitted linear model y ≈ intercept + X·coef.
 *
 * @example
 * ```ts
 * const fit: LeastSquaresFit = { coef: Float64Array.of(2), intercept: 1 };
 * ```
 */
export interface LeastSquaresFit {
  coef: Float64Array;
  intercept: number;
}

/**
 * Minimises Σ_k w_k (y_k − b − X_k·β)² + α‖β‖² (b = 0 unless `fitIntercept`).
 *
 * Returns `null` when the (unpenalised) design is rank deficient, so callers can say what to change.
 *
 * @example
 * ```ts
 * const X = [Float64Array.of(0), Float64Array.of(1), Float64Array.of(2)];
 * const fit = weightedLeastSquares(X, [1, 3, 5], [1, 1, 1], { fitIntercept: true });
 * // fit.coef[0] ≈ 2, fit.intercept ≈ 1
 * ```
 */
export function weightedLeastSquares(
  X: readonly ArrayLike<number>[],
  y: ArrayLike<number>,
  w: ArrayLike<number>,
  opts: LeastSquaresOptions = {},
): LeastSquaresFit | null {
  const n = X.length;
  const p = n === 0 ? 0 : X[0].length;
  const alpha = opts.ridge ?? 0;
  const tol = opts.rankTolerance ?? 1e-10;
  const xMean = new Float64Array(p);
  let yMean = 0;
  if (opts.fitIntercept) {
    let wSum = 0;
    for (let k = 0; k < n; k++) {
      wSum += w[k];
      yMean += w[k] * y[k];
      for (let j = 0; j < p; j++) xMean[j] += w[k] * X[k][j];
    }
    if (wSum > 0) {
      yMean /= wSum;
      for (let j = 0; j < p; j++) xMean[j] /= wSum;
    }
  }
  if (p === 0) return { coef: new Float64Array(0), intercept: yMean };
  const extra = alpha > 0 ? p : 0;
  const m = n + extra;
  // Column-major design A (m × p) and right-hand side b.
  const A = new Float64Array(m * p);
  const b = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt(w[k]);
    const row = X[k];
    for (let j = 0; j < p; j++) A[j * m + k] = s * (row[j] - xMean[j]);
    b[k] = s * (y[k] - yMean);
  }
  if (extra > 0) {
    const s = Math.sqrt(alpha);
    for (let j = 0; j < p; j++) A[j * m + n + j] = s;
  }
  const diag = new Float64Array(p);
  for (let c = 0; c < p; c++) {
    const off = c * m;
    let norm = 0;
    for (let i = c; i < m; i++) norm += A[off + i] * A[off + i];
    norm = Math.sqrt(norm);
    if (norm === 0) {
      diag[c] = 0;
      continue;
    }
    const alphaH = A[off + c] > 0 ? -norm : norm;
    // v = a − alphaH·e_c, stored in place; H = I − 2vvᵀ/(vᵀv).
    A[off + c] -= alphaH;
    let vv = 0;
    for (let i = c; i < m; i++) vv += A[off + i] * A[off + i];
    for (let c2 = c + 1; c2 < p; c2++) {
      const off2 = c2 * m;
      let dot = 0;
      for (let i = c; i < m; i++) dot += A[off + i] * A[off2 + i];
      const f = (2 * dot) / vv;
      for (let i = c; i < m; i++) A[off2 + i] -= f * A[off + i];
    }
    let dotb = 0;
    for (let i = c; i < m; i++) dotb += A[off + i] * b[i];
    const fb = (2 * dotb) / vv;
    for (let i = c; i < m; i++) b[i] -= fb * A[off + i];
    diag[c] = alphaH;
  }
  let maxDiag = 0;
  for (let c = 0; c < p; c++) maxDiag = Math.max(maxDiag, Math.abs(diag[c]));
  for (let c = 0; c < p; c++) if (!(Math.abs(diag[c]) > tol * maxDiag)) return null;
  // Back-substitution R β = Qᵀb; R's strict upper part is in A above the diagonal.
  const coef = new Float64Array(p);
  for (let c = p - 1; c >= 0; c--) {
    let s = b[c];
    for (let c2 = c + 1; c2 < p; c2++) s -= A[c2 * m + c] * coef[c2];
    coef[c] = s / diag[c];
  }
  let intercept = 0;
  if (opts.fitIntercept) {
    intercept = yMean;
    for (let j = 0; j < p; j++) intercept -= xMean[j] * coef[j];
  }
  return { coef, intercept };
}
