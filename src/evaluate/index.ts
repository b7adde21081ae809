/**
 * Evaluation: load a trained model (run folder, model folder, zoo name), score it on labelled
 * data, predict on new data, cross-validate a run, and the classification metrics.
 *
 * @example
 * ```ts
 * import { evaluateModel } from 'transferkit/evaluate';
 * const m = await evaluateModel({ model: 'runs/mnist', data: 'builtin:mnist' });
 * console.log(m.accuracy);
 * ```
 *
 * @module
 */
export { evaluateModel, type EvaluateOptions } from './evaluate-model.ts';
export { predictDataset, predictionsCsv, predictionsJsonl, trainedLabelOf, type Prediction, type PredictOptions, type PredictResult } from './predict.ts';
export { openModel, fittedModel, modelName, IN_MEMORY, type FittedModel, type ModelInput, type TrainingData } from './model-handle.ts';
export { loadTrainedModel, loadDataFor, type TrainedModel } from './trained-model.ts';
export { crossValidate, type KFoldOptions, type KFoldResult, type FoldScore } from './kfold.ts';
export { classificationMetrics, binaryRocAuc, meanStd, type ClassificationMetrics, type ClassMetrics } from './metrics.ts';
