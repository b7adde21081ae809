import { IMAGE_METHODS, openAndExplain, type ImageMethod } from './explain.ts';
import type { ImageAttribution, ImageExplanation } from './explanation.ts';
import { heatmapPng } from './heatmap.ts';
import type { MethodOptions, ModelOnlyOption } from './options.ts';

export { heatmapPng, IMAGE_METHODS, type ImageAttribution, type ImageMethod };

/** The kinds of model {@link explainImages} explains. */
const IMAGE_KINDS = ['image'] as const;

/**
 * Options of {@link explainImages}: those of `explain()` less the tabular and text ones.
 *
 * @example
 * ```ts
 * const opts: ExplainImagesOptions = { model: 'runs/mnist', data: 'builtin:mnist', method: 'ig', rows: [0], out: 'heatmaps' };
 * ```
 */
export interface ExplainImagesOptions extends Omit<MethodOptions, 'method' | ModelOnlyOption> {
  method: ImageMethod;
}

/**
 * Explains image predictions pixel by pixel: Integrated Gradients (with its convergence delta),
 * saliency, SmoothGrad, Grad-CAM on a conv layer, occlusion, or LIME on superpixels; optionally
 * writes heatmap PNGs. `explain()` with an image method does the same.
 *
 * @example
 * ```ts
 * const res = await explainImages({ model: 'runs/mnist', data: 'builtin:mnist', method: 'ig', rows: [0], out: 'heatmaps' });
 * ```
 */
export async function explainImages(opts: ExplainImagesOptions): Promise<ImageExplanation> {
  return (await openAndExplain(opts, IMAGE_KINDS, 'explainImages')) as ImageExplanation;
}
