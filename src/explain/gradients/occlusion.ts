/**
 * Occlusion (Zeiler & Fergus 2014): slide a window over the image, set the pixels under it (all
 * channels) to a baseline, and record the drop in the target probability p(x) − p(occluded).
 * Each pixel gets the mean drop over the windows covering it. Windows sit at 0, stride, 2·stride …
 * plus one flush with the bottom/right edge when the stride does not reach it, so every pixel is
 * covered.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { predictTarget, type BatchPredictFn } from './batch-predict.ts';

/**
 * Options for {@link occlusion}.
 *
 * @example
 * ```ts
 * const opts: OcclusionOptions = { window: 4, stride: 2, baseline: 0 };
 * ```
 */
export interface OcclusionOptions {
  /** Window height and width in pixels (default 4; a number means a square). */
  window?: number | [number, number];
  /** Step between windows (default 2). */
  stride?: number | [number, number];
  /** Value of occluded pixels: a number, or a whole baseline image of the input's size (default 0). */
  baseline?: number | ArrayLike<number>;
  /** Occluded images per `predict` call (default 64). */
  batchSize?: number;
}

/**
 * An occlusion map.
 *
 * @example
 * ```ts
 * const r: OcclusionResult = { attributions: new Float32Array(784), height: 28, width: 28, output: 0.93, windows: 169 };
 * ```
 */
export interface OcclusionResult {
  /** Mean drop in the target probability per pixel (height × width, row-major). */
  attributions: Float32Array;
  height: number;
  width: number;
  /** p_target(x). */
  output: number;
  /** Number of windows evaluated. */
  windows: number;
}

/**
 * Occlusion map of class `target` for the image `x` of shape `[h, w, c]` (HWC, row-major).
 *
 * @example
 * ```ts
 * const predict = layersPredictFn(model);
 * const { attributions } = await occlusion(predict, image, [28, 28, 1], 3, { window: 4, stride: 2 });
 * ```
 */
export async function occlusion(
  predict: BatchPredictFn,
  x: ArrayLike<number>,
  shape: [number, number, number],
  target: number,
  opts: OcclusionOptions = {},
): Promise<OcclusionResult> {
  const [h, w, c] = checkImage(x, shape);
  const [wh, ww] = pair(opts.window ?? 4, 'window');
  const [sh, sw] = pair(opts.stride ?? 2, 'stride');
  if (wh > h || ww > w) {
    throw new TransferkitError('BAD_OPTION', `window ${wh}×${ww} is larger than the image ${h}×${w}`, { where: 'window' });
  }
  const batchSize = opts.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new TransferkitError('BAD_OPTION', `batchSize must be a positive integer, got ${String(batchSize)}`, { where: 'batchSize' });
  const d = h * w * c;
  const base = baselineImage(opts.baseline ?? 0, d);
  const image = Float32Array.from(x);

  const rows = positions(h, wh, sh);
  const cols = positions(w, ww, sw);
  const windows: Array<[number, number]> = [];
  for (const r of rows) for (const q of cols) windows.push([r, q]);

  const [output] = await predictTarget(predict, image, 1, target);
  const sum = new Float64Array(h * w);
  const count = new Float64Array(h * w);
  const batch = new Float32Array(Math.min(batchSize, windows.length) * d);
  for (let start = 0; start < windows.length; start += batchSize) {
    const m = Math.min(batchSize, windows.length - start);
    for (let i = 0; i < m; i++) {
      const [r0, q0] = windows[start + i];
      const off = i * d;
      batch.set(image, off);
      for (let r = r0; r < r0 + wh; r++) {
        for (let q = q0; q < q0 + ww; q++) {
          const p = (r * w + q) * c;
          for (let k = 0; k < c; k++) batch[off + p + k] = base[p + k];
        }
      }
    }
    const probs = await predictTarget(predict, m === batch.length / d ? batch : batch.subarray(0, m * d), m, target);
    for (let i = 0; i < m; i++) {
      const drop = output - probs[i];
      const [r0, q0] = windows[start + i];
      for (let r = r0; r < r0 + wh; r++) {
        for (let q = q0; q < q0 + ww; q++) {
          sum[r * w + q] += drop;
          count[r * w + q] += 1;
        }
      }
    }
  }
  const attributions = Float32Array.from(sum, (s, i) => (count[i] > 0 ? s / count[i] : 0));
  return { attributions, height: h, width: w, output, windows: windows.length };
}

/**
 * Checks that `x` has h·w·c finite values for `shape` = [h, w, c]; returns the shape.
 *
 * @example
 * ```ts
 * checkImage(new Float32Array(784), [28, 28, 1]); // [28, 28, 1]
 * ```
 */
export function checkImage(x: ArrayLike<number>, shape: readonly number[]): [number, number, number] {
  if (!Array.isArray(shape) || shape.length !== 3 || shape.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new TransferkitError('BAD_INPUT', `image shape must be [height, width, channels] of positive integers, got ${JSON.stringify(shape)}`, { where: 'shape' });
  }
  if (x === null || typeof x !== 'object' || x.length !== shape[0] * shape[1] * shape[2]) {
    throw new TransferkitError('SHAPE_MISMATCH', `the image has ${x?.length ?? 0} values but shape [${shape.join(', ')}] needs ${shape[0] * shape[1] * shape[2]}`, {
      where: 'x',
      hint: 'Pass one image, flattened in HWC order.',
    });
  }
  for (let j = 0; j < x.length; j++) {
    if (typeof x[j] !== 'number' || !Number.isFinite(x[j])) {
      throw new TransferkitError('NON_FINITE_INPUT', `x[${j}] is ${String(x[j])}; explanations need finite numbers`, { where: `x[${j}]` });
    }
  }
  return [shape[0], shape[1], shape[2]];
}

/**
 * A full baseline image: `b` repeated, or `b` itself when it has `d` values.
 *
 * @example
 * ```ts
 * baselineImage(0.5, 4); // Float32Array [0.5, 0.5, 0.5, 0.5]
 * ```
 */
export function baselineImage(b: number | ArrayLike<number>, d: number): Float32Array {
  if (typeof b === 'number') {
    if (!Number.isFinite(b)) throw new TransferkitError('BAD_OPTION', `baseline must be finite, got ${b}`, { where: 'baseline' });
    return new Float32Array(d).fill(b);
  }
  if (b === null || typeof b !== 'object' || b.length !== d) {
    throw new TransferkitError('SHAPE_MISMATCH', `baseline has ${b?.length ?? 0} values but the input has ${d}`, {
      where: 'baseline',
      hint: 'Pass a number, or a baseline of the same size as the input.',
    });
  }
  return Float32Array.from(b);
}

function pair(v: number | [number, number], name: string): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || p.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new TransferkitError('BAD_OPTION', `${name} must be a positive integer or a pair of them, got ${JSON.stringify(v)}`, { where: name });
  }
  return p;
}

function positions(size: number, win: number, stride: number): number[] {
  const out: number[] = [];
  for (let s = 0; s + win <= size; s += stride) out.push(s);
  if (out[out.length - 1] + win < size) out.push(size - win);
  return out;
}
