/**
 * Exact weight conversions between TF.js layouts and the ONNX layouts the training graph uses:
 * Conv2D kernels `[kh, kw, in, out]` ↔ `[out, in, kh, kw]` (OIHW), depthwise kernels
 * `[kh, kw, in, mult]` ↔ `[in·mult, 1, kh, kw]` (output channel `c·mult + m`, as TF.js orders
 * them). Dense kernels (`[in, out]`), biases and BatchNorm vectors keep their layout. Only
 * elements move, so a round trip is bit-exact.
 *
 * @module
 */

/** How a weight is stored in the graph. */
export type WeightLayout = 'conv' | 'depthwise' | 'plain';

/**
 * The ONNX shape of a TF.js weight.
 *
 * @example
 * ```ts
 * onnxShape('conv', [3, 3, 1, 32]); // [32, 1, 3, 3]
 * onnxShape('depthwise', [3, 3, 8, 2]); // [16, 1, 3, 3]
 * ```
 */
export function onnxShape(layout: WeightLayout, tfShape: number[]): number[] {
  if (layout === 'plain') return [...tfShape];
  const [kh, kw, cin, cout] = tfShape;
  return layout === 'conv' ? [cout, cin, kh, kw] : [cin * cout, 1, kh, kw];
}

/**
 * TF.js layout → ONNX layout (a new array).
 *
 * @example
 * ```ts
 * const oihw = toOnnxLayout('conv', hwio, [3, 3, 1, 32]);
 * ```
 */
export function toOnnxLayout(layout: WeightLayout, data: Float32Array, tfShape: number[]): Float32Array {
  return relayout(layout, data, tfShape, 'to-onnx');
}

/**
 * ONNX layout → TF.js layout (a new array); the inverse of {@link toOnnxLayout}.
 *
 * @example
 * ```ts
 * const hwio = fromOnnxLayout('conv', oihw, [3, 3, 1, 32]);
 * ```
 */
export function fromOnnxLayout(layout: WeightLayout, data: Float32Array, tfShape: number[]): Float32Array {
  return relayout(layout, data, tfShape, 'from-onnx');
}

/** Copies every kernel element between the TF.js index `[i][j][c][o]` and its ONNX index, in the direction asked. */
function relayout(layout: WeightLayout, data: Float32Array, tfShape: number[], direction: 'to-onnx' | 'from-onnx'): Float32Array {
  if (layout === 'plain') return Float32Array.from(data);
  const [kh, kw, cin, cout] = tfShape;
  const out = new Float32Array(data.length);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let c = 0; c < cin; c++) {
        for (let o = 0; o < cout; o++) {
          // conv: [o][c][i][j]; depthwise (cout = mult): [c·mult + o][0][i][j]
          const onnx = layout === 'conv' ? ((o * cin + c) * kh + i) * kw + j : ((c * cout + o) * kh + i) * kw + j;
          const tfjs = ((i * kw + j) * cin + c) * cout + o;
          if (direction === 'to-onnx') out[onnx] = data[tfjs];
          else out[tfjs] = data[onnx];
        }
      }
    }
  }
  return out;
}

/**
 * NHWC → NCHW for a batch of images (a new array).
 *
 * @example
 * ```ts
 * const nchw = nhwcToNchw(x, [n, 28, 28, 1]);
 * ```
 */
export function nhwcToNchw(data: Float32Array, shape: number[]): Float32Array {
  const [n, h, w, c] = shape;
  const out = new Float32Array(data.length);
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * hw * c;
    for (let p = 0; p < hw; p++) for (let k = 0; k < c; k++) out[base + k * hw + p] = data[base + p * c + k];
  }
  return out;
}
