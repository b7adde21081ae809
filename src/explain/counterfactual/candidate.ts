/**
 * A scored counterfactual candidate and the loss the search minimises.
 *
 * @module
 */
import { changedFeatures, rowDistance } from './distance.ts';
import type { SearchSpace } from './space.ts';
import type { RawRow } from './types.ts';

/**
 * A row the model has scored, with its distance to the query and the features it changes.
 *
 * @example
 * ```ts
 * const c = scoreCandidate(space, [50_000, 'own'], 0.61);
 * c.changed; // e.g. [0]
 * ```
 */
export interface Candidate {
  row: RawRow;
  probability: number;
  /** {@link rowDistance} to the query. */
  distance: number;
  /** Indices of changed features, ascending. */
  changed: number[];
}

/**
 * Weights of the search objective.
 *
 * @example
 * ```ts
 * const w: SearchWeights = { proximity: 0.5, diversity: 1, sparsity: 0.5 };
 * ```
 */
export interface SearchWeights {
  proximity: number;
  diversity: number;
  sparsity: number;
}

/**
 * Builds a {@link Candidate}; features equal to the query's (within 1e-12) are set to the query's
 * exact value so that unchanged means identical.
 *
 * @example
 * ```ts
 * const c = scoreCandidate(space, row, p);
 * ```
 */
export function scoreCandidate(space: SearchSpace, row: RawRow, probability: number): Candidate {
  const r = [...row];
  const changed = changedFeatures(space, r);
  const set = new Set(changed);
  for (let j = 0; j < r.length; j++) if (!set.has(j)) r[j] = space.x[j];
  return { row: r, probability, distance: rowDistance(space, space.x, r), changed };
}

/**
 * What the search minimises: `10·max(0, threshold − p)` (reach the target first) plus the
 * proximity and sparsity penalties `w.proximity·distance + w.sparsity·changed/features`.
 *
 * @example
 * ```ts
 * population.sort((a, b) => candidateLoss(a, 0.5, w, 5) - candidateLoss(b, 0.5, w, 5));
 * ```
 */
export function candidateLoss(c: Candidate, threshold: number, w: SearchWeights, features: number): number {
  return 10 * Math.max(0, threshold - c.probability) + w.proximity * c.distance + (w.sparsity * c.changed.length) / features;
}

/**
 * Whether a candidate reached the target (`probability ≥ threshold`).
 *
 * @example
 * ```ts
 * const valid = candidates.filter((c) => reachesTarget(c, 0.5));
 * ```
 */
export function reachesTarget(c: Candidate, threshold: number): boolean {
  return Number.isFinite(c.probability) && c.probability >= threshold;
}
