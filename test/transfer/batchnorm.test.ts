import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { calibrateBatchNorm } from '../../src/transfer/batchnorm.ts';
import { createRng } from '../../src/util/random.ts';

await tf.setBackend('cpu');

test('calibrateBatchNorm sets moving mean/variance to the exact per-channel statistics of the layer input', () => {
  const input = tf.input({ shape: [4, 4, 1] });
  let x = tf.layers.conv2d({ name: 'conv', filters: 2, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const rng = createRng(3);
  const n = 7;
  const data = { x: Float32Array.from({ length: n * 16 }, () => rng.normal() * 2 + 1), shape: [n, 4, 4, 1] };
  assert.deepEqual(calibrateBatchNorm(model, data), ['bn']);
  // the conv output by hand from the layer itself, then mean and population variance per channel
  const conv = tf.tidy(() => (model.getLayer('conv').apply(tf.tensor(data.x, data.shape)) as tf.Tensor).dataSync());
  for (let c = 0; c < 2; c++) {
    const v: number[] = [];
    for (let i = c; i < conv.length; i += 2) v.push(conv[i]);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
    const [, , movingMean, movingVar] = model.getLayer('bn').getWeights();
    assert.ok(Math.abs(movingMean.dataSync()[c] - mean) < 1e-5, `mean of channel ${c}`);
    assert.ok(Math.abs(movingVar.dataSync()[c] - variance) < 1e-4, `variance of channel ${c}`);
  }
  assert.deepEqual(calibrateBatchNorm(model, data, { only: ['other'] }), [], 'only the named layers');
});
