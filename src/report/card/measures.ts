/**
 * A card's metrics and per-class table from the scores a run recorded, each with its 95%
 * interval and the method that gave it.
 *
 * @module
 */
import { bootstrapConfusion, macroF1FromConfusion, wilsonInterval } from './intervals.ts';
import type { RecordedScores } from './run-files.ts';
import type { ClassCount, Measure, PerClassRow } from './types.ts';

/** Resamples of the macro-F1 bootstrap. */
export const BOOTSTRAP_RESAMPLES = 1000;

const NEEDS_PROBABILITIES = 'none: an interval needs the per-example probabilities, which the run does not store';

/**
 * Accuracy (Wilson interval), macro F1 (bootstrap over the confusion matrix), ROC AUC and log
 * loss (no interval: the run keeps no per-example probabilities) of recorded scores.
 *
 * @example
 * ```ts
 * const [accuracy] = scoreMeasures(metrics.val);
 * accuracy.interval; // 'Wilson score 95%, 128 of 150 correct'
 * ```
 */
export function scoreMeasures(s: RecordedScores): Measure[] {
  const correct = s.confusionMatrix.reduce((t, row, i) => t + row[i], 0);
  const acc = wilsonInterval(correct, s.n);
  const f1 = bootstrapConfusion(s.confusionMatrix, macroF1FromConfusion, { resamples: BOOTSTRAP_RESAMPLES, seed: 0 });
  return [
    { name: 'accuracy', value: s.accuracy, low: acc.low, high: acc.high, interval: `Wilson score 95%, ${correct} of ${s.n} correct` },
    {
      name: 'macro F1',
      value: s.macroF1,
      low: f1.low,
      high: f1.high,
      interval:
        `percentile bootstrap 95%, ${BOOTSTRAP_RESAMPLES} resamples of the ${s.n} (true, predicted) pairs of the confusion matrix, seed 0` +
        (f1.low === f1.high ? '; degenerate: every resample gives the same value, so it understates the uncertainty (read the accuracy’s Wilson interval)' : ''),
    },
    { name: 'ROC AUC', value: typeof s.rocAuc === 'number' ? s.rocAuc : null, low: null, high: null, interval: typeof s.rocAuc === 'number' ? NEEDS_PROBABILITIES : 'none: fewer than two classes occur, so ROC AUC is undefined' },
    { name: 'log loss', value: s.logLoss, low: null, high: null, interval: NEEDS_PROBABILITIES },
  ];
}

/**
 * Precision, recall (with a Wilson interval), F1 and support of each class, from the
 * confusion matrix (`cm[true][predicted]`).
 *
 * @example
 * ```ts
 * perClassRows([[5, 0], [1, 4]], ['a', 'b'])[1]; // { class: 'b', precision: 1, recall: 0.8, … support: 5 }
 * ```
 */
export function perClassRows(cm: number[][], classes: string[]): PerClassRow[] {
  return cm.map((row, c) => {
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = cm.reduce((t, r) => t + r[c], 0);
    const tp = row[c];
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    const iv = support ? wilsonInterval(tp, support) : undefined;
    return { class: classes[c] ?? `class ${c}`, precision, recall, recallLow: iv?.low ?? null, recallHigh: iv?.high ?? null, f1, support };
  });
}

/**
 * Class counts and shares from per-class counts.
 *
 * @example
 * ```ts
 * classBalance([50, 50], ['a', 'b']); // [{ class: 'a', count: 50, share: 0.5 }, …]
 * ```
 */
export function classBalance(counts: number[], classes: string[]): ClassCount[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((count, c) => ({ class: classes[c] ?? `class ${c}`, count, share: total ? count / total : 0 }));
}

/**
 * The true-class counts of a confusion matrix (its row sums).
 *
 * @example
 * ```ts
 * trueCounts([[5, 0], [1, 4]]); // [5, 5]
 * ```
 */
export function trueCounts(cm: number[][]): number[] {
  return cm.map((row) => row.reduce((a, b) => a + b, 0));
}
