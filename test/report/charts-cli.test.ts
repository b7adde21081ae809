import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { cli, oneJson } from '../cli/helpers.ts';
import { checkPlotFlags } from '../../src/cli/plot-option.ts';

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

test('plot paths are checked before the work; a chart that fails after the work is a warning, the result still printed, exit 0', async () => {
  const run = join(root, 'iris'); // trained by the test above
  await writeFile(join(root, 'a-file'), 'x');
  const early = await cli('evaluate', '--model', run, '--data', 'builtin:iris', '--plot', join(root, 'a-file', 'eval.png'), '--json');
  assert.equal(early.code, 3);
  assert.equal(oneJson(early.stdout).error.code, 'NOT_A_DIRECTORY');
  const dirEarly = await cli('evaluate', '--model', run, '--data', 'builtin:iris', '--plot-dir', join(root, 'a-file', 'plots'));
  assert.equal(dirEarly.code, 3);
  assert.match(dirEarly.stderr, /--plot-dir folder .* cannot be made/);
  await mkdir(join(root, 'dir.png'));
  await assert.rejects(checkPlotFlags({ plot: join(root, 'dir.png') }), (e: { code?: string }) => e.code === 'NOT_A_FILE');
  await assert.rejects(checkPlotFlags({ plot: join(root, 'new', 'x.svg') }, { pngOnly: true }), (e: { code?: string }) => e.code === 'BAD_PLOT_PATH');
  await checkPlotFlags({ plot: join(root, 'new', 'deeper', 'x.png'), plotDir: join(root, 'new', 'plots') });
  assert.ok(!existsSync(join(root, 'new')), 'the check makes no folder');
  // plots/confusion.png is a folder: found only when the chart is written, after the evaluation
  await mkdir(join(root, 'blocked', 'confusion.png'), { recursive: true });
  const late = await cli('evaluate', '--model', run, '--data', 'builtin:iris', '--plot-dir', join(root, 'blocked'), '--json');
  assert.equal(late.code, 0, late.stderr);
  const m = oneJson(late.stdout);
  assert.ok(m.accuracy > 0, 'the metrics are printed');
  assert.equal(m.plots, undefined);
  assert.match(late.stderr, /warning: the chart was not written/);
  const text = await cli('evaluate', '--model', run, '--data', 'builtin:iris', '--plot-dir', join(root, 'blocked'));
  assert.equal(text.code, 0);
  assert.match(text.stdout, /accuracy/);
});

test('explain on an image model refuses --plot x.svg before explaining', async () => {
  const cnn = join(root, 'cnn');
  const fit = await cli('fit', '--strategy', 'scratch', '--arch', 'cnn', '--train', 'builtin:mnist', '--per-class', '2', '--epochs', '1', '--out', cnn, '--json');
  assert.equal(fit.code, 0, fit.stderr);
  const cam = await cli('explain', '--model', cnn, '--data', 'builtin:mnist', '--rows', '0', '--method', 'gradcam', '--out', join(root, 'cam-maps'), '--plot', join(root, 'cam.svg'), '--json');
  assert.equal(cam.code, 3, cam.stderr);
  const err = oneJson(cam.stdout).error;
  assert.equal(err.code, 'BAD_PLOT_PATH');
  assert.match(err.message, /PNG/);
  assert.ok(!existsSync(join(root, 'cam-maps')), 'refused before any heatmap was computed');
});
