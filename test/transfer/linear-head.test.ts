import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { subset } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/load.ts';
import { samplePerClass, trainValTestSplit } from '../../src/data/split.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { evaluateModel } from '../../src/models/evaluate.ts';
import { fit, type FitConfig } from '../../src/transfer/fit.ts';
import { fitLinearHead, HEAD_C_GRID, HEAD_DEFAULT_C } from '../../src/transfer/linear-head.ts';
import { createRng } from '../../src/util/random.ts';
import { fitSoftmax, predictSoftmax } from '../../src/measures/logistic.ts';
import { denseRows } from '../../src/measures/rows.ts';
import { expectError } from '../data/helpers.ts';

await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-linear-head-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

/** Three classes in 5-D with shifted means and features on very different scales. */
function problem(perClass: number, seed: number) {
  const rng = createRng(seed);
  const k = 3;
  const d = 5;
  const n = perClass * k;
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % k;
    for (let j = 0; j < d; j++) x[i * d + j] = (rng.normal() + (j === y[i] ? 2 : 0)) * 10 ** (j - 2) + 3;
  }
  return { x, y, n, d, k };
}

test('the head on raw features gives exactly the probabilities of the model fitted on standardised ones', () => {
  const { x, y, n, d, k } = problem(20, 1);
  const { kernel, bias, choice } = fitLinearHead(x, n, d, y, k, { seed: 1 });
  assert.equal(choice.solver, 'lbfgs');
  assert.ok(HEAD_C_GRID.includes(choice.C));
  assert.equal(choice.folds, 5);
  assert.equal(choice.cvByC!.length, HEAD_C_GRID.length);
  assert.equal(choice.cvAccuracy, Math.max(...choice.cvByC!));
  // the same model fitted here on standardised features gives the same probabilities
  const mean = Array.from({ length: d }, (_, j) => Array.from({ length: n }, (_, i) => x[i * d + j]).reduce((a, b) => a + b, 0) / n);
  const sd = mean.map((m, j) => Math.sqrt(Array.from({ length: n }, (_, i) => (x[i * d + j] - m) ** 2).reduce((a, b) => a + b, 0) / n));
  const z = Float64Array.from(x, (v, i) => (v - mean[i % d]) / sd[i % d]);
  const reference = predictSoftmax(fitSoftmax(denseRows(z, n, d), y, k, { C: choice.C, maxIter: 1000 }), denseRows(z, n, d));
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const logits = Array.from({ length: k }, (_, c) => bias[c] + Array.from({ length: d }, (_, j) => x[i * d + j] * kernel[j * k + c]).reduce((a, b) => a + b, 0));
    const top = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - top));
    const sum = e.reduce((a, b) => a + b, 0);
    for (let c = 0; c < k; c++) assert.ok(Math.abs(e[c] / sum - reference[i * k + c]) < 1e-4, `row ${i} class ${c}`);
    if (logits.indexOf(top) === y[i]) hits++;
  }
  assert.ok(hits / n > 0.85, `training accuracy ${hits / n}`);
  // same seed, same choice; a class with one example cannot be cross-validated
  assert.deepEqual(fitLinearHead(x, n, d, y, k, { seed: 1 }).choice, choice);
  const one = Int32Array.from(y, (v, i) => (i === 0 ? 0 : v === 0 ? 1 : v));
  const few = fitLinearHead(x, n, d, one, k, { seed: 1 });
  assert.equal(few.choice.folds, 0);
  assert.equal(few.choice.C, HEAD_DEFAULT_C);
  assert.match(few.choice.reason, /too few to cross-validate/);
});

test('headSolver lbfgs fits the frozen base’s head to convergence: far above 30 Adam epochs with 10 digits per class', async () => {
  const mnist = await loadDataset('builtin:mnist');
  const { train: pool, test: heldOut } = trainValTestSplit(mnist, { val: 0, test: 0.25, seed: 0 });
  const train = samplePerClass(pool, 10, 1).sample;
  const test = subset(heldOut, Array.from({ length: 500 }, (_, i) => i * 5));
  // a linear head on dense1 (where the old head was), as the defaults before issue 12 trained it: 30 Adam epochs
  // with 15 of the 100 digits held out for early stopping (the protocol of issue 12's report)
  const config: FitConfig = { base: 'fashion-cnn', strategy: 'extract', train, valFraction: 0, seed: 1, cutAt: 'dropout1' };
  const before = tf.memory().numTensors;
  const adam = await fit({ ...config, headSolver: 'adam', headHidden: [], epochs: 30, valFraction: 0.15 });
  const lbfgs = await fit({ ...config, headSolver: 'lbfgs', out: join(root, 'lbfgs') });
  const accuracy = async (m: typeof adam.model) => (await evaluateModel({ model: m, data: test })).accuracy;
  const [a, l] = [await accuracy(adam.model), await accuracy(lbfgs.model)];
  adam.model.dispose();
  lbfgs.model.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  assert.ok(l > a + 0.15, `lbfgs ${l} vs adam ${a}`);
  assert.ok(l > 0.6, `lbfgs head accuracy ${l}`);
  assert.equal(lbfgs.head?.solver, 'lbfgs');
  const metrics = JSON.parse(await readFile(join(root, 'lbfgs', 'metrics.json'), 'utf8'));
  assert.equal(metrics.head.C, lbfgs.head!.C, 'the choice is recorded in metrics.json');
  const history = (await readFile(join(root, 'lbfgs', 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(history.map((r) => [r.phase, r.epoch]), [['head', 1]]);
});

test('headSolver lbfgs refuses what it cannot honour, before anything is written', async () => {
  const train = 'builtin:iris';
  const cases: Array<[Partial<FitConfig>, RegExp]> = [
    [{ strategy: 'scratch', arch: 'mlp' }, /frozen base/],
    [{ labelSmoothing: 0.1 }, /labelSmoothing/],
    [{ headHidden: [8] }, /headHidden/],
    [{ headSolver: 'newton' as never }, /"adam" or "lbfgs"/],
  ];
  for (const [extra, message] of cases) {
    const out = join(root, `bad-${Object.keys(extra).join('-')}`);
    await expectError(() => fit({ base: 'fashion-cnn', strategy: 'extract', train, headSolver: 'lbfgs', out, ...extra } as FitConfig), 'BAD_OPTION', [message]);
  }
});
