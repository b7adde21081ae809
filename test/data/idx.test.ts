import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { labelsPathFor, loadIdxPair, readIdx } from '../../src/data/idx.ts';
import { expectError, fixture } from './helpers.ts';

const PIXELS = [0, 51, 102, 153, 204, 255, 255, 255, 255, 0, 0, 0, 10, 20, 30, 40, 50, 60];

test('readIdx reads raw and gzipped files', async () => {
  const raw = await readIdx(fixture('tiny-images-idx3-ubyte'));
  assert.equal(raw.type, 'uint8');
  assert.deepEqual(raw.dims, [3, 2, 3]);
  assert.deepEqual([...raw.data], PIXELS);
  const dir = await mkdtemp(join(tmpdir(), 'tk-idx-'));
  try {
    const gz = join(dir, 'x-images-idx3-ubyte.gz');
    await writeFile(gz, gzipSync(await readFile(fixture('tiny-images-idx3-ubyte'))));
    assert.deepEqual([...(await readIdx(gz)).data], PIXELS);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('labelsPathFor swaps images→labels and idx3→idx1', () => {
  assert.equal(labelsPathFor('/d/t10k-images-idx3-ubyte.gz'), '/d/t10k-labels-idx1-ubyte.gz');
  assert.equal(labelsPathFor('/d/data.gz'), undefined);
});

test('loadIdxPair finds the labels file and scales pixels by 1/255', async () => {
  const ds = await loadIdxPair(fixture('tiny-images-idx3-ubyte'));
  assert.equal(ds.size, 3);
  assert.deepEqual([...ds.labels], [2, 0, 1]);
  assert.deepEqual(ds.classes, ['0', '1', '2']);
  if (ds.features.kind !== 'image') assert.fail('image');
  assert.deepEqual([ds.features.height, ds.features.width, ds.features.channels], [2, 3, 1]);
  assert.deepEqual([...ds.features.pixels], PIXELS.map((p) => Math.fround(p / 255)));
  const named = await loadIdxPair(fixture('tiny-images-idx3-ubyte'), fixture('tiny-labels-idx1-ubyte'), { classes: ['a', 'b', 'c', 'd'] });
  assert.deepEqual(named.classes, ['a', 'b', 'c', 'd']);
});

test('readIdx: bad magic, truncated and corrupt gzip are BAD_IDX naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-idx-'));
  try {
    const good = await readFile(fixture('tiny-images-idx3-ubyte'));
    const magic = join(dir, 'magic-images-idx3-ubyte');
    await writeFile(magic, Buffer.concat([Buffer.from([1, 2, 3, 4]), good.subarray(4)]));
    await expectError(() => readIdx(magic), 'BAD_IDX', [/magic-images-idx3-ubyte/, /bad magic number 0x01020304/]);
    const short = join(dir, 'short-images-idx3-ubyte');
    await writeFile(short, good.subarray(0, good.length - 5));
    await expectError(() => readIdx(short), 'BAD_IDX', [/short-images/, /truncated/, /need 34 bytes, file has 29/]);
    const gz = join(dir, 'cut-images-idx3-ubyte.gz');
    const zipped = gzipSync(good);
    await writeFile(gz, zipped.subarray(0, zipped.length - 10));
    await expectError(() => readIdx(gz), 'BAD_IDX', [/cut-images/, /gzip/]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('loadIdxPair: missing labels file and mismatched counts', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-idx-'));
  try {
    const images = join(dir, 'lone-images-idx3-ubyte');
    await copyFile(fixture('tiny-images-idx3-ubyte'), images);
    await expectError(() => loadIdxPair(images), 'FILE_NOT_FOUND', [/lone-labels-idx1-ubyte/]);
    const labels = join(dir, 'lone-labels-idx1-ubyte');
    await writeFile(labels, Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 1, 1]));
    await expectError(() => loadIdxPair(images), 'BAD_IDX', [/lone-labels/, /\[3\] to match 3 images, got \[2\]/]);
    await expectError(() => loadIdxPair(fixture('tiny-labels-idx1-ubyte'), fixture('tiny-labels-idx1-ubyte')), 'BAD_IDX', [/labels file, not images/]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('loadIdxPair: float pixels are read as they are, so they must be in [0, 1]; NaN or 80 is BAD_IDX naming the image', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-idx-'));
  try {
    /** A float32 IDX of 2 images of 1×2 pixels (big-endian, as IDX is). */
    const floatIdx = (values: number[]) => {
      const b = Buffer.alloc(4 + 12 + values.length * 4);
      b.writeUInt32BE(0x00000d03, 0);
      [2, 1, 2].forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
      values.forEach((v, i) => b.writeFloatBE(v, 16 + 4 * i));
      return b;
    };
    const labels = Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 0, 1]);
    await writeFile(join(dir, 'f-labels-idx1-ubyte'), labels);
    await writeFile(join(dir, 'f-images-idx3-ubyte'), floatIdx([0, 0.5, 1, 0.25]));
    const ok = await loadIdxPair(join(dir, 'f-images-idx3-ubyte'));
    if (ok.features.kind !== 'image') assert.fail('image');
    assert.deepEqual([...ok.features.pixels], [0, 0.5, 1, 0.25]);
    for (const [value, what] of [[80, /pixel value 80 of image 1 \(value 0 of 2\) is outside \[0, 1\]/], [NaN, /pixel value NaN of image 0 \(value 1 of 2\) is not a number/]] as const) {
      await writeFile(join(dir, 'f-images-idx3-ubyte'), floatIdx(Number.isNaN(value) ? [0, NaN, 1, 0] : [0, 0.5, value, 0]));
      await expectError(() => loadIdxPair(join(dir, 'f-images-idx3-ubyte')), 'BAD_IDX', [what]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
