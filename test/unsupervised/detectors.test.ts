import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knnDetector, ledoitWolfShrinkage, mahalanobisDetector } from '../../src/unsupervised/detectors.ts';
import { TransferkitError } from '../../src/errors.ts';
import { createRng } from '../../src/util/random.ts';

function gaussian(n: number, stds: number[], seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => stds.map((s) => s * rng.normal()));
}

test('k-NN scores grow with the distance from the normal cloud', () => {
  const normal = gaussian(300, [1, 1, 1], 1);
  const det = knnDetector(normal, { k: 5 });
  const s = det.score([[0, 0, 0], [2, 0, 0], [5, 0, 0], [0, -10, 0]]);
  assert.ok(s[0] < s[1] && s[1] < s[2] && s[2] < s[3], `increasing: ${Array.from(s)}`);
  assert.deepEqual(det.params, { k: 5 });
});

test('k-NN with k = 1 is the distance to the nearest normal row', () => {
  const det = knnDetector([[0, 0], [3, 4], [10, 0]], { k: 1 });
  assert.deepEqual(Array.from(det.score([[0, 0], [3, 0], [6, 8]])), [0, 3, 5]);
  assert.throws(() => knnDetector([[0, 0]], { k: 2 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
  assert.throws(() => det.score([[1, 2, 3]]), (e: unknown) => e instanceof TransferkitError && e.code === 'SHAPE_MISMATCH');
});

test('Mahalanobis follows the covariance: far along a wide axis is less novel than near along a narrow one', () => {
  const normal = gaussian(500, [10, 1], 2);
  const det = mahalanobisDetector(normal);
  const [wide, narrow, centre] = det.score([[15, 0], [0, 4], [0, 0]]);
  assert.ok(centre < wide && wide < narrow, `centre ${centre} < wide ${wide} < narrow ${narrow}`);
  // plain Euclidean distance to the mean ranks them the other way (15 > 4)
  // about 15/10 along the wide axis; below 4/1 along the narrow one, whose variance the shrinkage toward tr(S)/d raises
  assert.ok(Math.abs(wide - 1.5) < 0.3 && narrow > 3 && narrow < 4.5, `wide ${wide}, narrow ${narrow}`);
});

test('Ledoit–Wolf shrinkage and the Mahalanobis score match a NumPy computation of scikit-learn’s formula', () => {
  // X[i][j] = sin(1.3 i + 0.7 j)(j + 1) + 0.05 i [j = 0], 40 × 3; reference values from NumPy
  const X = Array.from({ length: 40 }, (_, i) => [0, 1, 2].map((j) => Math.sin(i * 1.3 + j * 0.7) * (j + 1) + (j === 0 ? 0.05 * i : 0)));
  const mean = [0, 1, 2].map((j) => X.reduce((s, r) => s + r[j], 0) / X.length);
  const centred = X.flatMap((r) => r.map((v, j) => v - mean[j]));
  assert.ok(Math.abs(ledoitWolfShrinkage({ rows: 40, cols: 3, data: Float64Array.from(centred) }) - 0.03700169626128801) < 1e-12);
  const det = mahalanobisDetector(X);
  assert.ok(Math.abs(det.params.shrinkage - 0.03700169626128801) < 1e-12);
  assert.ok(Math.abs(det.score([[1, -1, 2]])[0] - 2.8857658590641195) < 1e-9);
});

test('Mahalanobis refuses bad input with hints', () => {
  assert.throws(() => mahalanobisDetector([[1, 2]]), (e: unknown) => e instanceof TransferkitError && e.code === 'TOO_FEW_EXAMPLES');
  assert.throws(() => mahalanobisDetector([[1], [2]], { shrinkage: 2 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION' && Boolean(e.hint));
  const wide = { rows: 2, cols: 2000, data: new Float64Array(4000) };
  assert.throws(() => mahalanobisDetector(wide), (e: unknown) => e instanceof TransferkitError && e.code === 'TOO_MANY_FEATURES');
  // a degenerate (constant) feature does not break it: shrinkage keeps the covariance invertible
  const s = mahalanobisDetector([[0, 1], [1, 1], [2, 1], [3, 1]], { shrinkage: 0.1 }).score([[1.5, 1], [1.5, 5]]);
  assert.ok(Number.isFinite(s[0]) && Number.isFinite(s[1]) && s[1] > s[0]);
});
