import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fit } from '../../src/transfer/fit.ts';
import { predictDataset, predictionsJsonl } from '../../src/models/predict.ts';
import { classificationMetrics } from '../../src/measures/metrics.ts';
import { buildModelCard } from '../../src/report/card/build.ts';
import { modelCardMarkdown } from '../../src/report/card/markdown.ts';
import { validateModelCard } from '../../src/report/card/schema.ts';
import { describeBase } from '../../src/report/card/sources.ts';
import { zooRoot } from '../../src/models/zoo.ts';
import { wilsonInterval } from '../../src/report/card/intervals.ts';
import { writeModelCard, writeRunCard } from '../../src/report/card/write.ts';
import { TransferkitError } from '../../src/errors.ts';
import type { ModelCard } from '../../src/report/card/types.ts';
import { copyIrisRun, FIXTURES, IRIS_RUN, tempRoot } from './helpers.ts';

const root = await tempRoot('tk-card-');

// two real runs, trained once for the whole file: scratch with a validation split, and feature extraction on top of it
const scratchDir = join(root, 'scratch');
const extractDir = join(root, 'extract');
(await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', epochs: 5, seed: 1, valFraction: 0.2, out: scratchDir })).model.dispose();
(await fit({ strategy: 'extract', base: scratchDir, train: 'builtin:iris', seed: 1, out: extractDir })).model.dispose();

const SECTIONS = ['modelDetails', 'intendedUse', 'factors', 'metrics', 'evaluationData', 'trainingData', 'quantitativeAnalyses', 'ethicalConsiderations', 'caveatsAndRecommendations'] as const;
const HEADINGS = ['## Model details', '## Intended use', '## Factors', '## Metrics', '## Evaluation data', '## Training data', '## Quantitative analyses', '## Ethical considerations', '## Caveats and recommendations'];

function measure(card: ModelCard, name: string) {
  const m = card.metrics.measures.find((x) => x.name === name);
  assert.ok(m, `measure ${name}`);
  return m;
}

test('card of a real scratch fit run with a validation split: every section, validation metrics with intervals', async () => {
  const card = await buildModelCard(scratchDir);
  assert.deepEqual(validateModelCard(card), []);
  for (const s of SECTIONS) assert.ok(card[s], s);
  assert.equal(card.run.kind, 'fit');
  assert.equal(card.modelDetails.baseModel, 'none (trained from scratch)');
  assert.match(card.modelDetails.type, /3-class tabular classifier: scratch mlp/);
  assert.match(card.modelDetails.engine, /train: /);
  assert.deepEqual(card.modelDetails.classes, ['setosa', 'versicolor', 'virginica']);
  assert.equal(card.evaluationData.role, 'validation');
  assert.equal(card.evaluationData.size, 30);
  assert.equal(card.trainingData.target.size, 120);
  assert.deepEqual(card.trainingData.target.classBalance.map((c) => c.count), [40, 40, 40]);
  const metrics = JSON.parse(await readFile(join(scratchDir, 'metrics.json'), 'utf8'));
  const acc = measure(card, 'accuracy');
  assert.equal(acc.value, metrics.val.accuracy);
  const correct = Math.round(metrics.val.accuracy * 30);
  assert.deepEqual([acc.low, acc.high], [wilsonInterval(correct, 30).low, wilsonInterval(correct, 30).high]);
  assert.equal(measure(card, 'macro F1').value, metrics.val.macroF1);
  assert.equal(measure(card, 'log loss').low, null);
  assert.equal(card.quantitativeAnalyses.perClass.length, 3);
  assert.ok(card.caveatsAndRecommendations.caveats.some((c) => /Only 30 evaluation examples/.test(c)));
  assert.ok(card.caveatsAndRecommendations.caveats.some((c) => /Small training set: 120/.test(c)));
  assert.match(card.ethicalConsiderations.inheritedBias, /No pretrained model/);
});

test('card of a transfer (extract) run: the base and what it inherits, the head, training-data metrics flagged', async () => {
  const card = await buildModelCard(extractDir);
  assert.deepEqual(validateModelCard(card), []);
  assert.match(card.modelDetails.baseModel, /scratch \(a transferkit run\)/);
  assert.match(card.modelDetails.strategy, /^extract/);
  assert.match(card.modelDetails.head, /L-BFGS/);
  assert.equal(card.trainingData.source.data, 'builtin:iris');
  assert.match(card.trainingData.source.description, /scratch run/);
  assert.equal(card.evaluationData.role, 'training data (no held-out data)');
  assert.ok(card.caveatsAndRecommendations.caveats.some((c) => /measured on the training data itself/.test(c)));
  assert.ok(card.caveatsAndRecommendations.caveats.some((c) => /^Default decided by fit: /.test(c)));
  assert.ok(card.caveatsAndRecommendations.recommendations.some((r) => /transferkit compare --base/.test(r)));
  assert.ok(card.metrics.measures.some((m) => /cross-validated accuracy/.test(m.name)));
  assert.match(card.ethicalConsiderations.inheritedBias, /reuses what .*scratch learned from builtin:iris/);
});

test('what the author did not state is stated as unknown; options fill it in', async () => {
  const bare = await buildModelCard(IRIS_RUN);
  assert.equal(bare.intendedUse.stated, false);
  assert.match(bare.intendedUse.primaryUses, /^not stated by the author/);
  assert.match(bare.intendedUse.outOfScope, /^not stated by the author/);
  for (const f of ['version', 'citation', 'contact', 'licence'] as const) assert.match(bare.modelDetails[f], /^unknown \(/, f);
  assert.equal(bare.modelDetails.name, 'iris-scratch');
  const told = await buildModelCard(IRIS_RUN, { name: 'Iris demo', version: '1.2', intendedUse: 'teaching', outOfScope: 'botany research', licence: 'CC-BY-4.0', citation: 'Doe 2026', contact: 'me@example.org' });
  assert.deepEqual(
    [told.modelDetails.name, told.modelDetails.version, told.intendedUse.primaryUses, told.intendedUse.outOfScope, told.modelDetails.licence, told.modelDetails.citation, told.modelDetails.contact, told.intendedUse.stated],
    ['Iris demo', '1.2', 'teaching', 'botany research', 'CC-BY-4.0', 'Doe 2026', 'me@example.org', true],
  );
});

test('audit.json and privacy.json add their sections; without them the card says so', async () => {
  const bare = await buildModelCard(IRIS_RUN);
  assert.equal(bare.quantitativeAnalyses.groups, null);
  assert.equal(bare.ethicalConsiderations.privacy, null);
  assert.deepEqual(bare.factors.groups, []);
  assert.ok(bare.caveatsAndRecommendations.recommendations.some((r) => /transferkit audit/.test(r)));

  const dir = await copyIrisRun(join(root, 'with-audit'));
  await copyFile(join(FIXTURES, 'audit.json'), join(dir, 'audit.json'));
  await copyFile(join(FIXTURES, 'privacy.json'), join(dir, 'privacy.json'));
  const card = await buildModelCard(dir);
  assert.deepEqual(validateModelCard(card), []);
  const g = card.quantitativeAnalyses.groups!;
  assert.deepEqual(g.sensitive, ['sex']);
  assert.deepEqual(card.factors.groups, ['sex']);
  assert.deepEqual(g.columns, ['selectionRate', 'tpr', 'fpr', 'accuracy']);
  assert.deepEqual(g.rows.map((r) => [r.group, r.count, r.values.tpr]), [['female', 80, 0.92], ['male', 70, 0.86]]);
  assert.deepEqual(g.measures[0], { name: 'demographicParityDifference', value: 0.04, low: -0.1, high: 0.18 });
  const p = card.ethicalConsiderations.privacy!;
  assert.deepEqual([p.lossAttackAuc, p.lossAttackAdvantage, p.likelihoodRatioAuc], [0.54, 0.07, 0.57]);
  assert.match(p.reading, /low membership risk/);
  assert.ok(!card.caveatsAndRecommendations.recommendations.some((r) => /transferkit (audit|privacy)/.test(r)));
  const md = modelCardMarkdown(card);
  assert.match(md, /\| female \| 80 \| 0\.350 \| 0\.920 \| 0\.050 \| 0\.930 \|/);
  assert.match(md, /\*\*Reading:\*\* an attacker does little better than chance/);
});

test('the full reports `transferkit audit --out` and membershipRisk write are read too', async () => {
  const dir = await copyIrisRun(join(root, 'full-reports'));
  await copyFile(join(FIXTURES, 'audit-report.json'), join(dir, 'audit.json'));
  await copyFile(join(FIXTURES, 'privacy-risk.json'), join(dir, 'privacy.json'));
  const card = await buildModelCard(dir);
  assert.deepEqual(validateModelCard(card), []);
  const g = card.quantitativeAnalyses.groups!;
  assert.equal(g.privileged, 'afam=no');
  assert.deepEqual(g.columns, ['selection_rate', 'tpr', 'fpr']);
  assert.deepEqual(g.rows.map((r) => [r.group, r.count, r.values.fpr]), [['afam=no', 340, 0.03], ['afam=yes', 60, null]]);
  assert.deepEqual(g.measures.map((m) => [m.name, m.value]), [['demographic_parity_difference', 0.19], ['equalized_odds_difference', null]]);
  assert.deepEqual(g.flags, ['afam=yes is predicted "yes" 3.1× as often as afam=no']);
  const p = card.ethicalConsiderations.privacy!;
  assert.deepEqual([p.lossAttackAuc, p.lossAttackAdvantage, p.likelihoodRatioAuc], [0.61, 0.18, 0.64]);
  assert.match(p.reading, /some membership leak/);
  assert.match(modelCardMarkdown(card), /reference \(privileged\) group: afam=no/);
});

test('a malformed audit.json or damaged privacy.json becomes a caveat, not a crash', async () => {
  const dir = await copyIrisRun(join(root, 'bad-audit'));
  await copyFile(join(FIXTURES, 'audit-malformed.json'), join(dir, 'audit.json'));
  await writeFile(join(dir, 'privacy.json'), '{"lossAttack": {"auc": 0.5}, "reading": ');
  const card = await buildModelCard(dir);
  assert.deepEqual(validateModelCard(card), []);
  assert.equal(card.quantitativeAnalyses.groups, null);
  assert.equal(card.ethicalConsiderations.privacy, null);
  const caveats = card.caveatsAndRecommendations.caveats.join('\n');
  assert.match(caveats, /The group audit is left out: .*audit\.json does not have the expected shape: "sensitive" must be a list of strings/);
  assert.match(caveats, /The membership-inference check is left out: .*privacy\.json is not valid JSON/);
});

test('the negative-transfer verdict of a compare experiment beside the run goes into the card', async () => {
  const exp = join(root, 'cmp');
  const runDir = join(exp, 'n10', 'extract-seed1');
  await mkdir(join(exp, 'n10'), { recursive: true });
  await copyIrisRun(runDir);
  const cfgPath = join(runDir, 'config.json');
  const cfg = JSON.parse(await readFile(cfgPath, 'utf8'));
  await writeFile(cfgPath, JSON.stringify({ ...cfg, strategy: 'extract', base: 'fashion-cnn' }));
  await copyFile(join(FIXTURES, 'curve.json'), join(exp, 'curve.json'));
  const card = await buildModelCard(runDir);
  const v = card.quantitativeAnalyses.verdict!;
  assert.equal(v.kind, 'negative');
  assert.match(v.text, /negative transfer: −2\.0 ± 1\.5 points.*Likely cause: the target is far/);
  assert.equal(v.from, join('..', '..', 'curve.json'));
  assert.match(card.trainingData.source.model, /fashion-cnn \(built-in zoo model\)/);
  const test = measure(card, 'test accuracy (compare experiment)');
  assert.equal(test.value, 0.7);
  assert.deepEqual([test.low, test.high], [wilsonInterval(350, 500).low, wilsonInterval(350, 500).high]);
  assert.match(test.interval, /350 of 500 held-out test examples .*seed 1/);
  assert.deepEqual(card.quantitativeAnalyses.shift?.measures.map((m) => [m.name, m.before]), [
    ['proxy A-distance (source vs target, base features)', 1.92],
    ['MMD permutation p-value', 0.005],
    ['source model’s mean confidence on the target', 0.61],
  ]);
  assert.match(modelCardMarkdown(card), /### Negative-transfer verdict\n\n\*\*negative\*\*: negative transfer/);
});

test('labelled predictions stored in the run give bootstrap intervals for every metric; unusable ones a caveat', async () => {
  const dir = join(root, 'with-predictions');
  await cp(extractDir, dir, { recursive: true });
  const res = await predictDataset({ model: dir, data: 'builtin:iris' });
  await writeFile(join(dir, 'predictions.jsonl'), predictionsJsonl(res));
  const card = await buildModelCard(dir);
  assert.deepEqual(validateModelCard(card), []);
  const expected = classificationMetrics(
    res.predictions.map((p) => res.classes.indexOf(p.actual!)),
    res.predictions.flatMap((p) => p.probabilities),
    res.classes,
  );
  for (const [name, value] of [['accuracy', expected.accuracy], ['macro F1', expected.macroF1], ['ROC AUC', expected.rocAuc], ['log loss', expected.logLoss]] as const) {
    const m = measure(card, `${name} (stored predictions)`);
    assert.ok(Math.abs(m.value! - value!) < 1e-9, name);
    assert.ok(m.low! <= m.value! + 1e-12 && m.value! <= m.high! + 1e-12, `${name}: ${m.low} ≤ ${m.value} ≤ ${m.high}`);
    assert.match(m.interval, /percentile bootstrap 95%, 500 resamples of the 150 labelled stored predictions/);
  }
  assert.ok(card.metrics.notes.some((n) => /150 labelled predictions in predictions\.jsonl/.test(n)));

  await writeFile(join(dir, 'predictions.jsonl'), JSON.stringify({ probabilities: [0.5, 0.5], actual: 'setosa' }) + '\n');
  const bad = await buildModelCard(dir);
  assert.ok(!bad.metrics.measures.some((m) => /stored predictions/.test(m.name)));
  assert.match(bad.caveatsAndRecommendations.caveats.join('\n'), /The stored predictions are left out: .*line 1 does not hold 3 probabilities/);
});

test('card of an adapt run (fixture): target scores, shift, before/after; without target labels the metrics are unknown', async () => {
  const card = await buildModelCard(join(FIXTURES, 'adapt-coral'));
  assert.deepEqual(validateModelCard(card), []);
  assert.equal(card.run.kind, 'adapt');
  assert.equal(card.modelDetails.baseModel, 'none: a classifier trained on the labelled source domain');
  assert.equal(card.trainingData.source.data, 'data/source.csv (120 labelled examples)');
  assert.equal(measure(card, 'accuracy').value, 0.8833333333333333);
  assert.equal(card.quantitativeAnalyses.verdict?.kind, 'improved');
  assert.equal(card.quantitativeAnalyses.shift?.measures[0].before, 1.1833333333333333);

  const dir = join(root, 'adapt-unlabelled');
  await cp(join(FIXTURES, 'adapt-coral'), dir, { recursive: true });
  const metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8'));
  delete metrics.before;
  delete metrics.after;
  await writeFile(join(dir, 'metrics.json'), JSON.stringify(metrics));
  const blind = await buildModelCard(dir);
  assert.deepEqual(validateModelCard(blind), []);
  assert.deepEqual(blind.metrics.measures.map((m) => m.value), [null, null, null, null]);
  assert.equal(blind.metrics.n, null);
  assert.equal(blind.evaluationData.size, null);
  assert.deepEqual(blind.quantitativeAnalyses.perClass, []);
  assert.equal(blind.quantitativeAnalyses.verdict, null);
  assert.match(blind.caveatsAndRecommendations.caveats.join('\n'), /no labels, so how the model does on the target is unknown/);
  assert.match(modelCardMarkdown(blind), /\| accuracy \| unknown \| — \| none: no labelled evaluation data \|/);
});

test('a zoo base is described from its transferkit.json and MODEL_CARD.md', () => {
  const s = describeBase('fashion-mlp');
  assert.match(s.model, /built-in zoo model/);
  assert.match(s.data, /3,000 Fashion-MNIST training images.*builtin:fashion-mnist/);
  assert.equal(s.card, 'models/fashion-mlp/MODEL_CARD.md');
  assert.ok(existsSync(join(zooRoot(), 'fashion-mlp', 'MODEL_CARD.md')));
  assert.match(describeBase('./no/such/model').description, /^unknown \(the base is no longer at/);
  assert.match(describeBase('model.onnx').data, /^unknown/);
});

test('Markdown has a heading per section and tables for the numbers', async () => {
  const md = modelCardMarkdown(await buildModelCard(IRIS_RUN, { now: new Date('2026-12-07T00:00:00Z') }));
  assert.match(md, /^# Model card: iris-scratch\n/);
  let at = -1;
  for (const h of HEADINGS) {
    const i = md.indexOf(`\n${h}\n`);
    assert.ok(i > at, `${h} in order`);
    at = i;
  }
  assert.match(md, /\| accuracy \| 0\.913 \| 0\.857–0\.949 \| Wilson score 95%, 137 of 150 correct \|/);
  assert.match(md, /\| setosa \| 1 \| 1 \| 0\.929–1 \| 1 \| 50 \|/);
});

test('writeModelCard and writeRunCard write both files atomically (no temporaries left)', async () => {
  const out = join(root, 'cards', 'iris');
  const files = await writeModelCard(await buildModelCard(IRIS_RUN), out);
  const again = await writeRunCard(IRIS_RUN, { out, intendedUse: 'teaching' });
  assert.deepEqual(again.files, files);
  assert.equal(again.card.intendedUse.primaryUses, 'teaching');
  const json = JSON.parse(await readFile(files.json, 'utf8'));
  assert.deepEqual(validateModelCard(json), []);
  assert.match(await readFile(files.markdown, 'utf8'), /## Caveats and recommendations/);
  const { readdir } = await import('node:fs/promises');
  assert.deepEqual((await readdir(out)).sort(), ['MODEL_CARD.md', 'model_card.json']);
});

test('clear errors: no such folder, not a run, unfinished run, damaged files named', async () => {
  const is = (code: string, re: RegExp) => (e: unknown) => e instanceof TransferkitError && e.code === code && re.test(e.message) && typeof e.hint === 'string';
  await assert.rejects(buildModelCard(join(root, 'nope')), is('RUN_NOT_FOUND', /does not exist/));
  await assert.rejects(buildModelCard(join(IRIS_RUN, 'config.json')), is('NOT_A_DIRECTORY', /is a file/));
  const empty = join(root, 'empty');
  await mkdir(empty);
  await assert.rejects(buildModelCard(empty), is('NOT_A_RUN', /config\.json and metrics\.json are missing/));
  const unfinished = await copyIrisRun(join(root, 'unfinished'));
  await rm(join(unfinished, 'metrics.json'));
  await assert.rejects(buildModelCard(unfinished), is('NOT_A_RUN', /has not finished: metrics\.json is missing/));
  const badConfig = await copyIrisRun(join(root, 'bad-config'));
  await writeFile(join(badConfig, 'config.json'), '{"strategy": ');
  await assert.rejects(buildModelCard(badConfig), (e: unknown) => e instanceof TransferkitError && e.code === 'CORRUPT_RUN' && e.where === join(badConfig, 'config.json'));
  const badMetrics = await copyIrisRun(join(root, 'bad-metrics'));
  await writeFile(join(badMetrics, 'metrics.json'), JSON.stringify({ train: { accuracy: 0.9, macroF1: 0.9, logLoss: 0.1, n: 150 } }));
  await assert.rejects(buildModelCard(badMetrics), is('CORRUPT_RUN', /metrics\.json is damaged: "train" has no square "confusionMatrix"/));
});
