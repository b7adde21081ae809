import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FASHION_MNIST_CLASSES, listBuiltinDatasets, loadBuiltin } from '../../src/data/builtins.ts';
import { classCounts, type Dataset } from '../../src/data/dataset.ts';
import { messageText } from '../../src/data/spam-text.ts';
import { expectError } from './helpers.ts';

const image = (ds: Dataset) => (ds.features.kind === 'image' ? ds.features : assert.fail('not image'));

/** Fashion-MNIST comes from Debian's dataset-fashion-mnist, which a fresh clone may lack (CI installs it). */
const fashionInstalled = listBuiltinDatasets().find((d) => d.name === 'fashion-mnist-test')!.available;
const needsFashion = fashionInstalled ? {} : { skip: 'Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist; .ci/run installs it)' };

test('listBuiltinDatasets lists every name with kind and availability', () => {
  const list = listBuiltinDatasets();
  assert.deepEqual(list.map((d) => d.name), ['mnist', 'fashion-mnist', 'fashion-mnist-test', 'spam-2002', 'spam-2003', 'spam-hard-ham', 'iris', 'penguins', 'hmda', 'austen', 'wordnet-topics']);
  for (const d of list) {
    if (d.name.startsWith('fashion-mnist') && !fashionInstalled) continue; // the Debian package is optional
    assert.equal(d.available, true, `${d.name} available here`);
  }
  assert.match(list.find((d) => d.name === 'penguins')!.description, /missing value are dropped/);
});

test('mnist: 10,000 digits 28×28×1 in digit order, roughly balanced', async () => {
  const ds = await loadBuiltin('mnist');
  assert.equal(ds.size, 10000);
  assert.equal(ds.name, 'builtin:mnist');
  assert.deepEqual(ds.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  const f = image(ds);
  assert.deepEqual([f.height, f.width, f.channels], [28, 28, 1]);
  assert.equal(f.pixels.length, 10000 * 784);
  const counts = classCounts(ds);
  assert.deepEqual(counts, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  for (let i = 1; i < ds.size; i++) assert.ok(ds.labels[i] >= ds.labels[i - 1], 'ordered by digit');
  let max = 0;
  for (const p of f.pixels) if (p > max) max = p;
  assert.equal(max, 1);
});

test('fashion-mnist-test: 10,000 images with the Fashion-MNIST class names', needsFashion, async () => {
  const ds = await loadBuiltin('fashion-mnist-test');
  assert.equal(ds.size, 10000);
  assert.deepEqual(ds.classes, [...FASHION_MNIST_CLASSES]);
  assert.equal(ds.classes[0], 'T-shirt/top');
  assert.deepEqual(classCounts(ds), new Array(10).fill(1000));
  assert.deepEqual([image(ds).height, image(ds).width, image(ds).channels], [28, 28, 1]);
});

test('fashion-mnist when not installed says how to install it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-fm-'));
  process.env.TRANSFERKIT_FASHION_MNIST_DIR = dir;
  try {
    await expectError(() => loadBuiltin('fashion-mnist'), 'DATASET_NOT_INSTALLED', [/sudo apt-get install dataset-fashion-mnist/]);
    assert.equal(listBuiltinDatasets().find((d) => d.name === 'fashion-mnist')!.available, false);
  } finally {
    delete process.env.TRANSFERKIT_FASHION_MNIST_DIR;
    await rm(dir, { recursive: true, force: true });
  }
});

test('spam datasets: group sizes, classes and domains', async () => {
  const y2002 = await loadBuiltin('spam-2002');
  assert.deepEqual(y2002.classes, ['ham', 'spam']);
  assert.equal(y2002.domain, 'spam-2002');
  assert.deepEqual(classCounts(y2002), [2500, 500]);
  const y2003 = await loadBuiltin('spam-2003');
  assert.equal(y2003.domain, 'spam-2003');
  assert.deepEqual(classCounts(y2003), [1400, 1396]);
  const hard = await loadBuiltin('spam-hard-ham', { domain: 'custom' });
  assert.deepEqual(hard.classes, ['ham', 'spam']);
  assert.deepEqual(classCounts(hard), [250, 0]);
  assert.equal(hard.domain, 'custom');
  if (y2002.features.kind !== 'text') assert.fail('text');
  for (const t of y2002.features.texts.slice(0, 50)) assert.doesNotMatch(t, /^(Received|Return-Path|Delivered-To):/m);
});

test('messageText keeps the (unfolded) subject and the body, drops other headers', () => {
  const raw = 'From x@y  Mon\nReceived: from a\n\tby b\nSubject: Cheap\n  pills today\nTo: me\n\nBuy now!\n\nBye';
  assert.equal(messageText(raw), 'Cheap pills today\n\nBuy now!\n\nBye');
});

test('iris: 150 rows, 4 named numeric columns, 3 classes', async () => {
  const ds = await loadBuiltin('iris');
  assert.equal(ds.size, 150);
  assert.deepEqual(ds.classes, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(classCounts(ds), [50, 50, 50]);
  if (ds.features.kind !== 'tabular') assert.fail('tabular');
  assert.deepEqual(ds.features.columns.map((c) => c.name), ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  assert.equal(ds.features.columns[0].values[0], 5.1);
});

test('penguins: 333 complete rows, numeric and categorical columns', async () => {
  const ds = await loadBuiltin('penguins');
  assert.equal(ds.size, 333);
  assert.deepEqual(ds.classes, ['Adelie', 'Chinstrap', 'Gentoo']);
  assert.deepEqual(classCounts(ds), [146, 68, 119]);
  if (ds.features.kind !== 'tabular') assert.fail('tabular');
  assert.deepEqual(ds.features.columns.map((c) => `${c.name}:${c.type}`), [
    'Beak Length (mm):numeric', 'Beak Depth (mm):numeric', 'Flipper Length (mm):numeric', 'Body Mass (g):numeric', 'Island:categorical', 'Sex:categorical',
  ]);
  const sex = ds.features.columns[5];
  assert.deepEqual([...new Set(sex.values as string[])].sort(), ['FEMALE', 'MALE']);
  for (const c of ds.features.columns) if (c.type === 'numeric') for (const v of c.values) assert.ok(Number.isFinite(v));
});

test('unknown builtin lists the names', async () => {
  await expectError(() => loadBuiltin('cifar10'), 'UNKNOWN_DATASET', [/"cifar10"/, /mnist, fashion-mnist, .*penguins/]);
});
