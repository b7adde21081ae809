/**
 * Novelty detectors fitted on normal data only, each scoring new rows (higher = more novel):
 *
 * - **k-NN distance**: the mean Euclidean distance to the `k` nearest normal rows;
 * - **Mahalanobis distance** to the normal mean under a shrinkage covariance
 *   `Σ = (1 − δ) S + δ (tr S / d) I`, with δ by Ledoit & Wolf (2004) or given.
 *
 * (The third method, the reconstruction error of a self-taught autoencoder, lives with the
 * autoencoder: `reconstructionErrors` in `src/transfer/self-taught/autoencoder.ts`.)
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { columnMeans, symmetricEigen, toMatrix, type Matrix, type MatrixInput } from '../measures/linalg.ts';
import { sqDist } from './kmeans.ts';

/** A fitted novelty detector. */
export interface NoveltyDetector {
  method: 'knn' | 'mahalanobis';
  /** Novelty scores of new rows (higher = more novel). */
  score(X: MatrixInput | Matrix): Float64Array;
  /** What was fitted, for reports: e.g. `{ k: 5 }` or `{ shrinkage: 0.02 }`. */
  params: Record<string, number>;
}

/**
 * Most features the Mahalanobis detector takes (its covariance is d × d).
 *
 * @example
 * ```ts
 * if (rows.cols > MAX_MAHALANOBIS_DIMS) useKnnInstead();
 * ```
 */
export const MAX_MAHALANOBIS_DIMS = 1024;

function asMatrix(X: MatrixInput | Matrix, what: string): Matrix {
  return !Array.isArray(X) && 'data' in X && X.data instanceof Float64Array ? (X as Matrix) : toMatrix(X, what);
}

function sameWidth(normal: Matrix, M: Matrix): void {
  if (M.cols !== normal.cols) {
    throw new TransferkitError('SHAPE_MISMATCH', `The detector was fitted on ${normal.cols} features but got rows of ${M.cols}`, { hint: 'Score data in the same feature space (same base model and layer) as the normal data.' });
  }
}

/**
 * Fits a k-NN distance detector: a new row's score is its mean distance to its `k` nearest
 * normal rows.
 *
 * @throws TransferkitError `BAD_OPTION` for a `k` that is not in [1, normal rows].
 * @example
 * ```ts
 * const det = knnDetector(normalFeatures, { k: 5 });
 * const scores = det.score(testFeatures);
 * ```
 */
export function knnDetector(normal: MatrixInput | Matrix, opts: { k?: number } = {}): NoveltyDetector {
  const N = asMatrix(normal, 'normal data');
  const k = opts.k ?? 5;
  if (!Number.isInteger(k) || k < 1 || k > N.rows) {
    throw new TransferkitError('BAD_OPTION', `k must be a whole number from 1 to the number of normal rows (${N.rows}), got ${k}`, { where: 'k-NN detector', hint: 'Use e.g. k = 5.' });
  }
  return {
    method: 'knn',
    params: { k },
    score(X) {
      const M = asMatrix(X, 'scored data');
      sameWidth(N, M);
      const d = M.cols;
      const out = new Float64Array(M.rows);
      const best = new Float64Array(k);
      for (let i = 0; i < M.rows; i++) {
        best.fill(Infinity);
        for (let j = 0; j < N.rows; j++) {
          const s = sqDist(M.data, i, N.data, j, d);
          if (s >= best[k - 1]) continue;
          // insert into the sorted list of the k smallest
          let p = k - 1;
          while (p > 0 && best[p - 1] > s) {
            best[p] = best[p - 1];
            p--;
          }
          best[p] = s;
        }
        let sum = 0;
        for (let t = 0; t < k; t++) sum += Math.sqrt(best[t]);
        out[i] = sum / k;
      }
      return out;
    },
  };
}

/**
 * Ledoit–Wolf shrinkage intensity δ ∈ [0, 1] of the sample covariance toward `(tr S / d) I`
 * (the formula of scikit-learn's `ledoit_wolf_shrinkage`, on centred rows).
 *
 * @example
 * ```ts
 * ledoitWolfShrinkage(centred); // e.g. 0.03
 * ```
 */
export function ledoitWolfShrinkage(centred: Matrix): number {
  const { rows: n, cols: d, data } = centred;
  if (n < 2) return 1;
  const S = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let a = 0; a < d; a++) {
      const va = data[o + a];
      if (va === 0) continue;
      for (let b = a; b < d; b++) S[a * d + b] += va * data[o + b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) S[b * d + a] = S[a * d + b] /= n;
  let mu = 0;
  for (let a = 0; a < d; a++) mu += S[a * d + a];
  mu /= d;
  // δ² = ‖S − μI‖²_F / d ; β² = (1/n²) Σ_i ‖x_i x_iᵀ − S‖²_F / d
  let delta2 = 0;
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) delta2 += (S[a * d + b] - (a === b ? mu : 0)) ** 2;
  delta2 /= d;
  let beta2 = 0;
  let sNorm2 = 0;
  for (let t = 0; t < d * d; t++) sNorm2 += S[t] * S[t];
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let sq = 0;
    for (let a = 0; a < d; a++) sq += data[o + a] * data[o + a];
    // ‖x xᵀ − S‖² = ‖x‖⁴ − 2 xᵀ S x + ‖S‖²
    let xSx = 0;
    for (let a = 0; a < d; a++) {
      const va = data[o + a];
      if (va === 0) continue;
      let row = 0;
      for (let b = 0; b < d; b++) row += S[a * d + b] * data[o + b];
      xSx += va * row;
    }
    beta2 += sq * sq - 2 * xSx + sNorm2;
  }
  beta2 /= n * n * d;
  const shrink = Math.min(beta2, delta2);
  return delta2 > 0 ? shrink / delta2 : 1;
}

/**
 * Fits a Mahalanobis detector: a new row's score is `√((x − m)ᵀ Σ⁻¹ (x − m))` with the normal
 * rows' mean `m` and shrinkage covariance `Σ`.
 *
 * @throws TransferkitError `TOO_MANY_FEATURES` above {@link MAX_MAHALANOBIS_DIMS} features,
 *   `TOO_FEW_EXAMPLES` below 2 normal rows, `BAD_OPTION` for a shrinkage outside [0, 1].
 * @example
 * ```ts
 * const det = mahalanobisDetector(normalFeatures); // Ledoit–Wolf shrinkage
 * const fixed = mahalanobisDetector(normalFeatures, { shrinkage: 0.1 });
 * ```
 */
export function mahalanobisDetector(normal: MatrixInput | Matrix, opts: { shrinkage?: number | 'ledoit-wolf' } = {}): NoveltyDetector {
  const N = asMatrix(normal, 'normal data');
  const { rows: n, cols: d } = N;
  if (d > MAX_MAHALANOBIS_DIMS) {
    throw new TransferkitError('TOO_MANY_FEATURES', `The Mahalanobis detector takes at most ${MAX_MAHALANOBIS_DIMS} features, got ${d}`, {
      hint: 'Use the k-NN detector, or features of a layer with fewer values (e.g. the input of the base model\'s head).',
    });
  }
  if (n < 2) throw new TransferkitError('TOO_FEW_EXAMPLES', `The Mahalanobis detector needs at least 2 normal rows, got ${n}`, { hint: 'Pass more normal data.' });
  const given = opts.shrinkage ?? 'ledoit-wolf';
  if (given !== 'ledoit-wolf' && !(given >= 0 && given <= 1)) {
    throw new TransferkitError('BAD_OPTION', `shrinkage must be in [0, 1] or "ledoit-wolf", got ${given}`, { where: 'Mahalanobis detector', hint: 'Leave it out for Ledoit–Wolf, or use e.g. 0.1.' });
  }
  const mean = columnMeans(N);
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) centred[i * d + a] = N.data[i * d + a] - mean[a];
  const C: Matrix = { rows: n, cols: d, data: centred };
  const delta = given === 'ledoit-wolf' ? ledoitWolfShrinkage(C) : given;
  const S = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let a = 0; a < d; a++) {
      const va = centred[o + a];
      if (va === 0) continue;
      for (let b = a; b < d; b++) S[a * d + b] += va * centred[o + b];
    }
  }
  let mu = 0;
  for (let a = 0; a < d; a++) mu += S[a * d + a] / n;
  mu /= d;
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) S[b * d + a] = S[a * d + b] = (1 - delta) * (S[a * d + b] / n) + (a === b ? delta * mu : 0);
  const eig = symmetricEigen({ rows: d, cols: d, data: S });
  const floor = Math.max(1e-12, 1e-10 * Math.max(...eig.values));
  const inv = Array.from(eig.values, (v) => 1 / Math.max(v, floor));
  const V = eig.vectors.data;
  return {
    method: 'mahalanobis',
    params: { shrinkage: delta },
    score(X) {
      const M = asMatrix(X, 'scored data');
      sameWidth(N, M);
      const out = new Float64Array(M.rows);
      const diff = new Float64Array(d);
      for (let i = 0; i < M.rows; i++) {
        for (let a = 0; a < d; a++) diff[a] = M.data[i * d + a] - mean[a];
        let s = 0;
        for (let k = 0; k < d; k++) {
          let proj = 0;
          for (let a = 0; a < d; a++) proj += diff[a] * V[a * d + k];
          s += proj * proj * inv[k];
        }
        out[i] = Math.sqrt(s);
      }
      return out;
    },
  };
}
