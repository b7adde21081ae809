/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend (which has none).
 *
 * Strategy: one depthwise conv over reorganised tensors.
 *
 *     dW[i, j, c, m] = Σ_n Σ_{oh, ow} xPad[n, oh·s + i, ow·s + j, c] · dy[n, oh, ow, c·M + m]
 *
 * Put every (n, c) pair on its own channel: x becomes `[1, H', W', N·C]` and dy becomes
 * a depthwise filter `[outH, outW, N·C, M]`. A stride-1 depthwise conv with
 * dilations = the forward stride gives `[1, kh, kw, N·C·M]`; summing over n yields
 * `[kh, kw, C, M]`. Padding is applied to x up front exactly as in
 * `Conv2DBackpropFilter`.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { convGradientKernel, cropWindow, wasmKernel, type WasmKernelFunc } from './common.ts';

const NAME = 'DepthwiseConv2dNativeBackpropFilter';

/**
 * Computes the depthwise conv filter gradient from `x` and `dy` (NHWC).
 *
 * @example
 * ```ts
 * const dW = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy },
 *   { strides: 1, dilations: 1, pad: 'same', filterShape: [3, 3, 16, 1] });
 * ```
 */
export const depthwiseConv2dNativeBackpropFilter: WasmKernelFunc = convGradientKernel(NAME, 'filter', true, (x, dy, info, filterShape) => {
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const [n, , , c] = x.shape;
  const m = filterShape[3];
  const [outH, outW] = [dy.shape[1], dy.shape[2]];
  const needH = (outH - 1) * sh + kh;
  const needW = (outW - 1) * sw + kw;
  // Crop now; the depthwise conv does the zero padding itself (explicit pads).
  const { x: xw, pad: xPad } = cropWindow(x, -info.padInfo.top, needH, -info.padInfo.left, needW);
  const [hc, wc] = [xw.shape[1], xw.shape[2]];
  // (n, c) pairs as channels: [1, H', W', N·C].
  const xr = n === 1 ? xw : tf.reshape(tf.transpose(xw, [1, 2, 0, 3]), [1, hc, wc, n * c]) as tf.Tensor4D;
  // dy as a depthwise filter: [outH, outW, N·C, M].
  const dyr = tf.reshape(n === 1 ? dy : tf.transpose(dy, [1, 2, 0, 3]), [outH, outW, n * c, m]) as tf.Tensor4D;
  const r = tf.depthwiseConv2d(xr, dyr, 1, xPad, 'NHWC', [sh, sw]); // [1, kh, kw, N·C·M]
  const summed = n === 1 ? r : tf.sum(tf.reshape(r, [kh, kw, n, c * m]), 2);
  return tf.reshape(summed, [kh, kw, c, m]);
});

/** Kernel registration entry for {@link depthwiseConv2dNativeBackpropFilter}. @example `tf.registerKernel(depthwiseConv2dNativeBackpropFilterConfig)` */
export const depthwiseConv2dNativeBackpropFilterConfig = wasmKernel(NAME, depthwiseConv2dNativeBackpropFilter);
