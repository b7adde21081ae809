/**
 * Group fairness measures: binary outcomes, per-group base metrics, a MetricFrame with
 * between-group aggregates, the usual aggregate measures with exact definitions, and stratified
 * bootstrap intervals.
 */
export { binarize, confusion, type BinaryOutcomes, type Confusion } from './outcomes.ts';
export { groupBy, findGroup, GROUP_SEPARATOR, type Grouping, type SensitiveGroup } from './groups.ts';
export {
  ACCURACY,
  BASE_RATE,
  COUNT,
  ECE,
  ECE_BINS,
  FALSE_NEGATIVE_RATE,
  FALSE_POSITIVE_RATE,
  MEAN_SCORE,
  PRECISION,
  SCORE_METRICS,
  SELECTION_RATE,
  STANDARD_METRICS,
  TRUE_NEGATIVE_RATE,
  TRUE_POSITIVE_RATE,
  type GroupMetric,
  type MetricNeed,
} from './metrics.ts';
export { MetricFrame, type DisparityMethod, type GroupValues, type MetricFrameOptions, type MetricInput } from './metric-frame.ts';
export {
  DIFFERENCE_TOLERANCE,
  FAIRNESS_MEASURES,
  FOUR_FIFTHS,
  demographicParityDifference,
  demographicParityRatio,
  equalOpportunityDifference,
  equalizedOddsDifference,
  equalizedOddsRatio,
  outsideFairRange,
  privilegedComparison,
  type MeasureDefinition,
  type PrivilegedComparison,
} from './disparities.ts';
export { DEFAULT_RESAMPLES, quantile, stratifiedBootstrap, type BootstrapInterval, type BootstrapOptions } from './bootstrap.ts';
