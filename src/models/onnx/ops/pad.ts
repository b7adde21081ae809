/** Pad: zero padding of the two spatial dims of an image tensor (constant mode, value 0). */
import { ints, opFamily, type ConvertContext, type OnnxNode } from './context.ts';
import { onnxShape, toNhwc } from './layout.ts';
import { zeroPad } from './padding.ts';

function pad({ out, attrs: a }: OnnxNode, ctx: ConvertContext): void {
  const mode = String(a.mode ?? 'constant');
  if (mode !== 'constant') ctx.unsupported(`Pad in "${mode}" mode (only constant zero padding converts)`);
  const opset11 = ctx.opset >= 11;
  const pads = opset11 ? Array.from(ctx.constInput(1, 'pads').data) : ints(a.pads, []);
  const value = opset11 ? (ctx.node.input?.[2] ? ctx.constScalar(2) : 0) : Number(a.value ?? 0);
  if (value !== 0) ctx.unsupported(`Pad with the value ${value} (only zero padding converts)`);
  if (opset11 && ctx.node.input?.[3]) ctx.unsupported('Pad with an axes input');
  const x = ctx.sym(0);
  const rank = onnxShape(x).length;
  if (pads.length !== 2 * rank) ctx.unsupported(`Pad with ${pads.length} pads for a rank-${rank} tensor`);
  if (pads.every((p) => p === 0)) return ctx.alias(out, x);
  const [nb, cb, top, left, ne, ce, bottom, right] = pads;
  if (rank !== 4 || nb !== 0 || cb !== 0 || ne !== 0 || ce !== 0) ctx.unsupported(`Pad [${pads}] (only the height and width of an image tensor can be padded)`);
  if ([top, left, bottom, right].some((p) => p < 0)) ctx.unsupported(`Pad [${pads}] with negative pads (cropping)`);
  const y = zeroPad(ctx, toNhwc(ctx, x, 'the padded tensor'), [[top, bottom], [left, right]], 'zeropad');
  // zeros keep a non-negative tensor non-negative
  ctx.set(out, y.t, y.layout, x.nonNeg);
}

export const padOps = opFamily('pad', { Pad: pad }, { limits: { Pad: 'zeros, height and width' } });
