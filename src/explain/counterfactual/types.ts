/**
 * Types for counterfactual ("what-if") explanations of tabular models in raw feature space.
 *
 * @module
 */

/**
 * One raw feature value: a number for numeric features, a category string for categorical ones.
 *
 * @example
 * ```ts
 * const v: FeatureValue = 'renter';
 * ```
 */
export type FeatureValue = number | string;

/**
 * One raw tabular row, in the order of the {@link FeatureDomain} list.
 *
 * @example
 * ```ts
 * const x: RawRow = [42_000, 7, 'renter'];
 * ```
 */
export type RawRow = FeatureValue[];

/**
 * What values a feature may take in a counterfactual.
 *
 * - numeric: values in `[min, max]`; with `step`, only `min + k·step` (e.g. `step: 1` for counts).
 *   `mad` (median absolute deviation in the training data), when given, scales distances instead of
 *   the range `max − min`.
 * - categorical: one of `categories`.
 *
 * `immutable: true` keeps the feature at the query's value (age, a protected attribute …).
 *
 * @example
 * ```ts
 * const domains: FeatureDomain[] = [
 *   { name: 'income', kind: 'numeric', min: 0, max: 200_000, step: 100 },
 *   { name: 'age', kind: 'numeric', min: 18, max: 100, step: 1, immutable: true },
 *   { name: 'housing', kind: 'categorical', categories: ['own', 'rent', 'other'] },
 * ];
 * ```
 */
export type FeatureDomain =
  | { name: string; kind: 'numeric'; min: number; max: number; step?: number; mad?: number; immutable?: boolean }
  | { name: string; kind: 'categorical'; categories: string[]; immutable?: boolean };

/**
 * The model seen by {@link counterfactuals}: a batch of raw rows → the probability of the DESIRED
 * class for each row. The caller maps raw rows to model input (scaling, one-hot …). Rows are fresh
 * copies; the function may keep them.
 *
 * @example
 * ```ts
 * const predict: CounterfactualPredictFn = (rows) =>
 *   rows.map((r) => 1 / (1 + Math.exp(-((r[0] as number) / 10_000 - 4))));
 * ```
 */
export type CounterfactualPredictFn = (rows: RawRow[]) => ArrayLike<number> | Promise<ArrayLike<number>>;

/**
 * Options for {@link counterfactuals}.
 *
 * @example
 * ```ts
 * const opts: CounterfactualOptions = {
 *   desired: { probabilityAbove: 0.5 },
 *   count: 3,
 *   permittedRanges: { income: [0, 80_000], housing: ['own', 'rent'] },
 *   immutable: ['age'],
 *   seed: 7,
 * };
 * ```
 */
export interface CounterfactualOptions {
  /** Target: probability of the desired class ≥ `probabilityAbove` (default 0.5). */
  desired?: { probabilityAbove?: number };
  /** How many counterfactuals to return at most (default 3). */
  count?: number;
  /**
   * Where CHANGED features may go: `[min, max]` for numeric features (intersected with the
   * domain), a list of categories for categorical ones. A feature left unchanged keeps the query's
   * value even if that lies outside its permitted range.
   */
  permittedRanges?: Record<string, readonly [number, number] | readonly string[]>;
  /** Names of features held at the query's value, in addition to domains with `immutable: true`. */
  immutable?: readonly string[];
  /** Seed of the search (default 0): the same seed, model and inputs give the same result. */
  seed?: number | string;
  /** Most rows passed to `predict` in all (default 3000). Never exceeded. */
  maxEvaluations?: number;
  /**
   * Weight of the distance to the query when choosing counterfactuals (default 0.5). Distances
   * are measured in units of the closest valid candidate's distance.
   */
  proximityWeight?: number;
  /** Weight of the (saturating) distance to the counterfactuals already chosen (default 1). */
  diversityWeight?: number;
  /**
   * Sparsity preference: cost of each changed feature when choosing counterfactuals (default 0.5;
   * 0 ignores how many features change).
   */
  sparsityWeight?: number;
  /** Rows per `predict` call at most (default 512). */
  batchSize?: number;
}

/**
 * One changed feature of a counterfactual.
 *
 * @example
 * ```ts
 * const c: CounterfactualChange = { feature: 'income', from: 42_000, to: 51_500 };
 * ```
 */
export interface CounterfactualChange {
  feature: string;
  from: FeatureValue;
  to: FeatureValue;
}

/**
 * One counterfactual: the full row, its changes from the query (in feature order) and the
 * probability the model gave it (always ≥ the target for a returned counterfactual).
 *
 * @example
 * ```ts
 * const cf: Counterfactual = {
 *   row: [51_500, 7, 'renter'],
 *   changes: [{ feature: 'income', from: 42_000, to: 51_500 }],
 *   probability: 0.53,
 *   distance: 0.016,
 * };
 * ```
 */
export interface Counterfactual {
  row: RawRow;
  changes: CounterfactualChange[];
  probability: number;
  /** Distance to the query, as in {@link CounterfactualMetrics.proximity}. */
  distance: number;
}

/**
 * Quality of a set of counterfactuals (DiCE's measures).
 *
 * Distance between two rows = the MEAN over all features of a per-feature distance: numeric
 * features `|a − b| / scale` (scale = `mad` when the domain gives one, else `max − min`),
 * categorical features 0 when equal, 1 when not.
 *
 * @example
 * ```ts
 * const m: CounterfactualMetrics = {
 *   validity: 1, proximity: 0.05, proximityNumeric: 0.04, proximityCategorical: 0.1, sparsity: 1.3, diversity: 0.21,
 * };
 * ```
 */
export interface CounterfactualMetrics {
  /** Share of returned counterfactuals reaching the target (1, or 0 when none was found). */
  validity: number;
  /** Mean distance to the query (lower = closer); NaN when none was found. */
  proximity: number;
  /** Mean over counterfactuals and numeric features of `|Δ| / scale`; NaN when none/no numeric feature. */
  proximityNumeric: number;
  /** Mean share of categorical features changed; NaN when none/no categorical feature. */
  proximityCategorical: number;
  /** Mean number of changed features; NaN when none was found. */
  sparsity: number;
  /** Mean pairwise distance among the counterfactuals; 0 with fewer than two. */
  diversity: number;
}

/**
 * What {@link counterfactuals} returns.
 *
 * @example
 * ```ts
 * const r = await counterfactuals(predict, x, domains, { count: 3 });
 * if (r.counterfactuals.length === 0) console.log(r.reason);
 * ```
 */
export interface CounterfactualResult {
  counterfactuals: Counterfactual[];
  metrics: CounterfactualMetrics;
  /** Rows passed to `predict`, including the query itself. */
  evaluations: number;
  /** The query and the model's probability for it. */
  query: { row: RawRow; probability: number };
  /** The target probability (`desired.probabilityAbove`). */
  threshold: number;
  /** Features that were held fixed (immutable, or with no permitted value other than the query's). */
  heldFixed: string[];
  /** Why the list is empty (or shorter than `count`); absent when `count` were found. */
  reason?: string;
  /** Non-fatal notes, e.g. a permitted range that leaves a feature no other value. */
  warnings: string[];
}
