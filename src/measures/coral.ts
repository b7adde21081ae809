/**
 * CORAL: second-order statistics alignment (Sun, Feng & Saenko 2016) and the Deep CORAL
 * distance between covariances (Sun & Saenko 2016).
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { covariance, matmul, symmetricFunction, toMatrix, type Matrix, type MatrixInput } from './linalg.ts';

/**
 * CORAL distance ‖C_s − C_t‖²_F / (4d²), with C the (n − 1)-normalised feature covariances —
 * the Deep CORAL loss.
 *
 * @example
 * ```ts
 * coralDistance([[0, 0], [2, 2]], [[0, 0], [2, -2]]); // C_s − C_t = [[0, 4], [4, 0]] → 32 / 16 = 2
 * ```
 */
export function coralDistance(source: MatrixInput, target: MatrixInput): number {
  const { Cs, Ct } = covariances(source, target);
  const d = Cs.rows;
  let s = 0;
  for (let k = 0; k < Cs.data.length; k++) s += (Cs.data[k] - Ct.data[k]) ** 2;
  return s / (4 * d * d);
}

/**
 * Options for {@link coralAlign}.
 *
 * @example
 * ```ts
 * const opts: CoralAlignOptions = { eps: 1 };
 * ```
 */
export interface CoralAlignOptions {
  /** Ridge ε added to both covariances (default 1, as in the paper: "cov(D_S) + eye(size(D_S, 2))"). */
  eps?: number;
}

/**
 * Result of {@link coralAlign}.
 *
 * @example
 * ```ts
 * const { aligned, transform } = coralAlign(source, target);
 * ```
 */
export interface CoralAlignResult {
  /** Source rows re-coloured, `n_s × d`: `aligned = source · transform`. */
  aligned: Matrix;
  /** A = (C_s + εI)^{-1/2} (C_t + εI)^{1/2}, `d × d`; apply it to new source rows. */
  transform: Matrix;
}

/**
 * CORAL alignment (Sun et al. 2016, Algorithm 1): whiten the source features with
 * (C_s + εI)^{-1/2} and re-colour them with (C_t + εI)^{1/2}, i.e. D_s* = D_s·A. Like the paper
 * the rows are not centred, so the source mean moves with them.
 *
 * The regularised covariance is mapped exactly: Aᵀ(C_s + εI)A = C_t + εI. The plain sample
 * covariance of the aligned rows is therefore Aᵀ C_s A = C_t + εI − ε AᵀA, which equals C_t
 * exactly when ε = 0 (and C_s is full rank); ε > 0 trades exactness for stability. The default
 * ε = 1 assumes features on roughly unit scale (the paper z-scores them first); for raw features
 * with small variances, standardise or pass a smaller ε, or the alignment stays partial.
 *
 * @example
 * ```ts
 * const { aligned } = coralAlign(sourceFeatures, targetFeatures, { eps: 1 });
 * // train on `aligned` with the source labels, predict on the raw target features
 * ```
 */
export function coralAlign(source: MatrixInput, target: MatrixInput, opts: CoralAlignOptions = {}): CoralAlignResult {
  const eps = opts.eps ?? 1;
  if (!(eps >= 0)) throw new TransferkitError('BAD_OPTION', `eps must be ≥ 0, got ${eps}`);
  const S = toMatrix(source, 'source');
  const { Cs, Ct } = covariances(S, target);
  const d = Cs.rows;
  for (let i = 0; i < d; i++) {
    Cs.data[i * d + i] += eps;
    Ct.data[i * d + i] += eps;
  }
  const invSqrt = symmetricFunction(Cs, (l) => {
    if (!(l > 1e-12 * Math.max(1, eps))) {
      throw new TransferkitError('SINGULAR_COVARIANCE', 'The source covariance is singular, so it cannot be whitened', {
        hint: 'Use eps > 0 (default 1) or drop constant / duplicated features.',
      });
    }
    return 1 / Math.sqrt(l);
  });
  const sqrtT = symmetricFunction(Ct, (l) => Math.sqrt(Math.max(0, l)));
  const transform = matmul(invSqrt, sqrtT);
  return { aligned: matmul(S, transform), transform };
}

function covariances(source: MatrixInput, target: MatrixInput): { Cs: Matrix; Ct: Matrix } {
  const S = toMatrix(source, 'source');
  const T = toMatrix(target, 'target');
  if (S.cols !== T.cols) throw new TransferkitError('SHAPE_MISMATCH', `Source has ${S.cols} features but target has ${T.cols}`);
  if (S.rows < 2 || T.rows < 2) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `CORAL needs at least 2 rows per side (got ${S.rows} and ${T.rows})`);
  }
  return { Cs: covariance(S), Ct: covariance(T) };
}
