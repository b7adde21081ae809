/**
 * Did sharing a trunk help a task? Multi-task against single-task accuracy, paired by seed,
 * with a confidence interval on the difference (as `transferVerdict` judges transfer vs scratch).
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { comparePoints, meanStd, type PairedDifference, type PairedDifferenceOptions } from '../../measures/stats.ts';

/** The three outcomes of {@link multiTaskVerdict}. */
export type MultiTaskVerdictKind = 'helped' | 'no-difference' | 'hurt';

/** Multi-task vs single-task on one task, over seeds. */
export interface MultiTaskVerdict {
  task: string;
  kind: MultiTaskVerdictKind;
  /** Multi − single in accuracy points (×100), paired by seed. */
  difference: PairedDifference;
  /** Mean and sample sd of the accuracies (fractions) over seeds. */
  multi: { mean: number; sd: number };
  single: { mean: number; sd: number };
  /** One line, e.g. "multi-task helped group by 2.1 ± 1.4 points (…)". */
  text: string;
}

/**
 * Compares per-seed accuracies of one task: `multi[i]` and `single[i]` trained on the same
 * examples with the same seed, trunk and budget, scored on the same test set. The 95% interval
 * of the paired difference (paired t under 10 seeds, see `pairedDifference`) decides: above 0
 * "helped", below 0 "hurt" (negative transfer between tasks), else "no significant difference".
 *
 * @throws TransferkitError `SHAPE_MISMATCH` when the two lists differ in length.
 * @example
 * ```ts
 * multiTaskVerdict('group', [0.91, 0.93, 0.92], [0.89, 0.90, 0.90]).text;
 * // 'multi-task helped group by 2.3 ± 1.4 points (95% CI over 3 seeds, paired t)'
 * ```
 */
export function multiTaskVerdict(task: string, multi: readonly number[], single: readonly number[], opts: PairedDifferenceOptions & { label?: string } = {}): MultiTaskVerdict {
  if (multi.length !== single.length) {
    throw new TransferkitError('SHAPE_MISMATCH', `The verdict pairs runs by seed, but task "${task}" has ${multi.length} multi-task and ${single.length} single-task results`, { hint: 'Run both with the same seeds.' });
  }
  const { difference: diff, sign, amount, how, neutral } = comparePoints(multi, single, opts);
  const kind: MultiTaskVerdictKind = sign > 0 ? 'helped' : sign < 0 ? 'hurt' : 'no-difference';
  const text = kind === 'helped' ? `multi-task helped ${task} by ${amount} (${how})` : kind === 'hurt' ? `multi-task hurt ${task}: −${amount} (${how})` : `no significant difference on ${task}: ${neutral}`;
  const ms = (v: readonly number[]) => {
    const { mean, std } = meanStd(v);
    return { mean, sd: std };
  };
  return { task, kind, difference: diff, multi: ms(multi), single: ms(single), text };
}
