import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { advise, adviseFitConfig, decideQuadrant, quadrantPlan, QUADRANTS } from '../../src/choose/advisor.ts';
import { trainingBudget } from '../../src/choose/experiment.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { irisModel, shiftedIris } from './helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-advise-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

test('the four-way rule: size × similarity → quadrant, at the documented thresholds', () => {
  assert.equal(decideQuadrant({ perClass: 10, similar: true }).quadrant, 'small-similar');
  assert.equal(decideQuadrant({ perClass: 10, similar: false }).quadrant, 'small-different');
  assert.equal(decideQuadrant({ perClass: 50, similar: true }).quadrant, 'large-similar', '50 per class is large');
  assert.equal(decideQuadrant({ perClass: 49, similar: true }).quadrant, 'small-similar');
  assert.equal(decideQuadrant({ perClass: 500, similar: false }).quadrant, 'large-different');
  assert.equal(decideQuadrant({ perClass: 20, similar: true }, { largePerClass: 20, similarPad: 1, similarLabels: 0.5 }).quadrant, 'large-similar', 'thresholds can be changed');
  const r = decideQuadrant({ perClass: 10, similar: false });
  assert.match(r.reasons[0], /10 labelled examples per class is small \(below 50 per class\)/);
  assert.match(r.reasons[1], /retrain/);
});

test('quadrant plans unfreeze nothing, the top third, the top two thirds, everything', () => {
  const ctx = { weightedLayers: ['conv1', 'conv2', 'dense1'], trainSize: 100, image: true };
  const plans = Object.fromEntries(QUADRANTS.map((q) => [q, quadrantPlan(q, ctx)]));
  assert.equal(plans['small-similar'].strategy, 'extract');
  assert.deepEqual(plans['small-similar'].unfreeze, []);
  assert.equal(plans['small-similar'].fit.unfreeze, undefined);
  assert.deepEqual(plans['large-similar'].unfreeze, ['dense1']);
  assert.deepEqual(plans['small-different'].unfreeze, ['conv2', 'dense1']);
  assert.deepEqual(plans['large-different'].unfreeze, ['conv1', 'conv2', 'dense1']);
  for (const q of ['large-similar', 'small-different', 'large-different'] as const) {
    assert.equal(plans[q].strategy, 'finetune');
    assert.deepEqual(plans[q].fit.unfreeze, plans[q].unfreeze);
    assert.equal(plans[q].finetuneLearningRate, plans[q].learningRate / 10);
  }
  assert.equal(plans['small-similar'].learningRate, 2e-3, 'image head learning rate');
  assert.equal(quadrantPlan('small-similar', { ...ctx, image: false }).learningRate, 1e-2, 'tabular head learning rate');
  assert.match(plans['small-different'].summary, /unfreeze conv2, dense1 .* \(conv1 stays frozen\)/);
  // with a known earlier cut, small-different builds on the earlier features and retrains the layer below
  const cut = { cutAt: 'flatten', dropped: ['dense1'], kept: ['conv1', 'conv2'] };
  const sd = quadrantPlan('small-different', { ...ctx, earlierCut: cut });
  assert.deepEqual([sd.strategy, sd.cutAt, sd.fit.cutAt, sd.unfreeze, sd.dropped], ['finetune', 'flatten', 'flatten', ['conv2'], ['dense1']]);
  assert.match(sd.summary, /^drop dense1 \(cut at flatten\), train a new head on the earlier features .* then unfreeze conv2 .* \(conv1 stays frozen\)/);
  const ld = quadrantPlan('large-different', { ...ctx, earlierCut: cut });
  assert.deepEqual([ld.cutAt, ld.unfreeze], ['flatten', ['conv1', 'conv2']], 'large-different fine-tunes every layer kept');
  assert.match(ld.summary, /every layer trains/);
  assert.equal(quadrantPlan('large-similar', { ...ctx, earlierCut: cut }).cutAt, undefined, 'similar quadrants keep the default cut');
  // a base with one weighted layer: every fine-tuning quadrant unfreezes it
  assert.deepEqual(quadrantPlan('large-similar', { weightedLayers: ['dense1'], trainSize: 50, image: false }).unfreeze, ['dense1']);
  // six layers: 0, 2, 4, 6
  const six = ['a', 'b', 'c', 'd', 'e', 'f'];
  assert.deepEqual(QUADRANTS.map((q) => quadrantPlan(q, { weightedLayers: six, trainSize: 10, image: true }).unfreeze.length), [0, 2, 4, 6]);
});

test('the training budget: about 600 steps, 10 to 60 epochs', () => {
  assert.deepEqual(trainingBudget(10), { batchSize: 20, epochs: 60, finetuneEpochs: 30 });
  assert.deepEqual(trainingBudget(100), { batchSize: 20, epochs: 60, finetuneEpochs: 30 });
  assert.deepEqual(trainingBudget(1000), { batchSize: 32, epochs: 19, finetuneEpochs: 10 });
  assert.deepEqual(trainingBudget(100000), { batchSize: 32, epochs: 10, finetuneEpochs: 5 });
});

test('advise measures size and similarity end to end and gives a fit patch; auto keeps explicit settings', async () => {
  const base = await irisModel(root, 'iris-mlp', { epochs: 20 });
  const same = await advise({ base, train: 'builtin:iris', source: 'builtin:iris', perClass: 5 });
  assert.equal(same.size.perClass, 5);
  assert.equal(same.size.examples, 15);
  assert.equal(same.similarity.basis, 'pad');
  assert.ok(same.similarity.pad!.pad < 0.5, `same data: PAD ${same.similarity.pad!.pad}`);
  assert.equal(same.quadrant, 'small-similar');
  assert.equal(same.fit.strategy, 'extract');
  assert.equal(same.alternatives.length, 3);
  assert.ok(same.reasons.some((r) => /proxy A-distance/.test(r)));

  const far = await advise({ base, train: shiftedIris(4), source: 'builtin:iris' });
  assert.ok(far.similarity.pad!.pad > 1.5, `shifted by 4 sd: PAD ${far.similarity.pad!.pad}`);
  assert.equal(far.quadrant, 'large-different', '50 per class, shifted');
  assert.deepEqual(far.fit.unfreeze, ['dense1']);

  // two hidden layers and a different target: small-different cuts below the top layer
  const deep = await irisModel(root, 'iris-deep', { epochs: 20, hidden: [8, 8] });
  const sd = await advise({ base: deep, train: shiftedIris(4), source: 'builtin:iris', perClass: 5 });
  assert.equal(sd.quadrant, 'small-different');
  assert.deepEqual([sd.fit.strategy, sd.fit.cutAt, sd.fit.unfreeze], ['finetune', 'dense1', ['dense1']]);

  const { config, advice } = await adviseFitConfig({ base, train: 'builtin:iris', perClass: 5, strategy: 'auto', epochs: 3, out: join(root, 'auto') }, { source: 'builtin:iris' });
  assert.equal(advice.quadrant, 'small-similar');
  assert.equal(config.strategy, 'extract');
  assert.equal(config.epochs, 3, 'explicit epochs win');
  assert.equal(config.out, join(root, 'auto'));
  await assert.rejects(adviseFitConfig({ train: 'builtin:iris', out: 'x' }), /needs a pretrained model/);
});
