import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fitAuto } from '../../src/choose/fit-auto.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { irisModel } from './helpers.ts';
import { cli } from '../cli/helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-fit-auto-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));
const base = await irisModel(root, 'iris-src', { epochs: 10 });

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

test('fit --strategy auto trains the advisor’s plan and keeps the advice in the run folder', async () => {
  const large = join(root, 'auto-large');
  const small = join(root, 'auto-small');
  const [json, text] = await Promise.all([
    // all of iris: 50 per class is "large", and the source was trained on iris itself: similar
    cli('fit', '--strategy', 'auto', '--base', base, '--train', 'builtin:iris', '--source', 'builtin:iris', '--patience', '3', '--out', large, '--json'),
    cli('fit', '--strategy', 'auto', '--base', base, '--train', 'builtin:iris', '--source', 'builtin:iris', '--per-class', '5', '--out', small),
  ]);

  assert.equal(json.code, 0, json.stderr);
  const lines = json.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'one JSON object on stdout');
  const out = JSON.parse(lines[0]);
  assert.equal(out.advice.quadrant, 'large-similar');
  assert.equal(out.advice.plan.strategy, 'finetune');
  assert.deepEqual(out.advice.plan.unfreeze, ['dense1']);
  assert.equal(out.strategy, 'finetune', 'the result is the plan’s strategy');
  const config = await readJson(join(large, 'config.json'));
  assert.equal(config.strategy, out.advice.plan.strategy, 'config.json records the plan trained, not "auto"');
  assert.deepEqual(config.unfreeze, out.advice.plan.unfreeze);
  assert.equal(config.learningRate, out.advice.plan.learningRate);
  assert.equal(config.epochs, out.advice.plan.epochs);
  assert.equal(config.finetuneEpochs, out.advice.plan.finetuneEpochs);
  assert.equal(config.patience, 3, 'explicit options are kept');
  const saved = await readJson(join(large, 'advice.json'));
  assert.equal(saved.quadrant, 'large-similar');
  assert.deepEqual(saved.plan, out.advice.plan);
  const history = (await readFile(join(large, 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(history.some((r) => r.phase === 'finetune'), 'the fine-tuning phase of the plan ran');

  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /quadrant small \+ similar → train the head only/);
  assert.match(text.stdout, /labelled examples per class is small/);
  assert.match(text.stdout, /plan: --strategy extract --lr 0\.01/);
  assert.match(text.stdout, /trained extract on \d+ examples/);
  assert.match(text.stdout, /advice\.json/);
  assert.match(text.stderr, /advisor: small \+ similar → train the head only/);
  const smallConfig = await readJson(join(small, 'config.json'));
  assert.equal(smallConfig.strategy, 'extract');
  assert.equal((await readJson(join(small, 'advice.json'))).quadrant, 'small-similar');
});

test('fit --strategy auto without --base is a clear error, and --source needs auto', async () => {
  const out = join(root, 'no-base');
  const [noBase, noBaseJson, sourceOnly, help] = await Promise.all([
    cli('fit', '--strategy', 'auto', '--train', 'builtin:iris', '--out', out),
    cli('fit', '--strategy', 'auto', '--train', 'builtin:iris', '--out', out, '--json'),
    cli('fit', '--strategy', 'finetune', '--base', base, '--source', 'builtin:iris', '--train', 'builtin:iris', '--out', out),
    cli('fit', '--help'),
  ]);
  assert.equal(noBase.code, 3);
  assert.match(noBase.stderr, /--strategy auto needs --base/);
  assert.match(noBase.stderr, /fix: +Pass --base/);
  assert.equal(JSON.parse(noBaseJson.stdout).error.code, 'MISSING_BASE');
  assert.equal(sourceOnly.code, 3);
  assert.match(sourceOnly.stderr, /--source is only used by --strategy auto/);
  assert.ok(!existsSync(out), 'no run folder is left behind');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /auto/);
  assert.match(help.stdout, /--strategy auto --out/);
});

test('fitAuto (API) returns the advice, the config trained and the fit result', async () => {
  const out = join(root, 'api');
  const res = await fitAuto({ base, train: 'builtin:iris', perClass: 5, seed: 2, epochs: 5, out }, { source: 'builtin:iris' });
  assert.equal(res.advice.quadrant, 'small-similar');
  assert.equal(res.config.strategy, 'extract');
  assert.equal(res.config.epochs, 5, 'explicit epochs win over the plan');
  assert.equal(res.config.learningRate, res.advice.plan.learningRate);
  assert.equal(res.fit.strategy, 'extract');
  assert.equal(res.adviceFile, join(out, 'advice.json'));
  assert.equal((await readJson(res.adviceFile!)).quadrant, 'small-similar');
  res.fit.model.dispose();
  // without out: trained in memory, nothing written
  const before = tf.memory().numTensors;
  const mem = await fitAuto({ base, train: 'builtin:iris', perClass: 5, seed: 2, epochs: 5 }, { source: 'builtin:iris' });
  assert.equal(mem.adviceFile, undefined);
  assert.equal(mem.fit.out, undefined);
  assert.equal(mem.fit.val?.accuracy, res.fit.val?.accuracy, 'the same plan and seed train the same model');
  mem.fit.model.dispose();
  assert.equal(tf.memory().numTensors, before, 'fitAuto leaves nothing but the model, and the model is disposed');
  await assert.rejects(fitAuto({ train: 'builtin:iris', out: join(root, 'api-no-base') }), /needs a pretrained model/);
});
