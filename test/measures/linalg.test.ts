import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cholesky,
  choleskySolve,
  covariance,
  gram,
  matmul,
  pinvSymmetric,
  solve,
  symmetricEigen,
  symmetricFunction,
  toMatrix,
  transpose,
  type Matrix,
} from '../../src/measures/linalg.ts';
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
  closeArrays(solve(toMatrix([[0, 2], [3, 1]]), [4, 5])!, [1, 2], 1e-14);
  assert.equal(solve(toMatrix([[1, 2], [2, 4]]), [1, 2]), null);
  assert.throws(() => cholesky(toMatrix([[1, 2], [2, 1]])), /positive definite/);
});

test('covariance matches the n − 1 formula and inputs are checked', () => {
  closeArrays(covariance(toMatrix([[1, 2], [3, 6], [5, 7]])).data, [4, 5, 5, 7], 1e-14);
  assert.throws(() => toMatrix([[1, 2], [3]], 'source'), /Row 1 of source/);
  assert.throws(() => toMatrix([[1, NaN]], 'target'), (e: any) => e.code === 'NON_FINITE');
  assert.deepEqual(Array.from(toMatrix({ x: Float32Array.of(1, 2, 3, 4), shape: [2, 1, 2] }).data), [1, 2, 3, 4]);
  assert.equal(toMatrix({ x: Float32Array.of(1, 2, 3, 4), shape: [2, 1, 2] }).cols, 2);
});
