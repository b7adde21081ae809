/**
 * How well a membership score separates members from non-members: ROC AUC, the best
 * advantage (TPR − FPR), the best balanced accuracy and the TPR at a low FPR.
 */
import { binaryRocAuc } from '../measures/metrics.ts';
import { TransferkitError } from '../errors.ts';

/**
 * The strength of one membership-inference attack, from its scores (higher = "member").
 *
 * @example
 * ```ts
 * const m: AttackMetrics = { auc: 0.71, advantage: 0.34, balancedAccuracy: 0.67, tprAtLowFpr: 0.08, lowFpr: 0.01, members: 100, nonMembers: 100 };
 * ```
 */
export interface AttackMetrics {
  /** ROC AUC: the probability that a random member scores above a random non-member, ties counting one half (Mann–Whitney). 0.5 is chance. */
  auc: number;
  /** The attack's membership advantage (Yeom et al. 2018): the largest TPR − FPR over thresholds. */
  advantage: number;
  /** The best balanced accuracy (TPR + TNR) / 2 over thresholds, which is (1 + advantage) / 2. */
  balancedAccuracy: number;
  /** The largest TPR at a threshold whose FPR is at most `lowFpr` (0 when no threshold above the lowest score reaches it). */
  tprAtLowFpr: number;
  /** The FPR bound of `tprAtLowFpr` (default 0.01). With n non-members an FPR below 1/n is only 0. */
  lowFpr: number;
  members: number;
  nonMembers: number;
}

/**
 * Scores a membership attack. Thresholds run over every distinct score (an example is called a
 * member when its score is at least the threshold), so tied scores move together.
 *
 * Errors: `EMPTY_SAMPLE` (no members or no non-members), `BAD_SCORE` (a NaN score).
 *
 * @example
 * ```ts
 * const m = attackMetrics([3, 2, 1], [0, 1, -1]);
 * m.auc;       // (3 + 3 + 2.5) / 9 = 0.9444…
 * m.advantage; // 2/3: at threshold 2, TPR 2/3 and FPR 0
 * ```
 */
export function attackMetrics(memberScores: ArrayLike<number>, nonMemberScores: ArrayLike<number>, lowFpr = 0.01): AttackMetrics {
  const nM = memberScores.length;
  const nN = nonMemberScores.length;
  if (nM === 0 || nN === 0) {
    throw new TransferkitError('EMPTY_SAMPLE', `A membership attack needs members and non-members, got ${nM} and ${nN}`, { hint: 'Pass at least one member (training example) and one non-member (held-out example).' });
  }
  const scores = [...Array.from(memberScores), ...Array.from(nonMemberScores)];
  if (scores.some((s) => Number.isNaN(s))) throw new TransferkitError('BAD_SCORE', 'A membership score is NaN', { hint: 'Check the model\'s probabilities: they must be finite.' });
  const isMember = scores.map((_, i) => i < nM);
  const auc = binaryRocAuc(isMember, scores) as number;
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let tp = 0;
  let fp = 0;
  let advantage = 0;
  let tprAtLowFpr = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (isMember[order[j]]) tp++;
      else fp++;
      j++;
    }
    const tpr = tp / nM;
    const fpr = fp / nN;
    advantage = Math.max(advantage, tpr - fpr);
    if (fpr <= lowFpr) tprAtLowFpr = Math.max(tprAtLowFpr, tpr);
    i = j;
  }
  return { auc, advantage, balancedAccuracy: (1 + advantage) / 2, tprAtLowFpr, lowFpr, members: nM, nonMembers: nN };
}

/**
 * The standard error of a ROC AUC of 0.5 for these sample sizes when scores carry no
 * information: √((m + n + 1) / (12 m n)) (the Mann–Whitney U null variance, scaled).
 *
 * @example
 * ```ts
 * nullAucStdError(100, 100); // ≈ 0.0409
 * ```
 */
export function nullAucStdError(members: number, nonMembers: number): number {
  return Math.sqrt((members + nonMembers + 1) / (12 * members * nonMembers));
}
