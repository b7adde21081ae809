import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditReport } from '../../src/audit/report.ts';
import type { ShapleyExplanation } from '../../src/explain/model/explanation.ts';
import { evaluationCurves } from '../../src/measures/evaluation-curves.ts';
import { averagePrecision, reliabilityBins } from '../../src/measures/metrics.ts';
import { compareChart, fairnessChart, limeChart, lossCurveChart, precisionRecallChart, rankingChart, reliabilityChart, renderChart, rocChart, shapBeeswarmChart, shapWaterfallChart, type VegaLiteSpec } from '../../src/report/charts/index.ts';

type Layer = { mark: { type: string; interpolate?: string }; data?: { values: Array<Record<string, number | string>> }; encoding: Record<string, { field?: string; scale?: { zero?: boolean } }> };
const layers = (spec: VegaLiteSpec) => (spec as unknown as { layer: Layer[] }).layer;
const marks = (svg: string, kind: string) => svg.split(`aria-roledescription="${kind}"`).length - 1 + svg.split(`aria-roledescription="${kind} mark"`).length - 1;

/** Renders a spec to SVG, failing on any warning Vega-Lite or Vega logs. */
async function quietSvg(spec: VegaLiteSpec): Promise<string> {
  const warned: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warned.push(args);
  try {
    const svg = await renderChart(spec, 'svg');
    assert.deepEqual(warned, [], 'no warnings');
    return svg;
  } finally {
    console.warn = warn;
  }
}

const curves = evaluationCurves([0, 1, 1, 0, 1], [0.9, 0.1, 0.3, 0.7, 0.4, 0.6, 0.8, 0.2, 0.5, 0.5], ['no', 'yes']);

test('ROC: straight segments in threshold order (the trapezoidal AUC), not steps', () => {
  const line = layers(rocChart(curves))[1];
  assert.equal(line.mark.interpolate, 'linear');
  assert.equal(line.encoding.order.field, 'i');
  assert.deepEqual(line.data!.values.map((v) => v.i), curves.perClass[0].roc.map((_, i) => i));
});

test('PR: from (0, 1), each step at the precision of its right end, so the drawn area is the AP', () => {
  const spec = precisionRecallChart(curves) as unknown as Layer;
  assert.equal(spec.mark.interpolate, 'step-before');
  const pts = spec.data!.values as Array<{ recall: number; precision: number; i: number }>;
  assert.deepEqual([pts[0].recall, pts[0].precision], [0, 1]);
  // step-before: the segment (r_{i-1}, r_i] is drawn at p_i → area Σ (r_i − r_{i−1}) · p_i
  let area = 0;
  for (let i = 1; i < pts.length; i++) area += (pts[i].recall - pts[i - 1].recall) * pts[i].precision;
  assert.ok(Math.abs(area - averagePrecision(curves.perClass[0].pr)) < 1e-12);
});

test('reliability: red dots at (mean confidence, accuracy), explained in the subtitle', async () => {
  const spec = reliabilityChart(reliabilityBins([0, 1, 1], [0.9, 0.1, 0.7, 0.3, 0.2, 0.8], 2, 5));
  const dots = layers(spec).find((l) => l.mark.type === 'point')!;
  assert.equal(dots.encoding.x.field, 'confidence');
  assert.equal(dots.encoding.y.field, 'accuracy');
  assert.ok((await quietSvg(spec)).includes('red dots'));
});

test('beeswarm: 3,000 rows × 60 features do not overflow the stack; ranks are right', () => {
  const n = 3000;
  const d = 60;
  const features = Array.from({ length: d }, (_, j) => `f${j}`);
  const rows = Array.from({ length: n }, (_, i) => ({ row: i, class: 'y', baseValue: 0, output: 0, values: features.map((_, j) => Math.sin(i * 7 + j) * (j + 1)), featureValues: features.map(() => i) }));
  const spec = shapBeeswarmChart({ features, rows, link: 'identity', method: 'kernel-shap' } as Pick<ShapleyExplanation, 'features' | 'rows' | 'link' | 'method'>);
  const values = (spec as unknown as { data: { values: Array<{ row: number; level: number; feature: string }> } }).data.values;
  assert.equal(values.length, n * 15);
  for (const v of values.filter((_, k) => k % 997 === 0)) assert.ok(Math.abs(v.level - v.row / (n - 1)) < 1e-12, `row ${v.row}`);
});

test('waterfall and LIME: a repeated token keeps its own bar, labelled with the token; no Vega-Lite warning', async () => {
  const tokens = ['good', 'bad', 'good'];
  const water = shapWaterfallChart({ features: [], link: 'logit', rows: [{ row: 0, class: 'pos', baseValue: 0, values: [0.5, -0.2, 0.3], output: 0.6, features: tokens }] });
  const svg = await quietSvg(water);
  assert.equal(marks(svg, 'rect') + marks(svg, 'bar'), 3);
  assert.equal(svg.split('>good<').length - 1, 2, 'both "good" bars labelled');
  const lime = await quietSvg(limeChart({ features: [], rows: [{ row: 0, class: 'pos', weights: [0.5, -0.2, 0.3], intercept: 0, r2: 0.9, localPrediction: 0.6, output: 0.6, features: tokens }] }));
  assert.equal(marks(lime, 'rect') + marks(lime, 'bar'), 3);
  assert.equal(lime.split('>good<').length - 1, 2);
});

test('ranking: negative scores as dots on an axis without 0 (the best is not the shortest bar)', () => {
  const r = { metric: 'logme', target: 't', ranking: [{ candidate: 'a', rank: 1, scores: { logme: -0.5 } }, { candidate: 'b', rank: 2, scores: { logme: -2 } }] };
  const [dots] = (rankingChart(r as never) as unknown as { spec: { layer: Layer[] } }).spec.layer;
  assert.equal(dots.mark.type, 'point');
  assert.equal(dots.encoding.x.scale!.zero, false);
});

test('compare: the mean is a tick, not a bar, so the accuracy axis need not start at 0', () => {
  const spec = compareChart([{ strategy: 'scratch', accuracy: 0.91, std: 0.01, perSeed: [0.9, 0.91, 0.92] }]);
  const types = layers(spec).map((l) => l.mark.type);
  assert.ok(!types.includes('bar'));
  assert.deepEqual(types, ['tick', 'rule', 'point']);
  assert.ok(layers(spec).every((l) => l.encoding.y.scale?.zero === false));
});

test('loss curve without validation losses: no "validation" in the legend or subtitle', async () => {
  const svg = await quietSvg(lossCurveChart([{ phase: 'head', epoch: 1, loss: 1 }, { phase: 'head', epoch: 2, loss: 0.5 }]));
  assert.ok(svg.includes('training'));
  assert.ok(!svg.includes('validation'));
});

test('fairness without bootstrap intervals: the subtitle does not promise them', () => {
  const group = (name: string, sr: number) => ({ name, count: 10, values: { selection_rate: sr }, privileged: false });
  const report = { groups: [group('a', 0.1), group('b', 0.3)], overall: { selection_rate: 0.2 }, definitions: {}, sensitive: ['g'], positive: 'yes' } as unknown as AuditReport;
  const title = (fairnessChart(report) as unknown as { title: { subtitle: string } }).title.subtitle;
  assert.ok(!title.includes('bootstrap'), title);
});
