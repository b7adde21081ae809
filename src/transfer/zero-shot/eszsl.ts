/**
 * Embarrassingly simple zero-shot learning (ESZSL, Romera-Paredes & Torr, ICML 2015): a
 * bilinear compatibility x·V·s between an image's features x and a class's attribute signature s,
 * with V in closed form from the seen classes' images:
 *
 *   V = (XᵀX + γI)⁻¹ Xᵀ Y S (SᵀS + λI)⁻¹
 *
 * with X the `n × d` features (one row per image; the paper writes it transposed), Y the
 * `n × z` ground truth in {−1, +1} (as in the paper), S the `z × a` signatures of the z seen
 * classes. A new image goes to argmax_c x·V·s_c over whatever candidate classes are given —
 * classes never seen in training included. Both inverses are Cholesky solves (`measures`).
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { cholesky, choleskySolve, choleskySolveColumns, gram, type Matrix } from '../../measures/linalg.ts';

/**
 * Options of {@link fitEszsl}: the two ridge strengths of the closed form.
 *
 * @example
 * ```ts
 * const o: EszslOptions = { gamma: 100, lambda: 1 };
 * ```
 */
export interface EszslOptions {
  /** Ridge γ on the feature side (XᵀX + γI); default 1% of the number of images. */
  gamma?: number;
  /** Ridge λ on the attribute side (SᵀS + λI); default 1. */
  lambda?: number;
  /** XᵀX (`d × d`, row-major) when the caller already has it, e.g. tuning γ and λ on one X; not modified. */
  gram?: Float64Array;
}

/**
 * A fitted ESZSL map V (`d × a`, row-major).
 *
 * @example
 * ```ts
 * const model: EszslModel = fitEszsl(X, y, S, 3);
 * model.V.length === X.cols * model.a; // true
 * ```
 */
export interface EszslModel {
  V: Float64Array;
  d: number;
  a: number;
  gamma: number;
  lambda: number;
}

/**
 * Fits ESZSL's closed form on seen-class images.
 *
 * @param X `n × d` features (standardise them first)
 * @param y class of each row, an index into the rows of `S`
 * @param S `z × a` signatures of the seen classes, row-major
 * @param z number of seen classes
 * @throws TransferkitError `SHAPE_MISMATCH`, `BAD_LABEL`, `BAD_OPTION`.
 * @example
 * ```ts
 * const model = fitEszsl(X, y, seenSignatures, 7, { gamma: 50, lambda: 1 });
 * const scores = scoreEszsl(model, Xtest, unseenSignatures, 3); // n × 3
 * ```
 */
export function fitEszsl(X: Matrix, y: ArrayLike<number>, S: ArrayLike<number>, z: number, opts: EszslOptions = {}): EszslModel {
  const { rows: n, cols: d } = X;
  if (y.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `ESZSL: X has ${n} rows but y has ${y.length} labels`);
  if (z < 1 || S.length % z !== 0) throw new TransferkitError('SHAPE_MISMATCH', `ESZSL: ${S.length} signature values are not ${z} rows`);
  const a = S.length / z;
  const gamma = opts.gamma ?? 0.01 * n;
  const lambda = opts.lambda ?? 1;
  if (!(gamma > 0) || !(lambda > 0)) {
    throw new TransferkitError('BAD_OPTION', `ESZSL needs gamma > 0 and lambda > 0, got gamma ${gamma}, lambda ${lambda}`, { hint: 'Pass positive ridge strengths.' });
  }
  // A = XᵀX + γI
  if (opts.gram && opts.gram.length !== d * d) throw new TransferkitError('SHAPE_MISMATCH', `ESZSL: the given XᵀX has ${opts.gram.length} values, not ${d} × ${d}`);
  const A = opts.gram ? Float64Array.from(opts.gram) : gram(X).data;
  for (let p = 0; p < d; p++) A[p * d + p] += gamma;
  // YS: n × a with Y in {−1, +1}: row i = 2·S[yᵢ] − Σ_c S[c]
  const total = new Float64Array(a);
  for (let c = 0; c < z; c++) for (let j = 0; j < a; j++) total[j] += S[c * a + j];
  // B = Xᵀ (Y S): d × a
  const B = new Float64Array(d * a);
  const ys = new Float64Array(a);
  for (let i = 0; i < n; i++) {
    const c = y[i];
    if (!Number.isInteger(c) || c < 0 || c >= z) throw new TransferkitError('BAD_LABEL', `ESZSL: label ${c} at row ${i} is not a seen class index 0…${z - 1}`);
    for (let j = 0; j < a; j++) ys[j] = 2 * S[c * a + j] - total[j];
    for (let p = 0; p < d; p++) {
      const xp = X.data[i * d + p];
      if (xp === 0) continue;
      for (let j = 0; j < a; j++) B[p * a + j] += xp * ys[j];
    }
  }
  // C = SᵀS + λI
  const C = new Float64Array(a * a);
  for (let c = 0; c < z; c++) for (let j = 0; j < a; j++) for (let k = 0; k < a; k++) C[j * a + k] += S[c * a + j] * S[c * a + k];
  for (let j = 0; j < a; j++) C[j * a + j] += lambda;
  // V = A⁻¹ B C⁻¹: solve A per column of B, then C per row (C is symmetric)
  const AB = choleskySolveColumns(cholesky({ rows: d, cols: d, data: A }), B, a);
  const LC = cholesky({ rows: a, cols: a, data: C });
  const V = new Float64Array(d * a);
  for (let p = 0; p < d; p++) V.set(choleskySolve(LC, AB.subarray(p * a, (p + 1) * a)), p * a);
  return { V, d, a, gamma, lambda };
}

/**
 * Compatibility scores x·V·s_c of every row of `X` with every candidate signature:
 * `n × k`, row-major. Take the argmax of a row for the prediction.
 *
 * @param S `k × a` candidate signatures, row-major
 * @example
 * ```ts
 * const scores = scoreEszsl(model, Xtest, unseenSignatures, 3);
 * ```
 */
export function scoreEszsl(model: EszslModel, X: Matrix, S: ArrayLike<number>, k: number): Float64Array {
  const { d, a, V } = model;
  if (X.cols !== d) throw new TransferkitError('SHAPE_MISMATCH', `ESZSL was fitted on ${d} features, got ${X.cols}`);
  if (S.length !== k * a) throw new TransferkitError('SHAPE_MISMATCH', `ESZSL: ${S.length} signature values are not ${k} rows of ${a} attributes`);
  // W = V Sᵀ: d × k, then X W
  const W = new Float64Array(d * k);
  for (let p = 0; p < d; p++) for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < a; j++) s += V[p * a + j] * S[c * a + j];
    W[p * k + c] = s;
  }
  const out = new Float64Array(X.rows * k);
  for (let i = 0; i < X.rows; i++) {
    for (let p = 0; p < d; p++) {
      const xp = X.data[i * d + p];
      if (xp === 0) continue;
      for (let c = 0; c < k; c++) out[i * k + c] += xp * W[p * k + c];
    }
  }
  return out;
}
