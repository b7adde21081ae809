/** MaxPool, AveragePool (2-D), GlobalAveragePool and GlobalMaxPool. */
import * as tf from '@tensorflow/tfjs';
import { ints, opFamily, type ConvertContext, type OnnxNode } from './context.ts';
import { onnxShape, toNhwc } from './layout.ts';
import { padPlan, zeroPad } from './padding.ts';

function pool({ op, out, attrs: a }: OnnxNode, ctx: ConvertContext): void {
  let x = toNhwc(ctx, ctx.sym(0), `${op} input`);
  const kernel = ints(a.kernel_shape, []);
  if (kernel.length !== 2) ctx.unsupported(`${op} with a ${kernel.length}-D kernel (only 2-D pooling converts)`);
  const strides = ints(a.strides, [1, 1]);
  if (ints(a.dilations, [1, 1]).some((d) => d !== 1)) ctx.unsupported(`${op} with dilations`);
  const [, , h, w] = onnxShape(x);
  const includePad = op === 'AveragePool' && Number(a.count_include_pad ?? 0) === 1;
  const plan = padPlan(ctx, [h, w], kernel, strides, ints(a.pads, [0, 0, 0, 0]), String(a.auto_pad ?? 'NOTSET'), Number(a.ceil_mode ?? 0) === 1, { preferPad: includePad });
  if (plan.pad) {
    const zeroIsNeutral = op === 'AveragePool' ? includePad : x.nonNeg;
    if (!zeroIsNeutral) {
      ctx.unsupported(
        op === 'MaxPool'
          ? 'MaxPool with padding that differs from TF "same" on an input that can be negative (ONNX pads with -inf)'
          : 'AveragePool with count_include_pad=0 and padding that differs from TF "same"',
      );
    }
    x = zeroPad(ctx, x, plan.pad, 'pad');
  }
  const opts = { poolSize: kernel as [number, number], strides: strides as [number, number], padding: plan.mode, name: ctx.layerName() };
  const layer = op === 'MaxPool' ? tf.layers.maxPooling2d(opts) : tf.layers.averagePooling2d(opts);
  ctx.set(out, ctx.layer(layer, x.t), { kind: 'nhwc' }, x.nonNeg);
}

function globalPool({ op, out }: OnnxNode, ctx: ConvertContext): void {
  const x = toNhwc(ctx, ctx.sym(0));
  const make = op === 'GlobalAveragePool' ? tf.layers.globalAveragePooling2d : tf.layers.globalMaxPooling2d;
  ctx.set(out, ctx.layer(make({ name: ctx.layerName() }), x.t), { kind: 'pooled' }, x.nonNeg);
}

export const poolingOps = opFamily('pooling', { MaxPool: pool, AveragePool: pool, GlobalAveragePool: globalPool, GlobalMaxPool: globalPool });
