import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, oneJson } from './helpers.ts';

let root: string;
let run: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tk-modelref-'));
  run = join(root, 'iris');
  const res = await cli('fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', 'builtin:iris', '--epochs', '5', '--seed', '1', '--out', run, '--json');
  assert.equal(res.code, 0, res.stderr);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('every command that takes a model accepts a run folder, the same as its model/', async () => {
  const calls: Array<[string, (model: string) => string[]]> = [
    ['inspect', (m) => ['inspect', m, '--json']],
    ['evaluate', (m) => ['evaluate', '--model', m, '--data', 'builtin:iris', '--json']],
    ['predict', (m) => ['predict', '--model', m, '--data', 'builtin:iris', '--json']],
    ['explain', (m) => ['explain', '--model', m, '--data', 'builtin:iris', '--rows', '0', '--method', 'exact-shap', '--json']],
    ['advise', (m) => ['advise', '--base', m, '--train', 'builtin:iris', '--json']],
    ['rank', (m) => ['rank', '--candidates', m, '--train', 'builtin:iris', '--json']],
  ];
  for (const [name, args] of calls) {
    const fromRun = await cli(...args(run));
    assert.equal(fromRun.code, 0, `${name} with a run folder: ${fromRun.stderr}`);
    const fromModel = await cli(...args(join(run, 'model')));
    assert.equal(fromModel.code, 0, `${name} with model/: ${fromModel.stderr}`);
    const strip = (v: unknown) => JSON.stringify(v, (k, x) => (['seconds', 'model', 'candidate', 'dir', 'base', 'createdAt'].includes(k) ? undefined : x));
    assert.equal(strip(oneJson(fromRun.stdout)), strip(oneJson(fromModel.stdout)), `${name}: same result either way`);
  }
  const tuned = await cli('fit', '--base', run, '--strategy', 'finetune', '--train', 'builtin:iris', '--epochs', '2', '--out', join(root, 'tuned'), '--json');
  assert.equal(tuned.code, 0, tuned.stderr);
  assert.deepEqual(oneJson(tuned.stdout).classes, ['setosa', 'versicolor', 'virginica']);
});
