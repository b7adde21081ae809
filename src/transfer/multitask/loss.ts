/**
 * The multi-task loss: a weighted sum of per-task cross-entropies, with fixed weights or with
 * learned homoscedastic-uncertainty weights (Kendall, Gal & Cipolla, CVPR 2018).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';

/** How the tasks' losses are combined. */
export type Weighting =
  /** `Σ_t w_t · CE_t` with the given weights (default 1 each). */
  | { kind: 'fixed'; weights?: number[] }
  /** `Σ_t exp(−s_t) · CE_t + s_t`, the log-variances `s_t` learned with the network (start 0). */
  | { kind: 'uncertainty' };

/**
 * Checks fixed weights against the number of tasks: one finite weight ≥ 0 per task, not all 0.
 *
 * @throws TransferkitError `BAD_OPTION` naming the count or the bad weight.
 * @example
 * ```ts
 * checkWeights([1, 0.5], ['class', 'group']);
 * ```
 */
export function checkWeights(weights: readonly number[], tasks: readonly string[]): void {
  if (weights.length !== tasks.length) {
    throw new TransferkitError('BAD_OPTION', `${weights.length} loss weight${weights.length === 1 ? '' : 's'} given for ${tasks.length} tasks (${tasks.join(', ')})`, {
      where: '--weights',
      hint: `Give one weight per task, in task order, e.g. --weights ${tasks.map((_, i) => (i === 0 ? '1' : '0.5')).join(',')}.`,
    });
  }
  weights.forEach((w, i) => {
    if (!(Number.isFinite(w) && w >= 0)) throw new TransferkitError('BAD_OPTION', `The loss weight of task "${tasks[i]}" is ${w}; weights are finite numbers ≥ 0`, { where: '--weights', hint: 'Use e.g. 1 or 0.5.' });
  });
  if (weights.every((w) => w === 0)) throw new TransferkitError('BAD_OPTION', 'Every loss weight is 0, so nothing would train', { where: '--weights', hint: 'Give at least one task a positive weight.' });
}

/**
 * Fixed-weight multi-task loss `Σ_t w_t · CE_t`.
 *
 * @example
 * ```ts
 * const loss = fixedWeightLoss([ceClass, ceGroup], [1, 0.5]);
 * ```
 */
export function fixedWeightLoss(losses: readonly tf.Scalar[], weights: readonly number[]): tf.Scalar {
  return tf.tidy(() => tf.addN(losses.map((l, i) => tf.mul(l, weights[i]))) as tf.Scalar);
}

/**
 * Uncertainty-weighted multi-task loss `Σ_t exp(−s_t) · CE_t + s_t` for log-variances `s`
 * (shape `[tasks]`). For classification Kendall et al. derive `exp(−s)·CE + s/2` with `s = log σ²`;
 * the form used here (as in most implementations) writes `s = 2 log σ`. Minimising over `s_t`
 * alone gives `s_t = log CE_t`: a task with a large loss is weighted down, and the `+ s_t` term
 * stops every weight from collapsing to 0. The learned weight of task t is `exp(−s_t)`.
 *
 * @example
 * ```ts
 * const s = tf.variable(tf.zeros([2]));
 * const loss = uncertaintyLoss([ceClass, ceGroup], s); // = ceClass + ceGroup at s = 0
 * ```
 */
export function uncertaintyLoss(losses: readonly tf.Scalar[], logVars: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const ce = tf.stack(losses as tf.Scalar[]);
    return tf.sum(tf.add(tf.mul(tf.exp(tf.neg(logVars)), ce), logVars)) as tf.Scalar;
  });
}

/**
 * The effective weight of each task's loss: the fixed weights, or `exp(−s_t)` for uncertainty weighting.
 *
 * @example
 * ```ts
 * taskWeights({ kind: 'uncertainty' }, 2, [0, Math.log(2)]); // [1, 0.5]
 * ```
 */
export function taskWeights(weighting: Weighting, tasks: number, logVars?: ArrayLike<number>): number[] {
  if (weighting.kind === 'fixed') return weighting.weights ? [...weighting.weights] : new Array<number>(tasks).fill(1);
  return Array.from({ length: tasks }, (_, i) => Math.exp(-(logVars?.[i] ?? 0)));
}
