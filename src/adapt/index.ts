/**
 * Shallow domain adaptation: shift diagnostics, instance reweighting (discriminative density
 * ratio, KMM, KLIEP), CORAL feature alignment, class-balanced self-training, unsupervised
 * validators (DEV, entropy, information maximisation, SND), and `adapt`, which puts them
 * together and writes a run folder. `adapt` also runs the deep methods (Deep CORAL, MMD, DANN:
 * `./deep-adapt.ts`), whose training loop, losses and networks live in `./deep/`. Every method
 * is an entry of the registry (`./registry.ts`), one file each under `./methods/`;
 * `registerMethod` adds one.
 *
 * @example
 * ```ts
 * import { diagnoseShift, adapt } from './adapt/index.ts';
 * const d = await diagnoseShift({ source: 'builtin:spam-2002', target: 'builtin:spam-2003' });
 * const r = await adapt({ source: 'builtin:spam-2002', target: 'builtin:spam-2003', method: 'auto', out: 'runs/spam' });
 * ```
 *
 * @module
 */
export { adapt, ADAPT_METHOD_NAMES, AUTO_CANDIDATES, checkCandidates, DEFAULT_DEEP_CANDIDATES, type AdaptCallbacks, type AdaptConfig, type AdaptMethodName, type AdaptResult, type CandidateReport, type SingleMethod } from './adapt.ts';
export { DEEP_LAMBDA_DEFAULTS, DEEP_METHODS, poolSources, runDeep, type DeepAdaptInput, type DeepAdaptOptions, type DeepAdaptOutcome, type DeepMethod, type DeepReport } from './deep-adapt.ts';
export { domainMeasures, scoreSummary, type DomainMeasures, type ScoreSummary } from './scores.ts';
export { diagnoseShift, type DiagnoseOptions, type ShiftDiagnosis, type ShiftVerdict } from './diagnose.ts';
export { shiftProjection, type ShiftProjection } from './projection.ts';
export { ADAPT_TEXT_DEFAULTS, loadBase, sharedFeatures, type LoadedBase, type SharedFeatureOptions, type SharedFeatures } from './features.ts';
export { estimateLabelShift, type LabelShiftEstimate, type LabelShiftOptions } from './label-shift.ts';
export { composeAffine, fitSoftmax, predictSoftmax, shiftPrior, type LinearModel, type SoftmaxOptions } from '../measures/logistic.ts';
export { toLayersModel } from './linear.ts';
export { coralSource, runMethod, SHALLOW_METHODS, type MethodContext, type MethodOptions, type MethodOutcome, type ShallowMethod } from './methods.ts';
export { clipWeights, effectiveSampleSize, importanceWeights, REWEIGHT_METHODS, type ReweightMethod, type ReweightOptions, type ReweightResult } from './reweight.ts';
export { autoRows, denseRows, toSparse, type Rows } from '../measures/rows.ts';
export { selectPseudoLabels, selfTrain, type SelfTrainOptions, type SelfTrainResult, type SelfTrainRound } from './self-train.ts';
export { fitPca, projectRows, type Pca, type PcaOptions } from './svd.ts';
export { BASELINE, decideAuto, validatorMargin, type AutoDecision, type DecideOptions, type ValidatorMargin } from './auto-choice.ts';
export {
  devDifference,
  devRisk,
  informationMaximization,
  meanEntropy,
  softNeighborhoodDensity,
  validateCandidates,
  VALIDATOR_BETTER,
  VALIDATOR_REGISTRY,
  VALIDATORS,
  type CandidateEvidence,
  type ValidateOptions,
  type ValidatorChoice,
  type ValidatorEntry,
  type ValidatorName,
} from './validators.ts';
export { fitView, type View } from './views.ts';
// the registry of methods: registerMethod, registeredMethods, methodNamed, methodsOf, checkApplies, autoCandidatesFor, BUILTIN_METHODS and their types
export * from './methods/index.ts';
export type { ShallowResult } from './methods/shallow-training.ts';
export * as deep from './deep/index.ts';
