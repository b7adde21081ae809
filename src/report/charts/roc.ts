/**
 * ROC, precision–recall and reliability (calibration) charts, from {@link EvaluationCurves}.
 *
 * @module
 */
import type { EvaluationCurves } from '../../measures/evaluation-curves.ts';
import type { ReliabilityBin } from '../../measures/metrics.ts';
import { asSpec, chartFrame } from './common.ts';
import type { VegaLiteSpec } from './render.ts';

const unit = { domain: [0, 1] };

/**
 * ROC curves, one per class (one-vs-rest; the positive class for two classes), with each
 * class's AUC in the legend and the chance diagonal.
 *
 * @example
 * ```ts
 * const spec = rocChart(evaluationCurves(labels, probs, classes));
 * ```
 */
export function rocChart(curves: Pick<EvaluationCurves, 'perClass'>): VegaLiteSpec {
  const values = curves.perClass.flatMap((c) => c.roc.map((p, i) => ({ curve: `${c.class} (AUC ${c.auc.toFixed(3)})`, fpr: p.x, tpr: p.y, i })));
  return asSpec({
    ...chartFrame({ text: 'ROC curve', subtitle: curves.perClass.length > 1 ? 'one-vs-rest per class' : `positive class: ${curves.perClass[0]?.class ?? '—'}` }, 300, 300),
    layer: [
      { data: { values: [{ a: 0, b: 0 }, { a: 1, b: 1 }] }, mark: { type: 'line', color: '#aaa', strokeDash: [4, 4] }, encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } } },
      {
        data: { values },
        // straight segments between the thresholds' points, as the trapezoidal AUC counts them
        mark: { type: 'line', interpolate: 'linear' },
        encoding: {
          x: { field: 'fpr', type: 'quantitative', title: 'False positive rate', scale: unit },
          y: { field: 'tpr', type: 'quantitative', title: 'True positive rate', scale: unit },
          color: { field: 'curve', type: 'nominal', title: 'Class' },
          order: { field: 'i' },
        },
      },
    ],
  });
}

/**
 * Precision–recall curves, one per class, with average precision in the legend.
 *
 * @example
 * ```ts
 * const spec = precisionRecallChart(evaluationCurves(labels, probs, classes));
 * ```
 */
export function precisionRecallChart(curves: Pick<EvaluationCurves, 'perClass'>): VegaLiteSpec {
  // from (recall 0, precision 1); each step takes the precision of its right end, as AP = Σ (R_i − R_{i−1}) · P_i does
  const values = curves.perClass.flatMap((c) => {
    const curve = `${c.class} (AP ${c.averagePrecision.toFixed(3)})`;
    return [{ curve, recall: 0, precision: 1, i: -1 }, ...c.pr.map((p, i) => ({ curve, recall: p.x, precision: p.y, i }))];
  });
  return asSpec({
    ...chartFrame({ text: 'Precision–recall curve', subtitle: curves.perClass.length > 1 ? 'one-vs-rest per class' : `positive class: ${curves.perClass[0]?.class ?? '—'}` }, 300, 300),
    data: { values },
    mark: { type: 'line', interpolate: 'step-before' },
    encoding: {
      x: { field: 'recall', type: 'quantitative', title: 'Recall', scale: unit },
      y: { field: 'precision', type: 'quantitative', title: 'Precision', scale: unit },
      color: { field: 'curve', type: 'nominal', title: 'Class' },
      order: { field: 'i' },
    },
  });
}

/**
 * Reliability diagram: per confidence bin, the accuracy of the top class (bars, at the bin's mean
 * confidence) against the diagonal of perfect calibration, each bar labelled with its number of
 * examples, a red dot at (mean confidence, accuracy) of each bin; the expected calibration error in
 * the subtitle.
 *
 * @example
 * ```ts
 * const spec = reliabilityChart(reliabilityBins(labels, probs, k), { ece: 0.031 });
 * ```
 */
export function reliabilityChart(bins: readonly ReliabilityBin[], opts: { ece?: number } = {}): VegaLiteSpec {
  const values = bins.filter((b) => b.count > 0).map((b) => ({ lower: b.lower, upper: b.upper, accuracy: b.accuracy, confidence: b.confidence, count: b.count, gap: b.confidence - b.accuracy }));
  const n = values.reduce((s, b) => s + b.count, 0);
  const ece = opts.ece ?? values.reduce((s, b) => s + (b.count / Math.max(1, n)) * Math.abs(b.gap), 0);
  return asSpec({
    ...chartFrame({ text: 'Reliability diagram', subtitle: `top-class confidence, ${bins.length} bins; red dots: each bin's mean confidence vs accuracy; ECE ${ece.toFixed(3)} (n = ${n})` }, 300, 300),
    layer: [
      {
        data: { values },
        mark: { type: 'rect', color: '#4c78a8', opacity: 0.8, stroke: 'white' },
        encoding: {
          x: { field: 'lower', type: 'quantitative', title: 'Confidence (top-class probability)', scale: unit },
          x2: { field: 'upper' },
          y: { field: 'accuracy', type: 'quantitative', title: 'Accuracy', scale: unit },
          y2: { datum: 0 },
          tooltip: [{ field: 'lower' }, { field: 'upper' }, { field: 'count' }, { field: 'confidence', format: '.3f' }, { field: 'accuracy', format: '.3f' }],
        },
      },
      {
        data: { values: values.map((b) => ({ ...b, middle: (b.lower + b.upper) / 2 })) },
        mark: { type: 'text', baseline: 'bottom', dy: -2, fontSize: 9, color: '#333' },
        encoding: { x: { field: 'middle', type: 'quantitative' }, y: { field: 'accuracy', type: 'quantitative' }, text: { field: 'count' } },
      },
      { data: { values }, mark: { type: 'point', filled: true, color: '#e45756', size: 30 }, encoding: { x: { field: 'confidence', type: 'quantitative' }, y: { field: 'accuracy', type: 'quantitative' } } },
      { data: { values: [{ a: 0, b: 0 }, { a: 1, b: 1 }] }, mark: { type: 'line', color: '#888', strokeDash: [4, 4] }, encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } } },
    ],
  });
}
