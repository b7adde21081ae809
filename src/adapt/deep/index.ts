/**
 * Deep domain adaptation: gradient reversal, Deep CORAL and multi-kernel MMD losses, and a
 * training loop for ERM / Deep CORAL / MMD (DAN) / DANN with single or multiple source domains.
 *
 * @example
 * ```ts
 * import { trainAdapted } from 'transferkit/src/adapt/deep/index.ts';
 * await trainAdapted({ model, featureLayer: 'dense1', source, targets: [target], method: 'deep-coral', epochs: 5, seed: 1 });
 * ```
 *
 * @module
 */
export { buildSmallCnn, prependAffine } from './networks.ts';
export { gradientReversal, GradientReversalLayer, type GradientReversalLayerArgs } from './gradient-reversal.ts';
export { covarianceOf, deepCoralLoss, deepCoralLossPairs, mmdBandwidths, mmdLoss, mmdLossPairs, squaredDistances, type MmdEstimator, type MmdLossOptions } from './losses.ts';
export {
  accuracyOf,
  ADAPT_METHODS,
  dannLambda,
  trainAdapted,
  type AdaptEpochRecord,
  type AdaptMethod,
  type DomainData,
  type LabelledDomainData,
  type TrainAdaptedOptions,
  type TrainAdaptedResult,
} from './train-adapted.ts';
