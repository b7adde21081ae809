import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ensureEngine } from '../../src/engine/backend.ts';
import { loadDataset } from '../../src/data/load.ts';
import { TransferkitError } from '../../src/errors.ts';
import { buildAutoencoder, encoderAsBase, reconstructionErrors } from '../../src/transfer/self-taught/autoencoder.ts';
import { trainAutoencoder } from '../../src/transfer/self-taught/train-autoencoder.ts';
import { disposeWeightsNotIn } from '../../src/models/dispose.ts';
import { featureMapCut } from '../../src/models/surgery.ts';

async function digits(n: number): Promise<{ x: Float32Array; shape: number[] }> {
  const ds = await loadDataset('builtin:mnist');
  const pixels = (ds.features as { pixels: Float32Array }).pixels;
  return { x: pixels.slice(0, n * 784), shape: [n, 28, 28, 1] };
}

test('the autoencoder reproduces its input shape and its encoder gives a 7×7×32 code', async () => {
  await ensureEngine();
  const ae = buildAutoencoder([28, 28, 1], { seed: 1 });
  assert.deepEqual(ae.model.outputs[0].shape, [null, 28, 28, 1]);
  assert.deepEqual(ae.encoder.outputs[0].shape, [null, 7, 7, 32]);
  const base = encoderAsBase(ae.model);
  assert.deepEqual(base.layers.map((l) => l.name).slice(-2), ['flatten', 'head']);
  disposeWeightsNotIn([ae.model, base], []);
  assert.throws(() => buildAutoencoder([30, 28, 1]), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_SHAPE' && /multiples of 4/.test(e.message) && Boolean(e.hint));
});

test('codeUnits adds a dense bottleneck code that fit\'s default cut (flatten) sits on', async () => {
  await ensureEngine();
  const ae = buildAutoencoder([28, 28, 1], { seed: 1, codeUnits: 32 });
  assert.deepEqual(ae.model.outputs[0].shape, [null, 28, 28, 1]);
  assert.deepEqual(ae.encoder.outputs[0].shape, [null, 1, 1, 32]);
  const base = encoderAsBase(ae.model);
  assert.deepEqual(base.layers.map((l) => l.name).slice(-4), ['code', 'code_relu', 'flatten', 'head']);
  assert.equal(featureMapCut(base), 'flatten');
  assert.deepEqual(base.getLayer('flatten').outputShape, [null, 32]);
  disposeWeightsNotIn([ae.model, base], []);
  assert.throws(() => buildAutoencoder([28, 28, 1], { codeUnits: 2.5 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION' && Boolean(e.hint));
});

test('pooled encoder features are the quadrant max and mean of both ReLU maps, 384 numbers at flatten', async () => {
  await ensureEngine();
  const ae = buildAutoencoder([28, 28, 1], { seed: 3 });
  const base = encoderAsBase(ae.model, { features: 'pooled' });
  assert.equal(featureMapCut(base), 'flatten');
  assert.deepEqual(base.getLayer('flatten').outputShape, [null, 4 * 2 * (16 + 32)]);
  const { x } = await digits(2);
  const [pooled, relu1, relu2] = tf.tidy(() => {
    const input = tf.tensor4d(x, [2, 28, 28, 1]);
    const flat = tf.model({ inputs: base.inputs, outputs: base.getLayer('flatten').output as tf.SymbolicTensor }).predict(input) as tf.Tensor;
    const maps = tf.model({ inputs: ae.model.inputs, outputs: [ae.model.getLayer('relu1').output, ae.model.getLayer('relu2').output] as tf.SymbolicTensor[] }).predict(input) as tf.Tensor[];
    return [flat.arraySync() as number[][], maps[0].arraySync() as number[][][][], maps[1].arraySync() as number[][][][]];
  });
  // by hand: the flattened concat is [quadrant][channel of max1 | mean1 | max2 | mean2], quadrants row-major
  for (let i = 0; i < 2; i++) {
    const expected: number[] = [];
    for (const [qr, qc] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      for (const [map, size, channels] of [[relu1[i], 14, 16], [relu2[i], 7, 32]] as const) {
        const max = new Array<number>(channels).fill(-Infinity);
        const mean = new Array<number>(channels).fill(0);
        for (let r = qr * size; r < (qr + 1) * size; r++) {
          for (let c = qc * size; c < (qc + 1) * size; c++) {
            for (let ch = 0; ch < channels; ch++) {
              max[ch] = Math.max(max[ch], map[r][c][ch]);
              mean[ch] += map[r][c][ch] / (size * size);
            }
          }
        }
        expected.push(...max, ...mean);
      }
    }
    assert.equal(pooled[i].length, 384);
    pooled[i].forEach((v, j) => assert.ok(Math.abs(v - expected[j]) < 1e-4, `example ${i}, feature ${j}: ${v} vs ${expected[j]}`));
  }
  disposeWeightsNotIn([ae.model, base], []);
  assert.throws(() => encoderAsBase(ae.model, { features: 'pixels' as never }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION' && /code, pooled/.test(e.hint ?? ''));
});

test('training reduces the reconstruction loss and leaks no tensors across steps', async () => {
  await ensureEngine();
  const data = await digits(256);
  const ae = buildAutoencoder([28, 28, 1], { seed: 2 });
  const before = reconstructionErrors(ae.model, data).reduce((a, b) => a + b, 0) / 256;
  const counts: number[] = [];
  const res = await trainAutoencoder(ae.model, data, { epochs: 3, batchSize: 32, seed: 1, noise: 0.25, onStep: () => counts.push(tf.memory().numTensors) });
  assert.equal(res.steps, 24);
  assert.equal(res.epochLosses.length, 3);
  // the optimiser creates its moment variables at the first step; from then on the count is flat
  assert.ok(counts.slice(1).every((c) => c === counts[1]), `tensor counts: ${counts.join(' ')}`);
  const after = reconstructionErrors(ae.model, data).reduce((a, b) => a + b, 0) / 256;
  assert.ok(after < before * 0.6, `reconstruction MSE ${before} → ${after}`);
  assert.ok(res.epochLosses[2] < res.epochLosses[0]);
  const live = tf.memory().numTensors;
  reconstructionErrors(ae.model, data);
  assert.equal(tf.memory().numTensors, live, 'scoring leaks nothing');
  disposeWeightsNotIn([ae.model], []);
});

test('training refuses bad options with hints', async () => {
  await ensureEngine();
  const ae = buildAutoencoder([8, 8, 1], { seed: 0 });
  const data = { x: new Float32Array(4 * 64), shape: [4, 8, 8, 1] };
  for (const bad of [{ epochs: 0 }, { batchSize: 1.5 }, { learningRate: -1 }, { noise: 1 }]) {
    await assert.rejects(trainAutoencoder(ae.model, data, bad), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION' && Boolean(e.hint));
  }
  await assert.rejects(trainAutoencoder(ae.model, { x: new Float32Array(0), shape: [0, 8, 8, 1] }), (e: unknown) => e instanceof TransferkitError && e.code === 'TOO_FEW_EXAMPLES');
  disposeWeightsNotIn([ae.model], []);
});
