/**
 * Pooling. Max pooling: forward `MaxPool`; backward finds each window's maximum with `ArgMax`
 * over the window's elements — gathered by a Reshape/Transpose when the windows tile the input,
 * else as image patches (measured ~5× faster than MaxPool's own Indices output) — turns it into a
 * flat input index and scatters the gradient there with `MaxUnpool` (non-overlapping windows)
 * or `ScatterElements` with `add` (overlapping ones). Average pooling: `AveragePool` without
 * the padding in the count (as TF.js); backward divides by each window's count and spreads it
 * with a depthwise `ConvTranspose` of ones. Global average pooling: `ReduceMean`; backward
 * spreads `dy / (h·w)`. Global max pooling: `ReduceMax`; backward to the maxima.
 *
 * @module
 */
import type { PrimOp } from '../lower.ts';
import { unsupported } from '../lower.ts';
import type { Value } from '../graph.ts';
import { outputPadding, patchKernel, windowGeometry } from './geometry.ts';
import type { Rule } from './types.ts';

function setup(op: PrimOp, x: Value) {
  if (!x.nchw) throw unsupported(op.layer, op.className, `its input has shape [${x.shape.join(', ')}]; images (rank 4) are needed`);
  const [n, c, h, w] = x.shape;
  const k = op.attrs.kernel as [number, number];
  const s = op.attrs.strides as [number, number];
  return { n, c, h, w, k, s, geo: windowGeometry(h, w, k, s, op.attrs.padding as string) };
}

/**
 * The rule for `maxpool` operations.
 *
 * @example
 * ```ts
 * const { y } = maxPoolRule.forward(op, x, ctx); // [n, c, h/2, w/2] for 2×2 windows
 * ```
 */
export const maxPoolRule: Rule = {
  forward(op, x, ctx) {
    const { n, c, k, s, geo } = setup(op, x);
    const y = ctx.g.op('MaxPool', [x.name], { kernel_shape: k, strides: s, pads: geo.pads });
    return { y: { name: y, shape: [n, c, geo.outH, geo.outW], nchw: true }, saved: {} };
  },
  backward(op, x, _fwd, dy, ctx) {
    const { g } = ctx;
    const { n, c, h, w, k, s, geo } = setup(op, x);
    const [t, l, b, r] = geo.pads;
    const kk = k[0] * k[1];
    let arg: string;
    if (s[0] === k[0] && s[1] === k[1] && t + l + b + r === 0) {
      // windows tile the input: gather each window's elements on the last axis with a
      // Reshape/Transpose and take ArgMax there (measured faster than patches + strided ArgMax)
      const [oh, ow] = [geo.outH, geo.outW];
      const tiled = oh * k[0] === h && ow * k[1] === w ? x.name : g.op('Slice', [x.name, g.i64([0, 0]), g.i64([oh * k[0], ow * k[1]]), g.i64([2, 3])]);
      const windows = g.op('Transpose', [g.op('Reshape', [tiled, g.i64([n, c, oh, k[0], ow, k[1]])])], { perm: [0, 1, 2, 4, 3, 5] });
      arg = g.op('ArgMax', [g.op('Reshape', [windows, g.i64([n, c, oh, ow, kk])])], { axis: 4, keepdims: 0 });
    } else {
      const padded = t + l + b + r > 0 ? g.op('Pad', [x.name, g.i64([0, 0, t, l, 0, 0, b, r]), g.f32([-3e38], [])]) : x.name;
      const patches = g.op('Conv', [padded, g.f32(patchKernel(c, k), [c * kk, 1, k[0], k[1]])], { kernel_shape: k, strides: s, group: c });
      arg = g.op('ArgMax', [g.op('Reshape', [patches, g.i64([n, c, kk, geo.outH, geo.outW])])], { axis: 2, keepdims: 0 });
    }
    // flat index into [n, c, h, w] = (n·c + ch)·h·w + (oy·sy − t)·w + (ox·sx − l) + q + ⌊q/kw⌋·(w − kw)
    // for window element q (Div/Mul on the argmax measured faster than a Gather from a table)
    const planes = Array.from({ length: n * c }, (_, q) => q * h * w);
    const origins = Array.from({ length: geo.outH * geo.outW }, (_, q) => (Math.floor(q / geo.outW) * s[0] - t) * w + (q % geo.outW) * s[1] - l);
    let index = k[1] === w ? arg : g.op('Add', [arg, g.op('Mul', [g.op('Div', [arg, g.i64([k[1]], [])]), g.i64([w - k[1]], [])])]);
    index = g.op('Add', [g.op('Add', [index, g.i64(planes, [n, c, 1, 1])]), g.i64(origins, [1, 1, geo.outH, geo.outW])]);
    const shape = g.i64([n, c, h, w]);
    if (s[0] >= k[0] && s[1] >= k[1]) {
      return { dx: g.op('MaxUnpool', [dy, index, shape], { kernel_shape: k, strides: s }), grads: {} };
    }
    const flat = g.op('ScatterElements', [g.op('ConstantOfShape', [g.i64([n * c * h * w])]), g.op('Reshape', [index, g.i64([-1])]), g.op('Reshape', [dy, g.i64([-1])])], { axis: 0, reduction: 'add' });
    return { dx: g.op('Reshape', [flat, shape]), grads: {} };
  },
};

/**
 * The rule for `avgpool` operations.
 *
 * @example
 * ```ts
 * const { y } = avgPoolRule.forward(op, x, ctx);
 * ```
 */
export const avgPoolRule: Rule = {
  forward(op, x, ctx) {
    const { n, c, k, s, geo } = setup(op, x);
    const y = ctx.g.op('AveragePool', [x.name], { kernel_shape: k, strides: s, pads: geo.pads, count_include_pad: 0 });
    return { y: { name: y, shape: [n, c, geo.outH, geo.outW], nchw: true }, saved: {} };
  },
  backward(op, x, _fwd, dy, ctx) {
    const { g } = ctx;
    const { c, h, w, k, s, geo } = setup(op, x);
    const counts = new Float32Array(geo.outH * geo.outW);
    for (let oy = 0; oy < geo.outH; oy++) {
      for (let ox = 0; ox < geo.outW; ox++) {
        const y0 = oy * s[0] - geo.pads[0];
        const x0 = ox * s[1] - geo.pads[1];
        const rows = Math.min(y0 + k[0], h) - Math.max(y0, 0);
        const cols = Math.min(x0 + k[1], w) - Math.max(x0, 0);
        counts[oy * geo.outW + ox] = rows * cols;
      }
    }
    const scaled = g.op('Div', [dy, g.f32(counts, [1, 1, geo.outH, geo.outW])]);
    const ones = g.f32(new Float32Array(c * k[0] * k[1]).fill(1), [c, 1, k[0], k[1]]);
    const dx = g.op('ConvTranspose', [scaled, ones], { kernel_shape: k, strides: s, pads: geo.pads, group: c, output_padding: outputPadding(h, w, k, s, geo) });
    return { dx, grads: {} };
  },
};

/**
 * The rule for `gap` (global average pooling) operations.
 *
 * @example
 * ```ts
 * const { y } = globalAvgPoolRule.forward(op, x, ctx); // [n, c]
 * ```
 */
export const globalAvgPoolRule: Rule = {
  forward(op, x, ctx) {
    if (!x.nchw) throw unsupported(op.layer, op.className, `its input has shape [${x.shape.join(', ')}]; images (rank 4) are needed`);
    const y = ctx.g.op('ReduceMean', [x.name], { axes: [2, 3], keepdims: 0 });
    return { y: { name: y, shape: x.shape.slice(0, 2), nchw: false }, saved: {} };
  },
  backward(_op, x, _fwd, dy, ctx) {
    const { g } = ctx;
    const [n, c, h, w] = x.shape;
    const spread = g.op('Reshape', [g.op('Div', [dy, g.f32([h * w], [])]), g.i64([n, c, 1, 1])]);
    return { dx: g.op('Expand', [spread, g.i64([n, c, h, w])]), grads: {} };
  },
};

/**
 * The rule for `gmp` (global max pooling) operations: `ReduceMax`; backward as TF.js's `max`
 * gradient, to every element equal to its channel's maximum.
 *
 * @example
 * ```ts
 * const { y } = globalMaxPoolRule.forward(op, x, ctx); // [n, c]
 * ```
 */
export const globalMaxPoolRule: Rule = {
  forward(op, x, ctx) {
    if (!x.nchw) throw unsupported(op.layer, op.className, `its input has shape [${x.shape.join(', ')}]; images (rank 4) are needed`);
    const kept = ctx.g.op('ReduceMax', [x.name], { axes: [2, 3], keepdims: 1 });
    const y = ctx.g.op('Reshape', [kept, ctx.g.i64([0, x.shape[1]])]);
    return { y: { name: y, shape: x.shape.slice(0, 2), nchw: false }, saved: { kept } };
  },
  backward(_op, x, fwd, dy, ctx) {
    const { g } = ctx;
    const [n, c] = x.shape;
    const mask = g.op('Cast', [g.op('Equal', [x.name, fwd.saved.kept])], { to: 1 });
    return { dx: g.op('Mul', [mask, g.op('Reshape', [dy, g.i64([n, c, 1, 1])])]), grads: {} };
  },
};
