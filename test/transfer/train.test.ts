import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildCnn, buildMlp } from '../../src/models/architectures.ts';
import { balancedClassWeights, trainModel, type TensorData } from '../../src/transfer/train.ts';
import { predictProbs } from '../../src/models/predict-probs.ts';
import { createRng, seedMathRandom } from '../../src/util/random.ts';
import { blobs } from './helpers.ts';
import { loadBuiltin } from '../../src/data/builtins.ts';
import { setTrainingEngine } from '../../src/engine/training-engine.ts';
import { TransferkitError } from '../../src/errors.ts';
import { applyLora } from '../../src/transfer/lora/apply.ts';
import { l2spPenalty } from '../../src/transfer/regularizers.ts';

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

// ---- the training engine: ONNX by default, TF.js fallback ----

/** Iris, standardised, split 100 / 50 by a seeded shuffle: a small real task. */
async function irisSplit(): Promise<{ train: TensorData; test: TensorData }> {
  const ds = await loadBuiltin('iris');
  if (ds.features.kind !== 'tabular') throw new Error('iris is tabular');
  const cols = ds.features.columns.map((c) => {
    const v = c.values as Float64Array;
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    return Array.from(v, (x) => (x - mean) / sd);
  });
  const rows = createRng('iris-split').shuffle(Array.from({ length: ds.size }, (_, i) => i));
  const take = (idx: number[]): TensorData => ({
    x: Float32Array.from(idx.flatMap((r) => cols.map((c) => c[r]))),
    shape: [idx.length, cols.length],
    y: Int32Array.from(idx, (r) => ds.labels[r]),
  });
  return { train: take(rows.slice(0, 100)), test: take(rows.slice(100)) };
}

function accuracyOf(model: tf.LayersModel, data: TensorData): number {
  const k = model.outputs[0].shape[1] as number;
  const probs = predictProbs(model, data);
  let hits = 0;
  for (let i = 0; i < data.y.length; i++) {
    let arg = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + arg]) arg = c;
    if (arg === data.y[i]) hits++;
  }
  return hits / data.y.length;
}

test('onnx is the default engine and reaches the same accuracy as tfjs on iris (same seed)', async () => {
  const { train, test: held } = await irisSplit();
  const run = async (engine?: 'onnx' | 'tfjs') => {
    const model = buildMlp(4, 3, { hidden: [16], dropout: 0, seed: 7 });
    const res = await trainModel(model, train, { epochs: 20, batchSize: 16, seed: 7, learningRate: 0.01, val: held, patience: 50, engine });
    const acc = accuracyOf(model, held);
    model.dispose();
    return { res, acc };
  };
  const onnx = await run();
  const tfjs = await run('tfjs');
  assert.equal(onnx.res.engine, 'onnx');
  assert.equal(onnx.res.engineFallback, undefined);
  assert.equal(tfjs.res.engine, 'tfjs');
  assert.ok(onnx.acc > 0.85 && tfjs.acc > 0.85, `onnx ${onnx.acc}, tfjs ${tfjs.acc}`);
  assert.ok(Math.abs(onnx.acc - tfjs.acc) <= 0.04, `onnx ${onnx.acc} vs tfjs ${tfjs.acc}`);
  // no dropout: the same arithmetic up to rounding, epoch by epoch
  onnx.res.history.forEach((h, i) => assert.ok(Math.abs(h.loss - tfjs.res.history[i].loss) < 1e-3 * Math.max(1, h.loss), `epoch ${h.epoch}: ${h.loss} vs ${tfjs.res.history[i].loss}`));
});

test('onnx: the same seed gives the same history (dropout on), with early stopping and the best epoch restored', async () => {
  const run = async () => {
    const model = buildMlp(2, 2, { hidden: [8], dropout: 0.3, seed: 5 });
    const res = await trainModel(model, blobs(64, 1), { epochs: 6, seed: 5, batchSize: 16, val: blobs(32, 2), patience: 2, engine: 'onnx' });
    const w = model.getWeights().map((t) => Array.from(t.dataSync()));
    model.dispose();
    return { res, w };
  };
  const a = await run();
  const b = await run();
  assert.equal(a.res.engine, 'onnx');
  assert.deepEqual(a.res.history.map((h) => [h.loss, h.accuracy, h.valLoss, h.valAccuracy]), b.res.history.map((h) => [h.loss, h.accuracy, h.valLoss, h.valAccuracy]));
  assert.deepEqual(a.w, b.w);
  assert.equal(Math.min(...a.res.history.map((h) => h.valLoss!)), a.res.history.find((h) => h.epoch === a.res.bestEpoch)!.valLoss);
});

test('an unsupported model falls back to tfjs with the reason; engine onnx asked explicitly is a clear error', async () => {
  const data = blobs(32, 1);
  const lora = applyLora(buildMlp(2, 2, { hidden: [8], seed: 1 }), { rank: 2, layers: ['dense1'], seed: 1 });
  const res = await trainModel(lora, data, { epochs: 1, seed: 1 });
  assert.equal(res.engine, 'tfjs');
  assert.match(res.engineFallback ?? '', /cannot compile layer "dense1"/);
  await assert.rejects(trainModel(lora, data, { epochs: 1, seed: 1, engine: 'onnx' }), (err: unknown) => {
    assert.ok(err instanceof TransferkitError);
    assert.equal(err.code, 'ONNX_TRAIN_UNSUPPORTED');
    assert.match(err.message, /asked for by the engine option.*"dense1"/);
    return true;
  });
  // an explicit setting of the thread counts as asking, too
  setTrainingEngine('onnx');
  try {
    await assert.rejects(trainModel(lora, data, { epochs: 1, seed: 1 }), /ONNX training engine \(asked for by setting\)/);
  } finally {
    setTrainingEngine(undefined);
  }
  lora.dispose();
  // a penalty that is a closure, not L2-SP
  const mlp = buildMlp(2, 2, { hidden: [8], seed: 1 });
  const closure = { loss: () => null, dispose: () => undefined };
  const r2 = await trainModel(mlp, data, { epochs: 1, seed: 1, penalty: closure });
  assert.equal(r2.engine, 'tfjs');
  assert.match(r2.engineFallback ?? '', /not L2-SP/);
  await assert.rejects(trainModel(mlp, data, { epochs: 1, seed: 1, penalty: closure, engine: 'onnx' }), /not L2-SP/);
  mlp.dispose();
});

test('gradual unfreezing and L2-SP on onnx match tfjs on a tiny CNN', async () => {
  const build = () => {
    const m = buildCnn([8, 8, 1], 3, { seed: 11 });
    m.layers.forEach((l, i) => (l.trainable = i >= m.layers.length - 1));
    return m;
  };
  const n = 12;
  const rng = createRng(12);
  const data: TensorData = { x: Float32Array.from({ length: n * 64 }, () => rng.next()), shape: [n, 8, 8, 1], y: Int32Array.from({ length: n }, (_, i) => i % 3) };
  const run = async (engine: 'onnx' | 'tfjs') => {
    const model = build();
    for (const l of model.layers) if (l.getClassName() === 'Dropout') (l as unknown as { rate: number }).rate = 0;
    const penalty = l2spPenalty(model, model.layers.length - 1, { alpha: 0.05, beta: 0.01 });
    try {
      const res = await trainModel(model, data, {
        epochs: 4, seed: 3, batchSize: 6, learningRate: 0.01, engine, penalty,
        beforeEpoch: (e) => { if (e === 3) model.layers.forEach((l) => (l.trainable = true)); },
      });
      const w = model.weights.map((v) => v.read().dataSync().slice() as Float32Array);
      model.dispose();
      return { res, w };
    } finally {
      penalty.dispose();
    }
  };
  const before = tf.memory().numTensors;
  const onnx = await run('onnx');
  const tfjs = await run('tfjs');
  assert.equal(tf.memory().numTensors, before);
  assert.equal(onnx.res.engine, 'onnx');
  onnx.res.history.forEach((h, i) => assert.ok(Math.abs(h.loss - tfjs.res.history[i].loss) < 1e-4, `epoch ${h.epoch}: onnx ${h.loss} vs tfjs ${tfjs.res.history[i].loss}`));
  onnx.w.forEach((w, i) => {
    let d = 0;
    let m = 1e-3;
    for (let j = 0; j < w.length; j++) {
      d = Math.max(d, Math.abs(w[j] - tfjs.w[i][j]));
      m = Math.max(m, Math.abs(tfjs.w[i][j]));
    }
    assert.ok(d / m < 1e-3, `weight ${i}: relative difference ${d / m}`);
  });
});

test('a head split off a full model (its layers also applied there) trains on onnx and updates the full model', async () => {
  const full = buildMlp(2, 2, { hidden: [8], dropout: 0, seed: 3 });
  const input = tf.input({ shape: [8] });
  const head = tf.model({ inputs: input, outputs: full.getLayer('head').apply(input) as tf.SymbolicTensor });
  const before = full.getLayer('head').getWeights()[0].dataSync().slice();
  const feats: TensorData = { x: Float32Array.from({ length: 32 * 8 }, (_, i) => Math.sin(i)), shape: [32, 8], y: Int32Array.from({ length: 32 }, (_, i) => i % 2) };
  const res = await trainModel(head, feats, { epochs: 2, seed: 1 });
  assert.equal(res.engine, 'onnx', res.engineFallback ?? '');
  assert.notDeepEqual(full.getLayer('head').getWeights()[0].dataSync(), before);
  full.dispose();
});

test('onnx: a diverging run is TRAINING_DIVERGED, before onEpoch sees the diverged epoch', async () => {
  const model = buildMlp(2, 2, { hidden: [8], seed: 1 });
  const seen: number[] = [];
  let diverged = 0;
  await assert.rejects(
    trainModel(model, blobs(64, 1), { epochs: 6, seed: 1, learningRate: 1e20, phase: 'head', engine: 'onnx', onEpoch: (r) => void seen.push(r.epoch) }),
    (err: unknown) => {
      assert.ok(err instanceof TransferkitError && err.code === 'TRAINING_DIVERGED', String(err));
      diverged = Number(/head epoch (\d+)/.exec(err.message)?.[1]);
      return true;
    },
  );
  assert.ok(diverged >= 1);
  assert.ok(seen.every((e) => e < diverged), `onEpoch saw ${seen} (diverged in epoch ${diverged})`);
  model.dispose();
});
