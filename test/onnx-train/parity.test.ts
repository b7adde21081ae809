/**
 * One training step on onnxruntime (the compiled graph) against the same step with TF.js on the
 * cpu backend (`trainModel`), for every supported layer kind: updated weights, BatchNorm
 * statistics and the loss must agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { keepBatchNormInInference } from '../../src/models/surgery.ts';
import { OnnxTrainer } from '../../src/models/onnx-train/index.ts';
import { l2spPenalty } from '../../src/transfer/regularizers.ts';
import { AdamW, trainModel, weightedCrossEntropy } from '../../src/transfer/train.ts';
import { createRng } from '../../src/util/random.ts';
import { randomArray, randomLabels, relDiff, stepBoth, type StepOptions } from './helpers.ts';

await tf.setBackend('cpu');

let seed = 100;
const init = () => tf.initializers.glorotUniform({ seed: seed++ });

async function check(build: () => tf.LayersModel, opts: StepOptions, tol = 1e-4): Promise<void> {
  const r = await stepBoth(build, opts);
  assert.ok(Math.abs(r.tfLoss - r.onnxLoss) <= 1e-5 * Math.max(1, Math.abs(r.tfLoss)), `loss ${r.tfLoss} vs ${r.onnxLoss}`);
  r.tfjs.weights.forEach((w, i) => {
    const d = relDiff(w.read().dataSync(), r.onnx.weights[i].read().dataSync());
    assert.ok(d <= tol, `${w.name}: relative difference ${d}`);
  });
  tf.dispose([r.tfjs, r.onnx] as unknown as tf.Tensor[]);
}

test('conv same/valid, stride 1/2, bias, BatchNorm (training mode), max pooling, flatten, dense', async () => {
  await check(() => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [9, 9, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init() }));
    m.add(tf.layers.batchNormalization({ momentum: 0.9 }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'valid', useBias: false, kernelInitializer: init() }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init() }));
    return m;
  }, { n: 6, steps: 2 });
});

test('depthwise (same, stride 2, multiplier 2), ReLU6, zero padding, average pooling (valid, overlapping), global average pooling', async () => {
  await check(() => {
    const m = tf.sequential();
    m.add(tf.layers.depthwiseConv2d({ inputShape: [8, 7, 3], kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu6', depthwiseInitializer: init(), biasInitializer: init() }));
    m.add(tf.layers.zeroPadding2d({ padding: [[1, 2], [0, 1]] }));
    // 'valid': TF.js's AvgPoolGrad divides by the full window even where 'same' padding cut it (its
    // forward does not), so only 'valid' can be compared; the ONNX rule divides by the true count
    m.add(tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'valid' }));
    m.add(tf.layers.conv2d({ filters: 4, kernelSize: 2, strides: 2, padding: 'same', kernelInitializer: init() }));
    m.add(tf.layers.reLU({ maxValue: 6 }));
    m.add(tf.layers.globalAveragePooling2d({}));
    m.add(tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init() }));
    return m;
  }, { n: 5 });
});

test('depthwise valid stride 1, overlapping max pooling with same padding, reshape, BatchNorm on dense features', async () => {
  await check(() => {
    const m = tf.sequential();
    m.add(tf.layers.depthwiseConv2d({ inputShape: [7, 7, 2], kernelSize: [3, 2], padding: 'valid', useBias: false, depthwiseInitializer: init() }));
    m.add(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }));
    m.add(tf.layers.reshape({ targetShape: [3, 6, 1] }));
    m.add(tf.layers.conv2d({ filters: 3, kernelSize: 2, kernelInitializer: init(), activation: 'tanh' }));
    m.add(tf.layers.reshape({ targetShape: [30] }));
    m.add(tf.layers.batchNormalization({ momentum: 0.5, epsilon: 0.01 }));
    m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init() }));
    return m;
  }, { n: 7 });
});

test('global max pooling', async () => {
  await check(() => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [6, 5, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init() }));
    m.add(tf.layers.globalMaxPooling2d({}));
    m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init() }));
    return m;
  }, { n: 5, steps: 2 });
});

test('dense chain: sigmoid, tanh, relu, a softmax inside, Activation and Softmax layers; class weights, label smoothing, weight decay', async () => {
  await check(() => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [6], units: 8, activation: 'sigmoid', kernelInitializer: init() }));
    m.add(tf.layers.dense({ units: 7, activation: 'tanh', kernelInitializer: init(), biasInitializer: init() }));
    m.add(tf.layers.dense({ units: 6, activation: 'softmax', kernelInitializer: init() }));
    m.add(tf.layers.dense({ units: 5, useBias: false, kernelInitializer: init() }));
    m.add(tf.layers.activation({ activation: 'relu' }));
    m.add(tf.layers.dense({ units: 3, kernelInitializer: init() }));
    m.add(tf.layers.softmax());
    return m;
  }, { n: 9, steps: 3, classWeights: [0.5, 2, 1.25], labelSmoothing: 0.1, weightDecay: 0.05 });
});

test('frozen layers stay exactly as they were; a pinned BatchNorm runs in inference mode; per-layer learning rates', async () => {
  const build = () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: init(), name: 'c1' }));
    m.add(tf.layers.batchNormalization({ name: 'bn1', movingMeanInitializer: init() }));
    m.add(tf.layers.activation({ activation: 'relu' }));
    m.add(tf.layers.conv2d({ filters: 2, kernelSize: 3, kernelInitializer: init(), name: 'c2' }));
    m.add(tf.layers.batchNormalization({ name: 'bn2' }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(), name: 'head' }));
    m.getLayer('c1').trainable = false;
    keepBatchNormInInference(m);
    m.getLayer('bn2').trainable = true; // gamma/beta train, statistics stay (pinned)
    return m;
  };
  const r = await stepBoth(build, { n: 4, layerLr: new Map([['c2', 0.3], ['head', 2]]) });
  assert.ok(Math.abs(r.tfLoss - r.onnxLoss) <= 1e-5);
  r.tfjs.weights.forEach((w, i) => {
    const after = r.onnx.weights[i].read().dataSync();
    assert.ok(relDiff(w.read().dataSync(), after) <= 1e-4, w.name);
    if (/c1|bn1|moving/.test(w.name)) assert.deepEqual(Array.from(after), Array.from(r.before[i]), `${w.name} changed`);
    else assert.notDeepEqual(Array.from(after), Array.from(r.before[i]), `${w.name} did not train`);
  });
});

test('branches: a residual Add, a channel Concatenate, a value feeding three layers, a nested model, frozen stem', async () => {
  await check(() => {
    const inner = tf.sequential({ name: 'stem' });
    inner.add(tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(), name: 'stem_conv' }));
    // (no bias: a bias right before BatchNorm gets a zero gradient, and Adam turns rounding noise into full steps)
    inner.add(tf.layers.batchNormalization({ name: 'stem_bn' }));
    const input = tf.input({ shape: [6, 6, 2] });
    const s = inner.apply(input) as tf.SymbolicTensor;
    const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init() }).apply(s) as tf.SymbolicTensor;
    const b = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthwiseInitializer: init() }).apply(s) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([s, a, b]) as tf.SymbolicTensor;
    const cat = tf.layers.concatenate().apply([sum, tf.layers.activation({ activation: 'sigmoid' }).apply(s) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    const pooled = tf.layers.maxPooling2d({ poolSize: 2 }).apply(cat) as tf.SymbolicTensor;
    const flat = tf.layers.flatten().apply(pooled) as tf.SymbolicTensor;
    const d1 = tf.layers.dense({ units: 5, activation: 'tanh', kernelInitializer: init() }).apply(flat) as tf.SymbolicTensor;
    const d2 = tf.layers.dense({ units: 5, kernelInitializer: init() }).apply(flat) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate({ axis: 1 }).apply([d1, d2]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init() }).apply(joined) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: out });
    return m;
  }, { n: 5, steps: 2 });
  await check(() => {
    const input = tf.input({ shape: [5, 5, 3] });
    const stem = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: init(), name: 'frozen_stem', trainable: false }).apply(input) as tf.SymbolicTensor;
    const branch = tf.layers.conv2d({ filters: 3, kernelSize: 1, kernelInitializer: init() }).apply(stem) as tf.SymbolicTensor;
    const res = tf.layers.add().apply([stem, branch]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init() }).apply(tf.layers.globalAveragePooling2d({}).apply(res) as tf.SymbolicTensor) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  }, { n: 4 });
});

test('dropout: the step equals TF.js with the same mask (0 or 1/(1 − rate), drawn from the trainer\'s seeded stream)', async () => {
  const build = () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [6], units: 10, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 900 }), name: 'h' }));
    m.add(tf.layers.dropout({ rate: 0.4, name: 'drop' }));
    m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 901 }), name: 'out' }));
    return m;
  };
  const n = 8;
  const x = randomArray(n * 6, 'dx');
  const y = randomLabels(n, 3, 'dy');
  const a = build();
  const b = build();
  // the mask the trainer draws first: its stream `${seed}:onnx-dropout`, floor(u + keep) / keep
  const rng = createRng('5:onnx-dropout');
  const mask = Float32Array.from({ length: n * 10 }, () => Math.floor(rng.next() + 0.6) / 0.6);
  const opt = new AdamW({ learningRate: 0.01 });
  const vars = a.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const loss = tf.tidy(() => {
    const xs = tf.tensor(x, [n, 6]);
    const targets = tf.oneHot(tf.tensor1d(y, 'int32'), 3).cast('float32');
    const { value, grads } = tf.variableGrads(() => {
      const h = tf.mul(a.getLayer('h').apply(xs) as tf.Tensor, tf.tensor(mask, [n, 10]));
      return weightedCrossEntropy(a.getLayer('out').apply(h) as tf.Tensor, targets, tf.onesLike(tf.tensor1d(y, 'float32')));
    }, vars);
    opt.applyGradients(vars.map((v) => ({ variable: v, gradient: grads[v.name] })));
    return value.dataSync()[0];
  });
  opt.dispose();
  const t = new OnnxTrainer(b, { batchSize: n, numClasses: 3, seed: 5 });
  const r = await t.step(x, y, 0.01);
  t.writeBack();
  await t.dispose();
  assert.ok(Math.abs(r.loss - loss) < 1e-5, `loss ${r.loss} vs ${loss}`);
  a.weights.forEach((w, i) => assert.ok(relDiff(w.read().dataSync(), b.weights[i].read().dataSync()) < 1e-4, w.name));
});

test('L2-SP: α‖w − w₀‖² on the base layers\' weights (anchors given), β‖w‖² on the rest, as l2spPenalty', async () => {
  const build = () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [5, 5, 1], filters: 2, kernelSize: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 950 }), name: 'base_conv' }));
    m.add(tf.layers.flatten({ name: 'base_flat' }));
    m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 951 }), name: 'new_head' }));
    return m;
  };
  const probe = build();
  const anchors = new Map<string, Float32Array>();
  for (const layer of probe.layers.slice(0, 2)) for (const w of layer.weights) anchors.set(w.originalName, randomArray(w.shape.reduce((p: number, d) => p * (d ?? 1), 1), `anchor:${w.originalName}`));
  await check(build, { n: 6, steps: 2, l2sp: { alpha: 0.5, beta: 0.2, anchors }, penalty: (m) => l2spPenalty(m, 2, { alpha: 0.5, beta: 0.2 }, anchors) });
});

test('gradual unfreezing: a new trainer per frozen set, carrying adamState(), matches trainModel with beforeEpoch', async () => {
  const build = () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 970 }), name: 'body' }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 971 }), name: 'top' }));
    m.getLayer('body').trainable = false;
    return m;
  };
  const n = 6;
  const x = randomArray(n * 36, 'ux');
  const y = randomLabels(n, 3, 'uy');
  const a = build();
  const b = build();
  const res = await trainModel(a, { x, shape: [n, 6, 6, 1], y }, { epochs: 3, batchSize: n, seed: 4, learningRate: 0.01, engine: 'tfjs', beforeEpoch: (e) => { if (e === 2) a.getLayer('body').trainable = true; } });
  let trainer = new OnnxTrainer(b, { batchSize: n, numClasses: 3, seed: 4 });
  let loss = 0;
  for (let e = 1; e <= 3; e++) {
    if (e === 2) {
      trainer.writeBack();
      const state = trainer.adamState();
      await trainer.dispose();
      b.getLayer('body').trainable = true;
      trainer = new OnnxTrainer(b, { batchSize: n, numClasses: 3, seed: 4 }, state);
    }
    const order = createRng(`4:train:${e}`).shuffle(Array.from({ length: n }, (_, i) => i));
    const xb = new Float32Array(x.length);
    order.forEach((r, j) => xb.set(x.subarray(r * 36, (r + 1) * 36), j * 36));
    loss = (await trainer.step(xb, Int32Array.from(order, (r) => y[r]), 0.01)).loss;
  }
  trainer.writeBack();
  await trainer.dispose();
  assert.ok(Math.abs(loss - res.history[2].loss) < 1e-5, `loss ${loss} vs ${res.history[2].loss}`);
  a.weights.forEach((w, i) => assert.ok(relDiff(w.read().dataSync(), b.weights[i].read().dataSync()) < 1e-4, w.name));
});
