/**
 * The ONNX training engine apart from gradient parity: exact weight layouts, clear errors for
 * what it cannot compile, prediction, seeded dropout, partial batches and released sessions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../src/errors.ts';
import { fromOnnxLayout, OnnxTrainer, onnxShape, toOnnxLayout } from '../../src/models/onnx-train/index.ts';
import { randomArray, randomLabels } from './helpers.ts';

await tf.setBackend('cpu');

let seed = 500;
const init = () => tf.initializers.glorotUniform({ seed: seed++ });

function smallCnn(dropout = 0): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init(), name: 'conv' }));
  m.add(tf.layers.batchNormalization({ name: 'bn', movingMeanInitializer: init() }));
  m.add(tf.layers.activation({ activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: init(), name: 'hidden' }));
  if (dropout > 0) m.add(tf.layers.dropout({ rate: dropout }));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(), name: 'head' }));
  return m;
}

test('weight layouts convert exactly both ways, element by element', () => {
  const conv = randomArray(3 * 2 * 5 * 4, 'conv');
  const oihw = toOnnxLayout('conv', conv, [3, 2, 5, 4]);
  assert.deepEqual(onnxShape('conv', [3, 2, 5, 4]), [4, 5, 3, 2]);
  // tf [i, j, c, o] == onnx [o, c, i, j]
  assert.equal(oihw[((3 * 5 + 2) * 3 + 1) * 2 + 1], conv[((1 * 2 + 1) * 5 + 2) * 4 + 3]);
  assert.deepEqual(fromOnnxLayout('conv', oihw, [3, 2, 5, 4]), conv);
  const dw = randomArray(3 * 3 * 4 * 2, 'dw');
  const dwOnnx = toOnnxLayout('depthwise', dw, [3, 3, 4, 2]);
  assert.deepEqual(onnxShape('depthwise', [3, 3, 4, 2]), [8, 1, 3, 3]);
  // tf [i, j, c, m] == onnx [c·mult + m, 0, i, j]
  assert.equal(dwOnnx[((2 * 2 + 1) * 3 + 2) * 3 + 0], dw[((2 * 3 + 0) * 4 + 2) * 2 + 1]);
  assert.deepEqual(fromOnnxLayout('depthwise', dwOnnx, [3, 3, 4, 2]), dw);
});

test('a trainer that never steps writes back every weight bit for bit', async () => {
  const m = smallCnn();
  const before = m.weights.map((w) => Array.from(w.read().dataSync()));
  const t = new OnnxTrainer(m, { batchSize: 4, numClasses: 3, seed: 0 });
  t.writeBack();
  await t.dispose();
  m.weights.forEach((w, i) => assert.deepEqual(Array.from(w.read().dataSync()), before[i], w.name));
});

test('an unsupported layer is an ONNX_TRAIN_UNSUPPORTED error naming the layer and its class', () => {
  const rnn = tf.sequential();
  rnn.add(tf.layers.simpleRNN({ inputShape: [4, 3], units: 2, name: 'my_rnn' }));
  rnn.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  assert.throws(() => new OnnxTrainer(rnn, { batchSize: 2, numClasses: 2, seed: 0 }), (e: unknown) => e instanceof TransferkitError && e.code === 'ONNX_TRAIN_UNSUPPORTED' && /"my_rnn" \(SimpleRNN\)/.test(e.message));
  const dil = tf.sequential();
  dil.add(tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, dilationRate: 2, name: 'dilated' }));
  dil.add(tf.layers.flatten());
  dil.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  assert.throws(() => new OnnxTrainer(dil, { batchSize: 2, numClasses: 2, seed: 0 }), (e: unknown) => e instanceof TransferkitError && e.code === 'ONNX_TRAIN_UNSUPPORTED' && /"dilated" \(Conv2D\).*dilation/.test(e.message));
  const input = tf.input({ shape: [4] });
  const a = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
  const sum = tf.layers.multiply({ name: 'merge' }).apply([a, b]) as tf.SymbolicTensor;
  const branchy = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(sum) as tf.SymbolicTensor });
  const shared = tf.layers.dense({ units: 4, name: 'twice' });
  const twice = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(shared.apply(shared.apply(input))) as tf.SymbolicTensor });
  assert.throws(() => new OnnxTrainer(twice, { batchSize: 2, numClasses: 2, seed: 0 }), (e: unknown) => e instanceof TransferkitError && e.code === 'ONNX_TRAIN_UNSUPPORTED' && /"twice" \(Dense\).*shared/.test(e.message));
  assert.throws(() => new OnnxTrainer(branchy, { batchSize: 2, numClasses: 2, seed: 0 }), (e: unknown) => e instanceof TransferkitError && e.code === 'ONNX_TRAIN_UNSUPPORTED' && /"merge" \(Multiply\)/.test(e.message));
});

test('predict matches TF.js inference (BatchNorm statistics, dropout off, partial last batch), and so do inner layers\' features (NHWC)', async () => {
  const m = smallCnn(0.4);
  const n = 11;
  const x = randomArray(n * 64, 'px');
  const t = new OnnxTrainer(m, { batchSize: 4, numClasses: 3, seed: 0, evalBatch: 4 });
  const probs = await t.predict(x, n);
  const ref = tf.tidy(() => (m.predict(tf.tensor(x, [n, 8, 8, 1])) as tf.Tensor).dataSync());
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(probs[i] - ref[i]) < 1e-5, `prob ${i}: ${probs[i]} vs ${ref[i]}`);
  for (const layer of ['hidden', 'bn']) {
    const feats = await t.predict(x, n, { layer });
    const sub = tf.model({ inputs: m.inputs, outputs: m.getLayer(layer).output as tf.SymbolicTensor });
    const want = tf.tidy(() => (sub.predict(tf.tensor(x, [n, 8, 8, 1])) as tf.Tensor).dataSync());
    assert.equal(feats.length, want.length);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(feats[i] - want[i]) < 1e-4, `${layer} ${i}: ${feats[i]} vs ${want[i]}`);
  }
  assert.equal(t.sessionCount, 3);
  await t.dispose();
});

test('dropout masks are seeded: the same seed repeats a run, another seed does not', async () => {
  const x = randomArray(6 * 64, 'dx');
  const y = randomLabels(6, 3, 'dy');
  const run = async (s: number) => {
    const m = smallCnn(0.5);
    m.setWeights(base.getWeights());
    const t = new OnnxTrainer(m, { batchSize: 6, numClasses: 3, seed: s });
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) losses.push((await t.step(x, y, 0.01)).loss);
    await t.dispose();
    return losses;
  };
  const base = smallCnn(0.5);
  const a = await run(7);
  assert.deepEqual(await run(7), a);
  assert.notDeepEqual(await run(8), a);
});

test('a last partial batch gets its own session; dispose releases every session; steps after dispose fail', async () => {
  const t = new OnnxTrainer(smallCnn(), { batchSize: 4, numClasses: 3, seed: 0 });
  await t.step(randomArray(4 * 64, 'a'), randomLabels(4, 3, 'a'), 1e-3);
  const r = await t.step(randomArray(3 * 64, 'b'), randomLabels(3, 3, 'b'), 1e-3);
  assert.ok(Number.isFinite(r.loss) && r.correct >= 0 && r.correct <= 3);
  assert.equal(t.sessionCount, 2);
  await t.dispose();
  assert.equal(t.sessionCount, 0);
  await assert.rejects(t.step(randomArray(4 * 64, 'a'), randomLabels(4, 3, 'a'), 1e-3), (e: unknown) => e instanceof TransferkitError && e.code === 'DISPOSED');
});

test('no leak: 2,000 steps and 30 trainers made and disposed keep memory bounded', async () => {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [16], units: 32, activation: 'relu', kernelInitializer: init() }));
  m.add(tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init() }));
  const x = randomArray(8 * 16, 'lx');
  const y = randomLabels(8, 4, 'ly');
  const tensors = tf.memory().numTensors;
  const t = new OnnxTrainer(m, { batchSize: 8, numClasses: 4, seed: 0 });
  for (let i = 0; i < 200; i++) await t.step(x, y, 1e-3);
  const rss0 = process.memoryUsage().rss;
  for (let i = 0; i < 1800; i++) await t.step(x, y, 1e-3);
  const grown = process.memoryUsage().rss - rss0;
  await t.dispose();
  assert.ok(grown < 32 * 2 ** 20, `RSS grew ${(grown / 2 ** 20).toFixed(1)} MiB over 1,800 steps`);
  const rss1 = process.memoryUsage().rss;
  for (let i = 0; i < 30; i++) {
    const tr = new OnnxTrainer(m, { batchSize: 8, numClasses: 4, seed: i });
    await tr.step(x, y, 1e-3);
    tr.writeBack();
    await tr.dispose();
  }
  const grown2 = process.memoryUsage().rss - rss1;
  assert.ok(grown2 < 48 * 2 ** 20, `RSS grew ${(grown2 / 2 ** 20).toFixed(1)} MiB over 30 trainers`);
  assert.equal(tf.memory().numTensors, tensors);
});
