import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { adapt, type AdaptResult } from '../../src/adapt/adapt.ts';
import { buildSmallCnn, prependAffine } from '../../src/adapt/deep/networks.ts';
import { subset, type Dataset } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/load.ts';
import { samplePerClass } from '../../src/data/split.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { evaluateModel } from '../../src/models/evaluate.ts';
import { predictDataset } from '../../src/models/predict.ts';
import { buildCnn, buildMlp } from '../../src/models/architectures.ts';
import { saveModel } from '../../src/models/io.ts';
import { createRng } from '../../src/util/random.ts';
import { moonPoints, table } from './helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-adapt-deep-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

/** Two moons rotated by `angle` degrees, as a table. */
function moons(n: number, seed: number, angle: number): Dataset {
  const { points, labels } = moonPoints(n, seed, angle);
  return table(`moons-${angle}`, points, labels);
}



const source = moons(300, 1, 0);
const target = moons(300, 51, 35);
const toy = { epochs: 40, lr: 0.01, hidden: [32, 32], dropout: 0 };

test('DANN through adapt(): beats the same network trained on the source only, and the run folder model scores the same', async () => {
  const out = join(root, 'dann');
  const tensors = tf.memory().numTensors;
  const progress: string[] = [];
  const r = await adapt({ source, target, method: 'dann', out, seed: 1, deep: toy }, { onProgress: (m) => progress.push(m) });
  assert.equal(tf.memory().numTensors, tensors, 'adapt leaves no tensors behind');
  assert.equal(r.method, 'dann');
  assert.ok(r.after!.accuracy > r.before!.accuracy + 0.08, `ERM ${r.before!.accuracy} → DANN ${r.after!.accuracy}`);
  assert.ok(r.domain.after.pad < r.domain.before.pad, `PAD in the learned features ${r.domain.before.pad} → ${r.domain.after.pad}`);
  assert.deepEqual(r.candidates.map((c) => c.method), ['erm', 'dann']);
  assert.ok(r.candidates.every((c) => Number.isFinite(c.scores.entropy) && Number.isFinite(c.scores.im) && Number.isFinite(c.scores.snd)));
  assert.equal(r.candidates[1].test!.accuracy, r.after!.accuracy);
  assert.equal(r.deep!.epochs, 40);
  assert.equal(r.deep!.lambda, 1, 'DANN default λ');
  assert.equal(r.deep!.featureLayer, 'dense2');
  assert.equal(r.deep!.history.length, 40);
  assert.equal(r.deep!.baselineHistory.length, 40);
  assert.ok(r.deep!.history.at(-1)!.domainAccuracy! < 0.8, 'the domain classifier ends up confused');
  assert.deepEqual(r.deep!.domains, ['moons-0', 'moons-35']);
  assert.ok(progress.some((m) => /^dann epoch 40\/40/.test(m)) && progress.some((m) => /^erm epoch/.test(m)), progress.join('\n'));
  const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as AdaptResult;
  assert.equal(metrics.deep!.network, r.deep!.network);
  const ev = await evaluateModel({ model: out, data: target });
  assert.ok(Math.abs(ev.accuracy - r.after!.accuracy) < 1e-9, `evaluate ${ev.accuracy} vs adapt ${r.after!.accuracy}`);
});

test('MMD lowers the MMD between source and target features; Deep CORAL lowers its loss; both save usable models', async () => {
  const mmd = await adapt({ source, target, method: 'mmd', seed: 3, deep: toy });
  assert.ok(mmd.domain.after.mmd2 < 0.7 * mmd.domain.before.mmd2, `MMD² ${mmd.domain.before.mmd2} → ${mmd.domain.after.mmd2}`);
  assert.equal(mmd.deep!.lambda, 1);
  const out = join(root, 'coral');
  const coral = await adapt({ source, target, method: 'deep-coral', seed: 3, out, deep: { ...toy, lambda: 5 } });
  const h = coral.deep!.history;
  assert.ok(h.at(-1)!.alignLoss < h[0].alignLoss, `CORAL loss ${h[0].alignLoss} → ${h.at(-1)!.alignLoss}`);
  assert.ok(h.every((e) => Math.abs(e.loss - (e.classLoss + 5 * e.alignLoss)) < 1e-3), 'loss = CE + λ·CORAL');
  const pred = await predictDataset({ model: out, data: target });
  assert.equal(pred.predictions.length, 300);
});

test('same seed, same result; another seed, another result', async () => {
  const small = { epochs: 3, hidden: [8], dropout: 0.2 };
  const run = (seed: number) => adapt({ source, target, method: 'deep-coral', seed, deep: small });
  const strip = (r: AdaptResult) => ({ after: r.after, before: r.before, domain: r.domain, history: r.deep!.history.map(({ seconds: _s, ...rest }) => rest) });
  const a = strip(await run(4));
  assert.deepEqual(strip(await run(4)), a);
  assert.notDeepEqual(strip(await run(5)), a);
});

test('several source domains: kept apart for the deep methods, pooled for the shallow ones', async () => {
  const s1 = moons(120, 7, 0);
  const s2 = moons(120, 8, 20);
  const t = moons(120, 9, 40);
  const deep = await adapt({ source: [s1, s2], target: t, method: 'mmd', seed: 1, deep: { epochs: 2, hidden: [8] } });
  assert.deepEqual(deep.deep!.domains, ['moons-0', 'moons-20', 'moons-40']);
  assert.deepEqual(deep.sources, [{ name: 'moons-0', size: 120 }, { name: 'moons-20', size: 120 }]);
  assert.equal(deep.sizes.source, 240);
  const shallow = await adapt({ source: [s1, s2], target: t, method: 'coral', seed: 1 });
  assert.equal(shallow.sizes.source, 240);
  assert.equal(shallow.sources.length, 2);
});

test('text: deep CORAL on spam 2002 → 2003 in miniature, with labelled target messages; the saved model takes raw texts', async () => {
  const s = await loadDataset('builtin:spam-2002');
  const t = await loadDataset('builtin:spam-2003');
  const src = subset(s, createRng(1).shuffle(Array.from({ length: s.size }, (_, i) => i)).slice(0, 300));
  const order = createRng(2).shuffle(Array.from({ length: t.size }, (_, i) => i));
  const tgt = subset(t, order.slice(0, 200));
  const held = subset(t, order.slice(200, 400));
  const few = samplePerClass(tgt, 3, 1).sample;
  const out = join(root, 'spam');
  const tensors = tf.memory().numTensors;
  const r = await adapt({ source: src, target: tgt, test: held, targetLabels: few, method: 'deep-coral', text: { dims: 4096 }, viewDims: 30, out, seed: 1, deep: { epochs: 10 } });
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(r.kind, 'text');
  assert.equal(r.sizes.targetLabelled, 6);
  assert.equal(r.features.viewDims, 30);
  assert.match(r.deep!.network, /^MLP 30-64-2/);
  assert.ok(r.after!.accuracy > 0.8, `deep CORAL on the held-out 2003 messages: ${r.after!.accuracy}`);
  const ev = await evaluateModel({ model: out, data: held });
  assert.ok(Math.abs(ev.accuracy - r.after!.accuracy) < 1e-9, `evaluate ${ev.accuracy} vs adapt ${r.after!.accuracy}`);
  const meta = JSON.parse(await readFile(join(out, 'model', 'transferkit.json'), 'utf8'));
  assert.equal(meta.features.kind, 'text');
  assert.equal(meta.adapt.method, 'deep-coral');
});

test('images: a small CNN by default, or the base model fine-tuned with a new head; both saved models take raw images', async () => {
  const mnist = await loadDataset('builtin:mnist');
  const three = subset(mnist, [...mnist.labels.keys()].filter((i) => mnist.labels[i] < 3));
  const { sample: src, rest } = samplePerClass({ ...three, classes: three.classes.slice(0, 3) }, 16, 1);
  const tgt = samplePerClass(rest, 16, 2).sample;
  const dim = { ...tgt, name: 'dimmed', features: { ...tgt.features, pixels: Float32Array.from((tgt.features as { pixels: Float32Array }).pixels, (v) => 0.6 * v) } } as Dataset;
  const tensors = tf.memory().numTensors;
  const out = join(root, 'cnn');
  const r = await adapt({ source: src, target: dim, method: 'dann', out, seed: 1, deep: { epochs: 2, batchSize: 16 } });
  assert.equal(tf.memory().numTensors, tensors);
  assert.match(r.deep!.network, /small CNN/);
  assert.equal(r.deep!.featureLayer, 'features');
  assert.ok(Math.abs((await evaluateModel({ model: out, data: dim })).accuracy - r.after!.accuracy) < 1e-6);

  const base = join(root, 'base-cnn');
  await saveModel(buildCnn([28, 28, 1], 10, { seed: 3 }), base, { classes: Array.from({ length: 10 }, (_, i) => `c${i}`), features: { kind: 'image', height: 28, width: 28, channels: 1 } });
  const out2 = join(root, 'base-run');
  const before = tf.memory().numTensors;
  const b = await adapt({ source: src, target: dim, base, method: 'deep-coral', out: out2, seed: 1, deep: { epochs: 1, batchSize: 16 } });
  assert.equal(tf.memory().numTensors, before, 'the base copies are freed');
  assert.equal(b.deep!.featureLayer, 'dense1', 'features at the head’s input, skipping dropout');
  assert.equal(b.deep!.lr, 1e-4, 'fine-tuning a base uses a lower default learning rate');
  const ev = await evaluateModel({ model: out2, data: dim });
  assert.ok(Math.abs(ev.accuracy - b.after!.accuracy) < 1e-6);
  assert.equal(ev.n, 48);
});

test('prependAffine folds a linear map into a chain of layers', () => {
  const mlp = buildMlp(2, 3, { hidden: [4], dropout: 0.1, seed: 2 });
  const A = [1, 2, 0, -1, 3, 0.5]; // 3 × 2
  const a = [0.1, -0.2];
  const full = prependAffine(mlp, A, a, 3);
  const x = [[0.5, -1, 2], [1, 1, 1]];
  const z = x.map((r) => [0, 1].map((q) => a[q] + r.reduce((s, v, j) => s + v * A[j * 2 + q], 0)));
  const got = tf.tidy(() => (full.predict(tf.tensor2d(x)) as tf.Tensor).arraySync() as number[][]);
  const want = tf.tidy(() => (mlp.predict(tf.tensor2d(z)) as tf.Tensor).arraySync() as number[][]);
  for (let i = 0; i < 2; i++) for (let c = 0; c < 3; c++) assert.ok(Math.abs(got[i][c] - want[i][c]) < 1e-5);
  assert.equal(full.getLayer('adapt_view').trainable, false);
  full.dispose();
  mlp.dispose();
  const cnn = buildSmallCnn([8, 8, 1], 2, 1);
  assert.throws(() => prependAffine(cnn, A, a, 3), { code: 'SHAPE_MISMATCH' });
  cnn.dispose();
});

test('bad deep options are refused before any work', async () => {
  await assert.rejects(adapt({ source, target, method: 'dann', deep: { epochs: 0 } }), { code: 'BAD_OPTION' });
  await assert.rejects(adapt({ source, target, method: 'mmd', deep: { lambda: -1 } }), { code: 'BAD_OPTION' });
  await assert.rejects(adapt({ source, target, method: 'mmd', deep: { batchSize: 1 } }), { code: 'BAD_OPTION' });
  await assert.rejects(adapt({ source, target, method: 'mmd', deep: { hidden: [] } }), { code: 'BAD_OPTION' });
  await assert.rejects(adapt({ source, target, method: 'auto', candidates: ['coral', 'dann' as never] }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'BAD_OPTION');
    assert.match(err.message, /deep method "dann" cannot be an auto candidate/);
    return true;
  });
  await assert.rejects(adapt({ source: [], target, method: 'dann' }), { code: 'BAD_OPTION' });
});

test('auto with a deep candidate: DANN is trained on the same 80% of the source, scored by the same validators, and when clearly better retrained on all of it', async () => {
  const out = join(root, 'auto-dann');
  const tensors = tf.memory().numTensors;
  const r = await adapt({ source, target, method: 'auto', candidates: ['source-only', 'coral'], deepCandidates: ['dann'], deep: toy, out, seed: 1 });
  assert.equal(tf.memory().numTensors, tensors, 'no tensors left behind');
  assert.deepEqual(r.candidates.map((c) => c.method), ['source-only', 'coral', 'dann']);
  assert.ok(r.candidates.every((c) => 'dev' in c.scores && 'snd' in c.scores));
  assert.equal(r.requested, 'auto');
  assert.equal(r.chosenBy, 'dev');
  assert.equal(r.method, 'dann', r.decision!.reason);
  assert.equal(r.decision!.rule, 'margin', r.decision!.reason);
  assert.ok(r.deep && r.deep.epochs === 40, 'the deep path retrained it on all the source');
  const so = r.candidates.find((c) => c.method === 'source-only')!.test!.accuracy;
  assert.ok(r.after!.accuracy > so + 0.05, `a non-linear network beats the linear source-only model on moons: ${so} → ${r.after!.accuracy}`);
  const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
  assert.equal(metrics.decision.chosen, 'dann');
  const ev = await evaluateModel({ model: out, data: target });
  assert.ok(Math.abs(ev.accuracy - r.after!.accuracy) < 1e-6);
  await assert.rejects(adapt({ source, target, method: 'auto', deepCandidates: ['coral' as never] }), { code: 'BAD_OPTION' });
});
