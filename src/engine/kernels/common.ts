/**
 * Shared helpers for the wasm training kernels in this folder.
 *
 * Every kernel here is a *composition* of kernels the wasm backend already has
 * (conv2d, depthwiseConv2d, transpose, pad, slice, reverse, sum, scatterND, …),
 * called through `tf` ops inside `tf.tidy`, so all intermediates are disposed and
 * only the result tensor survives.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';

/** A 4-D shape tuple as tfjs conv kernels use it. @example `const s: Shape4 = [64, 28, 28, 1];` */
export type Shape4 = [number, number, number, number];

/**
 * Turns a kernel input into a `tf.Tensor` that tf ops accept.
 *
 * The engine passes the op's own tensors as kernel inputs, so this is normally the
 * identity. A bare `TensorInfo` (a kernel calling another kernel directly) is wrapped
 * in a new tensor that shares its data and holds its own reference to it; call this
 * inside `tf.tidy` so the wrapper (and its reference) is released again.
 *
 * @example
 * ```ts
 * const out = tf.tidy(() => tf.relu(asTensor(inputs.x)));
 * ```
 */
export function asTensor<T extends tf.Tensor = tf.Tensor>(info: TensorInfo): T {
  if (info instanceof tf.Tensor) return info as T;
  const engine = tf.engine();
  const t = engine.makeTensorFromTensorInfo(info);
  // The wrapper does not own the data: take a reference so disposing it leaves the caller's data alive.
  engine.backend.incRef(info.dataId);
  return t as T;
}

/**
 * Returns the kernel input called `name`, or throws a {@link TransferkitError} naming
 * the kernel when it is missing.
 *
 * @example
 * ```ts
 * const dyInfo = requireInput('Conv2DBackpropInput', inputs, 'dy');
 * ```
 */
export function requireInput(kernelName: string, inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (info == null) unsupported(kernelName, `a call without input '${name}'`, `Pass '${name}' in the kernel inputs.`);
  return info;
}

/**
 * Splits the window `[top, top + height) × [left, left + width)` of an NHWC tensor's
 * spatial axes into a crop (done here with a slice) and the zero padding still needed
 * (returned as explicit conv pads, so the conv kernel pads for free instead of a
 * separate, slow `pad` op). Negative `top`/`left` mean padding before.
 *
 * @example
 * ```ts
 * const { x: xc, pad } = cropWindow(x, -1, 30, -1, 30);
 * const y = tf.conv2d(xc, w, 1, pad); // as if x were zero-padded to 30 × 30 first
 * ```
 */
export function cropWindow(
  x: tf.Tensor4D, top: number, height: number, left: number, width: number,
): { x: tf.Tensor4D; pad: tf.backend_util.ExplicitPadding } {
  const [n, h, w, c] = x.shape;
  const lo = [Math.max(0, top), Math.max(0, left)];
  const hi = [Math.min(h, top + height), Math.min(w, left + width)];
  if (hi[0] <= lo[0] || hi[1] <= lo[1]) {
    // The window misses the tensor entirely: it is all zeros.
    return { x: tf.zeros([n, height, width, c], x.dtype), pad: [[0, 0], [0, 0], [0, 0], [0, 0]] };
  }
  let out = x;
  if (lo[0] > 0 || lo[1] > 0 || hi[0] < h || hi[1] < w) {
    out = tf.slice(x, [0, lo[0], lo[1], 0], [n, hi[0] - lo[0], hi[1] - lo[1], c]);
  }
  return { x: out, pad: [[0, 0], [lo[0] - top, top + height - hi[0]], [lo[1] - left, left + width - hi[1]], [0, 0]] };
}

/**
 * Extracts the window `[top, top + height) × [left, left + width)` of the spatial axes of
 * an NHWC tensor, filling positions outside the tensor with zeros (see
 * {@link cropWindow}, which leaves the padding to the conv instead).
 *
 * @example
 * ```ts
 * // 1 row of zero padding on top, and exactly 5 × 5 positions in all:
 * const w = windowHW(x, -1, 5, 0, 5);
 * ```
 */
export function windowHW(x: tf.Tensor4D, top: number, height: number, left: number, width: number): tf.Tensor4D {
  const { x: cropped, pad } = cropWindow(x, top, height, left, width);
  return pad.some(([a, b]) => a > 0 || b > 0) ? tf.pad(cropped, pad) : cropped;
}

/**
 * Inserts `sh − 1` zero rows and `sw − 1` zero columns after every row and column of an
 * NHWC tensor (the "zero insertion" that turns a strided conv's gradient into a plain
 * conv). The result is `[N, H·sh, W·sw, C]`: it keeps the trailing zeros, which callers
 * crop with {@link windowHW}.
 *
 * @example
 * ```ts
 * const z = zeroInsert(dy, 2, 2); // [N, 2·outH, 2·outW, C], dy at even positions
 * ```
 */
export function zeroInsert(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const six = tf.reshape(x, [n, h, 1, w, 1, c]);
  const padded = tf.pad(six, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return tf.reshape(padded, [n, h * sh, w * sw, c]);
}

/**
 * Normalises a tfjs `strides`/`dilations` attribute to a `[h, w]` pair.
 *
 * @example
 * ```ts
 * pair(2); // [2, 2]
 * ```
 */
export function pair(v: number | [number, number] | number[] | undefined, fallback = 1): [number, number] {
  if (v == null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  return [v[0] ?? fallback, v[1] ?? v[0] ?? fallback];
}

/**
 * Throws a {@link TransferkitError} naming the kernel when an attribute has a value the
 * composition does not support.
 *
 * @example
 * ```ts
 * unsupported('Conv2DBackpropFilter', 'dataFormat NCHW', 'Use NHWC (channelsLast).');
 * ```
 */
export function unsupported(kernelName: string, what: string, hint: string): never {
  throw new TransferkitError('UNSUPPORTED_KERNEL_ATTR', `${kernelName} on the wasm backend does not support ${what}`, {
    where: `kernel ${kernelName} (backend wasm)`,
    hint,
  });
}

/**
 * Rejects NCHW input: the compositions (and the wasm Conv2D they call) are NHWC only.
 *
 * @example
 * ```ts
 * requireNHWC('Conv2DBackpropInput', attrs.dataFormat);
 * ```
 */
export function requireNHWC(kernelName: string, dataFormat: string | undefined): void {
  if (dataFormat != null && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    unsupported(kernelName, `dataFormat '${dataFormat}'`, "Use dataFormat 'NHWC' (channelsLast); the wasm backend has no NCHW convolutions.");
  }
}

/**
 * Rejects dilations other than 1: tfjs core refuses gradients of dilated convolutions, so
 * the backprop kernels never need them.
 *
 * @example
 * ```ts
 * requireNoDilation('DepthwiseConv2dNativeBackpropFilter', attrs.dilations);
 * ```
 */
export function requireNoDilation(kernelName: string, dilations: number | number[] | undefined): void {
  const [dh, dw] = pair(dilations);
  if (dh !== 1 || dw !== 1) {
    unsupported(
      kernelName,
      `dilations [${dh}, ${dw}] (the gradient of a dilated convolution)`,
      'tfjs has no gradients for dilated convolutions either; train with dilations 1.',
    );
  }
}

/**
 * The signature every kernel in this folder implements (kept loose like tfjs's own).
 *
 * @example
 * ```ts
 * const double: WasmKernelFunc = ({ inputs }) => tf.tidy(() => tf.mul(asTensor(inputs.x!), 2));
 * ```
 */
export type WasmKernelFunc = (args: {
  inputs: NamedTensorInfoMap;
  backend: unknown;
  attrs?: Record<string, unknown>;
}) => TensorInfo;

/**
 * Builds the `KernelConfig` for a wasm kernel.
 *
 * @example
 * ```ts
 * export const myKernel = wasmKernel('UnsortedSegmentSum', unsortedSegmentSum);
 * ```
 */
export function wasmKernel(kernelName: string, kernelFunc: WasmKernelFunc): KernelConfig {
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc'] };
}

/**
 * The attributes the conv and depthwise-conv backprop kernels share (tfjs passes them loose).
 *
 * @example
 * ```ts
 * const a: ConvBackpropAttrs = { strides: 2, pad: 'same', dataFormat: 'NHWC' };
 * ```
 */
export interface ConvBackpropAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: string;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
}

/**
 * Checks a backprop kernel's attributes (NHWC only, no dilation) and computes the forward
 * convolution's geometry (strides, filter size, padding) for an input of `xShape`.
 *
 * @example
 * ```ts
 * const info = backpropConvInfo('Conv2DBackpropInput', attrs, [64, 28, 28, 1], [3, 3, 1, 32], false);
 * info.padInfo.top; // 1 for 'same' 3 × 3
 * ```
 */
export function backpropConvInfo(
  kernelName: string, attrs: ConvBackpropAttrs, xShape: Shape4, filterShape: Shape4, depthwise: boolean,
): tf.backend_util.Conv2DInfo {
  requireNHWC(kernelName, attrs.dataFormat);
  requireNoDilation(kernelName, attrs.dilations);
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, depthwise, 'channelsLast');
}

/**
 * A convolution-gradient kernel: reads its two inputs — `x` and `dy` for a filter gradient (the
 * filter's shape is the `filterShape` attribute), `dy` and `filter` for an input gradient (the
 * input's shape is the `inputShape` attribute) — works out the forward convolution's geometry
 * with {@link backpropConvInfo}, and runs `body` inside `tf.tidy`.
 *
 * @example
 * ```ts
 * const dW = convGradientKernel('Conv2DBackpropFilter', 'filter', false, (x, dy, info, shape) => …);
 * ```
 */
export function convGradientKernel(
  kernelName: string,
  gradientOf: 'filter' | 'input',
  depthwise: boolean,
  body: (first: tf.Tensor4D, second: tf.Tensor4D, info: tf.backend_util.Conv2DInfo, shape: Shape4) => tf.Tensor,
): WasmKernelFunc {
  const [firstName, secondName] = gradientOf === 'filter' ? ['x', 'dy'] : ['dy', 'filter'];
  return ({ inputs, attrs = {} }) => {
    const a = attrs as unknown as ConvBackpropAttrs & { filterShape?: Shape4; inputShape?: Shape4 };
    const firstInfo = requireInput(kernelName, inputs, firstName);
    const secondInfo = requireInput(kernelName, inputs, secondName);
    return tf.tidy(() => {
      const first = asTensor<tf.Tensor4D>(firstInfo);
      const second = asTensor<tf.Tensor4D>(secondInfo);
      const shape = (gradientOf === 'filter' ? a.filterShape : a.inputShape)!;
      const info = gradientOf === 'filter' ? backpropConvInfo(kernelName, a, first.shape, shape, depthwise) : backpropConvInfo(kernelName, a, shape, second.shape, depthwise);
      return body(first, second, info, shape);
    });
  };
}

/**
 * The window of zero-inserted `dy` that a stride-1 convolution with the flipped filter turns
 * into the input gradient of exactly `inputShape` (see {@link zeroInsert}, {@link cropWindow}).
 *
 * @example
 * ```ts
 * const { x: win, pad } = backpropInputWindow(dy, info);
 * const dx = tf.conv2d(win, flippedFilter, 1, pad);
 * ```
 */
export function backpropInputWindow(dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): { x: tf.Tensor4D; pad: tf.backend_util.ExplicitPadding } {
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w } = info;
  return cropWindow(zeroInsert(dy, sh, sw), info.padInfo.top - (kh - 1), h + kh - 1, info.padInfo.left - (kw - 1), w + kw - 1);
}
