/**
 * The four scores of a bootstrap resample of stored predictions, computed from how many times
 * each prediction was drawn (its weight) instead of from a materialised copy: the ROC AUC walks
 * one score order per class sorted once, so a resample costs O(n·k) instead of k sorts. The
 * values equal `classificationMetrics` on the materialised resample (same ranks with ties
 * averaged, same classes counted), which keeps the card's 500-resample bootstrap quick on
 * 10,000 predictions.
 *
 * @module
 */
import { argmaxRow } from '../../measures/metrics.ts';
import { macroF1FromConfusion } from './intervals.ts';

/**
 * Per-prediction facts a resample's scores are summed from, computed once.
 *
 * @example
 * ```ts
 * const prepared = prepareResampling(labels, probs, 3);
 * ```
 */
export interface PreparedPredictions {
  n: number;
  k: number;
  labels: Int32Array;
  /** Predicted class (argmax) of each prediction. */
  predicted: Int32Array;
  /** Negative log-likelihood of each true class (probabilities clipped to [1e-15, 1]). */
  nll: Float64Array;
  /** Per class whose ROC AUC is taken: the predictions in ascending order of that class's probability, and where each run of ties ends. */
  orders: Array<{ c: number; order: Int32Array; tieEnd: Int32Array }>;
  probs: Float64Array;
}

/**
 * Sorts once what every resample needs.
 *
 * @example
 * ```ts
 * const prepared = prepareResampling(Int32Array.of(0, 1), Float64Array.of(0.8, 0.2, 0.3, 0.7), 2);
 * ```
 */
export function prepareResampling(labels: Int32Array, probs: Float64Array, k: number): PreparedPredictions {
  const n = labels.length;
  const predicted = new Int32Array(n);
  const nll = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    predicted[i] = argmaxRow(probs, i, k);
    nll[i] = -Math.log(Math.min(1, Math.max(1e-15, probs[i * k + labels[i]])));
  }
  const classes = k === 2 ? [1] : Array.from({ length: k }, (_, c) => c);
  const orders = classes.map((c) => {
    const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[a * k + c] - probs[b * k + c]);
    const tieEnd = new Int32Array(n);
    for (let i = n - 1; i >= 0; i--) tieEnd[i] = i + 1 < n && probs[order[i + 1] * k + c] === probs[order[i] * k + c] ? tieEnd[i + 1] : i;
    return { c, order, tieEnd };
  });
  return { n, k, labels, predicted, nll, orders, probs };
}

/**
 * Accuracy, macro F1, ROC AUC (binary, or the macro one-vs-rest mean over classes that occur
 * and do not fill the sample; null as `classificationMetrics` makes it) and log loss of the
 * resample that draws prediction `i` `weights[i]` times.
 *
 * @example
 * ```ts
 * const s = resampledScores(prepared, Int32Array.of(2, 0)); // prediction 0 twice, prediction 1 never
 * ```
 */
export function resampledScores(p: PreparedPredictions, weights: Int32Array): { accuracy: number; macroF1: number; rocAuc: number | null; logLoss: number } {
  const { n, k, labels, predicted, nll } = p;
  const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const classWeight = new Float64Array(k);
  let total = 0;
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!w) continue;
    total += w;
    cm[labels[i]][predicted[i]] += w;
    classWeight[labels[i]] += w;
    if (predicted[i] === labels[i]) correct += w;
    loss += w * nll[i];
  }
  const aucs: number[] = [];
  for (const { c, order, tieEnd } of p.orders) {
    const pos = classWeight[c];
    const neg = total - pos;
    if (pos === 0 || neg === 0) continue;
    let seen = 0;
    let rankSum = 0;
    for (let i = 0; i < n; ) {
      const end = tieEnd[i];
      let group = 0;
      let groupPos = 0;
      for (let t = i; t <= end; t++) {
        const j = order[t];
        group += weights[j];
        if (labels[j] === c) groupPos += weights[j];
      }
      rankSum += groupPos * (seen + (group + 1) / 2);
      seen += group;
      i = end + 1;
    }
    aucs.push((rankSum - (pos * (pos + 1)) / 2) / (pos * neg));
  }
  const rocAuc = k === 2 ? (aucs[0] ?? null) : aucs.length >= 2 ? aucs.reduce((a, b) => a + b, 0) / aucs.length : null;
  return { accuracy: correct / total, macroF1: macroF1FromConfusion(cm), rocAuc, logLoss: loss / total };
}
