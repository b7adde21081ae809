import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { loadModel } from '../../src/models/io.ts';
import { replaceHead } from '../../src/models/surgery.ts';
import { OnnxGraphBuilder } from '../../src/models/onnx/builder.ts';
import { convertOnnx, convertOnnxToDir } from '../../src/models/onnx/convert.ts';
import { parseOnnx } from '../../src/models/onnx/read.ts';
import { keepBatchNormInInference } from '../../src/models/surgery.ts';
import { trainModel } from '../../src/transfer/train.ts';
import { createRng } from '../../src/util/random.ts';
import { expectError } from '../data/helpers.ts';
import { mlpModel, mobileNetModel, opsModel, residualModel, unsupportedOpModel } from './build-models.ts';
import { maxAbsDiff, nchwToNhwc, randomInput, runOrt } from './helpers.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-onnx-convert-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

/** Converts `bytes`, runs both engines on the same random input, returns the max abs error. */
async function parity(bytes: Uint8Array, shape: number[], seed: number, scale = 1): Promise<{ err: number; model: tf.LayersModel; refMax: number }> {
  const onnx = parseOnnx(bytes, 'test.onnx');
  const { model } = await convertOnnx(onnx);
  const x = randomInput(shape.reduce((p, d) => p * d, 1), seed, scale);
  const ref = (await runOrt(bytes, onnx.inputs[0].name, x, shape))[onnx.outputs[0].name];
  const tfShape = shape.length === 4 ? [shape[0], shape[2], shape[3], shape[1]] : shape;
  const got = tf.tidy(() => {
    const y = model.predict(tf.tensor(shape.length === 4 ? nchwToNhwc(x, shape) : x, tfShape)) as tf.Tensor;
    return (y.rank === 4 ? tf.transpose(y, [0, 3, 1, 2]) : y).dataSync(); // 4-D outputs are NHWC
  });
  return { err: maxAbsDiff(ref.data, got), model, refMax: Math.max(...ref.data.map(Math.abs)) };
}

test('ResNet-style, MobileNet-style, MLP and mixed-op models match onnxruntime within 1e-4', async () => {
  const cases: Array<[string, Uint8Array, number[]]> = [
    ['residual block', residualModel(), [4, 3, 16, 16]],
    ['mobilenet stack (2 blocks)', mobileNetModel({ blocks: 2 }), [3, 3, 32, 32]],
    ['mlp', mlpModel(), [7, 6]],
    ['grouped conv / affine / concat / reshape ops', opsModel(), [3, 4, 8, 8]],
  ];
  const before = tf.memory().numTensors;
  for (const [name, bytes, shape] of cases) {
    for (const seed of [1, 2]) {
      const { err, model, refMax } = await parity(bytes, shape, seed, 2);
      assert.ok(refMax > 1e-3, `${name}: the reference output is not trivially zero`);
      assert.ok(err <= 1e-4, `${name} (seed ${seed}): max abs error ${err}`);
      model.dispose();
    }
  }
  assert.equal(tf.memory().numTensors, before, 'conversion leaves no tensors behind once the models are disposed');
});

test('the converted model takes NHWC examples, has image metadata, keeps layer names and saves/loads', async () => {
  const file = join(root, 'mobilenet.onnx');
  const bytes = mobileNetModel();
  await writeFile(file, bytes);
  const out = join(root, 'mobilenet-tfjs');
  const { result, meta } = await convertOnnxToDir(file, out);
  assert.deepEqual(result.inputShape, [32, 32, 3]);
  assert.deepEqual(result.outputShape, [10]);
  assert.deepEqual(meta.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.deepEqual(meta.features, { kind: 'image', height: 32, width: 32, channels: 3 });
  assert.equal(result.layerOf['dw0_relu6_out'], 'dw0_relu6');
  assert.equal(result.layerOf['logits'], 'fc');
  assert.ok(result.model.getLayer('dw0') instanceof tf.layers.Layer);
  assert.equal(result.model.getLayer('dw0').getClassName(), 'DepthwiseConv2D');
  assert.equal(result.model.getLayer('dw0_pad').getClassName(), 'ZeroPadding2D', 'ONNX pads (1,1) at stride 2 are not TF "same" (0,1)');
  assert.equal(result.model.getLayer('pw0').getClassName(), 'Conv2D');
  const saved = JSON.parse(await readFile(join(out, 'transferkit.json'), 'utf8'));
  assert.equal(saved.onnx.opset, 13);

  const loaded = await loadModel(out);
  const x = randomInput(2 * 32 * 32 * 3, 9);
  const [a, b] = [result.model, loaded.model].map((m) => tf.tidy(() => (m.predict(tf.tensor(x, [2, 32, 32, 3])) as tf.Tensor).dataSync()));
  assert.ok(maxAbsDiff(a, b) === 0, 'a reloaded model predicts identically');
  const ref = (await runOrt(bytes, 'images', nchwFromNhwc(x, [2, 32, 32, 3]), [2, 3, 32, 32])).logits;
  assert.ok(maxAbsDiff(ref.data, b) <= 1e-4);
  result.model.dispose();
  loaded.model.dispose();
});

test('a converted model fine-tunes: training steps lower the loss, BatchNorm statistics stay put in inference mode', async () => {
  // MLP ending in Softmax: train the converted model as it is.
  const mlp = (await convertOnnx(parseOnnx(mlpModel(), 'mlp.onnx'))).model;
  const rng = createRng(5);
  const n = 96;
  const x = Float32Array.from({ length: n * 6 }, () => rng.normal());
  const y = Int32Array.from({ length: n }, (_, i) => (x[i * 6] + x[i * 6 + 1] > 0 ? 0 : x[i * 6 + 2] > 0 ? 1 : 2));
  const res = await trainModel(mlp, { x, shape: [n, 6], y }, { epochs: 8, seed: 1, learningRate: 0.01, batchSize: 32 });
  const losses = res.history.map((h) => h.loss);
  assert.ok(losses[losses.length - 1] < losses[0] * 0.8, `loss falls: ${losses.map((l) => l.toFixed(3)).join(' → ')}`);
  mlp.dispose();

  // ResNet-style CNN ending in logits: new softmax head (as fit does), fine-tune everything but BatchNorm.
  const base = (await convertOnnx(parseOnnx(residualModel({ size: 8 }), 'res.onnx'))).model;
  const model = replaceHead(base, 3, { seed: 1 });
  keepBatchNormInInference(model);
  const bn = model.getLayer('block_bn1');
  const bnBefore = bn.getWeights().map((w) => w.dataSync().slice());
  const convBefore = model.getLayer('block_conv1').getWeights()[0].dataSync().slice();
  const m = 48;
  const xi = Float32Array.from({ length: m * 8 * 8 * 3 }, () => rng.normal());
  const yi = Int32Array.from({ length: m }, (_, i) => i % 3);
  for (let i = 0; i < m; i++) for (let p = 0; p < 64; p++) xi[(i * 64 + p) * 3 + yi[i]] += 1.5; // class = the brighter channel
  const numTensors = tf.memory().numTensors;
  const r = await trainModel(model, { x: xi, shape: [m, 8, 8, 3], y: yi }, { epochs: 6, seed: 2, learningRate: 0.01, batchSize: 16 });
  assert.equal(tf.memory().numTensors, numTensors, 'training leaks no tensors');
  const l = r.history.map((h) => h.loss);
  assert.ok(l[l.length - 1] < l[0], `loss falls: ${l.map((v) => v.toFixed(3)).join(' → ')}`);
  assert.ok(maxAbsDiff(convBefore, model.getLayer('block_conv1').getWeights()[0].dataSync()) > 0, 'converted conv weights train');
  bn.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), bnBefore[i], 'BatchNorm statistics are unchanged'));
  model.dispose();
});

test('padding: asymmetric pads, MaxPool pads on signed input, SAME_LOWER and ceil_mode', async () => {
  // Asymmetric explicit pads on a conv → ZeroPadding2D; SAME_LOWER → explicit pads; MaxPool pads that equal
  // TF "same" → "same" (no padding layer, so -inf semantics hold on signed input); ceil_mode → "same".
  const b = new OnnxGraphBuilder();
  const x = b.input('x', [1, 2, 9, 9]);
  const w = b.initializer('w', [3, 2, 3, 3], randomInput(54, 3));
  const [c] = b.node('Conv', [x, w], { kernel_shape: [3, 3], pads: [0, 1, 2, 1], strides: [2, 1] }, { name: 'asym' });
  const [c2] = b.node('Conv', [c, b.initializer('w2', [3, 3, 2, 2], randomInput(36, 4))], { kernel_shape: [2, 2], auto_pad: 'SAME_LOWER' }, { name: 'same_lower' });
  const [p] = b.node('MaxPool', [c2], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, { name: 'pool_same' });
  const [q] = b.node('AveragePool', [p], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, { name: 'avg_ceil' });
  b.output(q);
  const bytes = b.toBytes();
  const { err, model } = await parity(bytes, [1, 2, 9, 9], 7, 2);
  assert.ok(err <= 1e-4, `max abs error ${err}`);
  assert.equal(model.getLayer('asym_pad').getClassName(), 'ZeroPadding2D');
  assert.equal((model.getLayer('pool_same').getConfig() as { padding: string }).padding, 'same', 'MaxPool pads (1,1), k3 s2 on 5×9 are TF "same"');
  assert.equal((model.getLayer('avg_ceil').getConfig() as { padding: string }).padding, 'same', 'ceil_mode on 3×5 with k2 s2 is TF "same"');
  model.dispose();
});

test('a model exported with a fixed batch of 1 (Reshape [1, -1]) converts and runs on any batch', async () => {
  const b = new OnnxGraphBuilder();
  const x = b.input('x', [1, 2, 4, 4]);
  const [c] = b.node('Conv', [x, b.initializer('w', [3, 2, 3, 3], randomInput(54, 5)), b.initializer('b', [3], [0.1, -0.2, 0.3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'conv' });
  const [r] = b.node('Reshape', [c, b.initializer('shape', [2], [1, -1], 'int64')], {}, { name: 'to_vector' });
  const [y] = b.node('Gemm', [r, b.initializer('fc', [4, 48], randomInput(192, 6, 0.2))], { transB: 1 }, { name: 'fc' });
  b.output(y);
  const bytes = b.toBytes();
  const { err, model } = await parity(bytes, [1, 2, 4, 4], 3);
  assert.ok(err <= 1e-4, `max abs error ${err}`);
  assert.equal(model.inputs[0].shape[0], null, 'the batch is free after conversion');
  const x3 = randomInput(3 * 32, 8);
  const got = tf.tidy(() => (model.predict(tf.tensor(nchwToNhwc(x3, [3, 2, 4, 4]), [3, 4, 4, 2])) as tf.Tensor).dataSync());
  for (let i = 0; i < 3; i++) {
    const ref = (await runOrt(bytes, 'x', x3.subarray(i * 32, (i + 1) * 32), [1, 2, 4, 4]))[y];
    assert.ok(maxAbsDiff(ref.data, got.subarray(i * 4, (i + 1) * 4)) <= 1e-4);
  }
  model.dispose();
});

test('shape arithmetic as PyTorch exports it (x.view(x.size(0), -1), x.reshape(*x.shape[:2], -1)) is computed while converting', async () => {
  const b = new OnnxGraphBuilder();
  const x = b.input('x', ['N', 2, 4, 4]);
  const [c] = b.node('Conv', [x, b.initializer('w', [3, 2, 3, 3], randomInput(54, 5)), b.initializer('b', [3], [0.1, -0.2, 0.3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'conv' });
  const [relu] = b.node('Relu', [c], {}, { name: 'relu' });
  // x.reshape(x.shape[0], x.shape[1], -1): Shape → Slice [0:2] → Concat with [-1]
  const [s1] = b.node('Shape', [relu], {}, { name: 'shape1' });
  const [nc] = b.node('Slice', [s1, b.initializer('s0', [1], [0], 'int64'), b.initializer('s2', [1], [2], 'int64')], {}, { name: 'first_two' });
  const [t1] = b.node('Concat', [nc, b.initializer('m1', [1], [-1], 'int64')], { axis: 0 }, { name: 'target1' });
  const [r1] = b.node('Reshape', [relu, t1], {}, { name: 'to_nc_hw' });
  // x.view(x.size(0), -1): Shape → Gather 0 → Unsqueeze → Concat with [-1] (with a Cast on the way, as some exporters add)
  const [s2] = b.node('Shape', [r1], {}, { name: 'shape2' });
  const [n] = b.node('Gather', [s2, b.initializer('zero', [], [0], 'int64')], { axis: 0 }, { name: 'batch' });
  const [nl] = b.node('Unsqueeze', [n, b.initializer('axis0', [1], [0], 'int64')], {}, { name: 'batch_list' });
  const [nc64] = b.node('Cast', [nl], { to: 7 }, { name: 'cast' });
  const [t2] = b.node('Concat', [nc64, b.initializer('m1b', [1], [-1], 'int64')], { axis: 0 }, { name: 'target2' });
  const [r2] = b.node('Reshape', [r1, t2], {}, { name: 'to_vector' });
  const [y] = b.node('Gemm', [r2, b.initializer('fc', [4, 48], randomInput(192, 6, 0.2))], { transB: 1 }, { name: 'fc' });
  b.output(y);
  const { err, model } = await parity(b.toBytes(), [3, 2, 4, 4], 4);
  assert.ok(err <= 1e-4, `max abs error ${err}`);
  assert.deepEqual(model.outputs[0].shape, [null, 4]);
  model.dispose();
});

test('Pad (zeros on height and width, opset 13 input or opset 10 attribute) converts and matches onnxruntime; reflect mode is refused', async () => {
  for (const opset of [13, 10]) {
    const b = new OnnxGraphBuilder({ opset });
    const x = b.input('x', ['N', 2, 5, 5]);
    const pads = [0, 0, 1, 2, 0, 0, 2, 1];
    const [p] = opset >= 11 ? b.node('Pad', [x, b.initializer('pads', [8], pads, 'int64')], {}, { name: 'pad' }) : b.node('Pad', [x], { pads }, { name: 'pad' });
    const [c] = b.node('Conv', [p, b.initializer('w', [3, 2, 3, 3], randomInput(54, 5))], { kernel_shape: [3, 3] }, { name: 'conv' });
    const [f] = b.node('Flatten', [c], { axis: 1 }, { name: 'flat' });
    const [y] = b.node('MatMul', [f, b.initializer('fc', [108, 4], randomInput(432, 6, 0.2))], {}, { name: 'fc' });
    b.output(y);
    const { err, model } = await parity(b.toBytes(), [3, 2, 5, 5], 7);
    assert.ok(err <= 1e-4, `opset ${opset}: max abs error ${err}`);
    model.dispose();
  }
  const r = new OnnxGraphBuilder();
  const xr = r.input('x', ['N', 2, 5, 5]);
  const [pr] = r.node('Pad', [xr, r.initializer('pads', [8], [0, 0, 1, 1, 0, 0, 1, 1], 'int64')], { mode: 'reflect' }, { name: 'reflect_pad' });
  r.output(pr);
  await expectError(() => convertOnnx(parseOnnx(r.toBytes(), 'reflect.onnx')), 'UNSUPPORTED_OP', [/Pad node "reflect_pad"/, /reflect/]);
});

test('unsupported ops and unsupported variants are errors naming the op and the node', async () => {
  const before = tf.memory().numTensors;
  await expectError(() => convertOnnx(parseOnnx(unsupportedOpModel(), 'gelu.onnx')), 'UNSUPPORTED_OP', [/Erf/, /"gelu_erf"/]);
  assert.equal(tf.memory().numTensors, before, 'the layers built before the failing node are freed');

  const clip = new OnnxGraphBuilder();
  const x = clip.input('x', ['N', 4]);
  const [y] = clip.node('Clip', [x, clip.initializer('lo', [], [-1]), clip.initializer('hi', [], [1])], {}, { name: 'hardtanh' });
  clip.output(y);
  await expectError(() => convertOnnx(parseOnnx(clip.toBytes(), 'clip.onnx')), 'UNSUPPORTED_OP', [/Clip/, /"hardtanh"/, /min 0/]);

  // MaxPool whose ONNX pads differ from TF "same" on an input that can be negative: zero padding would be wrong.
  const mp = new OnnxGraphBuilder();
  const xi = mp.input('x', ['N', 2, 8, 8]);
  const [pool] = mp.node('MaxPool', [xi], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, { name: 'pool' });
  mp.output(pool);
  const err = await expectError(() => convertOnnx(parseOnnx(mp.toBytes(), 'pool.onnx')), 'UNSUPPORTED_OP', [/MaxPool/, /"pool"/, /negative/]);
  assert.match(err.hint ?? '', /feature extractor/);

  // Shape arithmetic on the batch size cannot be computed while converting.
  const shape = new OnnxGraphBuilder();
  const xs = shape.input('x', ['N', 2, 4, 4]);
  const [s] = shape.node('Shape', [xs], {}, { name: 'dyn_shape' });
  const [n] = shape.node('Gather', [s, shape.initializer('zero', [], [0], 'int64')], { axis: 0 }, { name: 'batch' });
  const [twice] = shape.node('Mul', [n, shape.initializer('two', [], [2], 'int64')], {}, { name: 'twice_batch' });
  const [t] = shape.node('Unsqueeze', [twice, shape.initializer('axis0', [1], [0], 'int64')], {}, { name: 'as_list' });
  const [target] = shape.node('Concat', [t, shape.initializer('minus1', [1], [-1], 'int64')], { axis: 0 }, { name: 'target' });
  const [r] = shape.node('Reshape', [xs, target], {}, { name: 'dyn_reshape' });
  shape.output(r);
  await expectError(() => convertOnnx(parseOnnx(shape.toBytes(), 'shape.onnx')), 'UNSUPPORTED_OP', [/Mul node "twice_batch"/, /batch size/]);
});

function nchwFromNhwc(x: Float32Array, [n, h, w, c]: number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++) for (let i = 0; i < h * w; i++) for (let ch = 0; ch < c; ch++) out[b * c * h * w + ch * h * w + i] = x[b * h * w * c + i * c + ch];
  return out;
}
