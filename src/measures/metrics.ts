import { TransferkitError } from '../errors.ts';

/**
 * Precision, recall and F1 of one class (one-vs-rest).
 *
 * @example
 * ```ts
 * const { precision, recall, f1 } = classificationMetrics(labels, probs, classes).perClass[0];
 * ```
 */
export interface ClassMetrics {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of true examples of this class. */
  support: number;
}

/**
 * The standard classification report for a set of predictions.
 *
 * @example
 * ```ts
 * const m: ClassificationMetrics = classificationMetrics(labels, probs, ['cat', 'dog']);
 * ```
 */
export interface ClassificationMetrics {
  accuracy: number;
  /** Unweighted mean F1 over classes that occur in the labels or the predictions. */
  macroF1: number;
  /** Support-weighted mean F1. */
  weightedF1: number;
  perClass: ClassMetrics[];
  /** `confusionMatrix[true][predicted]` counts. */
  confusionMatrix: number[][];
  /** Binary ROC AUC, or the macro one-vs-rest mean over classes present; `null` when fewer than two classes occur. */
  rocAuc: number | null;
  /** Mean negative log-likelihood of the true class (probabilities clipped to [1e-15, 1]). */
  logLoss: number;
  classes: string[];
  /** Number of scored examples. */
  n: number;
}

/**
 * Computes accuracy, per-class precision/recall/F1, macro and weighted F1, the confusion
 * matrix, ROC AUC (binary or macro one-vs-rest) and log loss from class probabilities.
 *
 * Definitions follow scikit-learn: precision/recall of a class with no predicted/true examples
 * is 0; macro F1 averages over classes that appear in the labels or predictions.
 *
 * @param labels true class index per example (unlabelled `-1` examples are skipped)
 * @param probs row-major `n × k` class probabilities
 * @example
 * ```ts
 * const m = classificationMetrics(Int32Array.from([0, 1]), Float32Array.from([0.9, 0.1, 0.2, 0.8]), ['cat', 'dog']);
 * m.accuracy; // 1
 * ```
 */
export function classificationMetrics(labels: ArrayLike<number>, probs: ArrayLike<number>, classes: string[]): ClassificationMetrics {
  const k = classes.length;
  if (probs.length !== labels.length * k) {
    throw new TransferkitError('SHAPE_MISMATCH', `Expected ${labels.length}×${k} probabilities, got ${probs.length} values`);
  }
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) rows.push(i);
  if (rows.length === 0) throw new TransferkitError('NO_LABELS', 'No labelled examples to score', { hint: 'Evaluate on data that has a label for each example.' });

  const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  let nll = 0;
  for (const i of rows) {
    const y = labels[i];
    const pred = argmaxRow(probs, i, k);
    cm[y][pred]++;
    if (pred === y) correct++;
    nll -= Math.log(Math.min(1, Math.max(1e-15, probs[i * k + y])));
  }

  const perClass: ClassMetrics[] = classes.map((name, c) => {
    const tp = cm[c][c];
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < k; j++) {
      predicted += cm[j][c];
      actual += cm[c][j];
    }
    const precision = predicted ? tp / predicted : 0;
    const recall = actual ? tp / actual : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { class: name, precision, recall, f1, support: actual };
  });
  const present = perClass.filter((_, c) => perClass[c].support > 0 || cm.some((r) => r[c] > 0));
  const macroF1 = mean(present.map((p) => p.f1));
  const weightedF1 = perClass.reduce((s, p) => s + p.f1 * p.support, 0) / rows.length;

  return {
    accuracy: correct / rows.length,
    macroF1,
    weightedF1,
    perClass,
    confusionMatrix: cm,
    rocAuc: rocAucFromProbs(rows.map((i) => labels[i]), rows, probs, k),
    logLoss: nll / rows.length,
    classes,
    n: rows.length,
  };
}

function rocAucFromProbs(y: number[], rows: number[], probs: ArrayLike<number>, k: number): number | null {
  if (k === 2) {
    const scores = rows.map((i) => probs[i * k + 1]);
    return binaryRocAuc(y.map((v) => v === 1), scores);
  }
  const aucs: number[] = [];
  for (let c = 0; c < k; c++) {
    const pos = y.map((v) => v === c);
    if (!pos.some(Boolean) || pos.every(Boolean)) continue;
    aucs.push(binaryRocAuc(pos, rows.map((i) => probs[i * k + c])) as number);
  }
  return aucs.length >= 2 || (aucs.length === 1 && k === 2) ? mean(aucs) : null;
}

/**
 * Area under the ROC curve for binary labels: the probability that a random positive scores
 * above a random negative (ties count one half) — the Mann–Whitney U statistic.
 * Returns `null` when either class is absent.
 *
 * @example
 * ```ts
 * binaryRocAuc([true, false, true], [0.9, 0.4, 0.35]); // 0.5
 * ```
 */
export function binaryRocAuc(positive: boolean[], scores: number[]): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (positive[order[t]]) {
      nPos++;
      rankSum += avgRank;
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Index of the largest value in row `i` of a row-major `n × k` array.
 *
 * @example
 * ```ts
 * argmaxRow([0.1, 0.9, 0.7, 0.3], 1, 2); // 0
 * ```
 */
export function argmaxRow(values: ArrayLike<number>, i: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (values[i * k + c] > values[i * k + best]) best = c;
  return best;
}


function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}
