/**
 * LIME for images (as `lime_image.LimeImageExplainer`): split the image into segments (grid
 * cells, or simple SLIC-like superpixels), switch segments off at random (Bernoulli ½, 1000 masks
 * by default), fill switched-off segments with the image's mean colour (or a constant), score the
 * perturbed images with the model and fit LIME's weighted ridge surrogate through
 * {@link limeMasked}. The segmentations live here too: they are only used to make LIME's parts.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { checkImage } from './gradients/occlusion.ts';
import { predictTarget, type BatchPredictFn } from './gradients/batch-predict.ts';
import { limeMasked, type LimeMaskedOptions } from './lime-masked.ts';
import type { LimeResult } from './lime-surrogate.ts';

/**
 * Options for {@link limeImage}.
 *
 * @example
 * ```ts
 * const opts: LimeImageOptions = { segmentation: 'slic', nSegments: 25, nsamples: 500, seed: 1, fill: 'image-mean' };
 * ```
 */
export interface LimeImageOptions extends LimeMaskedOptions {
  /**
   * `'grid'` (default), `'slic'`, or a segment map: one id ≥ 0 per pixel (h × w), kept as given
   * (`weights[id]`; ids no pixel has get weight ≈ 0).
   */
  segmentation?: 'grid' | 'slic' | ArrayLike<number>;
  /** Grid cell size in pixels (default 4; a number means square cells). */
  cellSize?: number | [number, number];
  /** Target number of SLIC superpixels (default: as many as 4×4 grid cells). */
  nSegments?: number;
  /** SLIC compactness: weight of spatial distance (in grid steps) against intensity distance (in fractions of the intensity range); default 0.3. */
  compactness?: number;
  /**
   * Colour of switched-off segments: `'image-mean'` (default: the image's mean per channel),
   * `'segment-mean'` (each segment's own mean colour, as `lime_image` with `hide_color=None`) or a
   * number.
   */
  fill?: 'image-mean' | 'segment-mean' | number;
}

/**
 * A LIME image explanation: the surrogate over segments, the segment map and per-pixel weights.
 *
 * @example
 * ```ts
 * const top = r.weights.indexOf(Math.max(...r.weights)); // the segment that helps the class most
 * const pixels = r.segments.reduce<number[]>((a, s, i) => (s === top ? [...a, i] : a), []);
 * ```
 */
export interface LimeImageResult extends LimeResult {
  /** Segment id per pixel (h × w, row-major), ids 0..nSegments-1. */
  segments: Int32Array;
  nSegments: number;
  /** The weight of each pixel's segment (h × w). */
  pixelWeights: Float32Array;
}

/**
 * LIME explanation of class `target` for the image `x` of shape `[h, w, c]` (HWC).
 *
 * @example
 * ```ts
 * const r = await limeImage(layersPredictFn(model), image, [28, 28, 1], 3, { nsamples: 1000, seed: 0 });
 * console.log(r.weights, r.r2);
 * ```
 */
export async function limeImage(
  predict: BatchPredictFn,
  x: ArrayLike<number>,
  shape: [number, number, number],
  target: number,
  opts: LimeImageOptions = {},
): Promise<LimeImageResult> {
  const [h, w, c] = checkImage(x, shape);
  const image = Float32Array.from(x);
  const seg = opts.segmentation ?? 'grid';
  let segments: Int32Array;
  if (seg === 'grid') segments = gridSegments(h, w, opts.cellSize ?? 4);
  else if (seg === 'slic') {
    segments = slicSegments(image, [h, w, c], { nSegments: opts.nSegments ?? Math.ceil(h / 4) * Math.ceil(w / 4), compactness: opts.compactness });
  } else if (typeof seg === 'object' && seg !== null && typeof seg.length === 'number') segments = checkSegmentMap(seg, h * w);
  else {
    throw new TransferkitError('BAD_OPTION', `unknown segmentation ${JSON.stringify(seg)}`, { where: 'segmentation', hint: "Use 'grid', 'slic' or a segment map." });
  }
  const nSegments = countSegments(segments);
  const fillImage = fillFor(image, segments, nSegments, c, opts.fill ?? 'image-mean');
  const d = h * w * c;

  const res = await limeMasked(
    nSegments,
    async (masks) => {
      const batch = new Float32Array(masks.length * d);
      masks.forEach((m, i) => {
        const off = i * d;
        for (let p = 0; p < h * w; p++) {
          const src = m[segments[p]] === 1 ? image : fillImage;
          for (let k = 0; k < c; k++) batch[off + p * c + k] = src[p * c + k];
        }
      });
      return predictTarget(predict, batch, masks.length, target);
    },
    { nsamples: 1000, sampling: 'bernoulli', batchSize: 100, ...stripUndefined(opts) },
  );
  const pixelWeights = Float32Array.from(segments, (s) => res.weights[s]);
  return { ...res, segments, nSegments, pixelWeights };
}

/**
 * A grid segmentation: cells of `cellSize` pixels (the last row/column of cells may be smaller),
 * numbered row by row.
 *
 * @example
 * ```ts
 * gridSegments(28, 28, 4); // 49 cells of 4×4; pixel (5, 9) is in cell 1·7 + 2 = 9
 * ```
 */
export function gridSegments(h: number, w: number, cellSize: number | [number, number] = 4): Int32Array {
  const [ch, cw] = typeof cellSize === 'number' ? [cellSize, cellSize] : cellSize;
  if (![h, w, ch, cw].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new TransferkitError('BAD_OPTION', `grid needs positive integer sizes, got image ${h}×${w}, cell ${ch}×${cw}`, { where: 'cellSize' });
  }
  const nCols = Math.ceil(w / cw);
  const out = new Int32Array(h * w);
  for (let r = 0; r < h; r++) for (let q = 0; q < w; q++) out[r * w + q] = Math.floor(r / ch) * nCols + Math.floor(q / cw);
  return out;
}

/**
 * Options for {@link slicSegments}.
 *
 * @example
 * ```ts
 * const opts: SlicOptions = { nSegments: 49, compactness: 0.3, iterations: 10 };
 * ```
 */
export interface SlicOptions {
  /** Target number of superpixels (centres start on a regular grid). */
  nSegments: number;
  /** Spatial weight (default 0.3): distance² = (Δintensity / range)² + compactness² · (Δposition / step)². */
  compactness?: number;
  /** k-means iterations (default 10). */
  iterations?: number;
}

/**
 * Simple SLIC-like superpixels: k-means on (row, column, mean intensity) with centres started on
 * a regular grid, then ids renumbered 0.. in scan order. Deterministic; connectivity is not
 * enforced (a superpixel may come in pieces).
 *
 * @example
 * ```ts
 * const seg = slicSegments(image, [28, 28, 1], { nSegments: 25 }); // ids 0..≤24 per pixel
 * ```
 */
export function slicSegments(x: ArrayLike<number>, shape: [number, number, number], opts: SlicOptions): Int32Array {
  const [h, w, c] = checkImage(x, shape);
  const k0 = opts.nSegments;
  if (!Number.isInteger(k0) || k0 < 1) throw new TransferkitError('BAD_OPTION', `nSegments must be a positive integer, got ${String(k0)}`, { where: 'nSegments' });
  const m = opts.compactness ?? 0.3;
  if (!(m >= 0) || !Number.isFinite(m)) throw new TransferkitError('BAD_OPTION', `compactness must be a finite number ≥ 0, got ${String(m)}`, { where: 'compactness' });
  const iterations = opts.iterations ?? 10;
  const n = h * w;
  const intensity = new Float64Array(n);
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < n; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += x[p * c + k];
    intensity[p] = s / c;
    lo = Math.min(lo, intensity[p]);
    hi = Math.max(hi, intensity[p]);
  }
  const range = hi > lo ? hi - lo : 1;
  const ny = Math.max(1, Math.min(h, Math.round(Math.sqrt((k0 * h) / w))));
  const nx = Math.max(1, Math.min(w, Math.round(k0 / ny)));
  const step = Math.sqrt(n / (ny * nx));
  const K = ny * nx;
  const cy = new Float64Array(K);
  const cx = new Float64Array(K);
  const ci = new Float64Array(K);
  for (let a = 0; a < ny; a++) {
    for (let b = 0; b < nx; b++) {
      const k = a * nx + b;
      cy[k] = ((a + 0.5) * h) / ny - 0.5;
      cx[k] = ((b + 0.5) * w) / nx - 0.5;
      ci[k] = intensity[Math.round(cy[k]) * w + Math.round(cx[k])];
    }
  }
  const label = new Int32Array(n);
  const sy = new Float64Array(K);
  const sx = new Float64Array(K);
  const si = new Float64Array(K);
  const cnt = new Float64Array(K);
  const spatial = (m / step) ** 2;
  for (let it = 0; it < iterations; it++) {
    let changed = false;
    for (let r = 0; r < h; r++) {
      for (let q = 0; q < w; q++) {
        const p = r * w + q;
        let best = 0;
        let bestD = Infinity;
        for (let k = 0; k < K; k++) {
          const di = (intensity[p] - ci[k]) / range;
          const dist = di * di + spatial * ((r - cy[k]) ** 2 + (q - cx[k]) ** 2);
          if (dist < bestD) {
            bestD = dist;
            best = k;
          }
        }
        if (label[p] !== best) changed = true;
        label[p] = best;
      }
    }
    if (!changed && it > 0) break;
    sy.fill(0);
    sx.fill(0);
    si.fill(0);
    cnt.fill(0);
    for (let p = 0; p < n; p++) {
      const k = label[p];
      sy[k] += Math.floor(p / w);
      sx[k] += p % w;
      si[k] += intensity[p];
      cnt[k] += 1;
    }
    for (let k = 0; k < K; k++) {
      if (cnt[k] === 0) continue;
      cy[k] = sy[k] / cnt[k];
      cx[k] = sx[k] / cnt[k];
      ci[k] = si[k] / cnt[k];
    }
  }
  return relabel(label);
}

/** Renumbers segment ids 0.. in order of first appearance. */
function relabel(seg: ArrayLike<number>): Int32Array {
  const ids = new Map<number, number>();
  const out = new Int32Array(seg.length);
  for (let p = 0; p < seg.length; p++) {
    let id = ids.get(seg[p]);
    if (id === undefined) {
      id = ids.size;
      ids.set(seg[p], id);
    }
    out[p] = id;
  }
  return out;
}

function checkSegmentMap(seg: ArrayLike<number>, n: number): Int32Array {
  if (seg.length !== n) {
    throw new TransferkitError('SHAPE_MISMATCH', `the segment map has ${seg.length} values but the image has ${n} pixels`, { where: 'segmentation' });
  }
  for (let p = 0; p < n; p++) {
    if (!Number.isInteger(seg[p]) || seg[p] < 0 || seg[p] > 1e6) {
      throw new TransferkitError('BAD_OPTION', `segment id ${String(seg[p])} at pixel ${p} is not an integer in 0..1e6`, { where: 'segmentation' });
    }
  }
  return Int32Array.from(seg);
}

function countSegments(seg: Int32Array): number {
  let max = -1;
  for (const s of seg) if (s > max) max = s;
  return max + 1;
}

function fillFor(image: Float32Array, seg: Int32Array, nSeg: number, c: number, fill: LimeImageOptions['fill']): Float32Array {
  const out = new Float32Array(image.length);
  if (typeof fill === 'number') {
    if (!Number.isFinite(fill)) throw new TransferkitError('BAD_OPTION', `fill must be finite, got ${fill}`, { where: 'fill' });
    return out.fill(fill);
  }
  if (fill !== 'image-mean' && fill !== 'segment-mean') {
    throw new TransferkitError('BAD_OPTION', `unknown fill ${JSON.stringify(fill)}`, { where: 'fill', hint: "Use 'image-mean', 'segment-mean' or a number." });
  }
  const groups = fill === 'image-mean' ? 1 : nSeg;
  const sum = new Float64Array(groups * c);
  const cnt = new Float64Array(groups);
  for (let p = 0; p < seg.length; p++) {
    const g = fill === 'image-mean' ? 0 : seg[p];
    cnt[g] += 1;
    for (let k = 0; k < c; k++) sum[g * c + k] += image[p * c + k];
  }
  for (let p = 0; p < seg.length; p++) {
    const g = fill === 'image-mean' ? 0 : seg[p];
    for (let k = 0; k < c; k++) out[p * c + k] = sum[g * c + k] / cnt[g];
  }
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
