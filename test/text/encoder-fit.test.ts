import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { adapt } from '../../src/adapt/adapt.ts';
import { advise } from '../../src/choose/advisor.ts';
import { crossValidate } from '../../src/choose/kfold.ts';
import { rankSources } from '../../src/choose/rank.ts';
import { explain } from '../../src/explain/model/explain.ts';
import { loadModelRef } from '../../src/models/load.ts';
import { evaluateModel } from '../../src/models/evaluate.ts';
import { predictDataset } from '../../src/models/predict.ts';
import { fit } from '../../src/transfer/fit.ts';

const DIR = 'test/fixtures/tiny-bert';
const ONNX = join(DIR, 'encoder.onnx');
const DATA = join(DIR, 'reviews.jsonl');
let tmp = '';

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tk-encfit-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('loadModelRef: an ONNX text encoder becomes a base whose features are its text vectors', async () => {
  const h = await loadModelRef(ONNX);
  assert.equal(h.encoder?.kind, 'onnx-text-encoder');
  assert.equal(h.encoder?.hidden, 16);
  assert.equal(h.encoder?.onnx, resolve(ONNX));
  assert.equal(h.encoder?.tokenizer, resolve(DIR, 'tokenizer.json'));
  assert.match(h.encoder?.sha256.onnx ?? '', /^[0-9a-f]{64}$/);
  assert.equal(h.features, undefined);
  assert.deepEqual(h.model.inputs[0].shape, [null, 16]);
  h.model.dispose();
});

test('fit on a text set with the tiny encoder: the saved model records the encoder and predicts raw texts as the in-memory one does', async () => {
  const out = join(tmp, 'run');
  const tensors = tf.memory().numTensors;
  const res = await fit({ base: ONNX, strategy: 'extract', train: DATA, epochs: 3, headHidden: [], out, pooling: 'cls' });
  try {
    assert.equal(res.trainSize, 48);
    assert.equal(res.model.features.kind, 'tabular');
    assert.equal(res.model.features.kind === 'tabular' && res.model.features.numeric.map((c) => c.name).join(','), Array.from({ length: 16 }, (_, i) => `enc_${i}`).join(','));
    assert.deepEqual(res.model.model.inputs[0].shape, [null, 16]);
    const meta = JSON.parse(await readFile(join(out, 'model', 'transferkit.json'), 'utf8'));
    assert.equal(meta.encoder.pooling, 'cls');
    assert.equal(meta.encoder.onnx, resolve(ONNX));
    const mem = await predictDataset({ model: res.model, data: DATA });
    const saved = await predictDataset({ model: out, data: DATA });
    assert.equal(saved.predictions.length, 48);
    saved.predictions.forEach((p, i) => {
      assert.equal(p.label, mem.predictions[i].label);
      p.probabilities.forEach((q, k) => assert.ok(Math.abs(q - mem.predictions[i].probabilities[k]) < 1e-5));
    });
    const m = await evaluateModel({ model: out, data: DATA });
    assert.ok(m.accuracy >= 0 && m.accuracy <= 1);
    assert.equal(m.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0), 48);
    // LIME over the user's words (not over enc_* features)
    const e = await explain({ model: out, data: DATA, method: 'lime', rows: [0], nsamples: 200 });
    const row = (e as unknown as { rows: Array<{ features: string[]; weights: number[] }> }).rows[0];
    const first = JSON.parse((await readFile(DATA, 'utf8')).split('\n')[0]).text as string;
    assert.deepEqual([...row.features].sort(), [...new Set(first.replace(/[.!]/g, '').split(' '))].sort());
    assert.equal(row.weights.length, row.features.length);
    // efficiency against predict: with every word kept the masker gives back the original text
    // (punctuation included), so base + Σφ is the prediction on the text the encoder saw
    const shap = await explain({ model: out, data: DATA, method: 'shap', rows: [0], link: 'identity' });
    assert.ok(shap.kind === 'shapley');
    const s0 = shap.rows[0];
    const k = saved.classes.indexOf(s0.class);
    assert.ok(Math.abs(s0.baseValue + s0.values.reduce((a, b) => a + b, 0) - s0.output) < 1e-6, 'efficiency');
    assert.ok(Math.abs(s0.output - saved.predictions[0].probabilities[k]) < 1e-5, `SHAP output ${s0.output} is predict's ${saved.predictions[0].probabilities[k]}`);
    // evaluate --kfold refits the run's recipe on the texts (the encoder reads them itself)
    const cv = await crossValidate({ run: out, data: DATA, k: 2 });
    assert.equal(cv.folds.length, 2);
    assert.ok(cv.pooledAccuracy >= 0 && cv.pooledAccuracy <= 1);
  } finally {
    res.model.dispose();
  }
  assert.equal(tf.memory().numTensors, tensors, 'the stand-in base, the head and every prediction are freed');
});

test('strategies that would train the encoder are refused with ENCODER_FROZEN; non-text data with KIND_MISMATCH', async () => {
  await assert.rejects(fit({ base: ONNX, strategy: 'finetune', train: DATA }), { code: 'ENCODER_FROZEN' });
  await assert.rejects(fit({ base: ONNX, strategy: 'extract', train: 'builtin:iris' }), (err: Error & { code?: string }) => err.code === 'KIND_MISMATCH' && /ONNX text encoder, which takes texts/.test(err.message));
});

test('rank lists an ONNX text encoder with finite scores on its 16 features', async () => {
  const r = await rankSources({ candidates: [ONNX], train: DATA });
  assert.equal(r.ranking.length, 1);
  assert.equal(r.ranking[0].dims, 16);
  assert.equal(r.ranking[0].rank, 1);
  assert.ok(Number.isFinite(r.ranking[0].scores.logme));
  assert.equal(r.examples, 48);
});

test('a model whose encoder file changed or moved says so (ENCODER_NOT_FOUND)', async () => {
  const out = join(tmp, 'moved');
  (await fit({ base: ONNX, strategy: 'extract', train: DATA, epochs: 1, headHidden: [], out })).model.dispose();
  // train on a copy, then change the copy
  await copyFile(ONNX, join(tmp, 'encoder.onnx'));
  await copyFile(join(DIR, 'tokenizer.json'), join(tmp, 'tokenizer.json'));
  const out2 = join(tmp, 'copy');
  (await fit({ base: join(tmp, 'encoder.onnx'), strategy: 'extract', train: DATA, epochs: 1, headHidden: [], out: out2 })).model.dispose();
  await writeFile(join(tmp, 'tokenizer.json'), (await readFile(join(DIR, 'tokenizer.json'), 'utf8')).replace('"hello"', '"hullo"'));
  await assert.rejects(predictDataset({ model: out2, data: DATA }), (err: Error & { code?: string }) => err.code === 'ENCODER_NOT_FOUND' && /changed/.test(err.message));
  await rm(join(tmp, 'encoder.onnx'));
  await assert.rejects(predictDataset({ model: out2, data: DATA }), (err: Error & { code?: string }) => err.code === 'ENCODER_NOT_FOUND' && /not there/.test(err.message));
  // the untouched fixture still works
  assert.equal((await predictDataset({ model: out, data: DATA })).predictions.length, 48);
});

test('advise and adapt take an ONNX text encoder as the base; the adapted model predicts raw texts', async () => {
  const a = await advise({ base: ONNX, train: DATA });
  assert.equal(a.plan.strategy, 'extract');
  assert.equal(a.size.examples, 48);
  const out = join(tmp, 'adapted');
  const res = await adapt({ source: DATA, target: DATA, base: ONNX, method: 'coral', out });
  assert.equal(res.kind, 'tabular');
  assert.equal(res.features.dims, 16);
  assert.ok(res.after && Number.isFinite(res.after.accuracy));
  const meta = JSON.parse(await readFile(join(out, 'model', 'transferkit.json'), 'utf8'));
  assert.equal(meta.encoder.hidden, 16);
  assert.equal((await predictDataset({ model: out, data: DATA })).predictions.length, 48);
});
