/**
 * Shift diagnostics (MMD, proxy A-distance, CORAL, per-feature drift, BBSE label shift) and
 * transferability scores (LEEP, NCE, H-score, LogME), in plain TypeScript on row-major matrices.
 *
 * @example
 * ```ts
 * import { mmd, proxyADistance, logME } from './measures/index.ts';
 * const { mmd2, pValue } = mmd(sourceFeatures, targetFeatures, { seed: 1 });
 * const { pad } = proxyADistance(sourceFeatures, targetFeatures);
 * const { score } = logME(targetFeatures, targetLabels, numClasses);
 * ```
 *
 * @module
 */
export type { Matrix, MatrixInput, SymmetricEigen } from './linalg.ts';
export { toMatrix, covariance, symmetricEigen } from './linalg.ts';
export { randomizedSvd, type RandomizedSvdOptions, type TruncatedSvd } from './randomized-svd.ts';
export { medianBandwidth, medianPairDistance, type MedianBandwidthOptions, type PairwiseSquaredDistances } from './kernels.ts';
export { mmd, type MmdOptions, type MmdResult } from './mmd.ts';
export { fitLogistic, type LogisticModel, type LogisticOptions } from './logistic.ts';
export { proxyADistance, type ProxyADistanceOptions, type ProxyADistanceResult } from './proxy-a-distance.ts';
export { coralDistance, coralAlign, type CoralAlignOptions, type CoralAlignResult } from './coral.ts';
export { chiSquareSf, kolmogorovSf, regularizedGammaQ, logGamma } from './distributions.ts';
export { ksTwoSample, chiSquareHomogeneity, type KsResult, type ChiSquareResult } from './two-sample-tests.ts';
export { featureDrift, type FeatureDrift, type DriftColumn } from './feature-drift.ts';
export { labelShiftBBSE, type BbseResult } from './bbse.ts';
export { leep } from './leep.ts';
export { nce } from './nce.ts';
export { hScore, type HScoreOptions } from './h-score.ts';
export { logME, type LogMEClass, type LogMEOptions, type LogMEResult } from './logme.ts';
export {
  classificationMetrics,
  binaryRocAuc,
  argmaxRow,
  reliabilityBins,
  expectedCalibrationError,
  topKAccuracy,
  rocCurve,
  precisionRecallCurve,
  averagePrecision,
  type ClassificationMetrics,
  type ClassMetrics,
  type ReliabilityBin,
  type ThresholdPoint,
} from './metrics.ts';
export { evaluationCurves, type EvaluationCurves, type ClassCurves } from './evaluation-curves.ts';
export { kendallTau, pairedDifference, studentTCdf, studentTQuantile, regularizedBeta, meanStd, type PairedDifference, type PairedDifferenceOptions, type IntervalMethod } from './stats.ts';
