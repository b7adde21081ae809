/**
 * Every chart of an explanation, by kind.
 *
 * @module
 */
import type { Explanation } from '../../explain/model/explanation.ts';
import { counterfactualChart } from './counterfactual.ts';
import { limeChart, pdpChart, permutationChart } from './importance.ts';
import { meanShapChart, shapBeeswarmChart, shapWaterfallChart } from './shap.ts';
import type { VegaLiteSpec } from './render.ts';

/**
 * The charts of an `explain` result, by name: Shapley → `beeswarm` (tabular, two rows or more)
 * and `waterfall-<row>` per row; mean-shap → `importance`; permutation → `permutation`;
 * pdp → `pdp`; LIME → `lime-<row>`; counterfactual → `counterfactual-<row>`. Image explanations
 * have no spec here: their overlays need the images (see `imageOverlays`).
 *
 * @example
 * ```ts
 * const charts = explanationCharts(await explain({ model: 'runs/penguins', data: 'builtin:penguins', method: 'shap', rows: [0, 1, 2] }));
 * Object.keys(charts); // ['beeswarm', 'waterfall-0', 'waterfall-1', 'waterfall-2']
 * ```
 */
export function explanationCharts(e: Explanation, opts: { maxRows?: number } = {}): Record<string, VegaLiteSpec> {
  const out: Record<string, VegaLiteSpec> = {};
  const maxRows = opts.maxRows ?? 10;
  switch (e.kind) {
    case 'shapley':
      if (e.rows.length >= 2 && !e.rows.some((r) => r.features)) out.beeswarm = shapBeeswarmChart(e);
      e.rows.slice(0, maxRows).forEach((r, i) => (out[`waterfall-${r.row}`] = shapWaterfallChart(e, i)));
      break;
    case 'mean-shap':
      out.importance = meanShapChart(e);
      break;
    case 'permutation':
      out.permutation = permutationChart(e);
      break;
    case 'pdp':
      out.pdp = pdpChart(e);
      break;
    case 'lime':
      e.rows.slice(0, maxRows).forEach((r, i) => (out[`lime-${r.row}`] = limeChart(e, i)));
      break;
    case 'counterfactual':
      e.rows.slice(0, maxRows).forEach((r) => (out[`counterfactual-${r.row}`] = counterfactualChart(r)));
      break;
    case 'image':
      break;
  }
  return out;
}
