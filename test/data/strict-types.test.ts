/**
 * CSV column types are inferred strictly, preprocessing never holds non-finite numbers, and
 * non-finite image inputs are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCsv, readCsv } from '../../src/data/csv.ts';
import { loadDataset } from '../../src/data/load.ts';
import { fitFeatures, transformFeatures } from '../../src/data/features.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { expectError } from './helpers.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-strict-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

/** `n` (40) rows: a numeric `len`, a categorical `colour`, label `y`; `edit` changes rows by index. */
function table(edit: (rows: string[][]) => void = () => {}, n = 40): string {
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) rows.push([(4 + (i % 9) / 10).toFixed(1), ['red', 'green', 'blue'][i % 3], i % 2 ? 'a' : 'b']);
  edit(rows);
  return ['len,colour,y', ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

test('a mostly numeric column with a typo is BAD_CSV naming the column, the lines and the fix', async () => {
  const err = await expectError(() => readCsv(table((r) => (r[5][0] = '4.7O')), 'typo.csv', { label: 'y' }), 'BAD_CSV', [/"len"/, /line 7: "4\.7O"/, /1 of its 40/]);
  assert.match(err.where ?? '', /typo\.csv:7/);
  assert.match(err.hint ?? '', /columnTypes: \{ "len": "categorical" \}/);
  assert.match(err.hint ?? '', /impute/);
  // several typos: the first five are listed, the rest counted
  await expectError(() => readCsv(table((r) => [1, 2, 3, 4, 5, 6, 7].forEach((i) => (r[i][0] = `x${i}`)), 80), 't.csv', { label: 'y' }), 'BAD_CSV', [/line 3: "x1"/, /and 2 more/]);
  // a number too large for a double is not a number either
  await expectError(() => readCsv(table((r) => (r[0][0] = '1e400')), 't.csv', { label: 'y' }), 'BAD_CSV', [/"1e400"/]);
});

test('columns under 90% numbers stay categorical; missing cells do not count; columnTypes overrides inference', async () => {
  // 5 of 40 not numbers (87.5%): categorical, as before
  const cat = readCsv(table((r) => [0, 1, 2, 3, 4].forEach((i) => (r[i][0] = 'big'))), 't.csv', { label: 'y' }).ds;
  assert.equal(cat.features.kind === 'tabular' && cat.features.columns[0].type, 'categorical');
  // NA cells are missing values, not typos
  const withNa = readCsv(table((r) => (r[3][0] = 'NA')), 't.csv', { label: 'y', impute: 'mean' }).ds;
  assert.equal(withNa.features.kind === 'tabular' && withNa.features.columns[0].type, 'numeric');
  // declared categorical: the typo is just another category
  const declared = readCsv(table((r) => (r[5][0] = '4.7O')), 't.csv', { label: 'y', columnTypes: { len: 'categorical' } }).ds;
  assert.equal(declared.features.kind === 'tabular' && declared.features.columns[0].type, 'categorical');
  // declared numeric: any non-number is an error, even in a mostly non-numeric column
  await expectError(() => readCsv(table((r) => [0, 1, 2, 3, 4].forEach((i) => (r[i][0] = 'big'))), 't.csv', { label: 'y', columnTypes: { len: 'numeric' } }), 'BAD_CSV', [/declared numeric/, /5 of its 40/]);
  // a numeric-looking column declared categorical (zip codes)
  const zip = readCsv(table(), 't.csv', { label: 'y', columnTypes: { len: 'categorical' } }).ds;
  assert.equal(zip.features.kind === 'tabular' && zip.features.columns[0].type, 'categorical');
  // bad declarations
  await expectError(() => readCsv(table(), 't.csv', { label: 'y', columnTypes: { nope: 'numeric' } }), 'UNKNOWN_FEATURE', [/nope/]);
  await expectError(() => readCsv(table(), 't.csv', { label: 'y', columnTypes: { len: 'number' as never } }), 'BAD_OPTION', [/len/]);
  // through loadCsv and loadDataset
  const p = join(root, 'typo.csv');
  await writeFile(p, table((r) => (r[5][0] = '4.7O')));
  await expectError(() => loadCsv(p, { label: 'y' }), 'BAD_CSV', [/"len"/]);
  const ds = await loadDataset(p, { label: 'y', columnTypes: { len: 'categorical' } });
  assert.equal(ds.size, 40);
});

test('a huge value gives finite preprocessing (or a clear error), never a null std', async () => {
  const big = readCsv(table((r) => (r[0][0] = '1e200')), 't.csv', { label: 'y' }).ds;
  const spec = fitFeatures(big);
  assert.equal(spec.kind, 'tabular');
  if (spec.kind !== 'tabular') return;
  assert.ok(Number.isFinite(spec.numeric[0].mean) && Number.isFinite(spec.numeric[0].std) && spec.numeric[0].std > 0, JSON.stringify(spec.numeric[0]));
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec, 'the spec survives JSON');
  const { x } = transformFeatures(spec, big);
  assert.ok(x.every(Number.isFinite));
  // ordinary data: the same numbers as the plain formula
  const plain = fitFeatures(readCsv(table(), 't.csv', { label: 'y' }).ds);
  const vals = Array.from({ length: 40 }, (_, i) => Number((4 + (i % 9) / 10).toFixed(1)));
  const mean = vals.reduce((a, b) => a + b, 0) / 40;
  assert.equal(plain.kind === 'tabular' && plain.numeric[0].mean, mean);
  // values whose mean itself overflows: an error naming the column
  const huge = readCsv(table((r) => [0, 1].forEach((i) => (r[i][0] = '1.7e308'))), 't.csv', { label: 'y' }).ds;
  const spec2: unknown = (() => {
    try {
      return fitFeatures(huge);
    } catch (e) {
      return e;
    }
  })();
  if (spec2 instanceof Error) assert.match(spec2.message, /"len"/);
  else assert.ok((spec2 as { numeric: Array<{ std: number }> }).numeric.every((c) => Number.isFinite(c.std)));
  // new data far outside the training range, beyond float32: refused, naming row and column
  const far = readCsv(table((r) => (r[3][0] = '1e300')), 'new.csv', { label: 'y' }).ds;
  await expectError(() => transformFeatures(plain, far), 'NON_FINITE_INPUT', [/Row 4/, /"len"/]);
});

test('image inputs with NaN or Infinity are NON_FINITE_INPUT naming the example', async () => {
  const image = (bad: number, at: number): Dataset => {
    const pixels = new Float32Array(5 * 4 * 4).fill(0.5);
    pixels[at * 16 + 3] = bad;
    return { name: 'imgs', size: 5, features: { kind: 'image', height: 4, width: 4, channels: 1, pixels }, labels: Int32Array.from([0, 1, 0, 1, 0]), classes: ['a', 'b'] };
  };
  const spec = { kind: 'image' as const, height: 4, width: 4, channels: 1 };
  await expectError(() => transformFeatures(spec, image(NaN, 2)), 'NON_FINITE_INPUT', [/Image 2 /, /NaN/], /example 2/);
  await expectError(() => transformFeatures(spec, image(Infinity, 4)), 'NON_FINITE_INPUT', [/Image 4 /]);
  // resized and channel-converted too
  await expectError(() => transformFeatures({ kind: 'image', height: 8, width: 8, channels: 3 }, image(-Infinity, 1)), 'NON_FINITE_INPUT', [/Image 1 /]);
  assert.equal(transformFeatures(spec, image(0.25, 0)).x.length, 80);
});
