/**
 * Reports of a run: its model card (Mitchell et al. 2019 sections) as JSON, validated against a
 * JSON Schema, and as Markdown; and one self-contained HTML report with inline SVG charts
 * (`buildRunReport`, `writeRunReport`).
 *
 * @example
 * ```ts
 * import { buildModelCard, writeModelCard } from './report/index.ts';
 * await writeModelCard(await buildModelCard('runs/iris', { intendedUse: 'teaching' }), 'runs/iris');
 * ```
 *
 * @module
 */
export { buildModelCard, type CardOptions } from './card/build.ts';
export { modelCardMarkdown } from './card/markdown.ts';
export { writeModelCard, writeRunCard, CARD_JSON, CARD_MARKDOWN } from './card/write.ts';
export { MODEL_CARD_SCHEMA, validateModelCard, assertModelCard } from './card/schema.ts';
export { validateJson, type JsonSchema, type JsonType, type SchemaError } from './card/validate.ts';
export { wilsonInterval, bootstrapConfusion, macroF1FromConfusion, Z95, type Interval, type BootstrapOptions } from './card/intervals.ts';
export { AUDIT_FILE, PRIVACY_FILE, type AuditInput, type PrivacyInput } from './card/attachments.ts';
export {
  MODEL_CARD_FORMAT,
  type ModelCard,
  type ModelDetails,
  type IntendedUse,
  type Factors,
  type Measure,
  type MetricsSection,
  type ClassCount,
  type DataDescription,
  type EvaluationData,
  type SourceDescription,
  type TrainingData,
  type PerClassRow,
  type GroupAnalysis,
  type ShiftAnalysis,
  type VerdictAnalysis,
  type QuantitativeAnalyses,
  type PrivacyAnalysis,
  type EthicalConsiderations,
  type CaveatsAndRecommendations,
} from './card/types.ts';
export { buildRunReport, writeRunReport, REPORT_HTML, type ReportOptions, type RunReport } from './html/build.ts';
export { shiftFigures, SHIFT_ROWS } from './html/shift-charts.ts';
export { gatherExplanations, MAX_LOCAL_ROWS, SUMMARY_ROWS, type ExplanationData, type ExplanationOptions, type QualityRow } from './html/explanations.ts';
export { gatherReport, type ReportData, type GatherOptions } from './html/gather.ts';
export {
  renderChart,
  writeChart,
  writeCharts,
  writeChartDir,
  combineCharts,
  compileChart,
  chartFormatOf,
  learningCurveChart,
  compareChart,
  lossCurveChart,
  confusionChart,
  rocChart,
  precisionRecallChart,
  reliabilityChart,
  evaluationCharts,
  shiftProjectionChart,
  driftChart,
  shiftCharts,
  rankingChart,
  fairnessChart,
  shapBeeswarmChart,
  shapWaterfallChart,
  meanShapChart,
  permutationChart,
  pdpChart,
  limeChart,
  counterfactualChart,
  explanationCharts,
  imageOverlayPng,
  imageOverlays,
  type VegaLiteSpec,
  type ChartFormat,
  type RenderOptions,
  type EpochLoss,
  type OverlayOptions,
} from './charts/index.ts';
