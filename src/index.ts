/**
 * transferkit — transfer learning and model explainability for TypeScript, offline on CPU.
 *
 * @example
 * ```ts
 * import { initEngine, fit, evaluateModel } from 'transferkit';
 * await initEngine();
 * await fit({ base: 'fashion-cnn', train: 'builtin:mnist', perClass: 10, strategy: 'finetune', out: 'runs/mnist' });
 * const m = await evaluateModel({ model: 'runs/mnist', data: 'builtin:mnist' });
 * ```
 */
export { TransferkitError } from './errors.ts';
export { initEngine, engineInfo, type BackendName, type EngineInfo } from './engine/backend.ts';
export { WorkerPool, serveJobs, type WorkerPoolOptions } from './engine/worker-pool.ts';

export { subset, classCounts, type Dataset, type Features, type DataKind } from './data/dataset.ts';
export { loadDataset, relabel } from './data/load.ts';
export { listBuiltinDatasets } from './data/builtins.ts';
export { trainValTestSplit, stratifiedKFold, samplePerClass } from './data/split.ts';
export { fitFeatures, transformFeatures, featureNames, inputShape, type FeatureSpec } from './data/features.ts';
export { fitTextVectorizer, transformText } from './data/text-features.ts';

export { buildCnn, buildMlp, buildLogistic } from './models/architectures.ts';
export { listLayers, resolveLayer, cutAt, replaceHead, freeze, unfreeze, keepBatchNormInInference, countParams } from './models/surgery.ts';
export { saveModel, loadModel, checkInputShape, type ModelMeta } from './models/io.ts';
export { listZooModels, resolveModelRef } from './models/zoo.ts';

export { trainModel, predictProbs, balancedClassWeights, type TrainOptions, type EpochRecord } from './transfer/train.ts';
export { planPhases, prepareModel, applyPhase, STRATEGIES, type Strategy } from './transfer/strategies.ts';
export { fit, resumeFit, type FitConfig, type FitResult } from './transfer/fit.ts';
export { compareStrategies } from './transfer/compare.ts';
export { runDemo } from './transfer/demo.ts';

export { classificationMetrics, binaryRocAuc, type ClassificationMetrics } from './evaluate/metrics.ts';
export { evaluateModel } from './evaluate/evaluate-model.ts';
export { predictDataset } from './evaluate/predict.ts';
export { loadTrainedModel } from './evaluate/trained-model.ts';

export * from './explain/index.ts';
export { explain, EXPLAIN_METHODS, type ExplainOptions } from './explain/model/explain.ts';
export { explainModel, type ModelExplanation } from './explain/model/explain-model.ts';
export { explainImages, heatmapPng } from './explain/model/explain-image.ts';
export { whatIf } from './explain/model/what-if.ts';

export * from './measures/index.ts';

export * from './onnx/index.ts';
export * as lora from './transfer/lora/index.ts';
export * as deepAdaptation from './adapt/deep/index.ts';

export * from './adapt/index.ts';
export * from './choose/index.ts';
export { crossValidate } from './evaluate/kfold.ts';
