import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadCsv } from '../../src/data/csv.ts';
import { datasetFromRows, datasetFromTensors } from '../../src/data/from-memory.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { expectError } from './helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-from-memory-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

test('datasetFromRows types and encodes columns exactly like the CSV loader', async () => {
  const rows = [
    { size: 1.5, colour: 'red', count: '3', label: 'b' },
    { size: 2, colour: 'blue', count: '10', label: 'a' },
    { size: -0.25, colour: 'red', count: '2', label: 'b' },
    { size: 1e-3, colour: 'green', count: '7', label: 'c10' },
    { size: 4, colour: 'blue', count: '1', label: 'c2' },
  ];
  const ds = datasetFromRows(rows, { name: 'things' });
  const csv = join(root, 'things.csv');
  await writeFile(csv, ['size,colour,count,label', ...rows.map((r) => `${r.size},${r.colour},${r.count},${r.label}`)].join('\n'));
  const fromCsv = await loadCsv(csv, { label: 'label' });
  assert.equal(ds.name, 'things');
  assert.equal(ds.size, 5);
  assert.deepEqual(ds.features, fromCsv.features, 'same column types and values as a CSV file');
  assert.deepEqual(ds.classes, fromCsv.classes);
  assert.deepEqual(ds.classes, ['a', 'b', 'c2', 'c10'], 'natural order');
  assert.deepEqual(Array.from(ds.labels), Array.from(fromCsv.labels));
  if (ds.features.kind !== 'tabular') throw new Error('tabular');
  assert.deepEqual(ds.features.columns.map((c) => [c.name, c.type]), [['size', 'numeric'], ['colour', 'categorical'], ['count', 'numeric']]);
});

test('datasetFromRows: label column, unlabelled rows, fixed classes, imputation', () => {
  const rows = [
    { x: 1, y: null, species: 'a' },
    { x: 3, y: 'u', species: 'b' },
    { x: null, y: 'u', species: 'a' },
    { x: Number.NaN, y: 'v', species: 'b' },
  ];
  const mean = datasetFromRows(rows, { label: 'species', impute: 'mean' });
  if (mean.features.kind !== 'tabular') throw new Error('tabular');
  assert.deepEqual(Array.from(mean.features.columns[0].values as Float64Array), [1, 3, 2, 2], 'NaN and null are missing; the mean fills them');
  assert.deepEqual(mean.features.columns[1].values, ['u', 'u', 'u', 'v'], 'the most frequent category fills a missing one');
  const drop = datasetFromRows(rows, { label: 'species', impute: 'drop' });
  assert.equal(drop.size, 1);
  assert.deepEqual(drop.classes, ['b'], 'classes come from the rows kept, as in a CSV file');
  assert.deepEqual(Array.from(drop.labels), [0]);
  const fixed = datasetFromRows([{ x: 1, label: 'b' }, { x: 2, label: 'b' }], { classes: ['a', 'b', 'c'] });
  assert.deepEqual(fixed.classes, ['a', 'b', 'c']);
  assert.deepEqual(Array.from(fixed.labels), [1, 1]);
  const unlabelled = datasetFromRows([{ x: 1 }, { x: 2 }], { label: null });
  assert.deepEqual(Array.from(unlabelled.labels), [-1, -1]);
  assert.deepEqual(unlabelled.classes, []);
  const numericLabels = datasetFromRows([{ x: 1, label: 2 }, { x: 2, label: 10 }]);
  assert.deepEqual(numericLabels.classes, ['2', '10']);
});

test('datasetFromRows: bad input names what is wrong and where', async () => {
  await expectError(() => datasetFromRows([]), 'EMPTY_DATA');
  await expectError(() => datasetFromRows([{ x: 1, label: 'a' }, [1, 2] as never]), 'BAD_ROW', [/Row 1/], /row 1/);
  await expectError(() => datasetFromRows([{ x: 1, label: 'a' }, { x: 2, z: 3, label: 'b' }]), 'RAGGED_ROWS', [/Row 1/, /"z"/], /row 1, column "z"/);
  await expectError(() => datasetFromRows([{ x: 1, w: 0, label: 'a' }, { x: 2, label: 'b' } as never]), 'RAGGED_ROWS', [/Row 1/, /"w"/], /row 1, column "w"/);
  await expectError(() => datasetFromRows([{ x: 1, label: 'a' }, { x: Number.NaN, label: 'b' }]), 'MISSING_VALUE', [/Row 1/, /"x"/, /NaN/], /row 1, column "x"/);
  await expectError(() => datasetFromRows([{ x: 1, label: 'a' }, { x: null, label: 'b' }]), 'MISSING_VALUE', [/Row 1/], /row 1, column "x"/);
  const missing = await expectError(() => datasetFromRows([{ x: 1, label: 'a' }, { x: null, label: 'b' }]), 'MISSING_VALUE');
  assert.match(missing.hint ?? '', /impute: 'mean'/, 'the hint names the API option');
  assert.doesNotMatch(missing.hint ?? '', /--impute/);
  await expectError(() => datasetFromRows([{ x: 1, label: 'a' }, { x: Infinity, label: 'b' }]), 'BAD_VALUE', [/Row 1/, /Infinity/], /row 1, column "x"/);
  await expectError(() => datasetFromRows([{ x: true as never, label: 'a' }]), 'BAD_VALUE', [/Row 0/], /column "x"/);
  await expectError(() => datasetFromRows([{ x: 1, Species: 'a' }], { label: 'species' }), 'MISSING_LABEL', [/"species"/], /row 0/);
  const near = await expectError(() => datasetFromRows([{ x: 1, Species: 'a' }], { label: 'species' }), 'MISSING_LABEL');
  assert.match(near.hint ?? '', /label: 'Species'/);
  await expectError(() => datasetFromRows([{ x: 1, label: 'a' }, { x: 2, label: null }]), 'EMPTY_LABEL', [/Row 1/], /row 1, column "label"/);
  await expectError(() => datasetFromRows([{ x: 1, label: 'a' }, { x: 2, label: 'zebra' }], { classes: ['a', 'b'] }), 'UNKNOWN_LABEL', [/Row 1/, /zebra/], /row 1/);
  await expectError(() => datasetFromRows([{ label: 'a' }]), 'EMPTY_DATA', [/no feature columns/]);
  await expectError(() => datasetFromRows([{ x: 1, label: 'a' }], { impute: 'zero' as never }), 'BAD_OPTION');
});

test('datasetFromTensors: tensors, rows of numbers and flat arrays; tabular and image', () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor2d([[0, 1], [2, 3], [4, 5]]);
  const tab = datasetFromTensors(x, ['no', 'yes', 'no'], { name: 'xy' });
  x.dispose();
  assert.equal(tf.memory().numTensors, before, 'the tensor is read, not kept');
  assert.equal(tab.name, 'xy');
  assert.equal(tab.size, 3);
  assert.deepEqual(tab.classes, ['no', 'yes']);
  assert.deepEqual(Array.from(tab.labels), [0, 1, 0]);
  if (tab.features.kind !== 'tabular') throw new Error('tabular');
  assert.deepEqual(tab.features.columns.map((c) => c.name), ['x0', 'x1']);
  assert.deepEqual(Array.from(tab.features.columns[1].values as Float64Array), [1, 3, 5]);

  const rows = datasetFromTensors([[1, 2], [3, 4]], [1, 0], { columns: ['a', 'b'], classes: ['neg', 'pos'] });
  assert.deepEqual(rows.classes, ['neg', 'pos']);
  assert.deepEqual(Array.from(rows.labels), [1, 0]);
  const numeric = datasetFromTensors([[1], [2], [3]], [0, 2, -1]);
  assert.deepEqual(numeric.classes, ['0', '1', '2']);
  assert.deepEqual(Array.from(numeric.labels), [0, 2, -1], '-1 is unlabelled');

  const imgs = tf.fill([2, 4, 4, 1], 0.5);
  const img = datasetFromTensors(imgs, [0, 1]);
  imgs.dispose();
  assert.equal(img.features.kind, 'image');
  if (img.features.kind !== 'image') throw new Error('image');
  assert.deepEqual([img.features.height, img.features.width, img.features.channels], [4, 4, 1]);
  const flat = datasetFromTensors(new Float32Array(2 * 2 * 2 * 3).fill(0.25), ['a', 'b'], { imageShape: [2, 2, 3] });
  assert.equal(flat.features.kind, 'image');
  const flatTab = datasetFromTensors(new Float32Array([1, 2, 3, 4, 5, 6]), [0, 1, 0]);
  if (flatTab.features.kind !== 'tabular') throw new Error('tabular');
  assert.equal(flatTab.features.columns.length, 2);
});

test('datasetFromTensors: bad input names what is wrong and where', async () => {
  await expectError(() => datasetFromTensors([[1, 2], [3, 4]], [0]), 'LABEL_COUNT', [/2 rows but 1 label/]);
  await expectError(() => datasetFromTensors(tf.zeros([3, 2]), [0, 1]), 'LABEL_COUNT', [/3 rows but 2 labels/]);
  await expectError(() => datasetFromTensors(new Float32Array(5), [0, 1]), 'LABEL_COUNT');
  await expectError(() => datasetFromTensors([[1, 2], [3]], [0, 1]), 'RAGGED_ROWS', [/Row 1/], /row 1/);
  await expectError(() => datasetFromTensors([[1, 2], [3, Number.NaN]], [0, 1]), 'NAN_FEATURE', [/Row 1/, /"x1"/], /row 1, column "x1"/);
  await expectError(() => datasetFromTensors([[1, 2], [3, 4]], ['a', 'zebra'], { classes: ['a', 'b'] }), 'UNKNOWN_LABEL', [/Row 1/, /zebra/], /row 1/);
  await expectError(() => datasetFromTensors([[1, 2], [3, 4]], [0, 5], { classes: ['a', 'b'] }), 'BAD_LABEL', [/Label 1/], /row 1/);
  await expectError(() => datasetFromTensors([[1, 2], [3, 4]], [0, 1.5]), 'BAD_LABEL');
  await expectError(() => datasetFromTensors(tf.fill([1, 2, 2, 1], 255), [0]), 'BAD_PIXELS', [/255/], /row 0/);
  await expectError(() => datasetFromTensors(new Float32Array(8), [0, 1], { imageShape: [3, 3, 1] }), 'BAD_SHAPE', [/imageShape/]);
  await expectError(() => datasetFromTensors(new Float32Array(8), [0, 1], { kind: 'image' }), 'BAD_OPTION', [/imageShape/]);
  await expectError(() => datasetFromTensors([[1, 2]], [0], { columns: ['a'] }), 'BAD_OPTION', [/columns/]);
  await expectError(() => datasetFromTensors([], []), 'EMPTY_DATA');
});
