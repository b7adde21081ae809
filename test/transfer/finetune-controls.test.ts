import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { buildCnn, buildLogistic, buildMlp } from '../../src/models/architectures.ts';
import { loadModel, saveModel } from '../../src/models/io.ts';
import { augmentBatch, parseAugment } from '../../src/transfer/augment.ts';
import { fit, resumeFit, type FitConfig } from '../../src/transfer/fit.ts';
import { l2spPenalty } from '../../src/transfer/regularizers.ts';
import { layerMultipliers, lrFactor, parseLayerLr } from '../../src/transfer/schedules.ts';
import { applyPhase, parseUnfreezeSchedule, prepareModel } from '../../src/transfer/strategies.ts';
import { AdamW, trainModel, type TensorData } from '../../src/transfer/train.ts';
import { predictProbs } from '../../src/models/predict-probs.ts';
import { createRng, seedMathRandom } from '../../src/util/random.ts';
import { cli } from '../cli/helpers.ts';
import { expectError } from '../data/helpers.ts';
import { blobs } from './helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-controls-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

/** A small untrained image base saved like a zoo model (28×28×1, 10 classes). */
const imageBase = join(root, 'base-cnn');
await saveModel(buildCnn([28, 28, 1], 10, { seed: 3 }), imageBase, {
  classes: Array.from({ length: 10 }, (_, i) => `c${i}`),
  features: { kind: 'image', height: 28, width: 28, channels: 1 },
});
const close = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol;
const history = async (out: string) => (await readFile(join(out, 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));

test('learning-rate schedules: warm-up, cosine, step', () => {
  assert.equal(lrFactor(undefined, 7, 100, 10), 1);
  assert.equal(lrFactor({ kind: 'constant' }, 99, 100, 10), 1);
  assert.ok(close(lrFactor({ warmupSteps: 10 }, 0, 100, 10), 0.1));
  assert.ok(close(lrFactor({ warmupEpochs: 1 }, 4, 100, 10), 0.5), 'one warm-up epoch is ten steps here');
  assert.equal(lrFactor({ kind: 'cosine' }, 0, 100, 10), 1);
  assert.ok(close(lrFactor({ kind: 'cosine' }, 50, 100, 10), 0.5));
  assert.ok(lrFactor({ kind: 'cosine' }, 99, 100, 10) < 0.001);
  assert.ok(close(lrFactor({ kind: 'cosine', warmupSteps: 20 }, 60, 100, 10), 0.5), 'cosine spans the steps after warm-up');
  assert.ok(close(lrFactor({ kind: 'cosine', minFactor: 0.1 }, 100, 100, 10), 0.1));
  assert.equal(lrFactor({ kind: 'step', stepEpochs: 3, gamma: 0.5 }, 29, 100, 10), 1);
  assert.ok(close(lrFactor({ kind: 'step', stepEpochs: 3, gamma: 0.5 }, 30, 100, 10), 0.5));
  assert.ok(close(lrFactor({ kind: 'step', stepEpochs: 3, gamma: 0.5 }, 95, 100, 10), 0.125));
  assert.ok(close(lrFactor({ kind: 'step' }, 40, 100, 10), 0.1), 'default: ×0.1 every third of the phase');
});

test('layer-wise learning-rate decay follows depth from the top; BatchNorm shares its convolution’s depth', async () => {
  const prepared = await prepareModel({ strategy: 'finetune', base: buildCnn([28, 28, 1], 10, { seed: 1 }), numClasses: 3, seed: 1, inputShape: [28, 28, 1] });
  const m = layerMultipliers(prepared.model, prepared.baseLayerCount, { lrDecay: 0.5 });
  assert.deepEqual(Object.fromEntries(m), { conv1: 0.125, bn1: 0.125, conv2: 0.25, bn2: 0.25, dense1: 0.5 });
  const explicit = layerMultipliers(prepared.model, prepared.baseLayerCount, { lrDecay: 0.5, layerLr: parseLayerLr('conv1=0.01,head=2') });
  assert.equal(explicit.get('conv1'), 0.01);
  assert.equal(explicit.get('head'), 2);
  await expectError(() => layerMultipliers(prepared.model, prepared.baseLayerCount, { layerLr: { convv1: 0.1 } }), 'UNKNOWN_LAYER', [/convv1/]);
  await expectError(() => layerMultipliers(prepared.model, prepared.baseLayerCount, { lrDecay: 1.5 }), 'BAD_OPTION');
  await expectError(() => parseLayerLr('conv1:0.1'), 'BAD_OPTION', [/conv1:0.1/]);
});

test('AdamW reproduces tf.train.adam exactly, scales the step per layer and decays weights', async () => {
  const data = blobs(32, 1);
  const run = async (useTfAdam: boolean) => {
    const restore = seedMathRandom(1);
    const model = buildMlp(2, 2, { hidden: [4], seed: 1, dropout: 0 });
    const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const opt = useTfAdam ? tf.train.adam(0.01) : new AdamW({ learningRate: 0.01 });
    const xs = tf.tensor(data.x, data.shape);
    const ys = tf.oneHot(tf.tensor1d(data.y, 'int32'), 2).toFloat();
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => {
        const loss = () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as tf.Tensor) as tf.Scalar;
        if (opt instanceof AdamW) {
          const { grads } = tf.variableGrads(loss, vars);
          opt.applyGradients(vars.map((v) => ({ variable: v, gradient: grads[v.name] })));
        } else {
          opt.minimize(loss, false, vars);
        }
      });
    }
    const out = model.getWeights().map((w) => Array.from(w.dataSync()));
    opt.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
    restore();
    return out;
  };
  assert.deepEqual(await run(false), await run(true));

  // per-variable multipliers: Adam's first step is lr·g/(|g| + ε) ≈ lr·sign(g), so a 0.5 multiplier halves it
  const a = tf.variable(tf.tensor1d([1, -2, 3]));
  const b = tf.variable(tf.tensor1d([1, -2, 3]));
  const opt = new AdamW({ learningRate: 0.1, weightDecay: 0 });
  tf.tidy(() => opt.applyGradients([{ variable: a, gradient: tf.tensor1d([1, 1, -1]) }, { variable: b, gradient: tf.tensor1d([1, 1, -1]), multiplier: 0.5 }]));
  const stepA = a.dataSync().map((v, i) => v - [1, -2, 3][i]);
  const stepB = b.dataSync().map((v, i) => v - [1, -2, 3][i]);
  stepA.forEach((s, i) => assert.ok(close(stepB[i], s / 2, 1e-6), `step ${stepB[i]} is half of ${s}`));
  opt.dispose();
  // decoupled weight decay shrinks kernels by lr·λ per step even with zero gradient; biases are left alone
  const k = tf.variable(tf.tensor2d([[2, -4]]));
  const bias = tf.variable(tf.tensor1d([2, -4]));
  const wd = new AdamW({ learningRate: 0.1, weightDecay: 0.5 });
  tf.tidy(() => wd.applyGradients([{ variable: k, gradient: tf.zerosLike(k) }, { variable: bias, gradient: tf.zerosLike(bias) }]));
  assert.deepEqual(Array.from(k.dataSync()).map((v) => +v.toFixed(5)), [1.9, -3.8]);
  assert.deepEqual(Array.from(bias.dataSync()), [2, -4]);
  wd.dispose();
  tf.dispose([a, b, k, bias]);
});

test('augmentation is seeded, changes images, and leaves them alone when switched off', () => {
  assert.deepEqual(parseAugment('shift,rotate=15, flip'), { shift: 0.1, rotate: 15, flip: 0.5 });
  assert.throws(() => parseAugment('shift,blur'), /Unknown augmentation "blur"/);
  assert.throws(() => parseAugment('rotate=lots'), /needs a number/);
  const rng = createRng(1);
  const img = new Float32Array(2 * 28 * 28);
  for (let y = 8; y < 20; y++) for (let x = 10; x < 14; x++) img[y * 28 + x] = img[784 + y * 28 + x] = 1; // a vertical bar
  const run = (opts: Parameters<typeof augmentBatch>[2], seed: string) => {
    const b = img.slice();
    augmentBatch(b, [2, 28, 28, 1], opts, createRng(seed));
    return b;
  };
  const opts = { shift: 0.1, rotate: 15, zoom: 0.1, noise: 0.05 };
  assert.deepEqual(run(opts, 'a'), run(opts, 'a'), 'same seed, same batch');
  assert.notDeepEqual(run(opts, 'a'), run(opts, 'b'));
  assert.deepEqual(run({}, 'a'), img, 'nothing switched on, nothing changes');
  const flipped = run({ flip: 1 }, 'a');
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) assert.equal(flipped[y * 28 + x], img[y * 28 + 27 - x]);
  const shifted = run({ shift: 0.2 }, 'c');
  const mass = (b: Float32Array) => b.subarray(0, 784).reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(mass(shifted) - mass(img)) < 1e-3, 'a shift inside the frame keeps the ink');
  assert.notDeepEqual(shifted.subarray(0, 784), img.subarray(0, 784));
  assert.ok(rng.next() >= 0);
  assert.throws(() => augmentBatch(new Float32Array(4), [2, 2], { shift: 0.1 }, createRng(1)), /image data/);
});

test('L2-SP is α‖w − w₀‖² on base weights plus β‖w‖² on new ones, and holds the base near its start', async () => {
  const prepared = await prepareModel({ strategy: 'finetune', base: buildMlp(2, 3, { hidden: [6], seed: 1, dropout: 0 }), numClasses: 2, seed: 1, inputShape: [2] });
  const { model, baseLayerCount } = prepared;
  const penalty = l2spPenalty(model, baseLayerCount, { alpha: 0.5, beta: 0.25 });
  const dense1 = model.getLayer('dense1');
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const zero = penalty.loss(vars.filter((v) => dense1.weights.some((w) => (w as unknown as { val: tf.Variable }).val === v)))!;
  assert.equal(zero.dataSync()[0], 0, 'no distance at the start');
  zero.dispose();
  const kernel = dense1.getWeights()[0];
  const moved = tf.add(kernel, 1);
  const w0 = kernel.dataSync().slice();
  (dense1.weights[0] as tf.LayerVariable).write(moved);
  const head = model.getLayer('head').getWeights();
  const headSq = head.reduce((s, w) => s + (w.dataSync() as Float32Array).reduce((a, v) => a + v * v, 0), 0);
  const total = penalty.loss(vars)!;
  assert.ok(close(total.dataSync()[0], 0.5 * w0.length + 0.25 * headSq, 1e-4), `${total.dataSync()[0]}`);
  total.dispose();
  moved.dispose();
  penalty.dispose();

  // trained with a strong L2-SP, the fine-tuned base stays much closer to its start than without
  const drift = async (alpha: number) => {
    const restore = seedMathRandom(1);
    const p = await prepareModel({ strategy: 'finetune', base: buildMlp(2, 3, { hidden: [6], seed: 1, dropout: 0 }), numClasses: 2, seed: 1, inputShape: [2] });
    const start = p.model.getLayer('dense1').getWeights()[0].dataSync().slice();
    applyPhase(p, { name: 'finetune', trainable: 'all', learningRate: 0.05, epochs: 10 }, 0);
    const pen = alpha > 0 ? l2spPenalty(p.model, p.baseLayerCount, { alpha }) : undefined;
    await trainModel(p.model, blobs(64, 2), { epochs: 10, seed: 1, learningRate: 0.05, penalty: pen });
    pen?.dispose();
    restore();
    const end = p.model.getLayer('dense1').getWeights()[0].dataSync() as Float32Array;
    return Math.sqrt(end.reduce((s, v, i) => s + (v - start[i]) ** 2, 0));
  };
  const free = await drift(0);
  const held = await drift(1);
  assert.ok(held < free / 2, `L2-SP drift ${held} vs ${free} without`);
});

test('label smoothing caps the confidence a separable problem can reach', async () => {
  const confidence = async (eps: number) => {
    const model = buildLogistic(2, 2, { seed: 1 });
    await trainModel(model, blobs(64, 3), { epochs: 60, seed: 1, learningRate: 0.1, labelSmoothing: eps });
    const p = predictProbs(model, blobs(64, 4));
    model.dispose();
    let sum = 0;
    for (let i = 0; i < 64; i++) sum += Math.max(p[2 * i], p[2 * i + 1]);
    return sum / 64;
  };
  const sharp = await confidence(0);
  const smoothed = await confidence(0.2);
  assert.ok(sharp > 0.98, `without smoothing the mean confidence is ${sharp}`);
  assert.ok(smoothed < 0.93, `with ε = 0.2 the optimum for training points is 1 − ε + ε/k = 0.9; mean confidence ${smoothed}`);
});

test('unfreeze schedules parse, check their layers and unfreeze on time', async () => {
  assert.deepEqual(parseUnfreezeSchedule('1:head,3:dense1,5:conv2+bn2'), [
    { epoch: 1, layers: ['head'] },
    { epoch: 3, layers: ['dense1'] },
    { epoch: 5, layers: ['conv2', 'bn2'] },
  ]);
  assert.deepEqual(parseUnfreezeSchedule('4:conv1, 2:dense1,conv2'), [{ epoch: 2, layers: ['dense1', 'conv2'] }, { epoch: 4, layers: ['conv1'] }]);
  await expectError(() => parseUnfreezeSchedule('dense1'), 'BAD_OPTION', [/starts with the epoch/]);
  await expectError(() => parseUnfreezeSchedule('0:dense1'), 'BAD_OPTION', [/from 1/]);
  const prepared = await prepareModel({ strategy: 'finetune', base: buildCnn([28, 28, 1], 10, { seed: 1 }), numClasses: 3, seed: 1, inputShape: [28, 28, 1] });
  const phase = { name: 'gradual', trainable: 'schedule', learningRate: 1e-3, epochs: 6 } as const;
  const schedule = parseUnfreezeSchedule('1:head,3:dense1,5:conv2+bn2');
  const at = (epoch: number) => applyPhase(prepared, phase, 0, { schedule, epoch });
  assert.deepEqual(at(1), ['head']);
  assert.deepEqual(at(3), ['dense1', 'head']);
  assert.deepEqual(at(6), ['conv2', 'dense1', 'head'], 'BatchNorm stays frozen (inference mode)');
  assert.deepEqual(applyPhase(prepared, phase, 0, { schedule: parseUnfreezeSchedule('2:all'), epoch: 2 }), ['conv1', 'conv2', 'dense1', 'head']);
  await expectError(() => applyPhase(prepared, phase, 0, { schedule: parseUnfreezeSchedule('2:dense9') }), 'UNKNOWN_LAYER', [/dense9/]);
});

test('fit with the controls: gradual unfreezing, best and last checkpoints, head dropout, repeatable, resumable', async () => {
  const cfg = (out: string, extra: Partial<FitConfig> = {}): FitConfig => ({
    base: imageBase,
    strategy: 'finetune',
    train: 'builtin:mnist',
    perClass: 6,
    out: join(root, out),
    epochs: 4,
    batchSize: 20,
    seed: 3,
    unfreezeSchedule: '1:head,3:dense1',
    // the head where the base's old head was (dense1 stays in the base, to be unfrozen), linear, with a validation split
    cutAt: 'dropout1',
    headHidden: [],
    valFraction: 0.15,
    lrDecay: 0.5,
    lrSchedule: 'cosine',
    warmup: 2,
    weightDecay: 1e-3,
    l2sp: 0.01,
    headDropout: 0.3,
    labelSmoothing: 0.1,
    augment: 'shift,rotate,zoom,noise=0.02',
    ...extra,
  });
  const a = await fit(cfg('controls-a'));
  const b = await fit(cfg('controls-b'));
  assert.equal(a.val!.logLoss, b.val!.logLoss, 'same seed, same result');
  assert.deepEqual(a.best, b.best);
  const h = await history(join(root, 'controls-a'));
  assert.deepEqual(h.map((r) => `${r.phase}${r.epoch}`), ['gradual1', 'gradual2', 'gradual3', 'gradual4']);
  // 51 training digits in batches of 20: 3 steps an epoch, 6 warm-up steps; the record holds the epoch's last rate
  assert.ok(close(h[0].learningRate, 1e-3 / 2, 1e-12) && close(h[1].learningRate, 1e-3, 1e-12), 'linear warm-up over two epochs');
  assert.ok(h[3].learningRate < h[2].learningRate && h[2].learningRate < h[1].learningRate, 'then cosine decay');
  for (const f of ['checkpoints/best/model.json', 'checkpoints/last/model.json', 'model/model.json']) assert.ok(existsSync(join(root, 'controls-a', f)), f);
  const bestRecord = h.find((r) => r.epoch === a.best!.epoch)!;
  assert.equal(Math.min(...h.map((r) => r.valLoss)), bestRecord.valLoss, 'checkpoints/best holds the lowest validation loss');
  const best = await loadModel(join(root, 'controls-a', 'checkpoints', 'best'));
  const last = await loadModel(join(root, 'controls-a', 'checkpoints', 'last'));
  assert.ok(best.model.getLayer('head_dropout'), 'the head has its dropout layer');
  assert.equal(a.trainableParams, 3136 * 128 + 128 + 128 * 10 + 10, 'dense1 and head train by the end');
  const base = await loadModel(imageBase);
  assert.deepEqual(last.model.getLayer('conv2').getWeights()[0].dataSync(), base.model.getLayer('conv2').getWeights()[0].dataSync(), 'conv2 was never scheduled');
  assert.notDeepEqual(last.model.getLayer('dense1').getWeights()[0].dataSync(), base.model.getLayer('dense1').getWeights()[0].dataSync(), 'dense1 trained from epoch 3');

  // interrupted after epoch 2 (dense1 still frozen), resumed: the schedule picks up where it was
  const out = join(root, 'controls-resume');
  await assert.rejects(
    fit(cfg('controls-resume'), {
      onEpoch: (r) => {
        if (r.epoch === 2) throw new Error('power cut');
      },
    }),
    /power cut/,
  );
  const mid = await loadModel(join(out, 'checkpoints', 'last'));
  assert.deepEqual(mid.model.getLayer('dense1').getWeights()[0].dataSync(), base.model.getLayer('dense1').getWeights()[0].dataSync(), 'dense1 frozen in epochs 1–2');
  const resumed = await resumeFit(out);
  assert.deepEqual((await history(out)).map((r) => r.epoch), [1, 2, 3, 4]);
  assert.equal(resumed.trainableParams, a.trainableParams);
});

test('tf.memory() stays flat over training steps with every control on', async () => {
  const prepared = await prepareModel({ strategy: 'finetune', base: buildCnn([12, 12, 1], 4, { seed: 2 }), numClasses: 3, seed: 1, inputShape: [12, 12, 1], headDropout: 0.2 });
  applyPhase(prepared, { name: 'finetune', trainable: 'all', learningRate: 1e-3, epochs: 1 }, 0);
  const rng = createRng(3);
  const n = 16;
  const data: TensorData = { x: Float32Array.from({ length: n * 144 }, () => rng.next()), shape: [n, 12, 12, 1], y: Int32Array.from({ length: n }, (_, i) => i % 3) };
  const penalty = l2spPenalty(prepared.model, prepared.baseLayerCount, { alpha: 0.01 });
  const opts = {
    seed: 1,
    batchSize: 8,
    augment: { shift: 0.1, rotate: 10, flip: true, noise: 0.01 },
    lrSchedule: { kind: 'cosine' as const, warmupSteps: 3 },
    layerLr: layerMultipliers(prepared.model, prepared.baseLayerCount, { lrDecay: 0.5 }),
    weightDecay: 0.01,
    labelSmoothing: 0.1,
    penalty,
  };
  await trainModel(prepared.model, data, { ...opts, epochs: 1 });
  const counts: number[] = [];
  await trainModel(prepared.model, data, { ...opts, epochs: 10, onStep: () => counts.push(tf.memory().numTensors) });
  penalty.dispose();
  assert.equal(counts.length, 20);
  assert.equal(Math.max(...counts), Math.min(...counts), `tensor count varied: ${Math.min(...counts)}..${Math.max(...counts)}`);
});

test('bad control options get clear errors and leave no run folder', async () => {
  const cases: Array<[Partial<FitConfig>, string, RegExp]> = [
    [{ augment: 'shift,blur' }, 'BAD_OPTION', /blur/],
    [{ unfreezeSchedule: '2:convv2' }, 'UNKNOWN_LAYER', /convv2/],
    [{ unfreezeSchedule: 'dense1' }, 'BAD_OPTION', /epoch/],
    [{ strategy: 'extract', unfreezeSchedule: '2:dense1' }, 'BAD_OPTION', /finetune/],
    [{ layerLr: { conv7: 0.1 } }, 'UNKNOWN_LAYER', /conv7/],
    [{ lrDecay: 2 }, 'BAD_OPTION', /lrDecay must be a number in \(0, 1\], got 2/],
    [{ labelSmoothing: 1.5 }, 'BAD_OPTION', /labelSmoothing must be/],
    [{ headDropout: 1 }, 'BAD_OPTION', /headDropout must be a number in \[0, 1\)/],
    [{ lrSchedule: 'wavy' as never }, 'BAD_OPTION', /wavy/],
    [{ strategy: 'scratch', arch: 'mlp', base: undefined, train: 'builtin:iris', augment: 'shift' }, 'BAD_OPTION', /image data/],
    [{ strategy: 'scratch', arch: 'mlp', base: undefined, train: 'builtin:iris', l2sp: 0.1 }, 'BAD_OPTION', /pretrained/],
  ];
  for (const [extra, code, message] of cases) {
    const out = join(root, `bad-${code}-${Object.keys(extra).join('-')}`);
    await expectError(() => fit({ base: imageBase, strategy: 'finetune', train: 'builtin:mnist', perClass: 5, out, epochs: 1, ...extra } as FitConfig), code, [message]);
    assert.ok(!existsSync(out), `${JSON.stringify(extra)}: no run folder is left behind`);
  }
});

test('the CLI takes the controls and LoRA flags and explains them in --help', async () => {
  const help = await cli('fit', '--help');
  for (const flag of ['--unfreeze-schedule', '--lr-decay', '--layer-lr', '--lr-schedule', '--warmup', '--weight-decay', '--l2sp', '--head-dropout', '--label-smoothing', '--augment', '--lora-rank', '--lora-alpha', '--lora-layers']) {
    assert.ok(help.stdout.includes(flag), `--help documents ${flag}`);
  }
  const out = join(root, 'cli-lora');
  const args = ['fit', '--base', imageBase, '--train', 'builtin:mnist', '--per-class', '3', '--val-fraction', '0', '--epochs', '2', '--seed', '1'];
  const res = await cli(...args, '--strategy', 'lora', '--lora-rank', '2', '--lora-alpha', '4', '--lora-layers', 'dense1,head', '--augment', 'shift,rotate', '--lr-schedule', 'cosine', '--out', out, '--json');
  assert.equal(res.code, 0, res.stderr);
  const json = JSON.parse(res.stdout);
  assert.equal(json.trainableParams, 2 * (3136 + 128) + 128 * 10 + 10, 'rank-2 adapter on dense1; the head trains in full');
  assert.ok(existsSync(join(out, 'adapter', 'adapter.json')));
  const bad = await cli(...args, '--augment', 'shift,blur', '--out', join(root, 'cli-bad'));
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr + bad.stdout, /Unknown augmentation "blur"/);
  assert.ok(!existsSync(join(root, 'cli-bad')));
  const badSchedule = await cli(...args, '--unfreeze-schedule', 'dense1', '--out', join(root, 'cli-bad'));
  assert.match(badSchedule.stderr + badSchedule.stdout, /EPOCH:LAYER/);
});
