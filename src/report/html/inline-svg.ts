/**
 * Charts as inline SVG in the report: rendered by the charts module (`renderChart(spec, 'svg')`),
 * then made safe to sit beside other charts in one HTML document — the namespace declarations go
 * (inline SVG in HTML needs none, and the page then holds no URL at all) and every `id` and its
 * references get a per-chart prefix, so two charts' clip paths never collide.
 *
 * @module
 */
import { renderChart, type VegaLiteSpec } from '../charts/index.ts';
import { esc } from './escape.ts';

/**
 * Renders specs into `<figure>` elements, numbering them so their SVG ids stay unique.
 *
 * @example
 * ```ts
 * const figures = new FigureMaker();
 * const html = await figures.figure(spec, 'Loss per epoch');
 * figures.count; // 1
 * ```
 */
export class FigureMaker {
  /** Charts rendered so far. */
  count = 0;

  /** Renders one chart as a captioned figure (safe HTML). */
  async figure(spec: VegaLiteSpec, caption: string): Promise<string> {
    const n = ++this.count;
    const svg = uniqueIds(stripNamespaces(await renderChart(spec, 'svg')), `c${n}-`);
    const labelled = svg.replace(/^<svg\b/, `<svg role="img" aria-label="${esc(caption)}"`);
    return `<figure class="chart" data-chart="${n}">${labelled}<figcaption>${esc(caption)}</figcaption></figure>`;
  }
}

/** Drops `xmlns` / `xmlns:*` attributes (inline SVG in HTML gets its namespace from the parser). */
function stripNamespaces(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/\s+xmlns(:\w+)?="[^"]*"/g, '');
}

/** Prefixes every `id="…"` and its references (`url(#…)`, `href="#…"`). */
function uniqueIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`);
}
