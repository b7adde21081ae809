/**
 * Pure-JavaScript image resizing and channel conversion for NHWC float batches, so feature
 * transforms need no TensorFlow backend.
 */
import { TransferkitError } from '../errors.ts';

/**
 * Bilinear resize of `n` images (NHWC floats) from `h × w` to `outH × outW`, with half-pixel
 * centres (the convention of `tf.image.resizeBilinear(…, halfPixelCenters = true)`, OpenCV and PIL).
 * Returns the input unchanged when the size already matches.
 *
 * @example
 * ```ts
 * const small = resizeBilinear(pixels, 10, 64, 64, 3, 32, 32); // 10 × 32 × 32 × 3
 * ```
 */
export function resizeBilinear(pixels: Float32Array, n: number, h: number, w: number, c: number, outH: number, outW: number): Float32Array {
  if (h === outH && w === outW) return pixels;
  const out = new Float32Array(n * outH * outW * c);
  const axis = (size: number, outSize: number) =>
    Array.from({ length: outSize }, (_, o) => {
      const src = Math.min(Math.max((o + 0.5) * (size / outSize) - 0.5, 0), size - 1);
      const lo = Math.floor(src);
      return { lo, hi: Math.min(lo + 1, size - 1), f: src - lo };
    });
  const ys = axis(h, outH);
  const xs = axis(w, outW);
  const inPer = h * w * c;
  const outPer = outH * outW * c;
  for (let i = 0; i < n; i++) {
    const base = i * inPer;
    let o = i * outPer;
    for (const y of ys) {
      const r0 = base + y.lo * w * c;
      const r1 = base + y.hi * w * c;
      for (const x of xs) {
        for (let k = 0; k < c; k++) {
          const top = pixels[r0 + x.lo * c + k] * (1 - x.f) + pixels[r0 + x.hi * c + k] * x.f;
          const bottom = pixels[r1 + x.lo * c + k] * (1 - x.f) + pixels[r1 + x.hi * c + k] * x.f;
          out[o++] = top * (1 - y.f) + bottom * y.f;
        }
      }
    }
  }
  return out;
}

/**
 * Converts `count` pixels between channel counts: 1 → 3 repeats the grey value, 3 → 1
 * averages R, G and B, 4 → 3 drops alpha, 4 → 1 averages R, G and B. Returns the input
 * unchanged when `from === to`; other conversions throw `BAD_CHANNELS`.
 *
 * @example
 * ```ts
 * const rgb = convertChannels(grey, 28 * 28, 1, 3);
 * ```
 */
export function convertChannels(pixels: Float32Array, count: number, from: number, to: number): Float32Array {
  if (from === to) return pixels;
  const out = new Float32Array(count * to);
  if (from === 1 && to === 3) {
    for (let p = 0; p < count; p++) out[p * 3] = out[p * 3 + 1] = out[p * 3 + 2] = pixels[p];
  } else if ((from === 3 || from === 4) && to === 1) {
    for (let p = 0; p < count; p++) out[p] = (pixels[p * from] + pixels[p * from + 1] + pixels[p * from + 2]) / 3;
  } else if (from === 4 && to === 3) {
    for (let p = 0; p < count; p++) for (let k = 0; k < 3; k++) out[p * 3 + k] = pixels[p * 4 + k];
  } else {
    throw new TransferkitError('BAD_CHANNELS', `Cannot convert images with ${from} channels to ${to}`, {
      where: 'image channels',
      hint: 'Images must have 1 (grey), 3 (RGB) or 4 (RGBA) channels; models take 1 or 3.',
    });
  }
  return out;
}
