/**
 * The base metrics a fairness audit computes per group, each with its exact definition. Every
 * metric reads binary outcomes (see {@link BinaryOutcomes}) over a set of rows and returns `NaN`
 * where it is undefined (a rate whose denominator is 0, e.g. the true positive rate of a group
 * without actual positives), never a made-up 0.
 */
import { confusion, type BinaryOutcomes } from './outcomes.ts';

/**
 * What a metric needs in a group to be defined: actual positives (y = 1), actual negatives
 * (y = 0), predicted positives (ŷ = 1), scores, or only rows.
 *
 * @example
 * ```ts
 * const need: MetricNeed = 'positives'; // true positive rate
 * ```
 */
export type MetricNeed = 'rows' | 'positives' | 'negatives' | 'predicted positives' | 'scores';

/**
 * A metric computed on a set of rows of binary outcomes.
 *
 * @example
 * ```ts
 * const m: GroupMetric = { name: 'selection_rate', label: 'selection rate', definition: 'P(ŷ=1)', needs: 'rows', compute: (o, rows) => 0.5 };
 * ```
 */
export interface GroupMetric {
  /** Key in tables and JSON (`selection_rate`). */
  name: string;
  /** Short name for people (`selection rate`). */
  label: string;
  /** Exact definition. */
  definition: string;
  /** What must be present in a group for the metric to be defined. */
  needs: MetricNeed;
  /** The value over `rows` of `o`; `NaN` when undefined. */
  compute(o: BinaryOutcomes, rows: ArrayLike<number>): number;
}

const rate = (num: number, den: number) => (den > 0 ? num / den : NaN);

/**
 * Number of rows. Always defined.
 *
 * @example
 * ```ts
 * COUNT.compute(o, [0, 1, 2]); // 3
 * ```
 */
export const COUNT: GroupMetric = { name: 'count', label: 'count', definition: 'number of examples n', needs: 'rows', compute: (_o, rows) => rows.length };

/**
 * Base rate: the share of rows whose true class is the positive class, P(y = 1).
 *
 * @example
 * ```ts
 * BASE_RATE.compute({ yTrue: Uint8Array.of(1, 0), yPred: Uint8Array.of(0, 0) }, [0, 1]); // 0.5
 * ```
 */
export const BASE_RATE: GroupMetric = {
  name: 'base_rate',
  label: 'base rate',
  definition: 'P(y=1) = (TP + FN) / n, the share of examples whose true class is the positive class',
  needs: 'rows',
  compute: (o, rows) => {
    const c = confusion(o, rows);
    return rate(c.tp + c.fn, rows.length);
  },
};

/**
 * Selection rate: the share of rows predicted positive, P(ŷ = 1) = (TP + FP) / n.
 *
 * @example
 * ```ts
 * SELECTION_RATE.compute({ yTrue: Uint8Array.of(1, 0), yPred: Uint8Array.of(1, 1) }, [0, 1]); // 1
 * ```
 */
export const SELECTION_RATE: GroupMetric = {
  name: 'selection_rate',
  label: 'selection rate',
  definition: 'P(ŷ=1) = (TP + FP) / n, the share of examples predicted positive',
  needs: 'rows',
  compute: (o, rows) => {
    const c = confusion(o, rows);
    return rate(c.tp + c.fp, rows.length);
  },
};

/**
 * Accuracy: (TP + TN) / n.
 *
 * @example
 * ```ts
 * ACCURACY.compute({ yTrue: Uint8Array.of(1, 0), yPred: Uint8Array.of(1, 1) }, [0, 1]); // 0.5
 * ```
 */
export const ACCURACY: GroupMetric = {
  name: 'accuracy',
  label: 'accuracy',
  definition: 'P(ŷ=y) = (TP + TN) / n',
  needs: 'rows',
  compute: (o, rows) => {
    const c = confusion(o, rows);
    return rate(c.tp + c.tn, rows.length);
  },
};

/**
 * True positive rate (recall, sensitivity): TP / (TP + FN) = P(ŷ = 1 | y = 1). Undefined
 * without actual positives.
 *
 * @example
 * ```ts
 * TRUE_POSITIVE_RATE.compute({ yTrue: Uint8Array.of(1, 1), yPred: Uint8Array.of(1, 0) }, [0, 1]); // 0.5
 * ```
 */
export const TRUE_POSITIVE_RATE: GroupMetric = {
  name: 'tpr',
  label: 'true positive rate',
  definition: 'P(ŷ=1 | y=1) = TP / (TP + FN) (recall); undefined when the group has no actual positives',
  needs: 'positives',
  compute: (o, rows) => {
    const c = confusion(o, rows);
    return rate(c.tp, c.tp + c.fn);
  },
};

/**
 * False positive rate: FP / (FP + TN) = P(ŷ = 1 | y = 0). Undefined without actual negatives.
 *
 * @example
 * ```ts
 * FALSE_POSITIVE_RATE.compute({ yTrue: Uint8Array.of(0, 0), yPred: Uint8Array.of(1, 0) }, [0, 1]); // 0.5
 * ```
 */
export const FALSE_POSITIVE_RATE: GroupMetric = {
  name: 'fpr',
  label: 'false positive rate',
  definition: 'P(ŷ=1 | y=0) = FP / (FP + TN); undefined when the group has no actual negatives',
  needs: 'negatives',
  compute: (o, rows) => {
    const c = confusion(o, rows);
    return rate(c.fp, c.fp + c.tn);
  },
};

/**
 * False negative rate: FN / (TP + FN) = 1 − TPR. Undefined without actual positives.
 *
 * @example
 * ```ts
 * FALSE_NEGATIVE_RATE.compute({ yTrue: Uint8Array.of(1, 1), yPred: Uint8Array.of(1, 0) }, [0, 1]); // 0.5
 * ```
 */
export const FALSE_NEGATIVE_RATE: GroupMetric = {
  name: 'fnr',
  label: 'false negative rate',
  definition: 'P(ŷ=0 | y=1) = FN / (TP + FN) = 1 − TPR; undefined when the group has no actual positives',
  needs: 'positives',
  compute: (o, rows) => {
    const c = confusion(o, rows);
    return rate(c.fn, c.tp + c.fn);
  },
};

/**
 * True negative rate (specificity): TN / (TN + FP) = 1 − FPR. Undefined without actual negatives.
 *
 * @example
 * ```ts
 * TRUE_NEGATIVE_RATE.compute({ yTrue: Uint8Array.of(0, 0), yPred: Uint8Array.of(1, 0) }, [0, 1]); // 0.5
 * ```
 */
export const TRUE_NEGATIVE_RATE: GroupMetric = {
  name: 'tnr',
  label: 'true negative rate',
  definition: 'P(ŷ=0 | y=0) = TN / (TN + FP) = 1 − FPR (specificity); undefined when the group has no actual negatives',
  needs: 'negatives',
  compute: (o, rows) => {
    const c = confusion(o, rows);
    return rate(c.tn, c.tn + c.fp);
  },
};

/**
 * Precision (positive predictive value): TP / (TP + FP). Undefined without predicted positives.
 *
 * @example
 * ```ts
 * PRECISION.compute({ yTrue: Uint8Array.of(1, 0), yPred: Uint8Array.of(1, 1) }, [0, 1]); // 0.5
 * ```
 */
export const PRECISION: GroupMetric = {
  name: 'precision',
  label: 'precision',
  definition: 'P(y=1 | ŷ=1) = TP / (TP + FP); undefined when nothing in the group is predicted positive',
  needs: 'predicted positives',
  compute: (o, rows) => {
    const c = confusion(o, rows);
    return rate(c.tp, c.tp + c.fp);
  },
};

/**
 * Mean score: the average predicted probability of the positive class; compare it with the
 * base rate for calibration-in-the-large. Undefined without scores.
 *
 * @example
 * ```ts
 * MEAN_SCORE.compute({ yTrue: Uint8Array.of(1, 0), yPred: Uint8Array.of(1, 0), score: Float64Array.of(0.9, 0.3) }, [0, 1]); // 0.6
 * ```
 */
export const MEAN_SCORE: GroupMetric = {
  name: 'mean_score',
  label: 'mean score',
  definition: 'mean of s = P̂(y=1 | x) over the group; a calibrated model has mean score ≈ base rate in every group',
  needs: 'scores',
  compute: (o, rows) => {
    if (!o.score || rows.length === 0) return NaN;
    let sum = 0;
    for (let k = 0; k < rows.length; k++) sum += o.score[rows[k]];
    return sum / rows.length;
  },
};

/** Bins of {@link ECE}. */
export const ECE_BINS = 10;

/**
 * Expected calibration error of the positive-class probability: the scores are put in 10
 * equal-width bins [0, 0.1), …, [0.9, 1]; ECE = Σ_b (n_b / n) · |mean score in b − share of
 * y = 1 in b|. Undefined without scores.
 *
 * @example
 * ```ts
 * ECE.compute({ yTrue: Uint8Array.of(1, 0), yPred: Uint8Array.of(1, 0), score: Float64Array.of(1, 0) }, [0, 1]); // 0
 * ```
 */
export const ECE: GroupMetric = {
  name: 'ece',
  label: 'calibration error (ECE)',
  definition: `expected calibration error of s = P̂(y=1 | x): ${ECE_BINS} equal-width bins of s; Σ_b (n_b/n)·|mean s in b − share of y=1 in b|`,
  needs: 'scores',
  compute: (o, rows) => {
    if (!o.score || rows.length === 0) return NaN;
    const n = new Float64Array(ECE_BINS);
    const s = new Float64Array(ECE_BINS);
    const y = new Float64Array(ECE_BINS);
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k];
      const b = Math.min(ECE_BINS - 1, Math.floor(o.score[i] * ECE_BINS));
      n[b]++;
      s[b] += o.score[i];
      y[b] += o.yTrue[i];
    }
    let ece = 0;
    for (let b = 0; b < ECE_BINS; b++) if (n[b] > 0) ece += Math.abs(s[b] - y[b]) / rows.length;
    return ece;
  },
};

/**
 * The metrics an audit reports per group, in table order (score metrics only apply when
 * scores are given).
 *
 * @example
 * ```ts
 * STANDARD_METRICS.map((m) => m.name); // ['count', 'base_rate', 'selection_rate', 'accuracy', 'tpr', …]
 * ```
 */
export const STANDARD_METRICS: readonly GroupMetric[] = Object.freeze([
  COUNT,
  BASE_RATE,
  SELECTION_RATE,
  ACCURACY,
  TRUE_POSITIVE_RATE,
  FALSE_POSITIVE_RATE,
  FALSE_NEGATIVE_RATE,
  TRUE_NEGATIVE_RATE,
  PRECISION,
]);

/**
 * The score (calibration) metrics an audit adds when the outcomes have scores.
 *
 * @example
 * ```ts
 * SCORE_METRICS.map((m) => m.name); // ['mean_score', 'ece']
 * ```
 */
export const SCORE_METRICS: readonly GroupMetric[] = Object.freeze([MEAN_SCORE, ECE]);
