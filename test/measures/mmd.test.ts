import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianPairDistance } from '../../src/measures/kernels.ts';
import { mmd } from '../../src/measures/mmd.ts';
import { close, gaussian } from './helpers.ts';
import type { Matrix } from '../../src/measures/linalg.ts';

function bruteForceMmd2(X: Matrix, Y: Matrix, sigma: number): number {
  const k = (A: Matrix, i: number, B: Matrix, j: number) => {
    let s = 0;
    for (let c = 0; c < A.cols; c++) s += (A.data[i * A.cols + c] - B.data[j * B.cols + c]) ** 2;
    return Math.exp(-s / (2 * sigma * sigma));
  };
  const m = X.rows;
  const n = Y.rows;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) xx += k(X, i, X, j);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) yy += k(Y, i, Y, j);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) xy += k(X, i, Y, j);
  return xx / (m * (m - 1)) + yy / (n * (n - 1)) - (2 * xy) / (m * n);
}

test('MMD² on a 2 + 2 point example matches the hand computation', () => {
  // X = {0, 1}, Y = {2, 3}, σ = 1: k = exp(−Δ²/2)
  // within X and within Y: one pair at distance 1; across: distances 2, 3, 1, 2
  const e = Math.exp;
  const expected = e(-0.5) + e(-0.5) - 0.5 * (2 * e(-2) + e(-4.5) + e(-0.5));
  const r = mmd([[0], [1]], [[2], [3]], { bandwidth: 1, permutations: 0 });
  close(r.mmd2, expected, 1e-15);
  assert.equal(r.bandwidth, 1);
  assert.ok(Number.isNaN(r.pValue));
  // median heuristic: pooled distances 1, 1, 1, 2, 2, 3 → median 1.5
  const h = mmd([[0], [1]], [[2], [3]], { permutations: 60, seed: 1 });
  assert.equal(h.bandwidth, 1.5);
  // only 2 of the 6 splits of 4 points are as extreme as the observed one
  assert.ok(h.pValue > 0.15 && h.pValue < 0.6, `p = ${h.pValue}`);
});

test('MMD² equals a brute-force U-statistic on random data', () => {
  const X = gaussian(30, 3, 'bx');
  const Y = gaussian(25, 3, 'by', 0.3);
  const r = mmd(X, Y, { bandwidth: 1.7, permutations: 0 });
  close(r.mmd2, bruteForceMmd2(X, Y, 1.7), 1e-13);
  close(mmd(Y, X, { bandwidth: 1.7, permutations: 0 }).mmd2, bruteForceMmd2(Y, X, 1.7), 1e-13); // smaller side first
});

test('MMD test: same Gaussian → MMD ≈ 0 and p > 0.05; shifted mean → p < 0.01', () => {
  const same = mmd(gaussian(200, 5, 's1'), gaussian(200, 5, 's2'), { seed: 4 });
  assert.ok(Math.abs(same.mmd2) < 0.01, `mmd2 = ${same.mmd2}`);
  assert.ok(same.pValue > 0.05, `p = ${same.pValue}`);
  const shifted = mmd(gaussian(200, 5, 's1'), gaussian(200, 5, 's3', 0.5), { seed: 4 });
  assert.ok(shifted.mmd2 > 0.02, `mmd2 = ${shifted.mmd2}`);
  assert.equal(shifted.pValue, 1 / 201); // nothing beats the observed statistic
  assert.equal(shifted.permutations, 200);
});

test('MMD is deterministic with a seed and subsamples to maxRows', () => {
  const X = gaussian(300, 2, 'dx');
  const Y = gaussian(150, 2, 'dy', 0.1);
  const a = mmd(X, Y, { seed: 9, maxRows: 100, permutations: 50 });
  const b = mmd(X, Y, { seed: 9, maxRows: 100, permutations: 50 });
  assert.deepEqual(a, b);
  assert.equal(a.nSource, 100);
  assert.equal(a.nTarget, 100);
  assert.throws(() => mmd(X, gaussian(10, 3, 'z')), (e: any) => e.code === 'SHAPE_MISMATCH');
  assert.throws(() => mmd(X, Y, { bandwidth: -1 }), /bandwidth/);
});

test('median-heuristic bandwidth: the median pair distance, else the mean, else 1', () => {
  const squared = (xs: number[]) => Float64Array.from(xs.flatMap((a) => xs.map((b) => (a - b) ** 2)));
  // 1-D points 0, 1, 3: pair distances 1, 3, 2 → median 2
  assert.equal(medianPairDistance(squared([0, 1, 3]), 3, [0, 1, 2]), 2);
  // only rows 0 and 2 count: one pair at distance 3
  assert.equal(medianPairDistance(squared([0, 1, 3]), 3, [0, 2]), 3);
  // six of ten distances are 0 (median 0): the mean, 4·5/10 = 2
  assert.equal(medianPairDistance(squared([0, 0, 0, 0, 5]), 5, [0, 1, 2, 3, 4]), 2);
  // every row the same: 1
  assert.equal(medianPairDistance(squared([7, 7, 7]), 3, [0, 1, 2]), 1);
});
