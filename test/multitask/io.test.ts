import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, saveModel } from '../../src/models/io.ts';
import { predictProbs } from '../../src/models/predict-probs.ts';
import { buildMultiTaskModel } from '../../src/transfer/multitask/model.ts';
import { loadMultiTaskModel, saveMultiTaskModel, saveTaskHeads, verifyMultiTaskSave } from '../../src/transfer/multitask/io.ts';
import { predictTasks } from '../../src/transfer/multitask/evaluate.ts';
import { quadrants } from './helpers.ts';

await tf.setBackend('cpu');

const heads = [
  { name: 'quad', classes: ['q0', 'q1', 'q2', 'q3'] },
  { name: 'odd', classes: ['even', 'odd'] },
];
const features = { kind: 'tabular', numeric: ['a', 'b', 'c', 'd'].map((name) => ({ name, mean: 0, std: 1 })), categorical: [] };
const data = quadrants(20, 5);

test('a saved multi-task model loads back with its tasks and gives the same outputs; each head saves as a plain model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tk-mt-io-'));
  try {
    const model = await buildMultiTaskModel({ kind: 'scratch', arch: 'mlp' }, heads, { seed: 4, inputShape: [4] });
    const meta = await saveMultiTaskModel(model, join(dir, 'model'), heads, { features, source: { strategy: 'multitask' } });
    assert.deepEqual(meta.classes, heads[0].classes);
    const saved = JSON.parse(readFileSync(join(dir, 'model', 'transferkit.json'), 'utf8'));
    assert.deepEqual(saved.tasks, heads);
    const loaded = await loadMultiTaskModel(join(dir, 'model'));
    assert.deepEqual(loaded.tasks, heads);
    const a = predictTasks(model, data);
    const b = predictTasks(loaded.model, data);
    assert.equal(b.length, 2);
    for (let t = 0; t < 2; t++) assert.deepEqual(Array.from(b[t]), Array.from(a[t]));
    await verifyMultiTaskSave(join(dir, 'model'), model, data);
    const other = await buildMultiTaskModel({ kind: 'scratch', arch: 'mlp' }, heads, { seed: 5, inputShape: [4] });
    await assert.rejects(verifyMultiTaskSave(join(dir, 'model'), other, data), (e: Error & { code?: string }) => e.code === 'SAVED_MODEL_MISMATCH' && /task "quad", example 0/.test(e.message));
    other.dispose();
    const paths = await saveTaskHeads(model, join(dir, 'heads'), heads, { features });
    assert.deepEqual(paths, [join(dir, 'heads', 'quad'), join(dir, 'heads', 'odd')]);
    for (const [t, p] of paths.entries()) {
      const one = await loadModel(p);
      assert.deepEqual(one.meta?.classes, heads[t].classes);
      assert.equal(one.meta?.task, heads[t].name);
      assert.deepEqual(Array.from(predictProbs(one.model, data)), Array.from(a[t]));
      one.model.dispose();
    }
    loaded.model.dispose();
    model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loading a single-task model as multi-task, or tasks that do not match the heads, are clear errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tk-mt-io-'));
  try {
    const single = await buildMultiTaskModel({ kind: 'scratch', arch: 'mlp' }, [heads[0]], { seed: 1, inputShape: [4] });
    await saveModel(single, join(dir, 'single'), { classes: heads[0].classes, features });
    await assert.rejects(loadMultiTaskModel(join(dir, 'single')), (e: Error & { code?: string }) => e.code === 'UNSUPPORTED_MODEL' && /not a multi-task model/.test(e.message));
    const multi = await buildMultiTaskModel({ kind: 'scratch', arch: 'mlp' }, heads, { seed: 1, inputShape: [4] });
    await assert.rejects(saveMultiTaskModel(multi, join(dir, 'bad'), [heads[0], { name: 'odd', classes: ['a', 'b', 'c'] }], { features }), (e: Error & { code?: string }) => e.code === 'SHAPE_MISMATCH' && /Output 2 has 2 units but task "odd" has 3 classes/.test(e.message));
    await assert.rejects(saveMultiTaskModel(multi, join(dir, 'bad'), [heads[0]], { features }), /2 outputs but 1 tasks/);
    single.dispose();
    multi.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
