import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { toLayersModel } from '../../src/adapt/linear.ts';
import { composeAffine, fitSoftmax, parameters, predictSoftmax, shiftPrior } from '../../src/measures/logistic.ts';
import { minimizeLbfgs } from '../../src/measures/lbfgs.ts';
import { concatRows, denseRows, multiply, pickRows, stackRows, toDense, toSparse } from '../../src/measures/rows.ts';
import { fitPca, projectRows } from '../../src/adapt/svd.ts';
import { fitView } from '../../src/adapt/views.ts';
import { covariance, symmetricEigen } from '../../src/measures/linalg.ts';
import { createRng } from '../../src/util/random.ts';

tf.env().set('PROD', true);

function blobs(n: number, d: number, k: number, seed: number) {
  const rng = createRng(seed);
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % k;
    for (let j = 0; j < d; j++) x[i * d + j] = rng.normal() + (j % k === y[i] ? 1.5 : 0) * (rng.next() < 0.5 ? 1 : 0.5);
  }
  return { X: denseRows(x, n, d), y };
}

test('L-BFGS finds the minimum of a convex quadratic', () => {
  const res = minimizeLbfgs((t, g) => {
    g[0] = 2 * (t[0] - 3);
    g[1] = 8 * (t[1] + 1);
    return (t[0] - 3) ** 2 + 4 * (t[1] + 1) ** 2;
  }, new Float64Array(2), { tol: 1e-10 });
  assert.ok(Math.abs(res.theta[0] - 3) < 1e-6 && Math.abs(res.theta[1] + 1) < 1e-6);
});

test('softmax regression: the gradient vanishes at the optimum; sparse and dense rows give the same model', () => {
  const { X, y } = blobs(200, 6, 3, 1);
  const dense = fitSoftmax(X, y, 3, { C: 1, tol: 1e-9, maxIter: 1000 });
  const sparse = fitSoftmax(toSparse(X), y, 3, { C: 1, tol: 1e-9, maxIter: 1000 });
  for (let j = 0; j < dense.W.length; j++) assert.ok(Math.abs(dense.W[j] - sparse.W[j]) < 1e-5);
  // stationarity: C·Xᵀ(P − Y) + W = 0 and C·Σ(P − Y) = 0
  const P = predictSoftmax(dense, X);
  const R = Float64Array.from(P, (p, idx) => p - (y[Math.floor(idx / 3)] === idx % 3 ? 1 : 0));
  const G = new Float64Array(18);
  const Xd = toDense(X);
  for (let i = 0; i < 200; i++) for (let j = 0; j < 6; j++) for (let c = 0; c < 3; c++) G[j * 3 + c] += Xd[i * 6 + j] * R[i * 3 + c];
  for (let j = 0; j < 18; j++) assert.ok(Math.abs(G[j] + dense.W[j]) < 1e-4, `stationary at ${j}`);
  // probabilities are rows of a distribution
  for (let i = 0; i < 200; i++) assert.ok(Math.abs(P[i * 3] + P[i * 3 + 1] + P[i * 3 + 2] - 1) < 1e-12);
});

test('an example weight of 2 is the same as the example twice; balanced class weights equalise the classes', () => {
  const { X, y } = blobs(60, 3, 2, 2);
  const w = Float64Array.from({ length: 60 }, (_, i) => (i < 10 ? 2 : 1));
  const weighted = fitSoftmax(X, y, 2, { weights: w, tol: 1e-9, maxIter: 1000 });
  const dup = Array.from({ length: 70 }, (_, i) => (i < 60 ? i : i - 60));
  const twice = fitSoftmax(pickRows(X, dup), Int32Array.from(dup, (i) => y[i]), 2, { tol: 1e-9, maxIter: 1000 });
  for (let j = 0; j < weighted.W.length; j++) assert.ok(Math.abs(weighted.W[j] - twice.W[j]) < 1e-4);
  assert.throws(() => fitSoftmax(X, y, 2, { weights: new Float64Array(60).fill(-1) }), { code: 'BAD_WEIGHTS' });
  assert.throws(() => fitSoftmax(X, Int32Array.from(y, () => 5), 2), { code: 'BAD_LABEL' });
});

test('the saved TF.js model predicts what the linear model predicts; composition and prior shift are exact', () => {
  const { X, y } = blobs(50, 4, 2, 3);
  const m = fitSoftmax(X, y, 2);
  const layers = toLayersModel(m);
  const x = Float32Array.from(toDense(X));
  const out = tf.tidy(() => (layers.predict(tf.tensor2d(x, [50, 4])) as tf.Tensor).dataSync());
  const ref = predictSoftmax(m, X);
  for (let k = 0; k < 100; k++) assert.ok(Math.abs(out[k] - ref[k]) < 1e-5);
  layers.dispose();
  // x ↦ x·A + a, then the model, equals one model on x
  const A = Float64Array.from({ length: 4 * 4 }, (_, i) => ((i * 7) % 5) / 5 - 0.3);
  const a = Float64Array.of(0.1, -0.2, 0.3, 0);
  const projected = multiply(X, A, 4);
  for (let i = 0; i < 50; i++) for (let q = 0; q < 4; q++) projected[i * 4 + q] += a[q];
  const composed = composeAffine(A, a, 4, m);
  const p1 = predictSoftmax(m, denseRows(projected, 50, 4));
  const p2 = predictSoftmax(composed, X);
  for (let k = 0; k < 100; k++) assert.ok(Math.abs(p1[k] - p2[k]) < 1e-10);
  // a prior shift multiplies the odds by q/p
  const shifted = predictSoftmax(shiftPrior(m, [0.8, 0.2], [0.5, 0.5]), X);
  const odds = (p: Float64Array) => p[1] / p[0];
  assert.ok(Math.abs(odds(shifted) / odds(ref) - 4) < 1e-9);
  assert.equal(parameters(m).length, 4 * 2 + 2);
});

test('rows: CSR conversion, stacking, picking and concatenation keep the values', () => {
  const { X } = blobs(7, 5, 2, 4);
  const masked = Float64Array.from(toDense(X), (v) => (v > 0.5 ? v : 0));
  const D = denseRows(masked, 7, 5);
  const S = toSparse(D);
  assert.deepEqual(Array.from(toDense(S)), Array.from(Float32Array.from(masked)));
  assert.deepEqual(toDense(stackRows(S, S)).slice(35), toDense(S));
  assert.deepEqual(toDense(pickRows(S, [6, 0])).slice(0, 5), toDense(S).slice(30, 35));
  assert.deepEqual(toDense(concatRows([pickRows(S, [0, 1]), pickRows(D, [2, 3, 4, 5, 6])], 5)), toDense(S));
});

test('randomized PCA finds the top principal components of a low-rank matrix (sparse input too)', () => {
  const rng = createRng(5);
  const n = 300;
  const d = 40;
  const basis = Array.from({ length: 3 }, () => Float64Array.from({ length: d }, () => rng.normal()));
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const s = [3 * rng.normal(), 2 * rng.normal(), rng.normal()];
    for (let j = 0; j < d; j++) x[i * d + j] = 5 + s[0] * basis[0][j] + s[1] * basis[1][j] + s[2] * basis[2][j] + 0.01 * rng.normal();
  }
  const X = denseRows(x, n, d);
  const pca = fitPca(toSparse(X), 3, { seed: 1 });
  const eig = symmetricEigen(covariance({ rows: n, cols: d, data: x }, 0));
  for (let q = 0; q < 3; q++) {
    const expected = eig.values[d - 1 - q];
    const got = pca.singularValues[q] ** 2 / n;
    assert.ok(Math.abs(got - expected) / expected < 1e-6, `component ${q}: variance ${got} vs ${expected}`);
  }
  const explained = pca.explainedVarianceRatio.reduce((a, b) => a + b, 0);
  assert.ok(explained > 0.999);
  const Z = projectRows(pca, X);
  let mean0 = 0;
  for (let i = 0; i < n; i++) mean0 += Z[i * 3] / n;
  assert.ok(Math.abs(mean0) < 1e-9, 'projections are centred');
  // the view scales each component to unit variance over the pooled rows
  const view = fitView(pickRows(X, Array.from({ length: 150 }, (_, i) => i)), pickRows(X, Array.from({ length: 150 }, (_, i) => 150 + i)), { maxDims: 3 });
  const V = view.apply(X);
  let var0 = 0;
  for (let i = 0; i < n; i++) var0 += V[i * 3] ** 2 / n;
  assert.ok(Math.abs(var0 - 1) < 1e-6, `unit variance, got ${var0}`);
});
