/**
 * A section of the run report and the small HTML pieces sections share.
 *
 * @module
 */
import { esc } from './escape.ts';

/**
 * One section of the report: an anchor id, a heading, and its body (safe HTML).
 *
 * @example
 * ```ts
 * const s: ReportSection = { id: 'metrics', title: 'Metrics', html: '<p>…</p>', charts: 0 };
 * ```
 */
export interface ReportSection {
  id: string;
  title: string;
  html: string;
  /** Inline SVG charts in the section. */
  charts: number;
}

/**
 * Text of a run file or card as HTML: escaped, with Markdown code spans (`` `cmd` ``) as `<code>`.
 *
 * @example
 * ```ts
 * prose('Run `transferkit card runs/<x>`'); // 'Run <code>transferkit card runs/&lt;x&gt;</code>'
 * ```
 */
export function prose(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/**
 * A bulleted list of texts (see {@link prose}); empty string for no items.
 *
 * @example
 * ```ts
 * list(['one', 'two']); // '<ul><li>one</li><li>two</li></ul>'
 * ```
 */
export function list(items: string[]): string {
  return items.length ? `<ul>${items.map((i) => `<li>${prose(i)}</li>`).join('')}</ul>` : '';
}

/**
 * A definition list of label/value pairs (values as {@link prose}); pairs without a value are left out.
 *
 * @example
 * ```ts
 * facts([['Strategy', 'finetune'], ['Base', undefined]]); // '<dl class="facts"><dt>Strategy</dt><dd>finetune</dd></dl>'
 * ```
 */
export function facts(pairs: Array<[string, string | number | null | undefined]>): string {
  const kept = pairs.filter(([, v]) => v !== undefined && v !== null && v !== '');
  return `<dl class="facts">${kept.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${prose(String(v))}</dd>`).join('')}</dl>`;
}
