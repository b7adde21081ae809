import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadImageFolder } from '../../src/data/images.ts';
import { decodeBmp } from '../../src/data/bmp.ts';
import { expectError } from './helpers.ts';

let root: string;

/** A solid-colour image of size w×h in the given format. */
function solid(w: number, h: number, rgb: [number, number, number]) {
  const data = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) data.set(rgb, i * 3);
  return sharp(data, { raw: { width: w, height: h, channels: 3 } });
}

/** A 24-bit bottom-up BMP: top row `top`, other rows `rest`. */
function bmp(w: number, h: number, top: number[], rest: number[]): Buffer {
  const stride = Math.ceil((w * 3) / 4) * 4;
  const buf = Buffer.alloc(54 + stride * h);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(w, 18);
  buf.writeInt32LE(h, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  for (let y = 0; y < h; y++) {
    const rgb = y === 0 ? top : rest;
    const row = 54 + (h - 1 - y) * stride;
    for (let x = 0; x < w; x++) buf.set([rgb[2], rgb[1], rgb[0]], row + x * 3);
  }
  return buf;
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tk-img-'));
  const good = join(root, 'good');
  await mkdir(join(good, '10'), { recursive: true });
  await mkdir(join(good, '2'), { recursive: true });
  await mkdir(join(good, 'red'), { recursive: true });
  await mkdir(join(good, '.hidden'), { recursive: true });
  await solid(5, 7, [255, 255, 255]).png().toFile(join(good, '2', 'white.png'));
  await solid(3, 3, [0, 0, 0]).jpeg().toFile(join(good, '2', 'black.jpg'));
  await solid(8, 8, [255, 0, 0]).webp({ lossless: true }).toFile(join(good, 'red', 'a.webp'));
  await solid(6, 2, [255, 0, 0]).gif().toFile(join(good, 'red', 'b.gif'));
  await solid(4, 4, [0, 0, 255]).tiff({ compression: 'lzw' }).toFile(join(good, '10', 'blue.tiff'));
  await writeFile(join(good, '10', 'green.bmp'), bmp(3, 2, [0, 255, 0], [0, 255, 0]));
  await writeFile(join(good, '10', 'README.txt'), 'not an image');
  await mkdir(join(root, 'flat'));
  await solid(2, 2, [1, 2, 3]).png().toFile(join(root, 'flat', 'x.png'));
  await mkdir(join(root, 'broken', 'cls'), { recursive: true });
  await writeFile(join(root, 'broken', 'cls', 'bad.png'), 'this is not a png');
  await mkdir(join(root, 'hollow', 'a'), { recursive: true });
  await mkdir(join(root, 'hollow', 'b'), { recursive: true });
  await solid(2, 2, [1, 2, 3]).png().toFile(join(root, 'hollow', 'a', 'x.png'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('loadImageFolder: classes in natural order, every format, resized and greyscale by default', async () => {
  const ds = await loadImageFolder(join(root, 'good'), { height: 4, width: 5 });
  assert.deepEqual(ds.classes, ['2', '10', 'red']);
  assert.equal(ds.size, 6); // README.txt and .hidden ignored
  // files in natural order within each class: 2/black.jpg, 2/white.png, 10/blue.tiff, 10/green.bmp, red/a.webp, red/b.gif
  assert.deepEqual([...ds.labels], [0, 0, 1, 1, 2, 2]);
  if (ds.features.kind !== 'image') assert.fail('image');
  assert.deepEqual([ds.features.height, ds.features.width, ds.features.channels], [4, 5, 1]);
  assert.equal(ds.features.pixels.length, 6 * 4 * 5);
  const f = ds.features;
  const first = (i: number) => f.pixels[i * 20];
  assert.ok(first(0) < 0.02, 'black stays black');
  assert.equal(first(1), 1, 'white becomes 1');
  for (const p of f.pixels) assert.ok(p >= 0 && p <= 1);
});

test('loadImageFolder: RGB output keeps colours', async () => {
  const ds = await loadImageFolder(join(root, 'good'), { height: 2, width: 2, channels: 3 });
  const f = ds.features;
  if (f.kind !== 'image') assert.fail('image');
  const px = (i: number) => [...f.pixels.subarray(i * 12, i * 12 + 3)].map((v) => Math.round(v * 255));
  assert.deepEqual(px(1), [255, 255, 255]);
  assert.deepEqual(px(2), [0, 0, 255]); // tiff blue
  assert.deepEqual(px(3), [0, 255, 0]); // bmp green
  assert.deepEqual(px(4), [255, 0, 0]); // webp red
});

test('decodeBmp reads rows top to bottom', () => {
  const { data, width, height } = decodeBmp(bmp(2, 2, [10, 20, 30], [40, 50, 60]));
  assert.deepEqual([width, height], [2, 2]);
  assert.deepEqual([...data], [10, 20, 30, 10, 20, 30, 40, 50, 60, 40, 50, 60]);
});

test('loadImageFolder: errors name the folder or file', async () => {
  await expectError(() => loadImageFolder(join(root, 'flat')), 'NO_CLASS_FOLDERS', [/flat has no class subfolders \(it has 1 image files/]);
  await expectError(() => loadImageFolder(join(root, 'broken')), 'BAD_IMAGE', [/bad\.png/], /broken\/cls\/bad\.png$/);
  await expectError(() => loadImageFolder(join(root, 'hollow')), 'EMPTY_CLASS', [/hollow\/b has no image files/]);
  await expectError(() => loadImageFolder(join(root, 'absent')), 'FILE_NOT_FOUND', [/absent/]);
  await expectError(() => loadImageFolder(join(root, 'good'), { channels: 2 }), 'BAD_OPTION', [/channels/]);
});

test('a symbolic link to a class folder or an image counts as what it points to', async () => {
  const root = await mkdtemp(join(tmpdir(), 'tk-img-links-'));
  try {
    const png = () => sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 9, g: 9, b: 9 } } }).png().toBuffer();
    await mkdir(join(root, 'data', 'cat'), { recursive: true });
    await mkdir(join(root, 'elsewhere', 'dog'), { recursive: true });
    await writeFile(join(root, 'data', 'cat', 'a.png'), await png());
    await writeFile(join(root, 'elsewhere', 'dog', 'b.png'), await png());
    await writeFile(join(root, 'elsewhere', 'c.png'), await png());
    await symlink(join(root, 'elsewhere', 'dog'), join(root, 'data', 'dog'));
    await symlink(join(root, 'elsewhere', 'c.png'), join(root, 'data', 'cat', 'c.png'));
    const ds = await loadImageFolder(join(root, 'data'), { height: 4, width: 4, channels: 1 });
    assert.deepEqual(ds.classes, ['cat', 'dog']);
    assert.equal(ds.size, 3);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
