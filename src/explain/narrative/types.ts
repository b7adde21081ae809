/**
 * Types for narratives: one explanation rendered in words for a chosen audience.
 *
 * @module
 */
import type { CounterfactualResult, FeatureValue } from '../counterfactual/types.ts';

/**
 * Who reads the narrative.
 *
 * - `technical`: method, link, efficiency check, signed attributions, global ranking ± std, metrics.
 * - `business`: plain words, top drivers, confidence as a percentage, the change that flips it.
 * - `regulatory`: method and its definition, principal reasons in rank order, limitations, constraints.
 * - `end-user`: second person, no jargon, short.
 *
 * @example
 * ```ts
 * const a: Audience = 'end-user';
 * ```
 */
export type Audience = 'technical' | 'business' | 'regulatory' | 'end-user';

/**
 * The prediction being explained.
 *
 * @example
 * ```ts
 * const p: NarrativePrediction = { label: 'declined', probability: 0.87, classes: ['approved', 'declined'] };
 * ```
 */
export interface NarrativePrediction {
  /** The predicted label. */
  label: string;
  /** The model's probability of `label`, in [0, 1]. */
  probability: number;
  /** All class labels (a binary task has two: the "other" outcome is then known). */
  classes?: string[];
}

/**
 * Additive feature attributions of one prediction (e.g. a {@link ShapleyResult} with names):
 * `baseValue + Σ values ≈ output`, in the units given by `link`.
 *
 * @example
 * ```ts
 * const a: NarrativeAttributions = {
 *   features: ['income', 'debt'], values: [-0.9, 1.4], baseValue: -0.5, output: 0, link: 'logit', method: 'kernel-shap',
 *   explains: 'declined', backgroundSize: 50, inputs: [40_000, 30_000],
 * };
 * ```
 */
export interface NarrativeAttributions {
  features: string[];
  values: number[];
  baseValue: number;
  output: number;
  /** `'logit'`: values are log-odds; `'identity'`: values are in the output's own units. */
  link: 'identity' | 'logit';
  /** Method name, e.g. `'exact-shapley'`, `'kernel-shap'`, `'permutation-shap'`, `'lime'`. */
  method: string;
  /** The class whose output is explained (default: the predicted label). */
  explains?: string;
  /** Rows in the background (reference) data, when known. */
  backgroundSize?: number;
  /** The case's raw value of each feature, quoted next to the reasons when given. */
  inputs?: FeatureValue[];
  /** How to describe the method (default: the narrative's own description of `method`). */
  description?: MethodDescription;
}

/**
 * How a method is described.
 *
 * @example
 * ```ts
 * const d: MethodDescription = { name: 'KernelSHAP', definition: '…', plain: '…', additive: true, sampled: true };
 * ```
 */
export interface MethodDescription {
  /** Display name, e.g. 'KernelSHAP'. */
  name: string;
  /** One-line exact definition. */
  definition: string;
  /** Plain-words description without jargon. */
  plain: string;
  /** Whether the method guarantees base value + Σφ = output. */
  additive: boolean;
  /** Whether the values are sampling estimates (Monte Carlo error). */
  sampled: boolean;
}

/**
 * Global importance of each feature over a data set (e.g. permutation importance).
 *
 * @example
 * ```ts
 * const g: NarrativeGlobalImportance = { features: ['income', 'debt'], mean: [0.12, 0.05], std: [0.01, 0.02] };
 * ```
 */
export interface NarrativeGlobalImportance {
  features: string[];
  mean: number[];
  std: number[];
  /** How it was measured (default 'permutation importance'). */
  method?: string;
}

/**
 * What is known about the model.
 *
 * @example
 * ```ts
 * const m: NarrativeModel = { name: 'credit-mlp', strategy: 'finetune', trainedOn: 'loans-2023', accuracy: 0.91 };
 * ```
 */
export interface NarrativeModel {
  name: string;
  /** Transfer strategy (`extract`, `finetune`, `scratch`) or any other description. */
  strategy?: string;
  /** Training data set. */
  trainedOn?: string;
  /** Test accuracy in [0, 1]. */
  accuracy?: number;
}

/**
 * Everything {@link narrate} may use; only `audience` and `prediction` are required.
 *
 * @example
 * ```ts
 * const input: NarrativeInput = {
 *   audience: 'business',
 *   prediction: { label: 'declined', probability: 0.87, classes: ['approved', 'declined'] },
 *   attributions,
 *   counterfactuals: cfResult,
 *   desiredLabel: 'approved',
 * };
 * ```
 */
export interface NarrativeInput {
  audience: Audience;
  prediction: NarrativePrediction;
  attributions?: NarrativeAttributions;
  /** What-if result whose target is the `desiredLabel` outcome. */
  counterfactuals?: CounterfactualResult;
  globalImportance?: NarrativeGlobalImportance;
  model?: NarrativeModel;
  /** The outcome the counterfactuals aim for (default: the other class of a binary task). */
  desiredLabel?: string;
  /** Protected attributes; the regulatory narrative states whether each was held fixed. */
  protectedFeatures?: string[];
  /** Display names for features (default: the name with `_` as spaces). */
  featureLabels?: Record<string, string>;
  /** Attributions listed (default: technical 5, regulatory 4, business and end-user 3). */
  topK?: number;
  /** What the end-user narrative calls the case, e.g. 'application' (default 'case'). */
  subject?: string;
}

/**
 * A rendered narrative: three sections, the whole as markdown, and the numbers behind it
 * (rounded to 6 significant digits) for machine use.
 *
 * @example
 * ```ts
 * const n: Narrative = narrate(input);
 * console.log(n.text);
 * ```
 */
export interface Narrative {
  audience: Audience;
  sections: {
    /** Why this prediction: the reasons. */
    why: string;
    /** How it was produced: model and explanation method. */
    how: string;
    /** What would change it: counterfactuals. */
    whatIf: string;
  };
  text: string;
  numbers: Record<string, number>;
}
