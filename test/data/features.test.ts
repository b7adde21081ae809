import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../src/data/dataset.ts';
import { featureNames, fitFeatures, inputShape, transformFeatures } from '../../src/data/features.ts';
import { loadCsv } from '../../src/data/csv.ts';
import { loadJsonl } from '../../src/data/jsonl.ts';
import { resizeBilinear } from '../../src/data/resize.ts';
import { expectError, fixture } from './helpers.ts';

function images(pixels: number[], height: number, width: number, channels: number): Dataset {
  const size = pixels.length / (height * width * channels);
  return { name: 'imgs', size, features: { kind: 'image', pixels: Float32Array.from(pixels), height, width, channels }, labels: new Int32Array(size), classes: ['a'] };
}

test('tabular: standardise numeric with train mean/std, one-hot categorical', async () => {
  const ds = await loadCsv(fixture('flowers.csv'), { label: 'species' });
  const spec = fitFeatures(ds);
  assert.equal(spec.kind, 'tabular');
  if (spec.kind !== 'tabular') return;
  const len = [1.4, 1.3, 4.7, 4.5, 6.0, 5.1];
  const mean = len.reduce((a, b) => a + b) / 6;
  const std = Math.sqrt(len.reduce((a, v) => a + (v - mean) ** 2, 0) / 6);
  assert.ok(Math.abs(spec.numeric[0].mean - mean) < 1e-12);
  assert.ok(Math.abs(spec.numeric[0].std - std) < 1e-12);
  assert.deepEqual(spec.categorical, [{ name: 'colour', categories: ['blue', 'green', 'red'] }]);
  assert.deepEqual(featureNames(spec), ['petal_length', 'petal_width', 'colour=blue', 'colour=green', 'colour=red']);
  assert.deepEqual(inputShape(spec), [5]);
  const { x, shape } = transformFeatures(spec, ds);
  assert.deepEqual(shape, [6, 5]);
  assert.ok(Math.abs(x[0] - Math.fround((1.4 - mean) / std)) < 1e-6);
  assert.deepEqual([...x.subarray(2, 5)], [0, 0, 1]); // row 0 colour red
  assert.deepEqual([...x.subarray(5 + 2, 10)], [1, 0, 0]); // row 1 colour blue
  assert.ok(Math.abs(spec.numeric[1].mean - 1.2833333333333334) < 1e-12);
});

test('tabular: std 0 becomes 1, unseen category is all zeros, columns matched by name', () => {
  const train: Dataset = {
    name: 'train', size: 2, labels: Int32Array.from([0, 1]), classes: ['n', 'y'],
    features: { kind: 'tabular', columns: [{ name: 'k', type: 'numeric', values: Float64Array.from([3, 3]) }, { name: 'c', type: 'categorical', values: ['u', 'v'] }] },
  };
  const spec = fitFeatures(train);
  if (spec.kind !== 'tabular') assert.fail('tabular');
  assert.equal(spec.numeric[0].std, 1);
  const test: Dataset = {
    ...train, name: 'test',
    features: { kind: 'tabular', columns: [{ name: 'c', type: 'categorical', values: ['w', 'v'] }, { name: 'extra', type: 'numeric', values: Float64Array.from([1, 1]) }, { name: 'k', type: 'numeric', values: Float64Array.from([5, 3]) }] },
  };
  const { x } = transformFeatures(spec, test);
  assert.deepEqual([...x], [2, 0, 0, 0, 0, 1]);
});

test('tabular errors: missing column, NaN naming row and column', async () => {
  const spec = fitFeatures(await loadCsv(fixture('flowers.csv'), { label: 'species' }));
  const other = await loadCsv(fixture('missing.csv'), { label: 'label', impute: 'mean' });
  await expectError(() => transformFeatures(spec, other), 'MISSING_COLUMN', [/no column "petal_length"/]);
  const nan: Dataset = { ...other, features: { kind: 'tabular', columns: [{ name: 'a', type: 'numeric', values: Float64Array.from([1, NaN, 3, 4]) }] } };
  const aSpec = fitFeatures({ ...nan, features: { kind: 'tabular', columns: [{ name: 'a', type: 'numeric', values: Float64Array.from([1, 2, 3, 4]) }] } });
  await expectError(() => transformFeatures(aSpec, nan), 'NAN_FEATURE', [/Row 2/, /column "a"/], /row 2, column "a"/);
  await expectError(() => fitFeatures(nan), 'NAN_FEATURE', [/Row 2/]);
});

test('image: resize, grey→RGB repeats, RGB→grey averages', () => {
  const grey = images([0, 1], 1, 2, 1);
  const spec = fitFeatures(grey, { image: { height: 1, width: 4, channels: 3 } });
  assert.deepEqual(inputShape(spec), [1, 4, 3]);
  const { x, shape } = transformFeatures(spec, grey);
  assert.deepEqual(shape, [1, 1, 4, 3]);
  assert.deepEqual([...x], [0, 0, 0, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 1, 1, 1]);
  const rgb = images([0.3, 0.6, 0.9, 0, 0, 0.3], 1, 2, 3);
  const toGrey = transformFeatures({ kind: 'image', height: 1, width: 2, channels: 1 }, rgb);
  assert.deepEqual(shape.length, 4);
  assert.ok(Math.abs(toGrey.x[0] - 0.6) < 1e-6 && Math.abs(toGrey.x[1] - 0.1) < 1e-6);
  assert.deepEqual(featureNames({ kind: 'image', height: 1, width: 2, channels: 1 }), ['pixel[0,0,0]', 'pixel[0,1,0]']);
  const same = fitFeatures(rgb);
  assert.deepEqual(same, { kind: 'image', height: 1, width: 2, channels: 3 });
  assert.notEqual(transformFeatures(same, rgb).x, rgb.features.kind === 'image' ? rgb.features.pixels : null, 'returns a copy');
});

test('resizeBilinear keeps a constant image constant when shrinking', () => {
  const out = resizeBilinear(new Float32Array(6 * 6).fill(0.5), 1, 6, 6, 1, 4, 3);
  assert.equal(out.length, 12);
  for (const v of out) assert.ok(Math.abs(v - 0.5) < 1e-7);
});

test('text: TF-IDF rows of the vectorizer size; kind mismatch explains', async () => {
  const ds = await loadJsonl(fixture('texts.jsonl'));
  const spec = fitFeatures(ds, { text: { dims: 32 } });
  assert.deepEqual(inputShape(spec), [32]);
  const { x, shape } = transformFeatures(spec, ds);
  assert.deepEqual(shape, [5, 32]);
  assert.equal(x.length, 160);
  assert.equal(featureNames(spec)[31], 'hash:31');
  await expectError(() => transformFeatures({ kind: 'image', height: 28, width: 28, channels: 1 }, ds), 'KIND_MISMATCH', [/takes images/, /holds texts/]);
});
