import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { adapt, type AdaptConfig } from '../../src/adapt/adapt.ts';
import { subset, type Dataset } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/load.ts';
import { samplePerClass } from '../../src/data/split.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { evaluateModel } from '../../src/models/evaluate.ts';
import { predictDataset } from '../../src/models/predict.ts';
import { buildCnn } from '../../src/models/architectures.ts';
import { saveModel } from '../../src/models/io.ts';
import { createRng } from '../../src/util/random.ts';
import { table } from './helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-adapt-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));


/** Classes at (∓1, ∓1) plus a noise column; the target is the source scaled by 2.5 and moved by (4, 2, 0). */
function affine(n: number, seed: number, target: boolean): Dataset {
  const rng = createRng(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 2;
    const m = y ? 1 : -1;
    let r = [m + rng.normal(), m + rng.normal(), rng.normal()];
    if (target) r = [2.5 * r[0] + 4, 2.5 * r[1] + 2, 2.5 * r[2]];
    rows.push(r);
    labels.push(y);
  }
  return table(target ? 'affine-target' : 'affine-source', rows, labels);
}

/** y = [x₂ > x₁²/2 − 0.5]; source x wide around 0, target x around (2, 1.5): covariate shift. */
function parabola(n: number, seed: number, target: boolean): Dataset {
  const rng = createRng(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = target ? 2 + 0.5 * rng.normal() : 2 * rng.normal();
    const b = target ? 1.5 + 0.5 * rng.normal() : 1.5 * rng.normal();
    rows.push([a, b]);
    labels.push(b > (a * a) / 2 - 0.5 ? 1 : 0);
  }
  return table(target ? 'parabola-target' : 'parabola-source', rows, labels);
}

const affineS = affine(300, 1, false);
const affineT = affine(300, 2, true);
const parabolaS = parabola(600, 3, false);
const parabolaT = parabola(300, 4, true);

test('CORAL fixes an affine shift where source-only fails; the run folder’s model scores the same through evaluate', async () => {
  const out = join(root, 'coral');
  const tensors = tf.memory().numTensors;
  const r = await adapt({ source: affineS, target: affineT, method: 'coral', out, seed: 1 });
  assert.equal(tf.memory().numTensors, tensors, 'adapt leaves no tensors behind');
  assert.ok(r.before!.accuracy < 0.75, `source-only fails: ${r.before!.accuracy}`);
  assert.ok(r.after!.accuracy > 0.9, `CORAL: ${r.after!.accuracy}`);
  // ε = 1 (the paper's ridge) aligns the covariances only partly; measures/coral.test.ts checks ε → 0 is exact
  assert.ok(r.domain.after.coralDistance < 0.7 * r.domain.before.coralDistance, 'the aligned source covariance moves towards the target');
  assert.ok(r.domain.after.mmd2 < r.domain.before.mmd2);
  for (const f of ['config.json', 'metrics.json', 'model/model.json', 'model/weights.bin', 'model/transferkit.json']) assert.ok(existsSync(join(out, f)), f);
  const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
  assert.equal(metrics.method, 'coral');
  const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
  assert.equal(config.target, 'affine-target');
  const ev = await evaluateModel({ model: out, data: affineT });
  assert.ok(Math.abs(ev.accuracy - r.after!.accuracy) < 1e-9, 'the saved model takes raw target rows');
  const pred = await predictDataset({ model: out, data: affineT });
  assert.equal(pred.predictions.length, 300);
});

for (const method of ['reweight', 'kliep', 'kmm'] as const) {
  test(`${method} corrects a covariate shift a linear source model gets wrong`, async () => {
    const r = await adapt({ source: parabolaS, target: parabolaT, method, seed: 1 });
    assert.ok(r.before!.accuracy < 0.7, `source-only: ${r.before!.accuracy}`);
    assert.ok(r.after!.accuracy > 0.9, `${method}: ${r.after!.accuracy}`);
    assert.ok(r.weights && r.weights.essFraction > 0 && r.weights.essFraction < 1);
    assert.equal(r.domain.after, r.domain.before, 'reweighting leaves the features as they are');
  });
}

test('auto chooses by a validator and never by target labels: the same choice with or without them', async () => {
  const candidates: AdaptConfig['candidates'] = ['source-only', 'reweight', 'kliep'];
  const unlabelled = { ...parabolaT, labels: new Int32Array(parabolaT.size).fill(-1) };
  const withLabels = await adapt({ source: parabolaS, target: parabolaT, method: 'auto', candidates, seed: 2 });
  const blind = await adapt({ source: parabolaS, target: unlabelled, method: 'auto', candidates, seed: 2 });
  assert.equal(withLabels.chosenBy, 'dev');
  assert.equal(withLabels.method, blind.method);
  assert.deepEqual(withLabels.validators, blind.validators);
  assert.equal(blind.after, undefined, 'nothing to score without labels');
  assert.notEqual(withLabels.method, 'source-only', `dev chose ${withLabels.method}`);
  assert.ok(withLabels.after!.accuracy > 0.9);
  assert.deepEqual(withLabels.validators!.map((v) => v.validator), ['dev', 'entropy', 'im', 'snd']);
  assert.equal(withLabels.candidates.length, 3);
  assert.ok(withLabels.candidates.every((c) => c.test && 'dev' in c.scores));
  assert.equal(withLabels.decision!.proposed, withLabels.validators![0].chosen);
  assert.deepEqual(withLabels.decision, blind.decision, 'the do-no-harm rule reads no target label either');
  assert.equal(withLabels.decision!.rule, 'margin', withLabels.decision!.reason);
  const bySnd = await adapt({ source: parabolaS, target: unlabelled, method: 'auto', candidates, validator: 'snd', seed: 2 });
  assert.equal(bySnd.chosenBy, 'snd');
  assert.equal(bySnd.decision!.proposed, bySnd.validators!.find((v) => v.validator === 'snd')!.chosen);
  // SND has no noise estimate: its choice replaces source-only only when enough validators agree with it
  if (bySnd.method !== 'source-only') assert.equal(bySnd.decision!.rule, 'agreement', bySnd.decision!.reason);
});

test('auto keeps source-only when no candidate is clearly better, and says why in its result, metrics.json and config.json', async () => {
  // no shift at all: the target is another draw of the source distribution
  const out = join(root, 'auto-kept');
  const r = await adapt({ source: affineS, target: affine(300, 6, false), method: 'auto', deep: { epochs: 5 }, out, seed: 1 });
  assert.ok(r.candidates.some((c) => c.method === 'dann'), 'on tables DANN is a candidate too');
  assert.equal(r.method, 'source-only');
  assert.equal(r.chosenBy, 'dev');
  const d = r.decision!;
  assert.equal(d.rule, 'kept');
  assert.notEqual(d.proposed, 'source-only', 'DEV itself preferred another candidate');
  assert.match(d.reason, new RegExp(`kept source-only: dev prefers ${d.proposed.replace('+', '\\+')} by .* ± .* standard errors\\), within its noise`));
  const m = d.margins.find((x) => x.validator === 'dev' && x.candidate === d.proposed)!;
  assert.ok(m.gain > 0 && m.z! < d.z, JSON.stringify(m));
  assert.match(d.risk!, /validators disagree/);
  assert.deepEqual(r.after, r.before, 'the final model is the source-only model');
  const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
  assert.equal(metrics.decision.reason, d.reason);
  const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
  assert.deepEqual(config.autoDecision, { chosen: 'source-only', proposed: d.proposed, rule: 'kept', reason: d.reason, risk: d.risk });
  await assert.rejects(adapt({ source: affineS, target: affineT, method: 'auto', autoRule: { z: -1 } }), { code: 'BAD_OPTION' });
});

test('self-training on text: spam 2002 → 2003 in miniature, with a few labelled target messages; evaluate and predict take raw texts', async () => {
  const s = await loadDataset('builtin:spam-2002');
  const t = await loadDataset('builtin:spam-2003');
  const source = subset(s, createRng(1).shuffle(Array.from({ length: s.size }, (_, i) => i)).slice(0, 300));
  const order = createRng(2).shuffle(Array.from({ length: t.size }, (_, i) => i));
  const target = subset(t, order.slice(0, 200));
  const test_ = subset(t, order.slice(200, 400));
  const few = samplePerClass(target, 3, 1).sample;
  const out = join(root, 'spam');
  const r = await adapt({ source, target, test: test_, targetLabels: few, method: 'self-train', text: { dims: 4096 }, selfTrain: { rounds: 3 }, out, seed: 1 });
  assert.equal(r.kind, 'text');
  assert.equal(r.sizes.targetLabelled, 6);
  assert.equal(r.sizes.test, 200);
  assert.equal(r.selfTrain!.length, 3);
  assert.ok(r.targetPrior?.method === 'mlls' && r.targetPrior.estimate![1] > 0.3, 'MLLS sees that about half the 2003 mail is spam');
  assert.ok(r.targetPrior.bbse![1] > 0.3);
  assert.ok(r.after!.accuracy >= r.before!.accuracy, `${r.before!.accuracy} → ${r.after!.accuracy}`);
  assert.ok(r.after!.accuracy > 0.85);
  const ev = await evaluateModel({ model: out, data: test_ });
  assert.ok(Math.abs(ev.accuracy - r.after!.accuracy) < 1e-9);
});

test('images: adaptation on a base model’s features saves the base with a new head', async () => {
  const base = join(root, 'base-cnn');
  await saveModel(buildCnn([28, 28, 1], 10, { seed: 3 }), base, {
    classes: Array.from({ length: 10 }, (_, i) => `c${i}`),
    features: { kind: 'image', height: 28, width: 28, channels: 1 },
  });
  const mnist = await loadDataset('builtin:mnist');
  const three = subset(mnist, [...mnist.labels.keys()].filter((i) => mnist.labels[i] < 3));
  const { sample: src, rest } = samplePerClass({ ...three, classes: three.classes.slice(0, 3) }, 20, 1);
  const tgt = samplePerClass(rest, 20, 2).sample;
  // the target domain: inverted images
  const inv = { ...tgt, name: 'inverted', features: { ...tgt.features, pixels: Float32Array.from((tgt.features as { pixels: Float32Array }).pixels, (v) => 1 - v) } } as Dataset;
  const out = join(root, 'images');
  const tensors = tf.memory().numTensors;
  const r = await adapt({ source: src, target: inv, base, method: 'coral', out, seed: 1 });
  assert.equal(tf.memory().numTensors, tensors, 'adapt leaves no tensors behind');
  assert.equal(r.kind, 'image');
  assert.match(r.features.space, /features of .* at the input of its head/);
  const ev = await evaluateModel({ model: out, data: inv });
  assert.ok(Math.abs(ev.accuracy - r.after!.accuracy) < 1e-6);
  assert.equal(ev.n, 60);
});

test('bad input is refused before any work, with clear errors', async () => {
  const other = { ...affineT, classes: ['a', 'z'] };
  await assert.rejects(adapt({ source: affineS, target: other, method: 'coral' }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'UNKNOWN_TARGET_CLASS');
    assert.match(err.message, /"z" that the source lacks/);
    return true;
  });
  await assert.rejects(adapt({ source: '/nope/source.csv', target: affineT, label: 'y', method: 'coral' }), { code: 'FILE_NOT_FOUND' });
  await assert.rejects(adapt({ source: affineS, target: affineT, method: 'magic' as never }), { code: 'UNKNOWN_METHOD' });
  await assert.rejects(adapt({ source: affineS, target: affineT, method: 'auto', validator: 'oracle' as never }), { code: 'BAD_OPTION' });
  const unlabelled = { ...affineS, labels: new Int32Array(affineS.size).fill(-1) };
  await assert.rejects(adapt({ source: unlabelled, target: affineT, method: 'coral' }), { code: 'NO_LABELS' });
  const tiny = table('tiny', [[0, 0], [1, 1], [2, 2], [3, 3]], [0, 0, 1, 1]);
  await assert.rejects(adapt({ source: tiny, target: tiny, method: 'auto' }), { code: 'TOO_FEW_EXAMPLES' });
  const busy = join(root, 'busy');
  await rm(busy, { recursive: true, force: true });
  await mkdir(busy, { recursive: true });
  await writeFile(join(busy, 'notes.txt'), 'mine');
  await assert.rejects(adapt({ source: affineS, target: affineT, method: 'coral', out: busy }), { code: 'OUT_NOT_EMPTY' });
  await assert.rejects(adapt({ source: affineS, target: affineT, method: 'coral', out: join(root, 'coral') }), { code: 'RUN_EXISTS' });
});
