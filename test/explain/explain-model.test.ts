import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { explain } from '../../src/explain/model/explain.ts';
import { explainModel } from '../../src/explain/model/explain-model.ts';
import { fit } from '../../src/transfer/fit.ts';
import { createRng } from '../../src/util/random.ts';
import { expectError } from '../data/helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-explain-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));
const penguins = join(root, 'penguins');
await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:penguins', out: penguins, epochs: 20, seed: 1 });

test('Shapley on a trained tabular model: one value per column (one-hot grouped), efficiency holds exactly', async () => {
  for (const link of ['identity', 'logit'] as const) {
    const e = await explainModel({ model: penguins, data: 'builtin:penguins', method: 'shap', rows: [0, 200], link });
    assert.equal(e.kind, 'shapley');
    if (e.kind !== 'shapley') return;
    assert.equal(e.method, 'exact-shap');
    assert.equal(e.scope, 'local');
    assert.equal(e.model, penguins);
    assert.deepEqual(e.classes, ['Adelie', 'Chinstrap', 'Gentoo']);
    assert.equal(e.explained, 2);
    assert.ok(e.seconds >= 0);
    assert.deepEqual(Object.keys(e).slice(0, 7), ['kind', 'scope', 'method', 'model', 'classes', 'explained', 'seconds'], 'the common header comes first');
    assert.deepEqual(e.features.slice(-2), ['Island', 'Sex']);
    for (const r of e.rows) {
      assert.equal(r.values.length, e.features.length);
      const sum = r.baseValue + r.values.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - r.output) < 1e-6, `efficiency: ${sum} vs ${r.output}`);
    }
  }
  // KernelSHAP agrees with exact Shapley when it can enumerate every coalition (6 features)
  const exact = await explainModel({ model: penguins, data: 'builtin:penguins', method: 'exact-shap', rows: [5] });
  const kernel = await explainModel({ model: penguins, data: 'builtin:penguins', method: 'kernel-shap', rows: [5] });
  if (exact.kind === 'shapley' && kernel.kind === 'shapley') {
    exact.rows[0].values.forEach((v, i) => assert.ok(Math.abs(v - kernel.rows[0].values[i]) < 1e-6));
  }
});

test('permutation importance and partial dependence on a trained model', async () => {
  const p = await explainModel({ model: penguins, data: 'builtin:penguins', method: 'permutation', repeats: 3 });
  assert.equal(p.kind, 'permutation');
  if (p.kind !== 'permutation') return;
  assert.equal(p.scope, 'global');
  assert.equal(p.explained, 333, 'measured on every labelled row');
  assert.ok(p.baseline > 0.9, `accuracy ${p.baseline}`);
  assert.ok(Math.max(...p.mean) > 0.05, 'shuffling some column hurts accuracy');
  const d = await explainModel({ model: penguins, data: 'builtin:penguins', method: 'pdp', feature: 'Flipper Length (mm)' });
  assert.equal(d.kind, 'pdp');
  if (d.kind !== 'pdp') return;
  assert.equal(d.scope, 'global');
  assert.equal(d.explained, d.individual.length);
  d.average.forEach((a, g) => {
    const mean = d.individual.reduce((s, curve) => s + curve[g], 0) / d.individual.length;
    assert.ok(Math.abs(a - mean) < 1e-9, 'partial dependence is the mean of the ICE curves');
  });
  assert.ok(d.grid[0] > 150 && d.grid.at(-1)! < 240, `grid in millimetres: ${d.grid[0]}..${d.grid.at(-1)}`);
});

test('text models are explained word by word, and the spam word gets the credit', async () => {
  const rng = createRng(3);
  const spam = ['free', 'money', 'winner', 'cash'];
  const ham = ['meeting', 'agenda', 'project', 'lunch'];
  const filler = ['the', 'a', 'for', 'today', 'please', 'see'];
  const lines: string[] = [];
  for (let i = 0; i < 120; i++) {
    const isSpam = i % 2 === 0;
    const words = [isSpam ? spam[rng.int(4)] : ham[rng.int(4)], filler[rng.int(6)], filler[rng.int(6)]];
    lines.push(JSON.stringify({ text: rng.shuffle(words).join(' '), label: isSpam ? 'spam' : 'ham' }));
  }
  const file = join(root, 'mail.jsonl');
  await writeFile(file, lines.join('\n') + '\n');
  const run = join(root, 'mail');
  await fit({ strategy: 'scratch', arch: 'logistic', train: file, out: run, epochs: 40, seed: 1 });
  const probe = join(root, 'probe.jsonl');
  await writeFile(probe, JSON.stringify({ text: 'please see the free offer today' }) + '\n');
  const e = await explainModel({ model: run, data: probe, method: 'shap', className: 'spam' });
  assert.equal(e.kind, 'shapley');
  if (e.kind !== 'shapley') return;
  const r = e.rows[0];
  assert.deepEqual(r.features, ['please', 'see', 'the', 'free', 'offer', 'today']);
  assert.equal(r.features![r.values.indexOf(Math.max(...r.values))], 'free');
  assert.ok(Math.abs(r.baseValue + r.values.reduce((a, b) => a + b, 0) - r.output) < 1e-6);
  const lime = await explainModel({ model: run, data: probe, method: 'lime', className: 'spam', seed: 4 });
  if (lime.kind === 'lime') assert.equal(lime.rows[0].features![lime.rows[0].weights.indexOf(Math.max(...lime.rows[0].weights))], 'free');
});

test('bad requests name the problem', async () => {
  await expectError(() => explainModel({ model: penguins, data: 'builtin:penguins', method: 'shap', rows: [9999] }), 'BAD_ROW', [/9999/]);
  await expectError(() => explainModel({ model: penguins, data: 'builtin:penguins', method: 'shap', className: 'Emperor' }), 'UNKNOWN_CLASS', [/Emperor/]);
  await expectError(() => explainModel({ model: penguins, data: 'builtin:penguins', method: 'pdp', feature: 'Island' }), 'BAD_FEATURE', [/Island/]);
});

test('counterfactuals of a trained model respect immutable columns and reach the desired class', async () => {
  const e = await explainModel({ model: penguins, data: 'builtin:penguins', method: 'counterfactual', rows: [3], className: 'Gentoo', immutable: ['Island', 'Sex'], count: 2, audience: 'business' });
  assert.equal(e.kind, 'counterfactual');
  if (e.kind !== 'counterfactual') return;
  assert.equal(e.scope, 'what-if');
  assert.equal(e.explained, 1);
  const r = e.rows[0];
  assert.equal(r.desired, 'Gentoo');
  assert.ok(r.counterfactuals.length > 0, r.reason ?? "no counterfactual");
  for (const cf of r.counterfactuals) {
    assert.ok(cf.probability >= 0.5);
    assert.ok(cf.changes.every((c) => c.feature !== 'Island' && c.feature !== 'Sex'));
  }
  // the reported probability is the model's own: re-evaluate the first counterfactual through the CSV path
  const cf = r.counterfactuals[0].row;
  const header = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Island', 'Sex'];
  const csv = join(root, 'cf.csv');
  await writeFile(csv, `${header.map((h) => `"${h}"`).join(',')},Species\n${cf.join(',')},Gentoo\n`);
  const again = await explainModel({ model: penguins, data: csv, label: 'Species', method: 'shap', className: 'Gentoo' });
  if (again.kind === 'shapley') assert.ok(Math.abs(again.rows[0].output - r.counterfactuals[0].probability) < 1e-5);
  assert.match(e.narratives![0].text, /Gentoo/);
});

test('mean |SHAP| ranks the same top column as permutation importance on penguins', async () => {
  const g = await explainModel({ model: penguins, data: 'builtin:penguins', method: 'mean-shap', rows: Array.from({ length: 30 }, (_, i) => i * 11) });
  const p = await explainModel({ model: penguins, data: 'builtin:penguins', method: 'permutation', repeats: 3 });
  assert.equal(g.kind, 'mean-shap');
  assert.equal(g.scope, 'global');
  assert.equal(g.explained, 30);
  if (g.kind !== 'mean-shap' || p.kind !== 'permutation') return;
  assert.equal(g.rows, 30);
  const top = (v: number[]) => v.indexOf(Math.max(...v));
  assert.equal(g.features[top(g.meanAbs)], p.features[top(p.mean)]);
});

test('explain() takes the model fit returns in memory: one Explanation type, the training data as background', async () => {
  const res = await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:penguins', epochs: 20, seed: 1 });
  try {
    const before = tf.memory().numTensors;
    const e = await explain({ model: res.model, data: 'builtin:penguins', method: 'shap', rows: [3] });
    assert.equal(tf.memory().numTensors, before, 'explain leaves the caller\'s model (and nothing else) in memory');
    assert.equal(e.kind, 'shapley');
    assert.equal(e.scope, 'local');
    assert.equal(e.model, '(in memory)');
    assert.deepEqual(e.classes, res.model.classes);
    assert.equal(e.explained, 1);
    if (e.kind !== 'shapley') return;
    assert.match(e.background.source, /builtin:penguins \(the training data given to fit\)/);
    // the same model saved in a run folder explains identically
    const saved = await explain({ model: penguins, data: 'builtin:penguins', method: 'shap', rows: [3] });
    if (saved.kind === 'shapley') assert.deepEqual(e.rows[0].values.map((v) => v.toFixed(6)), saved.rows[0].values.map((v) => v.toFixed(6)));
    const lime = await explain({ model: res.model, data: 'builtin:penguins', method: 'lime', rows: [0], nsamples: 200 });
    assert.equal(lime.kind, 'lime');
    assert.equal(lime.scope, 'local');
  } finally {
    res.model.dispose();
  }
  await expectError(() => explain({ model: res.model, data: 'builtin:penguins', method: 'shap' }), 'DISPOSED');
});
