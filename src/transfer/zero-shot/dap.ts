/**
 * Direct attribute prediction (DAP, Lampert, Nickisch & Harmeling, CVPR 2009 / TPAMI 2014):
 * one probabilistic classifier per attribute, p(a_m = 1 | x), trained on the seen classes'
 * images (each image labelled with its class's attribute value), and a class z scored by
 *
 *   log p(z | x) = Σ_m log p(a_m = a_m^z | x) − Σ_m log p(a_m = a_m^z)  (+ const)
 *
 * — Lampert's MAP rule: the product over attributes of the predicted attribute probabilities
 * divided by the attribute priors (with `scoring: 'likelihood'`, the first sum alone). The
 * prior p(a_m = 1) is the mean of attribute m over the seen classes' signatures (every class
 * weighs the same). A signature value v in [0, 1] scores as v·p + (1 − v)·(1 − p); attribute
 * classifiers are trained on v ≥ 0.5. Attributes constant over the seen classes cannot be
 * learned from their images and are left out (see `used`).
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import type { Matrix } from '../../measures/linalg.ts';
import { fitLogistic, type LogisticModel } from '../../measures/logistic.ts';
import { varyingAttributes } from './attributes.ts';

/**
 * Options of {@link fitDap} and {@link scoreDap}.
 *
 * @example
 * ```ts
 * const o: DapOptions = { l2: 1e-2, scoring: 'likelihood' };
 * ```
 */
export interface DapOptions {
  /** L2 strength of each attribute's logistic regression (`fitLogistic`'s `l2`); default 1e-3. */
  l2?: number;
  /** `map` (default): divide by the attribute priors (Lampert's rule); `likelihood`: do not. */
  scoring?: 'map' | 'likelihood';
  /** Attribute probabilities are clipped to [eps, 1 − eps] before the log; default 1e-3. */
  eps?: number;
}

/**
 * A fitted DAP model.
 *
 * @example
 * ```ts
 * const dap: DapModel = fitDap(X, y, S, 7);
 * dap.used; // indices of the attributes it learned
 * ```
 */
export interface DapModel {
  /** Attribute indices (columns of the table) that vary over the seen classes and were learned. */
  used: number[];
  /** One logistic regression per used attribute. */
  classifiers: LogisticModel[];
  /** p(a_m = 1) for each used attribute: the mean over the seen classes' signatures. */
  prior: Float64Array;
  /** Number of attributes in the table. */
  a: number;
  options: Required<DapOptions>;
}

/**
 * Trains one logistic regression per attribute on the seen classes' images.
 *
 * @param X `n × d` features
 * @param y class of each row, an index into the rows of `S`
 * @param S `z × a` signatures of the seen classes, row-major
 * @throws TransferkitError `BAD_INPUT` when no attribute varies over the seen classes.
 * @example
 * ```ts
 * const dap = fitDap(X, y, seenSignatures, 7);
 * const scores = scoreDap(dap, Xtest, unseenSignatures, 3); // n × 3 log-scores
 * ```
 */
export function fitDap(X: Matrix, y: ArrayLike<number>, S: ArrayLike<number>, z: number, opts: DapOptions = {}): DapModel {
  if (z < 1 || S.length % z !== 0) throw new TransferkitError('SHAPE_MISMATCH', `DAP: ${S.length} signature values are not ${z} rows`);
  const a = S.length / z;
  const options: Required<DapOptions> = { l2: opts.l2 ?? 1e-3, scoring: opts.scoring ?? 'map', eps: opts.eps ?? 1e-3 };
  const used = varyingAttributes(S, z, a);
  if (!used.length) {
    throw new TransferkitError('BAD_INPUT', 'DAP: no attribute varies over the seen classes, so none can be learned', { hint: 'Use an attribute table whose attributes separate the seen classes.' });
  }
  const prior = new Float64Array(used.length);
  const labels = new Uint8Array(y.length);
  const classifiers = used.map((j, u) => {
    for (let c = 0; c < z; c++) prior[u] += S[c * a + j] / z;
    for (let i = 0; i < y.length; i++) labels[i] = S[y[i] * a + j] >= 0.5 ? 1 : 0;
    return fitLogistic(X, labels, { l2: options.l2 });
  });
  return { used, classifiers, prior, a, options };
}

/**
 * The predicted attribute probabilities p(a_m = 1 | x): `n × used.length`, row-major.
 *
 * @example
 * ```ts
 * const P = attributeProbabilities(dap, Xtest);
 * ```
 */
export function attributeProbabilities(model: DapModel, X: Matrix): Float64Array {
  const u = model.used.length;
  const P = new Float64Array(X.rows * u);
  model.classifiers.forEach((clf, k) => {
    const p = clf.predictProba(X);
    for (let i = 0; i < X.rows; i++) P[i * u + k] = p[i];
  });
  return P;
}

/**
 * DAP log-scores of every row of `X` for every candidate signature: `n × k`, row-major (see
 * the module doc for the rule). Take the argmax of a row for the prediction.
 *
 * @param S `k × a` candidate signatures, row-major
 * @param P precomputed {@link attributeProbabilities} of `X` (optional)
 * @example
 * ```ts
 * const scores = scoreDap(dap, Xtest, unseenSignatures, 3);
 * ```
 */
export function scoreDap(model: DapModel, X: Matrix, S: ArrayLike<number>, k: number, P = attributeProbabilities(model, X)): Float64Array {
  const { used, prior, a, options } = model;
  if (S.length !== k * a) throw new TransferkitError('SHAPE_MISMATCH', `DAP: ${S.length} signature values are not ${k} rows of ${a} attributes`);
  return dapScores(P, X.rows, used.map((j) => j), prior, S, k, a, options);
}

/**
 * The DAP rule on given attribute probabilities `P` (`n × used.length`): exported so it can be
 * checked by hand.
 *
 * @example
 * ```ts
 * dapScores(Float64Array.of(0.9), 1, [0], Float64Array.of(0.5), Float64Array.of(1, 0), 2, 1, { eps: 1e-3, scoring: 'map', l2: 0 });
 * // [log 0.9 − log 0.5, log 0.1 − log 0.5]
 * ```
 */
export function dapScores(P: ArrayLike<number>, n: number, used: readonly number[], prior: ArrayLike<number>, S: ArrayLike<number>, k: number, a: number, options: Required<DapOptions>): Float64Array {
  const u = used.length;
  const { eps } = options;
  const clip = (p: number) => Math.min(1 - eps, Math.max(eps, p));
  const bias = new Float64Array(k);
  if (options.scoring === 'map') {
    for (let c = 0; c < k; c++) for (let t = 0; t < u; t++) {
      const v = S[c * a + used[t]];
      bias[c] -= Math.log(clip(v * prior[t] + (1 - v) * (1 - prior[t])));
    }
  }
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = bias[c];
      for (let t = 0; t < u; t++) {
        const v = S[c * a + used[t]];
        const p = P[i * u + t];
        s += Math.log(clip(v * p + (1 - v) * (1 - p)));
      }
      out[i * k + c] = s;
    }
  }
  return out;
}
