/**
 * Feature extraction on the ONNX engine (`onnxForward`, `forwardFeatures`): the same values as
 * TF.js's `forward` up to float rounding, a frozen base included; TF.js for what it cannot run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setTrainingEngine } from '../../src/engine/training-engine.ts';
import { buildCnn, buildMlp } from '../../src/models/architectures.ts';
import { applyLora } from '../../src/transfer/lora/apply.ts';
import { forward, forwardFeatures } from '../../src/transfer/strategies.ts';
import { randomArray, relDiff } from './helpers.ts';

await tf.setBackend('cpu');

test('forwardFeatures of a frozen CNN base matches forward (onnx) and is forward itself on tfjs', async () => {
  const full = buildCnn([8, 8, 1], 3, { seed: 21 });
  for (const l of full.layers) l.trainable = false;
  const cut = full.layers.findIndex((l) => l.getClassName() === 'Flatten');
  const base = tf.model({ inputs: full.inputs, outputs: full.layers[cut].output as tf.SymbolicTensor });
  const data = { x: randomArray(10 * 64, 'fx'), shape: [10, 8, 8, 1] };
  const want = forward(base, data, 4);
  const got = await forwardFeatures(base, data, 4);
  assert.deepEqual(got.shape, want.shape);
  assert.ok(relDiff(want.x, got.x) < 1e-5, `relative difference ${relDiff(want.x, got.x)}`);
  setTrainingEngine('tfjs');
  try {
    assert.deepEqual((await forwardFeatures(base, data, 4)).x, want.x);
  } finally {
    setTrainingEngine(undefined);
  }
  full.dispose();
});

test('forwardFeatures falls back to TF.js for a layer the compiler lacks (LoRA)', async () => {
  const lora = applyLora(buildMlp(4, 2, { hidden: [6], seed: 2 }), { rank: 2, layers: ['dense1'], seed: 2 });
  const data = { x: randomArray(5 * 4, 'lx'), shape: [5, 4] };
  assert.deepEqual((await forwardFeatures(lora, data)).x, forward(lora, data).x);
  lora.dispose();
});
