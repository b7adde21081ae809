/**
 * A small BMP decoder: sharp (libvips) cannot read BMP files, so image folders
 * decode them here and hand sharp the raw pixels.
 */

/**
 * Decoded RGB pixels, row-major, top row first.
 *
 * @example
 * ```ts
 * const { width, height, channels } = decodeBmp(buf); // channels === 3
 * ```
 */
export interface RawRgb {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

/**
 * The most pixels {@link decodeBmp} decodes: 0x3FFF × 0x3FFF (268,402,689), the limit sharp
 * applies to every other image format.
 */
export const MAX_BMP_PIXELS = 0x3fff * 0x3fff;

/**
 * Decodes an uncompressed BMP (1/4/8-bit palette, 16/24/32-bit, BI_RGB or BI_BITFIELDS)
 * into 8-bit RGB. Alpha is dropped. Throws a plain `Error` saying what is unsupported;
 * callers wrap it with the file name.
 *
 * @example
 * ```ts
 * const { data, width, height } = decodeBmp(await readFile('digit.bmp'));
 * const png = await sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
 * ```
 */
export function decodeBmp(buf: Buffer): RawRgb {
  if (buf.length < 26 || buf.toString('latin1', 0, 2) !== 'BM') throw new Error('not a BMP file (no "BM" signature)');
  const offset = buf.readUInt32LE(10);
  const hsize = buf.readUInt32LE(14);
  const core = hsize === 12;
  const width = core ? buf.readUInt16LE(18) : buf.readInt32LE(18);
  const rawHeight = core ? buf.readInt16LE(20) : buf.readInt32LE(22);
  const bpp = core ? buf.readUInt16LE(24) : buf.readUInt16LE(28);
  const compression = core ? 0 : buf.readUInt32LE(30);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (width <= 0 || height === 0) throw new Error(`BMP has an empty size ${width}×${height}`);
  if (![0, 3, 6].includes(compression)) throw new Error(`compressed BMP (compression type ${compression}) is not supported; save it uncompressed or as PNG`);

  let masks: [number, number, number] | undefined;
  if (compression === 3 || compression === 6) {
    const at = hsize >= 52 ? 54 : 14 + hsize;
    masks = [buf.readUInt32LE(at), buf.readUInt32LE(at + 4), buf.readUInt32LE(at + 8)];
  } else if (bpp === 16) masks = [0x7c00, 0x03e0, 0x001f];
  else if (bpp === 32) masks = [0xff0000, 0x00ff00, 0x0000ff];

  if (![1, 2, 4, 8, 16, 24, 32].includes(bpp)) throw new Error(`${bpp}-bit BMP is not supported`);
  // Every size comes from the file: check it against the file's length and MAX_BMP_PIXELS before allocating.
  if (width * height > MAX_BMP_PIXELS) throw new Error(`BMP declares ${width}×${height} pixels, more than the ${MAX_BMP_PIXELS} transferkit decodes`);
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (offset + stride * height > buf.length) throw new Error(`BMP file is truncated: ${width}×${height} pixels at ${bpp} bits need ${offset + stride * height} bytes, the file has ${buf.length}`);

  let palette: number[][] = [];
  if (bpp <= 8) {
    const entry = core ? 3 : 4;
    const used = core ? 0 : buf.readUInt32LE(46);
    if (used > 1 << bpp) throw new Error(`BMP declares ${used} palette colours, more than the ${1 << bpp} a ${bpp}-bit image can use`);
    const count = used || 1 << bpp;
    const start = 14 + hsize + (compression === 3 && hsize === 40 ? 12 : 0);
    if (start + count * entry > buf.length) throw new Error(`BMP palette of ${count} colours runs past the end of the file (${buf.length} bytes)`);
    palette = Array.from({ length: count }, (_, i) => [buf[start + i * entry + 2], buf[start + i * entry + 1], buf[start + i * entry]]);
  }
  const out = Buffer.alloc(width * height * 3);
  const chan = (v: number, mask: number) => {
    if (!mask) return 0;
    const shift = Math.log2(mask & -mask);
    const max = mask / (mask & -mask);
    return Math.round((((v & mask) >>> 0) / 2 ** shift / max) * 255);
  };
  for (let y = 0; y < height; y++) {
    const row = offset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      let rgb: number[];
      if (bpp <= 8) {
        const bit = x * bpp;
        const idx = (buf[row + (bit >> 3)] >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        rgb = palette[idx] ?? [0, 0, 0];
      } else if (bpp === 24) {
        const p = row + x * 3;
        rgb = [buf[p + 2], buf[p + 1], buf[p]];
      } else {
        const v = bpp === 16 ? buf.readUInt16LE(row + x * 2) : buf.readUInt32LE(row + x * 4);
        rgb = masks!.map((m) => chan(v, m));
      }
      out[o] = rgb[0];
      out[o + 1] = rgb[1];
      out[o + 2] = rgb[2];
    }
  }
  return { data: out, width, height, channels: 3 };
}
