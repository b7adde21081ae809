/**
 * NCE — Negative Conditional Entropy (Tran, Nguyen & Hassner 2019): how predictable the target
 * labels are from the source model's (hard) labels.
 *
 * @module
 */
import { checkLabels, inferNumClasses } from './labels.ts';

/**
 * NCE = −H(Y | Z) = Σ_{y,z} P̂(y, z) log P̂(y | z) (natural log) from the empirical joint of the
 * source model's predicted labels z (argmax of its softmax on the target inputs) and the target
 * labels y. 0 when z determines y; −log K at worst for K balanced target classes.
 *
 * @example
 * ```ts
 * nce([0, 0, 1, 1], [1, 1, 0, 0]); // 0 (z determines y)
 * nce([0, 0, 0, 0], [0, 1, 0, 1]); // −log 2
 * ```
 */
export function nce(sourceLabels: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = y.length;
  const Z = Math.max(1, inferNumClasses(sourceLabels));
  const K = Math.max(1, inferNumClasses(y));
  checkLabels(sourceLabels, n, Z, 'sourceLabels');
  checkLabels(y, n, K, 'y');
  const joint = new Float64Array(K * Z);
  const pz = new Float64Array(Z);
  for (let i = 0; i < n; i++) {
    joint[y[i] * Z + sourceLabels[i]] += 1 / n;
    pz[sourceLabels[i]] += 1 / n;
  }
  let s = 0;
  for (let c = 0; c < K; c++) {
    for (let z = 0; z < Z; z++) {
      const p = joint[c * Z + z];
      if (p > 0) s += p * Math.log(p / pz[z]);
    }
  }
  return s;
}
