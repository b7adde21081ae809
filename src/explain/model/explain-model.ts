import { MODEL_METHODS, openAndExplain, type ModelMethod } from './explain.ts';
import type { ModelExplanation, RowNarrative, ShapleyRow } from './explanation.ts';
import type { ImageOnlyOption, MethodOptions } from './options.ts';

export { MODEL_METHODS, type ModelMethod };
export type { ModelExplanation, RowNarrative, ShapleyRow };

/** The kinds of model {@link explainModel} explains. */
const MODEL_KINDS = ['tabular', 'text'] as const;

/**
 * Options of {@link explainModel}: those of `explain()` less the image ones.
 *
 * @example
 * ```ts
 * const opts: ExplainModelOptions = { model: 'runs/penguins', data: 'builtin:penguins', method: 'pdp', feature: 'Body Mass (g)' };
 * ```
 */
export interface ExplainModelOptions extends Omit<MethodOptions, 'method' | ImageOnlyOption> {
  method: ModelMethod;
}

/**
 * Explains a trained tabular or text model: Shapley values (exact for up to 12 features,
 * KernelSHAP beyond), LIME, permutation importance, or partial dependence with ICE curves.
 * Tabular one-hot columns are grouped back into their categorical column; text models are
 * explained word by word. `explain()` with a tabular or text method does the same.
 *
 * @example
 * ```ts
 * const e = await explainModel({ model: 'runs/penguins', data: 'penguins.csv', label: 'species', method: 'shap', rows: [0, 1] });
 * ```
 */
export async function explainModel(opts: ExplainModelOptions): Promise<ModelExplanation> {
  return (await openAndExplain(opts, MODEL_KINDS, 'explainModel')) as ModelExplanation;
}
