/**
 * Several charts in one file, or one file per chart.
 *
 * @module
 */
import { join } from 'node:path';
import { TransferkitError } from '../../errors.ts';
import { asSpec, VEGA_LITE_SCHEMA } from './common.ts';
import { chartFormatOf, writeChart, type ChartFormat, type RenderOptions, type VegaLiteSpec } from './render.ts';

/**
 * The charts side by side in one spec (`columns` per line, default 2), each keeping its own
 * scales, axes and legends. One chart is returned as it is.
 *
 * @example
 * ```ts
 * const panel = combineCharts(Object.values(evaluationCharts(m)));
 * ```
 */
export function combineCharts(specs: readonly VegaLiteSpec[], opts: { columns?: number; title?: string } = {}): VegaLiteSpec {
  if (specs.length === 0) throw new TransferkitError('BAD_INPUT', 'No charts to combine', { where: 'combineCharts' });
  if (specs.length === 1 && !opts.title) return specs[0];
  const inner = specs.map((s) => {
    const { $schema: _schema, config: _config, background: _bg, ...rest } = s as unknown as Record<string, unknown>;
    void _schema;
    void _config;
    void _bg;
    return rest;
  });
  return asSpec({
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title ? { title: opts.title } : {}),
    columns: Math.min(opts.columns ?? 2, specs.length),
    concat: inner,
    spacing: 40,
    resolve: { scale: { color: 'independent', shape: 'independent', strokeDash: 'independent', x: 'independent', y: 'independent' }, legend: { color: 'independent', shape: 'independent', strokeDash: 'independent' } },
  });
}

/**
 * Writes each chart to `<dir>/<name>.<format>` (default PNG); returns the paths written, in the
 * order of `charts`.
 *
 * @example
 * ```ts
 * await writeChartDir(evaluationCharts(m), 'plots'); // plots/confusion.png, plots/roc.png, …
 * ```
 */
export async function writeChartDir(charts: Record<string, VegaLiteSpec>, dir: string, opts: RenderOptions & { format?: ChartFormat } = {}): Promise<string[]> {
  const paths: string[] = [];
  for (const [name, spec] of Object.entries(charts)) paths.push(await writeChart(spec, join(dir, `${name}.${opts.format ?? 'png'}`), opts));
  return paths;
}

/**
 * Writes the charts to one file (`.svg` or `.png`): a single chart as it is, several side by
 * side ({@link combineCharts}). Returns the path.
 *
 * @example
 * ```ts
 * await writeCharts(evaluationCharts(m), 'evaluation.png');
 * ```
 */
export async function writeCharts(charts: Record<string, VegaLiteSpec>, path: string, opts: RenderOptions & { columns?: number } = {}): Promise<string> {
  chartFormatOf(path);
  const specs = Object.values(charts);
  if (specs.length === 0) {
    throw new TransferkitError('BAD_INPUT', 'This result has nothing to chart', { where: path, hint: 'Charts need the data behind them, e.g. a labelled evaluation or more than one row.' });
  }
  return writeChart(combineCharts(specs, { columns: opts.columns }), path, opts);
}
