import type { Dataset } from '../../data/dataset.ts';
import { TransferkitError } from '../../errors.ts';
import { loadTrainedModel } from '../../evaluate/trained-model.ts';
import { explainImages, IMAGE_METHODS, type ExplainImagesOptions, type ImageMethod } from './explain-image.ts';
import { explainModel, MODEL_METHODS, type ExplainModelOptions, type ModelExplanation, type ModelMethod } from './explain-model.ts';

/** Every explanation method, for tabular, text and image models. */
export const EXPLAIN_METHODS = [...new Set<string>([...MODEL_METHODS, ...IMAGE_METHODS])] as Array<ModelMethod | ImageMethod>;

/** Options of {@link explain}: the union of the tabular/text and image options. */
export type ExplainOptions = Omit<ExplainModelOptions, 'method'> & Omit<ExplainImagesOptions, 'method' | 'data'> & { method: ModelMethod | ImageMethod; data: string | Dataset };

/**
 * Explains a trained model with the method asked for, choosing the image or the tabular/text
 * implementation from the kind of data the model was trained on.
 *
 * @example
 * ```ts
 * const e = await explain({ model: 'runs/mnist', data: 'builtin:mnist', method: 'gradcam', rows: [0] });
 * ```
 */
export async function explain(opts: ExplainOptions): Promise<ModelExplanation | Awaited<ReturnType<typeof explainImages>>> {
  if (!EXPLAIN_METHODS.includes(opts.method)) {
    throw new TransferkitError('UNKNOWN_METHOD', `Unknown explanation method "${opts.method}"`, { hint: `Use one of: ${EXPLAIN_METHODS.join(', ')}.` });
  }
  const { model, features } = await loadTrainedModel(opts.model);
  model.dispose();
  if (features.kind === 'image') {
    if (!(IMAGE_METHODS as readonly string[]).includes(opts.method)) {
      throw new TransferkitError('KIND_MISMATCH', `The ${opts.method} method explains tabular and text models; this model takes images`, {
        hint: `For images use one of: ${IMAGE_METHODS.join(', ')}.`,
      });
    }
    return explainImages({ ...opts, method: opts.method as ImageMethod });
  }
  if (!(MODEL_METHODS as readonly string[]).includes(opts.method)) {
    throw new TransferkitError('KIND_MISMATCH', `The ${opts.method} method explains image models; this model takes ${features.kind} data`, {
      hint: `Use one of: ${MODEL_METHODS.join(', ')}.`,
    });
  }
  return explainModel({ ...opts, method: opts.method as ModelMethod });
}
