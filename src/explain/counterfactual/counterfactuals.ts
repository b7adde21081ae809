/**
 * Counterfactual ("what-if") explanations in the style of DiCE (Mothilal, Sharma & Tan 2020):
 * a few diverse, close, sparse changes to a tabular row that would bring the model's probability
 * of the desired class to the target — respecting immutable features, permitted ranges,
 * categories and steps. Model-agnostic: the model is only called on raw rows.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { createRng } from '../../util/random.ts';
import { createBudgetedModel } from './budgeted-model.ts';
import { reachesTarget, type Candidate, type SearchWeights } from './candidate.ts';
import { counterfactualMetrics } from './distance.ts';
import { geneticSearch } from './genetic-search.ts';
import { moveTowardsQuery, revertUnneeded } from './refine.ts';
import { nonRedundant, selectDiverse, shortlistBySupport } from './select-diverse.ts';
import { isPermitted, resolveSearchSpace, type SearchSpace } from './space.ts';
import type {
  Counterfactual,
  CounterfactualOptions,
  CounterfactualPredictFn,
  CounterfactualResult,
  FeatureDomain,
  FeatureValue,
} from './types.ts';

function checkWeight(v: number | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new TransferkitError('BAD_OPTION', `${name} must be a finite number ≥ 0, got ${String(v)}`, { where: name });
  }
  return v;
}

function checkCount(v: number | undefined, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new TransferkitError('BAD_OPTION', `${name} must be an integer in [${min}, ${max}], got ${String(v)}`, { where: name });
  }
  return v;
}

const fmtP = (p: number) => String(Number(p.toPrecision(3)));

/** A row is returned only if it passes every constraint again, independently of the search. */
function respectsConstraints(space: SearchSpace, c: Candidate, threshold: number): boolean {
  if (!reachesTarget(c, threshold) || c.changed.length === 0) return false;
  const changed = new Set(c.changed);
  return space.axes.every((a) => (changed.has(a.index) ? a.mutable && isPermitted(a, c.row[a.index]) : c.row[a.index] === space.x[a.index]));
}

function describeChanges(space: SearchSpace, c: Candidate): string {
  return c.changed.map((j) => `${space.axes[j].name} ${JSON.stringify(space.x[j])} → ${JSON.stringify(c.row[j])}`).join(', ');
}

/**
 * Finds up to `count` counterfactuals for the raw row `x`: rows that differ from `x` only in
 * mutable features, only within the permitted ranges/categories/steps, and for which `predict`
 * gives a probability ≥ `desired.probabilityAbove`.
 *
 * Search (seeded, at most `maxEvaluations` model rows): (1) a genetic search from one-feature
 * sweeps and random 1–3-feature mutations of `x`, keeping every valid row; (2) refinement of a
 * diverse shortlist — greedily revert changes that are not needed and line-search each numeric
 * change towards `x` (in both orders); (3) dropping redundant rows (those that only add change to
 * another row) and a greedy close-but-diverse choice of `count` rows.
 *
 * Every returned counterfactual was scored by `predict` and reached the target. When none is
 * found (or `x` already reaches the target, or nothing may change) the list is empty and
 * `reason` says why.
 *
 * @example
 * ```ts
 * const domains: FeatureDomain[] = [
 *   { name: 'income', kind: 'numeric', min: 0, max: 200_000, step: 500 },
 *   { name: 'debt', kind: 'numeric', min: 0, max: 100_000, step: 500 },
 *   { name: 'age', kind: 'numeric', min: 18, max: 100, step: 1 },
 *   { name: 'housing', kind: 'categorical', categories: ['own', 'rent', 'other'] },
 * ];
 * const r = await counterfactuals(predictApproval, [42_000, 30_000, 35, 'rent'], domains, {
 *   desired: { probabilityAbove: 0.5 },
 *   count: 3,
 *   immutable: ['age'],
 *   permittedRanges: { income: [0, 80_000] },
 *   seed: 1,
 * });
 * for (const cf of r.counterfactuals) console.log(cf.changes, cf.probability);
 * ```
 */
export async function counterfactuals(
  predict: CounterfactualPredictFn,
  x: readonly FeatureValue[],
  domains: readonly FeatureDomain[],
  opts: CounterfactualOptions = {},
): Promise<CounterfactualResult> {
  if (typeof predict !== 'function') {
    throw new TransferkitError('BAD_OPTION', 'predict is not a function', { where: 'predict', hint: 'Pass (rows) => probabilities of the desired class.' });
  }
  const threshold = opts.desired?.probabilityAbove ?? 0.5;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw new TransferkitError('BAD_OPTION', `desired.probabilityAbove must be a finite number, got ${String(threshold)}`, { where: 'desired.probabilityAbove' });
  }
  const count = checkCount(opts.count, 'count', 3, 1, 100);
  const maxEvaluations = checkCount(opts.maxEvaluations, 'maxEvaluations', 3000, 1, Number.MAX_SAFE_INTEGER);
  const batchSize = checkCount(opts.batchSize, 'batchSize', 512, 1, Number.MAX_SAFE_INTEGER);
  const weights: SearchWeights = {
    proximity: checkWeight(opts.proximityWeight, 'proximityWeight', 0.5),
    diversity: checkWeight(opts.diversityWeight, 'diversityWeight', 1),
    sparsity: checkWeight(opts.sparsityWeight, 'sparsityWeight', 0.5),
  };
  const space = resolveSearchSpace(domains, x, opts);
  const model = createBudgetedModel(predict, maxEvaluations, batchSize);
  const rng = createRng(opts.seed ?? 0);

  const [p0] = await model.evaluate([space.x]);
  const result = (chosen: Candidate[], reason?: string): CounterfactualResult => ({
    counterfactuals: chosen.map(
      (c): Counterfactual => ({
        row: [...c.row],
        changes: c.changed.map((j) => ({ feature: space.axes[j].name, from: space.x[j], to: c.row[j] })),
        probability: c.probability,
        distance: c.distance,
      }),
    ),
    metrics: counterfactualMetrics(
      space,
      chosen.map((c) => c.row),
    ),
    evaluations: model.used,
    query: { row: [...space.x], probability: p0 },
    threshold,
    heldFixed: [...space.heldFixed],
    ...(reason === undefined ? {} : { reason }),
    warnings: [...space.warnings],
  });

  if (!Number.isFinite(p0)) {
    return result([], `The budget (maxEvaluations = ${maxEvaluations}) does not allow even scoring the query.`);
  }
  if (p0 >= threshold) {
    return result([], `The query already reaches the target (probability ${fmtP(p0)} ≥ ${threshold}); no change is needed.`);
  }
  if (space.mutable.length === 0) {
    return result([], `Every feature is held fixed (${space.heldFixed.join(', ')}), so no what-if change is possible.`);
  }

  const found = await geneticSearch(space, model, rng, {
    threshold,
    weights,
    populationSize: Math.max(24, 8 * count),
    softBudget: Math.floor(maxEvaluations / 2),
    targetValid: Math.max(10, 6 * count),
  });
  if (found.valid.length === 0) {
    const best = found.highest;
    const hint =
      best === undefined
        ? ''
        : `; the highest probability found was ${fmtP(best.probability)} (changing ${describeChanges(space, best)})`;
    return result(
      [],
      `No counterfactual reached probability ≥ ${threshold} within ${model.used} model evaluations${hint}. ` +
        `Features held fixed: ${space.heldFixed.join(', ') || 'none'}. Widen the permitted ranges, let more features change, or raise maxEvaluations.`,
    );
  }

  // Refine a shortlist (one row per set of changed features first) while the budget lasts, two
  // ways: revert → move gives the sparsest row; move → revert → move a close row that may keep
  // several small changes. Unrefined rows stay valid candidates.
  const shortlist = shortlistBySupport(space, found.valid, 4 * count, threshold, weights);
  const pool: Candidate[] = [];
  const move = (c: Candidate) => moveTowardsQuery(space, model, c, threshold);
  const revert = (c: Candidate) => revertUnneeded(space, model, c, threshold);
  for (const c of shortlist) {
    if (model.remaining <= 0) {
      pool.push(c);
      continue;
    }
    pool.push(await move(await revert(c)));
    pool.push(await move(await revert(await move(c))));
  }
  const chosen = selectDiverse(space, nonRedundant(space, pool), count, weights).filter((c) => respectsConstraints(space, c, threshold));
  const reason =
    chosen.length < count
      ? `Only ${chosen.length} distinct, non-redundant counterfactual${chosen.length === 1 ? '' : 's'} reached the target within the budget (${count} asked); ` +
        'a row that merely adds change to another one is not returned.'
      : undefined;
  return result(chosen, reason);
}
