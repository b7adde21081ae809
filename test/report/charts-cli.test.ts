import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { cli, oneJson } from '../cli/helpers.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-charts-cli-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

test('fit --plot and evaluate --plot / --plot-dir write the charts; ECE and top-k are reported; a bad extension is refused first', async () => {
  const run = join(root, 'iris');
  const fit = await cli('fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', 'builtin:iris', '--out', run, '--epochs', '4', '--plot', join(root, 'fit.svg'), '--json');
  assert.equal(fit.code, 0, fit.stderr);
  assert.deepEqual(oneJson(fit.stdout).plots, [join(root, 'fit.svg')]);
  const svg = await readFile(join(root, 'fit.svg'), 'utf8');
  for (const text of ['Loss per epoch', 'Confusion matrix', 'Epoch (all phases in order)', 'setosa']) assert.ok(svg.includes(text), `fit chart shows ${text}`);

  const ev = await cli('evaluate', '--model', run, '--data', 'builtin:iris', '--plot', join(root, 'eval.png'), '--plot-dir', join(root, 'plots'));
  assert.equal(ev.code, 0, ev.stderr);
  assert.match(ev.stdout, /ECE \d\.\d{3}/);
  assert.match(ev.stdout, /top-2 accuracy \d\.\d{3}/);
  assert.match(ev.stdout, /charts: .*eval\.png/);
  const meta = await sharp(join(root, 'eval.png')).metadata();
  assert.equal(meta.format, 'png');
  assert.ok(meta.width! > 1000, `four charts side by side at 2× density, width ${meta.width}`);
  for (const name of ['confusion', 'roc', 'pr', 'reliability']) assert.ok(existsSync(join(root, 'plots', `${name}.png`)), `${name}.png written`);

  const bad = await cli('evaluate', '--model', run, '--data', 'builtin:iris', '--plot', join(root, 'eval.pdf'), '--json');
  assert.equal(bad.code, 3);
  assert.equal(oneJson(bad.stdout).error.code, 'BAD_PLOT_PATH');
});
