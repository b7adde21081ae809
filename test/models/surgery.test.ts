import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildCnn, buildLogistic, buildMlp } from '../../src/models/architectures.ts';
import { countParams, cutAt, freeze, keepBatchNormInInference, listLayers, replaceHead, resolveLayer, unfreeze } from '../../src/models/surgery.ts';
import { TransferkitError } from '../../src/errors.ts';

before(async () => {
  await tf.setBackend('cpu');
});

const cnn = () => buildCnn([8, 8, 1], 4, { seed: 1 });
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function expectCode(fn: () => unknown, code: string): TransferkitError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TransferkitError, `expected TransferkitError, got ${String(err)}`);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('listLayers / countParams', () => {
  test('params add up to model.countParams() and rows describe layers', () => {
    const model = cnn();
    const rows = listLayers(model);
    assert.equal(rows.length, model.layers.length);
    assert.equal(rows.reduce((s, r) => s + r.params, 0), model.countParams());
    const conv1 = rows.find((r) => r.name === 'conv1')!;
    assert.deepEqual([conv1.type, conv1.params, conv1.outputShape], ['Conv2D', 3 * 3 * 1 * 32, [null, 8, 8, 32]]);
    const bn1 = rows.find((r) => r.name === 'bn1')!;
    assert.deepEqual([bn1.params, bn1.trainableParams], [4 * 32, 2 * 32]);
    const c = countParams(model);
    assert.equal(c.total, model.countParams());
    assert.equal(c.trainable, rows.reduce((s, r) => s + r.trainableParams, 0));
    assert.equal(c.total - c.trainable, 2 * 32 + 2 * 64); // BN moving statistics
  });
});

describe('resolveLayer', () => {
  test('by name, index, negative index and digit string', () => {
    const model = cnn();
    assert.equal(resolveLayer(model, 'conv2').name, 'conv2');
    assert.equal(resolveLayer(model, 1).name, 'conv1');
    assert.equal(resolveLayer(model, -1).name, 'head');
    assert.equal(resolveLayer(model, '-2').name, 'dropout1');
  });

  test('unknown name names the ref and lists layers, closest first', () => {
    const err = expectCode(() => resolveLayer(cnn(), 'conv3'), 'UNKNOWN_LAYER');
    assert.match(err.message, /"conv3"/);
    assert.match(err.message, /Did you mean "conv[12]"/);
    assert.match(err.hint!, /^Layers \(closest first\): conv[12], conv[12],/);
    for (const n of ['bn1', 'flatten', 'head']) assert.ok(err.hint!.includes(n));
    expectCode(() => resolveLayer(cnn(), 99), 'UNKNOWN_LAYER');
    expectCode(() => resolveLayer(cnn(), -99), 'UNKNOWN_LAYER');
  });
});

describe('cutAt', () => {
  test('ends at the layer and shares weights', () => {
    const model = cnn();
    const features = cutAt(model, 'flatten');
    assert.deepEqual(features.outputs[0].shape, [null, 2 * 2 * 64]);
    const y = tf.tidy(() => features.predict(tf.ones([3, 8, 8, 1])) as tf.Tensor);
    assert.deepEqual(y.shape, [3, 256]);
    y.dispose();
    assert.equal(features.getLayer('conv1'), model.getLayer('conv1'));
  });
});

describe('replaceHead', () => {
  test('new head with numClasses outputs; base weights untouched', () => {
    const base = cnn();
    const before = base.getLayer('conv2').getWeights()[0].dataSync().slice();
    const model = replaceHead(base, 3, { hidden: [16], dropout: 0.2, seed: 5 });
    assert.deepEqual(model.outputs[0].shape, [null, 3]);
    const names = model.layers.map((l) => l.name);
    assert.deepEqual(names.slice(-3), ['head_dense1', 'head_dropout1', 'head']);
    assert.ok(!names.includes('dropout1') || names.indexOf('dropout1') < names.indexOf('head_dense1'));
    assert.equal(names.filter((n) => n === 'head').length, 1);
    assert.deepEqual(Array.from(model.getLayer('conv2').getWeights()[0].dataSync()), Array.from(before));
    const y = tf.tidy(() => model.predict(tf.ones([2, 8, 8, 1])) as tf.Tensor);
    assert.deepEqual(y.shape, [2, 3]);
    y.dispose();
  });

  test('seeded: same seed, same head weights', () => {
    const a = replaceHead(cnn(), 3, { seed: 9 }).getLayer('head').getWeights()[0].dataSync();
    const b = replaceHead(cnn(), 3, { seed: 9 }).getLayer('head').getWeights()[0].dataSync();
    const c = replaceHead(cnn(), 3, { seed: 10 }).getLayer('head').getWeights()[0].dataSync();
    assert.deepEqual(Array.from(a), Array.from(b));
    assert.notDeepEqual(Array.from(a), Array.from(c));
  });

  test('flattens a conv cut, works on MLP and logistic, refuses name clashes', () => {
    const m = replaceHead(cnn(), 2, { cutAt: 'pool2' });
    assert.ok(m.layers.some((l) => l.name === 'head_flatten'));
    assert.deepEqual(m.outputs[0].shape, [null, 2]);
    const mlp = replaceHead(buildMlp(4, 3, { hidden: [8], seed: 0 }), 5);
    assert.deepEqual(mlp.layers.map((l) => l.name), ['features', 'dense1', 'dropout1', 'head']);
    assert.equal(mlp.getLayer('head').getWeights()[0].shape[1], 5);
    const lr = replaceHead(buildLogistic(4, 2), 6);
    assert.deepEqual(lr.outputs[0].shape, [null, 6]);
    const err = expectCode(() => replaceHead(cnn(), 2, { cutAt: 'head' }), 'LAYER_NAME_TAKEN');
    assert.match(err.hint!, /headName/);
    assert.equal(replaceHead(cnn(), 2, { cutAt: 'head', headName: 'head2' }).outputs[0].shape[1], 2);
  });
});

describe('freeze / unfreeze', () => {
  test('by name, index and allButTopK change the trainable count', () => {
    const model = cnn();
    const p = (n: string) => model.getLayer(n).countParams();
    const all = countParams(model).trainable;
    const headP = p('head');
    const denseP = p('dense1');

    assert.deepEqual(freeze(model, { names: ['conv1'] }), ['conv1']);
    assert.equal(countParams(model).trainable, all - 288);
    freeze(model, { indices: [-1] });
    assert.equal(countParams(model).trainable, all - 288 - headP);
    unfreeze(model, { names: ['conv1', 'head'] });
    assert.equal(countParams(model).trainable, all);

    freeze(model, { allButTopK: 1 });
    assert.equal(countParams(model).trainable, headP);
    freeze(model, { allButTopK: 2 }); // grows: dense1 becomes trainable again
    assert.equal(countParams(model).trainable, headP + denseP);
    freeze(model, { all: true });
    assert.equal(countParams(model).trainable, 0);
    unfreeze(model, { all: true });
    assert.equal(countParams(model).trainable, all);
    assert.equal(listLayers(model).find((l) => l.name === 'conv1')!.trainable, true);

    const err = expectCode(() => freeze(model, { names: ['conv1', 'nope'] }), 'UNKNOWN_LAYER');
    assert.match(err.hint!, /conv1/);
    expectCode(() => freeze(model, {}), 'BAD_OPTION');
  });

  test('frozen layers do not move in training', async () => {
    const model = buildMlp(4, 3, { hidden: [8], dropout: 0, seed: 2 });
    freeze(model, { allButTopK: 1 });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    const d1 = model.getLayer('dense1').getWeights()[0].dataSync().slice();
    const h = model.getLayer('head').getWeights()[0].dataSync().slice();
    const x = tf.randomNormal([16, 4], 0, 1, 'float32', 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32'), 3);
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    assert.deepEqual(Array.from(model.getLayer('dense1').getWeights()[0].dataSync()), Array.from(d1));
    assert.notDeepEqual(Array.from(model.getLayer('head').getWeights()[0].dataSync()), Array.from(h));
    tf.dispose([x, y]);
  });
});

describe('keepBatchNormInInference', () => {
  const bnModel = () => {
    const input = tf.input({ shape: [4] });
    let x = tf.layers.dense({ units: 6, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: 'bn' }).apply(x) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  };
  const x = () => tf.randomNormal([8, 4], 2, 3, 'float32', 7);
  const y = () => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
  const maxDiff = (m: tf.LayersModel) =>
    tf.tidy(() => {
      const xs = x();
      const train = m.apply(xs, { training: true }) as tf.Tensor;
      const infer = m.predict(xs) as tf.Tensor;
      return tf.max(tf.abs(tf.sub(train, infer))).dataSync()[0];
    });
  const stats = (m: tf.LayersModel) => m.getLayer('bn').getWeights().map((w) => Array.from(w.dataSync()));

  test('training=true gives the inference output and moving stats stay put', async () => {
    const plain = bnModel();
    assert.ok(maxDiff(plain) > 1e-3, 'sanity: unpatched BN uses batch statistics when training');

    const model = bnModel();
    assert.deepEqual(keepBatchNormInInference(model), ['bn']);
    assert.deepEqual(keepBatchNormInInference(model), ['bn']); // idempotent
    assert.equal(model.getLayer('bn').trainable, false);
    assert.ok(maxDiff(model) < 1e-6);

    const before = stats(model);
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const [xs, ys] = [x(), y()];
    await model.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0 });
    assert.deepEqual(stats(model), before);

    // Sanity: the same step moves the statistics of an unpatched model.
    const beforePlain = stats(plain);
    plain.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await plain.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0 });
    assert.notDeepEqual(stats(plain), beforePlain);
    tf.dispose([xs, ys]);
  });
});
