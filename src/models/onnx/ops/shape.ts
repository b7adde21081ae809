/**
 * Flatten and Reshape, keeping the batch first. An image flattens in NHWC order (a `flat`
 * layout, which the Gemm / MatMul that reads it accounts for); a Reshape that only flattens or
 * only restores an identity is no layer at all.
 */
import * as tf from '@tensorflow/tfjs';
import { ints, layerNameOf, opFamily, type Const, type ConvertContext, type OnnxNode, type Sym } from './context.ts';
import { onnxShape, toNhwc, toPlain } from './layout.ts';

/** Flattens `x` (ONNX `[N, …]` → `[N, size]`). */
function flattenTo(ctx: ConvertContext, out: string, x: Sym): void {
  const s = onnxShape(x);
  if (x.layout.kind === 'pooled') return ctx.set(out, x.t, { kind: 'plain' }, x.nonNeg);
  if (x.layout.kind === 'flat' || s.length === 2) return ctx.alias(out, x);
  if (x.layout.kind === 'nhwc') {
    const [, c, h, w] = s;
    if (c === null || h === null || w === null) ctx.unsupported('Flatten of an image tensor with a dynamic size');
    const t = ctx.layer(tf.layers.flatten({ name: ctx.layerName() }), x.t);
    return ctx.set(out, t, h === 1 && w === 1 ? { kind: 'plain' } : { kind: 'flat', c: c!, h: h!, w: w! }, x.nonNeg);
  }
  ctx.set(out, ctx.layer(tf.layers.flatten({ name: ctx.layerName() }), x.t), { kind: 'plain' }, x.nonNeg);
}

function flatten({ out, attrs: a }: OnnxNode, ctx: ConvertContext): void {
  let axis = Number(a.axis ?? 1);
  const x = ctx.sym(0);
  if (axis < 0) axis += onnxShape(x).length;
  if (axis !== 1) ctx.unsupported(`Flatten with axis=${axis} (only axis=1, which keeps the batch, is supported)`);
  flattenTo(ctx, out, x);
}

/** The Reshape target: input 1 (a constant, possibly with the batch size folded into it) or the `shape` attribute. */
function targetOf(ctx: ConvertContext): number[] {
  if (!ctx.node.input?.[1]) return ints(ctx.attr('shape'), []);
  const v = ctx.values.get(ctx.node.input[1]);
  if (!v || v.kind !== 'const') ctx.unsupported('Reshape with a computed shape (run onnx-simplifier / export with constant shapes so the target is a constant)');
  const c = v as Const;
  const target = Array.from(c.data);
  if (c.batchAt?.length) {
    if (c.batchAt.length !== 1 || c.batchAt[0] !== 0) ctx.unsupported(`Reshape to [${target.map((t, i) => (c.batchAt!.includes(i) ? 'batch' : t))}], which moves the batch size away from the first dim`);
    target[0] = -1; // the batch itself; below, the first dim of a Reshape that keeps the batch is the batch
  }
  return target;
}

/** The per-example dims a Reshape of `x` to `target` makes (an UNSUPPORTED_OP error when it touches the batch). */
function reshapedDims(ctx: ConvertContext, x: Sym, target: number[]): number[] {
  const s = onnxShape(x);
  const per = s.slice(1);
  if (per.some((d) => d === null)) ctx.unsupported('Reshape of a tensor with a dynamic size');
  const size = (per as number[]).reduce((p, d) => p * d, 1);
  const allowZero = Number(ctx.attr('allowzero') ?? 0) === 1;
  const head = target[0];
  const keepsBatch = (head === 0 && !allowZero) || head === -1 || (ctx.fixedBatch !== null && head === ctx.fixedBatch);
  if (!keepsBatch || target.length < 2) ctx.unsupported(`Reshape to [${target.join(', ')}], which does not keep the batch dim first`);
  const rest = target.slice(1).map((t, i) => (t === 0 && !allowZero ? (per[i] as number) : t));
  if (rest.includes(-1)) {
    const known = rest.filter((t) => t !== -1).reduce((p, d) => p * d, 1);
    rest[rest.indexOf(-1)] = size / known;
  }
  if (rest.reduce((p, d) => p * d, 1) !== size || rest.some((d) => !Number.isInteger(d) || d < 0)) ctx.unsupported(`Reshape of [${s.map((d) => d ?? '?')}] to [${target}] (sizes differ or the batch would change)`);
  return rest;
}

function reshape({ out }: OnnxNode, ctx: ConvertContext): void {
  const x = ctx.sym(0);
  const rest = reshapedDims(ctx, x, targetOf(ctx));
  const per = onnxShape(x).slice(1);
  if (rest.length === per.length && rest.every((d, i) => d === per[i])) return ctx.alias(out, x);
  if (rest.length === 1) return flattenTo(ctx, out, x);
  if (x.layout.kind === 'plain' && per.length === 1 && rest.length === 3 && rest[1] === 1 && rest[2] === 1) return ctx.set(out, x.t, { kind: 'pooled' }, x.nonNeg);
  const plain = toPlain(ctx, x);
  const t = ctx.layer(tf.layers.reshape({ targetShape: rest, name: ctx.layerName() }), plain.t);
  const y: Sym = { kind: 'sym', t, layout: { kind: 'plain' }, nonNeg: x.nonNeg };
  ctx.values.set(out, rest.length === 3 ? toNhwc(ctx, y) : y);
  ctx.layerOf[out] = layerNameOf(ctx.values.get(out) as Sym);
}

export const shapeOps = opFamily('shape', { Flatten: flatten, Reshape: reshape });
