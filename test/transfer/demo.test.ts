import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { listLayers } from '../../src/models/surgery.ts';
import { loadModel } from '../../src/models/io.ts';
import { runDemo } from '../../src/transfer/demo.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-demo-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

test('the demo (2 digits per class, 2 seeds): three strategies on one test set, a paired verdict, scratch of the same architecture', async () => {
  const out = join(root, 'demo');
  const d = await runDemo({ out, seeds: 2, perClass: 2 });
  assert.deepEqual(d.results.map((r) => r.strategy), ['scratch', 'extract', 'finetune']);
  assert.equal(d.testSize, 2500);
  for (const r of d.results) {
    assert.equal(r.perSeed.length, 2);
    assert.ok(r.accuracy > 0.1 && r.accuracy <= 1, `${r.strategy} ${r.accuracy}`);
  }
  const scratch = d.results[0];
  const best = d.results.slice(1).reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  assert.ok(Math.abs(d.gainOverScratch - 100 * (best.accuracy - scratch.accuracy)) < 1e-9);
  assert.equal(d.verdict.strategy, best.strategy);
  assert.ok(Math.abs(d.verdict.difference.mean - d.gainOverScratch) < 1e-9);
  assert.ok(['helped', 'no-difference', 'negative'].includes(d.verdict.kind));
  const saved = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
  assert.equal(saved.results.length, 3);
  // "scratch: same architecture, random initialisation": the scratch model has the transfer model's layers
  const shapes = async (dir: string) => {
    const m = await loadModel(join(out, dir, 'model'));
    const layers = listLayers(m.model).map((l) => `${l.type} ${JSON.stringify(l.outputShape)} ${l.params}`);
    m.model.dispose();
    return layers;
  };
  assert.ok(existsSync(join(out, 'scratch-seed1', 'model', 'model.json')));
  assert.deepEqual(await shapes('scratch-seed1'), await shapes('finetune-seed1'));
});
