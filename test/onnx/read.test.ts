import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxGraphBuilder } from '../../src/models/onnx/builder.ts';
import { countOnnxParams, listNodes, parseOnnx, readOnnx } from '../../src/models/onnx/read.ts';
import { expectError } from '../data/helpers.ts';
import { mobileNetModel, opsModel, residualModel } from './build-models.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-onnx-read-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

test('readOnnx lists nodes in order with ops, tap names and inferred output shapes', async () => {
  const file = join(root, 'res.onnx');
  await writeFile(file, residualModel());
  const m = await readOnnx(file);
  assert.equal(m.opset, 13);
  assert.deepEqual(m.inputs.map((i) => [i.name, i.shape, i.dimNames, i.dtype]), [['input', [null, 3, 16, 16], ['N', '', '', ''], 'float32']]);
  assert.deepEqual(m.outputs.map((o) => o.name), ['logits']);
  const nodes = listNodes(m);
  const byName = Object.fromEntries(nodes.map((n) => [n.name, n]));
  assert.equal(nodes[0].name, 'stem_conv');
  assert.deepEqual(byName.stem_conv.outputShapes, [[null, 8, 16, 16]]);
  assert.equal(byName.stem_conv.params, 8 * 3 * 9 + 8);
  assert.deepEqual(byName.stem_pool.outputShapes, [[null, 8, 8, 8]], 'k3 s2 p1 halves 16×16');
  assert.deepEqual(byName.gap.outputShapes, [[null, 8, 1, 1]]);
  assert.deepEqual(byName.flatten.outputShapes, [[null, 8]]);
  assert.deepEqual(byName.fc.outputs, ['logits']);
  assert.deepEqual(byName.fc.outputShapes, [[null, 5]]);
  assert.equal(countOnnxParams(m), nodes.reduce((s, n) => s + n.params, 0));

  const mob = listNodes(parseOnnx(mobileNetModel(), 'mob'));
  const dw = mob.find((n) => n.name === 'dw0')!;
  assert.deepEqual(dw.outputShapes, [[null, 8, 8, 8]], 'depthwise stride 2 on 16×16');
  assert.deepEqual(mob.find((n) => n.name === 'flatten')!.outputShapes, [[null, 512]]);

  const ops = Object.fromEntries(listNodes(parseOnnx(opsModel(), 'ops')).map((n) => [n.name, n.outputShapes]));
  assert.deepEqual(ops.grouped, [[null, 6, 8, 8]]);
  assert.deepEqual(ops.concat, [[null, 10, 8, 8]]);
  assert.deepEqual(ops.reshape_flat, [[null, 160]], 'Reshape [0, -1] with a symbolic batch');
  assert.deepEqual(ops.reshape_img, [[null, 2, 2, 2]], 'Reshape to a Constant node target');
});

test('corrupt, truncated, empty and missing files are clear errors', async () => {
  await expectError(() => readOnnx(join(root, 'nope.onnx')), 'MODEL_NOT_FOUND', [/does not exist/]);
  await expectError(() => readOnnx(root), 'MODEL_NOT_FOUND', [/folder/]);

  const empty = join(root, 'empty.onnx');
  await writeFile(empty, '');
  await expectError(() => readOnnx(empty), 'CORRUPT_MODEL', [/empty/]);

  const lfs = join(root, 'lfs.onnx');
  await writeFile(lfs, 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n');
  await expectError(() => readOnnx(lfs), 'CORRUPT_MODEL', [/Git LFS pointer/]);
  const text = join(root, 'text.onnx');
  await writeFile(text, '{"modelTopology": {}}');
  await expectError(() => readOnnx(text), 'CORRUPT_MODEL', [/not an ONNX model: it is text/]);
  const png = join(root, 'image.onnx');
  await writeFile(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  await expectError(() => readOnnx(png), 'CORRUPT_MODEL', [/not an ONNX model/, /0x89/]);
  // Bytes that start like a model but are not protobuf.
  await expectError(() => parseOnnx(Uint8Array.from([0x08, 0x08, 0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]), 'junk'), 'CORRUPT_MODEL', [/truncated|not valid protobuf/]);

  const bytes = residualModel();
  // Cut at many points: every cut must be reported as a damaged / truncated model, never decode silently.
  for (const frac of [0.1, 0.37, 0.5, 0.73, 0.9, 0.99]) {
    const cut = bytes.subarray(0, Math.floor(bytes.length * frac));
    const err = await expectError(() => parseOnnx(cut, `cut-${frac}`), 'CORRUPT_MODEL');
    assert.match(err.message, /truncated|ends early|incomplete|holds \d+ values/i, `cut at ${frac}: ${err.message}`);
  }
  const file = join(root, 'trunc.onnx');
  await writeFile(file, bytes.subarray(0, bytes.length - 7));
  const err = await expectError(() => readOnnx(file), 'CORRUPT_MODEL');
  assert.ok(err.hint && err.hint.length > 0);
});

test('a graph reading a value nothing produces is reported with the node name', async () => {
  const b = new OnnxGraphBuilder();
  const x = b.input('x', ['N', 2]);
  const [y] = b.node('Add', [x, 'ghost'], {}, { name: 'adder' });
  b.output(y);
  await expectError(() => parseOnnx(b.toBytes(), 'ghost.onnx'), 'CORRUPT_MODEL', [/"adder"/, /"ghost"/, /incomplete/]);
});
