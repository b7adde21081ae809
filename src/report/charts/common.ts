/**
 * What every chart builder shares: the spec skeleton and the 95% interval of a mean over seeds.
 *
 * @module
 */
import { studentTQuantile } from '../../measures/stats.ts';
import type { VegaLiteSpec } from './render.ts';

/**
 * Schema URL every spec names (Vega-Lite 6).
 *
 * @example
 * ```ts
 * const spec = { $schema: VEGA_LITE_SCHEMA, mark: 'point' };
 * ```
 */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * A chart's title and optional subtitle, as Vega-Lite takes them.
 *
 * @example
 * ```ts
 * const t: ChartTitle = { text: 'Learning curve', subtitle: 'mean ± 95% CI over 3 seeds' };
 * ```
 */
export interface ChartTitle {
  text: string;
  subtitle?: string;
}

/**
 * The top-level fields of every spec: schema, title, size (the view's inner width and height).
 *
 * @example
 * ```ts
 * const spec = { ...chartFrame({ text: 'Loss' }, 420, 260), data: { values: [] }, mark: 'line' };
 * ```
 */
export function chartFrame(title: ChartTitle, width = 420, height = 260): Record<string, unknown> {
  return { $schema: VEGA_LITE_SCHEMA, title: title.subtitle ? { text: title.text, subtitle: title.subtitle } : title.text, width, height };
}

/**
 * Casts a built spec object to {@link VegaLiteSpec} (builders assemble plain objects).
 *
 * @example
 * ```ts
 * return asSpec({ ...chartFrame({ text: 'x' }), data: { values: [] }, mark: 'point' });
 * ```
 */
export function asSpec(spec: Record<string, unknown>): VegaLiteSpec {
  return spec as unknown as VegaLiteSpec;
}

/**
 * Half-width of the 95% Student-t interval of a mean from its sample std over `n` values
 * (0 when n < 2).
 *
 * @example
 * ```ts
 * meanHalfWidth(0.02, 3); // 4.303 · 0.02 / √3 ≈ 0.0497
 * ```
 */
export function meanHalfWidth(std: number, n: number): number {
  if (n < 2 || !Number.isFinite(std)) return 0;
  return (studentTQuantile(0.975, n - 1) * std) / Math.sqrt(n);
}

/**
 * A number for a label: up to `digits` significant digits, no trailing zeros.
 *
 * @example
 * ```ts
 * shortNumber(0.123456); // '0.1235'
 * ```
 */
export function shortNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(digits)));
}

/**
 * One band per row of a bar list, in order, for labels that may repeat (a text's tokens): each
 * row gets a unique `key` (its position) for the `y` channel, and the axis shows its `label`
 * field (`labelField`) instead of the key.
 *
 * @example
 * ```ts
 * const { keyed, y } = bandPerPosition([{ label: 'good', w: 1 }, { label: 'good', w: 0.5 }]);
 * // keyed[1].key === 1; y = { field: 'key', type: 'nominal', sort: [0, 1], axis: { labelExpr: … } }
 * ```
 */
export function bandPerPosition<T extends Record<string, unknown>>(rows: readonly T[], labelField = 'label'): { keyed: Array<T & { key: number }>; y: { field: 'key'; type: 'nominal'; sort: number[]; axis: { labelExpr: string } } } {
  const keyed = rows.map((r, key) => ({ ...r, key }));
  const labels = rows.map((r) => String(r[labelField]));
  return { keyed, y: { field: 'key', type: 'nominal', sort: keyed.map((r) => r.key), axis: { labelExpr: `${JSON.stringify(labels)}[datum.value]` } } };
}
