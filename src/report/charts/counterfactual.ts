/**
 * Counterfactuals of one row as a comparison table chart.
 *
 * @module
 */
import type { CounterfactualRow } from '../../explain/model/explanation.ts';
import { asSpec, chartFrame, shortNumber } from './common.ts';
import type { VegaLiteSpec } from './render.ts';

const show = (v: unknown) => (typeof v === 'number' ? shortNumber(v) : String(v));

/**
 * The query row against its counterfactuals: one line per feature that any counterfactual
 * changes, one column per counterfactual (the query first), the value in each cell — changed
 * cells highlighted — and a last line with the probability of the desired class.
 *
 * @example
 * ```ts
 * const e = await explain({ model: 'runs/credit', data: 'credit.csv', method: 'counterfactual', rows: [4] });
 * if (e.kind === 'counterfactual') await writeChart(counterfactualChart(e.rows[0]), 'what-if.png');
 * ```
 */
export function counterfactualChart(r: Pick<CounterfactualRow, 'row' | 'counterfactuals' | 'query' | 'desired' | 'predicted'>): VegaLiteSpec {
  const features: string[] = [];
  const from = new Map<string, unknown>();
  for (const cf of r.counterfactuals) for (const c of cf.changes) if (!from.has(c.feature)) {
    features.push(c.feature);
    from.set(c.feature, c.from);
  }
  const probLine = `P(${r.desired})`;
  const columns = ['query', ...r.counterfactuals.map((_, i) => `#${i + 1}`)];
  const values: Array<{ feature: string; column: string; text: string; status: string }> = [];
  for (const f of features) {
    values.push({ feature: f, column: 'query', text: show(from.get(f)), status: 'query' });
    r.counterfactuals.forEach((cf, i) => {
      const c = cf.changes.find((x) => x.feature === f);
      values.push({ feature: f, column: `#${i + 1}`, text: c ? show(c.to) : show(from.get(f)), status: c ? 'changed' : 'same' });
    });
  }
  values.push({ feature: probLine, column: 'query', text: r.query.probability.toFixed(3), status: 'query' });
  r.counterfactuals.forEach((cf, i) => values.push({ feature: probLine, column: `#${i + 1}`, text: cf.probability.toFixed(3), status: 'probability' }));
  const rowsOrder = [...features, probLine];
  const enc = {
    x: { field: 'column', type: 'nominal', sort: columns, title: null, axis: { orient: 'top', labelAngle: 0, domain: false, ticks: false } },
    y: { field: 'feature', type: 'nominal', sort: rowsOrder, title: null, axis: { domain: false, ticks: false } },
  };
  return asSpec({
    ...chartFrame({ text: `What would change row ${r.row}'s prediction`, subtitle: `predicted ${r.predicted}, desired ${r.desired}; highlighted: changed values${r.counterfactuals.length ? '' : ' — none found'}` }, Math.max(120, 90 * columns.length), Math.max(40, 26 * rowsOrder.length)),
    data: { values },
    encoding: enc,
    layer: [
      { mark: { type: 'rect', stroke: 'white', strokeWidth: 2 }, encoding: { color: { field: 'status', type: 'nominal', title: null, scale: { domain: ['query', 'same', 'changed', 'probability'], range: ['#e8e8e8', '#f6f6f6', '#ffd58a', '#cfe3f3'] }, legend: null } } },
      { mark: { type: 'text', fontSize: 11 }, encoding: { text: { field: 'text' } } },
    ],
    config: { view: { stroke: null }, axis: { grid: false } },
  });
}
