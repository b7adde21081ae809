/**
 * Permutation importance with intervals, LIME weights, and partial dependence with ICE curves.
 *
 * @module
 */
import type { LimeExplanation, PdpExplanation, PermutationExplanation } from '../../explain/model/explanation.ts';
import { asSpec, bandPerPosition, chartFrame, meanHalfWidth } from './common.ts';
import type { VegaLiteSpec } from './render.ts';

/**
 * Permutation importance: the mean drop in accuracy when a column is shuffled, largest on top,
 * with the 95% Student-t interval of the mean over the repeats (from the population std the
 * explanation reports, converted to the sample std) and ±1 std as a thinner rule.
 *
 * @example
 * ```ts
 * const e = await explain({ model: 'runs/penguins', data: 'builtin:penguins', method: 'permutation' });
 * if (e.kind === 'permutation') await writeChart(permutationChart(e), 'importance.png');
 * ```
 */
export function permutationChart(e: Pick<PermutationExplanation, 'features' | 'mean' | 'std' | 'repeats' | 'baseline' | 'metric'>, opts: { top?: number } = {}): VegaLiteSpec {
  const n = e.repeats;
  const values = e.features
    .map((feature, j) => {
      const sample = n > 1 ? e.std[j] * Math.sqrt(n / (n - 1)) : 0;
      const h = meanHalfWidth(sample, n);
      return { feature, drop: e.mean[j], low: e.mean[j] - h, high: e.mean[j] + h, sdLow: e.mean[j] - e.std[j], sdHigh: e.mean[j] + e.std[j] };
    })
    .sort((a, b) => b.drop - a.drop)
    .slice(0, opts.top ?? 20);
  const y = { field: 'feature', type: 'nominal', sort: null, title: null };
  return asSpec({
    ...chartFrame({ text: 'Permutation importance', subtitle: `drop in ${e.metric} (baseline ${e.baseline.toFixed(3)}) when a column is shuffled; ${n} repeats, bar: 95% CI of the mean` }, 380, Math.max(60, 24 * values.length)),
    data: { values },
    layer: [
      { mark: { type: 'bar', opacity: 0.35, color: '#4c78a8' }, encoding: { y, x: { field: 'drop', type: 'quantitative', title: `Drop in ${e.metric}` } } },
      { mark: { type: 'rule', color: '#aaa' }, encoding: { y, x: { field: 'sdLow', type: 'quantitative' }, x2: { field: 'sdHigh' } } },
      { mark: { type: 'rule', strokeWidth: 3, color: '#1f3b5c' }, encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
      { mark: { type: 'point', filled: true, color: 'black' }, encoding: { y, x: { field: 'drop', type: 'quantitative' }, tooltip: [{ field: 'feature' }, { field: 'drop', format: '.4f' }, { field: 'low', format: '.4f' }, { field: 'high', format: '.4f' }] } },
    ],
  });
}

/**
 * Partial dependence (thick line) with individual conditional expectation curves (thin grey
 * lines, at most `maxIce` of them, evenly chosen) of one class's output on one feature.
 *
 * @example
 * ```ts
 * const e = await explain({ model: 'runs/penguins', data: 'builtin:penguins', method: 'pdp', feature: 'flipper_length_mm' });
 * if (e.kind === 'pdp') await writeChart(pdpChart(e), 'pdp.png');
 * ```
 */
export function pdpChart(e: Pick<PdpExplanation, 'feature' | 'class' | 'grid' | 'average' | 'individual' | 'link'>, opts: { maxIce?: number } = {}): VegaLiteSpec {
  const max = opts.maxIce ?? 60;
  const step = Math.max(1, Math.ceil(e.individual.length / max));
  const ice = e.individual.filter((_, i) => i % step === 0).flatMap((curve, i) => curve.map((y, g) => ({ x: e.grid[g], y, id: i })));
  const pd = e.grid.map((x, g) => ({ x, y: e.average[g] }));
  const what = e.link === 'logit' ? `log-odds of ${e.class}` : `P(${e.class})`;
  const x = { field: 'x', type: 'quantitative', title: e.feature, scale: { zero: false } };
  return asSpec({
    ...chartFrame({ text: `Partial dependence on ${e.feature}`, subtitle: `thick: average (PD); thin: ${Math.ceil(e.individual.length / step)} of ${e.individual.length} rows (ICE)` }),
    layer: [
      { data: { values: ice }, mark: { type: 'line', color: '#9aa', opacity: 0.35, strokeWidth: 1 }, encoding: { x, y: { field: 'y', type: 'quantitative', title: what }, detail: { field: 'id' } } },
      { data: { values: pd }, mark: { type: 'line', color: '#e45756', strokeWidth: 3, point: { color: '#e45756' } }, encoding: { x, y: { field: 'y', type: 'quantitative' } } },
    ],
  });
}

/**
 * LIME weights of one row's local surrogate, largest |weight| on top, coloured by sign.
 *
 * @example
 * ```ts
 * if (e.kind === 'lime') await writeChart(limeChart(e, 0), 'lime.png');
 * ```
 */
export function limeChart(e: Pick<LimeExplanation, 'features' | 'rows'>, rowIndex = 0, opts: { top?: number } = {}): VegaLiteSpec {
  const r = e.rows[rowIndex];
  if (!r) throw new RangeError(`rowIndex ${rowIndex} is outside the ${e.rows.length} explained rows`);
  const names = r.features ?? e.features;
  const values = r.weights
    .map((w, j) => ({ feature: names[j], weight: w, sign: w >= 0 ? 'supports' : 'opposes' }))
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, opts.top ?? 12);
  // one bar per feature position: a token repeated in a text keeps its own bar
  const { keyed, y } = bandPerPosition(values, 'feature');
  return asSpec({
    ...chartFrame({ text: `LIME: row ${r.row}, class ${r.class}`, subtitle: `local surrogate R² ${r.r2.toFixed(3)}` }, 380, Math.max(60, 22 * values.length)),
    data: { values: keyed },
    mark: 'bar',
    encoding: {
      y: { ...y, title: null },
      x: { field: 'weight', type: 'quantitative', title: 'Surrogate weight' },
      color: { field: 'sign', type: 'nominal', title: null, scale: { domain: ['supports', 'opposes'], range: ['#ff0d57', '#1e88e5'] } },
      tooltip: [{ field: 'feature' }, { field: 'weight', format: '.4f' }],
    },
  });
}
