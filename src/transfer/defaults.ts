/**
 * `fit`'s defaults for the settings a user did not give, decided from the data and the base —
 * chosen by the defaults suite (`npm run suite`), not for one benchmark:
 *
 * - **Validation.** Small data (fewer than {@link SMALL_DATA_LIMIT} training examples) keeps
 *   every example for training: a 15% split would waste labels and make early stopping noisy.
 *   A linear head's L2 strength is chosen by stratified k-fold cross-validation (k = min(5, the
 *   smallest class's count)) and the head refitted on all of it; a hidden head trains for its
 *   full step budget (its epochs cross-validated on held-out loss stopped too early: 1–2 points
 *   lower on the suite's digit tasks). Larger data holds out a stratified 15% for early
 *   stopping. A class with one example cannot be cross-validated: fixed budgets, C = 1.
 * - **Where the head goes.** On a convolutional base, on top of its convolutional part (as
 *   Keras's `include_top=False`): the dense layers above it are specific to the source task.
 *   Elsewhere, where the old head was.
 * - **The head.** On a convolutional cut, a hidden ReLU layer of 128 units with dropout 0.5 in
 *   front of the softmax, trained by Adam. On the dense features of other bases, a linear
 *   softmax head: on small data fitted to convergence by L-BFGS with its L2 strength
 *   cross-validated (`headSolver: 'lbfgs'`), on larger data trained by Adam with early stopping.
 * - **Budgets by optimiser steps, not epochs.** A phase runs at least
 *   {@link HEAD_MIN_STEPS} steps (and at least 30 epochs), so a few examples at batch 32 still
 *   train; small data fine-tunes for {@link FINETUNE_MIN_STEPS} steps (at least 10 epochs) at a
 *   tenth of the rate.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import { featureMapCut } from '../models/surgery.ts';
import { FIT_DEFAULTS } from './settings.ts';
import type { Strategy } from './strategies.ts';

/** Below this many training examples the data counts as small: no validation split, fixed step budgets. */
export const SMALL_DATA_LIMIT = 1000;
/** Fewest optimiser steps of a head or scratch phase (when `epochs` is not given). */
export const HEAD_MIN_STEPS = 300;
/** Fewest optimiser steps of the fine-tuning phase on small data (when `finetuneEpochs` is not given). */
export const FINETUNE_MIN_STEPS = 100;
/** The default head: hidden ReLU units, and the dropout in front of the softmax layer. */
export const DEFAULT_HEAD = Object.freeze({ hidden: [128] as readonly number[], dropout: 0.5 });

/**
 * What `fit` decided for the settings not given, and why; saved under `defaults` in the run's
 * `config.json`.
 *
 * @example
 * ```ts
 * const plan: DefaultsPlan = { validation: 'k-fold', folds: 5, valFraction: 0, reasons: ['100 training examples (< 1000): …'] };
 * ```
 */
export interface DefaultsPlan {
  /** `given`: validation data was passed; `split`: a stratified share held out; `k-fold`: all data trains, a linear head's L2 chosen by cross-validation, fixed step budgets; `none`: all data trains, fixed budgets. */
  validation: 'given' | 'split' | 'k-fold' | 'none';
  /** Folds of `k-fold`. */
  folds?: number;
  /** Share held out (`split`), else 0. */
  valFraction: number;
  /** The cut chosen for the head (absent: the one given, or the old head's input). */
  cutAt?: string;
  /** The head chosen (absent: the one given). */
  headHidden?: number[];
  headDropout?: number;
  /** `lbfgs` when the default head is a linear head fitted by L-BFGS. */
  headSolver?: 'lbfgs';
  /** Why, in words, one line per decision. */
  reasons: string[];
}

/** What {@link planDefaults} looks at. */
export interface PlanInput {
  strategy: Strategy;
  /** Settings the user gave (undefined: not given). */
  given: {
    val?: unknown;
    valFraction?: number;
    cutAt?: string | number;
    headHidden?: number[];
    headDropout?: number;
    headSolver?: string;
    /** Options only an Adam-trained head takes (label smoothing, L2-SP, weight decay, augmentation): given ones rule out the L-BFGS head. */
    adamOnly?: string[];
  };
  /** Training examples per class (after `perClass`). */
  classCounts: number[];
  base?: tf.LayersModel;
}

/**
 * Decides validation, cut and head for a `fit` run (see the module notes for the rules).
 *
 * @example
 * ```ts
 * const plan = planDefaults({ strategy: 'finetune', given: {}, classCounts: new Array(10).fill(10), base });
 * plan.validation; // 'k-fold'
 * plan.cutAt; // 'flatten' for fashion-cnn
 * ```
 */
export function planDefaults(input: PlanInput): DefaultsPlan {
  const { given, classCounts, strategy, base } = input;
  const n = classCounts.reduce((a, b) => a + b, 0);
  const smallest = Math.min(...classCounts);
  const reasons: string[] = [];
  let plan: DefaultsPlan;
  if (given.val !== undefined) {
    plan = { validation: 'given', valFraction: 0, reasons };
  } else if (given.valFraction !== undefined) {
    const ok = given.valFraction > 0 && smallest >= 5;
    plan = { validation: ok ? 'split' : 'none', valFraction: ok ? given.valFraction : 0, reasons };
    if (given.valFraction > 0 && !ok) reasons.push(`no validation split: a class has ${smallest} example${smallest === 1 ? '' : 's'} (a split needs 5 per class); fixed budgets`);
  } else if (n >= SMALL_DATA_LIMIT && smallest >= 5) {
    plan = { validation: 'split', valFraction: FIT_DEFAULTS.valFraction, reasons };
    reasons.push(`${n} training examples (≥ ${SMALL_DATA_LIMIT}): a stratified ${FIT_DEFAULTS.valFraction * 100}% is held out for early stopping`);
  } else if (smallest >= 2) {
    const folds = Math.min(5, smallest);
    plan = { validation: 'k-fold', folds, valFraction: 0, reasons };
    reasons.push(`${n} training examples${n < SMALL_DATA_LIMIT ? ` (< ${SMALL_DATA_LIMIT})` : ''}: all of them train, for fixed step budgets (a linear head's L2 is chosen by ${folds}-fold cross-validation)`);
  } else {
    plan = { validation: 'none', valFraction: 0, reasons };
    reasons.push(`a class has one example, too few to validate or cross-validate: all ${n} examples train with fixed budgets`);
  }
  const transfer = base !== undefined && strategy !== 'lora';
  if (transfer && given.cutAt === undefined) {
    const cut = featureMapCut(base);
    if (cut !== undefined) {
      plan.cutAt = cut;
      reasons.push(`head on "${cut}", the top of the base's convolutional part (the dense layers above it are specific to the source task)`);
    }
  }
  if (transfer && given.headHidden === undefined && given.headSolver === undefined) {
    // a convolutional base (its features are feature maps, not a dense embedding), or scratch: the same network as transfer
    if (featureMapCut(base) !== undefined || strategy === 'scratch') {
      plan.headHidden = [...DEFAULT_HEAD.hidden];
      plan.headDropout = given.headDropout ?? DEFAULT_HEAD.dropout;
      reasons.push(`head: a hidden layer of ${DEFAULT_HEAD.hidden.join(', ')} ReLU units, dropout ${plan.headDropout}, softmax`);
    } else if ((plan.validation === 'k-fold' || plan.validation === 'none') && !given.adamOnly?.length && given.headDropout === undefined) {
      // on small data only: the cross-validated L-BFGS fits are cheap there, not on 50,000 rows
      plan.headSolver = 'lbfgs';
      reasons.push('head: linear softmax on the base’s dense features, fitted to convergence by L-BFGS with its L2 strength chosen by cross-validation');
    }
  }
  return plan;
}

/**
 * Epochs of each phase when not given: enough for {@link HEAD_MIN_STEPS} steps (at least the
 * 30-epoch default); the fine-tuning phase of small data enough for {@link FINETUNE_MIN_STEPS}
 * (at least 10 epochs), of larger data as many as the head phase.
 *
 * @example
 * ```ts
 * phaseEpochs({}, 100, 32, plan); // { epochs: 75, finetuneEpochs: 25 }
 * ```
 */
export function phaseEpochs(given: { epochs?: number; finetuneEpochs?: number; batchSize?: number }, trainSize: number, plan: Pick<DefaultsPlan, 'validation'>): { epochs: number; finetuneEpochs: number } {
  const batch = Math.max(1, Math.min(given.batchSize ?? FIT_DEFAULTS.batchSize, trainSize));
  const stepsPerEpoch = Math.max(1, Math.ceil(trainSize / batch));
  const epochs = given.epochs ?? Math.max(FIT_DEFAULTS.epochs, Math.ceil(HEAD_MIN_STEPS / stepsPerEpoch));
  const small = plan.validation === 'k-fold' || plan.validation === 'none';
  const finetuneEpochs = given.finetuneEpochs ?? given.epochs ?? (small ? Math.max(10, Math.ceil(FINETUNE_MIN_STEPS / stepsPerEpoch)) : epochs);
  return { epochs, finetuneEpochs };
}
