import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildMultiTaskModel } from '../../src/transfer/multitask/model.ts';
import { trainMultiTask } from '../../src/transfer/multitask/train.ts';
import { evaluateTasks } from '../../src/transfer/multitask/evaluate.ts';
import { quadrants } from './helpers.ts';

await tf.setBackend('cpu');

const heads = [
  { name: 'quad', classes: ['q0', 'q1', 'q2', 'q3'] },
  { name: 'odd', classes: ['even', 'odd'] },
];
const train = quadrants(400, 1);
const val = quadrants(100, 2);
const testSet = quadrants(400, 3);

test('fixed weights: a shared MLP trunk learns both tasks (task 2 a function of task 1), with a flat tensor count', async () => {
  const model = await buildMultiTaskModel({ kind: 'scratch', arch: 'mlp' }, heads, { seed: 1, inputShape: [4] });
  assert.equal(model.outputs.length, 2);
  const counts: number[] = [];
  const res = await trainMultiTask(model, train, { epochs: 25, seed: 1, learningRate: 0.01, weighting: { kind: 'fixed', weights: [1, 0.5] }, val, onStep: () => counts.push(tf.memory().numTensors) });
  // after AdamW made its slots (first step) the number of live tensors never changes
  assert.ok(counts.length > 20);
  assert.deepEqual(new Set(counts.slice(1)).size, 1, `tensor counts ${[...new Set(counts)].join(', ')}`);
  const scores = evaluateTasks(model, testSet, heads);
  assert.ok(scores[0].accuracy > 0.9, `quad accuracy ${scores[0].accuracy}`);
  assert.ok(scores[1].accuracy > 0.9, `odd accuracy ${scores[1].accuracy}`);
  assert.deepEqual(res.weights, [1, 0.5]);
  assert.equal(res.engine, 'tfjs');
  assert.ok(res.history.every((h) => h.valLoss !== undefined && Math.abs(h.valLoss - h.valTaskLoss![0] - h.valTaskLoss![1]) < 1e-9));
  const before = tf.memory().numTensors;
  model.dispose();
  assert.ok(tf.memory().numTensors < before);
});

test('uncertainty weighting learns and reports task weights, reaches high accuracy, and is seeded', async () => {
  const run = async () => {
    const model = await buildMultiTaskModel({ kind: 'scratch', arch: 'mlp' }, heads, { seed: 2, inputShape: [4] });
    const start = tf.memory().numTensors;
    const res = await trainMultiTask(model, train, { epochs: 15, seed: 2, learningRate: 0.01, weighting: { kind: 'uncertainty' }, val });
    // nothing but the model's weights is left (the log-variances and AdamW slots are freed)
    assert.equal(tf.memory().numTensors, start);
    const scores = evaluateTasks(model, testSet, heads);
    model.dispose();
    return { res, scores };
  };
  const a = await run();
  assert.ok(a.scores[0].accuracy > 0.85 && a.scores[1].accuracy > 0.85, JSON.stringify(a.scores));
  assert.equal(a.res.logVars!.length, 2);
  assert.deepEqual(a.res.weights, a.res.logVars!.map((s) => Math.exp(-s)));
  // both losses fall below 1, so both log-variances go negative: weights above 1
  assert.ok(a.res.weights.every((w) => w > 1), `learned weights ${a.res.weights}`);
  const b = await run();
  assert.deepEqual(b.res.history.map((h) => h.loss), a.res.history.map((h) => h.loss));
});

test('examples unlabelled for a task (−1) train the other task only; bad labels are clear errors', async () => {
  const partial = { ...train, labels: [train.labels[0], Int32Array.from(train.labels[1], (l, i) => (i % 2 ? -1 : l))] };
  const model = await buildMultiTaskModel({ kind: 'scratch', arch: 'mlp' }, heads, { seed: 3, inputShape: [4] });
  const res = await trainMultiTask(model, partial, { epochs: 3, seed: 3, learningRate: 0.01, weighting: { kind: 'fixed' } });
  assert.ok(res.history.every((h) => Number.isFinite(h.loss)));
  await assert.rejects(trainMultiTask(model, { ...train, labels: [train.labels[0]] }, { epochs: 1, seed: 1, weighting: { kind: 'fixed' } }), (e: Error & { code?: string }) => e.code === 'SHAPE_MISMATCH' && /labels for 1 tasks but the model has 2 heads/.test(e.message));
  const bad = { ...train, labels: [train.labels[0], Int32Array.from(train.labels[1], (l, i) => (i === 7 ? 5 : l))] };
  await assert.rejects(trainMultiTask(model, bad, { epochs: 1, seed: 1, weighting: { kind: 'fixed' } }), (e: Error & { code?: string }) => e.code === 'BAD_LABEL' && /Example 7 .* label index 5 for task 2/.test(e.message));
  await assert.rejects(trainMultiTask(model, train, { epochs: 1, seed: 1, weighting: { kind: 'fixed', weights: [1, 2, 3] } }), (e: Error & { code?: string }) => e.code === 'BAD_OPTION');
  model.dispose();
});
