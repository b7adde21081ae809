/**
 * `transferkit curve --resume <dir>`: an interrupted curve folder continues to the same result;
 * flags that would change the curve are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { irisModel } from '../choose/helpers.ts';
import { cli, oneJson } from './helpers.ts';

await tf.setBackend('cpu');
const root = await mkdtemp(join(tmpdir(), 'tk-curve-resume-cli-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));
const base = await irisModel(root, 'iris-src', { epochs: 10 });

test('curve --resume finishes an interrupted curve with the same numbers; other flags and a missing curve are clear errors', async () => {
  const out = join(root, 'curve');
  const first = await cli('curve', '--base', base, '--train', 'builtin:iris', '--sizes', '3', '--seeds', '2', '--strategies', 'extract,scratch', '--epochs', '2', '--val-per-class', '0', '--threads', '1', '--out', out, '--json');
  assert.equal(first.code, 0, first.stderr);
  const whole = oneJson(first.stdout);
  // as a kill leaves it: no curve.json, one run never started, one cut part-way (no metrics, no final state)
  await rm(join(out, 'curve.json'));
  await rm(join(out, 'n3', 'scratch-seed2'), { recursive: true });
  await rm(join(out, 'n3', 'extract-seed2', 'metrics.json'));
  await rm(join(out, 'n3', 'extract-seed2', 'checkpoints', 'state.json'));

  const [resumed, withFlags, missing, noData] = await Promise.all([
    cli('curve', '--resume', out, '--json'),
    cli('curve', '--resume', out, '--sizes', '5', '--epochs', '3', '--json'),
    cli('curve', '--resume', join(root, 'nope'), '--json'),
    cli('curve', '--sizes', '3', '--json'),
  ]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const r = oneJson(resumed.stdout);
  assert.deepEqual(r.points.map((p: { results: Array<{ perSeed: number[] }> }) => p.results.map((x) => x.perSeed)), whole.points.map((p: { results: Array<{ perSeed: number[] }> }) => p.results.map((x) => x.perSeed)));
  assert.deepEqual(r.verdict, whole.verdict);
  assert.equal(r.out, out);
  assert.ok(existsSync(join(out, 'curve.json')));
  assert.equal(resumed.stderr.match(/test accuracy/g)?.length, 4, 'progress: one line per run, as a normal curve');

  assert.notEqual(withFlags.code, 0);
  const e = oneJson(withFlags.stdout).error;
  assert.equal(e.code, 'BAD_OPTION');
  assert.match(e.message, /--sizes, --epochs cannot be given with it/);
  assert.equal(oneJson(missing.stdout).error.code, 'RUN_NOT_FOUND');
  assert.match(oneJson(missing.stdout).error.message, /curve-options\.json is missing/);
  assert.equal(oneJson(noData.stdout).error.code, 'MISSING_OPTION');
  assert.match(oneJson(noData.stdout).error.hint, /curve --resume <dir>/);
});
