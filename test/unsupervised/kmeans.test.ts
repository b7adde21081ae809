import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kmeans } from '../../src/unsupervised/kmeans.ts';
import { adjustedRandIndex, normalizedMutualInfo, silhouetteScore } from '../../src/unsupervised/cluster-metrics.ts';
import { TransferkitError } from '../../src/errors.ts';
import { createRng } from '../../src/util/random.ts';

/** `perBlob` points around each centre, Gaussian with `spread`; labels in centre order. */
function blobs(centres: number[][], perBlob: number, spread: number, seed: number): { X: number[][]; y: number[] } {
  const rng = createRng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < perBlob; i++) {
      X.push(c.map((v) => v + spread * rng.normal()));
      y.push(k);
    }
  });
  return { X, y };
}

test('k-means recovers well-separated blobs exactly (up to renaming)', () => {
  const centres = [[0, 0, 0], [20, 0, 0], [0, 20, 0], [0, 0, 20], [20, 20, 20]];
  const { X, y } = blobs(centres, 40, 1, 3);
  for (const seed of [0, 1, 2]) {
    const r = kmeans(X, 5, { seed, restarts: 3 });
    assert.equal(adjustedRandIndex(y, r.labels), 1);
    assert.equal(normalizedMutualInfo(y, r.labels), 1);
    // each centroid lies next to one true centre
    for (const c of centres) {
      const near = Array.from({ length: 5 }, (_, k) => Math.hypot(...c.map((v, t) => v - r.centroids.data[k * 3 + t])));
      assert.ok(Math.min(...near) < 0.6, `a centroid within 0.6 of [${c}]`);
    }
  }
});

test('k-means is repeatable for a seed and keeps the lowest-inertia restart', () => {
  const { X } = blobs([[0, 0], [3, 0], [0, 3]], 30, 1.2, 5);
  const a = kmeans(X, 3, { seed: 7, restarts: 4 });
  const b = kmeans(X, 3, { seed: 7, restarts: 4 });
  assert.deepEqual(a.labels, b.labels);
  assert.equal(a.inertia, b.inertia);
  const single = [0, 1, 2, 3].map((s) => kmeans(X, 3, { seed: s, restarts: 1 }).inertia);
  assert.ok(kmeans(X, 3, { seed: 0, restarts: 8 }).inertia <= Math.max(...single) + 1e-9);
});

test('k-means inertia is the sum of squared distances to the assigned centroids; k = n puts each row alone', () => {
  const X = [[0, 0], [0, 2], [10, 0], [10, 2]];
  const r = kmeans(X, 2, { seed: 1 });
  assert.ok(Math.abs(r.inertia - 4) < 1e-12); // each row is 1 from its centroid
  assert.equal(kmeans(X, 4, { seed: 1 }).inertia, 0);
});

test('k-means refuses a k outside 1..n with a hint', () => {
  assert.throws(() => kmeans([[0], [1]], 3), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION' && /k must be/.test(e.message) && Boolean(e.hint));
  assert.throws(() => kmeans([[0], [1]], 0), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
});

test('NMI and ARI match known values (scikit-learn documentation examples and hand-computed tables)', () => {
  // identical partitions up to renaming → 1
  assert.equal(normalizedMutualInfo([0, 0, 1, 1], [1, 1, 0, 0]), 1);
  assert.equal(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]), 1);
  // scikit-learn docs: adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) == 0.57…; ([0, 0, 1, 1], [0, 1, 0, 1]) == -0.5
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]) - 4 / 7) < 1e-12);
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]) - -0.5) < 1e-12);
  // independent partitions: MI = 0 (scikit-learn: normalized_mutual_info_score([0, 0, 1, 1], [0, 1, 0, 1]) == 0)
  assert.ok(Math.abs(normalizedMutualInfo([0, 0, 1, 1], [0, 1, 0, 1])) < 1e-12);
  // V refines U: MI = H(U) = ln 2, H(V) = 1.5 ln 2 → NMI = ln 2 / (1.25 ln 2) = 0.8
  assert.ok(Math.abs(normalizedMutualInfo([0, 0, 1, 1], [0, 0, 1, 2]) - 0.8) < 1e-12);
  // one cluster each: defined as 1 (as scikit-learn)
  assert.equal(normalizedMutualInfo([0, 0, 0], [5, 5, 5]), 1);
  assert.equal(adjustedRandIndex([0, 0, 0], [5, 5, 5]), 1);
  // hand-computed 3×3 table: n = 10, rows (4, 3, 3), cols (5, 3, 2), cells (3,1,0 / 1,2,0 / 1,0,2)
  const u = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
  const v = [0, 0, 0, 1, 0, 1, 1, 0, 2, 2];
  // Σ C(nij,2) = 3 + 1 + 1 = 5; Σ C(ai,2) = 6 + 3 + 3 = 12; Σ C(bj,2) = 10 + 3 + 1 = 14; C(10,2) = 45
  const expected = (5 - (12 * 14) / 45) / ((12 + 14) / 2 - (12 * 14) / 45);
  assert.ok(Math.abs(adjustedRandIndex(u, v) - expected) < 1e-12);
  assert.throws(() => adjustedRandIndex([0, 1], [0]), (e: unknown) => e instanceof TransferkitError && e.code === 'SHAPE_MISMATCH');
});

test('silhouette matches a hand computation and stays within [-1, 1]', () => {
  // rows 0, 1, 10, 11 in two clusters: s = (10.5 − 1)/10.5 and (9.5 − 1)/9.5, twice each
  const s = silhouetteScore([[0], [1], [10], [11]], [0, 0, 1, 1]);
  assert.ok(Math.abs(s - (9.5 / 10.5 + 8.5 / 9.5) / 2) < 1e-12);
  // a bad clustering scores below 0
  assert.ok(silhouetteScore([[0], [1], [10], [11]], [0, 1, 0, 1]) < 0);
  // a singleton cluster contributes 0
  const withSingleton = silhouetteScore([[0], [1], [50]], [0, 0, 1]);
  assert.ok(Math.abs(withSingleton - (49 / 50 + 48 / 49) / 3) < 1e-12); // (50 − 1)/50, (49 − 1)/49, 0
  assert.throws(() => silhouetteScore([[0], [1]], [0, 0]), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
});
