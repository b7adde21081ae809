/**
 * Binary outcomes of a classifier, the input every fairness metric reads: the true class and
 * the predicted class as 1 (the positive class) or 0 (anything else), and optionally the score
 * (probability of the positive class).
 */
import { TransferkitError } from '../../errors.ts';

/**
 * One set of binary outcomes. For multi-class data the positive class is one class and every
 * other class is 0 (one-vs-rest).
 *
 * @example
 * ```ts
 * const o: BinaryOutcomes = { yTrue: Uint8Array.of(1, 0), yPred: Uint8Array.of(1, 1) };
 * ```
 */
export interface BinaryOutcomes {
  /** 1 where the true class is the positive class, else 0. */
  yTrue: Uint8Array;
  /** 1 where the predicted class is the positive class, else 0. */
  yPred: Uint8Array;
  /** Probability of the positive class, in [0, 1], when the classifier gives one. */
  score?: Float64Array;
}

/**
 * The four cells of the binary confusion matrix.
 *
 * @example
 * ```ts
 * const c: Confusion = { tp: 3, fp: 1, tn: 4, fn: 2 };
 * ```
 */
export interface Confusion {
  /** True positives: y = 1 and ŷ = 1. */
  tp: number;
  /** False positives: y = 0 and ŷ = 1. */
  fp: number;
  /** True negatives: y = 0 and ŷ = 0. */
  tn: number;
  /** False negatives: y = 1 and ŷ = 0. */
  fn: number;
}

/**
 * Counts the confusion-matrix cells of `o`, over the rows in `rows` (default: all rows).
 *
 * @example
 * ```ts
 * confusion({ yTrue: Uint8Array.of(1, 1, 0), yPred: Uint8Array.of(1, 0, 1) }); // { tp: 1, fp: 1, tn: 0, fn: 1 }
 * ```
 */
export function confusion(o: BinaryOutcomes, rows?: ArrayLike<number>): Confusion {
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  const n = rows ? rows.length : o.yTrue.length;
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k] : k;
    if (o.yTrue[i]) {
      if (o.yPred[i]) c.tp++;
      else c.fn++;
    } else if (o.yPred[i]) c.fp++;
    else c.tn++;
  }
  return c;
}

/**
 * Turns class labels into {@link BinaryOutcomes} for the class `positive` (one-vs-rest when
 * there are more than two classes). Checks that the arrays have the same length and that
 * scores are probabilities.
 *
 * @example
 * ```ts
 * binarize(['yes', 'no'], ['yes', 'yes'], 'yes'); // yTrue [1, 0], yPred [1, 1]
 * ```
 */
export function binarize(yTrue: ArrayLike<string | number>, yPred: ArrayLike<string | number>, positive: string | number, score?: ArrayLike<number>): BinaryOutcomes {
  if (yTrue.length !== yPred.length) {
    throw new TransferkitError('LABEL_COUNT', `There are ${yTrue.length} true labels but ${yPred.length} predictions`, {
      where: 'fairness outcomes',
      hint: 'Pass one true label and one prediction per example, in the same order.',
    });
  }
  const pos = String(positive);
  const out: BinaryOutcomes = {
    yTrue: Uint8Array.from({ length: yTrue.length }, (_, i) => (String(yTrue[i]) === pos ? 1 : 0)),
    yPred: Uint8Array.from({ length: yPred.length }, (_, i) => (String(yPred[i]) === pos ? 1 : 0)),
  };
  if (score) {
    if (score.length !== yTrue.length) {
      throw new TransferkitError('LABEL_COUNT', `There are ${yTrue.length} true labels but ${score.length} scores`, { where: 'fairness outcomes', hint: 'Pass one score per example, or none.' });
    }
    const s = Float64Array.from(score);
    const bad = s.findIndex((v) => !(v >= 0 && v <= 1));
    if (bad >= 0) {
      throw new TransferkitError('NOT_PROBABILITIES', `Score ${s[bad]} at row ${bad} is not a probability in [0, 1]`, {
        where: `fairness outcomes, row ${bad}`,
        hint: 'Scores must be the probability of the positive class.',
      });
    }
    out.score = s;
  }
  return out;
}
