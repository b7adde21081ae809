/**
 * Shared helpers for the ONNX tests: run a model in onnxruntime, NCHW → NHWC, random inputs.
 */
import * as ort from 'onnxruntime-node';
import { createRng } from '../../src/util/random.ts';

/** Runs ONNX bytes in onnxruntime on one float input; returns the named outputs (all by default). */
export async function runOrt(bytes: Uint8Array, input: string, x: Float32Array, shape: number[]): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, extra: { 'session.intra_op.allow_spinning': '0' } });
  try {
    const out = await session.run({ [input]: new ort.Tensor('float32', x, shape) });
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { data: Float32Array.from(v.data as Float32Array), dims: v.dims.map(Number) }]));
  } finally {
    await session.release();
  }
}

/** Seeded uniform values in [-scale, scale]. */
export function randomInput(n: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
}

/** `[n, c, h, w]` → `[n, h, w, c]`. */
export function nchwToNhwc(x: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) out[b * h * w * c + i * c + ch] = x[b * c * h * w + ch * h * w + i];
  return out;
}

/** Largest absolute difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
