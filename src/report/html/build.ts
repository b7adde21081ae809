/**
 * Builds and writes the HTML report of a run: gathers the run folder (`gather.ts`), makes each
 * section that the run has data for, renders the charts as inline SVG, and writes one
 * self-contained file atomically.
 *
 * @module
 */
import { join } from 'node:path';
import type { Dataset } from '../../data/dataset.ts';
import { writeFileAtomic } from '../../util/atomic.ts';
import { chartSections } from './chart-sections.ts';
import { explanationSections } from './explanation-sections.ts';
import { gatherExplanations } from './explanations.ts';
import { gatherReport, type GatherOptions } from './gather.ts';
import { FigureMaker } from './inline-svg.ts';
import { shiftFigures } from './shift-charts.ts';
import { reportPage } from './page.ts';
import { caveatsSection, configurationSection, dataSection, fairnessSection, metricsSection, modelCardSection, shiftSection, verdictSection } from './sections-run.ts';
import type { ReportSection } from './section.ts';

/** File name of the report in a run folder (the default of `writeRunReport`). */
export const REPORT_HTML = 'report.html';

/**
 * Options of {@link buildRunReport}.
 *
 * @example
 * ```ts
 * const opts: ReportOptions = { now: new Date('2026-01-01T00:00:00Z') };
 * ```
 */
export interface ReportOptions extends GatherOptions {
  /**
   * Data to explain the model on (tabular models): adds the explanation sections — Shapley
   * values, permutation importance when labelled, and their quality checks. Without it the
   * report reads the run folder only.
   */
  data?: string | Dataset;
  /** Rows explained one by one (default 3, at most 10). */
  rows?: number;
  /** Label column of CSV `data`. */
  label?: string;
  /** Seed of the explanations' and the shift diagnosis' samples (default 0). */
  seed?: number;
  /**
   * Adapt runs: diagnose the shift between the source and target that config.json names again,
   * for the projection and per-column drift charts (the run stores only the shift measures).
   */
  shift?: boolean;
  /** Called with a line of progress text as the report is built. */
  onProgress?: (message: string) => void;
}

/**
 * A built report: the page, and what it holds.
 *
 * @example
 * ```ts
 * const { html, sections, charts } = await buildRunReport('runs/iris');
 * ```
 */
export interface RunReport {
  html: string;
  /** Ids of the sections included, in page order. */
  sections: string[];
  /** Inline SVG charts in the page. */
  charts: number;
}

/**
 * Builds the report of a `fit` or `adapt` run folder as one HTML document: configuration, data,
 * loss curves, metrics with 95% intervals, the transfer-vs-scratch (or adapted-vs-source-only)
 * verdict, shift diagnostics (with `shift`, re-diagnosed for its charts), confusion matrix, ROC / precision-recall and reliability from the
 * stored predictions, explanations and their quality (with `data`), the group audit and privacy
 * check, the saved model card and the caveats — each section only when the run has its data.
 *
 * @throws TransferkitError `RUN_NOT_FOUND`, `NOT_A_DIRECTORY`, `NOT_A_RUN` (what is missing is
 *   named), `CORRUPT_RUN` (the damaged file is named).
 * @example
 * ```ts
 * const report = await buildRunReport('runs/iris');
 * console.log(report.sections.join(', '), report.charts);
 * ```
 */
export async function buildRunReport(folder: string, opts: ReportOptions = {}): Promise<RunReport> {
  opts.onProgress?.(`reading ${folder}`);
  const data = await gatherReport(folder, opts);
  const { card, run } = data;
  const figures = new FigureMaker();
  opts.onProgress?.('rendering the charts');
  const charts = await chartSections(data, figures);
  let shift = { html: '', charts: 0 };
  if (opts.shift) {
    opts.onProgress?.('diagnosing the shift between source and target');
    shift = await shiftFigures(run, figures, { seed: opts.seed });
  }
  let explained: ReportSection[] = [];
  if (opts.data !== undefined) {
    opts.onProgress?.('explaining the model');
    explained = await explanationSections(await gatherExplanations(run.dir, opts.data, { rows: opts.rows, label: opts.label, seed: opts.seed }), figures);
  }
  const sections: ReportSection[] = [
    configurationSection(card, run.config),
    dataSection(card),
    charts.curves,
    metricsSection(card),
    verdictSection(card, charts.verdict.html, charts.verdict.charts),
    shiftSection(card, shift.html, shift.charts),
    ...charts.evaluation,
    ...explained,
    fairnessSection(card, charts.fairness.html, charts.fairness.charts),
    modelCardSection(data.savedCard, data.savedCardProblem, run.folder),
    caveatsSection(card),
  ].filter((s): s is ReportSection => s !== undefined);
  return { html: reportPage(card, sections), sections: sections.map((s) => s.id), charts: figures.count };
}

/**
 * Builds the report of a run and writes it atomically (default `<run>/report.html`).
 *
 * @throws TransferkitError as {@link buildRunReport}; `WRITE_FAILED`, `NOT_A_DIRECTORY` from the
 *   atomic writer (the path is named).
 * @example
 * ```ts
 * const { path, sections, charts } = await writeRunReport('runs/iris', { out: 'iris.html' });
 * ```
 */
export async function writeRunReport(folder: string, opts: ReportOptions & { out?: string } = {}): Promise<Omit<RunReport, 'html'> & { path: string; bytes: number }> {
  const report = await buildRunReport(folder, opts);
  const path = opts.out ?? join(folder, REPORT_HTML);
  await writeFileAtomic(path, report.html);
  return { path, sections: report.sections, charts: report.charts, bytes: Buffer.byteLength(report.html) };
}
