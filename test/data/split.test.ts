import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classCounts, type Dataset } from '../../src/data/dataset.ts';
import { samplePerClass, stratifiedKFold, trainValTestSplit } from '../../src/data/split.ts';
import { expectError } from './helpers.ts';

/** A text dataset with the given number of examples per class; text i is `t${i}`. */
function make(counts: number[]): Dataset {
  const labels: number[] = [];
  counts.forEach((c, k) => labels.push(...new Array(c).fill(k)));
  // interleave so classes are not contiguous
  const order = labels.map((_, i) => i).sort((a, b) => (a * 7919) % labels.length - (b * 7919) % labels.length);
  const ls = order.map((i) => labels[i]);
  return { name: 'toy', size: ls.length, features: { kind: 'text', texts: ls.map((_, i) => `t${i}`) }, labels: Int32Array.from(ls), classes: counts.map((_, k) => `c${k}`) };
}

const texts = (ds: Dataset) => (ds.features.kind === 'text' ? ds.features.texts : []);

test('trainValTestSplit is stratified: per-class shares within one example, sizes exact', () => {
  const ds = make([50, 33, 17, 7]);
  const { train, val, test: te, indices } = trainValTestSplit(ds, { val: 0.1, test: 0.2, seed: 1 });
  assert.equal(te.size, Math.round(107 * 0.2));
  assert.equal(val.size, Math.round(107 * 0.1));
  assert.equal(train.size + val.size + te.size, 107);
  const all = classCounts(ds);
  classCounts(te).forEach((c, k) => assert.ok(Math.abs(c - all[k] * 0.2) <= 1, `test class ${k}: ${c} vs ${all[k] * 0.2}`));
  classCounts(val).forEach((c, k) => assert.ok(Math.abs(c - all[k] * 0.1) <= 1, `val class ${k}: ${c} vs ${all[k] * 0.1}`));
  classCounts(train).forEach((c, k) => assert.ok(Math.abs(c - all[k] * 0.7) <= 2, `train class ${k}`));
  const seen = [...indices.train, ...indices.val, ...indices.test].sort((a, b) => a - b);
  assert.deepEqual(seen, [...Array(107).keys()]);
  assert.deepEqual(texts(te), indices.test.map((i) => `t${i}`));
});

test('trainValTestSplit: same seed same split, other seed other split', () => {
  const ds = make([40, 40]);
  const a = trainValTestSplit(ds, { seed: 7 });
  const b = trainValTestSplit(ds, { seed: 7 });
  const c = trainValTestSplit(ds, { seed: 8 });
  assert.deepEqual(a.indices, b.indices);
  assert.deepEqual(texts(a.train), texts(b.train));
  assert.notDeepEqual(a.indices.test, c.indices.test);
});

test('trainValTestSplit rejects bad fractions', async () => {
  await expectError(() => trainValTestSplit(make([5, 5]), { val: 0.5, test: 0.5 }), 'BAD_OPTION', [/nothing to train on/]);
  await expectError(() => trainValTestSplit(make([5, 5]), { test: 1.5 }), 'BAD_OPTION', [/test fraction/]);
});

test('stratifiedKFold: every index is a test example exactly once, classes spread evenly', () => {
  const ds = make([23, 11, 6]);
  const folds = stratifiedKFold(ds, 5, 3);
  assert.equal(folds.length, 5);
  const hits = new Array(ds.size).fill(0);
  for (const f of folds) {
    for (const i of f.indices.test) hits[i]++;
    assert.equal(f.indices.train.length + f.indices.test.length, ds.size);
    assert.ok(!f.indices.test.some((i) => f.indices.train.includes(i)));
    assert.ok(f.test.size === 8, `fold size ${f.test.size}`);
    classCounts(f.test).forEach((c, k) => assert.ok(Math.abs(c - [23, 11, 6][k] / 5) < 1, `class ${k} in fold: ${c}`));
  }
  assert.deepEqual(hits, new Array(ds.size).fill(1));
  assert.deepEqual(stratifiedKFold(ds, 5, 3).map((f) => f.indices.test), folds.map((f) => f.indices.test));
});

test('stratifiedKFold: a class smaller than k is an error naming it', async () => {
  await expectError(() => stratifiedKFold(make([10, 3]), 4, 0), 'TOO_FEW_EXAMPLES', [/Class "c1" has 3 examples, fewer than the 4 folds/]);
});

test('samplePerClass draws n of each class, deterministically', async () => {
  const ds = make([10, 6, 8]);
  const { sample, rest, indices } = samplePerClass(ds, 5, 2);
  assert.deepEqual(classCounts(sample), [5, 5, 5]);
  assert.deepEqual(classCounts(rest), [5, 1, 3]);
  assert.equal(indices.sample.length + indices.rest.length, ds.size);
  assert.deepEqual(samplePerClass(ds, 5, 2).indices, indices);
  assert.notDeepEqual(samplePerClass(ds, 5, 9).indices.sample, indices.sample);
  await expectError(() => samplePerClass(ds, 7, 0), 'TOO_FEW_EXAMPLES', [/Class "c1" has 6 examples, fewer than the 7 per class/]);
});
