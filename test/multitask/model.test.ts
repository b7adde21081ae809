import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildMultiTaskModel } from '../../src/transfer/multitask/model.ts';

await tf.setBackend('cpu');

const heads = [
  { name: 'class', classes: Array.from({ length: 10 }, (_, i) => `c${i}`) },
  { name: 'group', classes: ['a', 'b', 'c', 'd'] },
];

test('a pretrained trunk is cut below its head; only the top k trunk layers and the heads train; the old head is freed', async () => {
  const before = tf.memory().numTensors;
  const model = await buildMultiTaskModel({ kind: 'base', ref: 'digits04-cnn', train: 1 }, heads, { seed: 1, inputShape: [28, 28, 1] });
  assert.deepEqual(model.outputs.map((o) => o.shape), [[null, 10], [null, 4]]);
  assert.ok(!model.layers.some((l) => l.name === 'head'), 'the base head is cut off');
  assert.ok(model.layers.some((l) => l.name === 'dropout1'), 'default cut: the input of the last Dense layer');
  const trainable = [...new Set(model.trainableWeights.map((w) => w.originalName.split('/')[0]))];
  assert.deepEqual(trainable.sort(), ['dense1', 'head_class', 'head_group']);
  // every tensor alive belongs to the new model (the old head's weights were disposed)
  assert.equal(tf.memory().numTensors - before, model.weights.length);
  model.dispose();

  const frozen = await buildMultiTaskModel({ kind: 'base', ref: 'digits04-cnn', cutAt: 'flatten', train: 'none' }, heads, { seed: 1, inputShape: [28, 28, 1] });
  assert.deepEqual([...new Set(frozen.trainableWeights.map((w) => w.originalName.split('/')[0]))].sort(), ['head_class', 'head_group']);
  frozen.dispose();
  await assert.rejects(buildMultiTaskModel({ kind: 'base', ref: 'digits04-cnn', cutAt: 'conv9' }, heads, { seed: 1, inputShape: [28, 28, 1] }), (e: Error & { code?: string }) => e.code === 'UNKNOWN_LAYER');
  assert.equal(tf.memory().numTensors, before, 'a failed build frees the base');
});

test('scratch trunks: auto picks a CNN for images and an MLP for vectors; a CNN on vectors is a clear error; heads start the same alone or together', async () => {
  const cnn = await buildMultiTaskModel({ kind: 'scratch', arch: 'auto' }, heads, { seed: 2, inputShape: [28, 28, 1] });
  assert.ok(cnn.layers.some((l) => l.name === 'trunk_conv2'));
  const mlp = await buildMultiTaskModel({ kind: 'scratch', arch: 'auto' }, heads, { seed: 2, inputShape: [6] });
  assert.ok(!mlp.layers.some((l) => l.name.startsWith('trunk_conv')));
  const alone = await buildMultiTaskModel({ kind: 'scratch', arch: 'auto' }, [heads[1]], { seed: 2, inputShape: [6] });
  assert.deepEqual(Array.from(alone.getLayer('head_group').getWeights()[0].dataSync()), Array.from(mlp.getLayer('head_group').getWeights()[0].dataSync()));
  assert.deepEqual(Array.from(alone.getLayer('trunk_dense').getWeights()[0].dataSync()), Array.from(mlp.getLayer('trunk_dense').getWeights()[0].dataSync()));
  await assert.rejects(buildMultiTaskModel({ kind: 'scratch', arch: 'cnn' }, heads, { seed: 2, inputShape: [6] }), (e: Error & { code?: string }) => e.code === 'BAD_ARCH' && /--arch mlp/.test((e as Error & { hint: string }).hint));
  for (const m of [cnn, mlp, alone]) m.dispose();
});
