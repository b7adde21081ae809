import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../src/data/load.ts';
import { samplePerClass } from '../../src/data/split.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { loadTrainedModel } from '../../src/models/trained-model.ts';
import { buildCnn, buildMlp } from '../../src/models/architectures.ts';
import { loadModel, saveModel } from '../../src/models/io.ts';
import { replaceHead } from '../../src/models/surgery.ts';
import { fit, resumeFit } from '../../src/transfer/fit.ts';
import {
  addAdapter,
  applyLora,
  attachAdapter,
  countTrainable,
  isLoraLayer,
  listAdapters,
  loadAdapter,
  loraFingerprint,
  loraLayers,
  mergeAdapter,
  mergedModel,
  modelFingerprint,
  saveAdapter,
  setActiveAdapter,
  unmergeAdapter,
} from '../../src/transfer/lora/index.ts';
import { trainModel, type TensorData } from '../../src/transfer/train.ts';
import { predictProbs } from '../../src/models/predict-probs.ts';
import { createRng } from '../../src/util/random.ts';
import { expectError } from '../data/helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-lora-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

const rng = createRng(11);
const images = (n: number): TensorData => ({
  x: Float32Array.from({ length: n * 784 }, () => rng.next()),
  shape: [n, 28, 28, 1],
  y: Int32Array.from({ length: n }, (_, i) => i % 10),
});
const x8 = images(8);
const probs = (m: tf.LayersModel, d: { x: Float32Array; shape: number[] } = x8) => predictProbs(m, d);
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
/** Gives every adapter B random values, so the adapters change the outputs. */
function perturb(model: tf.LayersModel, name: string, seed: number): void {
  for (const l of loraLayers(model)) {
    const w = l.adapterWeights(name);
    if (!w) continue;
    const v = tf.randomNormal(w.b.shape as number[], 0, 0.05, 'float32', seed);
    w.b.write(v);
    v.dispose();
  }
}

test('at initialisation a LoRA model computes exactly what its base computes; only A and B train', () => {
  const base = buildCnn([28, 28, 1], 10, { seed: 3 });
  const before = probs(base);
  const r = 4;
  const lora = applyLora(base, { rank: r, alpha: 8, layers: ['conv2', 'dense1'], seed: 1 });
  assert.deepEqual(probs(lora), before, 'outputs are bit-identical at initialisation');
  assert.equal(countTrainable(lora), r * (3 * 3 * 32 + 64) + r * (3136 + 128), 'Σ r·(in + out); a convolution’s in is kh·kw·channels');
  const withHead = applyLora(base, { rank: r, layers: ['dense1'], train: ['head'], seed: 1 });
  assert.equal(countTrainable(withHead), r * (3136 + 128) + (128 * 10 + 10), 'plus the head when it trains in full');
  assert.deepEqual(probs(base), before, 'the base model is left as it was');
  assert.deepEqual(loraLayers(lora).map((l) => l.name), ['conv2', 'dense1']);
  assert.equal(loraFingerprint(lora), modelFingerprint(base));
  // the default targets: every Dense layer but the output
  assert.deepEqual(loraLayers(applyLora(buildMlp(5, 3, { hidden: [8, 6], seed: 1 }))).map((l) => l.name), ['dense1', 'dense2']);
});

test('merged, unmerged and plain merged copies agree; adapters switch; the model saves and loads', async () => {
  const base = buildCnn([28, 28, 1], 10, { seed: 3 });
  const baseProbs = probs(base);
  const lora = applyLora(base, { rank: 4, layers: ['conv2', 'dense1', 'head'], name: 'a', seed: 1 });
  perturb(lora, 'a', 5);
  const pa = probs(lora);
  assert.ok(maxDiff(pa, baseProbs) > 1e-4, 'the perturbed adapter changes the outputs');
  const kernelBefore = loraLayers(lora)[1].kernelVariable.read().dataSync().slice() as Float32Array;

  mergeAdapter(lora);
  assert.ok(maxDiff(probs(lora), pa) < 1e-5, 'merged outputs agree with unmerged ones');
  assert.equal(countTrainable(lora), 0, 'a merged adapter does not train');
  const plain = mergedModel(lora);
  assert.ok(plain.layers.every((l) => !l.getClassName().startsWith('Lora')));
  assert.ok(maxDiff(probs(plain), pa) < 1e-5, 'the plain merged copy agrees');
  await expectError(() => setActiveAdapter(lora, null), 'ADAPTER_MERGED');
  unmergeAdapter(lora);
  assert.ok(maxDiff(loraLayers(lora)[1].kernelVariable.read().dataSync() as Float32Array, kernelBefore) < 1e-6, 'unmerging restores the kernel');
  const pa2 = probs(lora); // a's outputs after merge + unmerge (equal up to rounding)
  assert.ok(maxDiff(pa2, pa) < 1e-5);

  addAdapter(lora, { name: 'b', rank: 2, layers: ['dense1'], seed: 2 });
  assert.equal(listAdapters(lora).active, 'b');
  assert.equal(countTrainable(lora), 2 * (3136 + 128), 'only the active adapter trains');
  assert.ok(maxDiff(probs(lora), baseProbs) < 1e-6, 'a fresh adapter is a no-op (up to the rounding of merge + unmerge)');
  perturb(lora, 'b', 6);
  const pb = probs(lora);
  setActiveAdapter(lora, 'a');
  assert.deepEqual(probs(lora), pa2, 'switching back gives adapter a’s outputs exactly');
  setActiveAdapter(lora, null);
  assert.ok(maxDiff(probs(lora), baseProbs) < 1e-6, 'no active adapter: the base model');
  await expectError(() => setActiveAdapter(lora, 'c'), 'UNKNOWN_ADAPTER', [/"c"/]);
  setActiveAdapter(lora, 'b');

  // a model holding LoRA layers saves and loads like any other (the classes are registered)
  const dir = join(root, 'lora-model');
  await saveModel(lora, dir, { classes: Array.from({ length: 10 }, (_, i) => `c${i}`), features: null });
  const loaded = await loadModel(dir);
  assert.deepEqual(probs(loaded.model), pb);
  assert.deepEqual(listAdapters(loaded.model).adapters.map((a) => [a.name, a.rank, a.layers]), [['a', 4, ['conv2', 'dense1', 'head']], ['b', 2, ['dense1']]]);
  setActiveAdapter(loaded.model, 'a');
  assert.deepEqual(probs(loaded.model), pa2);
});

test('adapters save and load alone, onto the same base only', async () => {
  const base = buildCnn([28, 28, 1], 10, { seed: 3 });
  const model = applyLora(replaceHead(base, 3, { seed: 1 }), { rank: 4, fingerprint: modelFingerprint(base), train: ['head'], seed: 1 });
  perturb(model, 'default', 7);
  const expected = probs(model);
  const dir = join(root, 'adapter');
  const file = await saveAdapter(model, dir, { head: { numClasses: 3 }, meta: { classes: ['a', 'b', 'c'] } });
  assert.deepEqual(file.layers.map((l) => l.layer), ['dense1']);
  assert.deepEqual(file.full.map((f) => f.layer), ['head']);
  assert.equal(file.bytes, 4 * (4 * (3136 + 128) + 128 * 3 + 3), 'A, B and the head, nothing else');

  // onto the bare base it was trained on: the head is rebuilt and every value restored
  const { model: again } = await attachAdapter(buildCnn([28, 28, 1], 10, { seed: 3 }), dir);
  assert.deepEqual(probs(again), expected);
  // into a LoRA model made from the same base, under another name
  const other = applyLora(replaceHead(base, 3, { seed: 9 }), { rank: 4, fingerprint: modelFingerprint(base), train: ['head'], name: 'x', seed: 2 });
  assert.equal(await loadAdapter(other, dir, { name: 'mnist' }), 'mnist');
  assert.deepEqual(probs(other), expected);

  // another base (same architecture, other weights) is refused
  await expectError(() => attachAdapter(buildCnn([28, 28, 1], 10, { seed: 4 }), dir), 'ADAPTER_MISMATCH', [/another base/]);
  const foreign = applyLora(replaceHead(buildCnn([28, 28, 1], 10, { seed: 4 }), 3), { rank: 4, train: ['head'] });
  await expectError(() => loadAdapter(foreign, dir), 'ADAPTER_MISMATCH');
  await truncate(join(dir, 'adapter.bin'), 100);
  await expectError(() => loadAdapter(other, dir), 'CORRUPT_ADAPTER', [/bytes/]);
  await expectError(() => loadAdapter(other, join(root, 'nowhere')), 'ADAPTER_NOT_FOUND');
});

test('LoRA training keeps the base frozen and tf.memory() flat', async () => {
  const base = buildMlp(20, 4, { hidden: [16], seed: 1 });
  const model = applyLora(base, { rank: 2, train: ['head'], seed: 1 });
  const kernel = loraLayers(model)[0].kernelVariable.read().dataSync().slice();
  const n = 32;
  const data: TensorData = { x: Float32Array.from({ length: n * 20 }, () => rng.normal()), shape: [n, 20], y: Int32Array.from({ length: n }, (_, i) => i % 4) };
  await trainModel(model, data, { epochs: 1, seed: 1, batchSize: 8 });
  const counts: number[] = [];
  await trainModel(model, data, { epochs: 10, seed: 1, batchSize: 8, weightDecay: 0.01, onStep: () => counts.push(tf.memory().numTensors) });
  assert.equal(Math.max(...counts), Math.min(...counts), `tensor count varied: ${Math.min(...counts)}..${Math.max(...counts)}`);
  assert.deepEqual(loraLayers(model)[0].kernelVariable.read().dataSync(), kernel, 'the wrapped kernel did not move');
  assert.ok(loraLayers(model)[0].adapterWeights('default')!.b.read().dataSync().some((v) => v !== 0), 'B trained');
});

test('fit --strategy lora trains adapters and head, saves a plain model and the adapter, and resumes', async () => {
  const baseDir = join(root, 'base-cnn');
  const classes = Array.from({ length: 10 }, (_, i) => `c${i}`);
  await saveModel(buildCnn([28, 28, 1], 10, { seed: 3 }), baseDir, { classes, features: { kind: 'image', height: 28, width: 28, channels: 1 } });
  const mnist = await loadDataset('builtin:mnist');
  const digits = { ...samplePerClass(mnist, 4, 1).sample, name: 'mnist-40' };
  const out = join(root, 'lora-run');
  await assert.rejects(
    fit({ base: baseDir, strategy: 'lora', train: 'builtin:mnist', perClass: 4, out, epochs: 3, seed: 1, loraRank: 4, loraAlpha: 8, valFraction: 0, batchSize: 20 }, {
      onEpoch: (r) => {
        if (r.epoch === 2) throw new Error('power cut');
      },
    }),
    /power cut/,
  );
  const res = await resumeFit(out);
  assert.ok(res.resumed);
  assert.equal(res.trainableParams, 4 * (3136 + 128) + 128 * 10 + 10, 'adapters on dense1 + the new head');
  assert.ok(res.trainableParams < res.totalParams / 10);
  assert.ok(res.adapter && existsSync(join(res.adapter, 'adapter.json')));
  for (const f of ['checkpoints/best/model.json', 'checkpoints/last/model.json', 'model/model.json']) assert.ok(existsSync(join(out, f)), f);
  assert.ok(!(await readFile(join(out, 'model', 'model.json'), 'utf8')).includes('LoraDense'), 'the run’s model is a plain model');
  const history = (await readFile(join(out, 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(history.map((h) => `${h.phase}${h.epoch}`), ['lora1', 'lora2', 'lora3']);

  const trained = await loadTrainedModel(out);
  const { model: attached } = await attachAdapter((await loadModel(baseDir)).model, res.adapter);
  assert.ok(maxDiff(probs(attached), probs(trained.model)) < 1e-5, 'base + adapter = the merged run model');
  assert.ok(!res.model.model.layers.some(isLoraLayer), 'the model resumeFit returns is the plain, merged model');
  assert.ok(maxDiff(probs(res.model.model), probs(trained.model)) < 1e-6, 'the same model as the run’s');
  res.model.dispose();
  const pretrained = (await loadModel(baseDir)).model.getLayer('dense1').getWeights()[0].dataSync();
  const checkpoint = await loadModel(join(out, 'checkpoints', 'last'));
  assert.deepEqual(loraLayers(checkpoint.model)[0].kernelVariable.read().dataSync() as Float32Array, pretrained as Float32Array, 'the wrapped base kernel never trained');

  await expectError(() => fit({ base: baseDir, strategy: 'finetune', train: digits, out: join(root, 'bad'), loraRank: 4 }), 'BAD_OPTION', [/strategy: "lora"/]);
  await expectError(() => fit({ base: baseDir, strategy: 'lora', train: digits, out: join(root, 'bad'), loraLayers: ['relu1'] }), 'LORA_UNSUPPORTED', [/relu1/]);
  assert.ok(!existsSync(join(root, 'bad')));
});
