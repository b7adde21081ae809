/**
 * `Conv2DBackpropInput` for the wasm backend, replacing wasm's own (a scalar loop).
 *
 * Strategy: the input gradient is a stride-1 convolution of the zero-inserted `dy`
 * with the spatially flipped filter whose in/out channels are swapped:
 *
 *     dx[n, h, w, ci] = Σ_{i, j, co} dz[n, h + top − i, w + left − j, co] · W[i, j, ci, co]
 *
 * where `dz` is `dy` with `stride − 1` zeros inserted between rows/columns. `dz` is then
 * padded (as the conv's own explicit pads) or cropped (large explicit forward pads) to
 * `H + kh − 1` × `W + kw − 1`, so the conv yields exactly `inputShape` — including the extra bottom/right rows the
 * forward conv never read when `(H + pads − kh) % stride ≠ 0` (they get zeros).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { convGradientKernel, backpropInputWindow, wasmKernel, type WasmKernelFunc } from './common.ts';

const NAME = 'Conv2DBackpropInput';

/**
 * Computes the conv2d input gradient from `dy` and `filter` (NHWC) by composition.
 *
 * @example
 * ```ts
 * const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter },
 *   { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [64, 28, 28, 1] });
 * ```
 */
export const conv2DBackpropInput: WasmKernelFunc = convGradientKernel(NAME, 'input', false, (dy, filter, info, _shape) => {
  const { x: win, pad: winPad } = backpropInputWindow(dy, info);
  // Flip spatially and swap in/out channels: [kh, kw, Cin, Cout] → [kh, kw, Cout, Cin].
  const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  return tf.conv2d(win, flipped, 1, winPad, 'NHWC');
});

/** Kernel registration entry for {@link conv2DBackpropInput}. @example `tf.registerKernel(conv2DBackpropInputConfig)` */
export const conv2DBackpropInputConfig = wasmKernel(NAME, conv2DBackpropInput);
