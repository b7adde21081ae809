/**
 * The aggregate fairness measures under their usual names, each computed from a
 * {@link MetricFrame} and defined exactly in {@link FAIRNESS_MEASURES}.
 */
import { TransferkitError } from '../../errors.ts';
import type { MetricFrame } from './metric-frame.ts';

/**
 * The definition of an aggregate fairness measure.
 *
 * @example
 * ```ts
 * FAIRNESS_MEASURES.disparate_impact.fair; // [0.8, 1.25]
 * ```
 */
export interface MeasureDefinition {
  /** Usual name. */
  label: string;
  /** Exact definition. */
  definition: string;
  /** Where the definition comes from. */
  source: string;
  /** The value of perfect parity. */
  ideal: number;
  /** Values inside this closed range are not flagged. */
  fair: [number, number];
}

/**
 * Parity tolerance of the difference measures: |difference| ≤ 0.1 is not flagged (AIF360's
 * customary fair range for statistical parity difference, −0.1 … 0.1).
 *
 * @example
 * ```ts
 * Math.abs(spd) > DIFFERENCE_TOLERANCE; // flagged
 * ```
 */
export const DIFFERENCE_TOLERANCE = 0.1;

/**
 * The four-fifths rule (US EEOC Uniform Guidelines, 1978): a selection rate of a group below
 * 4/5 of the rate of the most favoured group is evidence of adverse impact. Disparate impact is
 * flagged outside [0.8, 1/0.8 = 1.25] (AIF360's fair range), so it also catches a group selected
 * more than 1.25× as often for an adverse outcome.
 *
 * @example
 * ```ts
 * di < FOUR_FIFTHS; // adverse impact
 * ```
 */
export const FOUR_FIFTHS = 0.8;

const T = DIFFERENCE_TOLERANCE;

/**
 * Exact definitions of the aggregate measures, keyed by name. SR_g is the selection rate
 * P(ŷ=1 | A=g), TPR_g = P(ŷ=1 | y=1, A=g), FPR_g = P(ŷ=1 | y=0, A=g); max and min run over the
 * groups g where the rate is defined.
 *
 * @example
 * ```ts
 * console.log(FAIRNESS_MEASURES.equalized_odds_difference.definition);
 * ```
 */
export const FAIRNESS_MEASURES: Readonly<Record<string, MeasureDefinition>> = Object.freeze({
  demographic_parity_difference: {
    label: 'demographic parity difference',
    definition: 'max_g SR_g − min_g SR_g, where SR_g = P(ŷ=1 | A=g) is the selection rate of group g; 0 is parity',
    source: 'Fairlearn demographic_parity_difference (method between_groups)',
    ideal: 0,
    fair: [0, T],
  },
  demographic_parity_ratio: {
    label: 'demographic parity ratio',
    definition: 'min_g SR_g / max_g SR_g; 1 is parity',
    source: 'Fairlearn demographic_parity_ratio (method between_groups)',
    ideal: 1,
    fair: [FOUR_FIFTHS, 1],
  },
  equalized_odds_difference: {
    label: 'equalized odds difference',
    definition: 'max( max_g TPR_g − min_g TPR_g , max_g FPR_g − min_g FPR_g ), TPR_g = P(ŷ=1 | y=1, A=g), FPR_g = P(ŷ=1 | y=0, A=g); 0 is parity',
    source: 'Fairlearn equalized_odds_difference (agg worst_case, method between_groups); Hardt et al. 2016',
    ideal: 0,
    fair: [0, T],
  },
  equalized_odds_ratio: {
    label: 'equalized odds ratio',
    definition: 'min( min_g TPR_g / max_g TPR_g , min_g FPR_g / max_g FPR_g ); 1 is parity',
    source: 'Fairlearn equalized_odds_ratio (agg worst_case, method between_groups)',
    ideal: 1,
    fair: [FOUR_FIFTHS, 1],
  },
  equal_opportunity_difference: {
    label: 'equal opportunity difference',
    definition: 'max_g TPR_g − min_g TPR_g; 0 is parity',
    source: 'Fairlearn equal_opportunity_difference; Hardt et al. 2016',
    ideal: 0,
    fair: [0, T],
  },
  disparate_impact: {
    label: 'disparate impact',
    definition: 'SR_u / SR_p, selection rate of the unprivileged group u over that of the privileged group p (with several unprivileged groups, the one whose ratio is farthest from 1); 1 is parity, below 0.8 fails the four-fifths rule',
    source: 'AIF360 disparate_impact; four-fifths rule of the US EEOC Uniform Guidelines (1978)',
    ideal: 1,
    fair: [FOUR_FIFTHS, 1 / FOUR_FIFTHS],
  },
  statistical_parity_difference: {
    label: 'statistical parity difference',
    definition: 'SR_u − SR_p (signed: unprivileged minus privileged, same u as disparate impact); 0 is parity',
    source: 'AIF360 statistical_parity_difference',
    ideal: 0,
    fair: [-T, T],
  },
  ece_difference: {
    label: 'calibration gap (ECE difference)',
    definition: 'max_g ECE_g − min_g ECE_g, the spread of the expected calibration error of P̂(y=1|x) across groups; 0 is parity',
    source: 'transferkit (calibration within groups, Kleinberg et al. 2016)',
    ideal: 0,
    fair: [0, T / 2],
  },
});

/**
 * Demographic parity difference: max_g SR_g − min_g SR_g. `mf` needs `selection_rate`.
 *
 * @example
 * ```ts
 * demographicParityDifference(mf); // 0.25 on Fairlearn's documented example
 * ```
 */
export function demographicParityDifference(mf: MetricFrame): number {
  return mf.difference('selection_rate');
}

/**
 * Demographic parity ratio: min_g SR_g / max_g SR_g. `mf` needs `selection_rate`.
 *
 * @example
 * ```ts
 * demographicParityRatio(mf); // 0.667 on Fairlearn's documented example
 * ```
 */
export function demographicParityRatio(mf: MetricFrame): number {
  return mf.ratio('selection_rate');
}

/**
 * Equalized odds difference: the larger of the TPR difference and the FPR difference. `mf`
 * needs `tpr` and `fpr`.
 *
 * @example
 * ```ts
 * equalizedOddsDifference(mf); // 1 on Fairlearn's documented example
 * ```
 */
export function equalizedOddsDifference(mf: MetricFrame): number {
  return maxDefined(mf.difference('tpr'), mf.difference('fpr'));
}

/**
 * Equalized odds ratio: the smaller of the TPR ratio and the FPR ratio. `mf` needs `tpr` and `fpr`.
 *
 * @example
 * ```ts
 * equalizedOddsRatio(mf); // 0 on Fairlearn's documented example
 * ```
 */
export function equalizedOddsRatio(mf: MetricFrame): number {
  return -maxDefined(-mf.ratio('tpr'), -mf.ratio('fpr'));
}

/**
 * Equal opportunity difference: max_g TPR_g − min_g TPR_g. `mf` needs `tpr`.
 *
 * @example
 * ```ts
 * equalOpportunityDifference(mf); // 0.2 on Fairlearn's documented example
 * ```
 */
export function equalOpportunityDifference(mf: MetricFrame): number {
  return mf.difference('tpr');
}

/**
 * What {@link privilegedComparison} returns.
 *
 * @example
 * ```ts
 * const c: PrivilegedComparison = { privileged: 'no', unprivileged: 'yes', disparateImpact: 2.2, statisticalParityDifference: 0.15 };
 * ```
 */
export interface PrivilegedComparison {
  privileged: string;
  /** The unprivileged group compared (the one whose ratio is farthest from 1). */
  unprivileged: string;
  /** SR_u / SR_p (`NaN` when SR_p is 0). */
  disparateImpact: number;
  /** SR_u − SR_p. */
  statisticalParityDifference: number;
  /** Every unprivileged group's ratio and difference, in group order. */
  perGroup: Array<{ group: string; disparateImpact: number; statisticalParityDifference: number }>;
}

/**
 * Disparate impact SR_u / SR_p and statistical parity difference SR_u − SR_p of the
 * unprivileged groups against the privileged group `privileged` (a group label of `mf`); with
 * several unprivileged groups the reported one is the group whose ratio is farthest from 1
 * (|log ratio| largest; a ratio of 0 or ∞ is the farthest).
 *
 * @example
 * ```ts
 * const c = privilegedComparison(mf, 'no');
 * c.disparateImpact; // e.g. 2.2: group "yes" is selected 2.2× as often
 * ```
 */
export function privilegedComparison(mf: MetricFrame, privileged: string): PrivilegedComparison {
  const p = mf.byGroup.find((r) => r.group === privileged);
  if (!p) {
    throw new TransferkitError('BAD_OPTION', `There is no group "${privileged}" to take as privileged`, {
      where: 'privileged group',
      hint: `Name one of the groups: ${mf.byGroup.map((r) => r.group).join(', ')}.`,
    });
  }
  const others = mf.byGroup.filter((r) => r !== p);
  if (others.length === 0) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `Every example is in the privileged group "${privileged}", so there is no group to compare it with`, {
      where: 'sensitive features',
      hint: 'Audit data that holds at least two groups.',
    });
  }
  const srP = p.values.selection_rate;
  const perGroup = others.map((r) => ({ group: r.group, disparateImpact: r.values.selection_rate / srP, statisticalParityDifference: r.values.selection_rate - srP }));
  const distance = (di: number) => (Number.isNaN(di) ? -1 : di === 0 || !Number.isFinite(di) ? Infinity : Math.abs(Math.log(di)));
  let worst = perGroup[0];
  for (const g of perGroup) if (distance(g.disparateImpact) > distance(worst.disparateImpact)) worst = g;
  const di = srP === 0 ? NaN : worst.disparateImpact;
  return { privileged, unprivileged: worst.group, disparateImpact: di, statisticalParityDifference: worst.statisticalParityDifference, perGroup: perGroup.map((g) => ({ ...g, disparateImpact: srP === 0 ? NaN : g.disparateImpact })) };
}

/**
 * Whether a measure's value is outside its fair range (see {@link FAIRNESS_MEASURES}); `NaN`
 * is not flagged.
 *
 * @example
 * ```ts
 * outsideFairRange('disparate_impact', 0.6); // true
 * ```
 */
export function outsideFairRange(measure: string, value: number): boolean {
  const def = FAIRNESS_MEASURES[measure];
  if (!def || Number.isNaN(value)) return false;
  return value < def.fair[0] - 1e-12 || value > def.fair[1] + 1e-12;
}

function maxDefined(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return Math.max(a, b);
}
