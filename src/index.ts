/**
 * transferkit — transfer learning and model explainability for TypeScript, offline on CPU.
 *
 * The root export holds the names a user's program needs: load data, fit by transfer, evaluate,
 * predict, explain, choose how to transfer, adapt to a shift. Each area has its own entry point
 * with everything it offers (building blocks included): `transferkit/data`, `/models`,
 * `/transfer`, `/evaluate`, `/explain`, `/adapt`, `/choose`, `/onnx`, `/measures`, `/engine`,
 * `/report` (cards, HTML reports, charts), `/serve` (the dashboard).
 *
 * The engine starts itself on first use (WebAssembly with transferkit's training kernels, or
 * tfjs-node when installed); call {@link initEngine} only to choose a backend.
 *
 * @example
 * ```ts
 * import { fit, evaluateModel } from 'transferkit';
 * const { model } = await fit({ base: 'fashion-cnn', train: 'builtin:mnist', perClass: 10, strategy: 'finetune', out: 'runs/mnist' });
 * const m = await evaluateModel({ model, data: 'builtin:mnist' });
 * model.dispose();
 * ```
 *
 * @module
 */
export { TransferkitError } from './errors.ts';
export { initEngine, engineInfo, type BackendName, type EngineInfo, type InitEngineOptions } from './engine/backend.ts';

// data
export type { Dataset, DataKind, Features } from './data/dataset.ts';
export { loadDataset, type LoadOptions } from './data/load.ts';
export { datasetFromRows, datasetFromTensors, type DataRow, type RowsOptions, type TensorsOptions } from './data/from-memory.ts';
export { listBuiltinDatasets, type BuiltinInfo } from './data/builtins.ts';
export { samplePerClass, trainValTestSplit, stratifiedKFold } from './data/split.ts';

// models
export { listZooModels, resolveModelRef, absoluteModelRef, type ZooModel } from './models/zoo.ts';
export { datasetFingerprint } from './data/fingerprint.ts';
export { loadModel, saveModel, type ModelMeta, type LoadedModel } from './models/io.ts';
export { listLayers, cutAt, replaceHead, freeze, unfreeze, countParams, type LayerInfo } from './models/surgery.ts';
export { convertOnnx, convertOnnxToDir } from './models/onnx/convert.ts';

// transfer
export { fit, resumeFit, type FitConfig, type FitCallbacks, type FitResult } from './transfer/fit.ts';
export { STRATEGIES, type Strategy } from './transfer/strategies.ts';
export { runDemo, type DemoOptions, type DemoResult } from './choose/demo.ts';

// evaluate and predict
export { evaluateModel, type EvaluateOptions } from './models/evaluate.ts';
export { predictDataset, type Prediction, type PredictOptions, type PredictResult } from './models/predict.ts';
export { loadTrainedModel, type TrainedModel } from './models/trained-model.ts';
export type { FittedModel, ModelInput } from './models/model-handle.ts';
export { crossValidate, type KFoldOptions, type KFoldResult } from './choose/kfold.ts';
export { classificationMetrics, expectedCalibrationError, topKAccuracy, type ClassificationMetrics } from './measures/metrics.ts';

// choose how to transfer, and prove it helped
export { advise, type Advice, type AdviseOptions } from './choose/advisor.ts';
export { fitAuto, type FitAutoResult } from './choose/fit-auto.ts';
export { rankSources, type Ranking, type RankOptions } from './choose/rank.ts';
export { learningCurve, compareTransfer, type CurveOptions, type CurveResult, type CompareTransferOptions } from './choose/curve.ts';
export { resumeLearningCurve, readCurveOptions, type ResumeCurveOptions } from './choose/curve-resume.ts';
export { CURVE_OPTIONS_FILE, type SavedCurveOptions } from './choose/curve.ts';
export type { TransferVerdict } from './choose/verdict.ts';

// domain shift
export { diagnoseShift, type DiagnoseOptions, type ShiftDiagnosis } from './adapt/diagnose.ts';
export { adapt, type AdaptConfig, type AdaptResult } from './adapt/adapt.ts';

// explanations
export { explain, EXPLAIN_METHODS, type ExplainOptions } from './explain/model/explain.ts';
export { whatIf, type WhatIfOptions } from './explain/model/what-if.ts';
export type { Explanation, ExplanationHeader, ExplanationKind, ExplanationScope } from './explain/model/explanation.ts';

// responsible use: fairness audit and mitigation, privacy
export { auditModel, auditPredictions, auditOutcomes, auditCard, compareDisparities, type DisparityComparison, type AuditReport, type AuditCard, type AuditGroup, type AuditMeasure, type AuditFlag, type AuditOptions, type ModelAuditOptions, type PredictionAuditOptions } from './audit/index.ts';
export { mitigate, mitigateModel, reweigh, fitThresholdOptimizer, fitExponentiatedGradient, MITIGATION_METHODS, FAIRNESS_CONSTRAINTS, type MitigateOptions, type MitigationReport, type MitigationRows, type ModelMitigationOptions, type ModelMitigationReport, type FairnessConstraint, type ThresholdOptimizer, type ExpGradClassifier } from './audit/mitigate/index.ts';
export { MetricFrame, FAIRNESS_MEASURES, binarize, type GroupMetric } from './measures/fairness/index.ts';
export { scrubText, scrubDataset, scrubFile, findPii, PII_KINDS, membershipRisk, attackMetrics, readAttackAuc, type PiiKind, type PiiMatch, type ScrubOptions, type ScrubResult, type ScrubFileOptions, type ScrubFileResult, type MembershipOptions, type MembershipRisk, type AttackMetrics, type RiskReading } from './privacy/index.ts';

// reports
export { buildModelCard, writeModelCard, writeRunCard, modelCardMarkdown, validateModelCard, MODEL_CARD_SCHEMA, type ModelCard, type CardOptions } from './report/index.ts';
export { buildRunReport, writeRunReport, type ReportOptions, type RunReport } from './report/index.ts';
export {
  renderChart,
  writeChart,
  learningCurveChart,
  lossCurveChart,
  confusionChart,
  rocChart,
  precisionRecallChart,
  reliabilityChart,
  evaluationCharts,
  shiftCharts,
  rankingChart,
  fairnessChart,
  shapBeeswarmChart,
  shapWaterfallChart,
  permutationChart,
  pdpChart,
  counterfactualChart,
  explanationCharts,
  imageOverlayPng,
  type VegaLiteSpec,
  type ChartFormat,
} from './report/index.ts';

// the local dashboard
export { startServer, type ServeOptions, type RunningServer } from './serve/index.ts';

// text: pretrained word vectors, your own ONNX encoders, self-supervised word vectors
export { loadWordVectors, saveWordVectors, documentVectors, loadTextEncoder, embedTexts, loadTokenizer, type WordVectors, type TextEncoder, type WordPieceTokenizer } from './models/index.ts';
export { pretrainText, type PretrainTextOptions, type PretrainTextRun } from './transfer/text-pretrain/index.ts';

// few-shot, one-shot
export { evaluateFewShot, RAW_BASELINE, type FewShotEvalOptions, type FewShotEvalResult } from './choose/episodes/run.ts';
export { sampleEpisodes, evaluateOnEpisodes, meanInterval, type Episode, type EpisodeSpec, type EpisodeContender, type EpisodeScore } from './choose/episodes.ts';
export { embedDataset, rawEmbeddings, fewShotPredict, FEW_SHOT_METHODS, type Embeddings, type FewShotMethod, type FewShotOptions } from './transfer/few-shot/index.ts';

// zero-shot by attributes, and by label meaning (class names as word vectors)
export { zeroShotText, textZeroShot, fitDevise, type ZeroShotTextOptions, type TextZeroShotResult } from './transfer/zero-shot/index.ts';
export { zeroShot, evaluateZeroShot, readAttributeTable, parseAttributeTable, fitEszsl, fitDap, ZERO_SHOT_METHODS, type ZeroShotOptions, type ZeroShotRun, type ZeroShotResult, type ZeroShotMethod, type AttributeTable } from './transfer/zero-shot/index.ts';

// multi-task
export { multiTask, trainMultiTask, buildMultiTaskModel, evaluateTasks, predictTasks, loadMultiTaskModel, parseTaskList, parseGroupMap, uncertaintyLoss, fixedWeightLoss, type MultiTaskConfig, type MultiTaskResult, type TrunkSpec, type Weighting, type Task, type TaskScore } from './transfer/multitask/index.ts';

// self-taught learning, unsupervised transfer
export { pretrain, trainAutoencoder, buildAutoencoder, reconstructionErrors, PRETRAIN_OBJECTIVES, type PretrainConfig, type PretrainResult, type PretrainObjective, type AutoencoderTrainOptions } from './transfer/self-taught/index.ts';
export { kmeans, normalizedMutualInfo, adjustedRandIndex, silhouetteScore, clusterData, detectNovelty, NOVELTY_METHODS, type ClusterConfig, type ClusterResult, type NoveltyConfig, type NoveltyResult, type NoveltyMethod, type KMeansResult } from './unsupervised/index.ts';
