/**
 * What each attribution method is, in one line: a formal definition (for regulatory and technical
 * readers) and a plain description (for business readers).
 *
 * @module
 */
import { fmtNumber } from './format.ts';
import type { MethodDescription, NarrativeAttributions } from './types.ts';

export type { MethodDescription };

/**
 * Describes `method` (matched loosely: `kernel-shap`, `KernelSHAP`, `exact_shapley`, `lime` …),
 * quoting the background size when known. Unknown methods get a generic additive description.
 *
 * @example
 * ```ts
 * describeMethod('kernel-shap', 100).definition;
 * // 'KernelSHAP estimates interventional Shapley values … over a background of 100 rows.'
 * ```
 */
export function describeMethod(method: string, backgroundSize?: number): MethodDescription {
  const m = method.toLowerCase().replace(/[^a-z]/g, '');
  const bg = backgroundSize !== undefined ? `a background of ${fmtNumber(backgroundSize, 6)} rows` : 'the background (reference) data';
  const shapley =
    'φ_i = Σ_{S ⊆ N∖{i}} |S|!(n−|S|−1)!/n! · [v(S ∪ {i}) − v(S)], where v(S) is the mean model output when the features in S keep ' +
    `this case's values and the others take their values from each row of ${bg}`;
  const plainShapley = 'how much each factor moved this case away from a typical case, sharing credit fairly among the factors';
  if (m.includes('lime')) {
    return {
      name: 'LIME',
      definition: `LIME: the coefficients of a linear model fitted, with a proximity kernel, to the model's outputs on perturbed copies of this case (sampled from ${bg}); a local approximation, so the values need not sum exactly to the output.`,
      plain: 'how the result changed when each factor of this case was varied a little',
      additive: false,
      sampled: true,
    };
  }
  if (m.includes('kernel')) {
    return { name: 'KernelSHAP', definition: `KernelSHAP estimates interventional Shapley values by weighted least squares over feature coalitions: ${shapley}.`, plain: plainShapley, additive: true, sampled: true };
  }
  if (m.includes('permutation') && (m.includes('shap') || m.includes('shapley'))) {
    return { name: 'Permutation Shapley', definition: `Permutation sampling estimate of interventional Shapley values: ${shapley}.`, plain: plainShapley, additive: true, sampled: true };
  }
  if (m.includes('shap')) {
    return { name: m.includes('exact') ? 'Exact Shapley values' : 'Shapley values', definition: `Interventional Shapley values: ${shapley}.`, plain: plainShapley, additive: true, sampled: !m.includes('exact') };
  }
  return {
    name: method,
    definition: `${method}: additive feature attributions relative to a base value computed over ${bg}.`,
    plain: 'how much each factor moved this case away from a typical case',
    additive: true,
    sampled: false,
  };
}

/**
 * How the attributions' method is described: the description they carry (an explanation
 * method's own, from its registry entry), else {@link describeMethod} of their `method`.
 *
 * @example
 * ```ts
 * describeAttributions({ ...attributions, method: 'kernel-shap' }).name; // 'KernelSHAP'
 * ```
 */
export function describeAttributions(a: Pick<NarrativeAttributions, 'method' | 'backgroundSize' | 'description'>): MethodDescription {
  return a.description ?? describeMethod(a.method, a.backgroundSize);
}

/**
 * Plain words for a transfer strategy.
 *
 * @example
 * ```ts
 * describeStrategy('finetune'); // 'a pretrained model fine-tuned on this task'
 * ```
 */
export function describeStrategy(strategy: string): string {
  switch (strategy) {
    case 'extract':
      return 'a pretrained model used as a fixed feature extractor, with a new final layer trained on this task';
    case 'finetune':
      return 'a pretrained model fine-tuned on this task';
    case 'scratch':
      return 'a model trained from scratch on this task';
    default:
      return strategy;
  }
}
