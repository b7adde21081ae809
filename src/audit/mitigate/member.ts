/**
 * The members of an exponentiated-gradient mixture — logistic models thresholded at ½, or
 * constants, fitted on cost-sensitive rows — and the predictions of a weighted mixture of them.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { toMatrix, type Matrix, type MatrixInput } from '../../measures/linalg.ts';
import { fitLogistic } from '../../measures/logistic.ts';
import type { Rng } from '../../util/random.ts';
import type { CostSensitiveRows } from './cost-sensitive.ts';

/**
 * One classifier of the mixture: a logistic model thresholded at ½ (predict 1 when
 * x·w + b ≥ 0), or a constant when a best response had one label only.
 *
 * @example
 * ```ts
 * const h: MixtureMember = { w: Float64Array.of(0.4, -1), b: 0.2 };
 * ```
 */
export interface MixtureMember {
  w: Float64Array | null;
  b: number;
  /** For a constant member, its prediction. */
  constant?: 0 | 1;
}

/**
 * The cost-sensitive best response: a weighted logistic fit (L2 penalty `l2`) on the rows, or a
 * constant when one label wins everywhere.
 *
 * @example
 * ```ts
 * const member = fitMember(M, costSensitiveRows(m, lambda), 1e-2);
 * ```
 */
export function fitMember(M: Matrix, rows: CostSensitiveRows, l2: number): MixtureMember {
  const { labels, weights, ones } = rows;
  if (ones === 0 || ones === labels.length) return { w: null, b: 0, constant: ones === 0 ? 0 : 1 };
  const model = fitLogistic(M, labels, { weights, l2 });
  return { w: model.w, b: model.b };
}

/**
 * A member's 0/1 prediction for every row of `A`.
 *
 * @example
 * ```ts
 * predictMember({ w: null, b: 0, constant: 1 }, A); // all ones
 * ```
 */
export function predictMember(m: MixtureMember, A: Matrix): Uint8Array {
  const out = new Uint8Array(A.rows);
  if (m.w === null) return out.fill(m.constant ?? 0);
  const d = A.cols;
  for (let i = 0; i < A.rows; i++) {
    let z = m.b;
    for (let j = 0; j < d; j++) z += A.data[i * d + j] * m.w[j];
    out[i] = z >= 0 ? 1 : 0;
  }
  return out;
}

/**
 * The predictions of a fitted mixture (`weights` sum to 1, one per member) on `cols` features:
 * per row P(ŷ = 1) = Σ weight·member(x), and 0/1 draws, one uniform draw per row in row order
 * giving 1 when it is below P(ŷ = 1). Throws `SHAPE_MISMATCH` for another number of features.
 *
 * @param where names the classifier in error messages
 * @example
 * ```ts
 * const { predictProbability } = mixturePredictor([{ w: null, b: 0, constant: 1 }, { w: null, b: 0, constant: 0 }], [0.3, 0.7], 2, 'eg');
 * predictProbability([[1, 2]]); // [0.3]
 * ```
 */
export function mixturePredictor(members: readonly MixtureMember[], weights: readonly number[], cols: number, where: string): { predictProbability(X: MatrixInput): Float64Array; predict(X: MatrixInput, rng: Rng): Uint8Array } {
  const predictProbability = (Xnew: MatrixInput): Float64Array => {
    const A = toMatrix(Xnew, 'X');
    if (A.cols !== cols) throw new TransferkitError('SHAPE_MISMATCH', `The classifier takes ${cols} features, got ${A.cols}`, { where: `${where} predict`, hint: 'Pass the features the classifier was fitted on, in the same order.' });
    const out = new Float64Array(A.rows);
    members.forEach((m, j) => {
      const p = predictMember(m, A);
      for (let i = 0; i < A.rows; i++) out[i] += weights[j] * p[i];
    });
    return out;
  };
  return {
    predictProbability,
    predict(Xnew, rng) {
      const p = predictProbability(Xnew);
      const out = new Uint8Array(p.length);
      for (let i = 0; i < p.length; i++) out[i] = rng.next() < p[i] ? 1 : 0;
      return out;
    },
  };
}
