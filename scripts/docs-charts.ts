/**
 * Draws the README's charts from real runs on built-in data, and records the numbers behind them:
 *
 *   npm run docs:charts      # writes docs/*.png and results/charts/docs-charts.json (a few minutes)
 *
 * - learning curve: fashion-cnn → MNIST, extract / finetune / scratch at 1, 5, 20 examples per class, 3 seeds,
 *   on 500 test digits (no monitored validation runs)
 * - loss per epoch and confusion / ROC / precision–recall / reliability of a finetune run (20 per class)
 * - Grad-CAM over an MNIST digit
 * - SHAP beeswarm and waterfall (class Gentoo), permutation importance, PD/ICE, counterfactuals: an MLP on penguins
 * - shift: spam 2002 → 2003 on two principal components; per-column drift of HMDA applicants single vs not
 * - transferability ranking of three zoo models on MNIST; group metrics of an HMDA model by afam
 *
 * Options (environment): OUT (default docs), RESULTS (default results/charts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { diagnoseShift } from '../src/adapt/diagnose.ts';
import { auditModel } from '../src/audit/audit-model.ts';
import { learningCurve } from '../src/choose/curve.ts';
import { rankSources } from '../src/choose/rank.ts';
import { subset, type Dataset } from '../src/data/dataset.ts';
import { loadDataset } from '../src/data/load.ts';
import { samplePerClass } from '../src/data/split.ts';
import { initEngine } from '../src/engine/backend.ts';
import { explain } from '../src/explain/model/explain.ts';
import { evaluateModel } from '../src/models/evaluate.ts';
import {
  confusionChart,
  counterfactualChart,
  fairnessChart,
  imageOverlays,
  learningCurveChart,
  lossCurveChart,
  pdpChart,
  permutationChart,
  precisionRecallChart,
  rankingChart,
  reliabilityChart,
  rocChart,
  shapBeeswarmChart,
  shapWaterfallChart,
  shiftCharts,
  writeChart,
  type EpochLoss,
} from '../src/report/charts/index.ts';
import { fit } from '../src/transfer/fit.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/util/atomic.ts';

const out = process.env.OUT ?? 'docs';
const resultsDir = process.env.RESULTS ?? 'results/charts';
mkdirSync(out, { recursive: true });
await initEngine({ backend: 'wasm' });
const t0 = performance.now();
const numbers: Record<string, unknown> = {};
const written: string[] = [];
const save = async (spec: Parameters<typeof writeChart>[0], name: string) => written.push(await writeChart(spec, join(out, name)));
const log = (s: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${s}\n`);

// --- images: learning curve, a finetune run, its evaluation, Grad-CAM
const mnist = await loadDataset('builtin:mnist');
const test = { ...samplePerClass(mnist, 50, 'test').sample, name: 'mnist-test-500' };
const curve = await learningCurve({
  base: 'fashion-cnn',
  train: 'builtin:mnist',
  test,
  sizes: [1, 5, 20],
  seeds: 3,
  valPerClass: 0,
  threads: 1,
  measureShift: false,
  cutAt: 'default',
  onRun: (e) => e.accuracy !== undefined && log(`  curve: ${e.size} per class, ${e.strategy} seed ${e.seed}: ${e.accuracy.toFixed(3)}`),
});
await save(learningCurveChart(curve), 'learning-curve.png');
numbers.learningCurve = curve.points.map((p) => ({ examples: p.examples, accuracy: Object.fromEntries(p.results.map((r) => [r.strategy, r.accuracy])), verdict: p.verdict?.text }));
log('learning curve');

const pool = samplePerClass(mnist, 30, 'pool').sample;
const train = { ...pool, name: 'mnist-300' };
const epochs: EpochLoss[] = [];
const run = await fit({ base: 'fashion-cnn', strategy: 'finetune', train, valFraction: 0.2, seed: 1 }, { onEpoch: (r) => epochs.push(r) });
try {
  await save(lossCurveChart(epochs, { title: 'Loss per epoch: fashion-cnn finetuned on 240 MNIST digits' }), 'loss-curve.png');
  const m = await evaluateModel({ model: run.model, data: test, curves: true });
  await save(confusionChart(m, { title: 'Confusion matrix: finetuned fashion-cnn on 500 MNIST test digits' }), 'confusion.png');
  await save(rocChart(m.curves!), 'roc.png');
  await save(precisionRecallChart(m.curves!), 'precision-recall.png');
  await save(reliabilityChart(m.curves!.reliability, { ece: m.ece }), 'reliability.png');
  numbers.evaluation = { accuracy: m.accuracy, macroF1: m.macroF1, rocAuc: m.rocAuc, ece: m.ece, topK: m.topK, n: m.n, epochs: epochs.length };
  log('finetune run and its evaluation');

  const cam = await explain({ model: run.model, data: test, method: 'gradcam', rows: [3] });
  if (cam.kind !== 'image') throw new Error('expected an image explanation');
  const [png] = await imageOverlays(cam, { model: run.model, data: test });
  await writeFileAtomic(join(out, 'gradcam-overlay.png'), png);
  written.push(join(out, 'gradcam-overlay.png'));
  numbers.gradcam = { row: 3, class: cam.rows[0].class, probability: cam.rows[0].probability };
  log('grad-cam');
} finally {
  run.model.dispose();
}

// --- tables: penguins explanations
const penguins = await loadDataset('builtin:penguins');
const mlp = await fit({ strategy: 'scratch', arch: 'mlp', train: penguins, seed: 1 });
try {
  const rows = Array.from({ length: 60 }, (_, i) => i * 5);
  const shap = await explain({ model: mlp.model, data: penguins, method: 'shap', rows, className: 'Gentoo', seed: 1 });
  if (shap.kind !== 'shapley') throw new Error('expected Shapley values');
  await save(shapBeeswarmChart(shap), 'shap-beeswarm.png');
  await save(shapWaterfallChart(shap, 0), 'shap-waterfall.png');
  const perm = await explain({ model: mlp.model, data: penguins, method: 'permutation', seed: 1 });
  if (perm.kind !== 'permutation') throw new Error('expected permutation importance');
  await save(permutationChart(perm), 'permutation-importance.png');
  const pdp = await explain({ model: mlp.model, data: penguins, method: 'pdp', feature: 'Flipper Length (mm)', className: 'Gentoo' });
  if (pdp.kind !== 'pdp') throw new Error('expected partial dependence');
  await save(pdpChart(pdp), 'pdp-ice.png');
  const cf = await explain({ model: mlp.model, data: penguins, method: 'counterfactual', rows: [0], className: 'Gentoo', immutable: ['Island', 'Sex'], seed: 1 });
  if (cf.kind !== 'counterfactual') throw new Error('expected counterfactuals');
  await save(counterfactualChart(cf.rows[0]), 'counterfactual.png');
  numbers.penguins = {
    shapRows: shap.rows.length,
    permutation: Object.fromEntries(perm.features.map((f, j) => [f, { mean: perm.mean[j], std: perm.std[j] }])),
    counterfactuals: cf.rows[0].counterfactuals.length,
  };
  log('penguins explanations');
} finally {
  mlp.model.dispose();
}

// --- shift, ranking, fairness
const spam = await diagnoseShift({ source: 'builtin:spam-2002', target: 'builtin:spam-2003', projection: true, seed: 1 });
await save(shiftCharts(spam).projection!, 'shift-projection.png');
const hmda = await loadDataset('builtin:hmda');
const single = byColumn(hmda, 'single');
// the split column itself is left out: it drifts by construction
const drift = await diagnoseShift({ source: withoutColumn(subset(hmda, single.no), 'single', 'hmda single=no'), target: withoutColumn(subset(hmda, single.yes), 'single', 'hmda single=yes'), seed: 1 });
await save(shiftCharts(drift).drift!, 'shift-drift.png');
numbers.shift = { spam: { verdict: spam.verdict, pad: spam.pad.pad }, hmdaSingle: { verdict: drift.verdict, drifted: drift.drift?.filter((f) => f.pValue < drift.alpha).map((f) => f.name) } };
log('shift');

const ranking = await rankSources({ candidates: ['fashion-cnn', 'digits04-cnn', 'fashion-mlp'], train: 'builtin:mnist', perClass: 20, seed: 1 });
await save(rankingChart(ranking), 'ranking.png');
numbers.ranking = ranking.ranking.map((c) => ({ candidate: c.candidate, rank: c.rank, scores: c.scores }));
log('ranking');

const credit = await fit({ strategy: 'scratch', arch: 'logistic', train: hmda, seed: 1 });
try {
  const audit = await auditModel({ model: credit.model, data: hmda, sensitive: ['afam'], positive: 'yes', outcome: 'adverse', bootstrap: 200, seed: 1 });
  await save(fairnessChart(audit), 'fairness.png');
  numbers.fairness = audit.groups.map((g) => ({ group: g.name, count: g.count, selectionRate: g.values.selection_rate, interval: g.selectionRateInterval }));
} finally {
  credit.model.dispose();
}
log('fairness');

mkdirSync(resultsDir, { recursive: true });
await writeJsonAtomic(join(resultsDir, 'docs-charts.json'), { seconds: (performance.now() - t0) / 1000, charts: written, ...numbers });
process.stdout.write(`${written.length} charts in ${out}/ in ${((performance.now() - t0) / 1000).toFixed(0)} s; numbers in ${join(resultsDir, 'docs-charts.json')}\n`);

/** The dataset without one column, renamed. */
function withoutColumn(ds: Dataset, column: string, name: string): Dataset {
  if (ds.features.kind !== 'tabular') throw new Error('tabular data expected');
  return { ...ds, name, features: { ...ds.features, columns: ds.features.columns.filter((c) => c.name !== column) } };
}

/** Row indices of each value of a categorical column. */
function byColumn(ds: Dataset, name: string): Record<string, number[]> {
  if (ds.features.kind !== 'tabular') throw new Error('tabular data expected');
  const col = ds.features.columns.find((c) => c.name === name);
  if (!col || col.type !== 'categorical') throw new Error(`no categorical column ${name}`);
  const out: Record<string, number[]> = {};
  col.values.forEach((v, i) => (out[String(v)] ??= []).push(i));
  return out;
}
