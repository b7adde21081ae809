import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createServeApp } from '../../src/serve/app.ts';
import { newToken } from '../../src/serve/auth.ts';
import { fit } from '../../src/transfer/fit.ts';
import { from, tempRoot } from './helpers.ts';

/** A folder of 16×16 PNGs in two class subfolders: a bright square top-left (`tl`) or bottom-right (`br`). */
async function imageFolder(root: string): Promise<string> {
  const dir = join(root, 'images');
  for (const cls of ['tl', 'br']) {
    await mkdir(join(dir, cls), { recursive: true });
    for (let i = 0; i < 8; i++) {
      const px = Buffer.alloc(16 * 16, 20);
      const o = cls === 'tl' ? 1 + (i % 3) : 8 + (i % 3);
      for (let y = o; y < o + 6; y++) for (let x = o; x < o + 6; x++) px[y * 16 + x] = 230;
      await sharp(px, { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(join(dir, cls, `${i}.png`));
    }
  }
  return dir;
}

test('an image run gets Grad-CAM overlays (heatmap over the image, colour bar) as PNG images; the what-if explorer reports its kind', async () => {
  const root = await tempRoot('tk-serve-gradcam-');
  const res = await fit({ strategy: 'scratch', arch: 'cnn', train: await imageFolder(root), epochs: 2, out: join(root, 'runs', 'squares') });
  res.model.dispose();
  const served = createServeApp({ root: join(root, 'runs'), token: newToken(), open: true, cli: [] });
  try {
    const get = (path: string) => served.app.request(path, { headers: { host: '127.0.0.1' } }, from('127.0.0.1'));
    const schema = (await (await get('/api/runs/squares/whatif')).json()) as { kind: string; classes: string[] };
    assert.equal(schema.kind, 'image');
    assert.deepEqual([...schema.classes].sort(), ['br', 'tl']);
    const g = (await (await get('/api/runs/squares/gradcam?count=3')).json()) as { images: Array<{ row: number; predicted: string; probability: number; actual: string; png: string }> };
    assert.equal(g.images.length, 3);
    assert.ok(new Set(g.images.map((i) => i.row)).size === 3, 'three different images');
    for (const im of g.images) {
      assert.ok(schema.classes.includes(im.predicted) && schema.classes.includes(im.actual));
      assert.ok(im.probability > 0 && im.probability <= 1);
      assert.match(im.png, /^data:image\/png;base64,/);
      const meta = await sharp(Buffer.from(im.png.split(',')[1], 'base64')).metadata();
      assert.equal(meta.format, 'png');
      assert.ok(meta.width! > meta.height! && meta.height! >= 120, 'the heatmap blended over the image, with a colour bar beside it');
    }
    // a tabular edit makes no sense on images
    const edit = await served.app.request('/api/runs/squares/whatif', { method: 'POST', headers: { host: '127.0.0.1', 'content-type': 'application/json' }, body: '{"values":{}}' }, from('127.0.0.1'));
    assert.equal(edit.status, 400);
    assert.equal(((await edit.json()) as { error: { code: string } }).error.code, 'KIND_MISMATCH');
  } finally {
    await served.close();
  }
});
