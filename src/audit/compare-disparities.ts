/**
 * Bias carried over from the source: the same target rows audited for several models (the
 * source model as it is, models transferred from it, a model trained from scratch), with paired
 * bootstrap intervals of how much more or less disparity each has than the reference (scratch)
 * and than the source, and a verdict: did transfer introduce, keep or reduce a disparity?
 */
import { TransferkitError } from '../errors.ts';
import { stratifiedBootstrap } from '../measures/fairness/bootstrap.ts';
import { demographicParityDifference, equalizedOddsDifference, outsideFairRange } from '../measures/fairness/disparities.ts';
import { groupBy, type Grouping } from '../measures/fairness/groups.ts';
import { MetricFrame } from '../measures/fairness/metric-frame.ts';
import { FALSE_POSITIVE_RATE, SELECTION_RATE, TRUE_POSITIVE_RATE } from '../measures/fairness/metrics.ts';
import { binarize, type BinaryOutcomes } from '../measures/fairness/outcomes.ts';

/** The disparity measures compared (both 0 when every group is treated alike). */
export const COMPARED_MEASURES = ['demographic_parity_difference', 'equalized_odds_difference'] as const;

/** One of {@link COMPARED_MEASURES}. */
export type ComparedMeasure = (typeof COMPARED_MEASURES)[number];

/**
 * What {@link compareDisparities} takes: the true classes of the target rows, each model's
 * predicted classes for the same rows, and the sensitive column(s).
 *
 * @example
 * ```ts
 * const input: DisparityComparisonInput = {
 *   yTrue, sensitive: { watermark: marks }, positive: 'high',
 *   predictions: { 'source-only': a, extract: b, scratch: c }, reference: 'scratch', source: 'source-only',
 * };
 * ```
 */
export interface DisparityComparisonInput {
  yTrue: ArrayLike<string>;
  /** Predicted class per row, by model name. */
  predictions: Record<string, ArrayLike<string>>;
  /** Sensitive values by column name, one per row. */
  sensitive: Record<string, ArrayLike<string>>;
  /** The positive class (a "selection"). */
  positive: string;
  /** The model every other is compared with (e.g. `scratch`: trained on the target alone). */
  reference: string;
  /** The model transfer started from, applied as it is (e.g. `source-only`), if among the models. */
  source?: string;
  /** Bootstrap resamples, stratified by group and shared by all models (paired); default 1000. */
  resamples?: number;
  /** Seed of the resampling (default 1). */
  seed?: number;
}

/** A value with its 95% percentile bootstrap interval. */
export interface IntervalValue {
  value: number;
  low: number;
  high: number;
}

/**
 * One model's disparities and how they compare.
 *
 * @example
 * ```ts
 * const m: ModelDisparity = r.models.find((x) => x.model === 'extract')!;
 * m.vsReference.demographic_parity_difference; // { value: 0.18, low: 0.12, high: 0.24 }
 * ```
 */
export interface ModelDisparity {
  model: string;
  /** Each measure on the target rows; `flagged` when outside its fair range (beyond 0.1). */
  measures: Record<ComparedMeasure, IntervalValue & { flagged: boolean }>;
  /** This model's measure minus the reference's, on the same resampled rows. */
  vsReference: Record<ComparedMeasure, IntervalValue>;
  /** This model's measure minus the source model's (transferred models only). */
  vsSource?: Record<ComparedMeasure, IntervalValue>;
  /** introduced / kept / reduced / none, for demographic parity, with the numbers in words. */
  verdict: string;
}

/**
 * What {@link compareDisparities} found.
 *
 * @example
 * ```ts
 * for (const m of r.models) console.log(m.model, m.verdict);
 * ```
 */
export interface DisparityComparison {
  positive: string;
  sensitive: string[];
  groups: string[];
  reference: string;
  source?: string;
  resamples: number;
  models: ModelDisparity[];
}

/**
 * Audits several models on the same target rows and compares their disparities with the
 * reference's (and with the source model's), by a paired bootstrap: every resample draws the
 * same rows (within each group) for all models, so the intervals of the differences account
 * for the rows being shared. A difference whose interval lies above 0 is more disparity than
 * the reference beyond chance; below 0, less.
 *
 * Verdicts (demographic parity difference): the source model "carries a disparity scratch does
 * not have" when it is flagged and its excess over the reference is above 0; a transferred model
 * "kept" it when it is not clearly below the source's and still clearly above the reference's,
 * "reduced" it when clearly below the source's, and "introduced" one when it is clearly above
 * the reference's while the source's is not.
 *
 * Errors: `BAD_INPUT` (lengths differ, reference or source not among the models),
 * `TOO_FEW_EXAMPLES` (one group only).
 *
 * @example
 * ```ts
 * const r = compareDisparities({ yTrue, sensitive: { watermark }, positive: 'high', predictions, reference: 'scratch', source: 'source-only' });
 * ```
 */
export function compareDisparities(input: DisparityComparisonInput): DisparityComparison {
  const names = Object.keys(input.predictions);
  const n = input.yTrue.length;
  const bad = (message: string, hint: string) => new TransferkitError('BAD_INPUT', message, { where: 'compareDisparities', hint });
  if (!names.includes(input.reference)) throw bad(`The reference "${input.reference}" is not among the models (${names.join(', ')})`, 'Name the model to compare with, e.g. the one trained from scratch.');
  if (input.source !== undefined && !names.includes(input.source)) throw bad(`The source "${input.source}" is not among the models (${names.join(', ')})`, 'Name the source model applied as it is, or leave `source` out.');
  for (const [name, p] of Object.entries(input.predictions)) {
    if (p.length !== n) throw bad(`Model "${name}" has ${p.length} predictions for ${n} rows`, 'Predict every target row with every model.');
  }
  const grouping = groupBy(input.sensitive);
  if (grouping.groups.length < 2) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `Every row has the same value of ${grouping.features.join(', ')}, so there are no groups to compare`, { where: 'compareDisparities', hint: 'Pass a sensitive column that splits the rows into at least two groups.' });
  }
  const outcomes = new Map(names.map((m) => [m, binarize(input.yTrue, input.predictions[m], input.positive)]));
  const measure = (o: BinaryOutcomes, g: Grouping): Record<ComparedMeasure, number> => {
    const mf = new MetricFrame({ metrics: [SELECTION_RATE, TRUE_POSITIVE_RATE, FALSE_POSITIVE_RATE], outcomes: o, grouping: g });
    return { demographic_parity_difference: demographicParityDifference(mf), equalized_odds_difference: equalizedOddsDifference(mf) };
  };
  const point = new Map(names.map((m) => [m, measure(outcomes.get(m)!, grouping)]));
  const key = (model: string, what: string, m: ComparedMeasure) => `${model}\u0000${what}\u0000${m}`;
  const resamples = input.resamples ?? 1000;
  const ci = stratifiedBootstrap(
    grouping,
    (g) => {
      const values = new Map(names.map((m) => [m, measure(outcomes.get(m)!, g)]));
      const out: Record<string, number> = {};
      for (const m of names) {
        for (const k of COMPARED_MEASURES) {
          const v = values.get(m)![k];
          out[key(m, 'value', k)] = v;
          out[key(m, 'ref', k)] = v - values.get(input.reference)![k];
          if (input.source !== undefined) out[key(m, 'source', k)] = v - values.get(input.source)![k];
        }
      }
      return out;
    },
    { resamples, seed: input.seed ?? 1 },
  );
  const interval = (model: string, what: string, k: ComparedMeasure, value: number): IntervalValue => ({ value, low: ci[key(model, what, k)]?.low ?? NaN, high: ci[key(model, what, k)]?.high ?? NaN });
  // whether the source's disparity is clearly above the reference's (its interval above 0)
  const sourceAboveRef = input.source !== undefined && (ci[key(input.source, 'ref', 'demographic_parity_difference')]?.low ?? NaN) > 0;
  const models = names.map((model): ModelDisparity => {
    const own = point.get(model)!;
    const per = <T>(f: (k: ComparedMeasure) => T) => Object.fromEntries(COMPARED_MEASURES.map((k) => [k, f(k)])) as Record<ComparedMeasure, T>;
    const measures = per((k) => ({ ...interval(model, 'value', k, own[k]), flagged: outsideFairRange(k, own[k]) }));
    const vsReference = per((k) => interval(model, 'ref', k, own[k] - point.get(input.reference)![k]));
    const isTransferred = input.source !== undefined && model !== input.source && model !== input.reference;
    const vsSource = isTransferred ? per((k) => interval(model, 'source', k, own[k] - point.get(input.source!)![k])) : undefined;
    return { model, measures, vsReference, ...(vsSource ? { vsSource } : {}), verdict: verdictOf(model, input, measures, vsReference, vsSource, sourceAboveRef) };
  });
  return { positive: input.positive, sensitive: grouping.features, groups: grouping.groups.map((g) => g.label), reference: input.reference, ...(input.source !== undefined ? { source: input.source } : {}), resamples, models };
}

/** The verdict on demographic parity, in words with the numbers. */
function verdictOf(
  model: string,
  input: DisparityComparisonInput,
  measures: ModelDisparity['measures'],
  vsReference: ModelDisparity['vsReference'],
  vsSource: ModelDisparity['vsSource'],
  sourceAboveRef: boolean,
): string {
  const k = 'demographic_parity_difference';
  const pts = (v: number) => `${(v * 100).toFixed(1)} points`;
  const range = (iv: IntervalValue) => `95% interval ${pts(iv.low)} to ${pts(iv.high)}`;
  const dp = measures[k];
  const ref = input.reference;
  if (model === ref) return `the reference: demographic parity difference ${pts(dp.value)}${dp.flagged ? ' (flagged)' : ''}`;
  const aboveRef = vsReference[k].low > 0;
  const excess = `${pts(vsReference[k].value)} more than ${ref} (${range(vsReference[k])})`;
  if (model === input.source || !vsSource) {
    if (aboveRef && dp.flagged) return `carries a disparity ${ref} does not have: demographic parity difference ${pts(dp.value)}, ${excess}`;
    if (aboveRef) return `more disparity than ${ref}, though within the fair range: ${excess}`;
    return `no more disparity than ${ref}: demographic parity difference ${pts(dp.value)} (${pts(vsReference[k].value)} vs ${ref}, ${range(vsReference[k])})`;
  }
  const source = input.source!;
  const belowSource = vsSource[k].high < 0;
  const fromSource = `${pts(-vsSource[k].value)} less than ${source} (${range({ value: -vsSource[k].value, low: -vsSource[k].high, high: -vsSource[k].low })})`;
  if (belowSource && !aboveRef) return `reduced the source's disparity to ${ref}'s level: demographic parity difference ${pts(dp.value)}, ${fromSource}`;
  if (belowSource) return `reduced the source's disparity, but not to ${ref}'s level: ${fromSource}; still ${excess}`;
  if (aboveRef && sourceAboveRef) return `kept the source's disparity: demographic parity difference ${pts(dp.value)}, ${excess}, not clearly less than ${source}`;
  if (aboveRef) return `introduced a disparity: ${excess}`;
  return `no clear difference from ${ref} or ${source}: demographic parity difference ${pts(dp.value)}`;
}
