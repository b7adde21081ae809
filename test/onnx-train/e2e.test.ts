/**
 * End to end: the same seeded fine-tuning run of the zoo's fashion-cnn on 200 MNIST digits, on
 * TF.js (wasm, `trainModel`) and on the ONNX engine (the same batches, then `writeBack`),
 * reaches the same held-out accuracy within a few points.
 */
import { test } from 'node:test';
import type * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { initEngine } from '../../src/engine/backend.ts';
import { loadBuiltin } from '../../src/data/builtins.ts';
import { loadModel } from '../../src/models/io.ts';
import { keepBatchNormInInference } from '../../src/models/surgery.ts';
import { OnnxTrainer } from '../../src/models/onnx-train/index.ts';
import { predictProbs } from '../../src/models/predict-probs.ts';
import { resolveModelRef } from '../../src/models/zoo.ts';
import { trainModel } from '../../src/transfer/train.ts';
import { createRng } from '../../src/util/random.ts';

await initEngine({ backend: 'wasm' });

/**
 * Dropout off on both engines: their masks come from different generators, and on 200 examples
 * one mask draw against another moves accuracy by tens of points; without it the two runs do
 * the same arithmetic, so only rounding separates them.
 */
function noDropout(model: tf.LayersModel): void {
  for (const layer of model.layers) if (layer.getClassName() === 'Dropout') (layer as unknown as { rate: number }).rate = 0;
}

function accuracy(probs: Float32Array, y: Int32Array, k: number): number {
  let hits = 0;
  for (let i = 0; i < y.length; i++) {
    let arg = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + arg]) arg = c;
    if (arg === y[i]) hits++;
  }
  return hits / y.length;
}

test('fine-tuning fashion-cnn on 200 digits: ONNX engine and TF.js reach the same accuracy', async (t) => {
  const ds = await loadBuiltin('mnist');
  if (ds.features.kind !== 'image') throw new Error('mnist is images');
  const pixels = ds.features.pixels;
  const rows = createRng('e2e-rows').shuffle(Array.from({ length: ds.size }, (_, i) => i)).slice(0, 700);
  const take = (idx: number[]) => {
    const x = new Float32Array(idx.length * 784);
    idx.forEach((r, j) => x.set(pixels.subarray(r * 784, (r + 1) * 784), j * 784));
    return { x, shape: [idx.length, 28, 28, 1], y: Int32Array.from(idx, (r) => ds.labels[r]) };
  };
  const train = take(rows.slice(0, 200));
  const held = take(rows.slice(200));
  const epochs = 5;
  const lr = 2e-3;
  const batch = 32;

  // as fine-tuning does: the pretrained BatchNorm statistics stay (pinned in inference mode)
  const a = (await loadModel(resolveModelRef('fashion-cnn'))).model;
  keepBatchNormInInference(a);
  noDropout(a);
  const before = accuracy(predictProbs(a, held), held.y, 10);
  await trainModel(a, train, { epochs, batchSize: batch, seed: 3, learningRate: lr, engine: 'tfjs' });
  const tfAcc = accuracy(predictProbs(a, held), held.y, 10);

  const b = (await loadModel(resolveModelRef('fashion-cnn'))).model;
  keepBatchNormInInference(b);
  noDropout(b);
  const trainer = new OnnxTrainer(b, { batchSize: batch, numClasses: 10, seed: 3 });
  const n = train.y.length;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = createRng(`3:train:${epoch}`).shuffle(Array.from({ length: n }, (_, i) => i));
    for (let s = 0; s < n; s += batch) {
      const idx = order.slice(s, s + batch);
      const xb = new Float32Array(idx.length * 784);
      idx.forEach((r, j) => xb.set(train.x.subarray(r * 784, (r + 1) * 784), j * 784));
      const r = await trainer.step(xb, Int32Array.from(idx, (i) => train.y[i]), lr);
      assert.ok(Number.isFinite(r.loss));
    }
  }
  const onnxProbs = await trainer.predict(held.x, held.y.length);
  trainer.writeBack();
  await trainer.dispose();
  const onnxAcc = accuracy(predictProbs(b, held), held.y, 10);
  t.diagnostic(`held-out accuracy: before ${before.toFixed(3)}, TF.js ${tfAcc.toFixed(3)}, ONNX ${onnxAcc.toFixed(3)}`);
  // the engine's own predictions agree with the written-back TF.js model
  assert.equal(accuracy(onnxProbs, held.y, 10), onnxAcc);
  assert.ok(tfAcc > before + 0.1 && onnxAcc > before + 0.1, `accuracy before ${before}, TF.js ${tfAcc}, ONNX ${onnxAcc}`);
  assert.ok(Math.abs(tfAcc - onnxAcc) <= 0.03, `TF.js ${tfAcc} vs ONNX ${onnxAcc}`);
});
