/**
 * The one result type of `explain()`: every explanation — tabular, text or image; local, global
 * or what-if — is an {@link Explanation}, a union discriminated by `kind` whose members share an
 * {@link ExplanationHeader} (method, scope, model, classes, rows explained, time taken).
 *
 * @module
 */
import type { CounterfactualResult } from '../counterfactual/types.ts';
import type { Audience } from '../narrative/types.ts';
import type { Link } from './model-view.ts';

/**
 * What an explanation is about: one prediction (`local`), the model as a whole (`global`), the
 * changes that would flip a prediction (`what-if`), or pixels of images (`image`).
 *
 * @example
 * ```ts
 * const scope: ExplanationScope = e.kind === 'permutation' ? 'global' : 'local';
 * ```
 */
export type ExplanationScope = 'local' | 'global' | 'what-if' | 'image';

/**
 * The discriminant of an {@link Explanation}.
 *
 * @example
 * ```ts
 * const k: ExplanationKind = 'shapley';
 * ```
 */
export type ExplanationKind = 'shapley' | 'counterfactual' | 'lime' | 'permutation' | 'mean-shap' | 'pdp' | 'image';

/**
 * The fields every {@link Explanation} has.
 *
 * @example
 * ```ts
 * const e = await explain({ model: 'runs/penguins', data: 'builtin:penguins', method: 'shap' });
 * console.log(`${e.method} (${e.scope}) of ${e.model} over ${e.explained} rows in ${e.seconds.toFixed(1)} s`);
 * ```
 */
export interface ExplanationHeader {
  /** Which explanation this is; tells which other fields are present. */
  kind: ExplanationKind;
  /** Local, global, what-if or image. */
  scope: ExplanationScope;
  /** The method that computed it, e.g. `exact-shap`, `kernel-shap`, `lime`, `ig`. */
  method: string;
  /** The model explained: its reference (run folder, model folder, zoo name), or `'(in memory)'`. */
  model: string;
  /** The model's classes, in output order. */
  classes: string[];
  /** How many data rows the explanation covers: the rows explained (local, what-if, image), or the rows it was measured on (global). */
  explained: number;
  /** Wall time taken, in seconds. */
  seconds: number;
}

/**
 * A narrative rendering of one row's explanation.
 *
 * @example
 * ```ts
 * for (const n of e.narratives ?? []) console.log(`row ${n.row}: ${n.text}`);
 * ```
 */
export interface RowNarrative {
  row: number;
  audience: Audience;
  text: string;
  sections: { why: string; how: string; whatIf: string };
}

/**
 * A Shapley explanation of one row.
 *
 * @example
 * ```ts
 * const r: ShapleyRow = e.rows[0]; // r.baseValue + Σ r.values === r.output
 * ```
 */
export interface ShapleyRow {
  row: number;
  class: string;
  baseValue: number;
  /** One value per feature (per token for text). */
  values: number[];
  /** f(x) in the space the values explain: baseValue + Σ values. */
  output: number;
  /** The row's feature values (tabular) or tokens (text). */
  featureValues?: Array<number | string>;
  /** Per-row feature names (text: the tokens). */
  features?: string[];
}

/**
 * A LIME explanation of one row: the weights of a local linear surrogate.
 *
 * @example
 * ```ts
 * const r: LimeRow = e.rows[0]; console.log(r.r2);
 * ```
 */
export interface LimeRow {
  row: number;
  class: string;
  weights: number[];
  intercept: number;
  r2: number;
  localPrediction: number;
  output: number;
  /** Per-row feature names (text: the tokens). */
  features?: string[];
}

/**
 * Counterfactuals of one row: what would change the model's prediction to `desired`.
 *
 * @example
 * ```ts
 * const r: CounterfactualRow = e.rows[0]; r.counterfactuals[0]?.changes;
 * ```
 */
export type CounterfactualRow = { row: number } & CounterfactualResult & { desired: string; predicted: string };

/**
 * One explained image.
 *
 * @example
 * ```ts
 * const a: ImageAttribution = e.rows[0]; console.log(a.class, a.probability, a.attributions.length);
 * ```
 */
export interface ImageAttribution {
  row: number;
  class: string;
  /** The model's probability of `class`. */
  probability: number;
  height: number;
  width: number;
  /** One value per pixel (channels summed): positive values support the class. */
  attributions: number[];
  /** IG only: Σ attributions − (f(x) − f(baseline)); near 0 when the integral converged. */
  delta?: number;
  /** LIME only: fit of the local surrogate. */
  r2?: number;
  /** Heatmap PNG, when `out` is given: the image (grey) and the heatmap side by side. */
  png?: string;
  /** PNG of the heatmap blended over the image, with a colour bar, when `out` is given. */
  overlay?: string;
}

/**
 * Shapley values of rows (`shap`, `exact-shap`, `kernel-shap`; text models word by word).
 *
 * @example
 * ```ts
 * if (e.kind === 'shapley') console.log(e.rows[0].values);
 * ```
 */
export interface ShapleyExplanation extends ExplanationHeader {
  kind: 'shapley';
  scope: 'local';
  link: Link;
  features: string[];
  rows: ShapleyRow[];
  background: { source: string; rows: number };
  warnings: string[];
  narratives?: RowNarrative[];
}

/**
 * Counterfactual ("what-if") explanations of rows.
 *
 * @example
 * ```ts
 * if (e.kind === 'counterfactual') console.log(e.rows[0].counterfactuals.length);
 * ```
 */
export interface CounterfactualExplanation extends ExplanationHeader {
  kind: 'counterfactual';
  scope: 'what-if';
  method: 'counterfactual';
  rows: CounterfactualRow[];
  narratives?: RowNarrative[];
}

/**
 * LIME explanations of rows (tabular or text).
 *
 * @example
 * ```ts
 * if (e.kind === 'lime') console.log(e.rows[0].weights);
 * ```
 */
export interface LimeExplanation extends ExplanationHeader {
  kind: 'lime';
  scope: 'local';
  method: 'lime';
  link: Link;
  features: string[];
  rows: LimeRow[];
}

/**
 * Permutation importance: the drop in accuracy when each column is shuffled.
 *
 * @example
 * ```ts
 * if (e.kind === 'permutation') console.log(e.features[e.mean.indexOf(Math.max(...e.mean))]);
 * ```
 */
export interface PermutationExplanation extends ExplanationHeader {
  kind: 'permutation';
  scope: 'global';
  method: 'permutation';
  metric: 'accuracy';
  baseline: number;
  features: string[];
  mean: number[];
  std: number[];
  repeats: number;
}

/**
 * Global importance: mean |Shapley value| over rows.
 *
 * @example
 * ```ts
 * if (e.kind === 'mean-shap') console.log(e.meanAbs);
 * ```
 */
export interface MeanShapExplanation extends ExplanationHeader {
  kind: 'mean-shap';
  scope: 'global';
  method: 'mean-shap';
  link: Link;
  /** The Shapley method used per row (`exact-shap` or `kernel-shap`). */
  shapley: string;
  features: string[];
  meanAbs: number[];
  /** Number of rows averaged over (also `explained`). */
  rows: number;
  background: { source: string; rows: number };
}

/**
 * Partial dependence of one class's probability on one feature, with ICE curves.
 *
 * @example
 * ```ts
 * if (e.kind === 'pdp') console.log(e.grid, e.average);
 * ```
 */
export interface PdpExplanation extends ExplanationHeader {
  kind: 'pdp';
  scope: 'global';
  method: 'pdp';
  link: Link;
  class: string;
  feature: string;
  grid: number[];
  average: number[];
  individual: number[][];
}

/**
 * Pixel attributions of images (`ig`, `saliency`, `smoothgrad`, `gradcam`, `occlusion`, `lime`).
 *
 * @example
 * ```ts
 * if (e.kind === 'image') console.log(e.rows[0].attributions.length);
 * ```
 */
export interface ImageExplanation extends ExplanationHeader {
  kind: 'image';
  scope: 'image';
  /** The image method (`ig`, `saliency`, …). */
  method: string;
  rows: ImageAttribution[];
}

/**
 * What `explainModel` returns: the explanations of tabular and text models.
 *
 * @example
 * ```ts
 * const e: ModelExplanation = await explainModel({ model: 'runs/penguins', data: 'builtin:penguins', method: 'pdp' });
 * ```
 */
export type ModelExplanation = ShapleyExplanation | CounterfactualExplanation | LimeExplanation | PermutationExplanation | MeanShapExplanation | PdpExplanation;

/**
 * What `explain()` returns: one union, discriminated by `kind`, whose members share the
 * {@link ExplanationHeader}.
 *
 * @example
 * ```ts
 * const e: Explanation = await explain({ model, data, method: 'shap', rows: [0] });
 * switch (e.kind) {
 *   case 'shapley': console.log(e.rows[0].values); break;
 *   case 'image': console.log(e.rows[0].attributions); break;
 *   default: console.log(e.scope, e.method);
 * }
 * ```
 */
export type Explanation = ModelExplanation | ImageExplanation;

/**
 * An explanation's own fields, before {@link withHeader} adds the header's `model`, `classes`,
 * `explained` and `seconds`.
 *
 * @example
 * ```ts
 * const body: ExplanationBody<PdpExplanation> = { kind: 'pdp', scope: 'global', method: 'pdp', link: 'identity', class: 'a', feature: 'x', grid: [], average: [], individual: [] };
 * ```
 */
export type ExplanationBody<E extends Explanation = Explanation> = E extends Explanation ? Omit<E, 'model' | 'classes' | 'explained' | 'seconds'> : never;

/**
 * Adds the common header to an explanation body, in a fixed field order (`kind`, `scope`,
 * `method`, `model`, `classes`, `explained`, `seconds`, then the body's own fields).
 *
 * @example
 * ```ts
 * const e = withHeader({ kind: 'pdp', scope: 'global', method: 'pdp', … }, { model: 'runs/x', classes, explained: 100, started: performance.now() });
 * ```
 */
export function withHeader<B extends ExplanationBody>(body: B, h: { model: string; classes: string[]; explained: number; started: number }): B & Pick<ExplanationHeader, 'model' | 'classes' | 'explained' | 'seconds'> {
  const { kind, scope, method, ...rest } = body as ExplanationBody & Record<string, unknown>;
  return { kind, scope, method, model: h.model, classes: [...h.classes], explained: h.explained, seconds: (performance.now() - h.started) / 1000, ...rest } as unknown as B & Pick<ExplanationHeader, 'model' | 'classes' | 'explained' | 'seconds'>;
}
