/**
 * Fairness mitigation: reweighing (pre-processing), per-group threshold optimisation
 * (post-processing) and the exponentiated-gradient reduction (in-processing), with a
 * before/after trade-off report on held-out rows.
 *
 * @module
 */
export { fitExponentiatedGradient, type ExpGradClassifier, type ExpGradOptions, type MixtureMember } from './expgrad.ts';
export { mitigate, MITIGATION_METHODS, type FairnessSnapshot, type GroupSnapshot, type MitigateOptions, type MitigationMethod, type MitigationReport, type MitigationRows } from './mitigate.ts';
export { reweigh, type ReweighCell, type Reweighing } from './reweigh.ts';
export { mitigateModel, type ModelMitigationOptions, type ModelMitigationReport } from './run.ts';
export {
  FAIRNESS_CONSTRAINTS,
  fitThresholdOptimizer,
  type FairnessConstraint,
  type GroupRule,
  type ThresholdObjective,
  type ThresholdOptimizer,
  type ThresholdOptions,
} from './threshold.ts';
export type { Hull, ThresholdMix } from './tradeoff.ts';
