import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { irisModel } from './helpers.ts';
import { cli, oneJson } from '../cli/helpers.ts';

await tf.setBackend('cpu');
const root = await mkdtemp(join(tmpdir(), 'tk-choose-cli-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));
const base = await irisModel(root, 'iris-src', { epochs: 10 });

test('advise, rank and compare print one JSON object with --json, and text otherwise', async () => {
  const [adv, rank, cmp, text] = await Promise.all([
    cli('advise', '--base', base, '--train', 'builtin:iris', '--source', 'builtin:iris', '--per-class', '5', '--json'),
    cli('rank', '--candidates', `${base},${join(root, 'nope')}`, '--train', 'builtin:iris', '--metric', 'hscore', '--json'),
    cli('compare', '--base', base, '--train', 'builtin:iris', '--per-class', '5', '--seeds', '2', '--strategies', 'extract,scratch', '--epochs', '2', '--val-per-class', '0', '--json'),
    cli('advise', '--base', base, '--train', 'builtin:iris', '--source', 'builtin:iris'),
  ]);
  assert.equal(adv.code, 0, adv.stderr);
  const a = oneJson(adv.stdout);
  assert.equal(a.quadrant, 'small-similar');
  assert.equal(a.fit.strategy, 'extract');
  assert.ok(a.similarity.pad.pad < 0.5);

  assert.equal(rank.code, 0, rank.stderr);
  const r = oneJson(rank.stdout);
  assert.equal(r.metric, 'hscore');
  assert.equal(r.ranking[0].rank, 1);
  assert.equal(r.ranking[1].rank, 0);
  assert.match(r.ranking[1].error, /No model at/);

  assert.equal(cmp.code, 0, cmp.stderr);
  const c = oneJson(cmp.stdout);
  assert.equal(c.point.examples, 15);
  assert.deepEqual(c.point.results.map((x: { strategy: string }) => x.strategy), ['extract', 'scratch']);
  assert.match(c.point.verdict.text, /helped|no significant difference|negative transfer/);

  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /quadrant: large \+ similar → unfreeze the top layers/);
  assert.match(text.stdout, /plan: --strategy finetune --unfreeze dense1/);
});

test('evaluate --kfold cross-validates a run; errors are clear', async () => {
  const run = join(root, 'run');
  const fit = await cli('fit', '--strategy', 'scratch', '--arch', 'logistic', '--train', 'builtin:iris', '--out', run, '--epochs', '3', '--json');
  assert.equal(fit.code, 0, fit.stderr);
  const [cv, notRun] = await Promise.all([
    cli('evaluate', '--model', run, '--data', 'builtin:iris', '--kfold', '3', '--json'),
    cli('evaluate', '--model', base, '--data', 'builtin:iris', '--kfold', '3'),
  ]);
  assert.equal(cv.code, 0, cv.stderr);
  const j = oneJson(cv.stdout);
  assert.equal(j.folds.length, 3);
  assert.equal(j.k, 3);
  assert.equal(notRun.code, 3);
  assert.match(notRun.stderr, /not a run folder/);
});
