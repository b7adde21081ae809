/**
 * Correctness and memory-safety fixes for wasm's *forward* convolutions.
 *
 * tfjs-backend-wasm 4.22 hands 'same' padding to XNNPACK as its TensorFlow-SAME flag,
 * and XNNPACK then gets the padding wrong whenever the kernel is smaller than the
 * stride on an axis and the last window ends before the input does
 * (`(outSize − 1)·stride + kernel < inSize`, e.g. a 1×2 kernel with stride 2 on 6 rows):
 * outputs differ from the cpu backend by O(1) and memory next to the tensors can be
 * overwritten. Measured on Conv2D, DepthwiseConv2dNative, FusedConv2D and
 * FusedDepthwiseConv2D; pooling is not affected.
 *
 * Strategy: wrap wasm's own kernel and turn `'same'` into the explicit
 * `[[0,0],[top,bottom],[left,right],[0,0]]` pads tfjs-core computes for it (the same
 * output shape by construction), so XNNPACK never sees the SAME flag. NCHW is passed
 * through untouched (wasm rejects it anyway). Gradients are unaffected: the tape
 * records the op's original attrs.
 *
 * Second trap: tfjs-core sizes the output of a *numeric* pad from the filter height and
 * row stride only (`computeOutputShape2D`), so for non-square kernels, unequal strides
 * or a `dimRoundingMode` other than floor the output tensor it allocates can be smaller
 * than what XNNPACK writes — silent heap corruption ("memory access out of bounds"
 * later). The wrapper compares both sizes and throws a clear error instead.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap } from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import type { Shape4 } from './common.ts';

/**
 * A wrapper around one of wasm's own kernels: gets the original, returns the replacement.
 *
 * @example
 * ```ts
 * const logCalls: WasmKernelPatch = { kernelName: 'Conv2D', wrap: (orig) => (args) => { console.log('conv'); return orig(args); } };
 * ```
 */
export interface WasmKernelPatch {
  /** The tfjs kernel name it patches. */
  kernelName: string;
  /** Builds the replacement from wasm's original kernel function. */
  wrap(original: KernelFunc): KernelFunc;
}

function safePadding(kernelName: string, depthwise: boolean): (original: KernelFunc) => KernelFunc {
  return (original) => (args) => {
    const attrs = args.attrs as (NamedAttrMap & { pad?: unknown; dataFormat?: string }) | undefined;
    const x = args.inputs.x;
    const filter = args.inputs.filter;
    if (attrs == null || x == null || filter == null) return original(args);
    if (attrs.dataFormat != null && attrs.dataFormat !== 'NHWC') return original(args);
    const { strides, dilations, dimRoundingMode, pad } = attrs as {
      strides: number | [number, number];
      dilations?: number | [number, number];
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
    };
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as Shape4, filter.shape as Shape4, strides, dilations ?? 1, pad, dimRoundingMode, depthwise, 'channelsLast');
    const { top, bottom, left, right } = info.padInfo;
    // What XNNPACK will produce from these pads; tfjs allocates info.outShape.
    const xnnH = Math.floor((info.inHeight + top + bottom - info.effectiveFilterHeight) / info.strideHeight) + 1;
    const xnnW = Math.floor((info.inWidth + left + right - info.effectiveFilterWidth) / info.strideWidth) + 1;
    if (xnnH !== info.outHeight || xnnW !== info.outWidth) {
      throw new TransferkitError(
        'UNSUPPORTED_KERNEL_ATTR',
        `${kernelName} on the wasm backend: tfjs-core sizes the output ${info.outHeight}×${info.outWidth} for pad ` +
          `${JSON.stringify(pad)}${dimRoundingMode ? ` (dimRoundingMode ${dimRoundingMode})` : ''}, but the padded input ` +
          `gives ${xnnH}×${xnnW}; running it would write outside the output buffer`,
        {
          where: `kernel ${kernelName} (backend wasm), input [${x.shape}], filter [${filter.shape}]`,
          hint: "Use pad 'same', 'valid' or explicit [[0,0],[top,bottom],[left,right],[0,0]] pads. tfjs-core sizes numeric " +
            'pads from the filter height and row stride only, so they are consistent only for square kernels and equal strides.',
        },
      );
    }
    if (pad !== 'same') return original(args);
    const explicit: tf.backend_util.ExplicitPadding = [[0, 0], [top, bottom], [left, right], [0, 0]];
    return original({ ...args, attrs: { ...attrs, pad: explicit } as unknown as NamedAttrMap });
  };
}

/**
 * The forward convolutions wrapped with the padding fixes ('same' → explicit pads; size check).
 *
 * @example
 * ```ts
 * CONV_PADDING_PATCHES.map((p) => p.kernelName); // ['Conv2D', 'DepthwiseConv2dNative', …]
 * ```
 */
export const CONV_PADDING_PATCHES: readonly WasmKernelPatch[] = [
  { kernelName: 'Conv2D', wrap: safePadding('Conv2D', false) },
  { kernelName: 'FusedConv2D', wrap: safePadding('FusedConv2D', false) },
  { kernelName: 'DepthwiseConv2dNative', wrap: safePadding('DepthwiseConv2dNative', true) },
  { kernelName: 'FusedDepthwiseConv2D', wrap: safePadding('FusedDepthwiseConv2D', true) },
];
