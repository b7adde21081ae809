/**
 * Choosing and proving the transfer: source/target similarity, the freeze advisor,
 * transferability ranking, learning curves and the negative-transfer verdict.
 *
 * @example
 * ```ts
 * import { advise, rankSources, learningCurve } from './choose/index.ts';
 * const a = await advise({ base: 'fashion-cnn', train: 'builtin:mnist', perClass: 10 });
 * const r = await rankSources({ candidates: ['fashion-cnn', 'digits04-cnn'], train: 'builtin:mnist', perClass: 20 });
 * const c = await learningCurve({ base: 'fashion-cnn', train: 'builtin:mnist', sizes: [1, 10, 100], seeds: 3 });
 * ```
 *
 * @module
 */
export { transferVerdict, headlineVerdict, LARGE_SHIFT_PAD, type TransferVerdict, type VerdictKind, type VerdictOptions, type ShiftSummary } from './verdict.ts';
export { embed, sourceSample, encodeSourceSample, weightedBaseLayers, type SourceSampleMeta, type Embedding } from './source.ts';
export { measureSimilarity, labelDistribution, SIMILAR_PAD, SIMILAR_CONFIDENCE, type SimilarityOptions, type SimilarityReport, type LabelDistribution } from './similarity.ts';
export { advise, adviseFitConfig, decideQuadrant, quadrantPlan, QUADRANTS, SMALL_PER_CLASS, DEFAULT_THRESHOLDS, type Advice, type AdviseOptions, type AdvisorThresholds, type Plan, type PlanContext, type Quadrant } from './advisor.ts';
export { fitAuto, ADVICE_FILE, type AutoFitConfig, type FitAutoOptions, type FitAutoResult } from './fit-auto.ts';
export { rankSources, orderBy, TRANSFERABILITY_METRICS, type Ranking, type RankOptions, type CandidateScores, type TransferabilityMetric } from './rank.ts';
export { runAndScore, runAllAndScore, curveFit, timeToAccuracy, trainingBudget, type RunSpec, type RunOutcome } from './experiment.ts';
export { learningCurve, compareTransfer, efficiency, crossing, type CurveOptions, type CurveResult, type CurvePoint, type CurveSize, type StrategyPoint, type DataEfficiency, type CompareTransferOptions, CURVE_OPTIONS_FILE, type SavedCurveOptions } from './curve.ts';
export { resumeLearningCurve, readCurveOptions, type ResumeCurveOptions } from './curve-resume.ts';
export { trainOrResume, type TrainedRun } from './run-resume.ts';
export { crossValidate, type KFoldOptions, type KFoldResult, type FoldScore } from './kfold.ts';
export { compareStrategies, type CompareOptions, type StrategyResult } from './compare.ts';
export { runDemo, DEMO_FIT, type DemoOptions, type DemoResult } from './demo.ts';
export { TRANSFERABILITY_SCORES, transferabilityScore } from './transferability/registry.ts';
export type { TransferabilityScore, ScoreInput } from './transferability/score.ts';
