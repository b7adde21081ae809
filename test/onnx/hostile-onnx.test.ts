/**
 * Hostile .onnx files are refused before they cost anything: external data outside the model's
 * folder (absolute, ../, links), devices and named pipes, sizes that disagree with the tensor's
 * dims, and pooling windows larger than their input.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { OnnxGraphBuilder } from '../../src/models/onnx/builder.ts';
import { convertOnnx } from '../../src/models/onnx/convert.ts';
import { proto, type Onnx } from '../../src/models/onnx/proto.ts';
import { parseOnnx, readOnnx } from '../../src/models/onnx/read.ts';
import { TransferkitError } from '../../src/errors.ts';
import { refusedFast } from '../data/helpers.ts';
import { mlpModel } from './build-models.ts';

await tf.setBackend('cpu');
const root = await mkdtemp(join(tmpdir(), 'tk-hostile-onnx-'));
after(() => rm(root, { recursive: true, force: true }));

const hasDevZero = process.platform !== 'win32' && existsSync('/dev/zero');
const canMkfifo = process.platform !== 'win32' && (existsSync('/usr/bin/mkfifo') || existsSync('/bin/mkfifo'));


/**
 * The MLP model with initializer `fc1.w` ([16, 6] float32, 384 bytes) stored externally at
 * `location`; `data` (when given) is written there, relative to the model's folder.
 */
async function externalModel(name: string, location: string, opts: { data?: Uint8Array; offset?: number; length?: number | null } = {}): Promise<{ dir: string; file: string; raw: Uint8Array }> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const m = proto.ModelProto.decode(mlpModel());
  const t = m.graph!.initializer!.find((i) => i.name === 'fc1.w') as Onnx.TensorProto;
  const raw = Uint8Array.from(t.rawData);
  t.rawData = new Uint8Array(0);
  t.dataLocation = 1;
  const entries = [{ key: 'location', value: location }];
  if (opts.offset !== undefined) entries.push({ key: 'offset', value: String(opts.offset) });
  if (opts.length !== null) entries.push({ key: 'length', value: String(opts.length ?? raw.length) });
  t.externalData = entries.map((e) => proto.StringStringEntryProto.create(e));
  const file = join(dir, 'model.onnx');
  await writeFile(file, proto.ModelProto.encode(m).finish());
  if (opts.data) await writeFile(join(dir, location), opts.data);
  return { dir, file, raw };
}

test('external data next to the model loads, with offsets, and converts like the inline model', async () => {
  const probe = await externalModel('ok', 'weights.data');
  const padded = new Uint8Array(100 + probe.raw.length + 50);
  padded.set(probe.raw, 100);
  const { file } = await externalModel('ok', 'weights.data', { data: padded, offset: 100 });
  const m = await readOnnx(file);
  assert.deepEqual(Array.from(m.initializers.get('fc1.w')!.rawData!), Array.from(probe.raw));

  const sub = await externalModel('ok2', 'sub/w.bin');
  await mkdir(join(sub.dir, 'sub'), { recursive: true });
  await writeFile(join(sub.dir, 'sub', 'w.bin'), probe.raw);
  const ext = (await convertOnnx(sub.file)).model;
  const inline = (await convertOnnx(parseOnnx(mlpModel(), 'mlp.onnx'))).model;
  const x = tf.randomNormal([3, 6], 0, 1, 'float32', 5);
  const [a, b] = [ext, inline].map((mm) => tf.tidy(() => Array.from((mm.predict(x) as tf.Tensor).dataSync())));
  assert.deepEqual(a, b);
  x.dispose();
  ext.dispose();
  inline.dispose();
});

test('external data at an absolute path (/etc/passwd) → UNSAFE_PATH naming the initializer and path', { timeout: 20_000 }, async () => {
  const { file } = await externalModel('abs', '/etc/passwd');
  const err = await refusedFast(() => readOnnx(file), 'UNSAFE_PATH', /"\/etc\/passwd" of initializer "fc1\.w".*absolute path/);
  assert.equal(err.where, '/etc/passwd');
  await refusedFast(() => convertOnnx(file), 'UNSAFE_PATH', /fc1\.w/);
});

test('external data escaping with ../ → UNSAFE_PATH', { timeout: 20_000 }, async () => {
  await writeFile(join(root, 'outside.bin'), new Uint8Array(384));
  const { file } = await externalModel('dotdot', '../outside.bin');
  await refusedFast(() => readOnnx(file), 'UNSAFE_PATH', /"\.\.\/outside\.bin" of initializer "fc1\.w".*outside the model's folder/);
  const deep = await externalModel('dotdot2', 'a/../../../../../../../../etc/passwd');
  await refusedFast(() => readOnnx(deep.file), 'UNSAFE_PATH', /outside the model's folder/);
});

test('external data through a link out of the folder → UNSAFE_PATH', { timeout: 20_000 }, async () => {
  await writeFile(join(root, 'secret.bin'), new Uint8Array(384)); // the right size, still refused
  const { dir, file } = await externalModel('link-out', 'w.bin');
  await symlink(join(root, 'secret.bin'), join(dir, 'w.bin'));
  await refusedFast(() => readOnnx(file), 'UNSAFE_PATH', /link to .*secret\.bin.*outside the model's folder/);
  const viaDir = await externalModel('link-dir', 'up/secret.bin');
  await symlink(root, join(viaDir.dir, 'up'));
  await refusedFast(() => readOnnx(viaDir.file), 'UNSAFE_PATH', /outside the model's folder/);
});

test('external data linked to /dev/zero → UNSAFE_PATH, nothing streamed', { skip: hasDevZero ? false : 'no /dev/zero here', timeout: 20_000 }, async () => {
  const { dir, file } = await externalModel('devzero', 'w.bin', { length: 2 ** 40 });
  await symlink('/dev/zero', join(dir, 'w.bin'));
  // The declared length disagrees with the dims: refused before the file is even opened.
  await refusedFast(() => readOnnx(file), 'CORRUPT_MODEL', /declares 1099511627776 bytes.*take 384/);
  const right = await externalModel('devzero2', 'w.bin');
  await symlink('/dev/zero', join(right.dir, 'w.bin'));
  await refusedFast(() => readOnnx(right.file), 'UNSAFE_PATH', /outside the model's folder|not a regular file/);
  const inside = await externalModel('devzero3', 'dev/zero');
  await symlink('/dev', join(inside.dir, 'dev'));
  await refusedFast(() => readOnnx(inside.file), 'UNSAFE_PATH', /outside the model's folder|not a regular file/);
});

test('external data in a named pipe → UNSAFE_PATH, no hang', { skip: canMkfifo ? false : 'mkfifo is not available', timeout: 20_000 }, async () => {
  const { dir, file } = await externalModel('fifo', 'w.bin');
  execFileSync('mkfifo', [join(dir, 'w.bin')]);
  await refusedFast(() => readOnnx(file), 'UNSAFE_PATH', /named pipe/);
  const onnxFifo = join(dir, 'pipe.onnx');
  execFileSync('mkfifo', [onnxFifo]);
  await refusedFast(() => readOnnx(onnxFifo), 'UNSAFE_PATH', /not a regular file/);
});

test('external data sizes are checked against the dims before reading', { timeout: 20_000 }, async () => {
  const short = await externalModel('short', 'w.bin', { data: new Uint8Array(100) });
  await refusedFast(() => readOnnx(short.file), 'MISSING_WEIGHTS', /holds 100 bytes, too few for "fc1\.w"/);
  const past = await externalModel('past', 'w.bin', { data: new Uint8Array(400), offset: 200 });
  await refusedFast(() => readOnnx(past.file), 'MISSING_WEIGHTS', /too few/);
  const noLength = await externalModel('nolength', 'w.bin', { data: new Uint8Array(4096), length: null });
  await refusedFast(() => readOnnx(noLength.file), 'CORRUPT_MODEL', /holds 4096 bytes.*take 384/);
  const badOffset = await externalModel('badoffset', 'w.bin', { data: new Uint8Array(384), offset: -5 });
  await refusedFast(() => readOnnx(badOffset.file), 'CORRUPT_MODEL', /offset "-5"/);
  const missing = await externalModel('missing', 'nothere.bin');
  await refusedFast(() => readOnnx(missing.file), 'MISSING_WEIGHTS', /nothere\.bin/);
  // a huge sparse file next to the model: only the declared range is read
  const big = await externalModel('big', 'w.bin', { data: new Uint8Array(0), length: null });
  const fh = await import('node:fs/promises').then((m) => m.open(join(big.dir, 'w.bin'), 'r+'));
  await fh.truncate(8 * 2 ** 30);
  await fh.close();
  await refusedFast(() => readOnnx(big.file), 'CORRUPT_MODEL', /holds 8589934592 bytes/);
});

function poolModel(kernel: number[], pads?: number[], size = 8): Uint8Array {
  const b = new OnnxGraphBuilder({ opset: 13, name: 'pool' });
  const x = b.input('input', ['N', 2, size, size]);
  const [r] = b.node('Relu', [x], {}, { name: 'relu' });
  const attrs: Record<string, number[]> = { kernel_shape: kernel };
  if (pads) attrs.pads = pads;
  const [p] = b.node('MaxPool', [r], attrs, { name: 'big_pool' });
  const [g] = b.node('GlobalAveragePool', [p], {}, { name: 'gap' });
  const [f] = b.node('Flatten', [g], { axis: 1 }, { name: 'flat', outputs: ['out'] });
  b.output(f, ['N', 2]);
  return b.toBytes();
}

test('a MaxPool window larger than its (padded) input → CORRUPT_MODEL naming the node, at conversion', { timeout: 20_000 }, async () => {
  const err = await refusedFast(() => convertOnnx(parseOnnx(poolModel([9, 9]), 'pool.onnx')), 'CORRUPT_MODEL', /MaxPool node "big_pool".*9×9 window, larger than its 8×8 input/);
  assert.match(err.where!, /big_pool/);
  await refusedFast(() => convertOnnx(parseOnnx(poolModel([100000, 100000], [1, 1, 1, 1]), 'pool.onnx')), 'CORRUPT_MODEL', /10×10 padded/);
  await refusedFast(() => convertOnnx(parseOnnx(poolModel([0, 3]), 'pool.onnx')), 'CORRUPT_MODEL', /kernel size \[0, 3\]/);
  // a window that fits (padding included) still converts
  const ok = await convertOnnx(parseOnnx(poolModel([9, 9], [1, 0, 0, 1]), 'pool.onnx'));
  ok.model.dispose();
  const whole = await convertOnnx(parseOnnx(poolModel([8, 8]), 'pool.onnx'));
  whole.model.dispose();
});

test('a tensor whose dims disagree with its stored values (dims of 8e27 values) → CORRUPT_MODEL at conversion, nothing allocated (found by the fuzzer)', { timeout: 20_000 }, async () => {
  const huge = [17, 142520168, 839532, 308135, 8539];
  const model = proto.ModelProto.decode(mlpModel());
  model.graph!.initializer!.find((t) => t.name === 'fc1.w')!.dims = huge;
  const file = join(root, 'huge-dims.onnx');
  await writeFile(file, proto.ModelProto.encode(model).finish());
  await refusedFast(() => convertOnnx(file), 'CORRUPT_MODEL', /"fc1\.w" \(float32, dims \[17, 142520168, 839532, 308135, 8539\]\) holds 96 values/);
  // the same lie in a Constant node's value (read by the converter, not checked as an initializer)
  const withConstant = proto.ModelProto.decode(mlpModel());
  const value = proto.TensorProto.create({ name: 'c', dims: huge, dataType: 1, rawData: new Uint8Array(8) });
  withConstant.graph!.node!.unshift(proto.NodeProto.create({ opType: 'Constant', output: ['c'], attribute: [proto.AttributeProto.create({ name: 'value', type: 4, t: value })] }));
  await writeFile(file, proto.ModelProto.encode(withConstant).finish());
  await refusedFast(() => convertOnnx(file), 'CORRUPT_MODEL', /"c" declares dims \[17, 142520168, 839532, 308135, 8539\] \(8\.2\d*e\+27 values\) but that is not a valid size|"c" declares dims .* but stores 2/);
});
