/**
 * `reweight`, `kmm`, `kliep`: train on the source with importance weights w(x) ≈
 * p_target(x) / p_source(x), estimated in the view by a domain classifier (the discriminative
 * density ratio), kernel mean matching or KLIEP, and clipped (`src/adapt/reweight.ts`).
 *
 * @module
 */
import { importanceWeights, type ReweightMethod, type ReweightResult } from '../reweight.ts';
import { registerMethod, type ShallowMethodEntry } from '../registry.ts';
import { CLASSIFIER_OPTIONS, trainOnSource, type MethodContext } from './shallow-training.ts';

/** The options every reweighting method reads. */
const REWEIGHT_OPTIONS = [
  ...CLASSIFIER_OPTIONS,
  { field: 'reweight.clipQuantile', help: 'weights above this quantile are set to it (default 0.99; 1 turns it off)' },
  { field: 'reweight.maxWeight', help: 'absolute cap on a (mean-1) weight (default none)' },
  { field: 'reweight.bandwidth', help: 'KMM / KLIEP: Gaussian kernel width σ (default: KMM the median heuristic, KLIEP cross-validated around it)' },
  { field: 'viewDims', help: 'dimensions of the view the weights are estimated in (default 100)' },
] as const;

/**
 * Importance weights of the source rows, estimated in the view.
 *
 * @example
 * ```ts
 * const w = sourceWeights(ctx, 'kliep'); // w.weights: one per source row, mean 1
 * ```
 */
export function sourceWeights(ctx: MethodContext, method: ReweightMethod): ReweightResult {
  const m = ctx.view.m;
  const o = ctx.options;
  return importanceWeights({ rows: ctx.Xs.n, cols: m, data: ctx.Zs }, { rows: ctx.Xt.n, cols: m, data: ctx.Zt }, { method, seed: o.seed ?? 0, ...o.reweight });
}

/** A reweighting method: the source weighted by `estimator`'s importance weights. */
function reweighting<N extends string>(name: N, estimator: ReweightMethod, description: string, auto: { autoCandidate: boolean; autoCandidateUpTo?: number }): ShallowMethodEntry<N> {
  return {
    name,
    family: 'shallow',
    description,
    applies: () => true,
    options: REWEIGHT_OPTIONS,
    ...auto,
    run: (ctx) => {
      const weights = sourceWeights(ctx, estimator);
      return { model: trainOnSource(ctx, weights.weights), weights };
    },
  };
}

export const reweight = registerMethod(reweighting('reweight', 'discriminative', 'importance weights from a domain classifier (discriminative density ratio)', { autoCandidate: true }));
export const kmm = registerMethod(reweighting('kmm', 'kmm', 'importance weights by kernel mean matching', { autoCandidate: true, autoCandidateUpTo: 2000 }));
export const kliep = registerMethod(reweighting('kliep', 'kliep', 'importance weights by KLIEP', { autoCandidate: true }));
