import sharp from 'sharp';

/**
 * A PNG with the image (grey) on the left and the attribution heatmap on the right:
 * red supports the class, blue speaks against it; each side scaled ×8 for visibility.
 *
 * @example
 * ```ts
 * await writeFile('ig.png', await heatmapPng(img, [28, 28, 1], attributions));
 * ```
 */
export async function heatmapPng(img: ArrayLike<number>, [h, w, c]: [number, number, number], attributions: ArrayLike<number>): Promise<Buffer> {
  const scale = Math.max(1, Math.floor(224 / Math.max(h, w)));
  const max = Math.max(1e-12, ...Array.from(attributions, Math.abs));
  const raw = Buffer.alloc(h * 2 * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let grey = 0;
      for (let k = 0; k < c; k++) grey += img[(y * w + x) * c + k] / c;
      const g = Math.round(255 * Math.min(1, Math.max(0, grey)));
      raw.set([g, g, g], (y * 2 * w + x) * 3);
      const a = attributions[y * w + x] / max;
      const rgb = a >= 0 ? [255, Math.round(255 * (1 - a)), Math.round(255 * (1 - a))] : [Math.round(255 * (1 + a)), Math.round(255 * (1 + a)), 255];
      raw.set(rgb, (y * 2 * w + w + x) * 3);
    }
  }
  return sharp(raw, { raw: { width: 2 * w, height: h, channels: 3 } }).resize(2 * w * scale, h * scale, { kernel: 'nearest' }).png().toBuffer();
}
