import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildCnn, buildMlp } from '../../src/models/architectures.ts';
import { checkInputShape, loadModel, saveModel, weightGroupBytes } from '../../src/models/io.ts';
import { TransferkitError } from '../../src/errors.ts';

let root: string;
before(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'tk-io-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const meta = { classes: ['a', 'b', 'c'], features: { kind: 'tabular', columns: ['w', 'x', 'y', 'z'] }, name: 'tiny', source: { base: 'none', strategy: 'scratch' } };
const xs = () => tf.randomNormal([5, 4], 0, 1, 'float32', 11);

async function predict(model: tf.LayersModel, x: tf.Tensor): Promise<number[]> {
  const y = model.predict(x) as tf.Tensor;
  const v = Array.from(await y.data());
  y.dispose();
  return v;
}

async function rejectsCode(p: Promise<unknown>, code: string): Promise<TransferkitError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof TransferkitError, `expected TransferkitError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

async function savedMlp(name: string): Promise<string> {
  const dir = join(root, name);
  const model = buildMlp(4, 3, { hidden: [8], seed: 1 });
  await saveModel(model, dir, meta);
  model.dispose();
  return dir;
}

describe('saveModel / loadModel', () => {
  test('round trip keeps predictions and metadata; saving again replaces the folder', async () => {
    const dir = join(root, 'cnn');
    const model = buildCnn([8, 8, 1], 3, { seed: 4 });
    // Give BN non-default moving statistics so they must round-trip too.
    model.getLayer('bn1').setWeights(model.getLayer('bn1').getWeights().map((w, i) => tf.fill(w.shape, 0.1 * (i + 1))));
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 3);
    const expected = await predict(model, x);

    const written = await saveModel(model, dir, meta);
    assert.deepEqual((await readdir(dir)).sort(), ['model.json', 'transferkit.json', 'weights.bin']);
    const loaded = await loadModel(dir);
    assert.deepEqual(await predict(loaded.model, x), expected);
    assert.equal(loaded.dir, dir);
    assert.deepEqual(loaded.meta, written);
    assert.equal(loaded.meta!.format, 'transferkit-model@1');
    assert.deepEqual(loaded.meta!.classes, ['a', 'b', 'c']);
    assert.deepEqual(loaded.meta!.features, meta.features);
    assert.ok(!Number.isNaN(Date.parse(loaded.meta!.createdAt)));
    assert.deepEqual(loaded.model.layers.map((l) => l.name), model.layers.map((l) => l.name));

    // Second save over the same folder, with other weights and metadata.
    const other = buildCnn([8, 8, 1], 3, { seed: 5 });
    await saveModel(other, dir, { ...meta, name: 'second', createdAt: '2024-01-01T00:00:00.000Z' });
    const again = await loadModel(join(dir, 'model.json'));
    assert.deepEqual(await predict(again.model, x), await predict(other, x));
    assert.equal(again.meta!.name, 'second');
    assert.equal(again.meta!.createdAt, '2024-01-01T00:00:00.000Z');
    assert.deepEqual((await readdir(root)).filter((n) => n.includes('cnn')), ['cnn'], 'no temporary or old folders left');
    x.dispose();
    for (const m of [model, other, loaded.model, again.model]) m.dispose();
  });

  test('refuses to replace a folder that is not a model, and mismatched classes', async () => {
    const dir = join(root, 'notes');
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    const model = buildMlp(4, 3, { seed: 0 });
    await rejectsCode(saveModel(model, dir, meta), 'NOT_A_MODEL_FOLDER');
    assert.equal(await readFile(join(dir, 'notes.txt'), 'utf8'), 'keep me');
    await rejectsCode(saveModel(model, join(root, 'mismatch'), { ...meta, classes: ['a', 'b'] }), 'SHAPE_MISMATCH');
    model.dispose();
  });

  test('truncated or oversized weights → CORRUPT_WEIGHTS before any model is built', async () => {
    const dir = await savedMlp('truncated');
    const full = (await readFile(join(dir, 'weights.bin'))).byteLength;
    await truncate(join(dir, 'weights.bin'), full - 10);
    const tensors = tf.memory().numTensors;
    const err = await rejectsCode(loadModel(dir), 'CORRUPT_WEIGHTS');
    assert.match(err.message, new RegExp(`should hold ${full} bytes but holds ${full - 10}`));
    assert.ok(err.where!.endsWith('weights.bin'));
    assert.equal(tf.memory().numTensors, tensors, 'no weights were allocated');

    await writeFile(join(dir, 'weights.bin'), new Uint8Array(full + 4));
    const err2 = await rejectsCode(loadModel(dir), 'CORRUPT_WEIGHTS');
    assert.match(err2.message, /too long/);
  });

  test('missing weights, missing folder, corrupt JSON, graph models', async () => {
    const dir = await savedMlp('broken');
    await unlink(join(dir, 'weights.bin'));
    const missing = await rejectsCode(loadModel(dir), 'MISSING_WEIGHTS');
    assert.match(missing.message, /weights\.bin/);

    const nf = await rejectsCode(loadModel(join(root, 'does-not-exist')), 'MODEL_NOT_FOUND');
    assert.ok(nf.where && nf.hint);
    await mkdir(join(root, 'empty'));
    await rejectsCode(loadModel(join(root, 'empty')), 'MODEL_NOT_FOUND');

    const bad = await savedMlp('badjson');
    const text = await readFile(join(bad, 'model.json'), 'utf8');
    await writeFile(join(bad, 'model.json'), text.slice(0, text.length / 2));
    const corrupt = await rejectsCode(loadModel(bad), 'CORRUPT_MODEL');
    assert.ok(corrupt.where!.endsWith('model.json'));

    const graph = join(root, 'graph');
    await mkdir(graph);
    await writeFile(join(graph, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
    const g = await rejectsCode(loadModel(graph), 'UNSUPPORTED_MODEL');
    assert.match(g.message, /graph model/);
  });

  test('loads weights split over several shards', async () => {
    const dir = await savedMlp('sharded');
    const x = xs();
    const expected = await predict((await loadModel(dir)).model, x);
    const bytes = await readFile(join(dir, 'weights.bin'));
    const cut = 37; // not aligned to any weight boundary, like TF.js' fixed-size shards
    await writeFile(join(dir, 'group1-shard1of2.bin'), bytes.subarray(0, cut));
    await writeFile(join(dir, 'group1-shard2of2.bin'), bytes.subarray(cut));
    await unlink(join(dir, 'weights.bin'));
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    assert.equal(weightGroupBytes(json.weightsManifest[0].weights), bytes.byteLength);

    const loaded = await loadModel(dir);
    assert.deepEqual(await predict(loaded.model, x), expected);

    await unlink(join(dir, 'group1-shard2of2.bin'));
    const err = await rejectsCode(loadModel(dir), 'MISSING_WEIGHTS');
    assert.match(err.message, /group1-shard2of2\.bin/);
    x.dispose();
  });
});

describe('checkInputShape', () => {
  test('accepts a match, explains a mismatch', () => {
    const model = buildCnn([28, 28, 1], 2, { seed: 0 });
    checkInputShape(model, [28, 28, 1], 'data/x');
    try {
      checkInputShape(model, [32, 32, 3], 'data/cifar');
      assert.fail('expected SHAPE_MISMATCH');
    } catch (err) {
      assert.ok(err instanceof TransferkitError);
      assert.equal(err.code, 'SHAPE_MISMATCH');
      assert.equal(err.message, 'The model expects inputs of shape [28,28,1] but the data gives [32,32,3].');
      assert.equal(err.where, 'data/cifar');
      assert.match(err.hint!, /28×28/);
    }
    model.dispose();
  });
});
