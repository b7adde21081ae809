/**
 * Window geometry of convolutions and pooling as TF.js computes it: output size and explicit
 * pads for 'same' (extra padding at the end) and 'valid'.
 *
 * @module
 */

/** Output size and pads `[top, left, bottom, right]` of a 2-D window operation. */
export interface Geometry {
  outH: number;
  outW: number;
  pads: [number, number, number, number];
}

/**
 * TF.js's geometry for an `h × w` input.
 *
 * @example
 * ```ts
 * windowGeometry(28, 28, [3, 3], [2, 2], 'same'); // { outH: 14, outW: 14, pads: [0, 0, 1, 1] }
 * ```
 */
export function windowGeometry(h: number, w: number, k: [number, number], s: [number, number], padding: string): Geometry {
  if (padding === 'valid') {
    return { outH: Math.floor((h - k[0]) / s[0]) + 1, outW: Math.floor((w - k[1]) / s[1]) + 1, pads: [0, 0, 0, 0] };
  }
  const outH = Math.ceil(h / s[0]);
  const outW = Math.ceil(w / s[1]);
  const th = Math.max((outH - 1) * s[0] + k[0] - h, 0);
  const tw = Math.max((outW - 1) * s[1] + k[1] - w, 0);
  return { outH, outW, pads: [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)] };
}

/**
 * The `output_padding` a ConvTranspose needs to give back an `h × w` input from a window
 * operation's output.
 *
 * @example
 * ```ts
 * outputPadding(8, 8, [3, 3], [2, 2], windowGeometry(8, 8, [3, 3], [2, 2], 'valid')); // [1, 1]
 * ```
 */
export function outputPadding(h: number, w: number, k: [number, number], s: [number, number], geo: Geometry): [number, number] {
  const [t, l, b, r] = geo.pads;
  return [h - (s[0] * (geo.outH - 1) + k[0] - t - b), w - (s[1] * (geo.outW - 1) + k[1] - l - r)];
}

/**
 * A one-hot kernel `[c·kh·kw, 1, kh, kw]` for a grouped Conv (group = c) that copies every
 * window element to its own channel (`c·kh·kw + i·kw + j`): image patches.
 *
 * @example
 * ```ts
 * patchKernel(1, [2, 2]); // 4 × 1 × 2 × 2, one 1 per output channel
 * ```
 */
export function patchKernel(c: number, k: [number, number]): Float32Array {
  const kk = k[0] * k[1];
  const out = new Float32Array(c * kk * kk);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < kk; i++) out[(ch * kk + i) * kk + i] = 1;
  return out;
}
