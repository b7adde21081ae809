import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  axpy,
  cholesky,
  choleskySolve,
  choleskySolveColumns,
  columnMeans,
  covariance,
  dot,
  gram,
  largestEigenvalue,
  matmul,
  matVec,
  maxAbs,
  pinvSymmetric,
  selectRows,
  solve,
  stackMatrices,
  subsampleRows,
  symmetricEigen,
  symmetricFunction,
  toMatrix,
  transpose,
  type Matrix,
} from '../../src/measures/linalg.ts';
import { denseRows, matrixFromRows, rowsFromMatrix, toSparse } from '../../src/measures/rows.ts';
import { createRng } from '../../src/util/random.ts';
import { closeArrays, gaussian } from './helpers.ts';

function randomSymmetric(d: number, seed: number): Matrix {
  const X = gaussian(d, d, seed);
  const S = matmul(X, transpose(X));
  for (let k = 0; k < S.data.length; k++) S.data[k] -= d / 2; // indefinite
  return S;
}

test('symmetric eigendecomposition reconstructs A with orthonormal vectors', () => {
  for (const d of [1, 2, 3, 7, 40]) {
    const A = randomSymmetric(d, d);
    const { values, vectors } = symmetricEigen(A);
    for (let i = 1; i < d; i++) assert.ok(values[i] >= values[i - 1]);
    const back = symmetricFunction(A, (l) => l, { values, vectors });
    closeArrays(back.data, A.data, 1e-9 * (1 + Math.max(...Array.from(values, Math.abs))), `A(${d})`);
    const VtV = gram(vectors);
    const I = new Float64Array(d * d);
    for (let i = 0; i < d; i++) I[i * d + i] = 1;
    closeArrays(VtV.data, I, 1e-10, `VᵀV(${d})`);
  }
  // repeated eigenvalues and a diagonal / zero matrix
  closeArrays(symmetricEigen(toMatrix([[2, 1], [1, 2]])).values, [1, 3], 1e-14);
  closeArrays(symmetricEigen(toMatrix([[5, 0, 0], [0, 5, 0], [0, 0, 1]])).values, [1, 5, 5], 1e-14);
  closeArrays(symmetricEigen(toMatrix([[0, 0], [0, 0]])).values, [0, 0], 0);
});

test('matrix square root, pseudo-inverse, Cholesky and LU solve', () => {
  const A = covariance(gaussian(50, 4, 'cov'));
  const R = symmetricFunction(A, Math.sqrt);
  closeArrays(matmul(R, R).data, A.data, 1e-12);
  const P = pinvSymmetric(toMatrix([[1, 1], [1, 1]])); // rank one: pinv = A / 4
  closeArrays(P.data, [0.25, 0.25, 0.25, 0.25], 1e-14);
  const x = choleskySolve(cholesky(A), [1, 2, 3, 4]);
  closeArrays(matmul(A, { rows: 4, cols: 1, data: x }).data, [1, 2, 3, 4], 1e-12);
  const B = Float64Array.from({ length: 4 * 3 }, (_, i) => Math.sin(i + 1));
  closeArrays(matmul(A, { rows: 4, cols: 3, data: choleskySolveColumns(cholesky(A), B, 3) }).data, Array.from(B), 1e-12);
  closeArrays(solve(toMatrix([[0, 2], [3, 1]]), [4, 5])!, [1, 2], 1e-14);
  assert.equal(solve(toMatrix([[1, 2], [2, 4]]), [1, 2]), null);
  assert.throws(() => cholesky(toMatrix([[1, 2], [2, 1]])), /positive definite/);
});

test('covariance matches the n − 1 formula and inputs are checked', () => {
  closeArrays(covariance(toMatrix([[1, 2], [3, 6], [5, 7]])).data, [4, 5, 5, 7], 1e-14);
  assert.throws(() => toMatrix([[1, 2], [3]], 'source'), /Row 1 of source/);
  assert.throws(() => toMatrix([[1, NaN]], 'target'), (e: any) => e.code === 'NON_FINITE_INPUT');
  assert.deepEqual(Array.from(toMatrix({ x: Float32Array.of(1, 2, 3, 4), shape: [2, 1, 2] }).data), [1, 2, 3, 4]);
  assert.equal(toMatrix({ x: Float32Array.of(1, 2, 3, 4), shape: [2, 1, 2] }).cols, 2);
});

test('vector helpers, matVec, row selection and stacking', () => {
  assert.equal(dot(Float64Array.of(1, 2, 3), [4, 5, 6]), 32);
  const y = Float64Array.of(1, 1);
  axpy(-2, [1, 2], y);
  assert.deepEqual(Array.from(y), [-1, -3]);
  assert.equal(maxAbs(Float64Array.of(1, -3, 2)), 3);
  assert.equal(maxAbs(new Float64Array(0)), 0);
  const A = toMatrix([[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(Array.from(matVec(A, [1, -1])), [-1, -1, -1]);
  assert.deepEqual(Array.from(selectRows(A, [2, 0]).data), [5, 6, 1, 2]);
  const B = stackMatrices(A, toMatrix([[7, 8]]));
  assert.equal(B.rows, 4);
  assert.deepEqual(Array.from(B.data.slice(6)), [7, 8]);
  assert.throws(() => stackMatrices(A, toMatrix([[1]])), { code: 'SHAPE_MISMATCH' });
  // subsampling keeps the original order of the rows it keeps
  const big = toMatrix(Array.from({ length: 50 }, (_, i) => [i]));
  const sub = Array.from(subsampleRows(big, 10, createRng(3)).data);
  assert.equal(sub.length, 10);
  assert.deepEqual(sub, [...sub].sort((a, b) => a - b));
  assert.deepEqual(Array.from(columnMeans(A)), [3, 4]);
});

test('power iteration finds the largest eigenvalue of a PSD matrix', () => {
  const X = gaussian(40, 6, 'pow');
  const G = gram(X);
  const exact = symmetricEigen(G).values[5];
  const approx = largestEigenvalue(G, 500, 1e-12);
  assert.ok(Math.abs(approx - exact) < 1e-6 * exact, `${approx} vs ${exact}`);
  assert.equal(largestEigenvalue(toMatrix([[0, 0], [0, 0]])), 0);
});

test('Matrix ↔ Rows: a dense view without copying, and back from sparse', () => {
  const M = toMatrix([[1, 0], [0, 2]]);
  const R = rowsFromMatrix(M);
  assert.equal(R.kind === 'dense' && R.data, M.data, 'same buffer');
  assert.deepEqual(matrixFromRows(toSparse(denseRows(Float32Array.of(1, 0, 0, 2), 2, 2))), M);
});
