/**
 * `--plot <file>` and `--plot-dir <dir>`: the charts of a command's result, written as PNG or SVG.
 *
 * @module
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import sharp from 'sharp';
import { TransferkitError } from '../errors.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { chartFormatOf, writeChartDir, writeCharts, type VegaLiteSpec } from '../report/charts/index.ts';

/**
 * The plot flags a command was given.
 *
 * @example
 * ```ts
 * const f: PlotFlags = { plot: 'curve.png' };
 * ```
 */
export interface PlotFlags {
  plot?: string;
  plotDir?: string;
}

/**
 * Adds `--plot <file>` (all of the result's charts in one .png or .svg, side by side) and, with
 * `dir`, `--plot-dir <dir>` (one PNG per chart, named after it). `what` says what is drawn.
 *
 * @example
 * ```ts
 * withPlotOptions(cmd, 'the learning curve');
 * ```
 */
export function withPlotOptions(cmd: Command, what: string, dir = false): Command {
  cmd.option('--plot <file>', `write ${what} as a chart: .png or .svg by the extension${dir ? ' (several charts side by side)' : ''}`);
  if (dir) cmd.option('--plot-dir <dir>', `write each chart of ${what} as <dir>/<chart>.png`);
  return cmd;
}

/**
 * Refuses a `--plot` file that is neither .png nor .svg before any work is done (`BAD_PLOT_PATH`).
 *
 * @example
 * ```ts
 * checkPlotFlags({ plot: 'curve.pdf' }); // throws BAD_PLOT_PATH
 * ```
 */
export function checkPlotFlags(flags: PlotFlags): void {
  if (flags.plot !== undefined) chartFormatOf(flags.plot);
}

/**
 * Whether any plot flag was given.
 *
 * @example
 * ```ts
 * if (wantsPlot(flags)) m = await evaluateModel({ ...opts, curves: true });
 * ```
 */
export function wantsPlot(flags: PlotFlags): boolean {
  return flags.plot !== undefined || flags.plotDir !== undefined;
}

/**
 * Writes the charts the flags ask for and returns the paths written (none without plot flags).
 *
 * @example
 * ```ts
 * const plots = await writePlots(flags, () => ({ curve: learningCurveChart(res) }));
 * ```
 */
export async function writePlots(flags: PlotFlags, charts: () => Record<string, VegaLiteSpec>): Promise<string[]> {
  if (!wantsPlot(flags)) return [];
  const specs = charts();
  const paths: string[] = [];
  if (flags.plot !== undefined) paths.push(await writeCharts(specs, flags.plot));
  if (flags.plotDir !== undefined) paths.push(...(await writeChartDir(specs, flags.plotDir)));
  return paths;
}

/**
 * The line a command's text output ends with when it wrote charts ('' when none).
 *
 * @example
 * ```ts
 * plotLine(['curve.png']); // '\nchart: curve.png'
 * ```
 */
export function plotLine(paths: readonly string[]): string {
  return paths.length ? `\nchart${paths.length > 1 ? 's' : ''}: ${paths.join(', ')}` : '';
}

/**
 * Writes image-explanation overlays (PNG only): `--plot` gets every row side by side,
 * `--plot-dir` one `overlay-<row>.png` per row. Returns the paths written.
 *
 * @example
 * ```ts
 * const plots = await writeImagePlots(flags, async () => imageOverlays(e, { model, data }), e.rows.map((r) => r.row));
 * ```
 */
export async function writeImagePlots(flags: PlotFlags, overlays: () => Promise<Buffer[]>, rows: readonly number[]): Promise<string[]> {
  if (!wantsPlot(flags)) return [];
  if (flags.plot !== undefined && chartFormatOf(flags.plot) !== 'png') {
    throw new TransferkitError('BAD_PLOT_PATH', `Image explanations are drawn over the image as PNG; ${flags.plot} asks for SVG`, { where: flags.plot, hint: 'Name the file with .png, e.g. --plot overlay.png.' });
  }
  const pngs = await overlays();
  const paths: string[] = [];
  if (flags.plot !== undefined) {
    await writeFileAtomic(flags.plot, await sideBySide(pngs));
    paths.push(flags.plot);
  }
  if (flags.plotDir !== undefined) {
    for (let i = 0; i < pngs.length; i++) {
      const path = join(flags.plotDir, `overlay-${rows[i]}.png`);
      await writeFileAtomic(path, pngs[i]);
      paths.push(path);
    }
  }
  return paths;
}

/** PNGs joined left to right on white. */
async function sideBySide(pngs: Buffer[]): Promise<Buffer> {
  if (pngs.length === 1) return pngs[0];
  const metas = await Promise.all(pngs.map((p) => sharp(p).metadata()));
  const width = metas.reduce((s, m) => s + (m.width ?? 0), 0);
  const height = Math.max(...metas.map((m) => m.height ?? 0));
  let left = 0;
  const parts = pngs.map((input, i) => {
    const part = { input, left, top: 0 };
    left += metas[i].width ?? 0;
    return part;
  });
  return sharp({ create: { width, height, channels: 3, background: 'white' } }).composite(parts).png().toBuffer();
}
