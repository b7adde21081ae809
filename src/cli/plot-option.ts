/**
 * `--plot <file>` and `--plot-dir <dir>`: the charts of a command's result, written as PNG or SVG.
 *
 * @module
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import sharp from 'sharp';
import { TransferkitError } from '../errors.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { chartFormatOf, writeChartDir, writeCharts, type VegaLiteSpec } from '../report/charts/index.ts';
import { cliWording } from './wording.ts';

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
 * Refuses, before any work is done, plot flags whose charts could not be written: a `--plot`
 * file that is neither .png nor .svg (`BAD_PLOT_PATH`; with `pngOnly`, image overlays, also
 * .svg), a `--plot` that is a folder (`NOT_A_FILE`), and a `--plot` folder or `--plot-dir` that
 * cannot be made: a file on the way (`NOT_A_DIRECTORY`) or no write permission (`WRITE_FAILED`).
 *
 * @example
 * ```ts
 * await checkPlotFlags({ plot: 'curve.pdf' }); // throws BAD_PLOT_PATH
 * await checkPlotFlags({ plot: 'overlay.svg' }, { pngOnly: true }); // throws BAD_PLOT_PATH
 * ```
 */
export async function checkPlotFlags(flags: PlotFlags, opts: { pngOnly?: boolean } = {}): Promise<void> {
  if (flags.plot !== undefined) {
    if (chartFormatOf(flags.plot) !== 'png' && opts.pngOnly) throw pngOnlyError(flags.plot);
    if ((await stat(flags.plot).catch(() => undefined))?.isDirectory()) {
      throw new TransferkitError('NOT_A_FILE', `--plot names a file to write, but ${flags.plot} is a folder`, { where: flags.plot, hint: 'Name a file inside it, e.g. --plot chart.png, or use --plot-dir for one file per chart.' });
    }
    await checkCanMakeFolder(dirname(resolve(flags.plot)), '--plot');
  }
  if (flags.plotDir !== undefined) await checkCanMakeFolder(resolve(flags.plotDir), '--plot-dir');
}

/** Throws unless `dir` is a writable folder or can be made in the nearest existing writable folder above it. */
async function checkCanMakeFolder(dir: string, flag: string): Promise<void> {
  for (let p = dir; ; p = dirname(p)) {
    const s = await stat(p).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw err;
    });
    if (s === undefined && dirname(p) !== p) continue;
    if (!s?.isDirectory()) {
      throw new TransferkitError('NOT_A_DIRECTORY', `The ${flag} folder ${dir} cannot be made: ${p} is a file`, { where: flag, hint: `Give ${flag} a path whose folders are folders.` });
    }
    await access(p, constants.W_OK).catch(() => {
      throw new TransferkitError('WRITE_FAILED', `The ${flag} folder ${dir} cannot be written: no write permission on ${p}`, { where: flag, hint: `Give ${flag} a path in a folder you can write to.` });
    });
    return;
  }
}

function pngOnlyError(plot: string): TransferkitError {
  return new TransferkitError('BAD_PLOT_PATH', `Image explanations are drawn over the image as PNG; ${plot} asks for SVG`, { where: plot, hint: 'Name the file with .png, e.g. --plot overlay.png.' });
}

/**
 * Runs a chart writer after the command's work is done: a failure is printed as a warning on
 * stderr and gives no paths, so the command still prints its result and exits 0.
 */
async function orWarn(write: () => Promise<string[]>): Promise<string[]> {
  try {
    return await write();
  } catch (err) {
    const info = err instanceof TransferkitError ? err.toJSON() : { message: err instanceof Error ? err.message : String(err), hint: undefined };
    process.stderr.write(`warning: the chart was not written: ${cliWording(info.message)}${info.hint ? `\n  fix:   ${cliWording(info.hint)}` : ''}\n`);
    return [];
  }
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
 * A chart that cannot be built or written is a warning on stderr, not an error (the result
 * of the work is still printed).
 *
 * @example
 * ```ts
 * const plots = await writePlots(flags, () => ({ curve: learningCurveChart(res) }));
 * ```
 */
export async function writePlots(flags: PlotFlags, charts: () => Record<string, VegaLiteSpec>): Promise<string[]> {
  if (!wantsPlot(flags)) return [];
  return orWarn(async () => {
    const specs = charts();
    const paths: string[] = [];
    if (flags.plot !== undefined) paths.push(await writeCharts(specs, flags.plot));
    if (flags.plotDir !== undefined) paths.push(...(await writeChartDir(specs, flags.plotDir)));
    return paths;
  });
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
 * `--plot-dir` one `overlay-<row>.png` per row. Returns the paths written; a failure is a
 * warning on stderr, as in {@link writePlots}.
 *
 * @example
 * ```ts
 * const plots = await writeImagePlots(flags, async () => imageOverlays(e, { model, data }), e.rows.map((r) => r.row));
 * ```
 */
export async function writeImagePlots(flags: PlotFlags, overlays: () => Promise<Buffer[]>, rows: readonly number[]): Promise<string[]> {
  if (!wantsPlot(flags)) return [];
  return orWarn(async () => {
    if (flags.plot !== undefined && chartFormatOf(flags.plot) !== 'png') throw pngOnlyError(flags.plot);
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
  });
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
