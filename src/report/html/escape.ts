/**
 * HTML escaping for the run report: every value that comes from a run folder (class names,
 * column names, paths, free text) goes through {@link esc} before it is put into the page, so a
 * class called `<script>` is shown as text, never run.
 *
 * @module
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes a value for HTML text or a quoted attribute: `& < > " '` become entities; `null` and
 * `undefined` become the empty string; numbers and booleans are written as text.
 *
 * @example
 * ```ts
 * esc('<script>alert(1)</script>'); // '&lt;script&gt;alert(1)&lt;/script&gt;'
 * ```
 */
export function esc(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * Formats a number for the report: `digits` decimals (3 by default), `n/a` for null, NaN or
 * undefined, and exponent notation for very small or very large magnitudes.
 *
 * @example
 * ```ts
 * num(0.87234); // '0.872'
 * num(null);    // 'n/a'
 * ```
 */
export function num(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  const a = Math.abs(x);
  if (a !== 0 && (a < 10 ** -digits || a >= 1e6)) return x.toExponential(2);
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

/**
 * An HTML table from header texts and rows of cells; headers and cells are escaped (pass
 * `{ html }` for a cell that is already safe HTML).
 *
 * @example
 * ```ts
 * htmlTable(['class', 'count'], [['<b>', 3]]); // '<table>…<td>&lt;b&gt;</td><td class="n">3</td>…'
 * ```
 */
export function htmlTable(headers: string[], rows: Array<Array<string | number | null | { html: string }>>, caption?: string): string {
  const cell = (c: string | number | null | { html: string }): string => {
    if (c !== null && typeof c === 'object') return `<td>${c.html}</td>`;
    if (typeof c === 'number') return `<td class="n">${esc(num(c))}</td>`;
    return `<td>${esc(c ?? 'n/a')}</td>`;
  };
  return [
    '<div class="table-wrap"><table>',
    caption ? `<caption>${esc(caption)}</caption>` : '',
    `<thead><tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody>`,
    '</table></div>',
  ].join('');
}
