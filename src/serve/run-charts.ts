/**
 * What the dashboard draws for a run (Vega-Lite specs from the report's chart builders, rendered
 * in the browser by vega-embed, so the dashboard and `transferkit report` draw the same charts)
 * and the side-by-side comparison of runs.
 *
 * @module
 */
import { asSpec, chartFrame } from '../report/charts/common.ts';
import { confusionChart } from '../report/charts/confusion.ts';
import { lossCurveChart, type EpochLoss } from '../report/charts/loss-curve.ts';
import type { VegaLiteSpec } from '../report/charts/render.ts';
import type { RunDetail } from './run-list.ts';

/**
 * The charts of one run: loss (and validation loss) per epoch, and the confusion matrix of the
 * scores the run records.
 *
 * @example
 * ```ts
 * const { history, confusion } = runCharts(await runDetail('runs', 'iris'));
 * ```
 */
export function runCharts(d: RunDetail): { history?: VegaLiteSpec; confusion?: VegaLiteSpec } {
  const out: { history?: VegaLiteSpec; confusion?: VegaLiteSpec } = {};
  const epochs: EpochLoss[] = d.history.flatMap((r) =>
    typeof r.loss === 'number' ? [{ phase: String(r.phase ?? ''), epoch: Number(r.epoch), loss: r.loss, ...(typeof r.valLoss === 'number' ? { valLoss: r.valLoss } : {}) }] : [],
  );
  if (epochs.length) out.history = lossCurveChart(epochs);
  const scores = (d.metrics?.[d.scores ?? 'val'] ?? undefined) as { confusionMatrix?: number[][] } | undefined;
  const cm = scores?.confusionMatrix;
  if (Array.isArray(cm) && cm.length === d.classes.length) {
    out.confusion = confusionChart({ confusionMatrix: cm, classes: d.classes }, { title: `Confusion matrix (${d.scores === 'train' ? 'training data' : d.scores === 'after' ? 'after adaptation' : 'validation data'})` });
  }
  return out;
}

/** The metrics the comparison lines up. */
const COMPARED = ['accuracy', 'macroF1', 'rocAuc', 'logLoss', 'n', 'epochs'] as const;

/**
 * Runs side by side: one row per run with its settings and scores, and a chart of the scores.
 *
 * @example
 * ```ts
 * const { rows, chart } = compareRuns([await runDetail('runs', 'a'), await runDetail('runs', 'b')]);
 * ```
 */
export function compareRuns(runs: RunDetail[]): { rows: Array<Record<string, unknown>>; metrics: readonly string[]; chart: VegaLiteSpec } {
  const rows = runs.map((r) => ({
    name: r.name,
    status: r.status,
    strategy: r.strategy,
    base: r.base,
    train: r.train,
    scores: r.scores,
    ...Object.fromEntries(COMPARED.map((k) => [k, r[k] ?? null])),
  }));
  const values = runs.flatMap((r) => (['accuracy', 'macroF1', 'rocAuc'] as const).flatMap((m) => (typeof r[m] === 'number' ? [{ run: r.name, metric: m, value: r[m] }] : [])));
  const chart = asSpec({
    ...chartFrame({ text: 'Scores side by side', subtitle: 'each run\'s recorded scores (validation when it had validation data)' }, Math.max(240, 90 * runs.length), 220),
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'run', type: 'nominal', title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'metric' },
      y: { field: 'value', type: 'quantitative', scale: { domain: [0, 1] }, title: 'score' },
      color: { field: 'metric', type: 'nominal', title: null },
      tooltip: [{ field: 'run' }, { field: 'metric' }, { field: 'value', format: '.3f' }],
    },
  });
  return { rows, metrics: COMPARED, chart };
}
