/**
 * Image explanations drawn over the image: the attribution heatmap blended onto the input, with
 * a colour bar (sharp compositing; PNG out).
 *
 * @module
 */
import sharp from 'sharp';
import { TransferkitError } from '../../errors.ts';

/** The font of the overlay's text (the charts' font: DejaVu Sans where installed). */
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

const shortNumber = (v: number) => String(Number(v.toPrecision(3)));

/**
 * Options of {@link imageOverlayPng}.
 *
 * @example
 * ```ts
 * const o: OverlayOptions = { title: 'Grad-CAM: class 7 (p = 0.98)', size: 280, opacity: 0.7 };
 * ```
 */
export interface OverlayOptions {
  /** Text above the image. */
  title?: string;
  /** Side of the drawn image in CSS pixels (default 280). */
  size?: number;
  /** Opacity of the strongest attribution (default 0.7); weaker ones fade towards transparent. */
  opacity?: number;
  /** Pixel density multiplier of the PNG (default 2). */
  scale?: number;
}

const RED: [number, number, number] = [228, 26, 28];
const BLUE: [number, number, number] = [33, 102, 172];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The attribution map blended over the image it explains: red where pixels support the class,
 * blue where they speak against it (one-sided maps such as Grad-CAM: red only), opacity growing
 * with |attribution| / max |attribution|; a colour bar on the right gives the scale in
 * attribution units. `pixels` is the model input (height × width × channels, values in [0, 1]),
 * `attributions` one value per pixel.
 *
 * @example
 * ```ts
 * const png = await imageOverlayPng(img, [28, 28, 1], row.attributions, { title: `ig: ${row.class}` });
 * await writeFileAtomic('overlay.png', png);
 * ```
 */
export async function imageOverlayPng(pixels: ArrayLike<number>, [h, w, c]: readonly [number, number, number], attributions: ArrayLike<number>, opts: OverlayOptions = {}): Promise<Buffer> {
  if (pixels.length !== h * w * c) throw new TransferkitError('SHAPE_MISMATCH', `Expected ${h}×${w}×${c} = ${h * w * c} pixel values, got ${pixels.length}`, { where: 'imageOverlayPng' });
  if (attributions.length !== h * w) throw new TransferkitError('SHAPE_MISMATCH', `Expected one attribution per pixel (${h * w}), got ${attributions.length}`, { where: 'imageOverlayPng' });
  const size = opts.size ?? 280;
  const scale = opts.scale ?? 2;
  const opacity = opts.opacity ?? 0.7;
  const out = Math.round(size * scale);
  const dw = w >= h ? out : Math.round((out * w) / h);
  const dh = h >= w ? out : Math.round((out * h) / w);
  let max = 0;
  let min = 0;
  for (let i = 0; i < attributions.length; i++) {
    max = Math.max(max, Math.abs(attributions[i]));
    min = Math.min(min, attributions[i]);
  }
  const signed = min < 0;
  const base = Buffer.alloc(h * w * 3);
  const heat = Buffer.alloc(h * w * 4);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) {
      const v = c >= 3 ? pixels[p * c + k] : pixels[p * c];
      base[p * 3 + k] = Math.round(255 * Math.min(1, Math.max(0, v)));
    }
    const a = max > 0 ? attributions[p] / max : 0;
    const rgb = a >= 0 ? RED : BLUE;
    heat.set([...rgb, Math.round(255 * opacity * Math.min(1, Math.abs(a)))], p * 4);
  }
  const small = Math.max(h, w) <= 64;
  const baseImg = await sharp(base, { raw: { width: w, height: h, channels: 3 } }).resize(dw, dh, { kernel: small ? 'nearest' : 'lanczos3' }).png().toBuffer();
  const heatImg = await sharp(heat, { raw: { width: w, height: h, channels: 4 } }).resize(dw, dh, { kernel: 'cubic' }).png().toBuffer();
  const blended = await sharp(baseImg).composite([{ input: heatImg, blend: 'over' }]).png().toBuffer();

  const titleH = opts.title ? 30 : 8;
  const imgW = dw / scale;
  const imgH = dh / scale;
  const barX = imgW + 24;
  const width = barX + 100;
  const height = titleH + Math.max(imgH, 120) + 12;
  const stop = (offset: number, [r, g, b]: [number, number, number], o: number) => `<stop offset="${offset}" stop-color="rgb(${r},${g},${b})" stop-opacity="${o}"/>`;
  const gradient = signed ? [stop(0, RED, opacity), stop(0.5, RED, 0), stop(0.5, BLUE, 0), stop(1, BLUE, opacity)] : [stop(0, RED, opacity), stop(1, RED, 0)];
  const ticks = signed
    ? [[0, `+${shortNumber(max)}`], [0.5, '0'], [1, `−${shortNumber(max)}`]]
    : [[0, shortNumber(max)], [1, '0']];
  const text = (x: number, y: number, s: string, fill = '#222') => `<text x="${x}" y="${y}" font-family="${FONT}" font-size="11" fill="${fill}">${esc(s)}</text>`;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    opts.title ? `<text x="4" y="19" font-family="${FONT}" font-size="14" font-weight="bold" fill="#000">${esc(opts.title)}</text>` : '',
    `<image x="4" y="${titleH}" width="${imgW}" height="${imgH}" xlink:href="data:image/png;base64,${blended.toString('base64')}"/>`,
    `<defs><linearGradient id="bar" x1="0" y1="0" x2="0" y2="1">${gradient.join('')}</linearGradient></defs>`,
    `<rect x="${barX}" y="${titleH}" width="14" height="${imgH}" fill="white" stroke="#999"/>`,
    `<rect x="${barX}" y="${titleH}" width="14" height="${imgH}" fill="url(#bar)" stroke="#999"/>`,
    ...ticks.map(([f, label]) => text(barX + 19, titleH + (f as number) * imgH + 4, label as string)),
    text(barX + 19, titleH + imgH * (signed ? 0.25 : 0.5) + 4, 'supports', '#555'),
    signed ? text(barX + 19, titleH + imgH * 0.75 + 4, 'opposes', '#555') : '',
    `</svg>`,
  ].join('');
  return sharp(Buffer.from(svg), { density: 72 * scale }).png().toBuffer();
}
