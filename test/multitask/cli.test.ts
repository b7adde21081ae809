import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, oneJson } from '../cli/helpers.ts';
import { quadrantCsv } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tk-mt-cli-'));
const csv = join(dir, 'quad.csv');
writeFileSync(csv, quadrantCsv(300, 1));
const base = ['multitask', '--train', csv, '--label', 'quad'];
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('multitask --help shows the task syntax and examples', async () => {
  const r = await cli('multitask', '--help');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /NAME=MAPPING\.csv/);
  assert.match(r.stdout, /Examples:\n {2}\$ transferkit multitask/);
});

test('multitask trains two heads, compares with single-task models and writes the run', async () => {
  const out = join(dir, 'run');
  const r = await cli(...base, '--tasks', 'quad,half=column:half', '--arch', 'mlp', '--epochs', '8', '--lr', '0.01', '--weighting', 'uncertainty', '--compare-single', '--seeds', '2', '--out', out, '--engine', 'tfjs', '--json');
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const res = oneJson(r.stdout);
  assert.deepEqual(res.tasks.map((t: { name: string }) => t.name), ['quad', 'half']);
  assert.deepEqual(res.tasks[1].classes, ['lower', 'upper']);
  assert.equal(res.weighting, 'uncertainty');
  assert.equal(res.weights.length, 2);
  assert.equal(res.logVars.length, 2);
  assert.ok(res.scores[0].accuracy > 0.7 && res.scores[1].accuracy > 0.7, JSON.stringify(res.scores));
  assert.deepEqual(res.comparison.seeds, [0, 1]);
  assert.equal(res.comparison.verdicts.length, 2);
  assert.match(res.comparison.verdicts[1].text, /half/);
  for (const f of ['model/model.json', 'heads/quad/model.json', 'heads/half/transferkit.json', 'config.json', 'history.jsonl', 'metrics.json']) assert.ok(existsSync(join(out, f)), f);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'model', 'transferkit.json'), 'utf8')).tasks.map((t: { name: string }) => t.name), ['quad', 'half']);
  // the same folder again: refused, not overwritten
  const again = await cli(...base, '--tasks', 'quad,half=column:half', '--epochs', '1', '--out', out);
  assert.equal(again.code, 3);
  assert.match(again.stderr, /not empty/);
  // the multi-output model is refused by the one-output commands, which name the heads to use
  const p = await cli('predict', '--model', out, '--data', csv, '--json');
  assert.equal(p.code, 3, p.stderr);
  assert.equal(oneJson(p.stdout).error.code, 'UNSUPPORTED_MODEL');
  assert.match(oneJson(p.stdout).error.hint, /heads\/quad or .*heads\/half/);
  const head = await cli('predict', '--model', join(out, 'heads', 'quad'), '--data', csv, '--json');
  assert.equal(head.code, 0, head.stderr);
});
