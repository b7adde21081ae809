import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimizeLbfgs } from '../../src/measures/lbfgs.ts';
import { columnMeans } from '../../src/measures/linalg.ts';
import { fitLogistic, fitSoftmax, predictSoftmax } from '../../src/measures/logistic.ts';
import { denseRows } from '../../src/measures/rows.ts';
import { closeArrays, gaussian } from './helpers.ts';

test('binary logistic regression is the two-class softmax model: same probabilities', () => {
  // fitLogistic: mean log-loss + (λ/2)‖w‖² on standardised features, one weight vector.
  // fitSoftmax with two weight columns: C·Σ CE + ½(‖w₀‖² + ‖w₁‖²); at its optimum w₀ = −w₁, so
  // w = w₁ − w₀ and the penalty is ¼‖w‖²: the same problem when C = 1/(2λn).
  const n = 120;
  const X = gaussian(n, 3, 'lr', 0);
  const y = Int32Array.from({ length: n }, (_, i) => (X.data[i * 3] + 0.5 * X.data[i * 3 + 1] + 0.3 * Math.sin(i) > 0 ? 1 : 0));
  const l2 = 0.05;
  const binary = fitLogistic(X, y, { l2, tol: 1e-12 });
  const mu = columnMeans(X);
  const sd = mu.map((m, j) => Math.sqrt(Array.from({ length: n }, (_, i) => (X.data[i * 3 + j] - m) ** 2).reduce((a, b) => a + b) / n));
  const Z = Float64Array.from(X.data, (v, k) => (v - mu[k % 3]) / sd[k % 3]);
  const multi = fitSoftmax(denseRows(Z, n, 3), y, 2, { C: 1 / (2 * l2 * n), tol: 1e-12, maxIter: 2000 });
  const p2 = predictSoftmax(multi, denseRows(Z, n, 3)).filter((_, k) => k % 2 === 1);
  closeArrays(binary.predictProba(X), p2, 1e-7, 'P(y = 1)'); // fitSoftmax stops on its relative-decrease test (ftol)
});

test('Newton and L-BFGS reach the same binary optimum; weights of 0 drop rows', () => {
  const X = gaussian(200, 4, 'nl');
  // labels with noise the features do not explain: not separable, so the optimum is finite at l2 → 0
  const y = Int32Array.from({ length: 200 }, (_, i) => (X.data[i * 4 + 2] - X.data[i * 4] + Math.sin(7.3 * i) > 0.2 ? 1 : 0));
  const a = fitLogistic(X, y, { method: 'newton' });
  const b = fitLogistic(X, y, { method: 'lbfgs' });
  assert.ok(a.converged && b.converged);
  closeArrays(b.w, a.w, 1e-6, 'w');
  assert.ok(Math.abs(a.loss - b.loss) < 1e-12);
  const w = Float64Array.from({ length: 200 }, (_, i) => (i < 150 ? 1 : 0));
  const first = { rows: 150, cols: 4, data: X.data.subarray(0, 600) };
  const dropped = fitLogistic(X, y, { weights: w, l2: 1e-9 });
  const only = fitLogistic(first, y.subarray(0, 150), { l2: 1e-9 });
  closeArrays(dropped.predictProba(first), only.predictProba(first), 1e-5, 'zero weights');
  assert.throws(() => fitLogistic(X, y, { weights: new Float64Array(200) }), { code: 'EMPTY_DATA' });
  assert.throws(() => fitLogistic(X, y, { weights: new Float64Array(200).fill(-1) }), { code: 'BAD_WEIGHTS' });
});

test('L-BFGS: ftol 0 runs to the gradient tolerance on an ill-conditioned problem', () => {
  // Rosenbrock, from (−1.2, 1)
  const f = (t: Float64Array, g: Float64Array) => {
    const [x, y] = t;
    g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    g[1] = 200 * (y - x * x);
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
  };
  const r = minimizeLbfgs(f, Float64Array.of(-1.2, 1), { tol: 1e-9, ftol: 0, maxIter: 1000 });
  assert.ok(r.converged, `stopped after ${r.iterations} iterations`);
  closeArrays(r.theta, [1, 1], 1e-7, 'minimum');
});
