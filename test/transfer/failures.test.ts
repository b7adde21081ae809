/**
 * Failures are never reported as success: divergence, a saved model that does not reproduce
 * the trained one, non-finite image inputs, and resuming on changed data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { loadModel, saveModel } from '../../src/models/io.ts';
import { buildMlp } from '../../src/models/architectures.ts';
import { fit, resumeFit, verifySavedModel } from '../../src/transfer/fit.ts';
import { nonFiniteWeight, trainModel } from '../../src/transfer/train.ts';
import { expectError } from '../data/helpers.ts';
import { cli } from '../cli/helpers.ts';
import { blobs } from './helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-failures-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

async function allFinite(dir: string): Promise<boolean> {
  const { model } = await loadModel(dir);
  const ok = nonFiniteWeight(model) === undefined;
  model.dispose();
  return ok;
}

test('fit at learning rate 1e20 is TRAINING_DIVERGED naming phase, epoch and rate; nothing non-finite is saved', async () => {
  const out = join(root, 'diverged');
  const err = await expectError(
    () => fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', learningRate: 1e20, epochs: 5, seed: 1, out }),
    'TRAINING_DIVERGED',
    [/epoch \d/, /1e\+20/, /train/],
  );
  assert.match(err.hint ?? '', /`learningRate`/);
  // either no epoch finished (no run folder is left) or checkpoints/last holds the last finite weights
  for (const ck of ['last', 'best']) {
    const dir = join(out, 'checkpoints', ck);
    if (existsSync(join(dir, 'model.json'))) assert.ok(await allFinite(dir), `checkpoints/${ck} holds only finite weights`);
  }
  assert.ok(!existsSync(join(out, 'model', 'model.json')), 'no final model is saved');
});

test('trainModel stops at the first epoch whose weights are non-finite, before onEpoch (which checkpoints) sees it', async () => {
  const model = buildMlp(2, 2, { seed: 1 });
  const seen: number[] = [];
  const err = await expectError(
    () =>
      trainModel(model, blobs(64, 1), {
        epochs: 6,
        seed: 1,
        learningRate: 0.01,
        phase: 'head',
        // the weights are poisoned in the TF.js model mid-epoch: on the ONNX engine the weights live
        // in onnxruntime until the epoch ends (its divergence test is in train.test.ts)
        engine: 'tfjs',
        // a weight turns NaN during epoch 3 while the loss may still look finite (as wasm's clipByValue makes it)
        onStep: (done) => {
          if (seen.length === 2 && done === 1) {
            const w = model.layers.at(-1)!.getWeights();
            const poisoned = tf.fill(w[1].shape, NaN);
            model.layers.at(-1)!.setWeights([w[0], poisoned]);
            poisoned.dispose();
          }
        },
        onEpoch: (r) => void seen.push(r.epoch),
      }),
    'TRAINING_DIVERGED',
    [/head epoch 3/, /learning rate 0\.01/],
  );
  assert.match(err.hint ?? '', /learningRate/);
  assert.deepEqual(seen, [1, 2], 'onEpoch ran only for the finite epochs');
  model.dispose();
});

test('the CLI exits non-zero when training diverges', async () => {
  const out = join(root, 'cli-diverged');
  const res = await cli('fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', 'builtin:iris', '--lr', '1e20', '--epochs', '5', '--out', out);
  assert.notEqual(res.code, 0, `exit code 0; stdout: ${res.stdout}`);
  assert.match(res.stderr + res.stdout, /diverged/i);
});

test('a saved model that does not reproduce the trained one is SAVED_MODEL_MISMATCH; a faithful one passes', async () => {
  const data = blobs(40, 2);
  const features = { kind: 'tabular' as const, numeric: [{ name: 'a', mean: 0, std: 1 }, { name: 'b', mean: 0, std: 1 }], categorical: [] };
  const model = buildMlp(2, 2, { seed: 1 });
  const dir = join(root, 'verify');
  await saveModel(model, dir, { classes: ['x', 'y'], features });
  await verifySavedModel(dir, model, { features, train: data });
  // another model saved in its place: predictions differ
  const other = buildMlp(2, 2, { seed: 7 });
  await saveModel(other, dir, { classes: ['x', 'y'], features });
  await expectError(() => verifySavedModel(dir, model, { features, train: data }), 'SAVED_MODEL_MISMATCH', [/probability/]);
  // preprocessing that JSON cannot hold (std Infinity would be saved as null)
  const broken = { ...features, numeric: [{ name: 'a', mean: 0, std: Infinity }, { name: 'b', mean: 0, std: 1 }] };
  await expectError(() => verifySavedModel(dir, other, { features: broken, train: data }), 'SAVED_MODEL_MISMATCH', [/non-finite/]);
  model.dispose();
  other.dispose();
});

/** An IDX pair of float32 images (28×28, one NaN pixel in image `nanAt`) and their labels. */
async function floatIdx(n: number, nanAt: number): Promise<string> {
  const h = 4;
  const w = 4;
  const img = Buffer.alloc(4 + 12 + n * h * w * 4);
  img.writeUInt32BE(0x00000d03, 0);
  img.writeUInt32BE(n, 4);
  img.writeUInt32BE(h, 8);
  img.writeUInt32BE(w, 12);
  for (let i = 0; i < n * h * w; i++) img.writeFloatBE(((i * 7) % 13) / 13, 16 + i * 4);
  img.writeFloatBE(NaN, 16 + (nanAt * h * w + 5) * 4);
  const lab = Buffer.alloc(8 + n);
  lab.writeUInt32BE(0x00000801, 0);
  lab.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) lab[8 + i] = i % 2;
  const p = join(root, 'float-images-idx3-ubyte');
  await writeFile(p, img);
  await writeFile(join(root, 'float-labels-idx1-ubyte'), lab);
  return p;
}

test('a float32 IDX image with a NaN pixel is refused up front, naming the example', async () => {
  const train = await floatIdx(12, 7);
  // the IDX loader refuses it (float pixels must lie in [0, 1]), before any feature is made
  await expectError(() => fit({ strategy: 'scratch', arch: 'mlp', train, epochs: 1, seed: 1, valFraction: 0 }), 'BAD_IDX', [/image 7\b/, /NaN/]);
});

test('resuming after the training data changed is DATA_CHANGED, before any training', async () => {
  const csv = join(root, 'table.csv');
  const rows = ['a,b,y'];
  for (let i = 0; i < 40; i++) rows.push(`${(i % 2) * 3 + (i % 7) / 7},${(i % 5) / 5},${i % 2 ? 'p' : 'q'}`);
  await writeFile(csv, rows.join('\n') + '\n');
  const out = join(root, 'resume-changed');
  await assert.rejects(
    fit({ strategy: 'scratch', arch: 'logistic', train: csv, label: 'y', out, epochs: 6, patience: 100, seed: 2 }, {
      onEpoch: (r) => {
        if (r.epoch === 2) throw new Error('power cut');
      },
    }),
    /power cut/,
  );
  const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
  assert.match(config.dataFingerprint.train, /^\d+x\d+:[0-9a-f]{16}$/);
  const history = await readFile(join(out, 'history.jsonl'), 'utf8');
  rows[5] = '9,0.5,p';
  await writeFile(csv, rows.join('\n') + '\n');
  let epochs = 0;
  await expectError(() => resumeFit(out, { onEpoch: () => void epochs++ }), 'DATA_CHANGED', [/training data/, /table\.csv/]);
  assert.equal(epochs, 0, 'no epoch trained on the changed data');
  assert.equal(await readFile(join(out, 'history.jsonl'), 'utf8'), history, 'the run folder is untouched');
  // the data restored: the run resumes and finishes
  rows[5] = `${(4 % 2) * 3 + (4 % 7) / 7},${(4 % 5) / 5},q`;
  await writeFile(csv, rows.join('\n') + '\n');
  const res = await resumeFit(out);
  assert.ok(res.resumed);
  res.model.dispose();
});

test('fit on a CSV with a typo is BAD_CSV and leaves no run folder; one huge value trains and saves finite preprocessing', async () => {
  const rows = ['len,width,y'];
  for (let i = 0; i < 60; i++) rows.push(`${(4 + (i % 2) * 2 + (i % 7) / 10).toFixed(1)},${(1 + (i % 5) / 10).toFixed(1)},${i % 2 ? 'p' : 'q'}`);
  const typo = [...rows];
  typo[9] = '4.7O,1.2,q';
  const typoCsv = join(root, 'typo.csv');
  await writeFile(typoCsv, typo.join('\n') + '\n');
  const outTypo = join(root, 'typo-run');
  await expectError(() => fit({ strategy: 'scratch', arch: 'logistic', train: typoCsv, label: 'y', out: outTypo, epochs: 2 }), 'BAD_CSV', [/"len"/, /line 10/]);
  assert.ok(!existsSync(outTypo));
  const declared = await fit({ strategy: 'scratch', arch: 'logistic', train: typoCsv, label: 'y', epochs: 1, columnTypes: { len: 'categorical' } });
  assert.ok(declared.model.features.kind === 'tabular' && declared.model.features.categorical.some((c) => c.name === 'len'));
  declared.model.dispose();

  const big = [...rows];
  big[4] = '1e200,1.3,p';
  const bigCsv = join(root, 'big.csv');
  await writeFile(bigCsv, big.join('\n') + '\n');
  const out = join(root, 'big-run');
  const res = await fit({ strategy: 'scratch', arch: 'logistic', train: bigCsv, label: 'y', out, epochs: 3, seed: 1 });
  const meta = JSON.parse(await readFile(join(out, 'model', 'transferkit.json'), 'utf8'));
  for (const c of meta.features.numeric) assert.ok(Number.isFinite(c.mean) && Number.isFinite(c.std), JSON.stringify(c));
  res.model.dispose();
});
