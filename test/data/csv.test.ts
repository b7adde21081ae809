import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCsv } from '../../src/data/csv.ts';
import { expectError, fixture } from './helpers.ts';

test('loadCsv reads numeric and categorical columns and sorted classes', async () => {
  const ds = await loadCsv(fixture('flowers.csv'), { label: 'species', domain: 'garden' });
  assert.equal(ds.size, 6);
  assert.equal(ds.domain, 'garden');
  assert.deepEqual(ds.classes, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual([...ds.labels], [0, 0, 1, 1, 2, 2]);
  assert.equal(ds.features.kind, 'tabular');
  if (ds.features.kind !== 'tabular') return;
  const [len, colour, width] = ds.features.columns;
  assert.deepEqual(ds.features.columns.map((c) => [c.name, c.type]), [['petal_length', 'numeric'], ['colour', 'categorical'], ['petal_width', 'numeric']]);
  assert.deepEqual([...len.values], [1.4, 1.3, 4.7, 4.5, 6.0, 5.1]);
  assert.deepEqual(colour.values, ['red', 'blue', 'red', 'green', 'blue', 'red']);
  assert.equal(width.values[4], 2.5);
});

test('loadCsv sorts numeric labels numerically', async () => {
  const ds = await loadCsv(fixture('numeric-labels.csv'), { label: 'grade' });
  assert.deepEqual(ds.classes, ['1', '2', '10']);
  assert.deepEqual([...ds.labels], [2, 1, 0, 1, 2]);
});

test('loadCsv: missing values are an error naming line and column, unless imputed or dropped', async () => {
  await expectError(() => loadCsv(fixture('missing.csv'), { label: 'label' }), 'MISSING_VALUE', [/line 3/, /column "a"/, /2 missing values/], /missing\.csv:3, column "a"/);
  const mean = await loadCsv(fixture('missing.csv'), { label: 'label', impute: 'mean' });
  assert.equal(mean.size, 4);
  if (mean.features.kind !== 'tabular') assert.fail('tabular');
  assert.deepEqual([...mean.features.columns[0].values], [1, 3, 3, 5]); // mean of 1, 3, 5
  assert.deepEqual(mean.features.columns[1].values, ['x', 'y', 'x', 'x']); // most frequent
  const drop = await loadCsv(fixture('missing.csv'), { label: 'label', impute: 'drop' });
  assert.equal(drop.size, 2);
  assert.deepEqual([...drop.labels], [1, 0]);
  assert.deepEqual(drop.classes, ['no', 'yes']);
});

test('loadCsv: label column missing lists the available columns', async () => {
  await expectError(() => loadCsv(fixture('flowers.csv'), { label: 'Species' }), 'MISSING_LABEL', [/"Species"/, /petal_length, colour, petal_width, species/]);
});

test('loadCsv: wrong number of fields names the line', async () => {
  await expectError(() => loadCsv(fixture('bad-fields.csv'), { label: 'label' }), 'BAD_CSV', [/Line 4 has 4 fields but the header has 3/], /bad-fields\.csv:4$/);
  // line numbers stay right after a quoted multi-line field and a blank line
  await expectError(() => loadCsv(fixture('multiline.csv'), { label: 'label' }), 'BAD_CSV', [/Line 6 has 4 fields/], /:6$/);
});

test('loadCsv: empty file, header only, empty label, missing file', async () => {
  await expectError(() => loadCsv(fixture('empty.csv'), { label: 'a' }), 'EMPTY_DATA', [/empty/]);
  await expectError(() => loadCsv(fixture('header-only.csv'), { label: 'label' }), 'EMPTY_DATA', [/no data rows/]);
  await expectError(() => loadCsv(fixture('empty-label.csv'), { label: 'label' }), 'EMPTY_LABEL', [/line 3/, /"label"/]);
  await expectError(() => loadCsv(fixture('nope.csv'), { label: 'a' }), 'FILE_NOT_FOUND', [/nope\.csv/]);
});

test('loadCsv: line numbers are right for CRLF files with blank lines', async () => {
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'tk-csv-'));
  try {
    const file = join(dir, 'crlf.csv');
    await writeFile(file, '\uFEFFa,b,label\r\n1,2,x\r\n\r\n3,null,y\r\n');
    await expectError(() => loadCsv(file, { label: 'label' }), 'MISSING_VALUE', [/line 4, column "b"/]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
