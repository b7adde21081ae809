/**
 * Black-box shift estimation (Lipton, Wang & Smola 2018): estimate label-shift importance
 * weights q(y)/p(y) from a classifier's confusion matrix on held-out source data and the
 * distribution of its predictions on unlabelled target data.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { solve, symmetricEigen, gram, type Matrix } from './linalg.ts';

/**
 * Result of {@link labelShiftBBSE}.
 *
 * @example
 * ```ts
 * const r: BbseResult = {
 *   weights: [0.4, 1, 2.5], rawWeights: [0.4, 1, 2.5],
 *   targetLabelDist: [0.2, 0.3, 0.5], sourceLabelDist: [0.5, 0.3, 0.2], minSingularValue: 0.2,
 * };
 * ```
 */
export interface BbseResult {
  /** Importance weights ŵ_y ≈ q(y)/p(y), negative values clipped to 0. */
  weights: number[];
  /** ŵ = C⁻¹ μ̂_t before clipping. */
  rawWeights: number[];
  /** Estimated target label distribution q̂(y) ∝ ŵ_y · p(y) (renormalised to sum 1). */
  targetLabelDist: number[];
  /** Source label distribution p(y): the row sums of the confusion matrix. */
  sourceLabelDist: number[];
  /** Smallest singular value of the joint confusion matrix; the estimate's error scales with 1/σ_min. */
  minSingularValue: number;
}

/**
 * BBSE label-shift estimate. With C[ŷ, y] = P_source(ŷ, y) the joint confusion matrix and
 * μ̂_t(ŷ) the target distribution of predictions, label shift (p(x|y) fixed) gives
 * μ_t = C·w with w_y = q(y)/p(y), so ŵ = C⁻¹ μ̂_t (Lipton et al. 2018, eq. 3).
 *
 * `confusionSource` is indexed `[true][predicted]` (rows = true labels, the usual
 * layout, e.g. `classificationMetrics().confusionMatrix`), so C is its transpose. Counts are
 * accepted: both inputs are normalised to sum 1. Throws `SINGULAR_CONFUSION` when C is not
 * invertible (a class that is never predicted, or two classes the model confuses completely).
 *
 * @example
 * ```ts
 * // source: 50/50; classifier 90% accurate on each class; target predictions 26% / 74%
 * labelShiftBBSE([[0.45, 0.05], [0.05, 0.45]], [0.26, 0.74]);
 * // weights ≈ [0.4, 1.6], targetLabelDist ≈ [0.2, 0.8]
 * ```
 */
export function labelShiftBBSE(confusionSource: readonly (readonly number[])[], targetPredictedDist: readonly number[]): BbseResult {
  const k = confusionSource.length;
  if (k === 0 || confusionSource.some((r) => r.length !== k)) {
    throw new TransferkitError('SHAPE_MISMATCH', 'The confusion matrix must be square (rows = true labels, columns = predictions)');
  }
  if (targetPredictedDist.length !== k) {
    throw new TransferkitError('SHAPE_MISMATCH', `${targetPredictedDist.length} target prediction frequencies for ${k} classes`);
  }
  const total = confusionSource.flat().reduce((a, b) => a + b, 0);
  const tTotal = targetPredictedDist.reduce((a, b) => a + b, 0);
  if (confusionSource.flat().some((v) => !(v >= 0) || !Number.isFinite(v)) || !(total > 0)) {
    throw new TransferkitError('BAD_INPUT', 'The confusion matrix must hold finite non-negative values with a positive sum');
  }
  if (targetPredictedDist.some((v) => !(v >= 0) || !Number.isFinite(v)) || !(tTotal > 0)) {
    throw new TransferkitError('BAD_INPUT', 'Target prediction frequencies must be finite, non-negative and not all 0');
  }
  // C[ŷ][y] = joint[y][ŷ]
  const C: Matrix = { rows: k, cols: k, data: new Float64Array(k * k) };
  const sourceLabelDist = new Array<number>(k).fill(0);
  for (let y = 0; y < k; y++) {
    for (let yh = 0; yh < k; yh++) {
      const v = confusionSource[y][yh] / total;
      C.data[yh * k + y] = v;
      sourceLabelDist[y] += v;
    }
  }
  const mu = targetPredictedDist.map((v) => v / tTotal);
  const w = solve(C, mu);
  const sv = symmetricEigen(gram(C)).values;
  const minSingularValue = Math.sqrt(Math.max(0, sv[0]));
  if (!w) {
    throw new TransferkitError('SINGULAR_CONFUSION', 'The source confusion matrix is singular, so label shift cannot be estimated', {
      hint: 'Every class must be predicted on the held-out source data and be distinguishable from the others; merge classes the model cannot tell apart.',
    });
  }
  const rawWeights = Array.from(w);
  const weights = rawWeights.map((v) => Math.max(0, v));
  const q = weights.map((v, y) => v * sourceLabelDist[y]);
  const qs = q.reduce((a, b) => a + b, 0);
  return {
    weights,
    rawWeights,
    targetLabelDist: qs > 0 ? q.map((v) => v / qs) : q,
    sourceLabelDist,
    minSingularValue,
  };
}
