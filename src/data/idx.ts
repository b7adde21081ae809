/**
 * Reading IDX files (the MNIST / Fashion-MNIST format), raw or gzip-compressed.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { TransferkitError } from '../errors.ts';
import type { Dataset } from './dataset.ts';
import { exists, requireFile } from './files.ts';

/**
 * The most classes {@link loadIdxPair} makes from label values when no `classes` are given: label
 * values run from 0 to 99,999. Past 1,024 classes, at least a quarter of the class numbers up to
 * the highest label must occur: one stray huge label (a damaged file) would otherwise make that
 * many empty classes, and the one-hot targets of training as many columns per example.
 */
export const MAX_IDX_CLASSES = 100_000;

/** Element types an IDX file can hold, by their type byte. */
const TYPES = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
} as const;

/**
 * The element type of an IDX file.
 *
 * @example
 * ```ts
 * const { type } = await readIdx('train-labels-idx1-ubyte.gz'); // 'uint8'
 * ```
 */
export type IdxType = (typeof TYPES)[keyof typeof TYPES]['name'];

/**
 * The contents of an IDX file.
 *
 * @example
 * ```ts
 * const { dims, data }: IdxArray = await readIdx('t10k-images-idx3-ubyte.gz'); // dims [10000, 28, 28]
 * ```
 */
export interface IdxArray {
  type: IdxType;
  /** Dimensions, outermost first, e.g. `[10000, 28, 28]`. */
  dims: number[];
  /** The values, row-major (big-endian values already converted). */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

function bad(path: string, message: string, hint = 'The file is corrupt or not an IDX file; download it again.'): TransferkitError {
  return new TransferkitError('BAD_IDX', `${path}: ${message}`, { where: path, hint });
}

/**
 * Decompresses a gzipped IDX file, but no further than the size its header declares: a small
 * gzip stream can expand to gigabytes, and a file that holds more than its dims say is refused
 * as soon as that is known.
 */
function gunzipIdx(gz: Buffer, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const z = createGunzip();
    const chunks: Buffer[] = [];
    let total = 0;
    let limit = Infinity;
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      z.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, total));
    };
    z.on('data', (chunk: Buffer) => {
      if (settled) return;
      chunks.push(chunk);
      total += chunk.length;
      if (limit === Infinity && total >= 4) {
        const head = Buffer.concat(chunks, total);
        const ndims = head[3];
        if (head[0] !== 0 || head[1] !== 0 || !(head[2] in TYPES) || ndims === 0) return finish(); // readIdx reports the bad magic number
        const headerBytes = 4 + 4 * ndims;
        if (total >= headerBytes) {
          const per = TYPES[head[2] as keyof typeof TYPES].bytes;
          const dims = Array.from({ length: ndims }, (_, i) => head.readUInt32BE(4 + 4 * i));
          limit = headerBytes + dims.reduce((a, b) => a * b, 1) * per;
        }
      }
      if (total > limit) finish(bad(path, `too long: its header declares ${limit} bytes (decompressed), the gzip data holds more`));
    });
    z.on('end', () => finish());
    z.on('error', (err) => finish(bad(path, `gzip data is corrupt or truncated (${err.message})`)));
    z.end(gz);
  });
}

/**
 * Reads an IDX file. Gzip compression is detected from the content, not the name.
 * Checks the magic number (two zero bytes, a type byte, a dimension count) and that the
 * size matches the dimensions exactly.
 *
 * Errors: `FILE_NOT_FOUND`; `BAD_IDX` for a bad magic number, a corrupt gzip stream,
 * or a truncated / over-long file.
 *
 * @example
 * ```ts
 * const { dims, data } = await readIdx('t10k-labels-idx1-ubyte.gz'); // dims [10000]
 * ```
 */
export async function readIdx(path: string): Promise<IdxArray> {
  await requireFile(path, 'IDX file');
  const st = await stat(path);
  if (!st.isFile()) throw bad(path, `is not a regular file (it is a ${st.isFIFO() ? 'named pipe' : st.isSocket() ? 'socket' : 'device'})`, 'Pass the IDX file itself.');
  let buf: Buffer = await readFile(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = await gunzipIdx(buf, path);
  if (buf.length < 4) throw bad(path, `only ${buf.length} bytes, too short for an IDX header`);
  const typeByte = buf[2] as keyof typeof TYPES;
  const ndims = buf[3];
  if (buf[0] !== 0 || buf[1] !== 0 || !(typeByte in TYPES) || ndims === 0) {
    throw bad(path, `bad magic number 0x${buf.subarray(0, 4).toString('hex')} (expected 0x0000TTDD: type 08/09/0b/0c/0d/0e, then the number of dimensions)`, 'This is not an IDX file. IDX files are named like train-images-idx3-ubyte(.gz).');
  }
  const type = TYPES[typeByte];
  const headerBytes = 4 + 4 * ndims;
  if (buf.length < headerBytes) throw bad(path, `truncated header: ${ndims} dimensions need ${headerBytes} bytes, file has ${buf.length}`);
  const dims = Array.from({ length: ndims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (buf.length !== expected) {
    throw bad(path, `${buf.length < expected ? 'truncated' : 'too long'}: dimensions [${dims.join(', ')}] of ${type.name} need ${expected} bytes, file has ${buf.length}`);
  }
  const body = buf.subarray(headerBytes);
  let data: IdxArray['data'];
  switch (type.name) {
    case 'uint8':
      data = new Uint8Array(body);
      break;
    case 'int8':
      data = new Int8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length));
      break;
    default: {
      const view = new DataView(body.buffer, body.byteOffset, body.length);
      const Ctor = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[type.name];
      const get = { int16: view.getInt16, int32: view.getInt32, float32: view.getFloat32, float64: view.getFloat64 }[type.name].bind(view);
      const arr = new Ctor(count);
      for (let i = 0; i < count; i++) arr[i] = get(i * type.bytes, false);
      data = arr;
    }
  }
  return { type: type.name, dims, data };
}

/**
 * The labels file that goes with an images file: `images` replaced by `labels` and
 * `idx3` by `idx1` in the file name (`t10k-images-idx3-ubyte.gz` → `t10k-labels-idx1-ubyte.gz`).
 * Returns `undefined` when the name has no `images` in it.
 *
 * @example
 * ```ts
 * labelsPathFor('data/train-images-idx3-ubyte.gz'); // 'data/train-labels-idx1-ubyte.gz'
 * ```
 */
export function labelsPathFor(imagesPath: string): string | undefined {
  const name = basename(imagesPath);
  if (!name.includes('images')) return undefined;
  return join(dirname(imagesPath), name.replace('images', 'labels').replace('idx3', 'idx1'));
}

/**
 * Options for {@link loadIdxPair}.
 *
 * @example
 * ```ts
 * await loadIdxPair(images, undefined, { classes: ['cat', 'dog'], domain: 'lab' });
 * ```
 */
export interface IdxPairOptions {
  /** Class names by label value (default `'0'`, `'1'`, … up to the largest label). */
  classes?: string[];
  /** Dataset name (default: the images path). */
  name?: string;
  /** Domain tag for the dataset. */
  domain?: string;
}

/**
 * Loads an IDX images file (`[n, h, w]` or `[n, h, w, c]`, uint8 scaled by 1/255, other
 * types taken as they are and required to lie in [0, 1]) and its labels file (`[n]`) as an image {@link Dataset}.
 * Without `labelsPath`, the labels file is found by name with {@link labelsPathFor}.
 *
 * Errors: `FILE_NOT_FOUND` (images, or the labels file), `BAD_IDX` (see {@link readIdx};
 * also wrong dimensions, mismatched counts, labels outside `classes`, and without `classes` a
 * label of {@link MAX_IDX_CLASSES} or more, or one so far above the others that most classes
 * would be empty).
 *
 * @example
 * ```ts
 * const ds = await loadIdxPair('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz');
 * ds.size; // 10000
 * ```
 */
export async function loadIdxPair(imagesPath: string, labelsPath?: string, opts: IdxPairOptions = {}): Promise<Dataset> {
  await requireFile(imagesPath, 'IDX images file');
  let lpath = labelsPath;
  if (lpath === undefined) {
    lpath = labelsPathFor(imagesPath);
    if (lpath === undefined) {
      throw new TransferkitError('FILE_NOT_FOUND', `Cannot tell which labels file goes with ${imagesPath}: its name does not contain "images"`, {
        where: imagesPath,
        hint: 'Name the pair like train-images-idx3-ubyte.gz / train-labels-idx1-ubyte.gz, or pass the labels path explicitly.',
      });
    }
    if (!(await exists(lpath))) {
      throw new TransferkitError('FILE_NOT_FOUND', `Labels file ${lpath} (expected next to ${imagesPath}) not found`, {
        where: lpath,
        hint: 'Put the labels file beside the images file with "labels"/"idx1" in place of "images"/"idx3" in its name.',
      });
    }
  }
  const images = await readIdx(imagesPath);
  if (images.dims.length === 1) {
    throw bad(imagesPath, `has one dimension [${images.dims[0]}]; this looks like a labels file, not images`, 'Pass the images file (…-images-idx3-ubyte) instead; its labels file is found automatically.');
  }
  if (images.dims.length !== 3 && images.dims.length !== 4) {
    throw bad(imagesPath, `images must have dimensions [n, height, width] or [n, height, width, channels], got [${images.dims.join(', ')}]`);
  }
  const labelsIdx = await readIdx(lpath);
  const [n, height, width, channels = 1] = images.dims;
  if (labelsIdx.dims.length !== 1 || labelsIdx.dims[0] !== n) {
    throw bad(lpath, `labels must have dimensions [${n}] to match ${n} images, got [${labelsIdx.dims.join(', ')}]`, 'Check that the images and labels files belong together.');
  }
  // Check the raw values (before any conversion to int32 could wrap or round them) and bound the
  // number of classes before any per-class array is made.
  const raw = labelsIdx.data;
  const limit = opts.classes ? opts.classes.length : MAX_IDX_CLASSES;
  let max = -1;
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    if (v < 0 || !Number.isInteger(v)) throw bad(lpath, `label ${v} at index ${i} is not a class number`);
    if (v >= limit) {
      throw bad(
        lpath,
        opts.classes ? `label ${v} at index ${i} is outside the ${limit} classes` : `label ${v} at index ${i} is too large: labels are class numbers from 0 to ${MAX_IDX_CLASSES - 1}`,
        opts.classes ? 'Check that the labels file belongs to this dataset.' : 'The labels file is damaged or not a labels file; check that it belongs to this dataset.',
      );
    }
    if (v > max) max = v;
  }
  if (!opts.classes && max + 1 > 1024) {
    const distinct = new Set<number>();
    for (let i = 0; i < n; i++) distinct.add(raw[i]);
    if (distinct.size * 4 < max + 1) {
      const i = Array.prototype.indexOf.call(raw, max) as number;
      throw bad(
        lpath,
        `label ${max} at index ${i} would make ${max + 1} classes, but only ${distinct.size} different labels occur: the labels file is damaged or its labels are not class numbers`,
        'Check that the labels file belongs to this dataset; for sparse class numbers, pass `classes` naming every class.',
      );
    }
  }
  const labels = Int32Array.from(raw as ArrayLike<number>);
  const classes = opts.classes ?? Array.from({ length: max + 1 }, (_, i) => String(i));
  const pixels = new Float32Array(images.data.length);
  if (images.type === 'uint8') {
    for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  } else {
    // other types are taken as they are, so they must already be pixel values in [0, 1]
    const per = height * width * channels;
    for (let i = 0; i < pixels.length; i++) {
      const v = images.data[i];
      if (!(v >= 0 && v <= 1)) {
        throw bad(imagesPath, `pixel value ${v} of image ${Math.floor(i / per)} (value ${i % per} of ${per}) is ${Number.isNaN(v) ? 'not a number' : 'outside [0, 1]'}; ${images.type} images are read as they are`, 'Store pixels as uint8 (0–255, scaled by transferkit) or as float32/float64 in [0, 1].');
      }
      pixels[i] = v;
    }
  }
  const ds: Dataset = { name: opts.name ?? imagesPath, size: n, features: { kind: 'image', pixels, height, width, channels }, labels, classes };
  if (opts.domain !== undefined) ds.domain = opts.domain;
  return ds;
}
