/**
 * Shapley charts: the beeswarm summary over rows, one row's waterfall, and mean |SHAP| bars.
 *
 * @module
 */
import type { MeanShapExplanation, ShapleyExplanation, ShapleyRow } from '../../explain/model/explanation.ts';
import { asSpec, bandPerPosition, chartFrame, shortNumber } from './common.ts';
import type { VegaLiteSpec } from './render.ts';

const outputName = (link: string) => (link === 'logit' ? 'log-odds' : 'probability');

/** Which class the rows' values explain: one class, or each row's own. */
const explained = (rows: readonly ShapleyRow[]) => {
  const classes = new Set(rows.map((r) => r.class));
  return classes.size === 1 ? `class ${[...classes][0]}` : `each row's class (${[...classes].join(', ')})`;
};

/**
 * Beeswarm summary of Shapley values over the explained rows (tabular models): one line per
 * feature, most important (mean |value|) on top, each row a dot at its Shapley value, coloured by
 * the feature's value (its rank within the rows: blue low, red high; grey when not a number).
 * Dots that would overlap are stacked in a swarm.
 *
 * @example
 * ```ts
 * const e = await explain({ model: 'runs/penguins', data: 'builtin:penguins', method: 'shap', rows: 'all' });
 * if (e.kind === 'shapley') await writeChart(shapBeeswarmChart(e), 'beeswarm.png');
 * ```
 */
export function shapBeeswarmChart(e: Pick<ShapleyExplanation, 'features' | 'rows' | 'link' | 'method'>, opts: { top?: number } = {}): VegaLiteSpec {
  const f = e.features.length;
  const meanAbs = e.features.map((_, j) => e.rows.reduce((s, r) => s + Math.abs(r.values[j] ?? 0), 0) / Math.max(1, e.rows.length));
  const order = e.features.map((_, j) => j).sort((a, b) => meanAbs[b] - meanAbs[a]).slice(0, opts.top ?? 15);
  // loops, not Math.min(...all): spreading rows × features arguments overflows the stack
  let lo = 0;
  let hi = 0;
  for (const r of e.rows) {
    for (const v of r.values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const bin = (hi - lo) / 80 || 1;
  const values: Array<Record<string, unknown>> = [];
  for (const j of order) {
    const numeric = e.rows.map((r) => r.featureValues?.[j]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
    const rank = (v: unknown) => {
      if (typeof v !== 'number' || numeric.length < 2) return null;
      // binary search: the number of values strictly below v
      let below = 0;
      let above = numeric.length;
      while (below < above) {
        const mid = (below + above) >> 1;
        if (numeric[mid] < v) below = mid + 1;
        else above = mid;
      }
      return below / (numeric.length - 1);
    };
    const perBin = new Map<number, number>();
    for (const r of e.rows) {
      const v = r.values[j];
      const b = Math.round((v - lo) / bin);
      const k = perBin.get(b) ?? 0;
      perBin.set(b, k + 1);
      const offset = (k % 2 === 0 ? 1 : -1) * Math.ceil(k / 2);
      values.push({ feature: e.features[j], shap: v, offset, level: rank(r.featureValues?.[j]), value: r.featureValues?.[j] ?? null, row: r.row });
    }
  }
  // per feature: dots a fixed step apart, squeezed only where the stack would leave the feature's band
  const spread = new Map<unknown, number>();
  for (const v of values) spread.set(v.feature, Math.max(spread.get(v.feature) ?? 1, Math.abs(v.offset as number)));
  values.forEach((v) => (v.offset = (v.offset as number) * Math.min(0.05, 0.42 / spread.get(v.feature)!)));
  return asSpec({
    ...chartFrame({ text: 'SHAP summary (beeswarm)', subtitle: `${e.method}; ${e.rows.length} rows; ${explained(e.rows)}; ${outputName(e.link)} scale` }, 420, Math.max(80, 30 * order.length)),
    data: { values },
    layer: [
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#999' }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
      {
        mark: { type: 'circle', size: 22, opacity: 0.85, invalid: null },
        encoding: {
          y: { field: 'feature', type: 'nominal', sort: order.map((j) => e.features[j]), title: null },
          yOffset: { field: 'offset', type: 'quantitative', scale: { domain: [-0.5, 0.5] } },
          x: { field: 'shap', type: 'quantitative', title: `SHAP value (impact on the ${outputName(e.link)})` },
          color: { condition: { test: 'datum.level == null', value: '#aaaaaa' }, field: 'level', type: 'quantitative', title: 'Feature value', scale: { range: ['#1e88e5', '#ff0d57'], domain: [0, 1] }, legend: { labelExpr: "datum.value == 0 ? 'low' : datum.value == 1 ? 'high' : ''", values: [0, 1], gradientLength: 120 } },
          tooltip: [{ field: 'feature' }, { field: 'value' }, { field: 'shap', format: '.4f' }, { field: 'row' }],
        },
      },
    ],
  });
}

/**
 * Waterfall of one row's Shapley values: from the base value E[f] through each feature's
 * contribution (largest first; the rest folded into one bar) to the output f(x). Red pushes the
 * output up, blue down; each bar is labelled `feature = value`.
 *
 * @example
 * ```ts
 * if (e.kind === 'shapley') await writeChart(shapWaterfallChart(e, 0), 'waterfall.png');
 * ```
 */
export function shapWaterfallChart(e: Pick<ShapleyExplanation, 'features' | 'rows' | 'link'>, rowIndex = 0, opts: { top?: number } = {}): VegaLiteSpec {
  const r: ShapleyRow | undefined = e.rows[rowIndex];
  if (!r) throw new RangeError(`rowIndex ${rowIndex} is outside the ${e.rows.length} explained rows`);
  const names = r.features ?? e.features;
  const top = opts.top ?? 10;
  const order = r.values.map((_, j) => j).sort((a, b) => Math.abs(r.values[b]) - Math.abs(r.values[a]));
  const shown = order.slice(0, top);
  const rest = order.slice(top);
  const steps = shown.map((j) => {
    const fv = r.featureValues?.[j];
    return { label: fv === undefined || r.features ? names[j] : `${names[j]} = ${typeof fv === 'number' ? shortNumber(fv) : fv}`, value: r.values[j] };
  });
  if (rest.length) steps.push({ label: `${rest.length} other feature${rest.length === 1 ? '' : 's'}`, value: rest.reduce((s, j) => s + r.values[j], 0) });
  let at = r.baseValue;
  const values = steps.map((s) => {
    const start = at;
    at += s.value;
    return { label: s.label, start, end: at, value: s.value, sign: s.value >= 0 ? 'raises' : 'lowers', text: `${s.value >= 0 ? '+' : ''}${shortNumber(s.value, 3)}` };
  });
  // one band per step (a repeated text token keeps its own bar), labelled with the step's text
  const { keyed, y } = bandPerPosition(values);
  const x = { type: 'quantitative', title: `Model output (${outputName(e.link)})`, scale: { zero: false } };
  return asSpec({
    ...chartFrame({ text: `SHAP waterfall: row ${r.row}, class ${r.class}`, subtitle: `E[f] = ${shortNumber(r.baseValue)} → f(x) = ${shortNumber(r.output)}` }, 420, Math.max(80, 24 * values.length)),
    layer: [
      {
        data: { values: keyed },
        mark: { type: 'bar' },
        encoding: {
          y: { ...y, scale: { paddingInner: 0.3 }, title: null, axis: { ...y.axis, labelLimit: 400 } },
          x: { ...x, field: 'start' },
          x2: { field: 'end' },
          color: { field: 'sign', type: 'nominal', title: null, scale: { domain: ['raises', 'lowers'], range: ['#ff0d57', '#1e88e5'] } },
          tooltip: [{ field: 'label' }, { field: 'value', format: '.4f' }],
        },
      },
      { data: { values: keyed.filter((v) => v.value >= 0) }, mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { y, x: { field: 'end', type: 'quantitative' }, text: { field: 'text' } } },
      { data: { values: keyed.filter((v) => v.value < 0) }, mark: { type: 'text', align: 'right', dx: -4, fontSize: 10 }, encoding: { y, x: { field: 'end', type: 'quantitative' }, text: { field: 'text' } } },
      {
        data: { values: [{ v: r.baseValue, what: 'E[f]' }, { v: r.output, what: 'f(x)' }] },
        mark: { type: 'rule', strokeDash: [4, 3] },
        encoding: { x: { field: 'v', type: 'quantitative' }, color: { value: '#555' } },
      },
    ],
  });
}

/**
 * Global importance as bars: mean |Shapley value| per feature, largest on top.
 *
 * @example
 * ```ts
 * if (e.kind === 'mean-shap') await writeChart(meanShapChart(e), 'importance.png');
 * ```
 */
export function meanShapChart(e: Pick<MeanShapExplanation, 'features' | 'meanAbs' | 'link' | 'rows'>, opts: { top?: number } = {}): VegaLiteSpec {
  const values = e.features.map((feature, j) => ({ feature, importance: e.meanAbs[j] })).sort((a, b) => b.importance - a.importance).slice(0, opts.top ?? 20);
  return asSpec({
    ...chartFrame({ text: 'Feature importance (mean |SHAP|)', subtitle: `over ${e.rows} rows, ${outputName(e.link)} scale` }, 380, Math.max(60, 22 * values.length)),
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'feature', type: 'nominal', sort: null, title: null },
      x: { field: 'importance', type: 'quantitative', title: 'mean |SHAP value|' },
      tooltip: [{ field: 'feature' }, { field: 'importance', format: '.4f' }],
    },
  });
}
