/** Relu, LeakyRelu, Sigmoid, Tanh, Clip (min 0: ReLU6 and friends) and Softmax. */
import * as tf from '@tensorflow/tfjs';
import { opFamily, type ConvertContext, type OnnxNode } from './context.ts';
import { onnxShape, toPlain } from './layout.ts';

/** An elementwise activation layer on input 0, in its layout. */
function activation(ctx: ConvertContext, out: string, layer: tf.layers.Layer, nonNeg: boolean): void {
  const x = ctx.sym(0);
  ctx.set(out, ctx.layer(layer, x.t), x.layout, nonNeg);
}

function clip({ out, attrs: a }: OnnxNode, ctx: ConvertContext): void {
  const x = ctx.sym(0);
  let lo = -Infinity;
  let hi = Infinity;
  if (ctx.opset < 11) {
    lo = typeof a.min === 'number' ? a.min : -Infinity;
    hi = typeof a.max === 'number' ? a.max : Infinity;
  } else {
    if (ctx.node.input?.[1]) lo = ctx.constScalar(1);
    if (ctx.node.input?.[2]) hi = ctx.constScalar(2);
  }
  if (lo !== 0) ctx.unsupported(`Clip(min=${lo}, max=${hi}): only Clip with min 0 (ReLU, ReLU6, …) converts`);
  const layer = Number.isFinite(hi) ? tf.layers.reLU({ maxValue: hi, name: ctx.layerName() }) : tf.layers.reLU({ name: ctx.layerName() });
  ctx.set(out, ctx.layer(layer, x.t), x.layout, true);
}

function softmax({ out, attrs: a }: OnnxNode, ctx: ConvertContext): void {
  let x = ctx.sym(0);
  const rank = onnxShape(x).length;
  let axis = Number(a.axis ?? (ctx.opset >= 13 ? -1 : 1));
  if (axis < 0) axis += rank;
  if (x.layout.kind === 'flat') x = toPlain(ctx, x);
  let tfAxis: number;
  if (rank === 2) {
    if (axis !== 1) ctx.unsupported(`Softmax over axis ${axis} of a 2-D tensor (the batch axis)`);
    tfAxis = -1;
  } else if (x.layout.kind === 'pooled' && (axis === 1 || ctx.opset < 13)) {
    tfAxis = -1;
  } else if (x.layout.kind === 'nhwc') {
    const [, , h, w] = onnxShape(x);
    if (ctx.opset < 13 && axis === 1 && !(h === 1 && w === 1)) ctx.unsupported('Softmax (opset < 13) over C·H·W jointly');
    if (ctx.opset < 13 && axis !== 1) ctx.unsupported(`Softmax (opset < 13) with axis=${axis}`);
    tfAxis = ({ 1: 3, 2: 1, 3: 2 } as Record<number, number>)[axis];
  } else {
    if (ctx.opset < 13 && axis !== rank - 1) ctx.unsupported(`Softmax (opset < 13) with axis=${axis} on a rank-${rank} tensor`);
    tfAxis = axis;
  }
  ctx.set(out, ctx.layer(tf.layers.softmax({ axis: tfAxis, name: ctx.layerName() }), x.t), x.layout, true);
}

export const activationOps = opFamily(
  'activations',
  {
    Relu: ({ out }, ctx) => activation(ctx, out, tf.layers.reLU({ name: ctx.layerName() }), true),
    LeakyRelu: ({ out, attrs }, ctx) => activation(ctx, out, tf.layers.leakyReLU({ alpha: Number(attrs.alpha ?? 0.01), name: ctx.layerName() }), false),
    Sigmoid: ({ out }, ctx) => activation(ctx, out, tf.layers.activation({ activation: 'sigmoid', name: ctx.layerName() }), true),
    Tanh: ({ out }, ctx) => activation(ctx, out, tf.layers.activation({ activation: 'tanh', name: ctx.layerName() }), false),
    Clip: clip,
    Softmax: softmax,
  },
  { limits: { Clip: 'min 0, e.g. Relu6' } },
);
