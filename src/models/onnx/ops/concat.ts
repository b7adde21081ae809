/** Concat of computed tensors (not along the batch), or of constants (shape arithmetic, computed while converting). */
import * as tf from '@tensorflow/tfjs';
import { concatConst } from '../shape-folding.ts';
import { opFamily, type Const, type ConvertContext, type OnnxNode } from './context.ts';
import { onnxShape, toNhwc, toPlain } from './layout.ts';

function concat({ out, attrs: a }: OnnxNode, ctx: ConvertContext): void {
  const names = ctx.node.input ?? [];
  if (names.length > 0 && names.every((n) => ctx.isConst(n))) return ctx.fold(out, () => concatConst(names.map((n) => ctx.values.get(n) as Const), Number(a.axis ?? 0)));
  const ins = names.map((_, i) => ctx.sym(i, 'Concat of a constant'));
  const rank = onnxShape(ins[0]).length;
  let axis = Number(a.axis ?? 0);
  if (axis < 0) axis += rank;
  if (axis === 0) ctx.unsupported('Concat along the batch axis');
  const nonNeg = ins.every((v) => v.nonNeg);
  if (ins.length === 1) return ctx.alias(out, ins[0]);
  const name = ctx.layerName();
  if (rank === 4) {
    const xs = ins.map((v) => toNhwc(ctx, v));
    if (ins.every((v) => v.layout.kind === 'pooled') && axis === 1) {
      return ctx.set(out, ctx.layer(tf.layers.concatenate({ axis: -1, name }), ins.map((v) => v.t)), { kind: 'pooled' }, nonNeg);
    }
    const tfAxis = ({ 1: 3, 2: 1, 3: 2 } as Record<number, number>)[axis];
    return ctx.set(out, ctx.layer(tf.layers.concatenate({ axis: tfAxis, name }), xs.map((v) => v.t)), { kind: 'nhwc' }, nonNeg);
  }
  const xs = ins.map((v) => toPlain(ctx, v));
  ctx.set(out, ctx.layer(tf.layers.concatenate({ axis, name }), xs.map((v) => v.t)), { kind: 'plain' }, nonNeg);
}

export const concatOps = opFamily('concat', { Concat: concat });
