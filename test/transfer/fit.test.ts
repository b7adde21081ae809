import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../src/data/load.ts';
import { datasetFromRows, datasetFromTensors } from '../../src/data/from-memory.ts';
import { samplePerClass } from '../../src/data/split.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { evaluateModel } from '../../src/models/evaluate.ts';
import { loadTrainedModel } from '../../src/models/trained-model.ts';
import { buildCnn, buildMlp } from '../../src/models/architectures.ts';
import { saveModel } from '../../src/models/io.ts';
import { fit, resumeFit, type FitConfig } from '../../src/transfer/fit.ts';
import { predictProbs } from '../../src/models/predict-probs.ts';
import { calibrateBatchNorm } from '../../src/transfer/batchnorm.ts';
import { transformFeatures } from '../../src/data/features.ts';
import { expectError, fixture } from '../data/helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-fit-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

/** A small untrained image base model saved like a zoo model (28×28×1, 10 classes). */
const imageBase = join(root, 'base-cnn');
await saveModel(buildCnn([28, 28, 1], 10, { seed: 3 }), imageBase, {
  classes: Array.from({ length: 10 }, (_, i) => `c${i}`),
  features: { kind: 'image', height: 28, width: 28, channels: 1 },
});
const mnist = await loadDataset('builtin:mnist');
const digits = { ...samplePerClass(mnist, 6, 1).sample, name: 'mnist-60' };

test('extract keeps the base frozen, writes a complete run folder, and the saved model predicts identically', async () => {
  const out = join(root, 'extract');
  const before = await loadTrainedModel(imageBase);
  const conv1Before = before.model.getLayer('conv1').getWeights()[0].dataSync().slice();
  const res = await fit({ base: imageBase, strategy: 'extract', train: digits, out, epochs: 3, seed: 1, valFraction: 0.15 });
  for (const f of ['config.json', 'history.jsonl', 'metrics.json', 'model/model.json', 'model/weights.bin', 'checkpoints/state.json']) {
    assert.ok(existsSync(join(out, f)), `${f} is written`);
  }
  const history = (await readFile(join(out, 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(history.length, res.epochs);
  assert.ok(history.every((h) => h.phase === 'head' && h.valLoss !== undefined));
  // the default head on a CNN: on flatten (7·7·64), a hidden layer of 128, then the softmax layer
  assert.equal(res.trainableParams, 3136 * 128 + 128 + 128 * 10 + 10, `only the head trains: ${res.trainableParams} of ${res.totalParams}`);

  const trained = await loadTrainedModel(out);
  assert.deepEqual(trained.model.getLayer('conv1').getWeights()[0].dataSync(), conv1Before, 'frozen base weights are unchanged');
  assert.deepEqual(trained.classes, digits.classes);
  const m = await evaluateModel({ model: out, data: digits });
  const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
  assert.ok(Math.abs(metrics.val.accuracy - res.val!.accuracy) < 1e-9);
  assert.equal(m.n, 60);
  // a reload gives the very same probabilities as the in-memory model that was saved
  const x = { x: new Float32Array(784).fill(0.5), shape: [1, 28, 28, 1] };
  const again = await loadTrainedModel(out);
  assert.deepEqual(predictProbs(trained.model, x), predictProbs(again.model, x));
});

test('finetune trains the head, then the top layers; scratch re-initialises the base', async () => {
  const ft = await fit({ base: imageBase, strategy: 'finetune', train: digits, out: join(root, 'ft'), epochs: 2, seed: 1, unfreeze: 1 });
  const history = (await readFile(join(root, 'ft', 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual([...new Set(history.map((h) => h.phase))], ['head', 'finetune']);
  assert.ok(Math.abs(history.find((h) => h.phase === 'finetune').learningRate * 10 - history[0].learningRate) < 1e-12, 'fine-tuning runs at a tenth of the head learning rate');
  const head = 3136 * 128 + 128 + 128 * 10 + 10;
  assert.equal(ft.trainableParams, head + 3 * 3 * 32 * 64, 'head + the top weighted base layer below the default cut (conv2, no bias)');

  const sc = await fit({ base: imageBase, strategy: 'scratch', train: digits, out: join(root, 'sc'), epochs: 1, seed: 1, valFraction: 0 });
  assert.equal(sc.trainableParams, sc.totalParams - 2 * (32 + 64), 'everything but BatchNorm moving statistics trains');
  const base = await loadTrainedModel(imageBase);
  const scratch = await loadTrainedModel(join(root, 'sc'));
  assert.notDeepEqual(scratch.model.getLayer('conv2').getWeights()[0].dataSync(), base.model.getLayer('conv2').getWeights()[0].dataSync());
  // scratch trained its BatchNorm layers: fit saved them with the exact statistics of the training data
  const movingMean = () => Array.from(scratch.model.getLayer('bn1').getWeights()[2].dataSync());
  const saved = movingMean();
  calibrateBatchNorm(scratch.model, transformFeatures(scratch.features, digits));
  movingMean().forEach((m, i) => assert.ok(Math.abs(m - saved[i]) < 1e-4, `bn1 moving mean ${saved[i]} vs exact ${m}`));
});

test('the same seed gives the same metrics', async () => {
  const cfg = (out: string): FitConfig => ({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', out: join(root, out), epochs: 5, seed: 7, valFraction: 0.15 });
  const a = await fit(cfg('seed-a'));
  const b = await fit(cfg('seed-b'));
  assert.equal(a.val!.accuracy, b.val!.accuracy);
  assert.equal(a.val!.logLoss, b.val!.logLoss);
});

test('scratch MLP on iris reaches high accuracy', async () => {
  const res = await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', out: join(root, 'iris'), epochs: 100, patience: 10, seed: 1, valFraction: 0.15 });
  // 23 validation flowers are a noisy score: bar it loosely, and bar the whole set tightly
  assert.ok(res.val!.accuracy >= 0.8, `iris validation accuracy ${res.val!.accuracy}`);
  const all = await evaluateModel({ model: join(root, 'iris'), data: 'builtin:iris' });
  assert.ok(all.accuracy >= 0.93, `iris accuracy ${all.accuracy}`);
});

test('an interrupted run resumes from its last checkpoint and finishes', async () => {
  const out = join(root, 'resume');
  const cfg: FitConfig = { strategy: 'scratch', arch: 'logistic', train: 'builtin:iris', out, epochs: 6, patience: 100, seed: 2 };
  await assert.rejects(
    fit(cfg, {
      onEpoch: (r) => {
        if (r.epoch === 3) throw new Error('power cut');
      },
    }),
    /power cut/,
  );
  assert.ok(existsSync(join(out, 'checkpoints', 'last', 'model.json')), 'the checkpoint survives the interruption');
  const res = await resumeFit(out);
  assert.ok(res.resumed);
  const history = (await readFile(join(out, 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(history.map((h) => h.epoch), [1, 2, 3, 4, 5, 6]);
  await expectError(() => resumeFit(out), 'RUN_FINISHED');
});

test('bad input gets a clear error and leaves no run folder', async () => {
  const csv = async (name: string, text: string) => {
    const p = join(root, name);
    await writeFile(p, text);
    return p;
  };
  const cases: Array<[string, Partial<FitConfig>, string, RegExp]> = [
    ['malformed CSV', { strategy: 'scratch', train: fixture('bad-fields.csv'), label: 'species' }, 'BAD_CSV', /line/i],
    ['missing label column', { strategy: 'scratch', train: fixture('flowers.csv'), label: 'nope' }, 'MISSING_LABEL', /nope/],
    ['NaN in features', { strategy: 'scratch', train: await csv('nan.csv', 'a,b,y\n1,2,x\nNaN,3,y\n4,5,x\n'), label: 'y' }, 'MISSING_VALUE', /row|line/i],
    ['unknown layer name', { base: imageBase, strategy: 'extract', train: digits, cutAt: 'conv9' }, 'UNKNOWN_LAYER', /conv9/],
    ['unknown layer to unfreeze', { base: imageBase, strategy: 'finetune', train: digits, unfreeze: ['conv2', 'convv2'] }, 'UNKNOWN_LAYER', /convv2/],
    ['a base layer above the default cut', { base: imageBase, strategy: 'finetune', train: digits, unfreeze: ['dense1'] }, 'UNKNOWN_LAYER', /"dense1" of the base is above the cut/],
    ['missing model file', { base: join(root, 'no-such-model'), strategy: 'extract', train: digits }, 'MODEL_NOT_FOUND', /no-such-model/],
    ['unknown strategy', { strategy: 'magic' as never, train: digits }, 'UNKNOWN_STRATEGY', /magic/],
  ];
  // a base whose input does not fit the data: an MLP over 5 features, given 2-column rows
  const mlpBase = join(root, 'mlp-base');
  await saveModel(buildMlp(5, 2, { seed: 1 }), mlpBase, { classes: ['a', 'b'], features: null });
  await rm(join(mlpBase, 'transferkit.json')); // a plain TF.js model, as a user would bring
  cases.push(['input shape that does not fit', { base: mlpBase, strategy: 'extract', train: await csv('two.csv', 'a,b,y\n1,2,x\n3,4,y\n'), label: 'y' }, 'SHAPE_MISMATCH', /shape/i]);
  // a truncated weight file
  const broken = join(root, 'broken-base');
  await saveModel(buildCnn([28, 28, 1], 10, { seed: 1 }), broken, { classes: Array.from({ length: 10 }, (_, i) => `c${i}`), features: null });
  await truncate(join(broken, 'weights.bin'), 1000);
  cases.push(['truncated weight file', { base: broken, strategy: 'extract', train: digits }, 'CORRUPT_WEIGHTS', /bytes/]);

  for (const [what, cfg, code, message] of cases) {
    const out = join(root, `bad-${code}`);
    await expectError(() => fit({ out, ...cfg } as FitConfig), code, [message]);
    assert.ok(!existsSync(out), `${what}: no run folder is left behind`);
  }
});

test('evaluating on labels the model does not know names them', async () => {
  const out = join(root, 'iris-eval');
  await fit({ strategy: 'scratch', arch: 'logistic', train: 'builtin:iris', out, epochs: 1, seed: 1 });
  await expectError(() => evaluateModel({ model: out, data: 'builtin:penguins' }), 'UNKNOWN_LABEL', [/Adelie/]);
});

test('fit without out trains in memory: writes nothing and returns a model evaluateModel takes', async () => {
  const cwd = process.cwd();
  const savedTmp = process.env.TMPDIR;
  const empty = await mkdtemp(join(tmpdir(), 'tk-fit-nowrite-'));
  const emptyTmp = await mkdtemp(join(tmpdir(), 'tk-fit-notmp-'));
  process.chdir(empty);
  process.env.TMPDIR = emptyTmp; // os.tmpdir() follows it
  let res;
  try {
    res = await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', epochs: 60, patience: 10, seed: 1 });
  } finally {
    process.chdir(cwd);
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  assert.deepEqual(await readdir(empty), [], 'nothing written in the working directory');
  assert.deepEqual(await readdir(emptyTmp), [], 'nor in a temporary folder');
  assert.equal(res.out, undefined);
  assert.equal(res.model.dir, '(in memory)');
  assert.deepEqual(res.model.classes, ['setosa', 'versicolor', 'virginica']);
  assert.equal(res.model.features.kind, 'tabular');
  assert.ok(res.best, 'the best epoch is still reported');
  const m = await evaluateModel({ model: res.model, data: 'builtin:iris' });
  assert.equal(m.model, '(in memory)');
  assert.ok(m.accuracy >= 0.9, `iris accuracy ${m.accuracy}`);
  assert.equal(JSON.parse(JSON.stringify(res)).model.dir, '(in memory)', 'a result with its model stays printable as JSON');
  res.model.dispose();
  res.model.dispose(); // idempotent
  await expectError(() => evaluateModel({ model: res.model, data: 'builtin:iris' }), 'DISPOSED');
});

test('the model fit returns is the saved model, and disposing it leaves tf.memory() as before fit', async () => {
  const cases: Array<[string, FitConfig]> = [
    ['extract', { base: imageBase, strategy: 'extract', train: digits, epochs: 1, seed: 1 }],
    ['finetune + dropout + hidden', { base: imageBase, strategy: 'finetune', train: digits, epochs: 1, seed: 1, headDropout: 0.2, headHidden: [8], l2sp: 0.01 }],
    ['scratch from a base', { base: imageBase, strategy: 'scratch', train: digits, epochs: 1, seed: 1, valFraction: 0 }],
    ['lora', { base: imageBase, strategy: 'lora', train: digits, epochs: 1, seed: 1, loraRank: 2 }],
    ['mlp', { strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', epochs: 2, seed: 1 }],
  ];
  const x = { x: new Float32Array(784).fill(0.5), shape: [1, 28, 28, 1] };
  for (const [what, cfg] of cases) {
    for (const out of [undefined, join(root, `owned-${what.replace(/\W+/g, '-')}`)]) {
      const before = tf.memory().numTensors;
      const res = await fit({ ...cfg, out });
      assert.ok(tf.memory().numTensors > before, `${what}: the returned model holds weights`);
      if (out !== undefined) {
        assert.equal(res.model.saved, join(out, 'model'));
        const saved = await loadTrainedModel(out);
        const input = saved.features.kind === 'image' ? x : { x: new Float32Array(4).fill(0.1), shape: [1, 4] };
        assert.deepEqual(predictProbs(res.model.model, input), predictProbs(saved.model, input), `${what}: same predictions as the saved model`);
        saved.model.dispose();
      }
      res.model.dispose();
      assert.equal(tf.memory().numTensors, before, `${what} (${out ? 'run folder' : 'in memory'}): nothing left after dispose`);
    }
  }
  // a fit that fails leaves nothing behind either
  const before = tf.memory().numTensors;
  await expectError(() => fit({ base: imageBase, strategy: 'finetune', train: digits, unfreeze: ['nope'] }), 'UNKNOWN_LAYER');
  await assert.rejects(fit({ base: imageBase, strategy: 'extract', train: digits, epochs: 3 }, { onEpoch: () => { throw new Error('stop'); } }), /stop/);
  assert.equal(tf.memory().numTensors, before, 'failed fits free their models');
});

test('in-memory datasets train like loaded ones; their runs record a description and refuse to resume', async () => {
  const iris = await loadDataset('builtin:iris');
  if (iris.features.kind !== 'tabular') throw new Error('tabular');
  const cols = iris.features.columns;
  const rows = Array.from({ length: iris.size }, (_, i) => ({
    ...Object.fromEntries(cols.map((c) => [c.name, c.values[i]])),
    species: iris.classes[iris.labels[i]],
  }));
  const fromRows = datasetFromRows(rows, { label: 'species', name: 'iris rows' });
  const a = await fit({ strategy: 'scratch', arch: 'mlp', train: fromRows, epochs: 5, seed: 4, valFraction: 0.15 });
  const b = await fit({ strategy: 'scratch', arch: 'mlp', train: iris, epochs: 5, seed: 4, valFraction: 0.15 });
  assert.equal(a.val!.logLoss, b.val!.logLoss, 'rows in memory train exactly like the loaded dataset');
  a.model.dispose();
  b.model.dispose();

  const matrix = Array.from({ length: iris.size }, (_, i) => cols.map((c) => Number(c.values[i])));
  const fromTensors = datasetFromTensors(matrix, Array.from(iris.labels), { classes: iris.classes, name: 'iris matrix' });
  const out = join(root, 'in-memory-run');
  await assert.rejects(
    fit({ strategy: 'scratch', arch: 'logistic', train: fromTensors, epochs: 4, patience: 100, seed: 2, out }, {
      onEpoch: (r) => {
        if (r.epoch === 2) throw new Error('power cut');
      },
    }),
    /power cut/,
  );
  const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
  assert.deepEqual(config.train, { inMemory: true, name: 'iris matrix', kind: 'tabular', size: 150, classes: iris.classes });
  const err = await expectError(() => resumeFit(out), 'RESUME_IN_MEMORY', [/iris matrix/, /in memory/]);
  assert.match(err.hint ?? '', /fit/);
  await expectError(() => fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', out: '' }), 'BAD_OPTION', [/out/]);
});
