import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, oneJson } from './helpers.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-cli-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

test('fit and evaluate with --json print one JSON object each, with the documented fields', async () => {
  const out = join(root, 'iris');
  const fit = await cli('fit', '--strategy', 'scratch', '--arch', 'logistic', '--train', 'builtin:iris', '--out', out, '--epochs', '3', '--json');
  assert.equal(fit.code, 0, fit.stderr);
  const f = oneJson(fit.stdout);
  assert.equal(f.strategy, 'scratch');
  assert.ok(existsSync(join(out, 'model', 'model.json')));

  const ev = await cli('evaluate', '--model', out, '--data', 'builtin:iris', '--json');
  assert.equal(ev.code, 0, ev.stderr);
  const e = oneJson(ev.stdout);
  for (const key of ['accuracy', 'macroF1', 'rocAuc', 'confusionMatrix', 'classes']) assert.ok(key in e, `evaluate JSON has ${key}`);
  assert.deepEqual(e.classes, ['setosa', 'versicolor', 'virginica']);
  assert.equal((e.confusionMatrix as number[][]).flat().reduce((a, b) => a + b, 0), 150);

  const pred = await cli('predict', '--model', out, '--data', 'builtin:iris', '--json');
  const p = oneJson(pred.stdout) as { predictions: Array<{ label: string; probabilities: number[] }> };
  assert.equal(p.predictions.length, 150);
  assert.ok(Math.abs(p.predictions[0].probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4);
});

test('errors are clear, exit with 3 (bad input), and are JSON under --json', async () => {
  const text = await cli('fit', '--strategy', 'scratch', '--train', 'builtin:nope', '--out', join(root, 'x'));
  assert.equal(text.code, 3);
  assert.match(text.stderr, /error: .*nope/);
  assert.match(text.stderr, /fix: /);
  assert.equal(text.stdout, '');
  const json = await cli('evaluate', '--model', join(root, 'missing'), '--data', 'builtin:iris', '--json');
  assert.equal(json.code, 3);
  const e = oneJson(json.stdout) as { error: { code: string; message: string } };
  assert.equal(e.error.code, 'MODEL_NOT_FOUND');
  assert.ok(!existsSync(join(root, 'x')));
});

test('every command has --help with examples', async () => {
  for (const cmd of ['doctor', 'datasets', 'models', 'inspect', 'fit', 'evaluate', 'predict', 'explain', 'demo']) {
    const h = await cli(cmd, '--help');
    assert.equal(h.code, 0);
    assert.match(h.stdout, /Examples:\n\s+\$ transferkit /, `${cmd} --help shows examples`);
  }
});

test('doctor reports the backend and the kernels added to wasm', async () => {
  const d = oneJson((await cli('doctor', '--json')).stdout) as { engine: { backend: string; kernelsRegistered: string[]; selfTest: string } };
  assert.equal(d.engine.backend, 'wasm');
  assert.equal(d.engine.selfTest, 'ok');
  assert.ok(d.engine.kernelsRegistered.includes('Conv2DBackpropFilter'));
});

test('a malformed option value is named in a one-line error, with no stack trace and no run folder', async () => {
  const out = join(root, 'bad-epochs');
  for (const [flag, value] of [['--epochs', 'ten'], ['--lr', '-1'], ['--head-dropout', '1.5']]) {
    const r = await cli('fit', '--strategy', 'scratch', '--train', 'builtin:iris', '--out', out, flag, value);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`option '${flag} <[^>]+>' argument '${value.replace('.', '\\.')}' is invalid`));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.ok(!existsSync(out));
  }
});
