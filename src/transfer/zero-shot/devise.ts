/**
 * DeViSE-style zero-shot learning with a linear map (after Frome et al., "DeViSE: a deep
 * visual-semantic embedding model", NIPS 2013, with ridge regression in place of its hinge rank
 * loss): learn W so that an image's features x map near the semantic vector of its class —
 * the word vector of the class name, or any class signature — then recognise a new image as the
 * candidate class whose vector has the highest cosine with xW + b, classes never seen in
 * training included. The map is ridge regression in closed form,
 *
 *   W = (X̃ᵀX̃ + λI)⁻¹ X̃ᵀ T̃,   b = mean of the targets − mean(x)·W,
 *
 * with X̃ the centred features, T̃ the centred targets (row i: the unit-length vector of image
 * i's class). A Cholesky solve (`measures`).
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { cholesky, choleskySolveColumns, gram, type Matrix } from '../../measures/linalg.ts';
import { l2NormalizeRows } from '../few-shot/embed.ts';

/**
 * Options of {@link fitDevise}.
 *
 * @example
 * ```ts
 * const o: DeviseOptions = { ridge: 10 };
 * ```
 */
export interface DeviseOptions {
  /** Ridge λ (X̃ᵀX̃ + λI); default 1% of the number of images. */
  ridge?: number;
}

/**
 * A fitted linear map from features to the semantic space.
 *
 * @example
 * ```ts
 * const m: DeviseModel = fitDevise(X, y, S, 7);
 * m.W.length === m.d * m.a; // true
 * ```
 */
export interface DeviseModel {
  /** `d × a`, row-major. */
  W: Float64Array;
  /** Intercept (`a`). */
  b: Float64Array;
  d: number;
  a: number;
  ridge: number;
}

/**
 * Fits the ridge map from features to the unit-length semantic vectors of the seen classes.
 *
 * @param X `n × d` features
 * @param y class of each row, an index into the rows of `S`
 * @param S `z × a` semantic vectors of the seen classes, row-major (scaled to unit length here)
 * @throws TransferkitError `SHAPE_MISMATCH`, `BAD_LABEL`, `BAD_OPTION`.
 * @example
 * ```ts
 * const model = fitDevise(X, y, seenVectors, 7, { ridge: 70 });
 * const scores = scoreDevise(model, Xtest, unseenVectors, 3); // n × 3 cosines
 * ```
 */
export function fitDevise(X: Matrix, y: ArrayLike<number>, S: ArrayLike<number>, z: number, opts: DeviseOptions = {}): DeviseModel {
  const { rows: n, cols: d } = X;
  if (y.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `DeViSE: X has ${n} rows but y has ${y.length} labels`);
  if (z < 1 || S.length % z !== 0) throw new TransferkitError('SHAPE_MISMATCH', `DeViSE: ${S.length} class-vector values are not ${z} rows`);
  const a = S.length / z;
  const ridge = opts.ridge ?? 0.01 * n;
  if (!(ridge > 0)) throw new TransferkitError('BAD_OPTION', `DeViSE needs ridge > 0, got ${ridge}`, { where: 'devise ridge', hint: 'Pass a positive ridge strength, e.g. 1% of the number of images.' });
  const T = l2NormalizeRows(Float64Array.from(S), a);
  const xMean = new Float64Array(d);
  const tMean = new Float64Array(a);
  for (let i = 0; i < n; i++) {
    const c = y[i];
    if (!Number.isInteger(c) || c < 0 || c >= z) throw new TransferkitError('BAD_LABEL', `DeViSE: label ${c} at row ${i} is not a seen class index 0…${z - 1}`);
    for (let p = 0; p < d; p++) xMean[p] += X.data[i * d + p] / n;
    for (let j = 0; j < a; j++) tMean[j] += T[c * a + j] / n;
  }
  const Xc = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) Xc[i * d + p] = X.data[i * d + p] - xMean[p];
  const A = gram({ rows: n, cols: d, data: Xc }).data;
  for (let p = 0; p < d; p++) A[p * d + p] += ridge;
  // B = X̃ᵀ T̃ (d × a)
  const B = new Float64Array(d * a);
  for (let i = 0; i < n; i++) {
    const c = y[i];
    for (let p = 0; p < d; p++) {
      const xp = Xc[i * d + p];
      if (xp === 0) continue;
      for (let j = 0; j < a; j++) B[p * a + j] += xp * (T[c * a + j] - tMean[j]);
    }
  }
  const W = choleskySolveColumns(cholesky({ rows: d, cols: d, data: A }), B, a);
  const b = Float64Array.from(tMean);
  for (let p = 0; p < d; p++) for (let j = 0; j < a; j++) b[j] -= xMean[p] * W[p * a + j];
  return { W, b, d, a, ridge };
}

/**
 * The mapped features xW + b of every row of `X`: `n × a`, row-major.
 *
 * @example
 * ```ts
 * const E = embedDevise(model, Xtest);
 * ```
 */
export function embedDevise(model: DeviseModel, X: Matrix): Float64Array {
  const { W, b, d, a } = model;
  if (X.cols !== d) throw new TransferkitError('SHAPE_MISMATCH', `DeViSE: the map takes ${d} features, got ${X.cols}`);
  const out = new Float64Array(X.rows * a);
  for (let i = 0; i < X.rows; i++) {
    out.set(b, i * a);
    for (let p = 0; p < d; p++) {
      const xp = X.data[i * d + p];
      if (xp === 0) continue;
      for (let j = 0; j < a; j++) out[i * a + j] += xp * W[p * a + j];
    }
  }
  return out;
}

/**
 * Cosine similarity of every row of `E` (`n × a`) with every row of `S` (`k × a`): `n × k`,
 * row-major (a zero row scores 0).
 *
 * @example
 * ```ts
 * cosineScores(Float64Array.of(1, 0), 1, Float64Array.of(1, 0, 0, 1), 2, 2); // [1, 0]
 * ```
 */
export function cosineScores(E: ArrayLike<number>, n: number, S: ArrayLike<number>, k: number, a: number): Float64Array {
  const Su = l2NormalizeRows(Float64Array.from(S), a);
  const Eu = l2NormalizeRows(Float64Array.from(E), a);
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < a; j++) s += Eu[i * a + j] * Su[c * a + j];
      out[i * k + c] = s;
    }
  }
  return out;
}

/**
 * DeViSE scores: the cosine of each row's mapped features with each candidate class vector,
 * `n × k`. Take the argmax of a row for the prediction.
 *
 * @param S `k × a` candidate class vectors, row-major
 * @example
 * ```ts
 * const scores = scoreDevise(model, Xtest, unseenVectors, 3);
 * ```
 */
export function scoreDevise(model: DeviseModel, X: Matrix, S: ArrayLike<number>, k: number): Float64Array {
  if (S.length !== k * model.a) throw new TransferkitError('SHAPE_MISMATCH', `DeViSE: ${S.length} class-vector values are not ${k} rows of ${model.a}`);
  return cosineScores(embedDevise(model, X), X.rows, S, k, model.a);
}
