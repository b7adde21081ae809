import { join } from 'node:path';
import sharp from 'sharp';
import type { Dataset } from '../../data/dataset.ts';
import { TransferkitError } from '../../errors.ts';
import { ensureEngine } from '../../engine/backend.ts';
import { argmaxRow } from '../../measures/metrics.ts';
import { modelName, openModel, type ModelInput } from '../../models/model-handle.ts';
import { loadDataFor, type TrainedModel } from '../../models/trained-model.ts';
import { writeFileAtomic } from '../../util/atomic.ts';
import { layersPredictFn } from '../gradients/batch-predict.ts';
import { gradCam } from '../gradients/grad-cam.ts';
import { integratedGradients } from '../gradients/integrated-gradients.ts';
import { occlusion } from '../gradients/occlusion.ts';
import { saliency } from '../gradients/saliency.ts';
import { smoothGrad } from '../gradients/smooth-grad.ts';
import { limeImage } from '../lime-image.ts';
import { IMAGE_METHODS, withHeader, type ImageAttribution, type ImageExplanation, type ImageMethod } from './explanation.ts';
import { inputRows, modelProbs } from './model-view.ts';

export { IMAGE_METHODS, type ImageAttribution, type ImageMethod };

/** Options of {@link explainImages}. */
export interface ExplainImagesOptions {
  /** Run folder, model folder or zoo name, or a trained model in memory (`fit`'s `result.model`, left undisposed). */
  model: ModelInput;
  data: string | Dataset;
  method: ImageMethod;
  /** 0-based rows to explain (default `[0]`). */
  rows?: number[];
  /** Class to explain (default: the predicted class). */
  className?: string;
  /** Conv layer for Grad-CAM (default: the last conv block). */
  layer?: string;
  /** Integration steps of IG (default 64). */
  steps?: number;
  seed?: number;
  /** Folder to write a heatmap PNG per row (`row-<i>-<method>.png`: the image, and the heatmap beside it). */
  out?: string;
}

/**
 * Explains image predictions pixel by pixel: Integrated Gradients (with its convergence delta),
 * saliency, SmoothGrad, Grad-CAM on a conv layer, occlusion, or LIME on superpixels; optionally
 * writes heatmap PNGs.
 *
 * @example
 * ```ts
 * const res = await explainImages({ model: 'runs/mnist', data: 'builtin:mnist', method: 'ig', rows: [0], out: 'heatmaps' });
 * ```
 */
export async function explainImages(opts: ExplainImagesOptions): Promise<ImageExplanation> {
  await ensureEngine();
  const { trained, release } = await openModel(opts.model);
  try {
    return await explainImagesWith(trained, modelName(opts.model), opts);
  } finally {
    release();
  }
}

/**
 * {@link explainImages} on a model already opened (`explain` opens it once to pick the method's
 * implementation); the caller releases it.
 *
 * @example
 * ```ts
 * const e = await explainImagesWith(trained, 'runs/mnist', { model: trained, data: 'builtin:mnist', method: 'ig' });
 * ```
 */
export async function explainImagesWith(trained: TrainedModel, name: string, opts: ExplainImagesOptions): Promise<ImageExplanation> {
  const started = performance.now();
  if (trained.features.kind !== 'image') {
    throw new TransferkitError('KIND_MISMATCH', `The ${opts.method} method explains image models; this model takes ${trained.features.kind} data`, {
      hint: 'Use --method shap, lime, permutation, pdp or counterfactual.',
    });
  }
  const data = await loadDataFor(trained, opts.data, { labelled: false });
  const { height, width, channels } = trained.features;
  const shape: [number, number, number] = [height, width, channels];
  const rows = opts.rows ?? [0];
  const x = inputRows(trained.features, data);
  const out: ImageAttribution[] = [];
  for (const r of rows) {
    if (!Number.isInteger(r) || r < 0 || r >= data.size) {
      throw new TransferkitError('BAD_ROW', `Row ${r} is not in the data (${data.size} images, numbered from 0)`, { where: data.name });
    }
    const img = Float32Array.from(x[r]);
    const probs = modelProbs(trained, [img]);
    const target = opts.className === undefined ? argmaxRow(probs, 0, trained.classes.length) : classIndex(trained, opts.className);
    const a = await attribute(trained, img, shape, target, opts);
    const item: ImageAttribution = { row: r, class: trained.classes[target], probability: probs[target], height, width, attributions: Array.from(perPixel(a.values, height * width)) };
    if (a.delta !== undefined) item.delta = a.delta;
    if (a.r2 !== undefined) item.r2 = a.r2;
    if (opts.out) {
      item.png = join(opts.out, `row-${r}-${opts.method}.png`);
      await writeFileAtomic(item.png, await heatmapPng(img, shape, item.attributions));
    }
    out.push(item);
  }
  return withHeader({ kind: 'image', scope: 'image', method: opts.method, rows: out }, { model: name, classes: trained.classes, explained: out.length, started });
}

async function attribute(
  trained: TrainedModel,
  img: Float32Array,
  shape: [number, number, number],
  target: number,
  opts: ExplainImagesOptions,
): Promise<{ values: ArrayLike<number>; delta?: number; r2?: number }> {
  const input = { shape };
  switch (opts.method) {
    case 'ig': {
      const res = await integratedGradients(trained.model, img, target, { ...input, steps: opts.steps ?? 64 });
      return { values: res.attributions, delta: res.delta };
    }
    case 'saliency':
      return { values: (await saliency(trained.model, img, target, input)).attributions };
    case 'smoothgrad':
      return { values: (await smoothGrad(trained.model, img, target, { ...input, seed: opts.seed ?? 0 })).attributions };
    case 'gradcam':
      return { values: (await gradCam(trained.model, img, target, { layer: opts.layer })).heatmap };
    case 'occlusion':
      return { values: (await occlusion(layersPredictFn(trained.model, { shape }), img, shape, target)).attributions };
    case 'lime': {
      const res = await limeImage(layersPredictFn(trained.model, { shape }), img, shape, target, { seed: opts.seed ?? 0, nsamples: 1000 });
      return { values: res.pixelWeights, r2: res.r2 };
    }
  }
}

/** Sums channels so there is one value per pixel (inputs already one per pixel pass through). */
function perPixel(values: ArrayLike<number>, pixels: number): Float32Array {
  const c = values.length / pixels;
  const out = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) for (let k = 0; k < c; k++) out[p] += values[p * c + k];
  return out;
}

function classIndex(trained: TrainedModel, name: string): number {
  const c = trained.classes.indexOf(name);
  if (c < 0) throw new TransferkitError('UNKNOWN_CLASS', `The model has no class "${name}"`, { hint: `Classes: ${trained.classes.join(', ')}.` });
  return c;
}

/**
 * A PNG with the image (grey) on the left and the attribution heatmap on the right:
 * red supports the class, blue speaks against it; each side scaled ×8 for visibility.
 *
 * @example
 * ```ts
 * await writeFile('ig.png', await heatmapPng(img, [28, 28, 1], attributions));
 * ```
 */
export async function heatmapPng(img: ArrayLike<number>, [h, w, c]: [number, number, number], attributions: ArrayLike<number>): Promise<Buffer> {
  const scale = Math.max(1, Math.floor(224 / Math.max(h, w)));
  const max = Math.max(1e-12, ...Array.from(attributions, Math.abs));
  const raw = Buffer.alloc(h * 2 * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let grey = 0;
      for (let k = 0; k < c; k++) grey += img[(y * w + x) * c + k] / c;
      const g = Math.round(255 * Math.min(1, Math.max(0, grey)));
      raw.set([g, g, g], (y * 2 * w + x) * 3);
      const a = attributions[y * w + x] / max;
      const rgb = a >= 0 ? [255, Math.round(255 * (1 - a)), Math.round(255 * (1 - a))] : [Math.round(255 * (1 + a)), Math.round(255 * (1 + a)), 255];
      raw.set(rgb, (y * 2 * w + w + x) * 3);
    }
  }
  return sharp(raw, { raw: { width: 2 * w, height: h, channels: 3 } }).resize(2 * w * scale, h * scale, { kernel: 'nearest' }).png().toBuffer();
}
