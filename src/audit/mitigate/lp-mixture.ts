/**
 * The linear-programming step of the exponentiated-gradient reduction (Fairlearn's
 * solve_linprog): the best mixture of the hypotheses found so far, and from the dual the
 * multipliers to measure its duality gap with.
 *
 * @module
 */
import { solveLp } from './simplex.ts';

/**
 * What {@link lpMixture} needs of a hypothesis: its training error and constraint values.
 *
 * @example
 * ```ts
 * const h: ScoredHypothesis = { error: 0.2, gamma: Float64Array.of(0.05, -0.05) };
 * ```
 */
export interface ScoredHypothesis {
  error: number;
  gamma: Float64Array;
}

/**
 * Solves min Σ Q_h·err_h + B·ξ s.t. Σ Q_h·(γ_hc − eps) ≤ ξ for every constraint c, Σ Q_h = 1,
 * Q, ξ ≥ 0, over the hypotheses `hs` (each with `C` constraint values). Returns the mixture Q
 * (normalised to sum 1) and the multipliers λ_c = max(0, −dual_c).
 *
 * @example
 * ```ts
 * const { Q, lambda } = lpMixture(hypotheses, C, 0.02, 1 / 0.02);
 * ```
 */
export function lpMixture(hs: readonly ScoredHypothesis[], C: number, eps: number, B: number): { Q: number[]; lambda: Float64Array } {
  const size = hs.length;
  // variables: Q (size), ξ, one slack per constraint; rows: C constraints, then Σ Q = 1
  const nv = size + 1 + C;
  const cost = [...hs.map((h) => h.error), B, ...new Array<number>(C).fill(0)];
  const A: number[][] = [];
  for (let c = 0; c < C; c++) {
    const row = new Array<number>(nv).fill(0);
    for (let j = 0; j < size; j++) row[j] = hs[j].gamma[c] - eps;
    row[size] = -1;
    row[size + 1 + c] = 1;
    A.push(row);
  }
  A.push([...new Array<number>(size).fill(1), ...new Array<number>(1 + C).fill(0)]);
  const sol = solveLp(cost, A, [...new Array<number>(C).fill(0), 1]);
  let total = 0;
  for (let j = 0; j < size; j++) total += sol.x[j];
  const Q = Array.from({ length: size }, (_, j) => sol.x[j] / total);
  const lambda = Float64Array.from({ length: C }, (_, c) => Math.max(0, -sol.duals[c]));
  return { Q, lambda };
}
