/**
 * Gemm and MatMul with a stored 2-D weight, as a Dense layer. A weight that reads a flattened
 * NHWC image gets its rows reordered to the CHW order ONNX flattened in. A constant Add after
 * it folds into its bias.
 */
import * as tf from '@tensorflow/tfjs';
import { opFamily, type Const, type ConvertContext, type Layout, type OnnxNode } from './context.ts';
import { onnxShape, toPlain } from './layout.ts';

/** The Dense kernel `[k, m]`: `alpha · B` (or `Bᵀ`), rows in the order the TF input holds its features. */
function denseKernel(b: Const, k: number, m: number, transB: boolean, alpha: number, lay: Layout): Float32Array {
  const kernel = new Float32Array(k * m);
  // TF row r reads ONNX feature onnxRow(r): the identity, or CHW ↔ HWC for a flattened image.
  const onnxRow = lay.kind === 'flat' ? (r: number) => { const c = r % lay.c; const hw = (r - c) / lay.c; return c * lay.h * lay.w + hw; } : (r: number) => r;
  for (let r = 0; r < k; r++) {
    const src = onnxRow(r);
    for (let j = 0; j < m; j++) kernel[r * m + j] = alpha * (transB ? b.data[j * k + src] : b.data[src * m + j]);
  }
  return kernel;
}

/** Gemm's `beta · C` as a bias of `m` units. */
function gemmBias(ctx: ConvertContext, m: number, beta: number): Float32Array {
  const c = ctx.constInput(2, 'bias C');
  if (c.dims.length > 2 || (c.dims.length === 2 && c.dims[0] !== 1) || (c.data.length !== m && c.data.length !== 1)) ctx.unsupported(`Gemm with a bias C of dims [${c.dims}] (only [${m}], [1, ${m}] or a scalar convert)`);
  const bias = new Float32Array(m);
  for (let j = 0; j < m; j++) bias[j] = beta * c.data[c.data.length === 1 ? 0 : j];
  return bias;
}

function dense({ op, out, attrs: a }: OnnxNode, ctx: ConvertContext): void {
  let x = ctx.sym(0);
  const b = ctx.constInput(1, 'weight');
  if (b.dims.length !== 2) ctx.unsupported(`${op} with a rank-${b.dims.length} weight (only 2-D weights convert)`);
  if (op === 'Gemm' && Number(a.transA ?? 0) !== 0) ctx.unsupported('Gemm with transA=1');
  const transB = op === 'Gemm' && Number(a.transB ?? 0) === 1;
  const alpha = op === 'Gemm' ? Number(a.alpha ?? 1) : 1;
  const beta = op === 'Gemm' ? Number(a.beta ?? 1) : 1;
  const [k, m] = transB ? [b.dims[1], b.dims[0]] : b.dims;
  if (x.layout.kind === 'pooled' || x.layout.kind === 'nhwc') x = toPlain(ctx, x);
  const xs = onnxShape(x);
  if (op === 'Gemm' && xs.length !== 2) ctx.unsupported(`Gemm on a rank-${xs.length} input`);
  if (xs[xs.length - 1] !== k) ctx.unsupported(`${op} weight expects ${k} input features, the input has ${xs[xs.length - 1]}`);
  const kernel = denseKernel(b, k, m, transB, alpha, x.layout);
  let bias = op === 'Gemm' && ctx.node.input?.[2] ? gemmBias(ctx, m, beta) : undefined;
  bias = ctx.foldBias(m, bias);
  const layer = tf.layers.dense({ units: m, useBias: bias !== undefined, name: ctx.layerName(), kernelInitializer: 'zeros' });
  const t = ctx.layer(layer, x.t, [{ data: kernel, shape: [k, m] }, ...(bias ? [{ data: bias, shape: [m] }] : [])]);
  ctx.set(out, t, { kind: 'plain' }, false);
}

export const gemmOps = opFamily('gemm', { Gemm: dense, MatMul: dense }, { foldsBias: { Gemm: { channelFromEnd: 1 }, MatMul: { channelFromEnd: 1 } } });
