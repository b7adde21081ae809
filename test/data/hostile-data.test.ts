/**
 * Data files that declare sizes they do not hold are refused before anything is allocated:
 * BMP palettes and pixel counts, IDX label values (classes = highest label + 1) and gzip streams
 * that inflate past the size their header declares.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeBmp, MAX_BMP_PIXELS } from '../../src/data/bmp.ts';
import { loadImageFile } from '../../src/data/images.ts';
import { loadIdxPair, MAX_IDX_CLASSES, readIdx } from '../../src/data/idx.ts';
import { expectError } from './helpers.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-hostile-data-'));
after(() => rm(root, { recursive: true, force: true }));
const canMkfifo = process.platform !== 'win32' && (existsSync('/usr/bin/mkfifo') || existsSync('/bin/mkfifo'));

/** Runs `fn`, which must fail fast and without a big allocation. */
async function cheap<T>(fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const rss = process.memoryUsage().rss;
  const out = await fn();
  assert.ok(Date.now() - t0 < 5000, 'fast');
  assert.ok(process.memoryUsage().rss - rss < 256 * 2 ** 20, 'no big allocation');
  return out;
}

/** A BMP with a 40-byte info header: `bpp` bits, `used` palette colours, `length` bytes in all. */
function bmpHeader(opts: { width: number; height: number; bpp: number; used?: number; length: number; offset?: number }): Buffer {
  const buf = Buffer.alloc(opts.length);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(opts.length, 2);
  buf.writeUInt32LE(opts.offset ?? 54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(opts.width, 18);
  buf.writeInt32LE(opts.height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(opts.bpp, 28);
  buf.writeUInt32LE(opts.used ?? 0, 46);
  return buf;
}

test('a 70-byte BMP declaring 2^32−1 palette colours → BAD_IMAGE, no allocation', async () => {
  const buf = bmpHeader({ width: 1, height: 1, bpp: 8, used: 0xffffffff, length: 70 });
  assert.throws(() => decodeBmp(buf), /4294967295 palette colours, more than the 256/);
  const file = join(root, 'palette.bmp');
  await writeFile(file, buf);
  await cheap(() => expectError(() => loadImageFile(file, { height: 4, width: 4, channels: 1 }), 'BAD_IMAGE', [/palette\.bmp/, /palette colours/], /palette\.bmp/));
});

test('a BMP palette running past the end of the file, or sizes the file cannot hold → refused', () => {
  assert.throws(() => decodeBmp(bmpHeader({ width: 1, height: 1, bpp: 8, used: 200, length: 70 })), /palette of 200 colours runs past the end/);
  assert.throws(() => decodeBmp(bmpHeader({ width: 100_000, height: 100_000, bpp: 24, length: 70 })), new RegExp(`more than the ${MAX_BMP_PIXELS}`));
  assert.throws(() => decodeBmp(bmpHeader({ width: 1000, height: 1000, bpp: 1, length: 70 })), /truncated: 1000×1000 pixels at 1 bits need \d+ bytes, the file has 70/);
  assert.throws(() => decodeBmp(bmpHeader({ width: 1, height: 1, bpp: 0, length: 70 })), /0-bit BMP is not supported/);
});

test('a legitimate 8-bit palette BMP still decodes', () => {
  // 2×1 pixels, 2 palette colours (red, blue), pixel row at 54 + 2·4 = 62
  const buf = bmpHeader({ width: 2, height: 1, bpp: 8, used: 2, length: 66, offset: 62 });
  buf.set([0, 0, 255, 0, 255, 0, 0, 0], 54); // BGRA: red, blue
  buf.set([1, 0], 62);
  const { data, width, height } = decodeBmp(buf);
  assert.deepEqual([width, height], [2, 1]);
  assert.deepEqual([...data], [0, 0, 255, 255, 0, 0]);
});

/** IDX bytes: type byte, dims, and big-endian values. */
function idx(type: 0x08 | 0x0c | 0x0d, dims: number[], values: number[]): Buffer {
  const per = type === 0x08 ? 1 : 4;
  const buf = Buffer.alloc(4 + 4 * dims.length + values.length * per);
  buf[2] = type;
  buf[3] = dims.length;
  dims.forEach((d, i) => buf.writeUInt32BE(d, 4 + 4 * i));
  const at = 4 + 4 * dims.length;
  values.forEach((v, i) => (type === 0x08 ? buf.writeUInt8(v, at + i) : type === 0x0c ? buf.writeInt32BE(v, at + 4 * i) : buf.writeFloatBE(v, at + 4 * i)));
  return buf;
}

async function pair(name: string, labels: Buffer, n: number): Promise<[string, string]> {
  const images = join(root, `${name}-images-idx3-ubyte`);
  const lpath = join(root, `${name}-labels-idx1-ubyte`);
  await writeFile(images, idx(0x08, [n, 1, 1], Array.from({ length: n }, (_, i) => i % 256)));
  await writeFile(lpath, labels);
  return [images, lpath];
}

test('an IDX label of 30,000,000 → BAD_IDX naming it, no 3 GB of classes', async () => {
  const [images] = await pair('huge', idx(0x0c, [1], [30_000_000]), 1);
  await cheap(() => expectError(() => loadIdxPair(images), 'BAD_IDX', [/label 30000000 at index 0 is too large/, new RegExp(`0 to ${MAX_IDX_CLASSES - 1}`)], /huge-labels/));
});

test('IDX labels far above the others (mostly empty classes) → BAD_IDX; `classes` names them explicitly', async () => {
  const [images, lpath] = await pair('sparse', idx(0x0c, [2], [0, 5000]), 2);
  await expectError(() => loadIdxPair(images), 'BAD_IDX', [/label 5000 at index 1 would make 5001 classes, but only 2 different labels occur/]);
  const named = await loadIdxPair(images, lpath, { classes: Array.from({ length: 5001 }, (_, i) => `c${i}`) });
  assert.equal(named.classes.length, 5001);
  // up to 1,024 classes, sparse labels are fine
  const [img2] = await pair('sparse-ok', idx(0x0c, [2], [0, 1000]), 2);
  assert.equal((await loadIdxPair(img2)).classes.length, 1001);
});

test('IDX labels that are not whole numbers are refused before any int32 conversion', async () => {
  const [images] = await pair('float', idx(0x0d, [2], [0, 1.5]), 2);
  await expectError(() => loadIdxPair(images), 'BAD_IDX', [/label 1\.5 at index 1 is not a class number/]);
  const [img2] = await pair('big-float', idx(0x0d, [1], [1e10]), 1);
  await expectError(() => loadIdxPair(img2), 'BAD_IDX', [/label 10000000000 at index 0 is too large/]);
});

test('a gzipped IDX that inflates past its declared size stops there → BAD_IDX "too long"', async () => {
  const body = Buffer.concat([idx(0x08, [10], Array(10).fill(1)), Buffer.alloc(200 * 2 ** 20)]);
  const file = join(root, 'bomb-labels-idx1-ubyte.gz');
  await writeFile(file, gzipSync(body, { level: 9 }));
  await cheap(() => expectError(() => readIdx(file), 'BAD_IDX', [/bomb-labels/, /too long: its header declares 18 bytes/]));
  const ok = join(root, 'ok-labels-idx1-ubyte.gz');
  await writeFile(ok, gzipSync(idx(0x08, [3], [2, 0, 1])));
  assert.deepEqual([...(await readIdx(ok)).data], [2, 0, 1]);
});

test('an IDX named pipe → NOT_A_FILE, no hang', { skip: canMkfifo ? false : 'mkfifo is not available', timeout: 20_000 }, async () => {
  const file = join(root, 'pipe-images-idx3-ubyte');
  execFileSync('mkfifo', [file]);
  await cheap(() => expectError(() => readIdx(file), 'NOT_A_FILE', [/named pipe/]));
});
