/**
 * Add, Sub, Mul and Div: of two computed tensors of one shape (Add, Mul: residual connections,
 * gates), of a tensor and a per-channel or scalar constant (a trainable 1×1 depthwise affine),
 * or of two constants (shape arithmetic, computed while converting). A constant Add right after
 * a Conv / Gemm / MatMul never gets here: it is folded into that layer's bias.
 */
import * as tf from '@tensorflow/tfjs';
import { binaryConst } from '../shape-folding.ts';
import { opFamily, type Const, type ConvertContext, type OnnxNode, type Sym } from './context.ts';
import { onnxShape, sameLayout, toNhwc, toPlain } from './layout.ts';

/** Add / Mul of two computed tensors of one shape. */
function twoTensors(ctx: ConvertContext, out: string, op: string, x: Sym, y: Sym): void {
  if (op === 'Sub' || op === 'Div') ctx.unsupported(`${op} of two computed tensors`);
  const [sx, sy] = [onnxShape(x), onnxShape(y)];
  if (sx.length !== sy.length || sx.some((d, i) => i > 0 && d !== sy[i])) ctx.unsupported(`${op} of tensors with shapes [${sx.map((d) => d ?? '?')}] and [${sy.map((d) => d ?? '?')}] (broadcasting between computed tensors is not supported)`);
  if (!sameLayout(x.layout, y.layout)) {
    if (sx.length === 4) [x, y] = [toNhwc(ctx, x), toNhwc(ctx, y)];
    else [x, y] = [toPlain(ctx, x), toPlain(ctx, y)];
  }
  const name = ctx.layerName();
  const layer = op === 'Add' ? tf.layers.add({ name }) : tf.layers.multiply({ name });
  ctx.set(out, ctx.layer(layer, [x.t, y.t]), x.layout, op === 'Add' ? x.nonNeg && y.nonNeg : false);
}

/** The constant as one value per TF channel (last axis), or an UNSUPPORTED_OP error when it is not per-channel. */
function channelVector(ctx: ConvertContext, c: Const, x: Sym, op: string): Float32Array {
  if (x.layout.kind === 'plain' && onnxShape(x).length > 2) ctx.unsupported(`${op} with a constant on a rank-${onnxShape(x).length} tensor`);
  const s = onnxShape(x);
  const rank = s.length;
  const chAxis = 1;
  const channels = s[chAxis] as number;
  if (c.dims.length > rank) ctx.unsupported(`${op} with a constant of rank ${c.dims.length} on a rank-${rank} tensor`);
  const aligned = [...Array(rank - c.dims.length).fill(1), ...c.dims];
  const perChannel = aligned.every((d, i) => d === 1 || (i === chAxis && d === channels));
  if (!perChannel) ctx.unsupported(`${op} with a constant of dims [${c.dims}] on a tensor of shape [${s.map((d) => d ?? '?')}] (only per-channel or scalar constants convert)`);
  const v = new Float32Array(channels);
  for (let i = 0; i < channels; i++) v[i] = c.data.length === 1 ? c.data[0] : c.data[i];
  if (x.layout.kind !== 'flat') return v;
  // ONNX feature index c·H·W + h·W + w sits at TF index (h·W + w)·C + c.
  const { c: cc, h, w } = x.layout;
  const out = new Float32Array(channels);
  for (let ch = 0; ch < cc; ch++) for (let p = 0; p < h * w; p++) out[p * cc + ch] = v[ch * h * w + p];
  return out;
}

/**
 * Per-channel affine `x·scale + shift` as a 1×1 depthwise convolution (trainable, exact):
 * directly on an NHWC tensor, through a `[1, 1, C]` reshape for a `[N, C]` one.
 */
function affine(ctx: ConvertContext, out: string, x: Sym, scale: Float32Array | undefined, shift: Float32Array | undefined, nonNeg: boolean): void {
  const base = ctx.baseName();
  const n = (scale ?? shift)!.length;
  const kernel = { data: scale ?? new Float32Array(n).fill(1), shape: [1, 1, n, 1] };
  const layer = tf.layers.depthwiseConv2d({ kernelSize: 1, useBias: shift !== undefined, name: ctx.uniqueName(base), depthwiseInitializer: 'zeros' });
  const weights = [kernel, ...(shift ? [{ data: shift, shape: [n] }] : [])];
  if (x.layout.kind === 'nhwc') return ctx.set(out, ctx.layer(layer, x.t, weights), x.layout, nonNeg);
  const up = ctx.layer(tf.layers.reshape({ targetShape: [1, 1, n], name: ctx.uniqueName(`${base}_to_hwc`) }), x.t);
  const y = ctx.layer(layer, up, weights);
  const down = ctx.layer(tf.layers.reshape({ targetShape: [n], name: ctx.uniqueName(`${base}_from_hwc`) }), y);
  ctx.set(out, down, x.layout, nonNeg);
}

/** A tensor and a per-channel constant, either side: `x + c`, `x - c`, `c - x`, `x · c`, `x / c`. */
function withConstant(ctx: ConvertContext, out: string, op: string, x: Sym, c: Const, constFirst: boolean): void {
  const vec = channelVector(ctx, c, x, op);
  const n = vec.length;
  const scale = new Float32Array(n).fill(1);
  const shift = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = vec[i];
    if (op === 'Add') shift[i] = v;
    else if (op === 'Mul') scale[i] = v;
    else if (op === 'Sub' && !constFirst) shift[i] = -v;
    else if (op === 'Sub') { scale[i] = -1; shift[i] = v; }
    else if (op === 'Div' && !constFirst) scale[i] = 1 / v;
    else ctx.unsupported('Div of a constant by a tensor');
  }
  const useBias = shift.some((v) => v !== 0) || op === 'Add' || op === 'Sub';
  const useScale = op !== 'Add' && !(op === 'Sub' && !constFirst);
  affine(ctx, out, x, useScale ? scale : undefined, useBias ? shift : undefined, op === 'Mul' || op === 'Div' ? x.nonNeg && vec.every((v) => v >= 0) : false);
}

function binary({ op, out }: OnnxNode, ctx: ConvertContext): void {
  const [an, bn] = ctx.node.input ?? [];
  const av = ctx.values.get(an);
  const bv = ctx.values.get(bn);
  if (!av || !bv) ctx.unsupported('an input is produced by a node that did not convert');
  if (av!.kind === 'const' && bv!.kind === 'const') return ctx.fold(out, () => binaryConst(op, av as Const, bv as Const));
  if (av!.kind === 'sym' && bv!.kind === 'sym') return twoTensors(ctx, out, op, av as Sym, bv as Sym);
  const constFirst = av!.kind === 'const';
  withConstant(ctx, out, op, (constFirst ? bv : av) as Sym, (constFirst ? av : bv) as Const, constFirst);
}

export const elementwiseOps = opFamily(
  'elementwise',
  { Add: binary, Sub: binary, Mul: binary, Div: binary },
  { limits: { Div: 'by a constant' } },
);
