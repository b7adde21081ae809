import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, oneJson } from '../cli/helpers.ts';
import { quadrantCsv } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tk-mt-cli-err-'));
const csv = join(dir, 'quad.csv');
writeFileSync(csv, quadrantCsv(300, 1));
const base = ['multitask', '--train', csv, '--label', 'quad'];
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('multitask errors: a mapping missing a class, weights that do not match the tasks, an unknown task', async () => {
  const map = join(dir, 'pairs.csv');
  writeFileSync(map, 'class,pair\nq0,low\nq1,low\nq2,high\n');
  const missing = await cli(...base, '--tasks', `quad,pair=${map}`, '--epochs', '1');
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /does not map class "q3"/);
  assert.match(missing.stderr, /fix: {3}Add a line "q3,<group>"/);

  const count = await cli(...base, '--tasks', 'quad,half=column:half', '--weights', '1,2,3', '--epochs', '1', '--json');
  assert.equal(count.code, 3);
  const e1 = oneJson(count.stdout).error;
  assert.equal(e1.code, 'BAD_OPTION');
  assert.match(e1.message, /3 loss weights given for 2 tasks \(quad, half\)/);

  const unknown = await cli(...base, '--tasks', 'quad,half=column:half', '--weights', 'hlaf=0.5', '--json');
  assert.equal(unknown.code, 3);
  assert.match(oneJson(unknown.stdout).error.message, /no task "hlaf"; the tasks are quad, half/);

  const column = await cli(...base, '--tasks', 'quad,side=column:side', '--json');
  assert.equal(column.code, 3);
  assert.match(oneJson(column.stdout).error.message, /Task "side" reads column "side", which .* does not have/);

  const onnx = await cli(...base, '--tasks', 'quad,half=column:half', '--engine', 'onnx', '--json');
  assert.equal(onnx.code, 3);
  assert.equal(oneJson(onnx.stdout).error.code, 'ONNX_TRAIN_UNSUPPORTED');

  const both = await cli(...base, '--tasks', 'quad,half=column:half', '--weighting', 'uncertainty', '--weights', '1,1', '--json');
  assert.equal(oneJson(both.stdout).error.code, 'BAD_OPTION');
});
