/**
 * Gradient explainers: saliency, SmoothGrad, integrated gradients (known value, delta, completeness),
 * Grad-CAM (range, hot spot on a hand-built conv model, errors) and occlusion. Every method must
 * leave tf.memory().numTensors unchanged. Runs on the wasm backend (fast, float32).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { TransferkitError } from '../../src/errors.ts';
import { gradCam } from '../../src/explain/gradients/grad-cam.ts';
import { integratedGradients } from '../../src/explain/gradients/integrated-gradients.ts';
import { gaussLegendre, integrationRule } from '../../src/explain/gradients/integration-rules.ts';
import { occlusion } from '../../src/explain/gradients/occlusion.ts';
import { saliency } from '../../src/explain/gradients/saliency.ts';
import { smoothGrad } from '../../src/explain/gradients/smooth-grad.ts';
import { layersPredictFn, type BatchPredictFn } from '../../src/explain/gradients/batch-predict.ts';
import { buildCnn } from '../../src/models/architectures.ts';
import { createRng } from '../../src/util/random.ts';

/** Runs `fn` and asserts it left no tensor behind. */
async function flat<T>(fn: () => Promise<T>): Promise<T> {
  const n = tf.memory().numTensors;
  const r = await fn();
  assert.equal(tf.memory().numTensors, n, 'tf.memory().numTensors changed');
  return r;
}

function rejectsCode(p: Promise<unknown>, code: string): Promise<void> {
  return assert.rejects(p, (e: unknown) => e instanceof TransferkitError && e.code === code);
}

/** Weights exactly representable in float32: input 5 → 3 classes. */
const W = [
  [0.5, -2, 1.25],
  [-0.75, 3, 0.125],
  [4, -0.25, -1.5],
  [0, 1, 2],
  [-3.5, 0.5, -0.0625],
];

function linearModel(): tf.LayersModel {
  const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 3, name: 'lin' })] });
  tf.tidy(() => m.getLayer('lin').setWeights([tf.tensor2d(W), tf.tensor1d([0.1, -0.2, 0.3])]));
  return m;
}

/** f = ReLU(ReLU(x1) − 1 − ReLU(x2)), the integrated-gradients paper's example. */
const kinked = (x: tf.Tensor): tf.Tensor => tf.reshape(tf.relu(tf.sub(tf.sub(tf.relu(tf.slice(x, [0, 0], [-1, 1])), 1), tf.relu(tf.slice(x, [0, 1], [-1, 1])))), [-1]);

let cnn: tf.LayersModel;
let image: Float32Array;

before(async () => {
  await initEngine({ backend: 'wasm' });
  cnn = buildCnn([10, 10, 1], 3, { seed: 1 });
  const rng = createRng(5);
  image = Float32Array.from({ length: 100 }, () => rng.next());
});

describe('saliency', () => {
  it('of a linear model is |w| exactly (signed: w), with the output', async () => {
    const m = linearModel();
    const x = [1, 2, -1, 0.5, 3];
    for (let t = 0; t < 3; t++) {
      const r = await flat(() => saliency(m, x, t));
      assert.deepEqual(Array.from(r.attributions), W.map((row) => Math.abs(row[t])));
      assert.deepEqual(r.shape, [5]);
      const xt = tf.tensor2d([x]); // with a batch dimension of 1
      const s = await flat(() => saliency(m, xt, t, { signed: true }));
      xt.dispose();
      assert.deepEqual(Array.from(s.attributions), W.map((row) => row[t]));
      const expected = x.reduce((acc, v, j) => acc + v * W[j][t], [0.1, -0.2, 0.3][t]);
      assert.ok(Math.abs(r.output - expected) < 1e-5);
    }
    m.dispose();
  });

  it('works on a plain function with a shape and rejects bad targets and shapes', async () => {
    const f = (x: tf.Tensor) => tf.sum(tf.square(x), [1, 2]); // [n, 2, 2] → [n]
    const r = await flat(() => saliency(f, [1, -2, 3, 0.5], 0, { shape: [2, 2], signed: true }));
    assert.deepEqual(Array.from(r.attributions), [2, -4, 6, 1]);
    assert.deepEqual(r.shape, [2, 2]);
    const m = linearModel();
    await rejectsCode(saliency(m, [1, 2, 3, 4, 5], 3), 'BAD_TARGET');
    await rejectsCode(saliency(m, [1, 2, 3], 0), 'SHAPE_MISMATCH');
    await rejectsCode(saliency(m, [1, 2, NaN, 4, 5], 0), 'NON_FINITE_INPUT');
    m.dispose();
  });
});

describe('smoothGrad', () => {
  const cube = (x: tf.Tensor) => tf.sum(tf.pow(x, 3), 1);

  it('is seeded: same seed, same map; another seed, another map', async () => {
    const x = [0.2, -0.5, 1, 0.7];
    const a = await flat(() => smoothGrad(cube, x, 0, { seed: 3, samples: 10 }));
    const b = await smoothGrad(cube, x, 0, { seed: 3, samples: 10 });
    const c = await smoothGrad(cube, x, 0, { seed: 4, samples: 10 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(Array.from(a.attributions), Array.from(c.attributions));
    assert.ok(Math.abs(a.sigma - 0.15 * 1.5) < 1e-7, 'sigma = noise × (max − min)');
  });

  it('equals |w| on a linear model whatever the noise, and saliency with noise 0', async () => {
    const m = linearModel();
    const r = await flat(() => smoothGrad(m, [1, 2, -1, 0.5, 3], 1, { samples: 7, batchSize: 3, noise: 0.5 }));
    assert.deepEqual(Array.from(r.attributions), W.map((row) => Math.abs(row[1])));
    m.dispose();
    const s = await smoothGrad(cube, [0.2, -0.5, 1], 0, { noise: 0, samples: 3 });
    const sal = await saliency(cube, [0.2, -0.5, 1], 0);
    assert.deepEqual(s.attributions, sal.attributions);
  });

  it('averages a CNN image without leaking tensors', async () => {
    const r = await flat(() => smoothGrad(cnn, image, 2, { samples: 6, batchSize: 4, seed: 1 }));
    assert.equal(r.attributions.length, 100);
    assert.ok(r.attributions.every((v) => v >= 0 && Number.isFinite(v)));
  });
});

describe('integration rules', () => {
  it('trapezoid and Gauss–Legendre points and weights', () => {
    const t = integrationRule('riemann-trapezoid', 3);
    assert.deepEqual(Array.from(t.alphas), [0, 0.5, 1]);
    assert.deepEqual(Array.from(t.weights), [0.25, 0.5, 0.25]);
    for (const n of [1, 2, 5, 8]) {
      const g = gaussLegendre(n);
      assert.ok(Math.abs(g.weights.reduce((a, b) => a + b, 0) - 1) < 1e-14);
      // Exact for polynomials of degree < 2n: ∫₀¹ α^(2n−1) dα = 1/(2n).
      const m = g.alphas.reduce((s, a, i) => s + g.weights[i] * a ** (2 * n - 1), 0);
      assert.ok(Math.abs(m - 1 / (2 * n)) < 1e-14, `n=${n}: ${m}`);
    }
    assert.throws(() => integrationRule('riemann-trapezoid', 1), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
  });
});

describe('integratedGradients', () => {
  it('gives [1.5, −0.5] for ReLU(ReLU(x1) − 1 − ReLU(x2)) at (3, 1) — exactly with an even number of steps', async () => {
    // On the path α·(3, 1) the gradient is (0, 0) for α ≤ ½ and (1, −1) after: the integrand is a
    // step at α = ½. A rule symmetric about ½ without a node at ½ (any even `steps`) puts weight
    // exactly ½ after it, so IG is exact; an odd count puts a node at ½ where ReLU'(0) = 0 and
    // under-counts (trapezoid: 3 · (½ − 1/(2(n − 1))) for x1, so steps = 301 is off by 0.005).
    for (const method of ['gauss-legendre', 'riemann-trapezoid', 'riemann-middle'] as const) {
      for (const steps of [2, 50, 300]) {
        const r = await flat(() => integratedGradients(kinked, [3, 1], 0, { steps, method }));
        assert.deepEqual(Array.from(r.attributions), [1.5, -0.5], `${method} ${steps}`);
        assert.equal(r.delta, 0);
        assert.equal(r.output, 1);
        assert.equal(r.baselineOutput, 0);
      }
    }
    const odd = await integratedGradients(kinked, [3, 1], 0, { steps: 301, method: 'riemann-trapezoid' });
    assert.ok(Math.abs(odd.attributions[0] - (1.5 - 1.5 / 300)) < 1e-6);
    assert.ok(Math.abs(odd.attributions[1] - (-0.5 + 0.5 / 300)) < 1e-6);
  });

  it('returns delta = Σ attributions − (f(x) − f(baseline)) and the true end-point outputs', async () => {
    const r = await flat(() => integratedGradients(cnn, image, 1, { steps: 8, baseline: 0.25, batchSize: 3 }));
    let sum = 0;
    for (const v of r.attributions) sum += v;
    assert.equal(r.delta, sum - (r.output - r.baselineOutput));
    const [fx, fb] = tf.tidy(() => (cnn.predict(tf.tensor4d([...image, ...new Float32Array(100).fill(0.25)], [2, 10, 10, 1])) as tf.Tensor).arraySync() as number[][]);
    assert.ok(Math.abs(r.output - fx[1]) < 1e-6);
    assert.ok(Math.abs(r.baselineOutput - fb[1]) < 1e-6);
  });

  it('is complete on a CNN: |delta| is tiny with 32 Gauss–Legendre steps; batching does not matter', async () => {
    const a = await flat(() => integratedGradients(cnn, image, 0, { steps: 32 }));
    assert.ok(Math.abs(a.delta) < 1e-5, `delta ${a.delta}`);
    assert.ok(Math.abs(a.output - a.baselineOutput) > 1e-3, 'the test needs f(x) ≠ f(baseline)');
    const b = await integratedGradients(cnn, image, 0, { steps: 32, batchSize: 5 });
    for (let j = 0; j < 100; j++) assert.ok(Math.abs(a.attributions[j] - b.attributions[j]) < 1e-6);
  });

  it('of a linear model is w ⊙ (x − baseline)', async () => {
    const m = linearModel();
    const x = [1, 2, -1, 0.5, 3];
    const base = [0.5, 0, 1, -1, 2];
    const r = await flat(() => integratedGradients(m, x, 2, { baseline: base, steps: 4 }));
    r.attributions.forEach((v, j) => assert.ok(Math.abs(v - W[j][2] * (x[j] - base[j])) < 1e-6));
    assert.ok(Math.abs(r.delta) < 1e-5);
    m.dispose();
  });
});

/** 8×8×1 image → conv 1×1 with filters (+1, −1) and ReLU → class 0 = Σ channel 0, class 1 = Σ channel 1 → softmax. */
function twoChannelModel(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 1] });
  const conv = tf.layers.conv2d({ name: 'conv', filters: 2, kernelSize: 1, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const pool = tf.layers.averagePooling2d({ name: 'pool', poolSize: 2 }).apply(conv) as tf.SymbolicTensor;
  const flatten = tf.layers.flatten({ name: 'flatten' }).apply(pool) as tf.SymbolicTensor;
  const head = tf.layers.dense({ name: 'head', units: 2, activation: 'softmax' }).apply(flatten) as tf.SymbolicTensor;
  const m = tf.model({ inputs: input, outputs: head, name: 'two-channel' });
  tf.tidy(() => {
    m.getLayer('conv').setWeights([tf.tensor4d([1, -1], [1, 1, 1, 2]), tf.zeros([2])]);
    // flatten order is (row, col, channel): channel 0 feeds class 0, channel 1 feeds class 1.
    const k = Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? [1, 0] : [0, 1]));
    m.getLayer('head').setWeights([tf.tensor2d(k), tf.zeros([2])]);
  });
  return m;
}

describe('gradCam', () => {
  it('gives a heatmap in [0, 1] of the input size and the layer shape', async () => {
    const r = await flat(() => gradCam(cnn, image, 1, { layer: 'conv2' }));
    assert.equal(r.heatmap.length, 100);
    assert.equal(r.height, 10);
    assert.equal(r.width, 10);
    assert.deepEqual(r.layerShape, [5, 5, 64]);
    assert.equal(r.cam.length, 25);
    assert.equal(r.channelWeights.length, 64);
    assert.ok(r.heatmap.every((v) => v >= 0 && v <= 1));
    const def = await flat(() => gradCam(cnn, image, 1));
    assert.equal(def.layer, 'relu2', 'default: last 4-D layer that is not pooling');
    const byIndex = await gradCam(cnn, image, 1, { layer: cnn.layers.findIndex((l) => l.name === 'conv2') });
    assert.deepEqual(byIndex.heatmap, r.heatmap);
  });

  it('finds the region that drives the class and restores the layer afterwards', async () => {
    const m = twoChannelModel();
    const x = new Float32Array(64);
    for (let r = 0; r < 3; r++) for (let q = 0; q < 3; q++) {
      x[r * 8 + q] = 1; // bright top-left: drives class 0
      x[(r + 5) * 8 + q + 5] = -1; // dark bottom-right: drives class 1
    }
    const c0 = await flat(() => gradCam(m, x, 0, { layer: 'conv' }));
    const c1 = await flat(() => gradCam(m, x, 1, { layer: 'conv' }));
    const argmax = (a: Float32Array) => a.indexOf(Math.max(...a));
    const at = (i: number) => [Math.floor(i / 8), i % 8];
    const [r0, q0] = at(argmax(c0.heatmap));
    const [r1, q1] = at(argmax(c1.heatmap));
    assert.ok(r0 < 3 && q0 < 3, `class 0 hot spot at ${r0},${q0}`);
    assert.ok(r1 >= 5 && q1 >= 5, `class 1 hot spot at ${r1},${q1}`);
    assert.equal(c0.heatmap[7 * 8 + 7], 0);
    assert.equal(c1.heatmap[0], 0);
    assert.ok(c0.channelWeights[0] > 0 && c0.channelWeights[1] < 0);
    const conv = m.getLayer('conv');
    assert.equal(Object.prototype.hasOwnProperty.call(conv, 'call'), false, 'layer.call restored');
    const pool = await gradCam(m, x, 0, { layer: 'pool' });
    assert.deepEqual(pool.layerShape, [4, 4, 2]);
    m.dispose();
  });

  it('rejects unknown and non-convolutional layers', async () => {
    await rejectsCode(gradCam(cnn, image, 0, { layer: 'nope' }), 'UNKNOWN_LAYER');
    await rejectsCode(gradCam(cnn, image, 0, { layer: 99 }), 'UNKNOWN_LAYER');
    await rejectsCode(gradCam(cnn, image, 0, { layer: 'flatten' }), 'NOT_A_CONV_LAYER');
    await rejectsCode(gradCam(cnn, image, 0, { layer: 'head' }), 'NOT_A_CONV_LAYER');
    await rejectsCode(gradCam(cnn, image, 0, { layer: 0 }), 'NOT_A_CONV_LAYER');
    const m = linearModel();
    await rejectsCode(gradCam(m, [1, 2, 3, 4, 5], 0), 'NOT_A_CONV_LAYER');
    m.dispose();
  });
});

describe('occlusion', () => {
  // A "model" that only looks at rows 10..13, cols 10..13 of a 28×28 image: p = mean of that patch.
  const inRegion = (r: number, q: number) => r >= 10 && r < 14 && q >= 10 && q < 14;
  const patchMean: BatchPredictFn = (batch, n) =>
    Float32Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let r = 10; r < 14; r++) for (let q = 10; q < 14; q++) s += batch[i * 784 + r * 28 + q];
      return s / 16;
    });

  it('is non-zero exactly where a window touching the region covers the pixel', async () => {
    const rng = createRng(2);
    const x = Float32Array.from({ length: 784 }, () => 0.2 + 0.8 * rng.next());
    const r = await occlusion(patchMean, x, [28, 28, 1], 0, { window: 4, stride: 2 });
    assert.equal(r.windows, 13 * 13);
    for (let p = 0; p < 784; p++) {
      const [pr, pq] = [Math.floor(p / 28), p % 28];
      let touches = false;
      for (let r0 = 0; r0 <= 24; r0 += 2) for (let q0 = 0; q0 <= 24; q0 += 2) {
        const covers = pr >= r0 && pr < r0 + 4 && pq >= q0 && pq < q0 + 4;
        let overlaps = false;
        for (let a = r0; a < r0 + 4; a++) for (let b = q0; b < q0 + 4; b++) overlaps ||= inRegion(a, b);
        touches ||= covers && overlaps;
      }
      if (touches) assert.ok(r.attributions[p] > 0, `pixel ${pr},${pq}`);
      else assert.equal(r.attributions[p], 0, `pixel ${pr},${pq}`);
    }
    assert.ok(Math.abs(r.output - (patchMean(x, 1) as Float32Array)[0]) < 1e-7);
  });

  it('covers the edges, picks the target column, and runs a CNN without leaking', async () => {
    const twoClass: BatchPredictFn = (batch, n) => {
      const d = batch.length / n;
      const out = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += batch[i * d + j];
        out[2 * i] = 1 - s / d;
        out[2 * i + 1] = s / d;
      }
      return out;
    };
    const x = new Float32Array(11 * 11 * 2).fill(1);
    const r = await occlusion(twoClass, x, [11, 11, 2], 1, { window: 4, stride: 3 });
    assert.equal(r.windows, 16, 'positions 0, 3, 6 and the edge 7 per axis');
    assert.ok(r.attributions.every((v) => v > 0));
    await rejectsCode(occlusion(twoClass, x, [11, 11, 2], 2), 'BAD_TARGET');
    const c = await flat(() => occlusion(layersPredictFn(cnn), image, [10, 10, 1], 2, { window: 3, stride: 3, batchSize: 5 }));
    assert.equal(c.attributions.length, 100);
  });
});
