/**
 * LEEP — Log Expected Empirical Prediction (Nguyen, Hassner, Seeger & Archambeau 2020): how well
 * a source model's label distribution on the target inputs predicts the target labels.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { toMatrix, type MatrixInput } from './linalg.ts';
import { checkLabels } from './labels.ts';

/**
 * LEEP score (≤ 0; higher means the source model should transfer better).
 *
 * With θ(xᵢ) the source model's softmax over its Z classes on target input xᵢ:
 * P̂(y, z) = (1/n) Σ_{i: yᵢ = y} θ(xᵢ)_z, P̂(y | z) = P̂(y, z) / Σ_y' P̂(y', z), and
 * LEEP = (1/n) Σᵢ log Σ_z P̂(yᵢ | z) θ(xᵢ)_z. Source classes that receive no probability mass
 * are skipped. Rows of `P` must be probability vectors (sum 1 within 1e-3).
 *
 * @param P `n × Z` source-model probabilities on the target inputs
 * @param y target labels in [0, numClasses)
 * @example
 * ```ts
 * leep([[1, 0], [0, 1]], [0, 1], 2); // 0: the source classes map one-to-one onto the target ones
 * ```
 */
export function leep(P: MatrixInput, y: ArrayLike<number>, numClasses: number): number {
  const M = toMatrix(P, 'P');
  const n = M.rows;
  const Z = M.cols;
  checkLabels(y, n, numClasses, 'y');
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let z = 0; z < Z; z++) {
      const v = M.data[i * Z + z];
      if (v < 0) throw new TransferkitError('NOT_PROBABILITIES', `P has a negative value at row ${i}`, { hint: 'Pass softmax outputs.' });
      s += v;
    }
    if (Math.abs(s - 1) > 1e-3) {
      throw new TransferkitError('NOT_PROBABILITIES', `Row ${i} of P sums to ${s}, not 1`, { hint: 'Pass softmax probabilities, not logits.' });
    }
  }
  const joint = new Float64Array(numClasses * Z);
  for (let i = 0; i < n; i++) for (let z = 0; z < Z; z++) joint[y[i] * Z + z] += M.data[i * Z + z] / n;
  const pz = new Float64Array(Z);
  for (let c = 0; c < numClasses; c++) for (let z = 0; z < Z; z++) pz[z] += joint[c * Z + z];
  let total = 0;
  for (let i = 0; i < n; i++) {
    let eep = 0;
    for (let z = 0; z < Z; z++) if (pz[z] > 0) eep += (joint[y[i] * Z + z] / pz[z]) * M.data[i * Z + z];
    total += Math.log(eep);
  }
  return total / n;
}
