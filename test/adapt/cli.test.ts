import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, oneJson } from '../cli/helpers.ts';
import { shiftedCsv } from './helpers.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-adapt-cli-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

const csv = (name: string, n: number, seed: number, target: boolean) => shiftedCsv(root, name, n, seed, target);

const source = await csv('source.csv', 200, 1, false);
const target = await csv('target.csv', 200, 2, true);

test('shift --json: one JSON object with the verdict and the numbers behind it', async () => {
  const r = await cli('shift', '--source', source, '--target', target, '--label', 'label', '--json', '--seed', '1');
  assert.equal(r.code, 0, r.stderr);
  const d = oneJson(r.stdout);
  assert.match(d.verdict, /covariate/);
  assert.ok(d.mmd.pValue < 0.01 && d.pad.pad > 1);
  assert.ok(Array.isArray(d.drift) && d.drift.length === 2);
  const text = await cli('shift', '--source', source, '--target', target, '--label', 'label');
  assert.match(text.stdout, /verdict: covariate/);
  assert.match(text.stdout, /most drifted columns/);
});

test('adapt --json writes a run that evaluate scores; errors are JSON too; --help shows examples', async () => {
  const out = join(root, 'run');
  const r = await cli('adapt', '--source', source, '--target', target, '--label', 'label', '--method', 'coral', '--out', out, '--json');
  assert.equal(r.code, 0, r.stderr);
  const a = oneJson(r.stdout);
  assert.equal(a.method, 'coral');
  assert.ok(a.after.accuracy > a.before.accuracy + 0.1, `${a.before.accuracy} → ${a.after.accuracy}`);
  assert.ok(existsSync(join(out, 'model', 'model.json')));
  const ev = oneJson((await cli('evaluate', '--model', out, '--data', target, '--label', 'label', '--json')).stdout);
  assert.ok(Math.abs(ev.accuracy - a.after.accuracy) < 1e-5);

  const bad = await cli('adapt', '--source', source, '--target', join(root, 'missing.csv'), '--label', 'label', '--out', join(root, 'x'), '--json');
  assert.equal(bad.code, 3);
  assert.equal(oneJson(bad.stdout).error.code, 'FILE_NOT_FOUND');
  const badCandidate = await cli('adapt', '--source', source, '--target', target, '--label', 'label', '--candidates', 'coral,magic', '--out', join(root, 'y'));
  assert.equal(badCandidate.code, 3);
  assert.match(badCandidate.stderr, /Unknown candidate method "magic"/);

  const help = await cli('adapt', '--help');
  assert.match(help.stdout, /Examples:\n\s+\$ transferkit adapt/);
  assert.match((await cli('shift', '--help')).stdout, /Examples:\n\s+\$ transferkit shift/);
});

test('adapt --method dann: deep options, several sources, a run that evaluate and predict take; --help lists the deep methods', async () => {
  const other = await csv('source2.csv', 120, 3, false);
  const out = join(root, 'dann');
  const r = await cli('adapt', '--source', source, '--source', other, '--target', target, '--label', 'label', '--method', 'dann', '--epochs', '3', '--lambda', '0.5', '--batch-size', '16', '--lr', '0.005', '--hidden', '16,8', '--seed', '2', '--out', out, '--json');
  assert.equal(r.code, 0, r.stderr);
  const a = oneJson(r.stdout);
  assert.equal(a.method, 'dann');
  assert.deepEqual(a.sources.map((s: { size: number }) => s.size), [200, 120]);
  assert.equal(a.deep.epochs, 3);
  assert.equal(a.deep.lambda, 0.5);
  assert.equal(a.deep.batchSize, 16);
  assert.equal(a.deep.lr, 0.005);
  assert.match(a.deep.network, /MLP 2-16-8-2/);
  assert.equal(a.deep.domains.length, 3);
  assert.deepEqual(a.candidates.map((c: { method: string }) => c.method), ['erm', 'dann']);
  const ev = oneJson((await cli('evaluate', '--model', out, '--data', target, '--label', 'label', '--json')).stdout);
  assert.ok(Math.abs(ev.accuracy - a.after.accuracy) < 1e-5, `evaluate ${ev.accuracy} vs adapt ${a.after.accuracy}`);
  const pred = await cli('predict', '--model', out, '--data', target, '--label', 'label', '--json');
  assert.equal(pred.code, 0, pred.stderr);

  const text = await cli('adapt', '--source', source, '--target', target, '--label', 'label', '--method', 'mmd', '--epochs', '2', '--out', join(root, 'mmd'));
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /network: MLP/);
  assert.match(text.stdout, /source-only \(same network, ERM\)/);
  assert.match(text.stdout, /validators on the target predictions/);

  const badLambda = await cli('adapt', '--source', source, '--target', target, '--label', 'label', '--method', 'dann', '--lambda', '-1', '--out', join(root, 'z'));
  assert.equal(badLambda.code, 2);
  const deepCandidate = await cli('adapt', '--source', source, '--target', target, '--label', 'label', '--candidates', 'coral,dann', '--out', join(root, 'w'), '--json');
  assert.equal(deepCandidate.code, 3);
  assert.match(oneJson(deepCandidate.stdout).error.message, /cannot be an auto candidate/);

  const help = (await cli('adapt', '--help')).stdout;
  for (const m of ['deep-coral', 'mmd', 'dann']) assert.match(help, new RegExp(m));
  assert.match(help, /\$ transferkit adapt .*--method deep-coral/);
  assert.match(help, /--epochs <n>/);
});

test('adapt --method auto prints why it chose (or kept source-only) and the risk when the validators disagree', async () => {
  const same = await csv('same.csv', 200, 6, false);
  // --epochs: the deep candidate (DANN, on tables by default) trains briefly
  const r = await cli('adapt', '--source', source, '--target', same, '--label', 'label', '--method', 'auto', '--epochs', '3', '--seed', '1', '--out', join(root, 'auto'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^auto → \S+ \((chosen by dev|kept: no candidate clearly better by dev)\)/);
  assert.match(r.stdout, /\nauto \((margin|agreement|source-only-best|kept)\): /);
  if (/validators disagree/.test(r.stdout)) assert.match(r.stdout, /\nrisk: the validators disagree \(dev → /);
  const j = oneJson((await cli('adapt', '--source', source, '--target', same, '--label', 'label', '--method', 'auto', '--epochs', '3', '--seed', '1', '--out', join(root, 'auto-json'), '--json')).stdout);
  assert.ok(typeof j.decision.reason === 'string' && j.decision.reason.length > 0);
  assert.ok(r.stdout.includes(j.decision.reason), 'the text output carries the same reason');
});
