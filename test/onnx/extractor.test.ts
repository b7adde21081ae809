import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { convertOnnx } from '../../src/models/onnx/convert.ts';
import { createOnnxExtractor } from '../../src/models/onnx/extractor.ts';
import { parseOnnx } from '../../src/models/onnx/read.ts';
import { expectError } from '../data/helpers.ts';
import { mobileNetModel, residualModel } from './build-models.ts';
import { maxAbsDiff, nchwToNhwc, randomInput, runOrt } from './helpers.ts';

tf.env().set('PROD', true);
await tf.setBackend('cpu');
const root = await mkdtemp(join(tmpdir(), 'tk-onnx-extract-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));
const file = join(root, 'mobilenet.onnx');
const bytes = mobileNetModel();
await writeFile(file, bytes);

test('onnxruntime-node runs on the CPU binary shipped in the npm package (no install script)', async () => {
  const pkg = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  if (process.platform === 'linux') {
    assert.ok(existsSync(join(pkg, 'bin', 'napi-v6', 'linux', arch, 'onnxruntime_binding.node')), 'the binding ships in the package');
    assert.ok(existsSync(join(pkg, 'bin', 'napi-v6', 'linux', arch, 'libonnxruntime.so.1')), 'libonnxruntime ships in the package');
  }
  const ex = await createOnnxExtractor(file);
  assert.deepEqual(ex.taps, ['logits']);
  assert.equal(ex.threads, 1);
  assert.equal(ex.spinning, false);
  const [out] = await ex.extract(new Float32Array(2 * 3 * 32 * 32).fill(0.5), [2, 3, 32, 32]);
  assert.deepEqual(out.shape, [2, 10]);
  await ex.dispose();
});

test('taps read inner nodes with the right shapes and values; several taps concatenate; batching does not change results', async () => {
  const n = 5;
  const x = randomInput(n * 3 * 32 * 32, 11);
  const ex = await createOnnxExtractor(file, { taps: ['conv0_relu6', 'pw0_relu6_out', 'logits'], batchSize: 2 });
  assert.deepEqual(ex.taps, ['conv0_relu6_out', 'pw0_relu6_out', 'logits'], 'a node name means its first output');
  const feats = await ex.extract(x, [n, 3, 32, 32]);
  assert.deepEqual(feats.map((f) => f.shape), [[n, 8, 16, 16], [n, 16, 8, 8], [n, 10]]);
  const full = await runOrt(bytes, 'images', x, [n, 3, 32, 32]);
  assert.ok(maxAbsDiff(feats[2].x, full.logits.data) < 1e-6, 'the final tap equals the full model output');
  assert.ok(feats[0].x.every((v) => v >= 0 && v <= 6), 'a Relu6 tap is clipped to [0, 6]');
  // An independent reference for the inner tap: the same layer of the converted TF.js model (NHWC → NCHW).
  const { model } = await convertOnnx(parseOnnx(bytes, 'mobilenet.onnx'));
  const inner = tf.tidy(() => {
    const cut = tf.model({ inputs: model.inputs, outputs: model.getLayer('pw0_relu6').output as tf.SymbolicTensor });
    return tf.transpose(cut.predict(tf.tensor(nchwToNhwc(x, [n, 3, 32, 32]), [n, 32, 32, 3])) as tf.Tensor, [0, 3, 1, 2]).dataSync();
  });
  model.dispose();
  assert.ok(maxAbsDiff(inner, feats[1].x) < 1e-4, 'the inner tap equals the converted model cut at that layer');

  const all = await createOnnxExtractor(file, { taps: ['conv0_relu6_out', 'pw0_relu6_out', 'logits'], batchSize: 64 });
  const once = await all.extract(x, [n, 3, 32, 32]);
  once.forEach((f, i) => assert.ok(maxAbsDiff(f.x, feats[i].x) < 1e-6, `tap ${i}: batch size does not matter`));
  const [cat] = await all.extract(x, [n, 3, 32, 32], { concat: true });
  assert.deepEqual(cat.shape, [n, 8 * 16 * 16 + 16 * 8 * 8 + 10]);
  const per = cat.shape[1];
  for (const i of [0, n - 1]) {
    const row = cat.x.subarray(i * per, (i + 1) * per);
    assert.deepEqual(row.subarray(0, 2048), feats[0].x.subarray(i * 2048, (i + 1) * 2048));
    assert.deepEqual(row.subarray(2048 + 1024), feats[2].x.subarray(i * 10, (i + 1) * 10));
  }
  // A shallow tap alone prunes the rest of the graph and still gives the same values.
  const shallow = await createOnnxExtractor(file, { taps: ['conv0_relu6_out'] });
  const [s] = await shallow.extract(x, [n, 3, 32, 32]);
  assert.ok(maxAbsDiff(s.x, feats[0].x) < 1e-6);
  await Promise.all([ex.dispose(), all.dispose(), shallow.dispose()]);
});

test('threads=2 and spinning give the same features; NHWC input is transposed; a fixed batch of 1 is handled', async () => {
  const n = 3;
  const x = randomInput(n * 3 * 32 * 32, 12);
  const one = await createOnnxExtractor(file, { taps: ['pw0_relu6_out'] });
  const two = await createOnnxExtractor(file, { taps: ['pw0_relu6_out'], threads: 2, spinning: true });
  assert.equal(two.threads, 2);
  const [a] = await one.extract(x, [n, 3, 32, 32]);
  const [b] = await two.extract(x, [n, 3, 32, 32]);
  assert.ok(maxAbsDiff(a.x, b.x) < 1e-5);

  const nhwc = await createOnnxExtractor(file, { taps: ['pw0_relu6_out'], inputLayout: 'nhwc' });
  const [c] = await nhwc.extract(nchwToNhwc(x, [n, 3, 32, 32]), [n, 32, 32, 3]);
  assert.ok(maxAbsDiff(a.x, c.x) < 1e-6);
  await expectError(() => one.extract(nchwToNhwc(x, [n, 3, 32, 32]), [n, 32, 32, 3]), 'SHAPE_MISMATCH', [/\[3, 32, 32\]/], undefined).then((e) => assert.match(e.hint ?? '', /nhwc/));

  const fixed = parseOnnx(residualModel({ batch: 1 }), 'fixed-batch.onnx');
  const fx = await createOnnxExtractor(fixed, { taps: ['gap', 'logits'], concat: true });
  const xr = randomInput(n * 3 * 16 * 16, 13);
  const [fr] = await fx.extract(xr, [n, 3, 16, 16]);
  assert.deepEqual(fr.shape, [n, 8 + 5]);
  const ref = await runOrt(residualModel({ batch: 1 }), 'input', xr.subarray(2 * 768, 3 * 768), [1, 3, 16, 16]);
  assert.ok(maxAbsDiff(fr.x.subarray(2 * 13 + 8), ref.logits.data) < 1e-6, 'the last example runs alone and lands in its row');
  await Promise.all([one.dispose(), two.dispose(), nhwc.dispose(), fx.dispose()]);
  await expectError(() => one.extract(x, [n, 3, 32, 32]), 'DISPOSED');
});

test('an unknown tap lists candidate node outputs; bad options are errors', async () => {
  const err = await expectError(() => createOnnxExtractor(file, { taps: ['pw0_relu'] }), 'UNKNOWN_LAYER', [/"pw0_relu"/]);
  assert.match(err.hint ?? '', /pw0_relu6_out/);
  assert.match(err.hint ?? '', /transferkit inspect/);
  await expectError(() => createOnnxExtractor(file, { threads: 0 }), 'BAD_OPTION');
  await expectError(() => createOnnxExtractor(join(root, 'missing.onnx')), 'MODEL_NOT_FOUND');
  const trunc = join(root, 'trunc.onnx');
  await writeFile(trunc, bytes.subarray(0, bytes.length >> 1));
  await expectError(() => createOnnxExtractor(trunc), 'CORRUPT_MODEL', [/truncated|ends early/]);
});
