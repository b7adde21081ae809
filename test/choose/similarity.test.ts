import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { labelDistribution, labelMatch, measureSimilarity } from '../../src/choose/similarity.ts';
import { earlierCut, embed, encodeSourceSample, sourceSample, weightedBaseLayers } from '../../src/choose/source.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { buildCnn } from '../../src/models/architectures.ts';
import { saveModel } from '../../src/models/io.ts';
import { createRng } from '../../src/util/random.ts';
import { irisModel, shiftedIris } from './helpers.ts';
import { loadModelRef } from '../../src/models/load.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-sim-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

test('labelDistribution: mean shares, normalised spread and mean confidence by hand', () => {
  const d = labelDistribution(Float32Array.of(0.9, 0.1, 0.2, 0.8), ['a', 'b']);
  assert.deepEqual(d.classes.map((c) => c.class), ['a', 'b']);
  assert.ok(Math.abs(d.classes[0].share - 0.55) < 1e-7);
  assert.ok(Math.abs(d.meanConfidence - 0.85) < 1e-7);
  const h = -(0.55 * Math.log(0.55) + 0.45 * Math.log(0.45));
  assert.ok(Math.abs(d.spread - h / Math.log(2)) < 1e-7);
  assert.equal(labelDistribution(Float32Array.of(1, 0, 1, 0), ['a', 'b']).spread, 0);
});

test('labelMatch = 1 − H(Y|Z)/H(Y) by hand', () => {
  // z = [0, 0, 1, 1], y = [0, 1, 1, 1]: H(Y) = −(¼ ln ¼ + ¾ ln ¾); H(Y|Z) = ½ ln 2 (z = 0 splits y evenly, z = 1 fixes it)
  const probs = Float32Array.of(0.9, 0.1, 0.6, 0.4, 0.2, 0.8, 0.3, 0.7);
  const hy = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
  assert.ok(Math.abs(labelMatch(probs, 2, [0, 1, 1, 1]) - (1 - (0.5 * Math.log(2)) / hy)) < 1e-12);
  assert.equal(labelMatch(probs, 2, [1, 1, 0, 0]), 1, 'z determines y (relabelled)');
  assert.ok(Math.abs(labelMatch(probs, 2, [0, 1, 0, 1])) < 1e-12, 'z independent of y');
});

test('similar data gives a small PAD and no MMD shift; shifted data a large PAD and p ≈ 0', async () => {
  const base = await irisModel(root, 'iris', { epochs: 20 });
  const same = await measureSimilarity({ base, target: 'builtin:iris', source: 'builtin:iris', permutations: 50 });
  assert.equal(same.basis, 'pad');
  assert.ok(same.pad!.pad < 0.3, `PAD ${same.pad!.pad}`);
  assert.ok(same.mmd!.pValue > 0.5, `identical samples: p ${same.mmd!.pValue}`);
  assert.equal(same.similar, true);
  assert.ok(same.sourceLabels.labelMatch! > 0.5, `a trained iris model on iris: label match ${same.sourceLabels.labelMatch}`);
  assert.equal(same.similarLabels, true);
  assert.ok(same.sourceLabels.leep !== undefined && same.sourceLabels.leep > -0.7, 'LEEP of a trained iris model on iris');
  assert.equal(same.layer, 'dense1');
  assert.equal(same.dims, 8);
  const far = await measureSimilarity({ base, target: shiftedIris(3), source: 'builtin:iris', permutations: 50 });
  assert.ok(far.pad!.pad > 1.5, `PAD ${far.pad!.pad}`);
  assert.ok(far.mmd!.pValue < 0.05);
  assert.equal(far.similar, false);
  assert.match(far.reasons[0], /proxy A-distance .* so different/);
  // without a source sample the source model's confidence decides
  const blind = await measureSimilarity({ base, target: 'builtin:iris' });
  assert.equal(blind.basis, 'confidence');
  assert.match(blind.sourceMissing!, /records no source data/);
  assert.equal(blind.pad, undefined);
});

test('a source sample stored with an image model round-trips and is used; weighted layers skip BatchNorm', async () => {
  const rng = createRng(2);
  const n = 24;
  const pixels = Float32Array.from({ length: n * 784 }, () => Math.round(rng.next() * 255) / 255);
  const ds: Dataset = { name: 'noise', size: n, features: { kind: 'image', pixels, height: 28, width: 28, channels: 1 }, labels: Int32Array.from({ length: n }, (_, i) => i % 3), classes: ['a', 'b', 'c'] };
  const dir = join(root, 'cnn');
  await saveModel(buildCnn([28, 28, 1], 3, { seed: 1 }), dir, {
    name: 'cnn',
    classes: ['a', 'b', 'c'],
    features: { kind: 'image', height: 28, width: 28, channels: 1 },
    sourceSample: { file: 'source-sample.bin', count: n, shape: [28, 28, 1], dataset: 'noise' },
  });
  await writeFile(join(dir, 'source-sample.bin'), encodeSourceSample(ds));
  const src = await loadModelRef(dir);
  const { sample, from } = await sourceSample(src);
  assert.match(from!, /stored with the model/);
  assert.deepEqual(Array.from(sample!.labels), Array.from(ds.labels));
  assert.ok(sample!.features.kind === 'image' && sample!.features.pixels.every((v, i) => Math.abs(v - pixels[i]) < 1e-6));
  assert.deepEqual(await weightedBaseLayers(src), ['conv1', 'conv2', 'dense1']);
  assert.deepEqual(await earlierCut(src), { cutAt: 'flatten', dropped: ['dense1'], kept: ['conv1', 'conv2'] });
  const e = await embed(src, ds);
  const tensors = tf.memory().numTensors;
  await embed(src, ds);
  await weightedBaseLayers(src);
  assert.equal(tf.memory().numTensors, tensors, 'embedding again leaves no tensors behind');
  assert.deepEqual(e.features.shape, [n, 128]);
  assert.equal(e.probs.length, n * 3);
  const sim = await measureSimilarity({ base: src, target: ds, permutations: 20 });
  assert.equal(sim.basis, 'pad');
  assert.ok(sim.pad!.pad < 1, `a sample against itself: PAD ${sim.pad!.pad}`);
});
