/**
 * Shift charts: source against target on two principal components, and per-feature drift.
 *
 * @module
 */
import type { ShiftDiagnosis } from '../../adapt/diagnose.ts';
import type { ShiftProjection } from '../../adapt/projection.ts';
import type { FeatureDrift } from '../../measures/feature-drift.ts';
import { asSpec, chartFrame } from './common.ts';
import type { VegaLiteSpec } from './render.ts';

/**
 * Scatter of source and target rows on the pooled view's first two principal components
 * (`diagnoseShift({ projection: true })`): two clouds that do not overlap are a covariate shift.
 * The axes span the 1st to 99th percentile of each component (padded), so a few outliers do not
 * squeeze the clouds; points beyond are clipped.
 *
 * @example
 * ```ts
 * const d = await diagnoseShift({ source: 'builtin:spam-2002', target: 'builtin:spam-2003', projection: true });
 * const spec = shiftProjectionChart(d.projection!, { source: d.source.name, target: d.target.name });
 * ```
 */
export function shiftProjectionChart(p: ShiftProjection, names: { source?: string; target?: string; verdict?: string } = {}): VegaLiteSpec {
  const s = `source${names.source ? ` (${names.source})` : ''}`;
  const t = `target${names.target ? ` (${names.target})` : ''}`;
  const values = [...p.source.map(([pc1, pc2]) => ({ domain: s, pc1, pc2 })), ...p.target.map(([pc1, pc2]) => ({ domain: t, pc1, pc2 }))];
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const pc1 = robustDomain(values.map((v) => v.pc1));
  const pc2 = robustDomain(values.map((v) => v.pc2));
  const clipped = values.some((v) => v.pc1 < pc1[0] || v.pc1 > pc1[1] || v.pc2 < pc2[0] || v.pc2 > pc2[1]);
  return asSpec({
    ...chartFrame({ text: 'Source vs target (PCA of both)', subtitle: `${names.verdict ? `${names.verdict}; ` : ''}${p.source.length} + ${p.target.length} rows${clipped ? '; axes span the 1st–99th percentiles' : ''}` }, 380, 320),
    data: { values },
    mark: { type: 'point', filled: true, size: 18, opacity: 0.45, clip: true },
    encoding: {
      x: { field: 'pc1', type: 'quantitative', title: `PC1 (${pct(p.explained[0])} of variance)`, scale: { domain: pc1, nice: false } },
      y: { field: 'pc2', type: 'quantitative', title: `PC2 (${pct(p.explained[1])} of variance)`, scale: { domain: pc2, nice: false } },
      color: { field: 'domain', type: 'nominal', title: 'Data', scale: { domain: [s, t], range: ['#4c78a8', '#e45756'] } },
      shape: { field: 'domain', type: 'nominal', scale: { domain: [s, t], range: ['circle', 'triangle-up'] } },
    },
  });
}

/**
 * Per-feature drift: −log10 p of each column's test (KS for numbers, χ² for categories), most
 * shifted first (at most `top` columns), with the significance line at `alpha`; the bar colour
 * says whether the column drifts at `alpha`.
 *
 * @example
 * ```ts
 * const spec = driftChart(featureDrift(train.features.columns, live.features.columns), { alpha: 0.05 });
 * ```
 */
export function driftChart(drift: readonly FeatureDrift[], opts: { alpha?: number; top?: number } = {}): VegaLiteSpec {
  const alpha = opts.alpha ?? 0.05;
  const floor = 1e-300;
  const rows = drift.filter((f) => Number.isFinite(f.pValue)).slice(0, opts.top ?? 25);
  const values = rows.map((f) => ({
    feature: f.name,
    test: f.test === 'ks' ? `KS D = ${f.statistic.toFixed(3)}` : `χ² = ${f.statistic.toFixed(1)}`,
    logp: -Math.log10(Math.max(floor, f.pValue)),
    pValue: f.pValue,
    drifts: f.pValue < alpha ? `drifts (p < ${alpha})` : 'no evidence',
  }));
  return asSpec({
    ...chartFrame({ text: 'Per-feature drift', subtitle: `−log10 p of KS (numeric) or χ² (categorical); rule at p = ${alpha}` }, 380, Math.max(60, 18 * values.length)),
    layer: [
      {
        data: { values },
        mark: 'bar',
        encoding: {
          y: { field: 'feature', type: 'nominal', sort: null, title: null },
          x: { field: 'logp', type: 'quantitative', title: '−log10 p-value' },
          color: { field: 'drifts', type: 'nominal', title: null, scale: { domain: [`drifts (p < ${alpha})`, 'no evidence'], range: ['#e45756', '#9ecae9'] } },
          tooltip: [{ field: 'feature' }, { field: 'test' }, { field: 'pValue', format: '.3g' }],
        },
      },
      { data: { values: [{ v: -Math.log10(alpha) }] }, mark: { type: 'rule', color: '#333', strokeDash: [4, 3] }, encoding: { x: { field: 'v', type: 'quantitative' } } },
    ],
  });
}

/**
 * The charts of a shift diagnosis, by name: `projection` (with `projection: true`) and `drift`
 * (tabular data).
 *
 * @example
 * ```ts
 * const charts = shiftCharts(await diagnoseShift({ source: 'a.csv', target: 'b.csv', label: 'y', projection: true }));
 * ```
 */
export function shiftCharts(d: Pick<ShiftDiagnosis, 'projection' | 'drift' | 'source' | 'target' | 'verdict' | 'alpha'>): Record<string, VegaLiteSpec> {
  const out: Record<string, VegaLiteSpec> = {};
  if (d.projection) out.projection = shiftProjectionChart(d.projection, { source: d.source.name, target: d.target.name, verdict: d.verdict });
  if (d.drift?.some((f) => Number.isFinite(f.pValue))) out.drift = driftChart(d.drift, { alpha: d.alpha });
  return out;
}

/** The 1st–99th percentile range of the values, padded by 5% on each side. */
function robustDomain(values: number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return [0, 1];
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
  const lo = at(0.01);
  const hi = at(0.99);
  const pad = (hi - lo) * 0.05 || 1;
  return [lo - pad, hi + pad];
}
