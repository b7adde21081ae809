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

/**
 * One bin of a reliability diagram: the examples whose top-class confidence falls in
 * [`lower`, `upper`) (the last bin includes 1).
 *
 * @example
 * ```ts
 * const b: ReliabilityBin = { lower: 0.9, upper: 1, count: 120, confidence: 0.96, accuracy: 0.93 };
 * ```
 */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  /** Examples in the bin. */
  count: number;
  /** Mean top-class probability of the bin's examples (NaN when empty). */
  confidence: number;
  /** Share of the bin's examples whose top class is the true class (NaN when empty). */
  accuracy: number;
}

/** Labelled rows of a row-major `n × k` probability array, checked. */
function labelledRows(labels: ArrayLike<number>, probs: ArrayLike<number>, k: number, where: string): number[] {
  if (!Number.isInteger(k) || k < 1 || probs.length !== labels.length * k) {
    throw new TransferkitError('SHAPE_MISMATCH', `Expected ${labels.length}×${k} probabilities, got ${probs.length} values`, { where });
  }
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) rows.push(i);
  if (rows.length === 0) throw new TransferkitError('NO_LABELS', 'No labelled examples to score', { where, hint: 'Evaluate on data that has a label for each example.' });
  return rows;
}

/**
 * The reliability diagram of top-class (multiclass) calibration: each labelled example's
 * confidence is its largest class probability; examples go to `bins` equal-width bins of [0, 1]
 * (bin b = [b/B, (b+1)/B), the last one closed); per bin the mean confidence and the accuracy
 * of the top class (Guo et al. 2017). Unlabelled (`-1`) examples are skipped.
 *
 * @example
 * ```ts
 * reliabilityBins([0, 1], [0.9, 0.1, 0.6, 0.4], 2, 2); // bin [0.5, 1]: count 2, confidence 0.75, accuracy 0.5
 * ```
 */
export function reliabilityBins(labels: ArrayLike<number>, probs: ArrayLike<number>, k: number, bins = 15): ReliabilityBin[] {
  if (!Number.isInteger(bins) || bins < 1) throw new TransferkitError('BAD_OPTION', `bins must be a whole number ≥ 1, got ${bins}`, { where: 'reliabilityBins' });
  const rows = labelledRows(labels, probs, k, 'reliabilityBins');
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const hits = new Float64Array(bins);
  for (const i of rows) {
    const top = argmaxRow(probs, i, k);
    const c = probs[i * k + top];
    const b = Math.min(bins - 1, Math.max(0, Math.floor(c * bins)));
    count[b]++;
    conf[b] += c;
    if (top === labels[i]) hits[b]++;
  }
  return Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: count[b],
    confidence: count[b] ? conf[b] / count[b] : NaN,
    accuracy: count[b] ? hits[b] / count[b] : NaN,
  }));
}

/**
 * Expected calibration error of the top class (Guo et al. 2017), in [0, 1]:
 * ECE = Σ_b (n_b / n) · |acc_b − conf_b| over `bins` equal-width bins of [0, 1] (default 15),
 * where conf_b is the mean top-class probability and acc_b the top-class accuracy of the n_b
 * labelled examples whose top-class probability falls in bin b (see {@link reliabilityBins}).
 * 0 means the confidences match the accuracies. (Audits use the binary ECE of the positive-class
 * score, `ECE` in measures/fairness, with 10 bins.)
 *
 * @example
 * ```ts
 * expectedCalibrationError([0, 1], [0.9, 0.1, 0.6, 0.4], 2, 2); // |0.5 − 0.75| = 0.25
 * ```
 */
export function expectedCalibrationError(labels: ArrayLike<number>, probs: ArrayLike<number>, k: number, bins = 15): number {
  const table = reliabilityBins(labels, probs, k, bins);
  const n = table.reduce((s, b) => s + b.count, 0);
  return table.reduce((s, b) => (b.count ? s + (b.count / n) * Math.abs(b.accuracy - b.confidence) : s), 0);
}

/**
 * Top-k accuracy: the share of labelled examples whose true class is among the `topK` most
 * probable classes. An example counts as a hit when fewer than `topK` classes rank above its
 * true class; ties are broken by class index (an equally probable class with a lower index ranks
 * above, as {@link argmaxRow} picks it), so `topK = 1` is exactly accuracy; `topK ≥ k` is 1.
 *
 * @example
 * ```ts
 * topKAccuracy([2, 0], [0.5, 0.3, 0.2, 0.1, 0.6, 0.3], 3, 2); // row 0: class 2 is 3rd → miss; row 1: class 0 is 3rd → miss → 0
 * ```
 */
export function topKAccuracy(labels: ArrayLike<number>, probs: ArrayLike<number>, k: number, topK: number): number {
  if (!Number.isInteger(topK) || topK < 1) throw new TransferkitError('BAD_OPTION', `topK must be a whole number ≥ 1, got ${topK}`, { where: 'topKAccuracy' });
  const rows = labelledRows(labels, probs, k, 'topKAccuracy');
  let hits = 0;
  for (const i of rows) {
    const p = probs[i * k + labels[i]];
    let above = 0;
    const y = labels[i];
    for (let c = 0; c < k; c++) if (probs[i * k + c] > p || (c < y && probs[i * k + c] === p)) above++;
    if (above < topK) hits++;
  }
  return hits / rows.length;
}

/**
 * A point of a ROC or precision–recall curve, at the threshold "score ≥ threshold is positive".
 *
 * @example
 * ```ts
 * const p: ThresholdPoint = { threshold: 0.5, x: 0.1, y: 0.8 };
 * ```
 */
export interface ThresholdPoint {
  threshold: number;
  /** ROC: false positive rate; PR: recall. */
  x: number;
  /** ROC: true positive rate; PR: precision. */
  y: number;
}

/** Distinct thresholds, descending, with the cumulative true and false positives at each. */
function cumulativeCounts(positive: ArrayLike<boolean>, scores: ArrayLike<number>): { thresholds: number[]; tp: number[]; fp: number[]; pos: number; neg: number } {
  if (positive.length !== scores.length) throw new TransferkitError('SHAPE_MISMATCH', `Expected one score per label, got ${scores.length} scores for ${positive.length} labels`);
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new TransferkitError('NON_FINITE_INPUT', `Score ${scores[i]} at row ${i} is not a finite number`, { where: 'rocCurve / precisionRecallCurve', hint: 'Scores must be finite numbers, e.g. probabilities of the positive class.' });
  }
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const thresholds: number[] = [];
  const tp: number[] = [];
  const fp: number[] = [];
  let t = 0;
  let f = 0;
  for (let r = 0; r < order.length; r++) {
    if (positive[order[r]]) t++;
    else f++;
    if (r + 1 === order.length || scores[order[r + 1]] !== scores[order[r]]) {
      thresholds.push(scores[order[r]]);
      tp.push(t);
      fp.push(f);
    }
  }
  return { thresholds, tp, fp, pos: t, neg: f };
}

/**
 * The ROC curve of binary labels and scores: (false positive rate, true positive rate) at every
 * distinct score used as threshold, descending, starting at (0, 0) with threshold +∞. Returns
 * `null` when either class is absent. The trapezoid area under it equals {@link binaryRocAuc}.
 *
 * @example
 * ```ts
 * rocCurve([true, false], [0.8, 0.3]); // (0,0) → (0,1) → (1,1)
 * ```
 */
export function rocCurve(positive: ArrayLike<boolean>, scores: ArrayLike<number>): ThresholdPoint[] | null {
  const c = cumulativeCounts(positive, scores);
  if (c.pos === 0 || c.neg === 0) return null;
  return [{ threshold: Infinity, x: 0, y: 0 }, ...c.thresholds.map((threshold, i) => ({ threshold, x: c.fp[i] / c.neg, y: c.tp[i] / c.pos }))];
}

/**
 * The precision–recall curve of binary labels and scores: (recall, precision) at every distinct
 * score used as threshold, descending. Returns `null` without positives. Average precision is
 * Σ (R_i − R_{i−1}) · P_i over these points (scikit-learn's definition).
 *
 * @example
 * ```ts
 * precisionRecallCurve([true, false, true], [0.9, 0.6, 0.4]); // (0.5, 1) → (0.5, 0.5) → (1, 0.667)
 * ```
 */
export function precisionRecallCurve(positive: ArrayLike<boolean>, scores: ArrayLike<number>): ThresholdPoint[] | null {
  const c = cumulativeCounts(positive, scores);
  if (c.pos === 0) return null;
  return c.thresholds.map((threshold, i) => ({ threshold, x: c.tp[i] / c.pos, y: c.tp[i] / (c.tp[i] + c.fp[i]) }));
}

/**
 * Average precision of a precision–recall curve: Σ (R_i − R_{i−1}) · P_i, with R_0 = 0.
 *
 * @example
 * ```ts
 * averagePrecision(precisionRecallCurve([true, false, true], [0.9, 0.6, 0.4])!); // 0.5·1 + 0.5·0.667 = 0.833
 * ```
 */
export function averagePrecision(curve: readonly ThresholdPoint[]): number {
  let prev = 0;
  let ap = 0;
  for (const p of curve) {
    ap += (p.x - prev) * p.y;
    prev = p.x;
  }
  return ap;
}
