import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coralAlign, coralDistance } from '../../src/measures/coral.ts';
import { covariance, gram, identity, matmul, transpose, type Matrix } from '../../src/measures/linalg.ts';
import { close, closeArrays, gaussian, mix } from './helpers.ts';

const source = mix(gaussian(400, 3, 'cs'), [[2, 0, 0], [0.5, 1, 0], [0, 0.3, 0.2]]);
const target = mix(gaussian(300, 3, 'ct', 1), [[1, 0.4, 0], [0, 3, 0], [0.2, 0, 1]]);

function addEps(C: Matrix, eps: number): Matrix {
  const d = C.rows;
  const out = Float64Array.from(C.data);
  for (let i = 0; i < d; i++) out[i * d + i] += eps;
  return { rows: d, cols: d, data: out };
}

test('CORAL distance is ‖C_s − C_t‖²_F / (4d²)', () => {
  // C_s = [[2, 2], [2, 2]], C_t = [[2, −2], [−2, 2]]: difference has two entries of 4 → 32 / 16
  close(coralDistance([[0, 0], [2, 2]], [[0, 0], [2, -2]]), 2, 1e-15);
  assert.equal(coralDistance(source, source), 0);
  const Cs = covariance(source);
  const Ct = covariance(target);
  let f = 0;
  for (let k = 0; k < 9; k++) f += (Cs.data[k] - Ct.data[k]) ** 2;
  close(coralDistance(source, target), f / 36, 1e-12);
});

test('CORAL with eps = 0 makes the aligned source covariance equal C_t', () => {
  const { aligned } = coralAlign(source, target, { eps: 0 });
  closeArrays(covariance(aligned).data, covariance(target).data, 1e-10, 'cov(aligned)');
  assert.ok(coralDistance(aligned, target) < 1e-20);
});

test('CORAL with eps = 1 maps C_s + εI exactly to C_t + εI (Sun et al. 2016)', () => {
  const eps = 1;
  const { aligned, transform: A } = coralAlign(source, target);
  const Cs = covariance(source);
  const Ct = covariance(target);
  // Aᵀ (C_s + εI) A = C_t + εI
  closeArrays(matmul(matmul(transpose(A), addEps(Cs, eps)), A).data, addEps(Ct, eps).data, 1e-10, 'regularised');
  // the plain covariance of the aligned rows is therefore C_t + εI − ε AᵀA (≠ C_t + εI for ε > 0)
  const AtA = gram(A);
  const expected = addEps(Ct, eps).data.map((v, k) => v - eps * AtA.data[k]);
  closeArrays(covariance(aligned).data, expected, 1e-10, 'cov(aligned)');
  // aligned = source · A, and alignment moves the source covariance towards the target's (only
  // part of the way here: ε = 1 is large next to this source's smallest variance, 0.04)
  closeArrays(aligned.data, matmul(source, A).data, 1e-12);
  assert.ok(coralDistance(aligned, target) < 0.25 * coralDistance(source, target));
  // identical covariances → transform is the identity
  closeArrays(coralAlign(source, source).transform.data, identity(3).data, 1e-12);
});

test('CORAL refuses a singular source covariance without eps and mismatched widths', () => {
  const flat = [[1, 2], [2, 4], [3, 6]];
  assert.throws(() => coralAlign(flat, [[0, 1], [1, 0], [2, 2]], { eps: 0 }), (e: any) => e.code === 'SINGULAR_COVARIANCE');
  assert.doesNotThrow(() => coralAlign(flat, [[0, 1], [1, 0], [2, 2]]));
  assert.throws(() => coralDistance(source, [[1, 2], [3, 4]]), (e: any) => e.code === 'SHAPE_MISMATCH');
});
