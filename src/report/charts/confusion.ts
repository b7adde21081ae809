/**
 * The confusion matrix as a heatmap.
 *
 * @module
 */
import { asSpec, chartFrame } from './common.ts';
import type { VegaLiteSpec } from './render.ts';

/**
 * Confusion matrix heatmap: rows the true class, columns the predicted class; the colour is the
 * share of the true class (row-normalised, so small classes show too), each cell printed with
 * its count.
 *
 * @example
 * ```ts
 * const m = classificationMetrics(labels, probs, classes);
 * const spec = confusionChart(m); // m.confusionMatrix, m.classes
 * ```
 */
export function confusionChart(m: { confusionMatrix: readonly (readonly number[])[]; classes: readonly string[] }, opts: { title?: string } = {}): VegaLiteSpec {
  const values = m.confusionMatrix.flatMap((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, p) => ({ true: m.classes[t], predicted: m.classes[p], count, share: total ? count / total : 0 }));
  });
  const side = Math.min(520, Math.max(220, 34 * m.classes.length));
  const order = [...m.classes];
  return asSpec({
    ...chartFrame({ text: opts.title ?? 'Confusion matrix', subtitle: 'colour: share of the true class; numbers: counts' }, side, side),
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: order, title: 'Predicted class', axis: { labelAngle: m.classes.length > 6 && Math.max(...m.classes.map((c) => c.length)) > 3 ? -45 : 0, orient: 'bottom' } },
      y: { field: 'true', type: 'nominal', sort: order, title: 'True class' },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'share', type: 'quantitative', title: 'Share of row', scale: { range: ['#ffffff', '#08519c'], domain: [0, 1], interpolate: 'rgb' } }, tooltip: [{ field: 'true' }, { field: 'predicted' }, { field: 'count' }, { field: 'share', format: '.1%' }] } },
      {
        mark: { type: 'text', fontSize: m.classes.length > 12 ? 8 : 11 },
        encoding: { text: { field: 'count', type: 'quantitative' }, color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' } },
      },
    ],
  });
}
