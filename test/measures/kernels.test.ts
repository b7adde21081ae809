import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussianKernel, medianBandwidth, medianPairDistance, squaredDistances } from '../../src/measures/kernels.ts';
import { stackMatrices, toMatrix } from '../../src/measures/linalg.ts';
import { mmd } from '../../src/measures/mmd.ts';
import { importanceWeights } from '../../src/adapt/reweight.ts';
import { createRng } from '../../src/util/random.ts';
import { close, gaussian } from './helpers.ts';

test('squared distances are exact (0 between equal rows, symmetric) and the Gaussian kernel follows', () => {
  // rows far from the origin: ‖a‖² + ‖b‖² − 2a·b would cancel to rounding noise here
  const A = toMatrix([[1e8, 1], [1e8, 1], [1e8 + 3, 5]]);
  const D = squaredDistances(A);
  assert.deepEqual(Array.from(D.data), [0, 0, 25, 0, 0, 25, 25, 25, 0]);
  const cross = squaredDistances(toMatrix([[0, 0]]), toMatrix([[3, 4], [0, 1]]));
  assert.deepEqual([cross.rows, cross.cols, ...cross.data], [1, 2, 25, 1]);
  assert.throws(() => squaredDistances(A, toMatrix([[1]])), { code: 'SHAPE_MISMATCH' });
  const K = gaussianKernel(squaredDistances(toMatrix([[0], [1]])), 1);
  close(K.data[1], Math.exp(-0.5), 1e-16);
  assert.equal(K.data[0], 1);
  // in place
  const D2 = squaredDistances(toMatrix([[0], [2]]));
  const same = gaussianKernel(D2, 2, D2.data);
  assert.equal(same.data, D2.data);
  close(D2.data[1], Math.exp(-0.5), 1e-16);
});

test('median bandwidth: the median of distances (not squared), from points or from their distances', () => {
  // pooled distances 1, 1, 1, 2, 2, 3 → median 1.5 (mean of the two middle ones)
  const P = toMatrix([[0], [1], [2], [3]]);
  assert.equal(medianBandwidth(P), 1.5);
  assert.equal(medianBandwidth({ n: 4, squaredDistances: squaredDistances(P).data }), 1.5);
  assert.equal(medianBandwidth({ n: 4, squaredDistances: Float32Array.from(squaredDistances(P).data) }), 1.5);
  // the rule itself is medianPairDistance: coincident rows fall back to the mean, then 1
  assert.equal(medianBandwidth(toMatrix([[0], [0], [0], [0], [5]])), 2);
  assert.equal(medianBandwidth(toMatrix([[7], [7]])), 1);
});

test('median bandwidth: over maxRows points it uses the first maxRows of a seeded shuffle, and needs the rng', () => {
  const X = gaussian(60, 3, 'mb');
  assert.throws(() => medianBandwidth(X, { maxRows: 20 }), { code: 'BAD_OPTION' });
  const a = medianBandwidth(X, { maxRows: 20, rng: createRng(5) });
  const rows = createRng(5).shuffle(Array.from({ length: 60 }, (_, i) => i)).slice(0, 20);
  assert.equal(a, medianPairDistance(squaredDistances(X).data, 60, rows));
  assert.equal(medianBandwidth({ n: 60, squaredDistances: squaredDistances(X).data }, { maxRows: 20, rng: createRng(5) }), a);
  assert.equal(medianBandwidth(X, { maxRows: Infinity }), medianBandwidth(X, { maxRows: 60 }));
});

test('one heuristic: MMD, KMM and KLIEP all use medianBandwidth of source and target pooled', () => {
  const S = gaussian(80, 2, 'ks');
  const T = gaussian(70, 2, 'kt', 0.5);
  assert.equal(mmd(S, T, { permutations: 0 }).bandwidth, medianBandwidth(stackMatrices(S, T)));
  const expected = medianBandwidth(stackMatrices(S, T), { rng: createRng('4:median') });
  assert.equal(importanceWeights(S, T, { method: 'kmm', seed: 4 }).bandwidth, expected);
  // KLIEP cross-validates ¼, ½, 1 and 2 times it
  const kliep = importanceWeights(S, T, { method: 'kliep', seed: 4 });
  const tried = (kliep.details.crossValidation as Array<{ bandwidth: number }>).map((c) => c.bandwidth);
  assert.deepEqual(tried, [0.25, 0.5, 1, 2].map((f) => f * expected));
});
