/**
 * Zero-shot learning: recognise classes never trained on from a table of class attributes, on
 * a frozen base's features — direct attribute prediction (DAP, Lampert et al.) and ESZSL's
 * closed form (Romera-Paredes & Torr 2015), with the conventional and generalised zero-shot
 * evaluations (calibrated stacking for the generalised one) — or from the meaning of the class names: a DeViSE-style ridge map from image
 * features to the word vectors of the names, and cosine matching of pooled word vectors for
 * texts.
 *
 * @example
 * ```ts
 * import { zeroShot } from './transfer/zero-shot/index.ts';
 * const r = await zeroShot({ base: 'fashion-cnn', train: 'builtin:fashion-mnist', test: 'builtin:fashion-mnist-test',
 *   attributes: 'datasets/fashion-attributes/attributes.csv', unseen: ['Pullover', 'Sandal', 'Bag'], method: 'dap' });
 * ```
 *
 * @module
 */
export { parseAttributeTable, readAttributeTable, signatures, varyingAttributes, checkDistinct, type AttributeTable } from './attributes.ts';
export { fitEszsl, scoreEszsl, type EszslModel, type EszslOptions } from './eszsl.ts';
export { fitDap, scoreDap, attributeProbabilities, dapScores, type DapModel, type DapOptions } from './dap.ts';
export { penultimate, imageFeatures, perClassIndices, fitStandardiser, type Standardiser } from './features.ts';
export { evaluateZeroShot, resolveSplit, ZERO_SHOT_METHODS, type ZeroShotMethod, type ZeroShotProblem, type ZeroShotEvalOptions, type ZeroShotResult, type ClassAccuracy } from './evaluate.ts';
export { tuneEszsl, type TuneOptions, type TuneResult } from './tune.ts';
export { chooseCalibration, seenUnseenCurve, curveAt, bestGamma, type Calibration, type CalibrationOptions, type SeenUnseenCurve, type SeenUnseenPoint, type ZeroShotTrainer } from './calibrate.ts';
export { heldOutSets, signatureRows } from './holdout.ts';
export { zeroShot, type ZeroShotOptions, type ZeroShotRun } from './zero-shot.ts';
export { fitDevise, embedDevise, scoreDevise, cosineScores, type DeviseModel, type DeviseOptions } from './devise.ts';
export { classVectorTable, knownWords, meanWordVector, parseClassDescriptions, readClassDescriptions, type ClassVectorOptions } from './class-vectors.ts';
export { textZeroShot, zeroShotText, type TextZeroShotOptions, type TextZeroShotResult, type ZeroShotTextOptions } from './text-zero-shot.ts';
