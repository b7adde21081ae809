import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { loadDataset } from '../../src/data/load.ts';
import { samplePerClass } from '../../src/data/split.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { explain } from '../../src/explain/model/explain.ts';
import { fit } from '../../src/transfer/fit.ts';
import { expectError } from '../data/helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-explain-img-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));
const mnist = await loadDataset('builtin:mnist');
const digits = { ...samplePerClass(mnist, 10, 2).sample, name: 'mnist-100' };
const run = join(root, 'cnn');
await fit({ strategy: 'scratch', arch: 'cnn', train: digits, out: run, epochs: 3, seed: 1, valFraction: 0 });

test('Integrated Gradients on an image model: completeness (small delta), one value per pixel, heatmap PNG', async () => {
  const e = await explain({ model: run, data: digits, method: 'ig', rows: [0, 7], steps: 128, out: join(root, 'maps') });
  assert.equal(e.kind, 'image');
  if (e.kind !== 'image') return;
  assert.equal(e.scope, 'image');
  assert.equal(e.method, 'ig');
  assert.equal(e.model, run);
  assert.deepEqual(e.classes, digits.classes);
  assert.equal(e.explained, 2);
  assert.ok(e.seconds > 0);
  for (const r of e.rows) {
    assert.equal(r.attributions.length, 28 * 28);
    const total = r.attributions.reduce((a, b) => a + b, 0);
    // Outputs are class probabilities: completeness within 0.001 absolute plus 1% of Σφ (ReLU kinks
    // limit quadrature; measured |δ| ≈ 1e-4 at 128 points, 3e-3 at 32).
    assert.ok(Math.abs(r.delta!) < 0.001 + 0.01 * Math.abs(total), `delta ${r.delta} vs Σ ${total}`);
    assert.ok(existsSync(r.png!));
    const meta = await sharp(r.png!).metadata();
    assert.equal(meta.width, 2 * meta.height!);
    assert.equal((await sharp(r.overlay!).metadata()).format, 'png', 'the map drawn over the image');
  }
});

test('Grad-CAM and occlusion give a map over the image; tabular methods are refused for images', async () => {
  const cam = await explain({ model: run, data: digits, method: 'gradcam', rows: [3] });
  if (cam.kind === 'image') {
    const a = cam.rows[0].attributions;
    assert.ok(Math.min(...a) >= 0 && Math.max(...a) <= 1 + 1e-6);
    assert.equal(a.length, 784);
  }
  const occ = await explain({ model: run, data: digits, method: 'occlusion', rows: [3] });
  if (occ.kind === 'image') assert.ok(occ.rows[0].attributions.some((v) => v !== 0));
  await expectError(() => explain({ model: run, data: digits, method: 'permutation' }), 'KIND_MISMATCH', [/images/]);
  await expectError(() => explain({ model: run, data: digits, method: 'gradcam', layer: 'nope' }), 'UNKNOWN_LAYER', [/nope/]);
});

test('explain() on the image model fit returns in memory matches the saved run', async () => {
  const res = await fit({ strategy: 'scratch', arch: 'cnn', train: digits, epochs: 3, seed: 1, valFraction: 0 });
  try {
    const mem = await explain({ model: res.model, data: digits, method: 'saliency', rows: [1] });
    const saved = await explain({ model: run, data: digits, method: 'saliency', rows: [1] });
    assert.equal(mem.kind, 'image');
    assert.equal(mem.model, '(in memory)');
    if (mem.kind !== 'image' || saved.kind !== 'image') return;
    assert.equal(mem.rows[0].class, saved.rows[0].class);
    mem.rows[0].attributions.forEach((v, i) => assert.ok(Math.abs(v - saved.rows[0].attributions[i]) < 1e-5));
  } finally {
    res.model.dispose();
  }
});
