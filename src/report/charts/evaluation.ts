/**
 * Every chart of an evaluation: confusion matrix, ROC, precision–recall, reliability.
 *
 * @module
 */
import type { EvaluationCurves } from '../../measures/evaluation-curves.ts';
import { confusionChart } from './confusion.ts';
import { precisionRecallChart, reliabilityChart, rocChart } from './roc.ts';
import type { VegaLiteSpec } from './render.ts';

/**
 * The charts of `evaluateModel`'s result, by name: `confusion` always; `roc`, `pr` and
 * `reliability` when it was run with `curves: true` (ROC and PR need a class with positives and
 * negatives).
 *
 * @example
 * ```ts
 * const charts = evaluationCharts(await evaluateModel({ model: 'runs/iris', data: 'builtin:iris', curves: true }));
 * await writeChart(charts.reliability!, 'reliability.png');
 * ```
 */
export function evaluationCharts(m: { confusionMatrix: number[][]; classes: string[]; ece?: number; curves?: EvaluationCurves; model?: string; data?: string }): Record<string, VegaLiteSpec> {
  const title = m.model && m.data ? `Confusion matrix: ${m.model} on ${m.data}` : undefined;
  const out: Record<string, VegaLiteSpec> = { confusion: confusionChart(m, { title }) };
  if (m.curves) {
    if (m.curves.perClass.length) {
      out.roc = rocChart(m.curves);
      out.pr = precisionRecallChart(m.curves);
    }
    out.reliability = reliabilityChart(m.curves.reliability, { ece: m.ece });
  }
  return out;
}
