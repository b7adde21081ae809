/**
 * Charts of transferkit's results: pure builders (result in → Vega-Lite spec out), a headless
 * renderer (Vega-Lite → Vega → SVG, PNG through sharp), and image-explanation overlays.
 *
 * @example
 * ```ts
 * import { evaluationCharts, writeCharts } from './report/charts/index.ts';
 * await writeCharts(evaluationCharts(await evaluateModel({ model: 'runs/iris', data: 'builtin:iris', curves: true })), 'eval.png');
 * ```
 *
 * @module
 */
export {
  renderChart,
  writeChart,
  compileChart,
  chartFormatOf,
  CHART_FONT,
  type VegaLiteSpec,
  type ChartFormat,
  type RenderOptions,
} from './render.ts';
export { VEGA_LITE_SCHEMA, meanHalfWidth, type ChartTitle } from './common.ts';
export { combineCharts, writeCharts, writeChartDir } from './combine.ts';
export { learningCurveChart, compareChart, usableCurve } from './learning-curve.ts';
export { lossCurveChart, type EpochLoss } from './loss-curve.ts';
export { confusionChart } from './confusion.ts';
export { rocChart, precisionRecallChart, reliabilityChart } from './roc.ts';
export { evaluationCharts } from './evaluation.ts';
export { shiftProjectionChart, driftChart, shiftCharts } from './shift.ts';
export { rankingChart } from './ranking.ts';
export { fairnessChart, FAIRNESS_CHART_METRICS } from './fairness.ts';
export { shapBeeswarmChart, shapWaterfallChart, meanShapChart } from './shap.ts';
export { permutationChart, pdpChart, limeChart } from './importance.ts';
export { counterfactualChart } from './counterfactual.ts';
export { explanationCharts } from './explanation.ts';
export { imageOverlayPng, type OverlayOptions } from '../../explain/model/overlay.ts';
export { imageOverlays } from './image-overlays.ts';
