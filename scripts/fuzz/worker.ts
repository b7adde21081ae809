/**
 * Fuzz worker (a child process): builds the seed files once, then for each case id given in
 * argv builds the mutated input, runs the loader and prints one JSON line per case:
 * `{"start":id}` before it runs and `{"id", "outcome", "mutation", "code"?, "message"?}` after.
 *
 *   node --max-old-space-size=512 --import tsx scripts/fuzz/worker.ts <loader> <seed> <id,id,…|a-b>
 */
import { mkdtemp, mkdir, readFile, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { ERROR_CODES, TransferkitError } from '../../src/errors.ts';
import { loadDataset } from '../../src/data/load.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { loadImageFile } from '../../src/data/images.ts';
import { loadModel, saveModel } from '../../src/models/io.ts';
import { buildMlp } from '../../src/models/architectures.ts';
import { readOnnx } from '../../src/models/onnx/read.ts';
import { convertOnnx } from '../../src/models/onnx/convert.ts';
import { proto, type Onnx } from '../../src/models/onnx/proto.ts';
import { OnnxGraphBuilder } from '../../src/models/onnx/builder.ts';
import { BYTE_MUTATIONS, FS_TRICKS, JSON_MUTATIONS, PATH_TRICKS, TEXT_MUTATIONS, caseRng, fsTrick, lastJsonPath, mutateBytes, mutateJson, mutateText, type Rand } from './cases.ts';

export type Outcome = 'ok' | 'wrong-success' | 'clear-error' | 'internal' | 'hang' | 'oom' | 'crash';

await tf.setBackend('cpu');
const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', '..', 'test', 'fixtures', 'data');

/* ---------------- seeds ---------------- */

const CSV_SEED = ['sepal,petal,colour,label', '5.1,1.4,red,setosa', '4.9,1.3,blue,setosa', '6.2,4.5,red,versicolor', '5.9,4.1,green,versicolor', '6.9,5.8,blue,virginica', '7.1,6.0,red,virginica', ''].join('\n');
const JSONL_SEED = [
  { text: 'win money now', label: 'spam' },
  { text: 'meeting at noon', label: 'ham' },
  { text: 'cheap pills', label: 'spam' },
  { text: 'see you tomorrow', label: 'ham' },
].map((o) => JSON.stringify(o)).join('\n') + '\n';

function idxSeed(): { images: Buffer; labels: Buffer } {
  const n = 4, rows = 3, cols = 2;
  const images = Buffer.alloc(16 + n * rows * cols);
  images.writeUInt32BE(0x0803, 0); images.writeUInt32BE(n, 4); images.writeUInt32BE(rows, 8); images.writeUInt32BE(cols, 12);
  for (let i = 16; i < images.length; i++) images[i] = (i * 37) & 255;
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x0801, 0); labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) labels[8 + i] = i % 2;
  return { images, labels };
}

function bmpSeed(bpp: 24 | 32 | 8, w = 5, h = 4): Buffer {
  const palette = bpp === 8 ? 256 * 4 : 0;
  const stride = Math.ceil((w * bpp) / 32) * 4;
  const offset = 14 + 40 + palette;
  const b = Buffer.alloc(offset + stride * h);
  b.write('BM', 0, 'latin1'); b.writeUInt32LE(b.length, 2); b.writeUInt32LE(offset, 10);
  b.writeUInt32LE(40, 14); b.writeInt32LE(w, 18); b.writeInt32LE(h, 22); b.writeUInt16LE(1, 26); b.writeUInt16LE(bpp, 28);
  b.writeUInt32LE(0, 30); b.writeUInt32LE(stride * h, 34);
  for (let i = 0; i < palette; i += 4) b[54 + i] = b[55 + i] = b[56 + i] = i / 4;
  for (let i = offset; i < b.length; i++) b[i] = (i * 53) & 255;
  return b;
}

let PNG_SEED: Buffer;
let MODEL_SEED: string;
let ONNX_SEED: Uint8Array;

function mlpOnnx(): Uint8Array {
  const b = new OnnxGraphBuilder({ opset: 13, name: 'fuzz_mlp' });
  const x = b.input('input', ['N', 6]);
  const w1 = b.initializer('fc1.w', [6, 8], Array.from({ length: 48 }, (_, i) => Math.sin(i) * 0.3));
  const b1 = b.initializer('fc1.b', [8], Array.from({ length: 8 }, (_, i) => i * 0.01));
  const [h] = b.node('Gemm', [x, w1, b1], {}, { name: 'fc1' });
  const [r] = b.node('Relu', [h], {}, { name: 'relu' });
  const w2 = b.initializer('fc2.w', [3, 8], Array.from({ length: 24 }, (_, i) => Math.cos(i) * 0.3));
  const [y] = b.node('Gemm', [r, w2], { transB: 1 }, { name: 'fc2', outputs: ['logits'] });
  b.output(y, ['N', 3]);
  return b.toBytes();
}

export async function buildSeeds(root: string): Promise<void> {
  PNG_SEED = await sharp(Buffer.from(Array.from({ length: 6 * 5 * 3 }, (_, i) => (i * 29) & 255)), { raw: { width: 6, height: 5, channels: 3 } }).png().toBuffer();
  MODEL_SEED = join(root, 'seed-model');
  const m = buildMlp(4, 3, { seed: 0 });
  await saveModel(m, MODEL_SEED, { classes: ['a', 'b', 'c'], features: { kind: 'tabular', columns: ['w', 'x', 'y', 'z'] } } as never);
  m.dispose();
  ONNX_SEED = mlpOnnx();
}

/* ---------------- sanity checks on success ---------------- */

function checkDataset(ds: Dataset): string | null {
  if (!Number.isInteger(ds.size) || ds.size <= 0) return `size ${ds.size}`;
  if (!(ds.labels instanceof Int32Array) || ds.labels.length !== ds.size) return `labels length ${ds.labels?.length} ≠ size ${ds.size}`;
  if (!Array.isArray(ds.classes)) return 'classes is not an array';
  for (const l of ds.labels) if (l < -1 || l >= ds.classes.length) return `label ${l} outside ${ds.classes.length} classes`;
  if (new Set(ds.classes).size !== ds.classes.length) return 'duplicate class names';
  const f = ds.features;
  if (f.kind === 'image') {
    if (f.pixels.length !== ds.size * f.height * f.width * f.channels) return `pixels ${f.pixels.length} ≠ ${ds.size}×${f.height}×${f.width}×${f.channels}`;
    for (const p of f.pixels) if (!(p >= 0 && p <= 1)) return `pixel ${p} outside [0, 1]`;
  } else if (f.kind === 'tabular') {
    if (f.columns.length === 0) return 'no feature columns';
    for (const c of f.columns) {
      if (c.values.length !== ds.size) return `column ${c.name} has ${c.values.length} values for ${ds.size} rows`;
      if (c.type === 'numeric') for (const v of c.values) if (!Number.isFinite(v)) return `column ${JSON.stringify(c.name)} holds ${v}`;
    }
  } else if (f.kind === 'text') {
    if (f.texts.length !== ds.size) return `texts ${f.texts.length} ≠ size ${ds.size}`;
    for (const t of f.texts) if (typeof t !== 'string') return `text of type ${typeof t}`;
  } else return `unknown features kind ${(f as { kind: string }).kind}`;
  return null;
}

function checkPixels(px: Float32Array, n: number): string | null {
  if (px.length !== n) return `pixels ${px.length} ≠ ${n}`;
  for (const p of px) if (!(p >= 0 && p <= 1)) return `pixel ${p} outside [0, 1]`;
  return null;
}

function checkModel(model: tf.LayersModel, perExample: number[] | null): string | null {
  const shape = perExample ?? (model.inputs[0].shape.slice(1) as number[]);
  if (shape.some((d) => !Number.isInteger(d) || d <= 0)) return `input shape [${shape}]`;
  if (shape.reduce((a, b) => a * b, 1) > 1e7) return `input shape [${shape}] too large to probe`;
  let out: tf.Tensor;
  try {
    out = tf.tidy(() => model.predict(tf.zeros([1, ...shape])) as tf.Tensor);
  } catch (err) {
    return `loaded, but predict on zeros([1, ${shape}]) throws: ${String((err as Error)?.message ?? err).slice(0, 300)}`;
  }
  const ok = out.shape.every((d) => d === null || (Number.isInteger(d) && d >= 0));
  out.dispose();
  return ok ? null : `output shape [${out.shape}]`;
}

/* ---------------- cases ---------------- */

type Case = { mutation: string; run: (loaded: () => void) => Promise<string | null> };

export async function buildCase(loader: string, r: Rand, dir: string, root: string): Promise<Case> {
  const fsKind = () => r.pick(FS_TRICKS);
  switch (loader) {
    case 'csv':
    case 'jsonl': {
      const file = join(dir, loader === 'csv' ? 'x.csv' : 'x.jsonl');
      const seed = loader === 'csv' ? CSV_SEED : JSONL_SEED;
      const mode = r.int(10);
      let mutation: string;
      if (mode < 4) {
        let s = seed;
        const kinds: string[] = [];
        for (let i = 1 + r.int(3); i > 0; i--) { const k = r.pick(TEXT_MUTATIONS); kinds.push(k); s = mutateText(s, r, k); }
        await writeFile(file, s);
        mutation = `text:${kinds.join('+')}`;
      } else if (mode < 6 && loader === 'jsonl') {
        const lines = seed.trim().split('\n').map((l) => JSON.parse(l));
        const k = r.pick(JSON_MUTATIONS);
        const i = r.int(lines.length);
        lines[i] = mutateJson(lines[i], r, k);
        await writeFile(file, lines.map((l) => (l === undefined ? '' : JSON.stringify(l))).join('\n'));
        mutation = `json:${k}@${lastJsonPath}`;
      } else if (mode < 9) {
        const k = r.pick(BYTE_MUTATIONS);
        await writeFile(file, mutateBytes(Buffer.from(seed), r, k));
        mutation = `bytes:${k}`;
      } else {
        const k = fsKind();
        await fsTrick(file, k, root);
        mutation = `fs:${k}`;
      }
      return { mutation, run: async () => checkDataset(await loadDataset(file, loader === 'csv' ? { label: 'label' } : {})) };
    }
    case 'idx': {
      const { images, labels } = idxSeed();
      const ifile = join(dir, 'x-images-idx3-ubyte');
      const lfile = join(dir, 'x-labels-idx1-ubyte');
      const target = r.next() < 0.6 ? 'images' : 'labels';
      const buf = target === 'images' ? images : labels;
      const mode = r.int(10);
      let mutation: string;
      let out: Uint8Array = buf;
      if (mode < 4) {
        const k = r.pick(BYTE_MUTATIONS);
        out = mutateBytes(buf, r, k);
        mutation = `${target}:bytes:${k}`;
      } else if (mode < 8) {
        const b = Buffer.from(buf);
        const field = r.int(target === 'images' ? 4 : 2);
        const v = r.pick([0, 1, 2, 3, 5, 255, 256, 0x7fffffff, 0xffffffff, 2 ** 20, 60000]);
        if (field === 0) { b[2] = r.pick([0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x00, 0xff]); b[3] = r.pick([0, 1, 2, 3, 4, 255]); mutation = `${target}:header:magic=${b[2]},${b[3]}`; }
        else { b.writeUInt32BE(v >>> 0, field * 4); mutation = `${target}:header:dim${field}=${v}`; }
        out = b;
      } else mutation = '';
      await writeFile(ifile, target === 'images' ? out : images);
      await writeFile(lfile, target === 'labels' ? out : labels);
      if (mode >= 8) {
        const k = fsKind();
        await fsTrick(target === 'images' ? ifile : lfile, k, root);
        mutation = `${target}:fs:${k}`;
      }
      return { mutation, run: async () => checkDataset(await loadDataset(ifile)) };
    }
    case 'bmp':
    case 'png': {
      const file = join(dir, loader === 'bmp' ? 'x.bmp' : 'x.png');
      const seed = loader === 'bmp' ? bmpSeed(r.pick([24, 32, 8] as const)) : PNG_SEED;
      const mode = r.int(10);
      let mutation: string;
      if (mode < 4) {
        const k = r.pick(BYTE_MUTATIONS);
        await writeFile(file, mutateBytes(seed, r, k));
        mutation = `bytes:${k}`;
      } else if (mode < 9) {
        const b = Buffer.from(seed);
        if (loader === 'bmp') {
          const fields: [string, number, 'u32' | 'i32' | 'u16'][] = [['size', 2, 'u32'], ['offset', 10, 'u32'], ['hsize', 14, 'u32'], ['width', 18, 'i32'], ['height', 22, 'i32'], ['planes', 26, 'u16'], ['bpp', 28, 'u16'], ['compression', 30, 'u32'], ['imagesize', 34, 'u32'], ['colorsUsed', 46, 'u32']];
          const [name, at, t] = r.pick(fields);
          const v = r.pick([0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 64, 108, 124, 255, 256, 65535, 0x7fffffff, -1, -2147483648, 100000]);
          if (t === 'u16') b.writeUInt16LE(v & 0xffff, at);
          else if (t === 'i32') b.writeInt32LE(v | 0, at);
          else b.writeUInt32LE(v >>> 0, at);
          mutation = `header:${name}=${v}`;
        } else {
          const fields: [string, number, number][] = [['width', 16, 4], ['height', 20, 4], ['bitdepth', 24, 1], ['colortype', 25, 1], ['interlace', 28, 1]];
          const [name, at, len] = r.pick(fields);
          const v = r.pick([0, 1, 2, 3, 4, 6, 16, 255, 65535, 100000, 0x7fffffff, 0xffffffff]);
          if (len === 4) b.writeUInt32BE(v >>> 0, at); else b[at] = v & 255;
          mutation = `header:${name}=${v}`;
        }
        await writeFile(file, b);
      } else {
        const k = fsKind();
        await fsTrick(file, k, root);
        mutation = `fs:${k}`;
      }
      const size = { height: 8, width: 8, channels: r.next() < 0.5 ? 1 : 3 };
      return { mutation, run: async () => checkPixels(await loadImageFile(file, size), 64 * size.channels) };
    }
    case 'image-folder': {
      const d = join(dir, 'imgs');
      const files = [['a', '1.bmp', bmpSeed(24)], ['a', '2.png', PNG_SEED], ['b', '1.png', PNG_SEED], ['b', '2.bmp', bmpSeed(8)]] as const;
      for (const [c, n, data] of files) { await mkdir(join(d, c), { recursive: true }); await writeFile(join(d, c, n), data); }
      const [c, n, data] = r.pick(files);
      const mode = r.int(10);
      let mutation: string;
      if (mode < 5) {
        const k = r.pick(BYTE_MUTATIONS);
        await writeFile(join(d, c, n), mutateBytes(data, r, k));
        mutation = `${n.slice(2)}:bytes:${k}`;
      } else if (mode < 7) {
        const k = fsKind();
        await fsTrick(join(d, c, n), k, root);
        mutation = `${n.slice(2)}:fs:${k}`;
      } else if (mode < 8) {
        const k = r.pick(['symlink-dev-zero', 'symlink-outside', 'fifo', 'empty', 'dangling-symlink']);
        await fsTrick(join(d, c), k === 'empty' ? 'directory' : k, root);
        mutation = `class-folder:fs:${k}`;
      } else if (mode < 9) {
        const name = r.pick(['.hidden.png', 'x.PNG', 'noext', 'a\nb.png', ' .png', 'weird name.bmp', 'x'.repeat(250) + '.png']);
        await writeFile(join(d, c, name), r.next() < 0.5 ? data : Buffer.from('junk'));
        mutation = `extra-file:${JSON.stringify(name.slice(0, 20))}`;
      } else {
        const k = r.pick(['nested', 'loop-symlink', 'file-at-top', 'fifo-class']);
        if (k === 'nested') { await mkdir(join(d, c, 'deeper'), { recursive: true }); await writeFile(join(d, c, 'deeper', 'z.png'), PNG_SEED); }
        else if (k === 'loop-symlink') await (await import('node:fs/promises')).symlink(d, join(d, c, 'loop'));
        else if (k === 'file-at-top') await writeFile(join(d, 'top.png'), PNG_SEED);
        else await fsTrick(join(d, 'z'), 'fifo', root);
        mutation = `structure:${k}`;
      }
      return { mutation, run: async () => checkDataset(await loadDataset(d, { image: { height: 8, width: 8, channels: 1 } })) };
    }
    case 'tfjs-model': {
      const d = join(dir, 'model');
      await cp(MODEL_SEED, d, { recursive: true });
      const mj = join(d, 'model.json');
      const mode = r.int(12);
      let mutation: string;
      if (mode < 3) {
        const j = JSON.parse(await readFile(mj, 'utf8'));
        const k = r.pick(JSON_MUTATIONS);
        const focus = r.next() < 0.5 ? (key: string | number) => ['weightsManifest', 'paths', 'weights', 'shape', 'dtype', 'name', 'batch_input_shape', 'units', 'inbound_nodes', 'config', 'class_name', 'layers'].includes(String(key)) : undefined;
        await writeFile(mj, JSON.stringify(mutateJson(j, r, k, focus)));
        mutation = `model.json:json:${k}@${lastJsonPath}`;
      } else if (mode < 4) {
        const f = join(d, 'transferkit.json');
        const j = JSON.parse(await readFile(f, 'utf8'));
        const k = r.pick(JSON_MUTATIONS);
        await writeFile(f, JSON.stringify(mutateJson(j, r, k)));
        mutation = `transferkit.json:json:${k}@${lastJsonPath}`;
      } else if (mode < 6) {
        const f = r.pick(['model.json', 'weights.bin', 'transferkit.json']);
        const k = r.pick(BYTE_MUTATIONS);
        await writeFile(join(d, f), mutateBytes(await readFile(join(d, f)), r, k));
        mutation = `${f}:bytes:${k}`;
      } else if (mode < 8) {
        const j = JSON.parse(await readFile(mj, 'utf8'));
        const p = r.pick(PATH_TRICKS);
        j.weightsManifest[0].paths[0] = p;
        await writeFile(mj, JSON.stringify(j));
        mutation = `weight-path:${JSON.stringify(p.slice(0, 24))}`;
      } else if (mode < 10) {
        const j = JSON.parse(await readFile(mj, 'utf8'));
        const w = r.pick(j.weightsManifest[0].weights as { shape: number[]; dtype: string }[]);
        const k = r.int(3);
        if (k === 0) { w.shape[r.int(w.shape.length)] = r.pick([0, -1, 1e6, 2 ** 31, 2 ** 40, 1.5]); mutation = 'header:weight-shape'; }
        else if (k === 1) { w.dtype = r.pick(['string', 'complex64', 'float16', 'int64', 'bool', 'uint8', 'nope']); mutation = `header:dtype=${w.dtype}`; }
        else { const l = j.modelTopology.model_config?.config?.layers ?? j.modelTopology.config?.layers; const layer = r.pick(l as { config: Record<string, unknown> }[]); const key = r.pick(['units', 'batch_input_shape', 'activation', 'kernel_size', 'filters', 'rate']); layer.config[key] = r.pick([0, -3, 1e9, [null, 2 ** 31], 'x', null]); mutation = `header:layer.${key}`; }
        await writeFile(mj, JSON.stringify(j));
      } else {
        const f = r.pick(['model.json', 'weights.bin', 'transferkit.json']);
        const k = fsKind();
        await fsTrick(join(d, f), k, root);
        mutation = `${f}:fs:${k}`;
      }
      return { mutation, run: async (loaded) => { const { model } = await loadModel(d); loaded(); try { return checkModel(model, null); } finally { model.dispose(); } } };
    }
    case 'onnx': {
      const d = join(dir, 'onnx');
      await mkdir(d);
      const file = join(d, 'model.onnx');
      const mode = r.int(10);
      let mutation: string;
      if (mode < 3) {
        const k = r.pick(BYTE_MUTATIONS);
        await writeFile(file, mutateBytes(ONNX_SEED, r, k));
        mutation = `bytes:${k}`;
      } else {
        const m = proto.ModelProto.decode(ONNX_SEED);
        const g = m.graph!;
        const inits = g.initializer as Onnx.TensorProto[];
        const t = r.pick(inits);
        if (mode < 7) {
          const k = r.int(8);
          if (k === 0) { t.dims[r.int(t.dims.length)] = r.pick([0, -1, 1e6, 2 ** 31, 2 ** 40, 2 ** 53]) as never; mutation = 'proto:init-dims'; }
          else if (k === 1) { t.dataType = r.pick([0, 2, 3, 6, 7, 8, 10, 11, 16, 99]); mutation = `proto:init-dtype=${t.dataType}`; }
          else if (k === 2) { t.rawData = Uint8Array.from(t.rawData).subarray(0, r.int(t.rawData.length)); mutation = 'proto:init-raw-truncate'; }
          else if (k === 3) { const n = r.pick(g.node as Onnx.NodeProto[]); n.opType = r.pick(['Conv', 'Nope', '', 'Gemm', 'Relu', 'Reshape', 'Add', 'MatMul', 'Softmax']); mutation = `proto:op=${n.opType}`; }
          else if (k === 4) { const n = r.pick(g.node as Onnx.NodeProto[]); n.input.splice(r.int(n.input.length + 1), r.int(2), ...(r.next() < 0.5 ? ['nope'] : [])); mutation = 'proto:node-inputs'; }
          else if (k === 5) { const inp = g.input![0]; const dims = inp.type!.tensorType!.shape!.dim!; const dd = r.pick(dims); dd.dimParam = ''; dd.dimValue = r.pick([0, -1, 2 ** 31, 1e9, 7]) as never; mutation = `proto:input-dim=${dd.dimValue}`; }
          else if (k === 6) { g.node!.splice(r.int(g.node!.length), 1); mutation = 'proto:delete-node'; }
          else { const n = r.pick(g.node as Onnx.NodeProto[]); n.attribute = [proto.AttributeProto.create({ name: r.pick(['transB', 'alpha', 'axis', 'kernel_shape']), type: r.pick([1, 2, 7]), i: r.pick([2, -1, 2 ** 40]) as never, f: NaN, ints: [0, -1, 2 ** 31] as never })]; mutation = 'proto:attribute'; }
        } else {
          const raw = Uint8Array.from(t.rawData);
          t.rawData = new Uint8Array(0);
          t.dataLocation = 1;
          const k = r.int(3);
          let loc = 'w.data';
          const entries = [{ key: 'location', value: loc }, { key: 'length', value: String(raw.length) }];
          if (k === 0) { loc = r.pick(PATH_TRICKS); entries[0].value = loc; mutation = `external:location=${JSON.stringify(loc.slice(0, 24))}`; }
          else if (k === 1) { entries.push({ key: 'offset', value: r.pick(['-1', '1e30', '99999999999', 'x', '4']) }); entries[1].value = r.pick([String(raw.length), '0', '-5', '1e20', 'abc']); mutation = `external:offset=${entries[2].value},length=${entries[1].value}`; }
          else mutation = 'external:fs:';
          t.externalData = entries.map((e) => proto.StringStringEntryProto.create(e));
          if (k !== 0 || !loc.includes('\0')) { try { await writeFile(join(d, 'w.data'), raw); } catch { /* ignore */ } }
          if (k === 2) { const tk = fsKind(); await fsTrick(join(d, 'w.data'), tk, root); mutation += tk; }
        }
        await writeFile(file, proto.ModelProto.encode(m).finish());
      }
      if (mode < 3 && r.next() < 0.1) { const k = fsKind(); await fsTrick(file, k, root); mutation = `fs:${k}`; }
      return {
        mutation,
        run: async (loaded) => {
          const model = await readOnnx(file);
          const res = await convertOnnx(model);
          loaded();
          try { return checkModel(res.model, res.inputShape); } finally { res.model.dispose(); }
        },
      };
    }
  }
  throw new Error(`unknown loader ${loader}`);
}

function classify(err: unknown): { outcome: Outcome; code?: string; message: string } {
  if (err instanceof TransferkitError) {
    const ok = (err.code as string) !== 'INTERNAL' && err.code in ERROR_CODES && typeof err.message === 'string' && err.message.length > 0;
    return { outcome: ok ? 'clear-error' : 'internal', code: err.code, message: err.message.slice(0, 400) };
  }
  const e = err as Error;
  return { outcome: 'internal', code: e?.constructor?.name ?? typeof err, message: String(e?.stack ?? e).slice(0, 600) };
}

/** Parses `1,2,5-9` into ids. */
export function parseIds(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    if (b === undefined) out.push(a);
    else for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

async function main(): Promise<void> {
  const [loader, seedStr, idsStr] = process.argv.slice(2);
  const seed = Number(seedStr);
  // FUZZ_SKIP: JSON {loader: [regex, …]}: cases whose mutation matches one are built but not run
  const skip: string[] = (JSON.parse(process.env.FUZZ_SKIP || '{}') as Record<string, string[]>)[loader] ?? [];
  const root = await mkdtemp(join(tmpdir(), 'tk-fuzz-'));
  const work = join(root, 'w');
  await mkdir(work);
  process.on('exit', () => { try { rmSync(root, { recursive: true, force: true }); } catch { /* ignore */ } });
  await buildSeeds(root);
  for (const id of parseIds(idsStr)) {
    process.stdout.write(JSON.stringify({ start: id }) + '\n');
    const dir = join(work, String(id));
    await mkdir(dir, { recursive: true });
    const r = caseRng(seed, loader, id);
    let line: Record<string, unknown>;
    let mutation = '?';
    try {
      const c = await buildCase(loader, r, dir, root);
      mutation = c.mutation;
      process.stdout.write(JSON.stringify({ built: id, mutation }) + '\n');
      if (skip.some((re) => new RegExp(re).test(mutation))) {
        process.stdout.write(JSON.stringify({ id, mutation, outcome: 'skipped' }) + '\n');
        await rm(dir, { recursive: true, force: true }).catch(() => undefined);
        continue;
      }
      const bad = await c.run(() => process.stdout.write(JSON.stringify({ loaded: id }) + '\n'));
      line = bad === null ? { outcome: 'ok' } : { outcome: 'wrong-success', message: bad };
    } catch (err) {
      line = classify(err);
    }
    process.stdout.write(JSON.stringify({ id, mutation, ...line }) + '\n');
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
  await rm(root, { recursive: true, force: true }).catch(() => undefined);
  process.exit(0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
