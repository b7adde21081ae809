/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend (which has none).
 *
 * Strategy: like `Conv2DBackpropInput`, per channel. With channel multiplier M the
 * forward output channel `c·M + m` reads input channel `c` through `W[:, :, c, m]`, so
 *
 *     dx[n, h, w, c] = Σ_m Σ_{i, j} dz[n, h + top − i, w + left − j, c·M + m] · W[i, j, c, m]
 *
 * Zero-insert `dy` by the stride, pad/crop it to `H + kh − 1` × `W + kw − 1`, run one
 * stride-1 depthwise conv (multiplier 1) over its `C·M` channels with the spatially
 * flipped filter reshaped to `[kh, kw, C·M, 1]`, then sum each group of M channels.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { convGradientKernel, backpropInputWindow, wasmKernel, type WasmKernelFunc } from './common.ts';

const NAME = 'DepthwiseConv2dNativeBackpropInput';

/**
 * Computes the depthwise conv input gradient from `dy` and `filter` (NHWC).
 *
 * @example
 * ```ts
 * const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter },
 *   { strides: 1, dilations: 1, pad: 'same', inputShape: [8, 14, 14, 16] });
 * ```
 */
export const depthwiseConv2dNativeBackpropInput: WasmKernelFunc = convGradientKernel(NAME, 'input', true, (dy, filter, info, inputShape) => {
  const { filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w } = info;
  const [n, , , c] = inputShape;
  const m = filter.shape[3];
  const { x: win, pad: winPad } = backpropInputWindow(dy, info);
  const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, c * m, 1]) as tf.Tensor4D;
  const perChannel = tf.depthwiseConv2d(win, flipped, 1, winPad, 'NHWC'); // [N, H, W, C·M]
  if (m === 1) return perChannel;
  return tf.sum(tf.reshape(perChannel, [n, h, w, c, m]), 4);
});

/** Kernel registration entry for {@link depthwiseConv2dNativeBackpropInput}. @example `tf.registerKernel(depthwiseConv2dNativeBackpropInputConfig)` */
export const depthwiseConv2dNativeBackpropInputConfig = wasmKernel(NAME, depthwiseConv2dNativeBackpropInput);
