/** BatchNormalization (inference form, trainable) on image or feature tensors, along the channels. */
import * as tf from '@tensorflow/tfjs';
import { f32, opFamily, type ConvertContext, type OnnxNode } from './context.ts';
import { onnxShape, toNhwc, toPlain } from './layout.ts';

function batchNorm({ out, attrs: a }: OnnxNode, ctx: ConvertContext): void {
  let x = ctx.sym(0);
  if (x.layout.kind === 'flat') x = toPlain(ctx, x);
  if (x.layout.kind === 'plain' && onnxShape(x).length === 4) x = toNhwc(ctx, x);
  const rank = onnxShape(x).length;
  if (x.layout.kind === 'plain' && rank !== 2) ctx.unsupported(`BatchNormalization on a rank-${rank} tensor`);
  const c = onnxShape(x)[1] as number;
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => f32(ctx.constInput(i, ['', 'scale', 'B', 'mean', 'var'][i]).data));
  if ([scale, bias, mean, variance].some((v) => v.length !== c)) ctx.unsupported(`BatchNormalization parameters do not have ${c} channels`);
  const layer = tf.layers.batchNormalization({ axis: -1, epsilon: Number(a.epsilon ?? 1e-5), momentum: Number(a.momentum ?? 0.9), name: ctx.layerName() });
  const t = ctx.layer(layer, x.t, [scale, bias, mean, variance].map((d) => ({ data: d, shape: [c] })));
  ctx.set(out, t, x.layout, false);
}

export const batchNormOps = opFamily('batchnorm', { BatchNormalization: batchNorm });
