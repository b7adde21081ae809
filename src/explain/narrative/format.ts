/**
 * Number and value formatting for narratives: a few significant digits, thousands separators,
 * percentages, never a 15-digit float.
 *
 * @module
 */
import type { FeatureValue } from '../counterfactual/types.ts';

const formatters = new Map<number, Intl.NumberFormat>();

/**
 * `v` with at most `digits` significant digits and thousands separators; exponent notation for
 * magnitudes below 1e-4 or from 1e12; `'0'` for ±0.
 *
 * @example
 * ```ts
 * fmtNumber(60000); // '60,000'
 * fmtNumber(0.123456); // '0.123'
 * fmtNumber(2.220446049250313e-16); // '2.22e-16'
 * ```
 */
export function fmtNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-4 || a >= 1e12) return v.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e');
  let f = formatters.get(digits);
  if (f === undefined) {
    f = new Intl.NumberFormat('en-US', { maximumSignificantDigits: digits });
    formatters.set(digits, f);
  }
  return f.format(v);
}

/**
 * {@link fmtNumber} with an explicit sign.
 *
 * @example
 * ```ts
 * fmtSigned(0.8349); // '+0.835'
 * fmtSigned(-1.2); // '-1.2'
 * ```
 */
export function fmtSigned(v: number, digits = 3): string {
  const s = fmtNumber(v, digits);
  return v > 0 ? `+${s}` : s;
}

/**
 * A probability as a percentage: whole percent, one decimal near 0 % and 100 %.
 *
 * @example
 * ```ts
 * fmtPercent(0.8731); // '87%'
 * fmtPercent(0.9968); // '99.7%'
 * ```
 */
export function fmtPercent(p: number): string {
  const x = p * 100;
  const fine = (x > 0 && x < 1) || (x > 99 && x < 100);
  const r = fine ? Math.round(x * 10) / 10 : Math.round(x);
  return `${r === 0 && x > 0 ? '<0.1' : r === 100 && x < 100 ? '>99.9' : r}%`;
}

/**
 * A raw feature value: numbers with up to 6 significant digits, categories as given.
 *
 * @example
 * ```ts
 * fmtValue(93600); // '93,600'
 * fmtValue(5.359999999999999); // '5.36'
 * fmtValue('rent'); // 'rent'
 * ```
 */
export function fmtValue(v: FeatureValue): string {
  return typeof v === 'number' ? fmtNumber(v, 6) : v;
}

/**
 * Rounds to `digits` significant digits (for the `numbers` record).
 *
 * @example
 * ```ts
 * roundSig(0.30000000000000004); // 0.3
 * ```
 */
export function roundSig(v: number, digits = 6): number {
  return Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(digits)) : v;
}

/**
 * Joins items as English prose: `a`, `a and b`, `a, b and c`.
 *
 * @example
 * ```ts
 * joinWords(['income', 'debt', 'age']); // 'income, debt and age'
 * ```
 */
export function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Upper-cases the first letter.
 *
 * @example
 * ```ts
 * capitalise('income rose'); // 'Income rose'
 * ```
 */
export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
