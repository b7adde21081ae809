/**
 * The deletion / insertion curves of the explanation-quality check (Petsiuk et al. 2018) as a
 * Vega-Lite spec, in the style of the builders in `../charts`.
 *
 * @module
 */
import { asSpec, chartFrame } from '../charts/common.ts';
import type { VegaLiteSpec } from '../charts/render.ts';
import type { QualityRow } from './explanations.ts';

/**
 * The predicted probability of each explained row's class as its most important features are
 * deleted (set to the training mean) or inserted (into the mean), one line per row and curve.
 *
 * @example
 * ```ts
 * const spec = deletionInsertionChart(explanations.quality);
 * ```
 */
export function deletionInsertionChart(rows: readonly QualityRow[]): VegaLiteSpec {
  const values = rows.flatMap((r) =>
    r.fractions.flatMap((f, i) => [
      { row: `row ${r.row} (${r.class})`, curve: 'deletion', fraction: f, probability: r.deletion[i] },
      { row: `row ${r.row} (${r.class})`, curve: 'insertion', fraction: f, probability: r.insertion[i] },
    ]),
  );
  return asSpec({
    ...chartFrame({ text: 'Deletion and insertion curves', subtitle: 'solid: deleting the most important features first (falls fast if faithful); dashed: inserting them' }, 380, 240),
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'fraction', type: 'quantitative', title: 'Fraction of features deleted / inserted', scale: { domain: [0, 1] } },
      y: { field: 'probability', type: 'quantitative', title: 'Probability of the explained class', scale: { domain: [0, 1] } },
      color: { field: 'row', type: 'nominal', title: 'Row' },
      strokeDash: { field: 'curve', type: 'nominal', title: 'Curve', scale: { domain: ['deletion', 'insertion'], range: [[1, 0], [5, 3]] } },
      detail: { field: 'curve' },
    },
  });
}
