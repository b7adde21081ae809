/**
 * H-score (Bao, Li, Huang, Fang & Zhang 2019): how much of the feature covariance is explained
 * by the target classes — a transferability score for a feature extractor.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { covariance, matmul, pinvSymmetric, toMatrix, type MatrixInput } from './linalg.ts';
import { checkLabels, inferNumClasses } from './labels.ts';

/**
 * Options for {@link hScore}.
 *
 * @example
 * ```ts
 * const opts: HScoreOptions = { rcond: 1e-8, ridge: 1e-6 };
 * ```
 */
export interface HScoreOptions {
  /** Eigenvalues of cov(F) at or below `rcond`·λ_max are treated as 0 by the pseudo-inverse (default 1e-10). */
  rcond?: number;
  /** Optional ridge added to the diagonal of cov(F) before inverting (default 0). */
  ridge?: number;
}

/**
 * H(F) = tr(cov(F)⁺ · cov(E[F | y])), where E[F | y] replaces each row by the mean feature
 * vector of its class; higher means the features separate the target classes better.
 *
 * Features are often collinear (ReLU units that never fire, d > n), so cov(F) is inverted with
 * an eigenvalue pseudo-inverse — eigenvalues ≤ `rcond`·λ_max are dropped (default 1e-10;
 * the authors' code uses `np.linalg.pinv(rcond=1e-15)`) — after an optional `ridge`.
 * Both covariances use n − 1; the normalisation cancels.
 *
 * @param F `n × d` features from the source model on the target inputs
 * @param y target labels (0-based)
 * @example
 * ```ts
 * hScore([[0], [1], [10], [11]], [0, 0, 1, 1]); // ≈ 0.99: the classes explain almost all variance
 * ```
 */
export function hScore(F: MatrixInput, y: ArrayLike<number>, opts: HScoreOptions = {}): number {
  const M = toMatrix(F, 'F');
  const n = M.rows;
  const d = M.cols;
  const K = Math.max(1, inferNumClasses(y));
  checkLabels(y, n, K, 'y');
  if (n < 2) throw new TransferkitError('TOO_FEW_EXAMPLES', `H-score needs at least 2 rows, got ${n}`);
  const means = new Float64Array(K * d);
  const counts = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    counts[y[i]]++;
    for (let j = 0; j < d; j++) means[y[i] * d + j] += M.data[i * d + j];
  }
  for (let c = 0; c < K; c++) for (let j = 0; j < d; j++) if (counts[c]) means[c * d + j] /= counts[c];
  const G = new Float64Array(n * d);
  for (let i = 0; i < n; i++) G.set(means.subarray(y[i] * d, (y[i] + 1) * d), i * d);
  const covF = covariance(M);
  const ridge = opts.ridge ?? 0;
  for (let j = 0; j < d; j++) covF.data[j * d + j] += ridge;
  const covG = covariance({ rows: n, cols: d, data: G });
  const prod = matmul(pinvSymmetric(covF, opts.rcond ?? 1e-10), covG);
  let tr = 0;
  for (let j = 0; j < d; j++) tr += prod.data[j * d + j];
  return tr;
}
