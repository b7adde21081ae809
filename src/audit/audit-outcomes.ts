/**
 * The audit itself, on labels and predictions already in memory: per-group table, aggregate
 * measures with stratified bootstrap intervals, flags and warnings. `auditModel` and
 * `auditPredictions` gather their inputs and call it.
 */
import { TransferkitError } from '../errors.ts';
import { binarize, type BinaryOutcomes } from '../measures/fairness/outcomes.ts';
import { findGroup, groupBy, GROUP_SEPARATOR, type Grouping } from '../measures/fairness/groups.ts';
import { SCORE_METRICS, SELECTION_RATE, STANDARD_METRICS, TRUE_POSITIVE_RATE, FALSE_POSITIVE_RATE, ECE, type GroupMetric } from '../measures/fairness/metrics.ts';
import { MetricFrame } from '../measures/fairness/metric-frame.ts';
import {
  demographicParityDifference,
  demographicParityRatio,
  equalizedOddsDifference,
  equalizedOddsRatio,
  equalOpportunityDifference,
  FAIRNESS_MEASURES,
  outsideFairRange,
  privilegedComparison,
} from '../measures/fairness/disparities.ts';
import { DEFAULT_RESAMPLES, stratifiedBootstrap, type BootstrapInterval } from '../measures/fairness/bootstrap.ts';
import { naturalCompare } from '../data/classes.ts';
import { MIN_GROUP_SIZE, type AuditOptions } from './options.ts';
import { choosePositive } from './positive-class.ts';
import type { AuditGroup, AuditMeasure, AuditReport } from './report.ts';
import { flagMessage } from './wording.ts';

/**
 * Input of {@link auditOutcomes}: one true class, one predicted class and the sensitive values
 * per example.
 *
 * @example
 * ```ts
 * const input: OutcomeAuditInput = { yTrue: ['yes', 'no'], yPred: ['yes', 'yes'], sensitive: { afam: ['yes', 'no'] } };
 * ```
 */
export interface OutcomeAuditInput extends AuditOptions {
  yTrue: ArrayLike<string>;
  yPred: ArrayLike<string>;
  /** Probability of the positive class per example, or a function giving it once the positive class is known. */
  score?: ArrayLike<number> | ((positive: string) => ArrayLike<number> | undefined);
  /** Sensitive values by feature name, one per example. */
  sensitive: Record<string, ArrayLike<string>>;
  /** Classes known besides those seen (e.g. a model's classes). */
  classes?: readonly string[];
  /** Name of the label column, for wording. */
  label?: string;
  /** What was audited. */
  source?: AuditReport['source'];
  /** Examples the caller left out (missing values), reported as `excluded`. */
  excluded?: number;
  /** Warnings the caller gathered. */
  warnings?: string[];
}

/** The aggregate measures, in report order. */
const MEASURE_ORDER = [
  'demographic_parity_difference',
  'demographic_parity_ratio',
  'equalized_odds_difference',
  'equalized_odds_ratio',
  'equal_opportunity_difference',
  'disparate_impact',
  'statistical_parity_difference',
  'ece_difference',
];

/**
 * Audits binary (or one-vs-rest) outcomes by group: see {@link AuditReport}.
 *
 * Errors: `LABEL_COUNT` (arrays of different lengths), `EMPTY_DATA`, `TOO_FEW_EXAMPLES` (one
 * group only), `UNKNOWN_CLASS` / `MISSING_OPTION` (positive class), `BAD_OPTION` (privileged
 * group not found, threshold outside [0, 1] or without scores).
 *
 * @example
 * ```ts
 * const r = auditOutcomes({ yTrue, yPred, sensitive: { sex }, positive: '1', bootstrap: 200 });
 * r.measures.demographic_parity_difference; // { value: 0.25, low: …, high: …, flagged: true, … }
 * ```
 */
export function auditOutcomes(input: OutcomeAuditInput): AuditReport {
  const n = input.yTrue.length;
  if (n === 0) throw new TransferkitError('EMPTY_DATA', 'There are no examples to audit', { where: input.source?.data ?? input.source?.predictions, hint: 'Audit data with at least one labelled example per group.' });
  const warnings = [...(input.warnings ?? [])];
  const seen = new Set<string>(input.classes ?? []);
  for (let i = 0; i < n; i++) seen.add(input.yTrue[i]);
  for (let i = 0; i < input.yPred.length; i++) seen.add(input.yPred[i]);
  const classes = [...seen].sort(naturalCompare);
  const { positive, chosen } = choosePositive(classes, input.positive);
  const others = classes.filter((c) => c !== positive);
  if (chosen === 'default') warnings.push(`No positive class given: "${positive}" is the positive outcome (the other: ${others.join(', ')}); pass \`positive\` to choose.`);
  if (classes.length > 2) warnings.push(`${classes.length} classes: the audit is one-vs-rest, "${positive}" against the other ${classes.length - 1} (${others.join(', ')}).`);

  const score = typeof input.score === 'function' ? input.score(positive) : input.score;
  const outcomes = binarize(input.yTrue, input.yPred, positive, score);
  applyThreshold(outcomes, input.threshold);

  const grouping = groupBy(input.sensitive);
  if (grouping.groups.length < 2) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `Every example has the same value of ${grouping.features.join(', ')} (${grouping.groups[0]?.label}), so there are no groups to compare`, {
      where: `sensitive feature${grouping.features.length > 1 ? 's' : ''} ${grouping.features.join(', ')}`,
      hint: 'Pass a column whose values split the examples into at least two groups.',
    });
  }
  const metrics: GroupMetric[] = [...STANDARD_METRICS, ...(outcomes.score ? SCORE_METRICS : [])];
  const mf = new MetricFrame({ metrics, outcomes, grouping });
  const outcome = input.outcome ?? 'favorable';
  const { privileged, privilegedChosen } = choosePrivileged(mf, grouping, input.privileged, outcome);
  const groupName = (label: string) => {
    const g = grouping.groups.find((x) => x.label === label)!;
    return g.key.map((v, j) => `${grouping.features[j]}=${v}`).join(GROUP_SEPARATOR);
  };
  if (privilegedChosen !== 'given') {
    warnings.push(`No privileged group given: ${groupName(privileged)} has the ${outcome === 'adverse' ? 'lowest' : 'highest'} selection rate and is taken as privileged; pass \`privileged\` to choose.`);
  }

  const point = measuresOf(mf, privileged, Boolean(outcomes.score));
  const resamples = input.bootstrap ?? DEFAULT_RESAMPLES;
  const seed = input.seed ?? 1;
  let ci: Record<string, BootstrapInterval> = {};
  if (resamples > 0) {
    const needed = [SELECTION_RATE, TRUE_POSITIVE_RATE, FALSE_POSITIVE_RATE, ...(outcomes.score ? [ECE] : [])];
    ci = stratifiedBootstrap(
      grouping,
      (g) => {
        const frame = new MetricFrame({ metrics: needed, outcomes, grouping: g });
        const out = measuresOf(frame, privileged, Boolean(outcomes.score)).values;
        for (const r of frame.byGroup) out[`sr:${r.group}`] = r.values.selection_rate;
        return out;
      },
      { resamples, seed },
    );
  }

  const groups: AuditGroup[] = mf.byGroup.map((r) => {
    const row: AuditGroup = {
      group: r.group,
      name: groupName(r.group),
      key: Object.fromEntries(grouping.features.map((f, j) => [f, r.key[j]])),
      count: r.values.count,
      values: nullable(r.values),
      privileged: r.group === privileged,
    };
    const s = ci[`sr:${r.group}`];
    if (s) row.selectionRateInterval = [orNull(s.low), orNull(s.high)];
    return row;
  });
  warnings.push(...groupWarnings(mf, groups, input.minGroupSize ?? MIN_GROUP_SIZE, positive));

  const measures: Record<string, AuditMeasure> = {};
  for (const name of MEASURE_ORDER) {
    if (!(name in point.values)) continue;
    const def = FAIRNESS_MEASURES[name];
    const value = point.values[name];
    const m: AuditMeasure = { value: orNull(value), low: orNull(ci[name]?.low), high: orNull(ci[name]?.high), ideal: def.ideal, fair: def.fair, flagged: outsideFairRange(name, value) };
    if (name === 'disparate_impact' || name === 'statistical_parity_difference') m.compared = { unprivileged: point.compared.unprivileged, privileged };
    const why = undefinedReason(name, mf, privileged, groupName);
    if (Number.isNaN(value) && why) m.undefinedBecause = why;
    if (Number.isNaN(value)) warnings.push(`${def.label} is undefined: ${why ?? 'see the group table'}.`);
    if (resamples > 0 && ci[name] && ci[name].defined < resamples && !Number.isNaN(value)) {
      warnings.push(`${def.label}: undefined in ${resamples - ci[name].defined} of ${resamples} bootstrap resamples (a small group lacked the examples it needs); its interval uses the other ${ci[name].defined}.`);
    }
    measures[name] = m;
  }

  const byLabel = new Map(groups.map((g) => [g.group, g]));
  const extremes = Object.fromEntries(['selection_rate', 'tpr', 'fpr', 'ece'].filter((k) => mf.metrics.includes(k)).map((k) => [k, { min: mf.argMin(k)!, max: mf.argMax(k)! }]));
  const outcomeWords = input.label ? `${input.label}=${positive}` : `"${positive}"`;
  const flags = Object.entries(measures)
    .filter(([, m]) => m.flagged)
    .map(([name, m]) => ({ measure: name, value: m.value!, message: flagMessage(name, m, { outcome: outcomeWords, groups: byLabel, intervals: resamples > 0 }, extremes) }));

  const definitions: Record<string, string> = Object.fromEntries(metrics.map((m) => [m.name, m.definition]));
  for (const name of Object.keys(measures)) definitions[name] = `${FAIRNESS_MEASURES[name].definition} [${FAIRNESS_MEASURES[name].source}]`;

  const report: AuditReport = {
    sensitive: grouping.features,
    positive,
    positiveChosen: chosen,
    classes,
    oneVsRest: classes.length > 2,
    outcome,
    privileged,
    privilegedChosen,
    size: n,
    excluded: input.excluded ?? 0,
    groups,
    overall: nullable(mf.overall),
    measures,
    flags,
    warnings,
    definitions,
    bootstrap: resamples > 0 ? { resamples, seed, level: 0.95, stratified: 'by group' } : null,
    source: { ...(input.source ?? {}) },
  };
  if (input.label !== undefined) report.label = input.label;
  return report;
}

/** Every aggregate measure of `mf` (NaN where undefined) and the groups disparate impact compared. */
function measuresOf(mf: MetricFrame, privileged: string, scores: boolean): { values: Record<string, number>; compared: { unprivileged: string } } {
  const c = privilegedComparison(mf, privileged);
  const values: Record<string, number> = {
    demographic_parity_difference: demographicParityDifference(mf),
    demographic_parity_ratio: demographicParityRatio(mf),
    equalized_odds_difference: equalizedOddsDifference(mf),
    equalized_odds_ratio: equalizedOddsRatio(mf),
    equal_opportunity_difference: equalOpportunityDifference(mf),
    disparate_impact: c.disparateImpact,
    statistical_parity_difference: c.statisticalParityDifference,
  };
  if (scores) values.ece_difference = mf.difference('ece');
  return { values, compared: { unprivileged: c.unprivileged } };
}

function choosePrivileged(mf: MetricFrame, grouping: Grouping, given: string | undefined, outcome: 'favorable' | 'adverse'): { privileged: string; privilegedChosen: AuditReport['privilegedChosen'] } {
  if (given !== undefined) {
    const g = findGroup(grouping, given);
    if (!g) {
      const names = grouping.groups.map((x) => (grouping.features.length === 1 ? x.label : x.key.map((v, j) => `${grouping.features[j]}=${v}`).join(',')));
      throw new TransferkitError('BAD_OPTION', `There is no group "${given}" of ${grouping.features.join(', ')} to take as privileged`, {
        where: 'privileged option',
        hint: `Name one of the groups: ${names.join('; ')}.`,
      });
    }
    return { privileged: g.label, privilegedChosen: 'given' };
  }
  const pick = outcome === 'adverse' ? mf.argMin('selection_rate') : mf.argMax('selection_rate');
  return { privileged: pick!, privilegedChosen: 'most favourable selection rate' };
}

function applyThreshold(o: BinaryOutcomes, threshold: number | undefined): void {
  if (threshold === undefined) return;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new TransferkitError('BAD_OPTION', `The decision threshold must be in [0, 1], got ${threshold}`, { where: 'threshold option', hint: 'Pass a probability, e.g. 0.5.' });
  }
  if (!o.score) {
    throw new TransferkitError('BAD_OPTION', 'A decision threshold needs scores (probabilities of the positive class), and there are none', {
      where: 'threshold option',
      hint: 'Give a score column, or leave out the threshold to audit the predictions as they are.',
    });
  }
  for (let i = 0; i < o.yPred.length; i++) o.yPred[i] = o.score[i] >= threshold ? 1 : 0;
}

function groupWarnings(mf: MetricFrame, groups: AuditGroup[], minSize: number, positive: string): string[] {
  const out: string[] = [];
  for (const g of groups) {
    if (g.count < minSize) out.push(`Group ${g.name} has only ${g.count} example${g.count === 1 ? '' : 's'} (fewer than ${minSize}): its rates are noisy; read them with their intervals.`);
    if (g.values.tpr === null) out.push(`Group ${g.name} has no actual positives (no example whose true class is "${positive}"): its true and false negative rates are undefined, so equal opportunity and equalized odds leave it out.`);
    if (g.values.fpr === null) out.push(`Group ${g.name} has no actual negatives (every example's true class is "${positive}"): its false positive and true negative rates are undefined, so equalized odds leaves it out.`);
    if (g.values.precision === null) out.push(`Group ${g.name} has no example predicted "${positive}": its precision is undefined.`);
  }
  if (mf.undefinedIn('tpr').length === groups.length) out.push(`No example's true class is "${positive}": rates that need positives (true positive rate, equal opportunity) are undefined everywhere.`);
  return out;
}

function undefinedReason(name: string, mf: MetricFrame, privileged: string, groupName: (g: string) => string): string | undefined {
  const lacking = (metric: string, what: string) => {
    const groups = mf.undefinedIn(metric);
    const defined = mf.byGroup.length - groups.length;
    return defined < 2 ? `only ${defined} group${defined === 1 ? ' has' : 's have'} ${what} (${groups.map(groupName).join(', ')} ${groups.length === 1 ? 'has' : 'have'} none)` : undefined;
  };
  switch (name) {
    case 'equal_opportunity_difference':
      return lacking('tpr', 'actual positives');
    case 'equalized_odds_difference':
    case 'equalized_odds_ratio':
      return lacking('tpr', 'actual positives') ?? lacking('fpr', 'actual negatives');
    case 'disparate_impact':
      return mf.value('selection_rate', privileged) === 0 ? `the privileged group ${groupName(privileged)} has selection rate 0, so the ratio divides by 0` : undefined;
    case 'demographic_parity_ratio':
      return mf.groupMax('selection_rate') === 0 ? 'no example of any group is predicted positive (0 ÷ 0)' : undefined;
    case 'ece_difference':
      return 'scores are missing';
    default:
      return undefined;
  }
}

function orNull(x: number | undefined): number | null {
  return x === undefined || Number.isNaN(x) ? null : x;
}

function nullable(values: Record<string, number>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, orNull(v)]));
}
