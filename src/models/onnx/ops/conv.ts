/**
 * Conv: 2-D convolutions, grouped and depthwise. Kernels OIHW become HWIO (depthwise:
 * `[h, w, channels, multiplier]`); a grouped conv becomes one conv with a block-diagonal kernel.
 * A constant Add after it folds into its bias.
 */
import * as tf from '@tensorflow/tfjs';
import { f32, ints, opFamily, type Const, type ConvertContext, type OnnxNode } from './context.ts';
import { onnxShape, toNhwc } from './layout.ts';
import { padPlan, zeroPad } from './padding.ts';

interface ConvGeometry {
  o: number;
  cIn: number;
  iPerGroup: number;
  kh: number;
  kw: number;
  group: number;
}

/** The TF.js layer of a conv and its kernel in TF layout. */
interface ConvKernel {
  layer: tf.layers.Layer;
  data: Float32Array;
  shape: number[];
}

type ConvLayerArgs = { strides: number[]; dilationRate: [number, number]; padding: 'same' | 'valid'; useBias: boolean; name: string };

/** OIHW → HWIO, for group 1. */
function fullKernel(w: Const, { o, cIn, kh, kw }: ConvGeometry, args: ConvLayerArgs): ConvKernel {
  const layer = tf.layers.conv2d({ filters: o, kernelSize: [kh, kw], ...args, kernelInitializer: 'zeros' });
  const data = new Float32Array(kh * kw * cIn * o);
  for (let oo = 0; oo < o; oo++) for (let i = 0; i < cIn; i++) for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++) data[((y * kw + xx) * cIn + i) * o + oo] = w.data[((oo * cIn + i) * kh + y) * kw + xx];
  return { layer, data, shape: [kh, kw, cIn, o] };
}

/** `[C·mult, 1, h, w]` → `[h, w, C, mult]`, for group = C. */
function depthwiseKernel(w: Const, { o, cIn, kh, kw }: ConvGeometry, args: ConvLayerArgs): ConvKernel {
  const mult = o / cIn;
  const layer = tf.layers.depthwiseConv2d({ kernelSize: [kh, kw], depthMultiplier: mult, ...args, depthwiseInitializer: 'zeros' });
  const data = new Float32Array(kh * kw * cIn * mult);
  for (let c = 0; c < cIn; c++) for (let j = 0; j < mult; j++) for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++) data[((y * kw + xx) * cIn + c) * mult + j] = w.data[((c * mult + j) * kh + y) * kw + xx];
  return { layer, data, shape: [kh, kw, cIn, mult] };
}

/** Grouped conv: one conv with a block-diagonal kernel (zeros between groups) computes the same. */
function groupedKernel(w: Const, { o, cIn, iPerGroup, kh, kw, group }: ConvGeometry, args: ConvLayerArgs): ConvKernel {
  const layer = tf.layers.conv2d({ filters: o, kernelSize: [kh, kw], ...args, kernelInitializer: 'zeros' });
  const data = new Float32Array(kh * kw * cIn * o);
  const outPerGroup = o / group;
  for (let oo = 0; oo < o; oo++) {
    const gi = Math.floor(oo / outPerGroup);
    for (let ip = 0; ip < iPerGroup; ip++) {
      const i = gi * iPerGroup + ip;
      for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++) data[((y * kw + xx) * cIn + i) * o + oo] = w.data[((oo * iPerGroup + ip) * kh + y) * kw + xx];
    }
  }
  return { layer, data, shape: [kh, kw, cIn, o] };
}

function conv({ out, attrs: a }: OnnxNode, ctx: ConvertContext): void {
  let x = toNhwc(ctx, ctx.sym(0), 'Conv input');
  const w = ctx.constInput(1, 'weight');
  if (w.dims.length !== 4) ctx.unsupported(`Conv with a ${w.dims.length - 2}-D kernel (only 2-D convolutions convert)`);
  const [o, iPerGroup, kh, kw] = w.dims;
  const [, cIn, hIn, wIn] = onnxShape(x);
  const group = Number(a.group ?? 1);
  if (cIn !== iPerGroup * group) ctx.unsupported(`Conv weight expects ${iPerGroup * group} input channels, the input has ${cIn}`);
  const strides = ints(a.strides, [1, 1]);
  const dilations = ints(a.dilations, [1, 1]);
  if (strides.some((s) => s > 1) && dilations.some((d) => d > 1)) ctx.unsupported('Conv with both stride > 1 and dilation > 1 (TF.js supports one or the other)');
  const kernel = ints(a.kernel_shape, [kh, kw]);
  if (kernel[0] !== kh || kernel[1] !== kw) ctx.unsupported(`Conv kernel_shape [${kernel}] differs from the weight's [${kh}, ${kw}]`);
  const eff = [(kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1];
  const plan = padPlan(ctx, [hIn, wIn], eff, strides, ints(a.pads, [0, 0, 0, 0]), String(a.auto_pad ?? 'NOTSET'), false);
  if (plan.pad) x = zeroPad(ctx, x, plan.pad, 'pad');

  let bias: Float32Array | undefined = ctx.node.input?.[2] ? f32(ctx.constInput(2, 'bias').data) : undefined;
  bias = ctx.foldBias(o, bias);
  const geometry: ConvGeometry = { o, cIn: cIn as number, iPerGroup, kh, kw, group };
  const args: ConvLayerArgs = { strides, dilationRate: dilations as [number, number], padding: plan.mode, useBias: bias !== undefined, name: ctx.layerName() };
  let k: ConvKernel;
  if (group === 1) k = fullKernel(w, geometry, args);
  else if (group === cIn && iPerGroup === 1 && o % cIn === 0) k = depthwiseKernel(w, geometry, args);
  else {
    ctx.notes.push(`Conv "${ctx.baseName()}" has group=${group}: it is a full convolution whose kernel is zero outside the groups; fine-tuning may fill those zeros.`);
    k = groupedKernel(w, geometry, args);
  }
  const t = ctx.layer(k.layer, x.t, [{ data: k.data, shape: k.shape }, ...(bias ? [{ data: bias, shape: [o] }] : [])]);
  ctx.set(out, t, { kind: 'nhwc' }, false);
}

export const convOps = opFamily('conv', { Conv: conv }, { limits: { Conv: 'groups, depthwise' }, foldsBias: { Conv: { channelFromEnd: 3, maxRank: 4 } } });
