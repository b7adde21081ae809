import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  chartFormatOf,
  combineCharts,
  compareChart,
  compileChart,
  confusionChart,
  counterfactualChart,
  driftChart,
  evaluationCharts,
  explanationCharts,
  fairnessChart,
  imageOverlayPng,
  learningCurveChart,
  limeChart,
  lossCurveChart,
  meanShapChart,
  pdpChart,
  permutationChart,
  precisionRecallChart,
  rankingChart,
  reliabilityChart,
  renderChart,
  rocChart,
  shapBeeswarmChart,
  shapWaterfallChart,
  shiftProjectionChart,
  writeChart,
  writeCharts,
  writeChartDir,
  type VegaLiteSpec,
} from '../../src/report/charts/index.ts';
import { evaluationCurves } from '../../src/measures/evaluation-curves.ts';
import { classificationMetrics, reliabilityBins } from '../../src/measures/metrics.ts';
import type { CurveResult } from '../../src/choose/curve.ts';
import type { AuditReport } from '../../src/audit/report.ts';
import type { ShapleyExplanation } from '../../src/explain/model/explanation.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-charts-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

/** Marks of one kind drawn in an SVG (each item has aria-roledescription "<kind>" or "<kind> mark"; legends have none). */
const marks = (svg: string, kind: string) => svg.split(`aria-roledescription="${kind}"`).length - 1 + svg.split(`aria-roledescription="${kind} mark"`).length - 1;
/** Every data value of the compiled Vega spec. */
const datasets = async (spec: VegaLiteSpec) => JSON.stringify(((await compileChart(spec)) as { data?: unknown[] }).data ?? []);

async function svgOf(spec: VegaLiteSpec, ...texts: string[]): Promise<string> {
  const svg = await renderChart(spec, 'svg');
  assert.match(svg, /^<svg /);
  for (const t of texts) assert.ok(svg.includes(t), `SVG shows "${t}"`);
  return svg;
}

const curve = {
  base: 'fashion-cnn',
  target: 'builtin:mnist',
  seeds: [1, 2, 3],
  points: [10, 100].map((examples, i) => ({
    examples,
    results: [
      { strategy: 'scratch', accuracy: 0.3 + 0.3 * i, std: 0.04, perSeed: [0.26, 0.3, 0.34] },
      { strategy: 'finetune', accuracy: 0.55 + 0.3 * i, std: 0.02, perSeed: [0.53, 0.55, 0.57] },
    ],
  })),
} as unknown as CurveResult;

test('learning curve: a line point per strategy and size, the 95% band, axis titles, accuracies in %', async () => {
  const spec = learningCurveChart(curve);
  const svg = await svgOf(spec, 'Learning curve: builtin:mnist', 'Labelled training examples (log scale)', 'Test accuracy (%)', 'finetune', 'scratch');
  assert.equal(marks(svg, 'line'), 2);
  assert.equal(marks(svg, 'area'), 2);
  assert.equal(marks(svg, 'point'), 4);
  const data = await datasets(spec);
  assert.ok(data.includes('"accuracy":85'), 'finetune at 100 examples is 85%');
  // 95% t interval over 3 seeds of std 0.04: ±4.303·0.04/√3 = ±0.0994 → low 20.06%
  assert.match(data, /"low":20\.06/);
});

test('compare: bars, interval rules and one dot per seed', async () => {
  const svg = await svgOf(compareChart([{ strategy: 'scratch', accuracy: 0.5, accuracyStd: 0.05, perSeed: [0.45, 0.5, 0.55] }, { strategy: 'finetune', accuracy: 0.7, std: 0.02, perSeed: [0.68, 0.7, 0.72] }], { perClass: 10 }), 'Strategies compared', 'Test accuracy (%)');
  assert.equal(marks(svg, 'tick'), 2); // the means
  assert.equal(marks(svg, 'rule'), 2);
  assert.equal(marks(svg, 'point'), 6);
});

test('loss per epoch: training and validation lines per phase, a rule and a label where a phase starts', async () => {
  const history = [
    { phase: 'head', epoch: 1, loss: 1.5, valLoss: 1.6 },
    { phase: 'head', epoch: 2, loss: 1.0, valLoss: 1.2 },
    { phase: 'finetune', epoch: 1, loss: 0.5, valLoss: 0.9 },
    { phase: 'finetune', epoch: 2, loss: 0.25 },
  ];
  const spec = lossCurveChart(history);
  const svg = await svgOf(spec, 'Loss per epoch', 'Epoch (all phases in order)', 'Loss (cross-entropy)', 'training', 'validation', '>finetune<', '>head<');
  assert.equal(marks(svg, 'line'), 4); // 2 series × 2 phases
  assert.equal(marks(svg, 'rule'), 1);
  assert.ok((await datasets(spec)).includes('"loss":0.25'));
});

const labels = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
const probs = Float64Array.from([0.8, 0.1, 0.1, 0.6, 0.3, 0.1, 0.3, 0.6, 0.1, 0.1, 0.8, 0.1, 0.2, 0.7, 0.1, 0.4, 0.4, 0.2, 0.1, 0.1, 0.8, 0.2, 0.2, 0.6, 0.1, 0.6, 0.3, 0.05, 0.05, 0.9]);
const classes = ['a', 'b', 'c'];

test('evaluation: confusion heatmap with counts, ROC/PR per class, reliability bins', async () => {
  const m = { ...classificationMetrics(labels, probs, classes), curves: evaluationCurves(labels, probs, classes), ece: 0.1 };
  const charts = evaluationCharts(m);
  assert.deepEqual(Object.keys(charts), ['confusion', 'roc', 'pr', 'reliability']);
  const conf = await svgOf(charts.confusion, 'Confusion matrix', 'Predicted class', 'True class');
  assert.equal(marks(conf, 'rect'), 9);
  const counts = [...conf.matchAll(/aria-roledescription="text mark"[^>]*>(\d+)</g)].map((x) => Number(x[1]));
  assert.deepEqual(counts, m.confusionMatrix.flat());
  const roc = await svgOf(charts.roc, 'ROC curve', 'False positive rate', 'True positive rate', `a (AUC ${m.curves.perClass[0].auc.toFixed(3)})`);
  assert.equal(marks(roc, 'line'), 4); // 3 classes + the chance diagonal
  await svgOf(charts.pr, 'Precision–recall curve', 'Recall', 'Precision', 'AP ');
  const rel = await svgOf(charts.reliability, 'Reliability diagram', 'ECE 0.100', 'Confidence (top-class probability)');
  assert.equal(marks(rel, 'rect'), reliabilityBins(labels, probs, 3).filter((b) => b.count > 0).length);
  // a binary evaluation: one curve, for the positive class
  const two = evaluationCurves([0, 1, 1, 0], [0.9, 0.1, 0.3, 0.7, 0.4, 0.6, 0.8, 0.2], ['no', 'yes']);
  assert.deepEqual(two.perClass.map((c) => c.class), ['yes']);
  assert.equal(marks(await svgOf(rocChart(two), 'positive class: yes'), 'line'), 2);
  assert.equal(marks(await svgOf(precisionRecallChart(two)), 'line'), 1);
  assert.equal(marks(await svgOf(reliabilityChart(reliabilityBins([0, 1], [0.9, 0.1, 0.2, 0.8], 2, 10))), 'rect'), 2);
});

test('shift: two clouds on principal components; drift bars with the significance rule', async () => {
  const p = { source: [[0, 0], [1, 0.5], [0.5, 1]] as Array<[number, number]>, target: [[3, 3], [4, 3.5]] as Array<[number, number]>, explained: [0.6, 0.25] as [number, number] };
  const svg = await svgOf(shiftProjectionChart(p, { source: 'a.csv', target: 'b.csv', verdict: 'covariate shift' }), 'PC1 (60.0% of variance)', 'PC2 (25.0% of variance)', 'source (a.csv)', 'target (b.csv)', 'covariate shift');
  assert.equal(marks(svg, 'point'), 5);
  const drift = [
    { name: 'income', type: 'numeric' as const, test: 'ks' as const, statistic: 0.4, pValue: 1e-6, nSource: 100, nTarget: 100, missingSource: 0, missingTarget: 0 },
    { name: 'city', type: 'categorical' as const, test: 'chi2' as const, statistic: 2.1, pValue: 0.3, df: 2, nSource: 100, nTarget: 100, missingSource: 0, missingTarget: 0 },
    { name: 'empty', type: 'numeric' as const, test: 'ks' as const, statistic: NaN, pValue: NaN, nSource: 0, nTarget: 5, missingSource: 1, missingTarget: 0 },
  ];
  const d = await svgOf(driftChart(drift), 'Per-feature drift', 'income', 'city', '−log10 p-value', 'drifts (p &lt; 0.05)');
  assert.equal(marks(d, 'rect') + marks(d, 'bar'), 2);
  assert.equal(marks(d, 'rule'), 1);
  assert.ok(!d.includes('>empty<'));
});

test('ranking: one panel per score, candidates in rank order, failed candidates left out', async () => {
  const scores = (logme: number, leep: number) => ({ logme, leep });
  const r = {
    metric: 'logme',
    target: 'builtin:mnist',
    ranking: [
      { candidate: 'fashion-cnn', rank: 1, scores: scores(1.2, -0.9), dims: 64, sourceClasses: 10, seconds: 1 },
      { candidate: 'digits04-cnn', rank: 2, scores: scores(0.8, -1.4), dims: 64, sourceClasses: 5, seconds: 1 },
      { candidate: 'broken', rank: 0, scores: scores(NaN, NaN), dims: 0, sourceClasses: 0, seconds: 0, error: 'no such model' },
    ],
  };
  const svg = await svgOf(rankingChart(r), 'Transferability to builtin:mnist', 'logme (ranked by)', 'leep', 'fashion-cnn', 'digits04-cnn');
  assert.equal(marks(svg, 'point'), 4); // a dot per candidate and score
  assert.ok(!svg.includes('broken'));
});

test('fairness: a dot per group and metric, the selection-rate interval, overall lines', async () => {
  const group = (name: string, sr: number, acc: number, privileged: boolean) => ({ group: name, name: `afam=${name}`, key: { afam: name }, count: 100, values: { selection_rate: sr, accuracy: acc, tpr: 0.5, fpr: 0.1, precision: 0.7 }, selectionRateInterval: [sr - 0.05, sr + 0.05] as [number, number], privileged });
  const report = { groups: [group('no', 0.1, 0.9, true), group('yes', 0.3, 0.8, false)], overall: { selection_rate: 0.2, accuracy: 0.85, tpr: 0.5, fpr: 0.1, precision: 0.7 }, definitions: {}, sensitive: ['afam'], positive: 'yes' } as unknown as AuditReport;
  const svg = await svgOf(fairnessChart(report), 'Group metrics by afam', 'selection rate', 'true positive rate', 'afam=no (n=100)', 'afam=yes (n=100)');
  assert.equal(marks(svg, 'point'), 10); // 2 groups × 5 metrics
  assert.equal(marks(svg, 'rule'), 2 + 5); // two intervals, five overall lines
});

const shap: ShapleyExplanation = {
  kind: 'shapley',
  scope: 'local',
  method: 'exact-shap',
  model: 'm',
  classes: ['x', 'y'],
  explained: 3,
  seconds: 0.1,
  link: 'identity',
  features: ['age', 'income', 'city'],
  background: { source: 'train', rows: 10 },
  warnings: [],
  rows: [
    { row: 0, class: 'y', baseValue: 0.5, values: [0.2, -0.1, 0.05], output: 0.65, featureValues: [30, 1000, 'Oslo'] },
    { row: 1, class: 'y', baseValue: 0.5, values: [-0.3, 0.1, 0.0], output: 0.3, featureValues: [60, 2000, 'Rome'] },
    { row: 2, class: 'y', baseValue: 0.5, values: [0.1, 0.02, -0.01], output: 0.61, featureValues: [40, 1500, 'Oslo'] },
  ],
};

test('SHAP: beeswarm (a dot per row and feature, most important on top), waterfall from E[f] to f(x)', async () => {
  const bee = shapBeeswarmChart(shap);
  const svg = await svgOf(bee, 'SHAP summary (beeswarm)', 'SHAP value (impact on the probability)', 'age', 'income', 'city', 'Feature value');
  assert.equal(marks(svg, 'circle'), 9);
  assert.ok(svg.indexOf('>age<') < svg.indexOf('>city<'), 'age (largest mean |SHAP|) is listed first');
  const water = await svgOf(shapWaterfallChart(shap, 0), 'SHAP waterfall: row 0, class y', 'E[f] = 0.5 → f(x) = 0.65', 'age = 30', 'income = 1000', 'city = Oslo', '+0.2', '-0.1');
  assert.equal(marks(water, 'rect') + marks(water, 'bar'), 3);
  assert.equal(marks(water, 'rule'), 2);
  const few = await svgOf(shapWaterfallChart(shap, 0, { top: 1 }), '2 other features');
  assert.equal(marks(few, 'rect') + marks(few, 'bar'), 2);
  const charts = explanationCharts(shap);
  assert.deepEqual(Object.keys(charts), ['beeswarm', 'waterfall-0', 'waterfall-1', 'waterfall-2']);
  await svgOf(meanShapChart({ features: ['a', 'b'], meanAbs: [0.1, 0.3], link: 'logit', rows: 20 }), 'mean |SHAP value|', 'over 20 rows, log-odds scale');
});

test('permutation importance with intervals, PD/ICE, LIME and counterfactual tables', async () => {
  const perm = permutationChart({ features: ['a', 'b'], mean: [0.1, 0.3], std: [0.02, 0.05], repeats: 10, baseline: 0.9, metric: 'accuracy' });
  const p = await svgOf(perm, 'Permutation importance', 'Drop in accuracy', 'baseline 0.900', '10 repeats');
  assert.equal(marks(p, 'rule'), 4);
  // 95% t interval of the mean from ddof-0 std: 0.05·√(10/9)·2.262/√10 = 0.0377
  assert.match(await datasets(perm), /"high":0\.3377/);
  const pd = await svgOf(pdpChart({ feature: 'age', class: 'y', grid: [20, 40, 60], average: [0.2, 0.5, 0.7], individual: [[0.1, 0.4, 0.6], [0.3, 0.6, 0.8]], link: 'identity' }), 'Partial dependence on age', 'P(y)', 'ICE');
  assert.equal(marks(pd, 'line'), 3);
  await svgOf(limeChart({ features: ['a', 'b'], rows: [{ row: 4, class: 'y', weights: [0.3, -0.2], intercept: 0, r2: 0.91, localPrediction: 0.6, output: 0.62 }] }, 0), 'LIME: row 4, class y', 'R² 0.910', 'supports', 'opposes');
  const cf = counterfactualChart({
    row: 7,
    desired: 'approved',
    predicted: 'denied',
    query: { row: [30, 'Oslo', 1000], probability: 0.2 },
    counterfactuals: [
      { row: [30, 'Oslo', 2000], changes: [{ feature: 'income', from: 1000, to: 2000 }], probability: 0.7, distance: 1 },
      { row: [45, 'Oslo', 1500], changes: [{ feature: 'age', from: 30, to: 45 }, { feature: 'income', from: 1000, to: 1500 }], probability: 0.6, distance: 2 },
    ],
  });
  const c = await svgOf(cf, "What would change row 7's prediction", 'predicted denied, desired approved', 'P(approved)', '>query<', '>#1<', '>#2<', '>2000<', '>0.700<');
  assert.equal(marks(c, 'rect'), 3 * 3); // income, age, P(approved) × query, #1, #2
});

test('PNG has the PNG signature and the scaled size; writeChart picks the format by extension and refuses others', async () => {
  const spec = confusionChart({ confusionMatrix: [[3, 1], [0, 4]], classes: ['a', 'b'] });
  const png = await renderChart(spec, 'png', { scale: 2 });
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const meta1 = await sharp(await renderChart(spec, 'png', { scale: 1 })).metadata();
  const meta2 = await sharp(png).metadata();
  assert.ok(meta1.width! > 220 && meta1.width! < 600, `width ${meta1.width}`);
  assert.ok(Math.abs(meta2.width! - 2 * meta1.width!) <= 2 && Math.abs(meta2.height! - 2 * meta1.height!) <= 2);
  const svgPath = await writeChart(spec, join(root, 'c.SVG'));
  assert.match(await readFile(svgPath, 'utf8'), /^<svg /);
  assert.equal(chartFormatOf('x.png'), 'png');
  assert.throws(() => chartFormatOf('x.pdf'), (e: { code?: string; message: string }) => e.code === 'BAD_PLOT_PATH' && /\.pdf/.test(e.message));
  await assert.rejects(writeChart(spec, join(root, 'c.jpg')), (e: { code?: string }) => e.code === 'BAD_PLOT_PATH');
  await assert.rejects(renderChart({ mark: 'nope' } as unknown as VegaLiteSpec, 'svg'), (e: { code?: string }) => e.code === 'BAD_INPUT');
  // several charts: one file side by side, or one file each
  const both = { a: spec, b: lossCurveChart([{ phase: 'train', epoch: 1, loss: 1 }, { phase: 'train', epoch: 2, loss: 0.5 }]) };
  const one = await svgOf(combineCharts(Object.values(both)), 'Confusion matrix', 'Loss per epoch');
  assert.equal(marks(one, 'rect'), 4);
  await writeCharts(both, join(root, 'both.png'));
  assert.equal((await sharp(join(root, 'both.png')).metadata()).format, 'png');
  assert.deepEqual(await writeChartDir(both, join(root, 'dir')), [join(root, 'dir', 'a.png'), join(root, 'dir', 'b.png')]);
});

test('image overlay: the map over the image with a colour bar; red where it supports the class', async () => {
  const h = 8;
  const w = 8;
  const img = new Float32Array(h * w).fill(0.5);
  const att = Array.from({ length: h * w }, (_, p) => (p % w < w / 2 ? 1 : -1));
  const png = await imageOverlayPng(img, [h, w, 1], att, { title: 'ig: class 3', size: 160, scale: 1 });
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.ok(info.width > 160 && info.height > 160);
  const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
  const [lr, , lb] = at(4 + 40, 30 + 80); // left half: supports → red
  const [rr, , rb] = at(4 + 120, 30 + 80); // right half: opposes → blue
  assert.ok(lr > lb + 60, `left pixel red: ${at(44, 110)}`);
  assert.ok(rb > rr + 40, `right pixel blue: ${at(124, 110)}`);
  await assert.rejects(imageOverlayPng(img, [h, w, 1], att.slice(1)), (e: { code?: string }) => e.code === 'SHAPE_MISMATCH');
});
