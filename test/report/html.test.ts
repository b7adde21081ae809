import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { buildRunReport, writeRunReport } from '../../src/report/index.ts';
import { esc, num } from '../../src/report/html/escape.ts';
import { usableCurve } from '../../src/report/charts/learning-curve.ts';
import { createRng } from '../../src/util/random.ts';
import { copyIrisRun, FIXTURES, tempRoot } from './helpers.ts';
import { assertSelfContained, sectionIds } from './html-helpers.ts';

const root = await tempRoot('tk-report-html-');
const now = new Date('2026-01-02T03:04:05Z');

test('esc escapes the five HTML characters; num formats numbers', () => {
  assert.equal(esc(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  assert.equal(esc(null), '');
  assert.equal(esc(3), '3');
  assert.deepEqual([num(0.87234), num(null), num(12), num(3.2e-8), num(Number.NaN)], ['0.872', 'n/a', '12', '3.20e-8', 'n/a']);
});

test('hostile class names, phases and labels are shown as text, never as markup', async () => {
  const dir = await copyIrisRun(join(root, 'hostile'));
  const classes = ['<script>alert(1)</script>', 'a"b&c', "<img src=x onerror='y'>"];
  const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  await writeFile(join(dir, 'config.json'), JSON.stringify({ ...cfg, classes, train: '<b>bold</b>.csv' }));
  await writeFile(join(dir, 'history.jsonl'), [1, 2, 3].map((e) => JSON.stringify({ phase: '<svg onload=z>', epoch: e, loss: 1 / e, valLoss: 1.2 / e })).join('\n') + '\n');
  const rng = createRng(1);
  const lines: string[] = [];
  for (let i = 0; i < 90; i++) {
    const y = i % 3;
    const p = [0.2, 0.2, 0.2];
    p[rng.next() < 0.8 ? y : (y + 1) % 3] = 0.6;
    lines.push(JSON.stringify({ probabilities: p, actual: classes[y] }));
  }
  await writeFile(join(dir, 'predictions.jsonl'), lines.join('\n') + '\n');
  const r = await buildRunReport(dir, { now });
  assert.deepEqual(r.sections, ['configuration', 'data', 'curves', 'metrics', 'confusion', 'roc-pr', 'reliability', 'caveats']);
  assert.equal(assertSelfContained(r.html), r.charts);
  assert.equal(r.charts, 5);
  assert.doesNotMatch(r.html, /<script|<img|<b>|<svg onload/i, 'no hostile markup survives');
  assert.match(r.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(r.html, /a&quot;b&amp;c/);
  assert.match(r.html, /&lt;b&gt;bold&lt;\/b&gt;\.csv/);
  // the chart text (rendered by Vega) is escaped too
  assert.match(r.html, /<text[^>]*>&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('a compare experiment with a group audit and a privacy check: verdict with its learning curve, shift, groups', async () => {
  const exp = join(root, 'cmp');
  const dir = join(exp, 'n10', 'extract-seed1');
  await mkdir(join(exp, 'n10'), { recursive: true });
  await copyIrisRun(dir);
  const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  await writeFile(join(dir, 'config.json'), JSON.stringify({ ...cfg, strategy: 'extract', base: 'fashion-cnn' }));
  await copyFile(join(FIXTURES, 'curve.json'), join(exp, 'curve.json'));
  await copyFile(join(FIXTURES, 'audit-report.json'), join(dir, 'audit.json'));
  assert.equal(usableCurve(JSON.parse(await readFile(join(exp, 'curve.json'), 'utf8'))), true);
  for (const bad of [null, { seeds: [0], points: [null] }, { seeds: [0], points: [{}] }, { seeds: [0], points: [] }, { points: [{ examples: 1, results: [] }] }]) assert.equal(usableCurve(bad), false, JSON.stringify(bad));
  await copyFile(join(FIXTURES, 'privacy-risk.json'), join(dir, 'privacy.json'));
  await writeFile(join(dir, 'model_card.json'), '{"format": "not a card"}');
  const r = await buildRunReport(dir, { now });
  assert.deepEqual(sectionIds(r.html), r.sections);
  assert.deepEqual(r.sections, ['configuration', 'data', 'metrics', 'verdict', 'shift', 'confusion', 'fairness', 'model-card', 'caveats']);
  assert.equal(assertSelfContained(r.html), r.charts);
  assert.equal(r.charts, 3, 'learning curve, confusion matrix, group metrics');
  assert.match(r.html, /<strong>negative<\/strong>: negative transfer: −2\.0 ± 1\.5 points/);
  assert.match(r.html, /<figure class="chart" data-chart="\d+"><svg[^>]*aria-label="Learning curve of the experiment/);
  assert.match(r.html, /aria-label="Metrics by group from audit\.json"/);
  assert.match(r.html, /Loss attack AUC/);
  assert.match(r.html, /The saved model card is left out: model_card\.json does not match the card schema/);
});

test('a damaged history.jsonl leaves the curves out with a note naming its line; a damaged metrics.json is named; nothing is written on error', async () => {
  const dir = await copyIrisRun(join(root, 'damaged'));
  await writeFile(join(dir, 'history.jsonl'), '{"phase":"train","epoch":1,"loss":0.9}\n{"phase":"train","epo\n');
  const r = await buildRunReport(dir, { now });
  assert.ok(r.sections.includes('curves') && r.sections.includes('metrics'), r.sections.join());
  assert.match(r.html, /The training curves are left out: The run file .*history\.jsonl is damaged at line 2/);
  await writeFile(join(dir, 'history.jsonl'), '{"phase":"train","epoch":1}\n');
  assert.match((await buildRunReport(dir, { now })).html, /history\.jsonl is damaged at line 1: not an epoch record/);
  await writeFile(join(dir, 'history.jsonl'), '');
  await writeFile(join(dir, 'metrics.json'), '{"train": {"accuracy": 0.9');
  await assert.rejects(writeRunReport(dir), (e: Error & { code?: string }) => e.code === 'CORRUPT_RUN' && /metrics\.json is damaged/.test(e.message));
  assert.ok(!existsSync(join(dir, 'report.html')), 'nothing written on error');
  await writeFile(join(dir, 'metrics.json'), await readFile(join(FIXTURES, 'iris-scratch', 'metrics.json')));
  await assert.rejects(buildRunReport(dir, { shift: true }), /The shift charts need an adapt run with one source and one target; .* is a fit run/);
});

test('a deep adaptation run: the loss curves of the adapted network and its source-only baseline', async () => {
  const dir = join(root, 'deep');
  await cp(join(FIXTURES, 'adapt-coral'), dir, { recursive: true });
  const metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8'));
  const epochs = (scale: number) => [1, 2, 3, 4].map((epoch) => ({ epoch, loss: scale / epoch, classLoss: 0.5 / epoch, alignLoss: 0.1, accuracy: 0.8, lambda: 0.1, seconds: 0.01 }));
  metrics.deep = { network: 'mlp', history: epochs(1), baselineHistory: epochs(2) };
  await writeFile(join(dir, 'metrics.json'), JSON.stringify(metrics));
  const r = await buildRunReport(dir, { now });
  assert.ok(r.sections.includes('curves'));
  assert.equal(assertSelfContained(r.html), r.charts);
  assert.match(r.html, /<td>source-only<\/td><td class="n">4<\/td><td class="n">0\.500<\/td>/);
  assert.match(r.html, /<td>adapted<\/td><td class="n">4<\/td><td class="n">0\.250<\/td>/);
});
