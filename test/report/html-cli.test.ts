import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cli, oneJson } from '../cli/helpers.ts';
import { shiftedCsv } from '../adapt/helpers.ts';
import { tempRoot } from './helpers.ts';
import { assertSelfContained, sectionIds } from './html-helpers.ts';

const root = await tempRoot('tk-report-cli-');

test('report of a real fit run with stored predictions and --data: every section, every chart inline, nothing external', async () => {
  const run = join(root, 'fit');
  const f = await cli('fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', 'builtin:iris', '--epochs', '3', '--seed', '1', '--out', run, '--card', '--json');
  assert.equal(f.code, 0, f.stderr);
  const p = await cli('predict', '--model', run, '--data', 'builtin:iris', '--out', join(run, 'predictions.jsonl'));
  assert.equal(p.code, 0, p.stderr);
  const r = await cli('report', run, '--data', 'builtin:iris', '--local', '2', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = oneJson(r.stdout);
  assert.equal(out.path, join(run, 'report.html'));
  const html = await readFile(out.path, 'utf8');
  assert.equal(out.bytes, Buffer.byteLength(html));
  assert.deepEqual(sectionIds(html), out.sections);
  assert.deepEqual(out.sections, ['configuration', 'data', 'curves', 'metrics', 'confusion', 'roc-pr', 'reliability', 'explanations', 'explanation-quality', 'model-card', 'caveats']);
  const svgs = assertSelfContained(html);
  assert.equal(svgs, out.charts, 'the charts counted are the charts in the page');
  // loss curve, confusion, ROC, PR, reliability, beeswarm, permutation importance, 2 waterfalls, deletion/insertion
  assert.equal(out.charts, 10);
  assert.match(html, /Wilson score 95%, \d+ of 150 correct/, 'metrics with their intervals, from the card code');
  assert.match(html, /accuracy \(stored predictions\)/);
  assert.match(html, /infidelity<\/th><th scope="col">max-sensitivity/);
  assert.match(html, /not stated by the author/, 'the saved model card (fit --card) is shown');
  assert.deepEqual((await readdir(run)).filter((n) => n.includes('.tmp')), [], 'written atomically, no temporary left');

  const other = join(root, 'elsewhere', 'iris.html');
  await mkdir(join(root, 'elsewhere'));
  const t = await cli('report', run, '--out', other);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /report of run .*: 9 sections \(configuration, data, curves, metrics, confusion, roc-pr, reliability, model-card, caveats\), 5 charts/);
  assert.ok(existsSync(other));
});

test('report of a real adapt run: verdict and shift diagnostics with --shift charts; no fit-only sections', async () => {
  const source = await shiftedCsv(root, 'source.csv', 160, 1, false);
  const target = await shiftedCsv(root, 'target.csv', 160, 2, true);
  const run = join(root, 'adapt');
  const a = await cli('adapt', '--source', source, '--target', target, '--label', 'label', '--method', 'coral', '--out', run, '--json');
  assert.equal(a.code, 0, a.stderr);
  const r = await cli('report', run, '--shift', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = oneJson(r.stdout);
  const html = await readFile(out.path, 'utf8');
  assert.deepEqual(out.sections, ['configuration', 'data', 'metrics', 'verdict', 'shift', 'confusion', 'caveats']);
  assert.equal(out.charts, 3, 'shift projection, per-column drift, confusion matrix');
  assert.match(html, /aria-label="Source and target examples on the first two principal components/);
  assert.match(html, /verdict: <strong>covariate and label shift<\/strong>/);
  assert.deepEqual(sectionIds(html), out.sections);
  assert.equal(assertSelfContained(html), out.charts);
  assert.match(html, /<strong>improved<\/strong>: adaptation \(coral\) raised target accuracy/);
  assert.match(html, /proxy A-distance<\/td><td class="n">1\.112<\/td><td class="n">0<\/td>/, 'shift before → after');
});

test('errors: not a run folder names what is missing (exit 3); --help shows examples', async () => {
  const empty = join(root, 'not-a-run');
  await mkdir(empty);
  const r = await cli('report', empty, '--json');
  assert.equal(r.code, 3);
  const e = oneJson(r.stdout).error;
  assert.equal(e.code, 'NOT_A_RUN');
  assert.match(e.message, /config\.json and metrics\.json are missing/);
  assert.ok(!existsSync(join(empty, 'report.html')), 'nothing written on error');

  const help = await cli('report', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--data <data>/);
  assert.match(help.stdout, /Examples:\n {2}\$ transferkit report runs\/iris/);
});
