/**
 * Model-agnostic explanations: Shapley values (exact, KernelSHAP, permutation), LIME, permutation
 * importance, partial dependence / ICE. Models are batched functions {@link PredictFn}.
 *
 * @example
 * ```ts
 * import { kernelShap, summariseBackground } from './explain/index.ts';
 * const bg = summariseBackground(trainRows, { method: 'kmeans', k: 30 });
 * const { baseValue, values } = await kernelShap(predict, x, bg);
 * ```
 *
 * @module
 */
export type { BackgroundInput, FlatPredictFn, PredictFn, Row, ShapleyOptions, ShapleyResult, WeightedBackground } from './types.ts';
export {
  BACKGROUND_WARN_ROWS,
  backgroundWarning,
  resolveBackground,
  summariseBackground,
  type ResolvedBackground,
  type SummariseOptions,
} from './background.ts';
export { createCoalitionGame, type CoalitionGame } from './coalition-game.ts';
export { exactShapley, shapleyFromTable, shapleyWeights, MAX_EXACT_PLAYERS, type ExactShapleyOptions } from './exact-shapley.ts';
export { kernelShap, planCoalitions, type CoalitionPlan, type KernelShapOptions, type KernelShapResult } from './kernel-shap.ts';
export { permutationShap, type PermutationShapOptions } from './permutation-shap.ts';
export { limeTabular, type LimeTabularOptions, type LimeTabularResult } from './lime.ts';
export { limeMasked, type LimeMaskedOptions, type MaskPredictFn } from './lime-masked.ts';
export { fitLimeSurrogate, limeKernel, weightedR2, type LimeResult, type SurrogateOptions } from './lime-surrogate.ts';
export { fitDiscretizer, quantileSorted, type Discretizer } from './lime-discretizer.ts';
export { weightedLeastSquares, type LeastSquaresFit, type LeastSquaresOptions } from './least-squares.ts';
export { callModel, callModelBatched, callModelFlat, checkModelOutput, flatPredictFn, linearPredictFn } from './model-call.ts';
export { onnxPredictFn, type OnnxPredictOptions, type OnnxPredictor } from './onnx-predict.ts';
export {
  permutationImportance,
  type PermutationImportanceOptions,
  type PermutationImportanceResult,
  type Scorer,
} from './permutation-importance.ts';
export { partialDependence, pdGrid, type PartialDependenceOptions, type PartialDependenceResult } from './partial-dependence.ts';
export { layersPredictFn, predictTarget, selectTarget, checkTargetIndex, type BatchPredictFn } from './gradients/batch-predict.ts';
export { targetColumn, targetGradients, targetScores, toExample, type DifferentiableModel, type Example, type ExampleInput } from './gradients/differentiable.ts';
export { saliency, type SaliencyOptions, type SaliencyResult } from './gradients/saliency.ts';
export { smoothGrad, type SmoothGradOptions, type SmoothGradResult } from './gradients/smooth-grad.ts';
export { gaussLegendre, integrationRule, type IntegrationMethod, type IntegrationRule } from './gradients/integration-rules.ts';
export { integratedGradients, type IntegratedGradientsOptions, type IntegratedGradientsResult } from './gradients/integrated-gradients.ts';
export { gradCam, type GradCamOptions, type GradCamResult } from './gradients/grad-cam.ts';
export { occlusion, type OcclusionOptions, type OcclusionResult } from './gradients/occlusion.ts';
export { gridSegments, limeImage, slicSegments, type LimeImageOptions, type LimeImageResult, type SlicOptions } from './lime-image.ts';
export { limeText, type LimeTextOptions, type LimeTextResult, type TextPredictFn, type TokenWeight } from './lime-text.ts';
export {
  deletionInsertion,
  infidelity,
  sensitivityMax,
  type DeletionInsertionOptions,
  type DeletionInsertionResult,
  type ExplainFn,
  type InfidelityOptions,
  type SensitivityOptions,
} from './quality.ts';
export { counterfactuals } from './counterfactual/counterfactuals.ts';
export type {
  Counterfactual,
  CounterfactualChange,
  CounterfactualMetrics,
  CounterfactualOptions,
  CounterfactualPredictFn,
  CounterfactualResult,
  FeatureDomain,
  FeatureValue,
  RawRow,
} from './counterfactual/types.ts';
export { narrate } from './narrative/narrate.ts';
export type {
  Audience,
  Narrative,
  NarrativeAttributions,
  NarrativeGlobalImportance,
  NarrativeInput,
  NarrativeModel,
  NarrativePrediction,
} from './narrative/types.ts';

// explanations of trained models (what `transferkit explain` runs): methods in a registry
export {
  explain,
  EXPLAIN_METHODS,
  IMAGE_METHODS,
  MODEL_METHODS,
  type ExplainMethodName,
  type ExplainOptions,
  type ImageMethod,
  type ModelMethod,
} from './model/explain.ts';
export { explainModel, type ExplainModelOptions } from './model/explain-model.ts';
export { explainImages, type ExplainImagesOptions } from './model/explain-image.ts';
export { heatmapPng } from './model/heatmap.ts';
export { imageOverlayPng, type OverlayOptions } from './model/overlay.ts';
export { DATA_KINDS, explainMethods, methodFor, methodNames, type DataKind, type ExplainMethod, type MethodContext, type MethodOption } from './model/registry.ts';
export type { MethodOptions } from './model/options.ts';
export type { MethodDescription } from './narrative/types.ts';
export { whatIf, type WhatIfOptions } from './model/what-if.ts';
export type * from './model/explanation.ts';
