/**
 * Test helpers for the measures suite: seeded Gaussian samples and tolerance checks.
 */
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/random.ts';
import type { Matrix } from '../../src/measures/linalg.ts';

/** n × d matrix of independent N(mean_j, scale²) draws (mean is a number or per-column array). */
export function gaussian(n: number, d: number, seed: number | string, mean: number | number[] = 0, scale = 1): Matrix {
  const rng = createRng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) data[i * d + j] = (typeof mean === 'number' ? mean : mean[j]) + scale * rng.normal();
  }
  return { rows: n, cols: d, data };
}

/** X·M for a row-major n × d matrix X and a d × k mixing matrix M given as rows. */
export function mix(X: Matrix, M: number[][]): Matrix {
  const k = M[0].length;
  const data = new Float64Array(X.rows * k);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let p = 0; p < X.cols; p++) s += X.data[i * X.cols + p] * M[p][j];
      data[i * k + j] = s;
    }
  }
  return { rows: X.rows, cols: k, data };
}

export function close(actual: number, expected: number, tol: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected} ± ${tol}, got ${actual}`);
}

export function closeArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  for (let i = 0; i < actual.length; i++) close(actual[i], expected[i], tol, `${what}[${i}]`);
}
