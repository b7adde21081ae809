import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { pretrain } from '../../src/transfer/self-taught/pretrain.ts';
import { quarterTurns } from '../../src/transfer/self-taught/rotation.ts';
import { fit } from '../../src/transfer/fit.ts';
import { TransferkitError } from '../../src/errors.ts';
import { createRng } from '../../src/util/random.ts';
import { cli, oneJson } from '../cli/helpers.ts';

await initEngine({ backend: 'wasm' });

test('quarterTurns: a 2×2 image by hand, turns of turns on random images compose and four are the identity; non-square images are refused', () => {
  const t = quarterTurns({ x: Float32Array.of(1, 2, 3, 4), shape: [1, 2, 2, 1] });
  assert.deepEqual(t.shape, [4, 2, 2, 1]);
  assert.deepEqual(Array.from(t.y), [0, 1, 2, 3]);
  // [[1, 2], [3, 4]] turned anticlockwise: [[2, 4], [1, 3]]; half a turn: [[4, 3], [2, 1]]; three quarters: [[3, 1], [4, 2]]
  assert.deepEqual(Array.from(t.x), [1, 2, 3, 4, 2, 4, 1, 3, 4, 3, 2, 1, 3, 1, 4, 2]);
  // on random 5×5×2 images: turn k of turn 1 equals turn k+1, and two half turns are the identity
  const rng = createRng('turns');
  const x = Float32Array.from({ length: 3 * 5 * 5 * 2 }, () => rng.normal());
  const once = quarterTurns({ x, shape: [3, 5, 5, 2] });
  const per = 50;
  for (let i = 0; i < 3; i++) {
    const turnedOnce = once.x.slice((4 * i + 1) * per, (4 * i + 2) * per);
    const twice = quarterTurns({ x: turnedOnce, shape: [1, 5, 5, 2] });
    for (let k = 0; k < 3; k++) assert.deepEqual(Array.from(twice.x.subarray(k * per, (k + 1) * per)), Array.from(once.x.subarray((4 * i + k + 1) * per, (4 * i + k + 2) * per)), `image ${i}: turn ${k} of the quarter turn`);
    assert.deepEqual(Array.from(twice.x.subarray(3 * per, 4 * per)), Array.from(x.subarray(i * per, (i + 1) * per)), 'four quarter turns are the identity');
  }
  assert.throws(() => quarterTurns({ x: new Float32Array(6), shape: [1, 2, 3, 1] }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_SHAPE' && /square/.test(e.message));
});

test('pretrain objective rotation: learns to tell the turns of unlabelled digits, saves an encoder fit takes, and no autoencoder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-rotation-'));
  try {
    const out = join(dir, 'encoder');
    const before = tf.memory().numTensors;
    const steps: Array<[number, number]> = [];
    const res = await pretrain({ data: 'builtin:mnist', out, objective: 'rotation', epochs: 2, maxImages: 400, seed: 1, encoderFeatures: 'pooled' }, { onStep: (s, t) => steps.push([s, t]) });
    // 400 images × 4 turns in batches of 64: 25 steps an epoch, counted over the whole run
    assert.deepEqual(steps.at(-1), [50, 50]);
    assert.ok(steps.every(([s], i) => s === i + 1), 'steps count up by one across epochs');
    assert.equal(res.objective, 'rotation');
    assert.equal(res.autoencoder, undefined);
    assert.equal(res.rotationAccuracy!.length, 2);
    // chance is 0.25; measured 0.91 in the second epoch over 1,600 turned digits
    assert.ok(res.rotationAccuracy!.at(-1)! > 0.6, `turns told right: ${res.rotationAccuracy}`);
    res.dispose();
    assert.equal(tf.memory().numTensors, before, 'dispose frees the rotation network too');
    const meta = JSON.parse(await readFile(join(out, 'transferkit.json'), 'utf8'));
    assert.equal(meta.selfTaught.objective, 'rotation');
    assert.equal(meta.selfTaught.rotationAccuracy.length, 2);
    assert.equal(meta.selfTaught.reconstructionMse, undefined);
    assert.ok(!existsSync(join(out, 'autoencoder')), 'no decoder was trained, so none is saved');
    const f = await fit({ base: out, strategy: 'extract', headSolver: 'lbfgs', train: 'builtin:mnist', perClass: 3, seed: 1 });
    assert.deepEqual(f.model.model.layers.at(-1)!.getWeights()[0].shape, [384, 10]);
    f.model.dispose();
    await assert.rejects(pretrain({ data: 'builtin:mnist', objective: 'rotation', noise: 0.2, maxImages: 10 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION' && /noise/.test(e.message));
    await assert.rejects(pretrain({ data: 'builtin:mnist', objective: 'jigsaw' as never, maxImages: 10 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION' && /autoencoder, rotation/.test(e.hint ?? ''));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('CLI: pretrain --objective rotation --json reports the turns told right; novelty by reconstruction refuses it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-rotation-cli-'));
  try {
    const out = join(dir, 'rot');
    const p = await cli('pretrain', '--data', 'builtin:mnist', '--out', out, '--objective', 'rotation', '--epochs', '1', '--max-images', '200', '--json');
    assert.equal(p.code, 0, p.stderr);
    const j = oneJson(p.stdout);
    assert.equal(j.objective, 'rotation');
    assert.equal(j.rotationAccuracy.length, 1);
    assert.equal(j.reconstructionMse, undefined);
    assert.match(p.stderr, /epoch 1: rotation cross-entropy/);
    const n = await cli('novelty', '--base', out, '--normal', 'builtin:mnist', '--novel', 'builtin:fashion-mnist-test', '--method', 'autoencoder', '--json');
    assert.notEqual(n.code, 0);
    assert.match(oneJson(n.stdout).error.message, /no self-taught autoencoder/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
