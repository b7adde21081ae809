import type { Dataset } from '../../data/dataset.ts';
import { ensureEngine } from '../../engine/backend.ts';
import { TransferkitError } from '../../errors.ts';
import { modelName, openModel } from '../../models/model-handle.ts';
import { explainImagesWith, IMAGE_METHODS, type ExplainImagesOptions, type ImageMethod } from './explain-image.ts';
import { explainModelWith, MODEL_METHODS, type ExplainModelOptions, type ModelMethod } from './explain-model.ts';
import type { Explanation } from './explanation.ts';

/** Every explanation method, for tabular, text and image models. */
export const EXPLAIN_METHODS = [...new Set<string>([...MODEL_METHODS, ...IMAGE_METHODS])] as Array<ModelMethod | ImageMethod>;

/** Options of {@link explain}: the union of the tabular/text and image options. */
export type ExplainOptions = Omit<ExplainModelOptions, 'method'> & Omit<ExplainImagesOptions, 'method' | 'data'> & { method: ModelMethod | ImageMethod; data: string | Dataset };

/**
 * Explains a trained model with the method asked for, choosing the image or the tabular/text
 * implementation from the kind of data the model was trained on. Every result is an
 * {@link Explanation}: discriminated by `kind`, with a common header (`scope`, `method`,
 * `model`, `classes`, `explained`, `seconds`).
 *
 * `model` is a run folder, model folder or zoo name, or a model in memory (`fit`'s
 * `result.model`), which is used and left undisposed.
 *
 * @example
 * ```ts
 * const e = await explain({ model: 'runs/mnist', data: 'builtin:mnist', method: 'gradcam', rows: [0] });
 * console.log(e.kind, e.scope, e.method, e.explained);
 * if (e.kind === 'image') console.log(e.rows[0].attributions.length);
 * ```
 */
export async function explain(opts: ExplainOptions): Promise<Explanation> {
  if (!EXPLAIN_METHODS.includes(opts.method)) {
    throw new TransferkitError('UNKNOWN_METHOD', `Unknown explanation method "${opts.method}"`, { hint: `Use one of: ${EXPLAIN_METHODS.join(', ')}.` });
  }
  await ensureEngine();
  const { trained, release } = await openModel(opts.model);
  try {
    const name = modelName(opts.model);
    if (trained.features.kind === 'image') {
      if (!(IMAGE_METHODS as readonly string[]).includes(opts.method)) {
        throw new TransferkitError('KIND_MISMATCH', `The ${opts.method} method explains tabular and text models; this model takes images`, {
          hint: `For images use one of: ${IMAGE_METHODS.join(', ')}.`,
        });
      }
      return await explainImagesWith(trained, name, { ...opts, method: opts.method as ImageMethod });
    }
    if (!(MODEL_METHODS as readonly string[]).includes(opts.method)) {
      throw new TransferkitError('KIND_MISMATCH', `The ${opts.method} method explains image models; this model takes ${trained.features.kind} data`, {
        hint: `Use one of: ${MODEL_METHODS.join(', ')}.`,
      });
    }
    return await explainModelWith(trained, name, { ...opts, method: opts.method as ModelMethod });
  } finally {
    release();
  }
}
