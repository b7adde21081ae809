import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { deepCoralLoss, deepCoralLossPairs, gradientReversal, GradientReversalLayer, mmdBandwidths, mmdLoss, mmdLossPairs } from '../../src/adapt/deep/index.ts';
import { coralDistance } from '../../src/measures/coral.ts';
import { mmd } from '../../src/measures/mmd.ts';
import { createRng } from '../../src/util/random.ts';

await initEngine({ backend: 'wasm' });

/** n × d rows of N(shift, scale²) with a seeded correlation between the first two columns. */
function batch(n: number, d: number, seed: number, shift = 0, scale = 1): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const row = Array.from({ length: d }, () => shift + scale * rng.normal());
    row[1] += 0.8 * row[0];
    return row;
  });
}

/** Plain-JS biased multi-kernel MMD² (V-statistic) with the given bandwidths. */
function biasedMmdJs(X: number[][], Y: number[][], sigmas: number[]): number {
  const k = (a: number[], b: number[]) => {
    let d2 = 0;
    for (let i = 0; i < a.length; i++) d2 += (a[i] - b[i]) ** 2;
    return sigmas.reduce((s, sg) => s + Math.exp(-d2 / (2 * sg * sg)), 0) / sigmas.length;
  };
  const mean = (A: number[][], B: number[][]) => A.reduce((s, a) => s + B.reduce((t, b) => t + k(a, b), 0), 0) / (A.length * B.length);
  return mean(X, X) + mean(Y, Y) - 2 * mean(X, Y);
}

function scalar(f: () => tf.Scalar): number {
  return tf.tidy(() => f().dataSync()[0]);
}

test('gradient reversal: identity forward, −λ·c backward, exactly', () => {
  const x = tf.tensor2d([[1.5, -2, 3], [0.25, 7, -8]]);
  const c = tf.tensor2d([[1, -2, 3], [4, 0.5, -6]]);
  for (const lambda of [1, 0.5, 2.25, 0]) {
    const y = gradientReversal(x, lambda);
    assert.deepEqual(Array.from(y.dataSync()), Array.from(x.dataSync()));
    y.dispose();
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gradientReversal(t, lambda), c)))(x);
    const expected = Array.from(c.dataSync(), (v) => -lambda * v);
    assert.deepEqual(Array.from(g.dataSync()), expected, `lambda ${lambda}`);
    g.dispose();
  }
  // the layer form, with a lambda changed after construction
  const layer = new GradientReversalLayer({ lambda: 3 });
  layer.setLambda(0.75);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t) as tf.Tensor, c)))(x);
  assert.deepEqual(Array.from(g.dataSync()), Array.from(c.dataSync(), (v) => -0.75 * v));
  g.dispose();
  assert.throws(() => gradientReversal(x, -1), { code: 'BAD_OPTION' });
  assert.throws(() => layer.setLambda(Number.NaN), { code: 'BAD_OPTION' });
  x.dispose();
  c.dispose();
});

test('Deep CORAL loss equals coralDistance on the same batch, and has a gradient', () => {
  for (const [n, m, d, seed] of [[16, 20, 3, 1], [32, 32, 8, 2], [5, 9, 2, 3]]) {
    const S = batch(n, d, seed);
    const T = batch(m, d, seed + 100, 0.5, 2);
    const expected = coralDistance(S, T);
    const got = scalar(() => deepCoralLoss(tf.tensor2d(S), tf.tensor2d(T)));
    assert.ok(Math.abs(got - expected) <= 1e-5 * Math.max(1, expected), `n=${n} d=${d}: ${got} vs ${expected}`);
  }
  // rank-4 features are flattened; the worked example of coralDistance gives 2
  assert.ok(Math.abs(scalar(() => deepCoralLoss(tf.tensor4d([0, 0, 2, 2], [2, 1, 1, 2]), tf.tensor2d([[0, 0], [2, -2]]))) - 2) < 1e-6);
  const grad = tf.tidy(() => {
    const g = tf.grad((s: tf.Tensor) => deepCoralLoss(s, tf.tensor2d(batch(10, 3, 9, 0, 3))))(tf.tensor2d(batch(10, 3, 8)));
    return tf.sum(tf.abs(g)).dataSync()[0];
  });
  assert.ok(grad > 0 && Number.isFinite(grad));
  assert.throws(() => deepCoralLoss(tf.zeros([4, 3]), tf.zeros([4, 2])), { code: 'SHAPE_MISMATCH' });
});

test('MMD loss: matches src/measures and a plain-JS multi-kernel value, ~0 for identical batches, larger for shifted ones', () => {
  const S = batch(24, 4, 11);
  const T = batch(30, 4, 12, 0.7);
  // single kernel, unbiased, fixed bandwidth = measures/mmd's U-statistic
  const ref = mmd(S, T, { bandwidth: 2.5, permutations: 0 }).mmd2;
  const unbiased = scalar(() => mmdLoss(tf.tensor2d(S), tf.tensor2d(T), { estimator: 'unbiased', bandwidth: 2.5, bandwidthMultipliers: [1] }));
  assert.ok(Math.abs(unbiased - ref) < 1e-5, `${unbiased} vs ${ref}`);
  // default: biased, median bandwidth × {0.5, 1, 2, 4}; the median is measures/mmd's heuristic
  const { base, bandwidths } = tf.tidy(() => mmdBandwidths(tf.tensor2d(S), tf.tensor2d(T)));
  const median = mmd(S, T, { permutations: 0 }).bandwidth;
  assert.ok(Math.abs(base - median) < 1e-4 * median, `${base} vs ${median}`);
  const biased = scalar(() => mmdLoss(tf.tensor2d(S), tf.tensor2d(T)));
  const js = biasedMmdJs(S, T, bandwidths);
  assert.ok(Math.abs(biased - js) < 1e-5, `${biased} vs ${js}`);

  const same = scalar(() => mmdLoss(tf.tensor2d(S), tf.tensor2d(S)));
  assert.ok(same >= 0 && same < 1e-6, `identical batches: ${same}`);
  const rng = createRng(5);
  for (const estimator of ['biased', 'linear'] as const) {
    const A = batch(64, 4, 21);
    const B = batch(64, 4, 22); // same distribution, other draws
    const C = batch(64, 4, 23, 1.5); // shifted
    const near = scalar(() => mmdLoss(tf.tensor2d(A), tf.tensor2d(B), { estimator, bandwidth: 3 }));
    const far = scalar(() => mmdLoss(tf.tensor2d(A), tf.tensor2d(C), { estimator, bandwidth: 3 }));
    assert.ok(far > near + 0.05, `${estimator}: shifted ${far} vs same-distribution ${near}`);
    if (estimator === 'biased') assert.ok(near >= 0);
  }
  void rng;
  // gradient flows to the source batch and pulls it towards the target
  const [before, after] = tf.tidy(() => {
    const s = tf.tensor2d(batch(16, 2, 31));
    const t = tf.tensor2d(batch(16, 2, 32, 2));
    const g = tf.grad((x: tf.Tensor) => mmdLoss(x, t, { bandwidth: 2 }))(s);
    const moved = tf.sub(s, tf.mul(g, 5));
    return [mmdLoss(s, t, { bandwidth: 2 }).dataSync()[0], mmdLoss(moved, t, { bandwidth: 2 }).dataSync()[0]];
  });
  assert.ok(after < before, `a gradient step lowers MMD: ${after} vs ${before}`);
  assert.throws(() => mmdLoss(tf.zeros([4, 2]), tf.zeros([4, 2]), { bandwidthMultipliers: [0] }), { code: 'BAD_OPTION' });
});

test('pairwise forms equal the mean of the two-domain losses', () => {
  const groups = [batch(10, 3, 51), batch(12, 3, 52, 0.5), batch(8, 3, 53, -0.3, 1.5)];
  const pairs = [[0, 1], [0, 2], [1, 2]];
  const coralMean = pairs.reduce((s, [a, b]) => s + coralDistance(groups[a], groups[b]), 0) / 3;
  const coral = scalar(() => deepCoralLossPairs(groups.map((g) => tf.tensor2d(g))));
  assert.ok(Math.abs(coral - coralMean) < 1e-5 * Math.max(1, coralMean), `${coral} vs ${coralMean}`);
  const all = groups.flat();
  const sizes = groups.map((g) => g.length);
  for (const estimator of ['biased', 'unbiased', 'linear'] as const) {
    // a shared bandwidth: the median of the whole batch
    const base = mmd(all.slice(0, 10), all.slice(10), { permutations: 0 }).bandwidth;
    const mean = scalar(() => tf.div(tf.addN(pairs.map(([a, b]) => mmdLoss(tf.tensor2d(groups[a]), tf.tensor2d(groups[b]), { estimator, bandwidth: base }))), 3) as tf.Scalar);
    const got = scalar(() => mmdLossPairs(tf.tensor2d(all), sizes, { estimator }));
    assert.ok(Math.abs(got - mean) < 1e-5, `${estimator}: ${got} vs ${mean}`);
  }
  // two groups: the same as the two-batch loss
  const two = scalar(() => mmdLossPairs(tf.tensor2d([...groups[0], ...groups[1]]), [10, 12]));
  assert.ok(Math.abs(two - scalar(() => mmdLoss(tf.tensor2d(groups[0]), tf.tensor2d(groups[1])))) < 1e-6);
  assert.throws(() => mmdLossPairs(tf.zeros([6, 2]), [3, 2]), { code: 'SHAPE_MISMATCH' });
});

test('the losses leave no tensors behind', () => {
  const s = tf.tensor2d(batch(12, 3, 41));
  const t = tf.tensor2d(batch(12, 3, 42, 1));
  const before = tf.memory().numTensors;
  for (const f of [() => deepCoralLoss(s, t), () => deepCoralLossPairs([s, t, s]), () => tf.tidy(() => mmdLossPairs(tf.concat([s, t]), [12, 12])), () => mmdLoss(s, t), () => mmdLoss(s, t, { estimator: 'linear' }), () => mmdLoss(s, t, { estimator: 'unbiased' })]) {
    const v = f();
    v.dispose();
  }
  tf.tidy(() => mmdBandwidths(s, t));
  mmdBandwidths(s, t);
  assert.equal(tf.memory().numTensors, before);
  s.dispose();
  t.dispose();
});
