/**
 * The shift charts of an adaptation run: the run records its shift measures but not the data,
 * so the source and target that config.json names are diagnosed again (`diagnoseShift`, on at
 * most {@link SHIFT_ROWS} rows of each) for the projection of both domains and the per-column
 * drift tests.
 *
 * @module
 */
import { diagnoseShift } from '../../adapt/diagnose.ts';
import { TransferkitError } from '../../errors.ts';
import type { RunFiles } from '../card/run-files.ts';
import { shiftCharts } from '../charts/shift.ts';
import { esc } from './escape.ts';
import type { FigureMaker } from './inline-svg.ts';

/** Rows of each domain the report's shift diagnosis reads (a seeded sample above it). */
export const SHIFT_ROWS = 2000;

/**
 * Diagnoses the shift between the run's source and target again and renders its charts.
 *
 * @throws TransferkitError `BAD_OPTION` for a run that is not an adaptation or names no single
 *   source and target; the data loaders' errors when the recorded data cannot be read.
 * @example
 * ```ts
 * const { html, charts } = await shiftFigures(await readRunFiles('runs/spam'), new FigureMaker());
 * ```
 */
export async function shiftFigures(run: RunFiles, figures: FigureMaker, opts: { seed?: number } = {}): Promise<{ html: string; charts: number }> {
  const { config } = run;
  if (run.kind !== 'adapt' || typeof config.source !== 'string' || typeof config.target !== 'string') {
    throw new TransferkitError('BAD_OPTION', `The shift charts need an adapt run with one source and one target; ${run.folder} is ${run.kind === 'adapt' ? 'an adapt run with several sources' : 'a fit run'}`, {
      where: run.folder,
      hint: 'Leave out the shift option, or diagnose the data directly with `transferkit shift`.',
    });
  }
  const d = await diagnoseShift({
    source: config.source,
    target: config.target,
    label: typeof config.label === 'string' ? config.label : undefined,
    base: typeof config.base === 'string' ? config.base : undefined,
    seed: opts.seed,
    maxRows: SHIFT_ROWS,
    projection: true,
  });
  const specs = shiftCharts(d);
  const before = figures.count;
  const parts = [`<p>Diagnosed again on the data config.json names: ${esc(d.source.name)} (${esc(d.source.size)} rows) → ${esc(d.target.name)} (${esc(d.target.size)} rows); verdict: <strong>${esc(d.verdict)}</strong>.</p>`];
  if (specs.projection) parts.push(await figures.figure(specs.projection, 'Source and target examples on the first two principal components of both domains'));
  if (specs.drift) parts.push(await figures.figure(specs.drift, 'Per-column drift: −log10 p of each column’s two-sample test (KS for numbers, χ² for categories), source against target'));
  return { html: parts.join(''), charts: figures.count - before };
}
