/**
 * Post-hoc refinement of a valid counterfactual (cf. DiCE's "posthoc sparsity"): greedily revert
 * changes the target does not need, and move each numeric change as close to the query as
 * validity allows (a grid line search).
 *
 * @module
 */
import type { BudgetedModel } from './budgeted-model.ts';
import { scoreCandidate, type Candidate } from './candidate.ts';
import { featureDistance } from './distance.ts';
import { gridPosition, valueAt, type SearchSpace } from './space.ts';

const POINTS_PER_PASS = 8;
const MAX_PASSES = 6;

/**
 * Greedily reverts changes the target does not need: each round undoes the change whose removal
 * keeps the row valid and leaves it closest to the query, until no change can be undone. Every row
 * it returns was evaluated and reached `threshold`; stops early when the budget runs out.
 *
 * @example
 * ```ts
 * const sparse = await revertUnneeded(space, model, found.valid[0], 0.5);
 * sparse.changed.length <= found.valid[0].changed.length; // true
 * ```
 */
export async function revertUnneeded(space: SearchSpace, model: BudgetedModel, start: Candidate, threshold: number): Promise<Candidate> {
  const { x } = space;
  let cur = start;
  while (cur.changed.length > 1 && model.remaining > 0) {
    const rows = cur.changed.map((j) => {
      const r = [...cur.row];
      r[j] = x[j];
      return r;
    });
    const ps = await model.evaluate(rows);
    let best: Candidate | undefined;
    rows.forEach((r, i) => {
      if (!(ps[i] >= threshold)) return;
      const c = scoreCandidate(space, r, ps[i]);
      if (best === undefined || c.distance < best.distance) best = c;
    });
    if (best === undefined) break;
    cur = best;
  }
  return cur;
}

/**
 * Moves each numeric change (largest first) towards the query along its grid while the row stays
 * valid: a search with up to 8 grid points per pass, narrowing between the closest valid point and
 * the invalid point before it. Every row it returns was evaluated and reached `threshold`.
 *
 * @example
 * ```ts
 * const close = await moveTowardsQuery(space, model, candidate, 0.5);
 * close.distance <= candidate.distance; // true
 * ```
 */
export async function moveTowardsQuery(space: SearchSpace, model: BudgetedModel, start: Candidate, threshold: number): Promise<Candidate> {
  const { x, axes } = space;
  let cur = start;
  const order = cur.changed
    .filter((j) => axes[j].kind === 'numeric')
    .map((j) => ({ j, d: featureDistance(axes[j], x[j], cur.row[j]) }))
    .sort((a, b) => b.d - a.d || a.j - b.j);
  for (const { j } of order) {
    const axis = axes[j];
    if (axis.kind !== 'numeric') continue;
    let near = gridPosition(axis, x[j] as number);
    let far = Math.round(gridPosition(axis, cur.row[j] as number));
    for (let pass = 0; pass < MAX_PASSES && model.remaining > 0; pass++) {
      const dir = Math.sign(far - near);
      if (dir === 0) break;
      let a = dir > 0 ? Math.floor(near) + 1 : Math.ceil(near) - 1;
      a = dir > 0 ? Math.max(a, axis.kMin) : Math.min(a, axis.kMax);
      const b = far - dir;
      if ((b - a) * dir < 0) break;
      const n = Math.min(POINTS_PER_PASS, Math.abs(b - a) + 1);
      const ks = [...new Set(Array.from({ length: n }, (_, i) => Math.round(a + (n === 1 ? 0 : ((b - a) * i) / (n - 1)))))];
      const rows = ks.map((k) => {
        const r = [...cur.row];
        r[j] = valueAt(axis, k);
        return r;
      });
      const ps = await model.evaluate(rows);
      const i = ps.findIndex((p) => p >= threshold);
      if (i === -1) {
        near = ks[ks.length - 1];
        continue;
      }
      cur = scoreCandidate(space, rows[i], ps[i]);
      far = ks[i];
      if (i > 0) near = ks[i - 1];
    }
  }
  return cur;
}
