/**
 * The cost-sensitive reduction of the exponentiated-gradient game: for multipliers λ, the
 * classifier minimising L(h, λ) = err(h) + Σₖ λₖ·γₖ(h) is a cost-sensitive classification.
 * Every row gets the cheaper prediction as its label and the cost difference as its weight, so
 * a weighted classifier fitted on these rows is the best response to λ.
 *
 * @module
 */
import type { ConstraintMoments } from './moments.ts';

/**
 * The relabelled, reweighted rows of {@link costSensitiveRows}.
 *
 * @example
 * ```ts
 * const { labels, weights, ones }: CostSensitiveRows = costSensitiveRows(m, lambda);
 * ```
 */
export interface CostSensitiveRows {
  /** Per row, the cheaper prediction under λ. */
  labels: Uint8Array;
  /** Per row, |cost(0) − cost(1)| (scaled by the number of rows). */
  weights: Float64Array;
  /** How many rows have label 1. */
  ones: number;
}

/**
 * Reduces the multipliers `lambda` (one per constraint of `m`) to relabelled, reweighted rows:
 * row i's signed cost difference is 2yᵢ − 1 − n·Σ_c λ_c·(1[i ∈ first_c]/|first_c| −
 * 1[i ∈ second_c]/|second_c|); its sign is the label, its size the weight.
 *
 * @example
 * ```ts
 * const rows = costSensitiveRows(m, new Float64Array(m.first.length)); // λ = 0: the labels themselves
 * ```
 */
export function costSensitiveRows(m: ConstraintMoments, lambda: Float64Array): CostSensitiveRows {
  const { n, first, second, cellCount, cellOf } = m;
  const perCell = new Float64Array(m.cells);
  for (let c = 0; c < first.length; c++) {
    perCell[first[c]] += lambda[c] / cellCount[first[c]];
    perCell[second[c]] -= lambda[c] / cellCount[second[c]];
  }
  const labels = new Uint8Array(n);
  const weights = new Float64Array(n);
  let ones = 0;
  for (let i = 0; i < n; i++) {
    const signed = 2 * m.labels[i] - 1 - n * perCell[cellOf[i]];
    labels[i] = signed > 0 ? 1 : 0;
    weights[i] = Math.abs(signed);
    ones += labels[i];
  }
  return { labels, weights, ones };
}
