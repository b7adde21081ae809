import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildCnn, buildMlp } from '../../src/models/architectures.ts';
import { balancedClassWeights, trainModel, type TensorData } from '../../src/transfer/train.ts';
import { predictProbs } from '../../src/models/predict-probs.ts';
import { createRng, seedMathRandom } from '../../src/util/random.ts';
import { blobs } from './helpers.ts';

await tf.setBackend('cpu');

test('training learns a separable problem and early stopping restores the best epoch', async () => {
  const restore = seedMathRandom(1);
  try {
    const model = buildMlp(2, 2, { hidden: [8], seed: 1 });
    const res = await trainModel(model, blobs(200, 1), { epochs: 30, seed: 1, learningRate: 0.01, val: blobs(100, 2), patience: 3 });
    const test = blobs(200, 3);
    const probs = predictProbs(model, test);
    let correct = 0;
    for (let i = 0; i < 200; i++) if ((probs[i * 2 + 1] > 0.5 ? 1 : 0) === test.y[i]) correct++;
    assert.ok(correct / 200 > 0.95, `accuracy ${correct / 200}`);
    const best = res.history.find((h) => h.epoch === res.bestEpoch)!;
    assert.equal(Math.min(...res.history.map((h) => h.valLoss!)), best.valLoss);
    model.dispose();
  } finally {
    restore();
  }
});

test('the same seed gives the same history', async () => {
  const run = async () => {
    const restore = seedMathRandom(5);
    try {
      const model = buildMlp(2, 2, { hidden: [8], seed: 5 });
      const res = await trainModel(model, blobs(64, 1), { epochs: 3, seed: 5 });
      model.dispose();
      return res.history.map((h) => h.loss);
    } finally {
      restore();
    }
  };
  assert.deepEqual(await run(), await run());
});

test('tf.memory().numTensors stays flat over 50 training steps of a CNN', async () => {
  const model = buildCnn([8, 8, 1], 3, { seed: 2 });
  const n = 16;
  const rng = createRng(3);
  const data: TensorData = { x: Float32Array.from({ length: n * 64 }, () => rng.next()), shape: [n, 8, 8, 1], y: Int32Array.from({ length: n }, (_, i) => i % 3) };
  // warm up: the optimiser creates its slot variables on the first step
  await trainModel(model, data, { epochs: 1, seed: 1, batchSize: 8 });
  const counts: number[] = [];
  await trainModel(model, data, {
    epochs: 25, // 2 steps an epoch → 50 steps
    seed: 1,
    batchSize: 8,
    onStep: () => counts.push(tf.memory().numTensors),
  });
  assert.equal(counts.length, 50);
  assert.equal(Math.max(...counts), Math.min(...counts), `tensor count varied: ${Math.min(...counts)}..${Math.max(...counts)}`);
  model.dispose();
});

test('balanced class weights give each class equal total weight', () => {
  const w = balancedClassWeights(Int32Array.from([0, 0, 0, 1]), 2);
  assert.ok(Math.abs(w[0] * 3 - w[1] * 1) < 1e-12);
  assert.ok(Math.abs(w[1] - 2) < 1e-12);
});

test('labels outside the model classes are refused with a clear error', async () => {
  const model = buildMlp(2, 2, { seed: 1 });
  const data = blobs(4, 1);
  data.y[2] = 5;
  await assert.rejects(trainModel(model, data, { epochs: 1, seed: 1 }), /Example 2 of the training data has label index 5/);
  model.dispose();
});
