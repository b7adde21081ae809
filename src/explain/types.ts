/**
 * Shared types for the model-agnostic explainers.
 *
 * Every explainer here sees a model only through a {@link PredictFn}: a batched function from
 * numeric feature vectors to one number per row. The caller decides which class or output is
 * explained and in which space (log-odds, probability, raw regression output …).
 *
 * @module
 */

/**
 * One numeric feature vector. Plain arrays and typed arrays are both accepted as input.
 *
 * @example
 * ```ts
 * const x: Row = [5.1, 3.5, 1.4, 0.2];
 * const y: Row = Float64Array.of(5.1, 3.5, 1.4, 0.2);
 * ```
 */
export type Row = ArrayLike<number>;

/**
 * A model as a batched function returning exactly ONE output per row.
 *
 * The explainers call it with batches of rows and may reuse the row buffers between calls: copy a
 * row if you need to keep it after returning.
 *
 * @example
 * ```ts
 * const w = [0.5, -2, 1];
 * const predict: PredictFn = (rows) => rows.map((r) => w[0] * r[0] + w[1] * r[1] + w[2] * r[2]);
 * ```
 */
export type PredictFn = ((rows: Float64Array[]) => ArrayLike<number> | Promise<ArrayLike<number>>) & {
  /**
   * Optional fast path: the same model on `n` rows packed row-major in one Float64Array
   * (`batch.length === n · width`). When present, the explainers fill one reused buffer and call
   * this instead of building row views; it must return exactly what the row form returns for the
   * same rows. See {@link FlatPredictFn} and `flatPredictFn`.
   */
  readonly flat?: FlatPredictFn;
  /**
   * Optional declaration that the model is linear, f(row) = bias + Σ_j weights_j·row_j (e.g. a
   * logistic regression explained in log-odds). The Shapley explainers then compute the
   * background average of each coalition in closed form instead of evaluating one row per
   * background row; it must agree with the function itself (see `linearPredictFn`).
   */
  readonly linear?: { readonly weights: ArrayLike<number>; readonly bias: number };
};

/**
 * A model over `n` rows packed row-major in one Float64Array, returning one number per row. The
 * explainers reuse `batch` between calls: copy it if you keep it.
 *
 * @example
 * ```ts
 * const flat: FlatPredictFn = (batch, n) => {
 *   const d = batch.length / n;
 *   return Float64Array.from({ length: n }, (_, i) => batch[i * d] - batch[i * d + 1]);
 * };
 * ```
 */
export type FlatPredictFn = (batch: Float64Array, n: number) => ArrayLike<number> | Promise<ArrayLike<number>>;

/**
 * A background (reference) distribution: rows with non-negative weights summing to 1.
 *
 * @example
 * ```ts
 * const bg: WeightedBackground = { rows: [Float64Array.of(0, 0), Float64Array.of(1, 1)], weights: [0.75, 0.25] };
 * ```
 */
export interface WeightedBackground {
  rows: Float64Array[];
  weights: number[];
}

/**
 * What the explainers accept as background: plain rows (equal weights) or rows with weights
 * (e.g. the k-means summary from `summariseBackground`; weights are normalised to sum to 1).
 *
 * @example
 * ```ts
 * const plain: BackgroundInput = [[0, 0], [1, 1]];
 * const weighted: BackgroundInput = { rows: [[0, 0], [1, 1]], weights: [3, 1] };
 * ```
 */
export type BackgroundInput = readonly Row[] | { rows: readonly Row[]; weights?: readonly number[] };

/**
 * Shapley values of one prediction.
 *
 * Efficiency: `baseValue + sum(values) === output` (up to floating-point error).
 *
 * @example
 * ```ts
 * const r: ShapleyResult = { baseValue: 0.2, values: [0.5, -0.1], output: 0.6, warnings: [] };
 * ```
 */
export interface ShapleyResult {
  /** Expected model output over the background, E_b[f(b)]. */
  baseValue: number;
  /** One value per feature, or per group when `groups` were given. */
  values: number[];
  /** The model output f(x) being explained. */
  output: number;
  /** Non-fatal advice, e.g. a background with more than 100 rows. Never printed. */
  warnings: string[];
  /** Number of rows passed to the model. */
  evaluations?: number;
  /** Standard error per value, for sampling-based estimators that can report one. */
  stderr?: number[];
}

/**
 * Options every Shapley estimator understands.
 *
 * @example
 * ```ts
 * const opts: ShapleyOptions = { groups: [[0], [1, 2, 3]], batchSize: 1024 };
 * ```
 */
export interface ShapleyOptions {
  /**
   * Feature groups treated as one player each (e.g. the one-hot columns of one categorical
   * feature). Must partition the feature indices: every feature in exactly one group.
   */
  groups?: number[][];
  /** Rows per model call (default 4096). */
  batchSize?: number;
}
