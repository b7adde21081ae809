import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { FeatureSpec } from '../../src/data/features.ts';
import { loadNewData, patternToRegExp } from '../../src/data/new-data.ts';
import { expectError } from './helpers.ts';

let root: string;
const tabular: FeatureSpec = {
  kind: 'tabular',
  numeric: [
    { name: 'a', mean: 2.5, std: 1 },
    { name: 'b', mean: -7.25, std: 2 },
  ],
  categorical: [{ name: 'colour', categories: ['blue', 'red'] }],
};
const image: FeatureSpec = { kind: 'image', height: 4, width: 4, channels: 1 };
const text: FeatureSpec = { kind: 'text', vectorizer: { options: { dims: 16 } } as never };

function png(path: string, grey: number, w = 6, h = 5): Promise<unknown> {
  return sharp(Buffer.alloc(w * h * 3, grey), { raw: { width: w, height: h, channels: 3 } }).png().toFile(path);
}

function column(ds: Awaited<ReturnType<typeof loadNewData>>['ds'], name: string): number[] | string[] {
  assert.equal(ds.features.kind, 'tabular');
  if (ds.features.kind !== 'tabular') return [];
  const col = ds.features.columns.find((c) => c.name === name);
  assert.ok(col, `column ${name}`);
  return Array.from(col.values as ArrayLike<number | string>) as number[] | string[];
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tk-new-data-'));
  await writeFile(join(root, 'labelled.csv'), 'id,a,b,colour,kind\nx1,1,2,red,yes\nx2,3,4,blue,no\n');
  await writeFile(join(root, 'plain.csv'), 'extra,b,a,colour\n?,2,1,red\n?,4,3,blue\n');
  await writeFile(join(root, 'gaps.csv'), 'a,b,colour,note\n1,,red,\n,4,,\n5,6,blue,ok\n');
  await writeFile(join(root, 'short.csv'), 'a,colour\n1,red\n');
  await writeFile(join(root, 'texts.jsonl'), '{"text": "win money", "id": 7}\n\n{"text": "lunch at noon", "id": "m2"}\n');
  await writeFile(join(root, 'mixed.jsonl'), '{"text": "win money", "label": "spam"}\n{"text": "lunch at noon"}\n');
  await mkdir(join(root, 'flat'));
  await png(join(root, 'flat', 'b10.png'), 200);
  await png(join(root, 'flat', 'b2.png'), 10);
  await png(join(root, 'flat', 'c.png'), 100);
  await writeFile(join(root, 'flat', 'notes.txt'), 'not an image');
  await png(join(root, 'flat', 'photo.jpg'), 50);
  await mkdir(join(root, 'classes', 'cat'), { recursive: true });
  await mkdir(join(root, 'classes', 'dog'), { recursive: true });
  await png(join(root, 'classes', 'cat', '1.png'), 0);
  await png(join(root, 'classes', 'dog', '1.png'), 255);
  await mkdir(join(root, 'empty'));
});

after(() => rm(root, { recursive: true, force: true }));

test('CSV: the training label column is used when present, and the rows are unlabelled when it is absent', async () => {
  const withLabel = await loadNewData(join(root, 'labelled.csv'), { features: tabular, trainedLabel: 'kind' });
  assert.deepEqual(withLabel.ds.classes, ['no', 'yes']);
  assert.deepEqual([...withLabel.ds.labels], [1, 0]);
  assert.equal(withLabel.labelColumn, 'kind');
  assert.deepEqual(withLabel.ids, ['x1', 'x2'], 'a column named id gives the ids');
  assert.equal(withLabel.idColumn, 'id');

  const without = await loadNewData(join(root, 'plain.csv'), { features: tabular, trainedLabel: 'kind' });
  assert.deepEqual([...without.ds.labels], [-1, -1]);
  assert.equal(without.labelColumn, undefined);
  assert.deepEqual(without.warnings, []);
  assert.equal(without.ids, undefined);
  assert.deepEqual(without.rows, [0, 1]);
  // only the model's columns, in the model's order; the extra column with "?" is ignored
  assert.ok(without.ds.features.kind === 'tabular');
  if (without.ds.features.kind === 'tabular') assert.deepEqual(without.ds.features.columns.map((c) => c.name), ['a', 'b', 'colour']);
  assert.deepEqual(column(without.ds, 'a'), [1, 3]);
});

test('CSV: --label overrides; one the data lacks predicts unlabelled with a warning; --id picks the id column', async () => {
  const over = await loadNewData(join(root, 'labelled.csv'), { features: tabular, trainedLabel: 'nope', label: 'kind', id: 'colour' });
  assert.deepEqual([...over.ds.labels], [1, 0]);
  assert.deepEqual(over.ids, ['red', 'blue']);
  const absent = await loadNewData(join(root, 'plain.csv'), { features: tabular, label: 'kind' });
  assert.deepEqual([...absent.ds.labels], [-1, -1]);
  assert.match(absent.warnings.join('\n'), /no column "kind"/);
  await expectError(() => loadNewData(join(root, 'plain.csv'), { features: tabular, id: 'tag' }), 'MISSING_ID', [/no column "tag"/, /plain\.csv/]);
});

test('CSV: a feature column the model needs is MISSING_COLUMN naming the column and the file', async () => {
  const err = await expectError(() => loadNewData(join(root, 'short.csv'), { features: tabular }), 'MISSING_COLUMN', [/short\.csv/, /"b"/], /short\.csv:1, column "b"/);
  assert.match(err.hint!, /a, b, colour/);
});

test('CSV: impute mean fills numbers with the training means and leaves categories unseen; drop keeps source row numbers', async () => {
  await expectError(() => loadNewData(join(root, 'gaps.csv'), { features: tabular }), 'MISSING_VALUE', [/line 2, column "b"/]).then((e) => {
    assert.match(e.hint!, /`impute: "mean"`/);
    assert.match(e.hint!, /training data/);
  });
  const mean = await loadNewData(join(root, 'gaps.csv'), { features: tabular, impute: 'mean' });
  // the training means (2.5 and -7.25), not the means of this data (3 and 5)
  assert.deepEqual(column(mean.ds, 'a'), [1, 2.5, 5]);
  assert.deepEqual(column(mean.ds, 'b'), [-7.25, 4, 6]);
  assert.deepEqual(column(mean.ds, 'colour'), ['red', '', 'blue']);
  assert.equal(mean.dropped, 0);

  const drop = await loadNewData(join(root, 'gaps.csv'), { features: tabular, impute: 'drop' });
  assert.equal(drop.ds.size, 1);
  assert.deepEqual(drop.rows, [2], 'the kept row keeps its number in the file');
  assert.equal(drop.dropped, 2);
  assert.deepEqual(column(drop.ds, 'a'), [5]);
});

test('JSONL: lines without labels are unlabelled; ids from an id field; mixed labels keep the ones present', async () => {
  const texts = await loadNewData(join(root, 'texts.jsonl'), { features: text, trainedLabel: 'label' });
  assert.deepEqual([...texts.ds.labels], [-1, -1]);
  assert.deepEqual(texts.ids, ['7', 'm2']);
  assert.equal(texts.labelColumn, undefined);
  const mixed = await loadNewData(join(root, 'mixed.jsonl'), { features: text });
  assert.deepEqual(mixed.ds.classes, ['spam']);
  assert.deepEqual([...mixed.ds.labels], [0, -1]);
  assert.equal(mixed.labelColumn, 'label');
  assert.equal(mixed.ids, undefined);
  await expectError(() => loadNewData(join(root, 'mixed.jsonl'), { features: text, id: 'id' }), 'MISSING_ID', [/Line 1/]);
});

test('standard input: JSON lines when it starts with {, CSV otherwise', async () => {
  const jsonl = await loadNewData('-', { features: text, stdin: Readable.from(['\n  {"text": "hello"}\n', '{"text": "bye", "label": "x"}\n']) });
  assert.equal(jsonl.ds.features.kind, 'text');
  assert.equal(jsonl.ds.name, '<stdin>');
  assert.deepEqual([...jsonl.ds.labels], [-1, 0]);
  const csv = await loadNewData('-', { features: tabular, stdin: Readable.from([Buffer.from('a,b,colour\n1,2,red\n')]) });
  assert.equal(csv.ds.features.kind, 'tabular');
  assert.deepEqual(column(csv.ds, 'b'), [2]);
  await expectError(() => loadNewData('-', { features: tabular, stdin: Readable.from(['a,b\n1,2\n']) }), 'MISSING_COLUMN', [/<stdin>/, /"colour"/]);
  await expectError(() => loadNewData('-', { features: tabular, stdin: Readable.from(['  \n']) }), 'EMPTY_DATA', [/Standard input is empty/]);
  await expectError(() => loadNewData('-', { features: tabular, stdin: Object.assign(Readable.from([]), { isTTY: true }) }), 'NO_STDIN', [/nothing is piped in/]);
});

test('images: a flat folder, one file, a pattern (unlabelled, ids are file names), and class subfolders (labelled)', async () => {
  const flat = await loadNewData(join(root, 'flat'), { features: image });
  assert.deepEqual(flat.ids, ['b2.png', 'b10.png', 'c.png', 'photo.jpg'], 'natural order, non-images skipped');
  assert.deepEqual([...flat.ds.labels], [-1, -1, -1, -1]);
  assert.ok(flat.ds.features.kind === 'image');
  if (flat.ds.features.kind === 'image') {
    assert.deepEqual([flat.ds.features.height, flat.ds.features.width, flat.ds.features.channels], [4, 4, 1], 'resized to the model input');
    assert.equal(flat.ds.features.pixels.length, 4 * 16);
    assert.ok(Math.abs(flat.ds.features.pixels[0] - 10 / 255) < 1e-6);
    assert.ok(Math.abs(flat.ds.features.pixels[16] - 200 / 255) < 1e-6);
  }
  const one = await loadNewData(join(root, 'flat', 'c.png'), { features: image });
  assert.deepEqual(one.ids, ['c.png']);
  assert.equal(one.ds.size, 1);
  const glob = await loadNewData(join(root, 'flat', 'b*.png'), { features: image });
  assert.deepEqual(glob.ids, ['b2.png', 'b10.png']);
  const q = await loadNewData(join(root, 'flat', '?.png'), { features: image });
  assert.deepEqual(q.ids, ['c.png']);
  const classes = await loadNewData(join(root, 'classes'), { features: image });
  assert.deepEqual(classes.ids, ['cat/1.png', 'dog/1.png']);
  assert.deepEqual(classes.ds.classes, ['cat', 'dog']);
  assert.deepEqual([...classes.ds.labels], [0, 1]);

  await expectError(() => loadNewData(join(root, 'flat', '*.gif'), { features: image }), 'NO_MATCH', [/No image file matches/]);
  await expectError(() => loadNewData(join(root, 'flat', '*.txt'), { features: image }), 'NO_MATCH', [/notes\.txt/]);
  await expectError(() => loadNewData(join(root, 'fl*', 'a.png'), { features: image }), 'BAD_PATTERN', [/folder name/]);
  await expectError(() => loadNewData(join(root, 'empty'), { features: image }), 'NO_IMAGES', [/no image files/]);
  await expectError(() => loadNewData(join(root, 'nope.csv'), { features: tabular }), 'FILE_NOT_FOUND', [/nope\.csv/]);
});

test('patternToRegExp: * and ? within a name, everything else literal', () => {
  assert.ok(patternToRegExp('*.png').test('a.b.png'));
  assert.ok(!patternToRegExp('*.png').test('apng'));
  assert.ok(patternToRegExp('img-??.jpg').test('img-01.jpg'));
  assert.ok(!patternToRegExp('img-??.jpg').test('img-1.jpg'));
  assert.ok(patternToRegExp('a+(b).png').test('a+(b).png'));
});
