import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subset } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/load.ts';
import { trainValTestSplit } from '../../src/data/split.ts';
import { evaluateModel } from '../../src/models/evaluate.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { buildMlp } from '../../src/models/architectures.ts';
import { loadModel } from '../../src/models/io.ts';
import { featureMapCut } from '../../src/models/surgery.ts';
import { resolveModelRef } from '../../src/models/zoo.ts';
import { convergenceWarnings } from '../../src/transfer/convergence.ts';
import { FINETUNE_MIN_STEPS, HEAD_MIN_STEPS, phaseEpochs, planDefaults, SMALL_DATA_LIMIT } from '../../src/transfer/defaults.ts';
import { fit } from '../../src/transfer/fit.ts';
import type { EpochRecord } from '../../src/transfer/train.ts';

await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-defaults-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));
const fashion = (await loadModel(resolveModelRef('fashion-cnn'))).model;
const mlp = buildMlp(4, 3, { seed: 1 });

test('the default cut of a convolutional base is the top of its convolutional part; an MLP keeps its old head input', async () => {
  assert.equal(featureMapCut(fashion), 'flatten');
  assert.equal(featureMapCut((await loadModel(resolveModelRef('fashion-shallow-cnn'))).model), 'flatten');
  // fashion-mlp flattens its image input but has no convolution: nothing to cut below
  assert.equal(featureMapCut((await loadModel(resolveModelRef('fashion-mlp'))).model), undefined);
  assert.equal(featureMapCut(mlp), undefined);
});

test('small data trains on every example and cross-validates; large data holds out 15%; one example per class falls back to fixed budgets', () => {
  const small = planDefaults({ strategy: 'finetune', given: {}, classCounts: new Array(10).fill(10), base: fashion });
  assert.equal(small.validation, 'k-fold');
  assert.equal(small.folds, 5);
  assert.equal(small.valFraction, 0);
  assert.equal(small.cutAt, 'flatten');
  assert.deepEqual(small.headHidden, [128]);
  assert.equal(small.headDropout, 0.5);
  assert.ok(small.reasons.some((r) => r.includes('5-fold')), small.reasons.join('\n'));

  const tabular = planDefaults({ strategy: 'extract', given: {}, classCounts: [3, 3, 2], base: mlp });
  assert.equal(tabular.folds, 2);
  assert.equal(tabular.headSolver, 'lbfgs', 'a dense base on small data: a linear head fitted by L-BFGS');
  assert.equal(tabular.headHidden, undefined);
  assert.equal(planDefaults({ strategy: 'extract', given: { adamOnly: ['labelSmoothing'] }, classCounts: [3, 3, 2], base: mlp }).headSolver, undefined, 'label smoothing needs Adam');
  const large = planDefaults({ strategy: 'extract', given: {}, classCounts: new Array(10).fill(SMALL_DATA_LIMIT / 10), base: mlp });
  assert.equal(large.validation, 'split');
  assert.equal(large.valFraction, 0.15);
  assert.equal(large.cutAt, undefined, 'an MLP base keeps its head input');
  assert.equal(large.headSolver, undefined, 'large data: the Adam head with early stopping');
  const one = planDefaults({ strategy: 'extract', given: {}, classCounts: [1, 4], base: mlp });
  assert.equal(one.validation, 'none');
  assert.match(one.reasons[0], /one example/);
});

test('settings the user gives win over the defaults', () => {
  const p = planDefaults({ strategy: 'finetune', given: { valFraction: 0.2, cutAt: 'dense1', headHidden: [], headDropout: 0.1 }, classCounts: new Array(10).fill(10), base: fashion });
  assert.equal(p.validation, 'split');
  assert.equal(p.valFraction, 0.2);
  assert.equal(p.cutAt, undefined);
  assert.equal(p.headHidden, undefined);
  assert.equal(planDefaults({ strategy: 'extract', given: { headSolver: 'lbfgs' }, classCounts: [10, 10], base: fashion }).headHidden, undefined, 'an L-BFGS head is linear');
  assert.equal(planDefaults({ strategy: 'lora', given: {}, classCounts: [10, 10], base: fashion }).cutAt, undefined, 'LoRA keeps the dense layers it adapts');
  assert.equal(planDefaults({ strategy: 'scratch', given: {}, classCounts: [10, 10] }).headHidden, undefined, 'no base, no head to choose');
});

test('budgets are counted in optimiser steps: few examples get more epochs', () => {
  const kfold = { validation: 'k-fold' as const };
  // 100 examples at batch 32: 4 steps an epoch
  assert.deepEqual(phaseEpochs({}, 100, kfold), { epochs: Math.ceil(HEAD_MIN_STEPS / 4), finetuneEpochs: Math.ceil(FINETUNE_MIN_STEPS / 4) });
  // 50,000 examples: the 30-epoch default already has thousands of steps
  assert.deepEqual(phaseEpochs({}, 50_000, { validation: 'split' }), { epochs: 30, finetuneEpochs: 30 });
  assert.deepEqual(phaseEpochs({ epochs: 7 }, 100, kfold), { epochs: 7, finetuneEpochs: 7 });
  assert.deepEqual(phaseEpochs({ finetuneEpochs: 3, batchSize: 10 }, 100, kfold), { epochs: 30, finetuneEpochs: 3 });
});

test('a phase that ran its whole budget with its loss still falling is reported; a converged one is not', () => {
  const phase = { name: 'head' as const, trainable: 'head' as const, learningRate: 1e-3, epochs: 20 };
  const rec = (epoch: number, loss: number): EpochRecord => ({ phase: 'head', epoch, loss, accuracy: 0.5, learningRate: 1e-3, seconds: 0 });
  const falling = Array.from({ length: 20 }, (_, i) => rec(i + 1, 2 - i * 0.05));
  const [w] = convergenceWarnings(falling, [phase]);
  assert.match(w, /head phase: the training loss was still falling .* 20 epochs/);
  const flat = Array.from({ length: 20 }, (_, i) => rec(i + 1, 0.5 + (i % 2) * 0.01));
  assert.deepEqual(convergenceWarnings(flat, [phase]), []);
  assert.deepEqual(convergenceWarnings(falling.slice(0, 12), [phase]), [], 'stopped early: not judged');
});

test('fit with no flags on 10 digits per class: all of them train for the whole budget, the choices are recorded in config.json, and it beats the old defaults', async () => {
  const { train: pool, test: held } = trainValTestSplit(await loadDataset('builtin:mnist'), { val: 0, test: 0.3, seed: 0 });
  const out = join(root, 'digits');
  const res = await fit({ base: 'fashion-cnn', strategy: 'extract', train: pool, perClass: 10, seed: 2, out });
  try {
    assert.equal(res.trainSize, 100);
    assert.equal(res.valSize, 0);
    assert.equal(res.defaults.validation, 'k-fold');
    // no epochs were held back by cross-validation: the head trained its whole budget of 300 steps (4 an epoch)
    assert.equal(res.epochs, 75);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    assert.equal(config.defaults.cutAt, 'flatten');
    assert.deepEqual(config.defaults.headHidden, [128]);
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
    assert.ok(Array.isArray(metrics.warnings));
    const acc = (await evaluateModel({ model: res.model, data: subset(held, Array.from({ length: 600 }, (_, i) => i * 5)) })).accuracy;
    // the old defaults (a linear head on dense1, 30 epochs, 15% held out) scored 0.30–0.46 here
    assert.ok(acc > 0.75, `accuracy ${acc}`);
  } finally {
    res.model.dispose();
  }
});

test('a class with one example falls back to fixed budgets on every example and says so, from the CLI too', async () => {
  const { writeFile } = await import('node:fs/promises');
  const { cli, oneJson } = await import('../cli/helpers.ts');
  const rows = ['a,b,kind', ...Array.from({ length: 8 }, (_, i) => `${i % 2 ? 1 + i * 0.1 : -1 - i * 0.1},${i * 0.3},${i % 2 ? 'x' : 'y'}`), '5,5,z'];
  const csv = join(root, 'one-z.csv');
  await writeFile(csv, rows.join('\n') + '\n');
  const out = join(root, 'one-z');
  const run = await cli('fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', csv, '--label', 'kind', '--epochs', '3', '--out', out, '--json');
  assert.equal(run.code, 0, run.stderr);
  const res = oneJson(run.stdout);
  assert.equal(res.trainSize, 9);
  assert.equal(res.valSize, 0);
  assert.equal(res.defaults.validation, 'none');
  assert.match(res.defaults.reasons.join(' '), /one example/);
  const text = await cli('fit', '--base', out, '--strategy', 'extract', '--train', csv, '--label', 'kind', '--epochs', '3', '--head-hidden', 'none', '--out', join(root, 'one-z-extract'));
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /defaults \(settings not given, see config\.json\):\n {2}- a class has one example/);
  assert.doesNotMatch(text.stdout, /hidden layer of 128/, '--head-hidden none keeps the head linear');
});
