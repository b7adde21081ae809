/**
 * `self-train` and `X+self-train`: class-balanced iterative pseudo-labelling of the target
 * (`src/adapt/self-train.ts`), from a source-only start or from method X's target predictions
 * (keeping X's source weights for the reweighting methods, and X's aligned view for CORAL).
 *
 * @module
 */
import { predictSoftmax } from '../../measures/logistic.ts';
import { registerMethod, type MethodOption, type ShallowMethodEntry } from '../registry.ts';
import { selfTrain, type SelfTrainResult } from '../self-train.ts';
import { coral } from './coral.ts';
import { kliep, kmm, reweight } from './reweight.ts';
import { CLASSIFIER_OPTIONS, fitOptions, type MethodContext } from './shallow-training.ts';

const SELF_TRAIN_OPTIONS: readonly MethodOption[] = [
  { field: 'selfTrain.rounds', help: 'rounds of pseudo-labelling and retraining (default 6)' },
  { field: 'selfTrain.threshold', help: 'pseudo-label only target examples at least this confident (default 0.5)' },
  { field: 'selfTrain.targetWeight', help: 'weight of each pseudo-labelled example (default 1)' },
  { field: 'targetPrior', help: 'class mix the pseudo-labels are balanced to: mlls (default), bbse, predicted, uniform' },
];

/**
 * Self-training from `ctx`'s source rows, optionally with source weights and the target
 * probabilities of a first model to take the first pseudo-labels from.
 *
 * @example
 * ```ts
 * const st = selfTrainFrom(ctx); // from a source-only start
 * ```
 */
export function selfTrainFrom(ctx: MethodContext, sourceWeights?: Float64Array, initialProbs?: Float64Array): SelfTrainResult {
  const o = ctx.options;
  return selfTrain(ctx.Xs, ctx.ys, ctx.Xt, ctx.k, {
    ...fitOptions(o),
    rounds: o.selfTrain?.rounds,
    threshold: o.selfTrain?.threshold,
    targetWeight: o.selfTrain?.targetWeight,
    prior: o.selfTrain?.prior,
    sourceWeights,
    labelled: ctx.labelled,
    labelledWeight: o.labelledWeight,
    initialProbs,
  });
}

export const selfTraining = registerMethod({
  name: 'self-train',
  family: 'shallow',
  description: 'class-balanced pseudo-labels on the target, 6 rounds, balanced to the estimated class mix',
  applies: () => true,
  options: [...CLASSIFIER_OPTIONS, ...SELF_TRAIN_OPTIONS],
  autoCandidate: true,
  run: (ctx) => {
    const st = selfTrainFrom(ctx);
    return { model: st.model, selfTrain: st.rounds };
  },
});

/**
 * The method `X+self-train`: X, then self-training started from X's target predictions, with
 * X's source weights (if any); X's other results (weights, aligned view) are kept.
 *
 * @example
 * ```ts
 * export const coralSelfTrain = registerMethod(selfTrainingAfter(coral, { autoCandidate: true }));
 * ```
 */
export function selfTrainingAfter<N extends string>(start: ShallowMethodEntry<N>, opts: { autoCandidate: boolean }): ShallowMethodEntry<`${N}+self-train`> {
  const options = [...start.options, ...SELF_TRAIN_OPTIONS.filter((o) => !start.options.some((s) => s.field === o.field))];
  return {
    name: `${start.name}+self-train`,
    family: 'shallow',
    description: `self-training started from ${start.name}`,
    applies: (ctx) => start.applies(ctx),
    options,
    autoCandidate: opts.autoCandidate,
    run: (ctx) => {
      const first = start.run(ctx);
      const st = selfTrainFrom(ctx, first.weights?.weights, predictSoftmax(first.model, ctx.Xt));
      return { ...first, model: st.model, selfTrain: st.rounds };
    },
  };
}

export const coralSelfTrain = registerMethod(selfTrainingAfter(coral, { autoCandidate: true }));
export const reweightSelfTrain = registerMethod(selfTrainingAfter(reweight, { autoCandidate: true }));
export const kmmSelfTrain = registerMethod(selfTrainingAfter(kmm, { autoCandidate: false }));
export const kliepSelfTrain = registerMethod(selfTrainingAfter(kliep, { autoCandidate: false }));
