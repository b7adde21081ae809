/**
 * `fit --strategy prototypes`: the prototype classifier as a saved TF.js model. The Dense
 * weights compute the Euclidean prototype rule exactly, and the saved run's model predicts what
 * the in-memory prototype classifier predicts on the same data.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { subset } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/load.ts';
import { samplePerClass } from '../../src/data/split.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { TransferkitError } from '../../src/errors.ts';
import { disposeModelWeights } from '../../src/models/dispose.ts';
import { loadModel } from '../../src/models/io.ts';
import { loadModelRef } from '../../src/models/load.ts';
import { predictProbs } from '../../src/models/predict-probs.ts';
import { fit } from '../../src/transfer/fit.ts';
import { embedDataset } from '../../src/transfer/few-shot/embed.ts';
import { prototypeDenseWeights } from '../../src/transfer/few-shot/prototype-head.ts';
import { argmaxRows, classMeans, prototypeScores } from '../../src/transfer/few-shot/prototypes.ts';
import { createRng } from '../../src/util/random.ts';

await initEngine({ backend: 'wasm' });
const dir = await mkdtemp(join(tmpdir(), 'tk-fewshot-'));
after(() => rm(dir, { recursive: true, force: true }));

describe('prototype Dense weights', () => {
  it('softmax(x·W + b) ranks classes exactly as the Euclidean distances to the prototypes', () => {
    const rng = createRng(11);
    const d = 16;
    const k = 4;
    const protos = Float64Array.from({ length: k * d }, () => rng.normal());
    const x = Float32Array.from({ length: 200 * d }, () => 2 * rng.normal());
    const w = prototypeDenseWeights(protos, k, d);
    const logits = tf.tidy(() => tf.matMul(tf.tensor2d(x, [200, d]), tf.tensor2d(w.kernel, [d, k])).add(tf.tensor1d(w.bias)).dataSync() as Float32Array);
    const scores = prototypeScores(protos, k, d, x, 'euclidean');
    assert.deepEqual(Array.from(argmaxRows(logits, k)), Array.from(argmaxRows(scores, k)));
    // logits differ from −‖x − p‖²/T only by a per-row constant (‖x‖²/T)
    for (let i = 0; i < 200; i++) {
      const shift = logits[i * k] - scores[i * k] / w.temperature;
      for (let c = 1; c < k; c++) assert.ok(Math.abs(logits[i * k + c] - scores[i * k + c] / w.temperature - shift) < 1e-3 * (1 + Math.abs(shift)));
    }
  });

  it('takes a given temperature and refuses a non-positive one', () => {
    const w = prototypeDenseWeights(Float64Array.of(0, 0, 2, 0), 2, 2, 1);
    assert.deepEqual(Array.from(w.kernel), [0, 4, 0, 0]);
    assert.deepEqual(Array.from(w.bias), [-0, -4]);
    assert.equal(prototypeDenseWeights(Float64Array.of(0, 0, 2, 0), 2, 2).temperature, 1);
    assert.throws(() => prototypeDenseWeights(Float64Array.of(0, 0, 2, 0), 2, 2, 0), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
  });
});

describe('fit --strategy prototypes', () => {
  it('saves a model whose predictions are the in-memory prototype classifier\'s', async () => {
    const out = join(dir, 'run');
    const res = await fit({ base: 'fashion-cnn', train: 'builtin:mnist', perClass: 5, strategy: 'prototypes', seed: 3, out });
    try {
      assert.equal(res.engines.head, 'prototypes');
      assert.equal(res.trainSize, 50);
      assert.equal(res.train.accuracy, 1, 'each one of 5 shots is nearest its own class mean here');
      // the same classifier in memory: class means of the same 50 examples embedded at "flatten"
      const mnist = await loadDataset('builtin:mnist');
      const shots = samplePerClass(mnist, 5, 3).sample;
      const base = await loadModelRef('fashion-cnn');
      const rng = createRng(4);
      const test = subset(mnist, Array.from({ length: 400 }, () => rng.int(mnist.size)));
      const support = await embedDataset(base.model, base.features!, shots, { layer: 'flatten' });
      const queries = await embedDataset(base.model, base.features!, test, { layer: 'flatten' });
      disposeModelWeights(base.model);
      const protos = classMeans({ x: support.x, d: support.d, y: support.labels, k: 10 });
      const expected = argmaxRows(prototypeScores(protos, 10, support.d, queries.x, 'euclidean'), 10);

      const saved = await loadModel(join(out, 'model'));
      const probs = predictProbs(saved.model, { x: (test.features as { pixels: Float32Array }).pixels, shape: [test.size, 28, 28, 1] });
      disposeModelWeights(saved.model);
      assert.deepEqual(Array.from(argmaxRows(probs, 10)), Array.from(expected));
      let right = 0;
      expected.forEach((p, i) => (right += p === test.labels[i] ? 1 : 0));
      assert.ok(right / test.size > 0.6, `5-shot 10-way prototype accuracy ${right / test.size}`);
    } finally {
      res.model.dispose();
    }
  });

  it('refuses training controls that do not apply, before anything is written', async () => {
    const out = join(dir, 'refused');
    await assert.rejects(
      fit({ base: 'fashion-cnn', train: 'builtin:mnist', perClass: 2, strategy: 'prototypes', headHidden: [64], out }),
      (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION' && /`headHidden`/.test(e.message),
    );
    await assert.rejects(fit({ train: 'builtin:mnist', perClass: 2, strategy: 'prototypes' }), (e: unknown) => e instanceof TransferkitError && /pretrained model/.test(e.message));
  });
});
