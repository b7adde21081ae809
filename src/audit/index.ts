/**
 * Group fairness audits of a model on data, or of predictions made elsewhere: per-group
 * metrics, demographic parity, equalized odds, equal opportunity, disparate impact and
 * statistical parity with bootstrap intervals, flags in plain language, and the JSON a model
 * card embeds.
 */
export { auditModel, type ModelAuditOptions } from './audit-model.ts';
export { auditPredictions, type PredictionAuditOptions } from './audit-predictions.ts';
export { auditOutcomes, type OutcomeAuditInput } from './audit-outcomes.ts';
export { MIN_GROUP_SIZE, type AuditOptions } from './options.ts';
export { choosePositive } from './positive-class.ts';
export { auditCard, type AuditCard, type AuditFlag, type AuditGroup, type AuditMeasure, type AuditReport } from './report.ts';
export * from './mitigate/index.ts';
export { compareDisparities, COMPARED_MEASURES, type ComparedMeasure, type DisparityComparison, type DisparityComparisonInput, type ModelDisparity, type IntervalValue } from './compare-disparities.ts';
