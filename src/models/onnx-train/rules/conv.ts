/**
 * Conv2D and DepthwiseConv2D: forward `Conv`; input gradient `ConvTranspose` with the same
 * weights; weight gradient as image patches (a grouped Conv with a one-hot kernel) followed by a
 * batched MatMul with the output gradient and a sum over the batch (measured ~1.7× faster than
 * a Conv with the batch as channels); bias gradient a ReduceSum.
 *
 * @module
 */
import { unsupported } from '../lower.ts';
import type { PrimOp } from '../lower.ts';
import { outputPadding, patchKernel, windowGeometry } from './geometry.ts';
import { trains, type Rule } from './types.ts';

function setup(op: PrimOp, x: { shape: number[]; nchw: boolean }) {
  if (!x.nchw) throw unsupported(op.layer, op.className, `its input has shape [${x.shape.join(', ')}]; images (rank 4) are needed`);
  const [n, c, h, w] = x.shape;
  const k = op.attrs.kernel as [number, number];
  const s = op.attrs.strides as [number, number];
  const geo = windowGeometry(h, w, k, s, op.attrs.padding as string);
  const wShape = op.params.kernel.onnxShape;
  const depthwise = op.attrs.depthwise === true;
  return { n, c, h, w, k, s, geo, o: wShape[0], group: depthwise ? c : 1, depthwise };
}

/**
 * The rule for `conv` operations.
 *
 * @example
 * ```ts
 * const { y } = convRule.forward(op, x, ctx);
 * ```
 */
export const convRule: Rule = {
  forward(op, x, ctx) {
    const { n, k, s, geo, o, group } = setup(op, x);
    const inputs = [x.name, ctx.param(op.params.kernel)];
    if (op.params.bias) inputs.push(ctx.param(op.params.bias));
    const y = ctx.g.op('Conv', inputs, { kernel_shape: k, strides: s, pads: geo.pads, group });
    return { y: { name: y, shape: [n, o, geo.outH, geo.outW], nchw: true }, saved: {} };
  },
  backward(op, x, _fwd, dy, ctx, needDx) {
    const { g } = ctx;
    const { n, c, h, w, k, s, geo, o, group, depthwise } = setup(op, x);
    const grads: Record<string, string> = {};
    const kk = k[0] * k[1];
    const hw = geo.outH * geo.outW;
    if (trains(op, 'kernel')) {
      const patches = g.op('Conv', [x.name, g.f32(patchKernel(c, k), [c * kk, 1, k[0], k[1]])], { kernel_shape: k, strides: s, pads: geo.pads, group: c });
      let perSample: string;
      if (depthwise) {
        const mult = o / c;
        const d = g.op('Reshape', [dy, g.i64([n, c, mult, hw])]);
        const p = g.op('Transpose', [g.op('Reshape', [patches, g.i64([n, c, kk, hw])])], { perm: [0, 1, 3, 2] });
        perSample = g.op('MatMul', [d, p]);
      } else {
        const d = g.op('Reshape', [dy, g.i64([n, o, hw])]);
        const p = g.op('Transpose', [g.op('Reshape', [patches, g.i64([n, c * kk, hw])])], { perm: [0, 2, 1] });
        perSample = g.op('MatMul', [d, p]);
      }
      const summed = g.op('ReduceSum', [perSample, g.i64([0])], { keepdims: 0 });
      grads.kernel = g.op('Reshape', [summed, g.i64(op.params.kernel.onnxShape)]);
    }
    if (trains(op, 'bias')) grads.bias = g.op('ReduceSum', [dy, g.i64([0, 2, 3])], { keepdims: 0 });
    if (!needDx) return { grads };
    const dx = g.op('ConvTranspose', [dy, ctx.param(op.params.kernel)], {
      kernel_shape: k, strides: s, pads: geo.pads, group, output_padding: outputPadding(h, w, k, s, geo),
    });
    return { dx, grads };
  },
};
