import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { crossValidate } from '../../src/choose/kfold.ts';
import { fit } from '../../src/transfer/fit.ts';
import { irisModel } from './helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-kfold-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

test("k-fold refits the run's recipe on each fold and scores the held-out fold", async () => {
  const run = join(root, 'run');
  await fit({ strategy: 'scratch', arch: 'logistic', train: 'builtin:iris', epochs: 15, learningRate: 0.05, seed: 3, out: run });
  const before = tf.memory().numTensors;
  const cv = await crossValidate({ run, data: 'builtin:iris', k: 5 });
  assert.equal(tf.memory().numTensors, before, 'the fold models are freed');
  assert.equal(cv.k, 5);
  assert.equal(cv.seed, 3, "the run's seed");
  assert.equal(cv.config.strategy, 'scratch');
  assert.equal(cv.config.epochs, 15);
  assert.equal(cv.folds.length, 5);
  assert.deepEqual(cv.folds.map((f) => f.testSize), [30, 30, 30, 30, 30], 'stratified folds of 10 per class');
  assert.ok(cv.folds.every((f) => f.trainSize === 120));
  assert.ok(cv.mean.accuracy > 0.7, `iris logistic CV accuracy ${cv.mean.accuracy}`);
  assert.ok(Math.abs(cv.pooledAccuracy - cv.mean.accuracy) < 1e-9, 'equal folds: pooled = mean');
  assert.ok(cv.std.accuracy >= 0);

  // transfer recipes refit from the same base
  const base = await irisModel(root, 'base', { epochs: 10 });
  const tr = join(root, 'transfer');
  await fit({ base, strategy: 'extract', train: 'builtin:iris', perClass: 20, epochs: 5, out: tr });
  const cv2 = await crossValidate({ run: tr, data: 'builtin:iris', k: 3, seed: 1 });
  assert.equal(cv2.config.base, base);
  assert.equal(cv2.config.perClass, 20);
  assert.equal(cv2.folds.length, 3);

  await assert.rejects(crossValidate({ run: base, data: 'builtin:iris', k: 3 }), /not a run folder/);
  await assert.rejects(crossValidate({ run, data: 'builtin:iris', k: 60 }), /fewer than the 60 folds/);
});
