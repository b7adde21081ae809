/**
 * `Conv2DBackpropFilter` for the wasm backend (which has none).
 *
 * Strategy: the filter gradient is itself a convolution.
 *
 *     dW[i, j, ci, co] = Σ_{n, oh, ow} xPad[n, oh·s + i, ow·s + j, ci] · dy[n, oh, ow, co]
 *
 * Transpose x to `[Cin, H, W, N]` (input channels become the batch, the batch becomes
 * the channels) and dy to `[outH, outW, N, Cout]` (a filter); a stride-1 conv2d with
 * dilations = the forward stride then gives `[Cin, kh, kw, Cout]`. Padding ('same',
 * 'valid', a number or explicit pairs) becomes the conv's own explicit pads, and x is
 * cropped or extended so the conv yields exactly `kh × kw` positions; a final transpose gives
 * `[kh, kw, Cin, Cout]`. All heavy work runs in wasm's XNNPACK conv2d.
 *
 * For few input channels (the first layer of an image model) that conv has only
 * `Cin·kh·kw` output pixels and runs slowly; there an im2col form is 2–5× faster:
 * build the transposed patch matrix `Pᵀ [kh·kw·Cin, N·outH·outW]` from slices of
 * `x` transposed to `[Cin, N, H, W]` (contiguous concat along axis 0), then one matMul
 * `Pᵀ · dy[N·outH·outW, Cout]`. It is used for stride 1 when `kh·kw·Cin` ≤
 * {@link conv2DBackpropFilterTuning}`.im2colMaxRows` (27: a 3×3 RGB or 5×5 grey layer)
 * and `Pᵀ` stays under `.im2colMaxElements`; measured on 64×28×28×1 → 32 3×3:
 * 6 ms vs 28 ms. With strides the dilated conv wins (strided slices are slow).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { convGradientKernel, cropWindow, wasmKernel, windowHW, type WasmKernelFunc } from './common.ts';

const NAME = 'Conv2DBackpropFilter';

/**
 * How {@link conv2DBackpropFilter} picks its strategy. Mutable so tests and benchmarks
 * can force one (`strategy: 'conv' | 'im2col'`); per thread like all engine state.
 *
 * @example
 * ```ts
 * conv2DBackpropFilterTuning.strategy = 'conv'; // always the dilated-conv form
 * ```
 */
export const conv2DBackpropFilterTuning: {
  strategy: 'auto' | 'conv' | 'im2col';
  im2colMaxRows: number;
  im2colMaxElements: number;
} = { strategy: 'auto', im2colMaxRows: 27, im2colMaxElements: 1 << 24 };

/**
 * Computes the conv2d filter gradient from `x` and `dy` (NHWC) by composition.
 *
 * @example
 * ```ts
 * const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
 *   { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 1, 32] });
 * ```
 */
export const conv2DBackpropFilter: WasmKernelFunc = convGradientKernel(NAME, 'filter', false, (x, dy, info, _shape) => {
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const [outH, outW] = [dy.shape[1], dy.shape[2]];
  // Rows/cols of padded x the dilated conv must see to produce exactly kh × kw outputs.
  const needH = (outH - 1) * sh + kh;
  const needW = (outW - 1) * sw + kw;
  const [n, , , cin] = x.shape;
  const cout = dy.shape[3];
  const patchElements = kh * kw * cin * n * outH * outW;
  const t = conv2DBackpropFilterTuning;
  const useIm2col = t.strategy === 'im2col' || (t.strategy === 'auto' && sh === 1 && sw === 1 &&
    kh * kw * cin <= t.im2colMaxRows && patchElements <= t.im2colMaxElements);
  if (useIm2col) {
    const xw = windowHW(x, -info.padInfo.top, needH, -info.padInfo.left, needW);
    const xc = tf.transpose(xw, [3, 0, 1, 2]); // [Cin, N, needH, needW]
    const taps: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        taps.push(sh === 1 && sw === 1
          ? tf.slice(xc, [0, 0, i, j], [cin, n, outH, outW])
          : tf.stridedSlice(xc, [0, 0, i, j], [cin, n, i + (outH - 1) * sh + 1, j + (outW - 1) * sw + 1], [1, 1, sh, sw]));
      }
    }
    const patchesT = tf.reshape(tf.concat(taps, 0), [kh * kw * cin, n * outH * outW]) as tf.Tensor2D;
    const dW = tf.matMul(patchesT, tf.reshape(dy, [n * outH * outW, cout]) as tf.Tensor2D);
    return tf.reshape(dW, [kh, kw, cin, cout]);
  }
  // The conv pads x itself (explicit pads); only crops are done up front.
  const { x: xc, pad: xPad } = cropWindow(x, -info.padInfo.top, needH, -info.padInfo.left, needW);
  const xT = tf.transpose(xc, [3, 1, 2, 0]); // [Cin, H', W', N]
  const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [outH, outW, N, Cout]
  const r = tf.conv2d(xT, dyT, 1, xPad, 'NHWC', [sh, sw]); // [Cin, kh, kw, Cout]
  return tf.transpose(r, [1, 2, 0, 3]); // [kh, kw, Cin, Cout]
});

/** Kernel registration entry for {@link conv2DBackpropFilter}. @example `tf.registerKernel(conv2DBackpropFilterConfig)` */
export const conv2DBackpropFilterConfig = wasmKernel(NAME, conv2DBackpropFilter);
