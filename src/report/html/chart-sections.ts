/**
 * The report's sections that are mostly charts — loss curves, the confusion matrix, ROC /
 * precision-recall and reliability from the stored predictions — and the charts that go inside
 * the verdict section (the learning curve of the compare experiment) and the group audit. Charts come from the
 * builders of `../charts`; curves over many predictions are thinned there (at most 200 points a
 * class) and reliability is binned, so a run with 10,000 stored predictions stays small.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CurveResult } from '../../choose/curve.ts';
import { evaluationCurves } from '../../measures/evaluation-curves.ts';
import { expectedCalibrationError } from '../../measures/metrics.ts';
import { adaptFacts } from '../card/adapt-facts.ts';
import { fitFacts } from '../card/fit-facts.ts';
import type { AuditReport } from '../../audit/report.ts';
import { AUDIT_FILE } from '../card/attachments.ts';
import { confusionChart } from '../charts/confusion.ts';
import { fairnessChart } from '../charts/fairness.ts';
import { learningCurveChart, usableCurve } from '../charts/learning-curve.ts';
import { lossCurveChart } from '../charts/loss-curve.ts';
import { precisionRecallChart, reliabilityChart, rocChart } from '../charts/roc.ts';
import { esc, htmlTable, num } from './escape.ts';
import type { ReportData } from './gather.ts';
import type { FigureMaker } from './inline-svg.ts';
import type { ReportSection } from './section.ts';

/** Up to this many classes the confusion matrix is also shown as a table. */
const TABLE_CLASSES = 12;
/** Bins of the reliability diagram. */
const RELIABILITY_BINS = 10;

/**
 * Chart sections, and chart HTML for sections made elsewhere.
 *
 * @example
 * ```ts
 * const { curves, evaluation, verdict } = await chartSections(data, new FigureMaker());
 * ```
 */
export interface ChartSections {
  curves?: ReportSection;
  evaluation: ReportSection[];
  /** The learning curve of the experiment the verdict comes from. */
  verdict: { html: string; charts: number };
  /** The group metrics of audit.json. */
  fairness: { html: string; charts: number };
}

/**
 * Makes the chart sections of a run's report (each only when the run has its data).
 *
 * @example
 * ```ts
 * const sections = await chartSections(await gatherReport('runs/iris'), new FigureMaker());
 * ```
 */
export async function chartSections(data: ReportData, figures: FigureMaker): Promise<ChartSections> {
  const evaluation: ReportSection[] = [];
  const confusion = await confusionSection(data, figures);
  if (confusion) evaluation.push(confusion);
  if (data.stored) evaluation.push(...(await predictionSections(data, figures)));
  return { curves: await curvesSection(data, figures), evaluation, verdict: await learningCurve(data, figures), fairness: await groupChart(data, figures) };
}

async function curvesSection(data: ReportData, figures: FigureMaker): Promise<ReportSection | undefined> {
  if (!data.curves.length) {
    if (!data.curvesProblem) return undefined;
    return { id: 'curves', title: 'Training curves', html: `<p class="note">The training curves are left out: ${esc(data.curvesProblem)}</p>`, charts: 0 };
  }
  const before = figures.count;
  const phases = [...new Set(data.curves.map((c) => c.phase))];
  const last = phases.map((p) => data.curves.filter((c) => c.phase === p).at(-1)!);
  const from = data.run.kind === 'fit' ? 'history.jsonl' : 'metrics.json (deep adaptation: the adapted network and its source-only baseline)';
  const html = [
    await figures.figure(lossCurveChart(data.curves), `Loss per epoch of each phase, from ${from}`),
    htmlTable(['phase', 'epochs', 'last training loss', 'last validation loss'], last.map((r) => [r.phase, r.epoch, r.loss, r.valLoss ?? null])),
  ].join('');
  return { id: 'curves', title: 'Training curves', html, charts: figures.count - before };
}

async function confusionSection(data: ReportData, figures: FigureMaker): Promise<ReportSection | undefined> {
  const facts = data.run.kind === 'fit' ? fitFacts(data.run) : adaptFacts(data.run);
  const scores = facts.evaluation.scores;
  if (!scores) return undefined;
  const classes = data.run.classes;
  const before = figures.count;
  const parts = [await figures.figure(confusionChart({ confusionMatrix: scores.confusionMatrix, classes }), `Confusion matrix on the ${facts.evaluation.role} (${scores.n} examples)`)];
  if (classes.length <= TABLE_CLASSES) {
    parts.push(htmlTable(['true \\ predicted', ...classes], scores.confusionMatrix.map((row, i) => [classes[i] ?? `class ${i}`, ...row]), 'rows: true class; columns: predicted class'));
  }
  return { id: 'confusion', title: 'Confusion matrix', html: parts.join(''), charts: figures.count - before };
}

/** ROC / precision-recall and the reliability diagram of the labelled stored predictions. */
async function predictionSections(data: ReportData, figures: FigureMaker): Promise<ReportSection[]> {
  const p = data.stored!;
  const classes = data.run.classes;
  const n = p.labels.length;
  const note = `<p class="note">From predictions.jsonl: ${n} labelled predictions${p.unlabelled ? ` (${p.unlabelled} without a label left out)` : ''}.</p>`;
  const curves = evaluationCurves(p.labels, p.probs, classes);
  const out: ReportSection[] = [];
  if (curves.perClass.length) {
    const before = figures.count;
    const html = [
      note,
      '<div class="charts">',
      await figures.figure(rocChart(curves), 'ROC curve (one-vs-rest per class; at most 200 points a class)'),
      await figures.figure(precisionRecallChart(curves), 'Precision–recall curve (one-vs-rest per class)'),
      '</div>',
      htmlTable(['class', 'ROC AUC', 'average precision', 'prevalence'], curves.perClass.map((c) => [c.class, c.auc, c.averagePrecision, c.prevalence])),
    ].join('');
    out.push({ id: 'roc-pr', title: 'ROC and precision–recall', html, charts: figures.count - before });
  }
  const bins = evaluationCurves(p.labels, p.probs, classes, { bins: RELIABILITY_BINS }).reliability;
  const ece = expectedCalibrationError(p.labels, p.probs, classes.length, RELIABILITY_BINS);
  const before = figures.count;
  const html = [
    note,
    await figures.figure(reliabilityChart(bins, { ece }), `Reliability diagram: accuracy against confidence in ${RELIABILITY_BINS} bins`),
    `<p>Expected calibration error (ECE, ${RELIABILITY_BINS} bins): <strong>${esc(num(ece))}</strong>; 0 is perfectly calibrated.</p>`,
  ].join('');
  out.push({ id: 'reliability', title: 'Reliability (calibration)', html, charts: figures.count - before });
  return out;
}

/** The learning curve of the compare / curve experiment whose curve.json gave the verdict. */
async function learningCurve(data: ReportData, figures: FigureMaker): Promise<{ html: string; charts: number }> {
  const v = data.card.quantitativeAnalyses.verdict;
  if (!v || basename(v.from) !== 'curve.json') return { html: '', charts: 0 };
  const path = join(data.run.dir, v.from);
  if (!existsSync(path)) return { html: '', charts: 0 };
  let curve: CurveResult;
  try {
    curve = JSON.parse(readFileSync(path, 'utf8')) as CurveResult;
  } catch {
    return { html: '', charts: 0 }; // the card already says why curve.json is left out
  }
  if (!usableCurve(curve)) return { html: '<p class="note">The learning curve is left out: curve.json does not hold its points.</p>', charts: 0 };
  const before = figures.count;
  const html = await figures.figure(learningCurveChart(curve), `Learning curve of the experiment in ${v.from}: test accuracy of each strategy against the number of labelled examples`);
  return { html, charts: figures.count - before };
}

/** The group metrics chart of `audit.json` as `transferkit audit --out` writes it (another shape: no chart; the card's table stays). */
async function groupChart(data: ReportData, figures: FigureMaker): Promise<{ html: string; charts: number }> {
  if (!data.card.quantitativeAnalyses.groups) return { html: '', charts: 0 };
  let audit: AuditReport;
  try {
    audit = JSON.parse(readFileSync(join(data.run.dir, AUDIT_FILE), 'utf8')) as AuditReport;
  } catch {
    return { html: '', charts: 0 };
  }
  const usable =
    Array.isArray(audit.sensitive) &&
    typeof audit.overall === 'object' && audit.overall !== null &&
    Array.isArray(audit.groups) &&
    audit.groups.every((g) => typeof g.name === 'string' && Number.isFinite(g.count) && typeof g.values === 'object' && g.values !== null);
  if (!usable) return { html: '', charts: 0 };
  const before = figures.count;
  const html = await figures.figure(fairnessChart(audit), `Metrics by group from ${AUDIT_FILE}`);
  return { html, charts: figures.count - before };
}
