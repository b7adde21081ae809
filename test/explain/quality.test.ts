/**
 * Attribution quality: infidelity (0 for exact attributions of a linear model), sensitivity-max,
 * deletion / insertion curves (a good attribution beats its reverse).
 *
 * Infidelity of a linear model f(x) = wᵀx + b under Gaussian I ~ N(0, σ²·Id):
 * f(x) − f(x − I) = wᵀI, so INFD(a) = E[(Iᵀa − wᵀI)²] = σ²‖a − w‖². It is exactly 0 for the
 * gradient a = w. Integrated gradients give a = w ⊙ (x − x') (not w, so INFD = σ²‖w ⊙ (x − x' − 1)‖²),
 * but with `multiplyByInputs` the dot product uses I ⊘ (x − x'), which turns a back into w: INFD = 0
 * up to the float32 rounding of the attributions.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { TransferkitError } from '../../src/errors.ts';
import { layersPredictFn, type BatchPredictFn } from '../../src/explain/gradients/batch-predict.ts';
import { integratedGradients } from '../../src/explain/gradients/integrated-gradients.ts';
import { saliency } from '../../src/explain/gradients/saliency.ts';
import { deletionInsertion, infidelity, sensitivityMax } from '../../src/explain/quality.ts';
import { createRng } from '../../src/util/random.ts';

const w = [0.5, -2, 1.25, 3, -0.75, 0.25];
const x = [1, 0.5, -1, 2, 0.25, -0.5];
const base = [0.5, 0, 0.25, -1, 1, 0];

/** f(x) = wᵀx + 0.3 in float64, one number per row. */
const linear: BatchPredictFn = (batch, n) =>
  Float64Array.from({ length: n }, (_, i) => w.reduce((s, wj, j) => s + wj * batch[i * w.length + j], 0.3));
/** The same model in tf, for the gradient explainers. */
const linearTf = (t: tf.Tensor) => tf.add(tf.sum(tf.mul(t, tf.tensor1d(w)), 1), 0.3);

before(async () => {
  await initEngine({ backend: 'wasm' });
});

describe('infidelity', () => {
  it('is 0 for the gradient of a linear model and σ²‖a − w‖² otherwise', async () => {
    const grad = await saliency(linearTf, x, 0, { signed: true });
    assert.deepEqual(Array.from(grad.attributions), w);
    const zero = await infidelity(linear, x, grad.attributions, { samples: 50, noiseStd: 0.2, seed: 1 });
    assert.ok(zero < 1e-24, `infidelity ${zero}`);
    const a = w.map((v) => 2 * v);
    const sigma = 0.1;
    const expected = sigma ** 2 * w.reduce((s, v) => s + v * v, 0); // ‖2w − w‖² = ‖w‖²
    const got = await infidelity(linear, x, a, { samples: 2000, noiseStd: sigma, seed: 2 });
    assert.ok(Math.abs(got / expected - 1) < 0.1, `${got} vs ${expected}`);
    const normalised = await infidelity(linear, x, a, { samples: 100, noiseStd: sigma, seed: 2, normalize: true });
    assert.ok(normalised < 1e-24, 'β = ½ rescales 2w back to w');
  });

  it('is 0 for integrated gradients of a linear model with multiplyByInputs (and not without)', async () => {
    const ig = await integratedGradients(linearTf, x, 0, { baseline: base, steps: 4 });
    const exact = await infidelity(linear, x, ig.attributions, { samples: 50, noiseStd: 0.1, seed: 3, multiplyByInputs: true, baseline: base });
    assert.ok(exact < 1e-12, `infidelity ${exact}`);
    const plain = await infidelity(linear, x, ig.attributions, { samples: 50, noiseStd: 0.1, seed: 3 });
    assert.ok(plain > 1e-3, `plain ${plain}`);
    const a = await infidelity(linear, x, ig.attributions, { samples: 20, seed: 7 });
    assert.equal(a, await infidelity(linear, x, ig.attributions, { samples: 20, seed: 7, batchSize: 3 }), 'seeded, batching-independent');
    await assert.rejects(infidelity(linear, x, [1, 2], {}), (e: unknown) => e instanceof TransferkitError && e.code === 'SHAPE_MISMATCH');
  });
});

describe('sensitivityMax', () => {
  it('is 0 for a constant explanation and bounded for gradient × input', async () => {
    assert.equal(await sensitivityMax(() => w, x, { seed: 1 }), 0);
    assert.equal(await sensitivityMax(() => [0, 0], x, { seed: 1 }), 0, 'no division by a zero norm');
    const gxi = (v: Float32Array) => Array.from(v, (vj, j) => vj * w[j]);
    const r = 0.05;
    const s = await sensitivityMax(gxi, x, { radius: r, samples: 20, seed: 4 });
    const norm = (v: number[]) => Math.sqrt(v.reduce((acc, u) => acc + u * u, 0));
    const bound = (r * norm(w)) / norm(gxi(Float32Array.from(x)));
    assert.ok(s > 0 && s <= bound * (1 + 1e-6), `${s} vs bound ${bound}`);
    assert.equal(s, await sensitivityMax(gxi, x, { radius: r, samples: 20, seed: 4 }));
  });
});

describe('deletionInsertion', () => {
  /** 8×8×1 image; p = sigmoid(Σ v·x − 4) with positive weights v growing with the pixel index. */
  const v = Array.from({ length: 64 }, (_, j) => (j + 1) / 64);
  const sigmoidModel: BatchPredictFn = (batch, n) =>
    Float64Array.from({ length: n }, (_, i) => 1 / (1 + Math.exp(-(v.reduce((s, vj, j) => s + vj * batch[i * 64 + j], 0) - 4))));
  const rng = createRng(8);
  const img = Float32Array.from({ length: 64 }, () => 0.2 + rng.next());

  it('ranks a good attribution above its reverse', async () => {
    const good = Array.from(img, (xj, j) => xj * v[j]);
    const g = await deletionInsertion(sigmoidModel, img, good, { steps: 16 });
    const r = await deletionInsertion(sigmoidModel, img, good.map((a) => -a), { steps: 16 });
    assert.ok(g.deletionAuc < r.deletionAuc, `${g.deletionAuc} vs ${r.deletionAuc}`);
    assert.ok(g.insertionAuc > r.insertionAuc, `${g.insertionAuc} vs ${r.insertionAuc}`);
    assert.equal(g.fractions.length, 17);
    assert.equal(g.fractions[0], 0);
    assert.equal(g.fractions[16], 1);
    const [fx] = sigmoidModel(img, 1) as Float64Array;
    const [fb] = sigmoidModel(new Float32Array(64), 1) as Float64Array;
    assert.equal(g.deletion[0], fx);
    assert.equal(g.deletion[16], fb);
    assert.equal(g.insertion[0], fb);
    assert.equal(g.insertion[16], fx);
    const constant = await deletionInsertion((_, n) => new Float64Array(n).fill(0.7), Float32Array.of(1), [1], { steps: 1 });
    assert.ok(Math.abs(constant.deletionAuc - 0.7) < 1e-12);
  });

  it('moves the channels of a pixel together and runs a tf model without leaking', async () => {
    const x3 = new Float32Array(4 * 4 * 3).fill(1);
    const seen: Float32Array[] = [];
    const spy: BatchPredictFn = (batch, n) => {
      for (let i = 0; i < n; i++) seen.push(batch.slice(i * 48, (i + 1) * 48));
      return new Float64Array(n);
    };
    const attr = Array.from({ length: 16 }, (_, p) => (p === 5 ? 1 : 0));
    await deletionInsertion(spy, x3, attr, { steps: 16 });
    assert.deepEqual(Array.from(seen[1].slice(15, 18)), [0, 0, 0], 'pixel 5 deleted first, all channels');
    assert.equal(seen[1].reduce((a, b) => a + b, 0), 45);
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
    const n0 = tf.memory().numTensors;
    const res = await deletionInsertion(layersPredictFn(model, { batchSize: 5 }), x, w, { target: 1 });
    assert.equal(tf.memory().numTensors, n0);
    assert.equal(res.deletion.length, 7);
    await assert.rejects(deletionInsertion(layersPredictFn(model), x, w), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_TARGET');
    model.dispose();
  });
});
