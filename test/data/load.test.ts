import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, relabel } from '../../src/data/load.ts';
import { expectError, fixture } from './helpers.ts';

test('loadDataset dispatches on the spec', async () => {
  const csv = await loadDataset(fixture('flowers.csv'), { label: 'species', domain: 'd1' });
  assert.equal(csv.features.kind, 'tabular');
  assert.equal(csv.domain, 'd1');
  const jsonl = await loadDataset(fixture('texts.jsonl'));
  assert.equal(jsonl.features.kind, 'text');
  const idx = await loadDataset(fixture('tiny-images-idx3-ubyte'));
  assert.equal(idx.features.kind, 'image');
  assert.equal(idx.size, 3);
  const iris = await loadDataset('builtin:iris', { domain: 'lab' });
  assert.equal(iris.size, 150);
  assert.equal(iris.domain, 'lab');
});

test('loadDataset errors: CSV without --label, missing path, unsupported format, labels file, unknown builtin', async () => {
  await expectError(() => loadDataset(fixture('flowers.csv')), 'MISSING_OPTION', [/flowers\.csv/]).then((e) => assert.match(e.hint!, /Pass `label`/));
  await expectError(() => loadDataset(fixture('absent.csv'), { label: 'x' }), 'FILE_NOT_FOUND', [/absent\.csv/]);
  const e = await expectError(() => loadDataset('iris'), 'FILE_NOT_FOUND', [/iris/]);
  assert.match(e.hint!, /builtin:iris/);
  await expectError(() => loadDataset(fixture('tiny-labels-idx1-ubyte')), 'UNSUPPORTED_FORMAT', [/labels file/]);
  await expectError(() => loadDataset('builtin:nope'), 'UNKNOWN_DATASET', [/nope/]);
  const dir = await mkdtemp(join(tmpdir(), 'tk-load-'));
  try {
    const txt = join(dir, 'notes.txt');
    await writeFile(txt, 'hello');
    const err = await expectError(() => loadDataset(txt), 'UNSUPPORTED_FORMAT', [/notes\.txt/, /"\.txt"/]);
    assert.match(err.hint!, /builtin:NAME[\s\S]*\.csv[\s\S]*\.jsonl[\s\S]*idx3[\s\S]*DIR/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('relabel maps onto the model classes by name', async () => {
  const ds = await loadDataset(fixture('texts.jsonl')); // classes ['2', 'ham', 'spam'], labels [2,1,2,-1,0]
  const r = relabel(ds, ['spam', 'ham', '2', 'other']);
  assert.deepEqual(r.classes, ['spam', 'ham', '2', 'other']);
  assert.deepEqual([...r.labels], [0, 1, 0, -1, 2]);
  assert.deepEqual([...ds.labels], [2, 1, 2, -1, 0], 'input untouched');
});

test('relabel names the labels the model does not know', async () => {
  const ds = await loadDataset(fixture('texts.jsonl'));
  await expectError(() => relabel(ds, ['ham']), 'UNKNOWN_LABEL', [/"2", "spam"/, /its classes: ham/]);
});
