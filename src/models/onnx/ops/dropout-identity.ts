/** Identity and Constant (no layer), Dropout (a Dropout layer when its rate is above 0, else no layer). */
import * as tf from '@tensorflow/tfjs';
import { opFamily, type ConvertContext, type OnnxNode } from './context.ts';

function dropout({ out, attrs: a }: OnnxNode, ctx: ConvertContext): void {
  const x = ctx.sym(0);
  const ratioInput = ctx.node.input?.[1];
  const rate = ratioInput ? ctx.constScalar(1) : ctx.opset < 12 ? Number(a.ratio ?? 0.5) : 0.5;
  if (rate > 0) return ctx.set(out, ctx.layer(tf.layers.dropout({ rate, name: ctx.layerName() }), x.t), x.layout, x.nonNeg);
  ctx.alias(out, x);
}

export const dropoutIdentityOps = opFamily('dropout-identity', {
  // Constant values are read before the graph walk (numeric ones; others are an error where used).
  Constant: () => {},
  Identity: ({ out }, ctx) => ctx.alias(out, ctx.get(0)),
  Dropout: dropout,
});
