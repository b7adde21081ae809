import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { pretrain } from '../../src/transfer/self-taught/pretrain.ts';
import { fit } from '../../src/transfer/fit.ts';
import { TransferkitError } from '../../src/errors.ts';
import { cli, oneJson } from '../cli/helpers.ts';

test('pretrain writes an encoder that fit --base takes for extract and finetune, end to end on a tiny set', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-pretrain-'));
  try {
    const out = join(dir, 'encoder');
    const res = await pretrain({ data: 'builtin:mnist', out, epochs: 1, maxImages: 300, seed: 1, noise: 0.25 });
    assert.equal(res.images, 300);
    assert.deepEqual(res.codeShape, [7, 7, 32]);
    res.dispose();
    const meta = JSON.parse(await readFile(join(out, 'transferkit.json'), 'utf8'));
    assert.deepEqual(meta.classes, []);
    assert.deepEqual(meta.features, { kind: 'image', height: 28, width: 28, channels: 1 });
    assert.equal(meta.selfTaught.images, 300);
    assert.ok(existsSync(join(out, 'autoencoder', 'model.json')));
    const before = tf.memory().numTensors;
    for (const strategy of ['extract', 'finetune'] as const) {
      const f = await fit({ base: out, strategy, train: 'builtin:mnist', perClass: 3, epochs: 2, finetuneEpochs: 1, seed: 1 });
      assert.equal(f.defaults.cutAt, 'flatten', 'the new head goes on the flattened code, not on the placeholder head');
      assert.deepEqual(f.classes.length, 10);
      assert.ok(f.train.accuracy > 0.1);
      f.model.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pretrain --encoder-features pooled: fit puts a cross-validated linear head on the 384 pooled features', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-pretrain-pooled-'));
  try {
    const out = join(dir, 'encoder');
    const res = await pretrain({ data: 'builtin:mnist', out, epochs: 1, maxImages: 200, seed: 1, noise: 0.25, encoderFeatures: 'pooled' });
    res.dispose();
    const meta = JSON.parse(await readFile(join(out, 'transferkit.json'), 'utf8'));
    assert.equal(meta.selfTaught.encoderFeatures, 'pooled');
    const before = tf.memory().numTensors;
    const f = await fit({ base: out, strategy: 'extract', headSolver: 'lbfgs', train: 'builtin:mnist', perClass: 3, seed: 1 });
    assert.equal(f.defaults.cutAt, 'flatten');
    const dense = f.model.model.layers.at(-1)!;
    assert.deepEqual(dense.getWeights()[0].shape, [384, 10], 'one linear layer on the 384 pooled features');
    assert.equal(f.head?.folds, 3, 'C chosen by 3-fold cross-validation on 3 examples per class');
    assert.ok(f.train.accuracy > 0.5);
    f.model.dispose();
    assert.equal(tf.memory().numTensors, before);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pretrain refuses data that are not images and a bad image count', async () => {
  await assert.rejects(pretrain({ data: 'builtin:iris' }), (e: unknown) => e instanceof TransferkitError && e.code === 'KIND_MISMATCH' && /images/.test(e.message) && Boolean(e.hint));
  await assert.rejects(pretrain({ data: 'builtin:mnist', maxImages: 0 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_OPTION');
});

test('CLI: pretrain --json, then fit --base <encoder> --strategy extract; errors are clear', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-pretrain-cli-'));
  try {
    const out = join(dir, 'enc');
    const p = await cli('pretrain', '--data', 'builtin:mnist', '--out', out, '--epochs', '1', '--max-images', '200', '--noise', '0.25', '--json');
    assert.equal(p.code, 0, p.stderr);
    const pj = oneJson(p.stdout);
    assert.equal(pj.images, 200);
    assert.deepEqual(pj.codeShape, [7, 7, 32]);
    assert.match(p.stderr, /epoch 1: reconstruction MSE/);
    const f = await cli('fit', '--base', out, '--train', 'builtin:mnist', '--per-class', '2', '--strategy', 'extract', '--epochs', '2', '--out', join(dir, 'run'), '--json');
    assert.equal(f.code, 0, f.stderr + f.stdout);
    assert.equal(oneJson(f.stdout).classes.length, 10);

    const help = await cli('pretrain', '--help');
    assert.match(help.stdout, /Examples:/);
    const iris = await cli('pretrain', '--data', 'builtin:iris', '--out', join(dir, 'x'), '--json');
    assert.notEqual(iris.code, 0);
    assert.equal(oneJson(iris.stdout).error.code, 'KIND_MISMATCH');
    const noOut = await cli('pretrain', '--data', 'builtin:mnist');
    assert.notEqual(noOut.code, 0);
    assert.match(noOut.stderr, /--out/);
    const badNoise = await cli('pretrain', '--data', 'builtin:mnist', '--out', join(dir, 'y'), '--noise', '2');
    assert.notEqual(badNoise.code, 0);
    assert.match(badNoise.stderr, /noise/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
