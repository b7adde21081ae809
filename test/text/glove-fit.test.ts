import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { explainModel } from '../../src/explain/model/explain-model.ts';
import { evaluateModel } from '../../src/models/evaluate.ts';
import { loadModelRef } from '../../src/models/load.ts';
import { predictDataset } from '../../src/models/predict.ts';
import { loadWordVectors, saveWordVectors } from '../../src/models/text/word-vectors.ts';
import { fit } from '../../src/transfer/fit.ts';
import { createRng } from '../../src/util/random.ts';
import { expectError } from '../data/helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'glove-mini', 'glove-mini.json');
const root = await mkdtemp(join(tmpdir(), 'tk-glove-fit-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));
const vectors = join(root, 'mini.tkwv');
await saveWordVectors(await loadWordVectors(FIXTURE), vectors);

// spam and ham share filler words; each class has its own topic words
const rng = createRng(5);
const spam = ['free', 'money', 'winner', 'cash', 'prize', 'offer'];
const ham = ['meeting', 'agenda', 'project', 'lunch', 'report', 'team'];
const filler = ['the', 'for', 'today', 'please', 'see', 'with'];
const lines: string[] = [];
for (let i = 0; i < 40; i++) {
  const isSpam = i % 2 === 0;
  const pool = isSpam ? spam : ham;
  lines.push(JSON.stringify({ text: [pool[rng.int(6)], filler[rng.int(6)], pool[rng.int(6)], filler[rng.int(6)]].join(' '), label: isSpam ? 'spam' : 'ham' }));
}
const train = join(root, 'train.jsonl');
await writeFile(train, lines.join('\n') + '\n');
const probe = join(root, 'probe.jsonl');
await writeFile(probe, [JSON.stringify({ text: "Don't miss: FREE Cash for the Winner!", label: 'spam' }), JSON.stringify({ text: 'Team lunch after the project meeting', label: 'ham' })].join('\n') + '\n');

test('extract on word vectors: trains, saves a small self-contained model, predicts, evaluates and explains over the words as written', async () => {
  const before = tf.memory().numTensors;
  const out = join(root, 'extract');
  const res = await fit({ base: vectors, strategy: 'extract', pooling: 'sif', maxTokens: 16, train, out, seed: 1 });
  assert.equal(res.train.accuracy, 1);
  assert.ok(res.totalParams < 30 * 100 + 1000, `the embedding holds only the training words: ${res.totalParams} parameters`);
  res.model.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  const meta = JSON.parse(await readFile(join(out, 'model', 'transferkit.json'), 'utf8'));
  assert.equal(meta.features.kind, 'text');
  assert.equal(meta.features.tokens.maxLength, 16);
  assert.ok(meta.features.tokens.vocabulary.includes('winner') && meta.features.tokens.vocabulary.length <= 18);
  assert.ok((await stat(join(out, 'model', 'weights.bin'))).size < 20_000, 'saved model stays small');

  const m = await evaluateModel({ model: out, data: probe });
  assert.equal(m.accuracy, 1);
  const p = await predictDataset({ model: out, data: probe });
  assert.deepEqual(p.predictions.map((r) => r.label), ['spam', 'ham']);

  const shap = await explainModel({ model: out, data: probe, method: 'shap', className: 'spam' });
  assert.ok(shap.kind === 'shapley');
  const r = shap.rows[0];
  assert.deepEqual(r.features, ["Don't", 'miss', 'FREE', 'Cash', 'for', 'the', 'Winner', '!'], 'tokens as the user wrote them');
  const top = r.features![r.values.indexOf(Math.max(...r.values))];
  assert.ok(['FREE', 'Cash', 'Winner'].includes(top), `a spam word gets the most credit, got ${top}`);
  assert.ok(Math.abs(r.baseValue + r.values.reduce((a, b) => a + b, 0) - r.output) < 1e-6, 'efficiency');
  const lime = await explainModel({ model: out, data: probe, method: 'lime', className: 'ham', rows: [1], seed: 2 });
  assert.ok(lime.kind === 'lime');
  assert.deepEqual(lime.rows[0].features, ['Team', 'lunch', 'after', 'the', 'project', 'meeting']);
});

test('finetune on word vectors: the embedding trains in a second phase on TF.js (the ONNX engine says why it cannot)', async () => {
  const withUnknown = join(root, 'train-unknown.jsonl');
  await writeFile(withUnknown, lines.join('\n') + '\n' + JSON.stringify({ text: 'Qqqz zzzq!', label: 'spam' }) + '\n');
  const res = await fit({ base: vectors, strategy: 'finetune', train: withUnknown, seed: 1, epochs: 5, finetuneEpochs: 3, maxTokens: 8 });
  try {
    assert.ok(res.warnings.some((w) => /1 of 41 training texts have no word the word vectors know/.test(w)), res.warnings.join('; '));
    assert.equal(res.engines.finetune, 'tfjs');
    assert.match(res.engineFallback ?? '', /word_embedding.*Embedding/);
    assert.equal(res.trainableParams, res.totalParams, 'the embedding is unfrozen');
    assert.ok(res.train.accuracy >= 0.9);
  } finally {
    res.model.dispose();
  }
});

test('word-vector mistakes are clear errors', async () => {
  const empty = join(root, 'empty.jsonl');
  await writeFile(empty, [JSON.stringify({ text: 'qqqz', label: 'a' }), JSON.stringify({ text: '...', label: 'b' })].join('\n') + '\n');
  await expectError(() => fit({ base: vectors, strategy: 'extract', train: empty }), 'EMPTY_TEXT', [/None of the 2 training texts/]);
  await expectError(() => fit({ base: vectors, strategy: 'extract', train: 'builtin:iris' }), 'KIND_MISMATCH', [/base for text/]);
  await expectError(() => fit({ base: vectors, strategy: 'extract', train, pooling: 'cls' }), 'BAD_OPTION', [/CLS/]);
  await expectError(() => fit({ base: 'fashion-cnn', strategy: 'extract', train, pooling: 'sif' }), 'BAD_OPTION', [/word vectors/]);
  await expectError(() => fit({ base: join(root, 'nope.tkwv'), strategy: 'extract', train }), 'UNKNOWN_EMBEDDINGS', [/nope\.tkwv/]);
  // compare, curve, fewshot … load a model: word vectors there say they are a base for fit only
  for (const ref of ['glove-100d', vectors]) {
    await assert.rejects(loadModelRef(ref), (e: Error & { code?: string; hint?: string }) => e.code === 'UNSUPPORTED_MODEL' && /word vectors, not a model.*base for `fit` only/.test(e.message) && e.hint!.includes(`\`transferkit fit --base ${ref} `));
  }
});
