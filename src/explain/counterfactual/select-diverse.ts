/**
 * Greedy choice of a close, sparse and diverse set of counterfactuals.
 *
 * @module
 */
import { rowKey } from './budgeted-model.ts';
import { candidateLoss, type Candidate, type SearchWeights } from './candidate.ts';
import { rowDistance } from './distance.ts';
import type { SearchSpace } from './space.ts';

/**
 * Picks up to `count` distinct candidates greedily. The first minimises the cost
 * `w.proximity·d/τ + w.sparsity·changed` (d: distance to the query, changed: number of changed
 * features); each next one maximises
 * `w.diversity·(1 − exp(−minDist/τ)) − (that cost)`, where `minDist` is its distance to the
 * candidates already picked and `τ` the smallest distance to the query in the pool. The diversity
 * gain saturates, so a candidate far from the query is not preferred merely for being far.
 * Ties go to the earlier candidate, so the choice is deterministic.
 *
 * @example
 * ```ts
 * const chosen = selectDiverse(space, refined, 3, { proximity: 0.5, diversity: 1, sparsity: 0.5 });
 * ```
 */
export function selectDiverse(space: SearchSpace, pool: readonly Candidate[], count: number, w: SearchWeights): Candidate[] {
  const seen = new Set<string>();
  const left = pool.filter((c) => {
    const key = rowKey(c.row);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (left.length === 0) return [];
  const tau = Math.max(1e-12, Math.min(...left.map((c) => c.distance)));
  const cost = (c: Candidate) => (w.proximity * c.distance) / tau + w.sparsity * c.changed.length;
  const minDist = left.map(() => Infinity);
  const chosen: Candidate[] = [];
  const taken = new Set<number>();
  while (chosen.length < count) {
    let best = -1;
    let bestScore = -Infinity;
    left.forEach((c, i) => {
      if (taken.has(i) || minDist[i] < 1e-12) return;
      const gain = chosen.length === 0 ? 0 : w.diversity * (1 - Math.exp(-minDist[i] / tau));
      const s = gain - cost(c);
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    });
    if (best === -1) break;
    taken.add(best);
    chosen.push(left[best]);
    left.forEach((c, i) => {
      if (!taken.has(i)) minDist[i] = Math.min(minDist[i], rowDistance(space, c.row, left[best].row));
    });
  }
  return chosen;
}

/**
 * A shortlist of up to `size` candidates to refine, diverse in WHICH features they change: the
 * lowest-loss candidate of every distinct set of changed features first (sets in order of their
 * best loss), then the remaining candidates by loss.
 *
 * @example
 * ```ts
 * const shortlist = shortlistBySupport(space, found.valid, 12, 0.5, weights);
 * ```
 */
export function shortlistBySupport(space: SearchSpace, valid: readonly Candidate[], size: number, threshold: number, w: SearchWeights): Candidate[] {
  const F = space.axes.length;
  const ranked = valid.map((c, i) => ({ c, l: candidateLoss(c, threshold, w, F), i })).sort((a, b) => a.l - b.l || a.i - b.i);
  const supports = new Set<string>();
  const first: Candidate[] = [];
  const rest: Candidate[] = [];
  for (const { c } of ranked) {
    const key = c.changed.join(',');
    if (supports.has(key)) rest.push(c);
    else {
      supports.add(key);
      first.push(c);
    }
  }
  return [...first, ...rest].slice(0, size);
}

/**
 * Whether `b` is redundant next to `a`: `a` changes a subset of `b`'s features, each to the same
 * category or to a number on the same side of the query and no farther from it. Such a `b` only
 * adds change to `a`, so it is never a useful alternative.
 *
 * @example
 * ```ts
 * // x.income = 40,000: a = income 100,000 dominates b = income 110,000 (and b = income 100,000 + housing 'own')
 * dominates(space, a, b); // true
 * ```
 */
export function dominates(space: SearchSpace, a: Candidate, b: Candidate): boolean {
  if (a.changed.length > b.changed.length) return false;
  let identical = a.changed.length === b.changed.length;
  for (const j of a.changed) {
    const av = a.row[j];
    const bv = b.row[j];
    if (!b.changed.includes(j)) return false;
    if (typeof av === 'number' && typeof bv === 'number') {
      const x = space.x[j] as number;
      if (Math.sign(av - x) !== Math.sign(bv - x) || Math.abs(av - x) > Math.abs(bv - x)) return false;
      if (av !== bv) identical = false;
    } else if (av !== bv) return false;
  }
  return !identical;
}

/**
 * The candidates no other candidate {@link dominates}, in their original order (duplicates kept
 * once).
 *
 * @example
 * ```ts
 * const useful = nonRedundant(space, pool);
 * ```
 */
export function nonRedundant(space: SearchSpace, pool: readonly Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return pool.filter((b) => {
    const key = rowKey(b.row);
    if (seen.has(key)) return false;
    seen.add(key);
    return !pool.some((a) => a !== b && dominates(space, a, b));
  });
}
