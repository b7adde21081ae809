/**
 * `UnsortedSegmentSum` for the wasm backend (which has none); the gradient of
 * `tf.gather` (embeddings) needs it.
 *
 * Strategy: a masked `scatterND`, whose wasm kernel adds up rows that hit the same
 * index. TensorFlow semantics: `segmentIds` has the shape of a prefix of `x`'s shape;
 * the output is `[numSegments, ...x.shape.slice(segmentIds.rank)]`; ids outside
 * `[0, numSegments)` are dropped. Memory is O(x), unlike a one-hot matMul which is
 * O(rows × numSegments) (a 10k-word vocabulary would need gigabytes). Ids are cast to
 * int32 first, and no float one-hot is ever built (wasm's float `oneHot` is broken).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { asTensor, requireInput, unsupported, wasmKernel, type WasmKernelFunc } from './common.ts';

const NAME = 'UnsortedSegmentSum';

/**
 * Sums the rows of `x` into `numSegments` buckets chosen by `segmentIds`.
 *
 * @example
 * ```ts
 * const s = tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([1, 0, 1], 'int32'), 2);
 * // [[3, 4], [6, 8]]
 * ```
 */
export const unsortedSegmentSum: WasmKernelFunc = ({ inputs, attrs = {} }) => {
  const { numSegments } = attrs as { numSegments: number };
  const xInfo = requireInput(NAME, inputs, 'x');
  const segmentIdsInfo = requireInput(NAME, inputs, 'segmentIds');
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    unsupported(NAME, `numSegments ${String(numSegments)}`, 'numSegments must be a non-negative integer.');
  }
  return tf.tidy(() => {
    const x = asTensor(xInfo);
    const ids = asTensor(segmentIdsInfo);
    const prefix = x.shape.slice(0, ids.rank);
    if (ids.shape.some((d, i) => d !== prefix[i])) {
      unsupported(NAME, `segmentIds of shape [${ids.shape}] for x of shape [${x.shape}]`,
        'segmentIds must have the shape of a prefix of x.shape.');
    }
    const rest = x.shape.slice(ids.rank);
    const rows = ids.size;
    const width = rest.reduce((a, b) => a * b, 1);
    if (rows === 0 || width === 0 || numSegments === 0) return tf.zeros([numSegments, ...rest], x.dtype);
    const flatIds = tf.reshape(ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32'), [rows]);
    const valid = tf.logicalAnd(tf.greaterEqual(flatIds, 0), tf.less(flatIds, numSegments));
    const safeIds = tf.where(valid, flatIds, tf.zerosLike(flatIds));
    const updates = tf.mul(tf.reshape(x, [rows, width]), tf.reshape(tf.cast(valid, x.dtype), [rows, 1]));
    const summed = tf.scatterND(tf.reshape(safeIds, [rows, 1]), updates, [numSegments, width]);
    return tf.reshape(summed, [numSegments, ...rest]);
  });
};

/** Kernel registration entry for {@link unsortedSegmentSum}. @example `tf.registerKernel(unsortedSegmentSumConfig)` */
export const unsortedSegmentSumConfig = wasmKernel(NAME, unsortedSegmentSum);
