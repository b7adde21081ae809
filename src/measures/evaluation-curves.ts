/**
 * The curves behind a classification report — ROC and precision–recall per class (one-vs-rest;
 * the positive class only for two classes) and the reliability diagram — for charts.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import {
  averagePrecision,
  binaryRocAuc,
  precisionRecallCurve,
  reliabilityBins,
  rocCurve,
  type ReliabilityBin,
  type ThresholdPoint,
} from './metrics.ts';

/**
 * One class's ROC and precision–recall curves (one-vs-rest).
 *
 * @example
 * ```ts
 * const c: ClassCurves = { class: 'spam', roc: [], auc: 0.97, pr: [], averagePrecision: 0.95, prevalence: 0.4 };
 * ```
 */
export interface ClassCurves {
  class: string;
  roc: ThresholdPoint[];
  /** Area under `roc` (Mann–Whitney). */
  auc: number;
  pr: ThresholdPoint[];
  averagePrecision: number;
  /** Share of positives: the precision of a random classifier (the PR baseline). */
  prevalence: number;
}

/**
 * What {@link evaluationCurves} returns.
 *
 * @example
 * ```ts
 * const c: EvaluationCurves = evaluationCurves(labels, probs, classes);
 * c.perClass[0].roc; c.reliability;
 * ```
 */
export interface EvaluationCurves {
  /** Classes with both positives and negatives among the labelled examples (two classes: the second only). */
  perClass: ClassCurves[];
  /** Top-class reliability diagram (see {@link reliabilityBins}). */
  reliability: ReliabilityBin[];
}

/**
 * ROC and PR curves of every class present (one-vs-rest on that class's probability; for two
 * classes only the second, the positive one) and the reliability bins. Curves are thinned to at
 * most `maxPoints` points each (every threshold kept when fewer), so a chart stays small.
 *
 * @example
 * ```ts
 * const c = evaluationCurves(Int32Array.from([0, 1]), Float32Array.from([0.8, 0.2, 0.3, 0.7]), ['no', 'yes']);
 * c.perClass[0].auc; // 1
 * ```
 */
export function evaluationCurves(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  classes: readonly string[],
  opts: { bins?: number; maxPoints?: number } = {},
): EvaluationCurves {
  const k = classes.length;
  if (probs.length !== labels.length * k) throw new TransferkitError('SHAPE_MISMATCH', `Expected ${labels.length}×${k} probabilities, got ${probs.length} values`, { where: 'evaluationCurves' });
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) rows.push(i);
  const maxPoints = opts.maxPoints ?? 200;
  const perClass: ClassCurves[] = [];
  for (let c = k === 2 ? 1 : 0; c < k; c++) {
    const pos = rows.map((i) => labels[i] === c);
    const scores = rows.map((i) => probs[i * k + c]);
    const roc = rocCurve(pos, scores);
    const pr = precisionRecallCurve(pos, scores);
    if (!roc || !pr) continue;
    perClass.push({
      class: classes[c],
      roc: thin(roc, maxPoints),
      auc: binaryRocAuc(pos, scores) as number,
      pr: thin(pr, maxPoints),
      averagePrecision: averagePrecision(pr),
      prevalence: pos.filter(Boolean).length / pos.length,
    });
  }
  return { perClass, reliability: reliabilityBins(labels, probs, k, opts.bins ?? 15) };
}

/** At most `max` points, evenly spaced by index, first and last kept. */
function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  for (let j = 0; j < max; j++) out.push(points[Math.round((j * (points.length - 1)) / (max - 1))]);
  return out;
}
