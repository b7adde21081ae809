import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitEszsl, scoreEszsl } from '../../src/transfer/zero-shot/eszsl.ts';
import { dapScores, fitDap, scoreDap } from '../../src/transfer/zero-shot/dap.ts';
import { createRng } from '../../src/util/random.ts';
import { gram, type Matrix } from '../../src/measures/linalg.ts';

test('ESZSL: a 1-feature, 2-class case worked by hand gives V = 1/3', () => {
  // X = [1; −1], Y = [[1, −1], [−1, 1]], S = [1; 0]: XᵀYS = 2, XᵀX + γ = 3, SᵀS + λ = 2
  const X: Matrix = { rows: 2, cols: 1, data: Float64Array.of(1, -1) };
  const m = fitEszsl(X, [0, 1], Float64Array.of(1, 0), 2, { gamma: 1, lambda: 1 });
  assert.ok(Math.abs(m.V[0] - 1 / 3) < 1e-12);
  const s = scoreEszsl(m, X, Float64Array.of(1, 0), 2);
  assert.deepEqual(Array.from(s).map((v) => Math.round(v * 1e9) / 1e9), [0.333333333, 0, -0.333333333, 0]);
});

test('ESZSL: V solves (XᵀX + γI) V (SᵀS + λI) = Xᵀ Y S on a random case', () => {
  const rng = createRng(3);
  const n = 40, d = 5, z = 4, a = 6;
  const X: Matrix = { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => rng.normal()) };
  const y = Array.from({ length: n }, (_, i) => i % z);
  const S = Float64Array.from({ length: z * a }, () => (rng.next() < 0.5 ? 1 : 0));
  const gamma = 2.5, lambda = 0.7;
  const { V } = fitEszsl(X, y, S, z, { gamma, lambda });
  // brute force, entry by entry
  const XtX = (p: number, q: number) => { let s = 0; for (let i = 0; i < n; i++) s += X.data[i * d + p] * X.data[i * d + q]; return s + (p === q ? gamma : 0); };
  const StS = (j: number, k: number) => { let s = 0; for (let c = 0; c < z; c++) s += S[c * a + j] * S[c * a + k]; return s + (j === k ? lambda : 0); };
  const XtYS = (p: number, j: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) for (let c = 0; c < z; c++) s += X.data[i * d + p] * (y[i] === c ? 1 : -1) * S[c * a + j];
    return s;
  };
  for (let p = 0; p < d; p++) for (let j = 0; j < a; j++) {
    let lhs = 0;
    for (let q = 0; q < d; q++) for (let k = 0; k < a; k++) lhs += XtX(p, q) * V[q * a + k] * StS(k, j);
    assert.ok(Math.abs(lhs - XtYS(p, j)) < 1e-8 * (1 + Math.abs(XtYS(p, j))), `entry ${p},${j}: ${lhs} vs ${XtYS(p, j)}`);
  }
  // a precomputed XᵀX (as tuning passes it) gives the same V and is left as it was
  const given = gram(X).data;
  const copy = Float64Array.from(given);
  assert.deepEqual(Array.from(fitEszsl(X, y, S, z, { gamma, lambda, gram: given }).V), Array.from(V));
  assert.deepEqual(Array.from(given), Array.from(copy));
  assert.throws(() => fitEszsl(X, y, S, z, { gram: new Float64Array(3) }), (e: Error & { code?: string }) => e.code === 'SHAPE_MISMATCH');
});

test('DAP: the MAP rule on hand-made attribute probabilities', () => {
  // two attributes, p(a1|x) = 0.9, p(a2|x) = 0.2; priors 0.5 and 0.25
  const opts = { eps: 1e-3, scoring: 'map' as const, l2: 0 };
  const S = Float64Array.of(1, 0, /* */ 0, 1, /* */ 1, 1);
  const s = dapScores(Float64Array.of(0.9, 0.2), 1, [0, 1], Float64Array.of(0.5, 0.25), S, 3, 2, opts);
  const expect = [
    Math.log(0.9) + Math.log(0.8) - Math.log(0.5) - Math.log(0.75),
    Math.log(0.1) + Math.log(0.2) - Math.log(0.5) - Math.log(0.25),
    Math.log(0.9) + Math.log(0.2) - Math.log(0.5) - Math.log(0.25),
  ];
  s.forEach((v, i) => assert.ok(Math.abs(v - expect[i]) < 1e-12));
  // without the prior the rare attribute is not boosted: class 0 beats class 2 by a larger margin
  const l = dapScores(Float64Array.of(0.9, 0.2), 1, [0, 1], Float64Array.of(0.5, 0.25), S, 3, 2, { ...opts, scoring: 'likelihood' });
  assert.ok(Math.abs(l[0] - (Math.log(0.9) + Math.log(0.8))) < 1e-12);
  // a soft signature value mixes p and 1 − p; probabilities are clipped at eps
  const soft = dapScores(Float64Array.of(0.9, 0), 1, [0, 1], Float64Array.of(0.5, 0.5), Float64Array.of(0.5, 1), 1, 2, { ...opts, scoring: 'likelihood' });
  assert.ok(Math.abs(soft[0] - (Math.log(0.5) + Math.log(1e-3))) < 1e-12);
});

test('DAP: learns attributes that vary over the seen classes and skips constant ones', () => {
  const rng = createRng(5);
  // 3 seen classes, 3 attributes; attribute 2 is 0 for every seen class
  const S = Float64Array.of(1, 0, 0, 0, 1, 0, 1, 1, 0);
  const n = 150;
  const y = Array.from({ length: n }, (_, i) => i % 3);
  const X: Matrix = { rows: n, cols: 2, data: Float64Array.from({ length: n * 2 }, (_, k) => S[y[Math.floor(k / 2)] * 3 + (k % 2)] * 3 + rng.normal() * 0.3) };
  const dap = fitDap(X, y, S, 3);
  assert.deepEqual(dap.used, [0, 1]);
  assert.deepEqual(Array.from(dap.prior).map((p) => Math.round(p * 1000) / 1000), [0.667, 0.667]);
  // an unseen class with (0, 0, 1) is recognised from the two learned attributes
  const test: Matrix = { rows: 1, cols: 2, data: Float64Array.of(0, 0) };
  const scores = scoreDap(dap, test, Float64Array.of(0, 0, 1, 1, 1, 0), 2);
  assert.ok(scores[0] > scores[1]);
});
