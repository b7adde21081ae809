/**
 * Layouts: ONNX image tensors are NCHW, TF.js layers NHWC. A converted value keeps the layout it
 * was made in ({@link Layout}); these helpers read its ONNX shape and move it to the layout an op
 * needs (adding Permute / Reshape layers only where the layouts differ).
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvertContext, Layout, Sym } from './context.ts';

/** ONNX-order shape of a symbolic value (batch first, `null` when dynamic). */
export function onnxShape(x: Sym): (number | null)[] {
  const s = x.t.shape as (number | null)[];
  switch (x.layout.kind) {
    case 'plain':
      return [null, ...s.slice(1)];
    case 'nhwc':
      return [null, s[3], s[1], s[2]];
    case 'pooled':
      return [null, s[1], 1, 1];
    case 'flat':
      return [null, x.layout.c * x.layout.h * x.layout.w];
  }
}

/** `x` as an NHWC image tensor (an UNSUPPORTED_OP error naming `what` when it is not an image). */
export function toNhwc(ctx: ConvertContext, x: Sym, what = 'the input'): Sym {
  if (x.layout.kind === 'nhwc') return x;
  const s = onnxShape(x);
  if (x.layout.kind === 'pooled') {
    const c = s[1] as number;
    const t = ctx.layer(tf.layers.reshape({ targetShape: [1, 1, c], name: ctx.uniqueName(`${ctx.baseName()}_to_hwc`) }), x.t);
    return { kind: 'sym', t, layout: { kind: 'nhwc' }, nonNeg: x.nonNeg };
  }
  if (x.layout.kind === 'plain' && s.length === 4) {
    const t = ctx.layer(tf.layers.permute({ dims: [2, 3, 1], name: ctx.uniqueName(`${ctx.baseName()}_to_nhwc`) }), x.t);
    return { kind: 'sym', t, layout: { kind: 'nhwc' }, nonNeg: x.nonNeg };
  }
  return ctx.unsupported(`${what} has shape [${s.map((d) => d ?? '?')}], not [N, C, H, W]`);
}

/** `x` in ONNX order (the `plain` layout). */
export function toPlain(ctx: ConvertContext, x: Sym): Sym {
  const base = ctx.baseName();
  const plain = (t: tf.SymbolicTensor): Sym => ({ kind: 'sym', t, layout: { kind: 'plain' }, nonNeg: x.nonNeg });
  switch (x.layout.kind) {
    case 'plain':
      return x;
    case 'nhwc':
      return plain(ctx.layer(tf.layers.permute({ dims: [3, 1, 2], name: ctx.uniqueName(`${base}_to_nchw`) }), x.t));
    case 'pooled': {
      const c = x.t.shape[1] as number;
      return plain(ctx.layer(tf.layers.reshape({ targetShape: [c, 1, 1], name: ctx.uniqueName(`${base}_to_nchw`) }), x.t));
    }
    case 'flat': {
      const { c, h, w } = x.layout;
      const hwc = ctx.layer(tf.layers.reshape({ targetShape: [h, w, c], name: ctx.uniqueName(`${base}_unflatten`) }), x.t);
      const chw = ctx.layer(tf.layers.permute({ dims: [3, 1, 2], name: ctx.uniqueName(`${base}_to_nchw`) }), hwc);
      return plain(ctx.layer(tf.layers.flatten({ name: ctx.uniqueName(`${base}_flatten_nchw`) }), chw));
    }
  }
}

export function sameLayout(a: Layout, b: Layout): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'flat' && b.kind === 'flat') return a.c === b.c && a.h === b.h && a.w === b.w;
  return true;
}
