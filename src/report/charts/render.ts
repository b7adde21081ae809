import { extname } from 'node:path';
import type * as Vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import sharp from 'sharp';
import { TransferkitError } from '../../errors.ts';
import { writeFileAtomic } from '../../util/atomic.ts';

/**
 * A Vega-Lite specification (v5/v6 top-level spec), as the chart builders return it.
 *
 * @example
 * ```ts
 * const spec: VegaLiteSpec = { data: { values: [{ x: 1, y: 2 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } };
 * ```
 */
export type VegaLiteSpec = TopLevelSpec;

/**
 * Output formats of a rendered chart.
 *
 * @example
 * ```ts
 * const format: ChartFormat = 'png';
 * ```
 */
export type ChartFormat = 'svg' | 'png';

/**
 * Options of {@link renderChart}.
 *
 * @example
 * ```ts
 * const opts: RenderOptions = { scale: 2, background: 'white' };
 * ```
 */
export interface RenderOptions {
  /** Pixel density multiplier of PNG output (2 = twice the SVG's size in pixels, crisp text). Default 2. */
  scale?: number;
  /** Background colour (CSS) drawn behind the chart. Default `'white'`. */
  background?: string;
}

/**
 * Fonts every chart uses (DejaVu Sans where installed, as on Debian; else Helvetica / Arial).
 *
 * @example
 * ```ts
 * const svgText = `<text font-family="${CHART_FONT}">…</text>`;
 * ```
 */
export const CHART_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

const BASE_CONFIG = {
  font: CHART_FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 300 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  title: { fontSize: 14, anchor: 'start' as const },
};

/** vega and vega-lite (~300 ms to import): loaded on the first chart, not when a command or the package starts. */
let libraries: Promise<[typeof Vega, typeof import('vega-lite')]> | undefined;
const chartLibraries = () => (libraries ??= Promise.all([import('vega'), import('vega-lite')]));

/** The spec with transferkit's defaults underneath its own `config`. */
function withDefaults(spec: VegaLiteSpec, background: string): VegaLiteSpec {
  const own = (spec as { config?: Record<string, unknown> }).config ?? {};
  const config: Record<string, unknown> = { ...BASE_CONFIG };
  for (const [key, value] of Object.entries(own)) {
    const base = config[key];
    const both = base && value && typeof base === 'object' && typeof value === 'object' && !Array.isArray(value);
    config[key] = both ? { ...(base as object), ...(value as object) } : value;
  }
  return { background, ...spec, config } as VegaLiteSpec;
}

/**
 * Compiles a Vega-Lite spec to a Vega spec (throws `BAD_INPUT` with Vega-Lite's message when the
 * spec is malformed).
 *
 * @example
 * ```ts
 * const vg = await compileChart({ data: { values: [{ a: 1 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'quantitative' } } });
 * ```
 */
export async function compileChart(spec: VegaLiteSpec): Promise<Vega.Spec> {
  const [, vegaLite] = await chartLibraries();
  try {
    return vegaLite.compile(spec).spec as Vega.Spec;
  } catch (err) {
    throw new TransferkitError('BAD_INPUT', `The chart spec does not compile: ${(err as Error).message}`, {
      where: 'renderChart',
      cause: err,
    });
  }
}

/**
 * Renders a Vega-Lite spec headlessly (no browser, no canvas): Vega-Lite → Vega → a View with the
 * `'none'` renderer → SVG text; PNG is that SVG rasterised by sharp at `scale`× density.
 *
 * @example
 * ```ts
 * const svg = await renderChart(spec, 'svg');          // string
 * const png = await renderChart(spec, 'png', { scale: 2 }); // Buffer
 * ```
 */
export async function renderChart(spec: VegaLiteSpec, format: 'svg', opts?: RenderOptions): Promise<string>;
export async function renderChart(spec: VegaLiteSpec, format: 'png', opts?: RenderOptions): Promise<Buffer>;
export async function renderChart(spec: VegaLiteSpec, format: ChartFormat, opts?: RenderOptions): Promise<string | Buffer>;
export async function renderChart(spec: VegaLiteSpec, format: ChartFormat, opts: RenderOptions = {}): Promise<string | Buffer> {
  if (format !== 'svg' && format !== 'png') {
    throw new TransferkitError('BAD_OPTION', `format must be 'svg' or 'png', got ${JSON.stringify(format)}`, { where: 'renderChart' });
  }
  const scale = opts.scale ?? 2;
  if (!(scale > 0 && scale <= 8)) {
    throw new TransferkitError('BAD_OPTION', `scale must be in (0, 8], got ${scale}`, { where: 'renderChart' });
  }
  const [vega] = await chartLibraries();
  const view = new vega.View(vega.parse(await compileChart(withDefaults(spec, opts.background ?? 'white'))), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    if (format === 'svg') return svg;
    return await sharp(Buffer.from(svg), { density: 72 * scale }).png().toBuffer();
  } finally {
    view.finalize();
  }
}

/**
 * The chart format a file name asks for (`.svg` or `.png`, any case); throws `BAD_PLOT_PATH` for
 * any other extension.
 *
 * @example
 * ```ts
 * chartFormatOf('runs/iris/curve.png'); // 'png'
 * ```
 */
export function chartFormatOf(path: string): ChartFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.svg') return 'svg';
  if (ext === '.png') return 'png';
  throw new TransferkitError('BAD_PLOT_PATH', `A chart is written as .svg or .png; ${JSON.stringify(path)} ends in ${ext ? JSON.stringify(ext) : 'no extension'}`, {
    where: path,
    hint: 'End the file name with .png (an image) or .svg (a vector drawing), e.g. curve.png.',
  });
}

/**
 * Renders a spec and writes it atomically; the format follows the extension (`.svg` or `.png`).
 * Returns the path written.
 *
 * @example
 * ```ts
 * await writeChart(learningCurveChart(curve), 'runs/iris/curve.png');
 * ```
 */
export async function writeChart(spec: VegaLiteSpec, path: string, opts?: RenderOptions): Promise<string> {
  const format = chartFormatOf(path);
  const out = await renderChart(spec, format, opts);
  await writeFileAtomic(path, typeof out === 'string' ? out : new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
  return path;
}
