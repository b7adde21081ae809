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
export type { BackgroundInput, PredictFn, Row, ShapleyOptions, ShapleyResult, WeightedBackground } from './types.ts';
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
export { callModel, callModelBatched } from './model-call.ts';
export {
  permutationImportance,
  type PermutationImportanceOptions,
  type PermutationImportanceResult,
  type Scorer,
} from './permutation-importance.ts';
export { partialDependence, pdGrid, type PartialDependenceOptions, type PartialDependenceResult } from './partial-dependence.ts';
