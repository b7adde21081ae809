/**
 * What every image method shares: each row's class and probability, one value per pixel, the
 * heatmap PNGs (beside and over the image). An image method only says how it attributes one image to one class.
 *
 * @module
 */
import { join } from 'node:path';
import { TransferkitError } from '../../errors.ts';
import type { TrainedModel } from '../../models/trained-model.ts';
import { argmaxRow } from '../../measures/metrics.ts';
import { writeFileAtomic } from '../../util/atomic.ts';
import type { ImageAttribution } from './explanation.ts';
import { heatmapPng } from './heatmap.ts';
import { imageOverlayPng } from './overlay.ts';
import { classIndex } from './method-kit.ts';
import { inputRows, modelProbs } from './model-view.ts';
import { OPTION, type MethodOption, type MethodOptions } from './options.ts';
import type { ExplainMethod, MethodContext } from './registry.ts';

/**
 * One image to attribute: the model, the image (height × width × channels, flat), its shape, and
 * the class index to explain.
 *
 * @example
 * ```ts
 * const input: ImageInput = { trained, img, shape: [28, 28, 1], target: 3 };
 * ```
 */
export interface ImageInput {
  trained: TrainedModel;
  img: Float32Array;
  shape: [number, number, number];
  target: number;
}

/**
 * An image method's attributions of one image: a value per input (per pixel and channel, or per
 * pixel), and IG's convergence delta or LIME's R² where the method has one.
 *
 * @example
 * ```ts
 * const a: ImageAttributions = { values: res.attributions, delta: res.delta };
 * ```
 */
export interface ImageAttributions {
  values: ArrayLike<number>;
  delta?: number;
  r2?: number;
}

/**
 * What an image method's file gives {@link imageMethod}.
 *
 * @example
 * ```ts
 * const spec: ImageMethodSpec<'saliency'> = { name: 'saliency', description: '…', options: [], attribute: … };
 * ```
 */
export interface ImageMethodSpec<N extends string> {
  name: N;
  description: string;
  /** The options it reads besides `rows`, `className` and `out` (which every image method reads). */
  options: readonly MethodOption[];
  attribute: (input: ImageInput, opts: MethodOptions, seed: number) => Promise<ImageAttributions>;
}

/** The options every image method reads. */
const IMAGE_OPTIONS: readonly MethodOption[] = [
  OPTION.rows,
  OPTION.className,
  OPTION.out,
];

/**
 * A registry entry for an image method: per row, the predicted (or asked) class, the method's
 * attributions summed to one value per pixel, and a heatmap PNG when `out` is given.
 *
 * @example
 * ```ts
 * export const saliencyMethod = registerMethod(imageMethod({ name: 'saliency', description: '…', options: [], attribute: … }));
 * ```
 */
export function imageMethod<const N extends string>(spec: ImageMethodSpec<N>): ExplainMethod & { name: N; data: readonly ['image']; scope: 'image' } {
  return {
    name: spec.name,
    description: spec.description,
    data: ['image'] as const,
    scope: 'image',
    options: [...IMAGE_OPTIONS, ...spec.options],
    run: (ctx) => explainImageRows(ctx, spec),
  };
}

async function explainImageRows(ctx: MethodContext, spec: ImageMethodSpec<string>) {
  const { trained, opts } = ctx;
  if (trained.features.kind !== 'image') throw new TransferkitError('KIND_MISMATCH', `The ${spec.name} method explains image models; this model takes ${trained.features.kind} data`);
  const { height, width, channels } = trained.features;
  const shape: [number, number, number] = [height, width, channels];
  const x = inputRows(trained.features, ctx.data);
  const out: ImageAttribution[] = [];
  for (const r of ctx.rows) {
    const img = Float32Array.from(x[r]);
    const probs = modelProbs(trained, [img]);
    const target = opts.className === undefined ? argmaxRow(probs, 0, trained.classes.length) : classIndex(trained, opts.className, img);
    const a = await spec.attribute({ trained, img, shape, target }, opts, ctx.seed);
    const item: ImageAttribution = { row: r, class: trained.classes[target], probability: probs[target], height, width, attributions: Array.from(perPixel(a.values, height * width)) };
    if (a.delta !== undefined) item.delta = a.delta;
    if (a.r2 !== undefined) item.r2 = a.r2;
    if (opts.out) {
      item.png = join(opts.out, `row-${r}-${spec.name}.png`);
      await writeFileAtomic(item.png, await heatmapPng(img, shape, item.attributions));
      item.overlay = join(opts.out, `row-${r}-${spec.name}-overlay.png`);
      await writeFileAtomic(item.overlay, await imageOverlayPng(img, shape, item.attributions, { title: `${spec.name}: row ${r}, class ${item.class} (p = ${item.probability.toFixed(2)})` }));
    }
    out.push(item);
  }
  return ctx.explanation({ kind: 'image', scope: 'image', method: spec.name, rows: out });
}

/** Sums channels so there is one value per pixel (inputs already one per pixel pass through). */
function perPixel(values: ArrayLike<number>, pixels: number): Float32Array {
  const c = values.length / pixels;
  const out = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) for (let k = 0; k < c; k++) out[p] += values[p * c + k];
  return out;
}
