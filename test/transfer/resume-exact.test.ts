/**
 * A resumed run continues exactly as the uninterrupted one: the checkpoint carries Adam's
 * moments and the early-stopping state (train-state.json/.bin beside the weights), and the
 * batches, augmentation and dropout masks are seeded per epoch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine, setTrainingEngine } from '../../src/engine/backend.ts';
import { buildMlp } from '../../src/models/architectures.ts';
import { fit, resumeFit, type FitConfig } from '../../src/transfer/fit.ts';
import { decodeTrainState, encodeTrainState, TRAIN_STATE_FILES } from '../../src/transfer/train-state.ts';
import type { TrainCheckpoint } from '../../src/transfer/train.ts';

await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-resume-exact-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

const history = async (out: string) => (await readFile(join(out, 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { phase: string; epoch: number; loss: number; valLoss?: number });

test('kill after epoch 4, resume: the same history and the same final weights as the uninterrupted run (ONNX engine)', async () => {
  const cfg = (out: string): FitConfig => ({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', out, epochs: 14, patience: 3, valFraction: 0.2, learningRate: 0.01, seed: 5 });
  const whole = await fit(cfg(join(root, 'whole')));
  const expected = whole.model.model.getWeights().map((w) => w.dataSync().slice());
  whole.model.dispose();

  const out = join(root, 'killed');
  await assert.rejects(fit(cfg(out), { onEpoch: (r) => { if (r.epoch === 4) throw new Error('power cut'); } }), /power cut/);
  assert.ok(existsSync(join(out, 'checkpoints', 'last', TRAIN_STATE_FILES.json)), 'the optimiser state is saved with the checkpoint');
  const resumed = await resumeFit(out);
  assert.ok(resumed.resumed);
  const got = resumed.model.model.getWeights().map((w) => w.dataSync().slice());
  resumed.model.dispose();

  const a = await history(join(root, 'whole'));
  const b = await history(out);
  assert.deepEqual(b.map((h) => [h.epoch, h.loss, h.valLoss]), a.map((h) => [h.epoch, h.loss, h.valLoss]), 'epoch by epoch, the same losses');
  assert.equal(got.length, expected.length);
  got.forEach((w, i) => assert.deepEqual(Array.from(w), Array.from(expected[i]), `weight ${i} identical`));

  // killed after epoch 6's checkpoint swap but before checkpoints/state.json was written: the
  // state saved inside the checkpoint is further along, so epoch 6 is not trained twice
  const late = join(root, 'killed-late');
  let stateAfter5 = '';
  await assert.rejects(
    fit(cfg(late), {
      onEpoch: (r) => {
        if (r.epoch === 5) stateAfter5 = readFileSync(join(late, 'checkpoints', 'state.json'), 'utf8');
        if (r.epoch === 6) throw new Error('power cut');
      },
    }),
    /power cut/,
  );
  await writeFile(join(late, 'checkpoints', 'state.json'), stateAfter5);
  const again = await resumeFit(late);
  const gotLate = again.model.model.getWeights().map((w) => w.dataSync().slice());
  again.model.dispose();
  assert.deepEqual((await history(late)).map((h) => [h.epoch, h.loss, h.valLoss]), a.map((h) => [h.epoch, h.loss, h.valLoss]));
  gotLate.forEach((w, i) => assert.deepEqual(Array.from(w), Array.from(expected[i]), `weight ${i} identical after a late kill`));
});

test('kill after epoch 3, resume on the TF.js engine: the same losses and weights, dropout masks included', async () => {
  setTrainingEngine('tfjs');
  try {
    // the mlp has dropout: TF.js draws its masks from Math.random, which trainModel seeds per epoch
    const cfg = (out: string): FitConfig => ({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', out, epochs: 6, patience: 100, valFraction: 0.2, learningRate: 0.01, seed: 8 });
    const whole = await fit(cfg(join(root, 'tfjs-whole')));
    assert.equal(whole.engines.train, 'tfjs');
    const expected = whole.model.model.getWeights().map((w) => Array.from(w.dataSync()));
    whole.model.dispose();
    const out = join(root, 'tfjs-killed');
    await assert.rejects(fit(cfg(out), { onEpoch: (r) => { if (r.epoch === 3) throw new Error('power cut'); } }), /power cut/);
    const resumed = await resumeFit(out);
    assert.deepEqual((await history(out)).map((h) => [h.epoch, h.loss, h.valLoss]), (await history(join(root, 'tfjs-whole'))).map((h) => [h.epoch, h.loss, h.valLoss]));
    resumed.model.model.getWeights().forEach((w, i) => assert.deepEqual(Array.from(w.dataSync()), expected[i], `weight ${i} identical`));
    resumed.model.dispose();
  } finally {
    setTrainingEngine(undefined);
  }
});

test('killed in the first epoch of the second phase, before state.json moved on: the finetune epoch is not trained twice', async () => {
  const base = join(root, 'two-phase-base');
  (await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', out: base, epochs: 5, seed: 1 })).model.dispose();
  const cfg = (out: string): FitConfig => ({ strategy: 'finetune', base, train: 'builtin:iris', out, headSolver: 'adam', epochs: 3, finetuneEpochs: 3, patience: 100, valFraction: 0.2, seed: 4 });
  const whole = await fit(cfg(join(root, 'two-phase-whole')));
  const expected = whole.model.model.getWeights().map((w) => Array.from(w.dataSync()));
  whole.model.dispose();
  const out = join(root, 'two-phase-killed');
  await assert.rejects(fit(cfg(out), { onEpoch: (r) => { if (r.phase === 'finetune' && r.epoch === 1) throw new Error('power cut'); } }), /power cut/);
  // state.json as the head phase's end left it; the checkpoint (and its own state) is finetune epoch 1
  const inner = JSON.parse(await readFile(join(out, 'checkpoints', 'last', 'run-state.json'), 'utf8'));
  assert.deepEqual([inner.phase, inner.epoch, inner.donePhases], ['finetune', 1, ['head']]);
  await writeFile(join(out, 'checkpoints', 'state.json'), JSON.stringify({ ...inner, phase: 'head', epoch: 3 }));
  const resumed = await resumeFit(out);
  resumed.model.model.getWeights().forEach((w, i) => assert.deepEqual(Array.from(w.dataSync()), expected[i], `weight ${i}`));
  resumed.model.dispose();
  assert.deepEqual((await history(out)).map((h) => [h.phase, h.epoch, h.loss]), (await history(join(root, 'two-phase-whole'))).map((h) => [h.phase, h.epoch, h.loss]));
});

test('killed after early stopping ended the phase but before the final model was written: the resumed model is the best epoch, as uninterrupted', async () => {
  const out = join(root, 'after-phase');
  const whole = await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', out, epochs: 40, patience: 2, valFraction: 0.2, learningRate: 0.05, seed: 7 });
  const expected = whole.model.model.getWeights().map((w) => Array.from(w.dataSync()));
  whole.model.dispose();
  assert.ok((await history(out)).length < 40, 'the setting stops early');
  const state = JSON.parse(await readFile(join(out, 'checkpoints', 'state.json'), 'utf8'));
  await writeFile(join(out, 'checkpoints', 'state.json'), JSON.stringify({ ...state, finished: false }));
  await rm(join(out, 'model'), { recursive: true });
  const resumed = await resumeFit(out);
  resumed.model.model.getWeights().forEach((w, i) => assert.deepEqual(Array.from(w.dataSync()), expected[i], `weight ${i}`));
  resumed.model.dispose();
});

test('train-state files: round trip by weight index; another phase or epoch, a short .bin or bad JSON are refused (Adam restarts)', () => {
  const model = buildMlp(4, 3, { hidden: [5], seed: 1 });
  const names = model.weights.map((w) => w.name);
  const c: TrainCheckpoint = {
    engine: 'onnx',
    adam: new Map([[names[0], { m: Float32Array.from({ length: 20 }, (_, i) => i), v: Float32Array.from({ length: 20 }, (_, i) => i / 10), acc1: 0.5, acc2: 0.25 }], ['not-a-weight', { m: new Float32Array(2), v: new Float32Array(2), acc1: 1, acc2: 1 }]]),
    best: { loss: 0.5, epoch: 2 },
    stale: 1,
    bestWeights: [Float32Array.of(1, 2, 3)],
  };
  const files = encodeTrainState(c, model, 'train', 3);
  const json = files[TRAIN_STATE_FILES.json] as string;
  const bin = files[TRAIN_STATE_FILES.bin] as Uint8Array;
  assert.equal(bin.byteLength, (20 + 20 + 3) * 4, 'slots of weights only, then the best weights');
  const back = decodeTrainState(json, bin, model, 'train', 3).checkpoint!;
  assert.deepEqual([...back.adam.keys()], [names[0]]);
  assert.deepEqual(Array.from(back.adam.get(names[0])!.v), Array.from(c.adam.get(names[0])!.v));
  assert.deepEqual({ best: back.best, stale: back.stale, engine: back.engine, bestWeights: back.bestWeights!.map((w) => Array.from(w)) }, { best: c.best, stale: 1, engine: 'onnx', bestWeights: [[1, 2, 3]] });
  assert.match(decodeTrainState(json, bin, model, 'train', 4).problem!, /of train epoch 3, the checkpoint of train epoch 4/);
  assert.match(decodeTrainState(json, bin.subarray(4), model, 'train', 3).problem!, /holds 168 bytes, its index describes 172/);
  assert.match(decodeTrainState('{', bin, model, 'train', 3).problem!, /not valid JSON/);
  model.dispose();
});

test('a checkpoint without train-state files (an older run) still resumes', async () => {
  const out = join(root, 'older');
  const cfg: FitConfig = { strategy: 'scratch', arch: 'logistic', train: 'builtin:iris', out, epochs: 5, patience: 100, seed: 2 };
  await assert.rejects(fit(cfg, { onEpoch: (r) => { if (r.epoch === 2) throw new Error('power cut'); } }), /power cut/);
  await rm(join(out, 'checkpoints', 'last', TRAIN_STATE_FILES.json));
  await writeFile(join(out, 'checkpoints', 'last', TRAIN_STATE_FILES.bin), 'garbage');
  const res = await resumeFit(out);
  assert.deepEqual((await history(out)).map((h) => h.epoch), [1, 2, 3, 4, 5]);
  res.model.dispose();
});

test('a saved optimiser state that cannot be used still resumes, and the result says why it is not the exact continuation', async () => {
  const out = join(root, 'damaged-state');
  const cfg: FitConfig = { strategy: 'scratch', arch: 'logistic', train: 'builtin:iris', out, epochs: 5, patience: 100, seed: 3 };
  await assert.rejects(fit(cfg, { onEpoch: (r) => { if (r.epoch === 2) throw new Error('power cut'); } }), /power cut/);
  await writeFile(join(out, 'checkpoints', 'last', TRAIN_STATE_FILES.bin), 'garbage');
  const res = await resumeFit(out);
  assert.deepEqual((await history(out)).map((h) => h.epoch), [1, 2, 3, 4, 5]);
  const warning = res.warnings.find((w) => /optimiser state/.test(w));
  assert.ok(warning, `a warning about the optimiser state: ${JSON.stringify(res.warnings)}`);
  assert.match(warning, /holds 7 bytes, its index describes \d+/);
  assert.match(warning, /fresh optimiser/);
  res.model.dispose();
});
