import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { residualModel } from '../onnx/build-models.ts';
import { cli, oneJson } from './helpers.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-convert-out-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));
const onnx = join(root, 'res.onnx');
await writeFile(onnx, residualModel({ channels: 1, size: 28, classes: 10 }));

test('convert --out refuses a folder with files it did not write, even beside a model.json, and deletes nothing', async () => {
  const out = join(root, 'mixed');
  await mkdir(out);
  await writeFile(join(out, 'model.json'), '{"weightsManifest": [{"paths": ["weights.bin"], "weights": []}]}');
  await writeFile(join(out, 'transferkit.json'), '{}');
  await writeFile(join(out, 'notes.txt'), 'my notes');
  const r = await cli('convert', onnx, '--out', out, '--json');
  assert.equal(r.code, 3, r.stderr);
  const e = oneJson(r.stdout).error;
  assert.equal(e.code, 'OUT_NOT_EMPTY');
  assert.match(e.message, /notes\.txt/);
  assert.deepEqual((await readdir(out)).sort(), ['model.json', 'notes.txt', 'transferkit.json']);
  assert.equal(await readFile(join(out, 'notes.txt'), 'utf8'), 'my notes');

  const other = join(root, 'other');
  await mkdir(other);
  await writeFile(join(other, 'data.csv'), 'a,b\n');
  const r2 = await cli('convert', onnx, '--out', other);
  assert.equal(r2.code, 3);
  assert.match(r2.stderr, /not a transferkit model \(data\.csv\)/);
  assert.deepEqual(await readdir(other), ['data.csv']);
});

test('convert --out onto a file is a clear error; onto an earlier converted model it replaces the model', async () => {
  const file = join(root, 'a-file');
  await writeFile(file, 'mine');
  const r = await cli('convert', onnx, '--out', file, '--json');
  assert.equal(r.code, 3);
  assert.equal(oneJson(r.stdout).error.code, 'NOT_A_MODEL_FOLDER');
  assert.equal(await readFile(file, 'utf8'), 'mine');

  const out = join(root, 'model');
  const first = await cli('convert', onnx, '--out', out, '--json');
  assert.equal(first.code, 0, first.stderr + first.stdout);
  const again = await cli('convert', onnx, '--out', out, '--name', 'again', '--json');
  assert.equal(again.code, 0, again.stderr + again.stdout);
  assert.deepEqual((await readdir(out)).sort(), ['model.json', 'transferkit.json', 'weights.bin']);
  assert.match(await readFile(join(out, 'transferkit.json'), 'utf8'), /"name": "again"/);
  assert.deepEqual((await readdir(root)).filter((n) => n.startsWith('.')), [], 'no temporaries left beside it');
});
