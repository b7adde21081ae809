/**
 * What counts as a missing value in text-based tables.
 */

const MISSING = new Set(['', 'na', 'nan', 'null']);

/**
 * True for the spellings of "no value" found in CSV files: `''`, `NA`, `NaN`, `null`
 * (any case, surrounding whitespace ignored).
 *
 * @example
 * ```ts
 * isMissing('NA'); // true
 * isMissing('0');  // false
 * ```
 */
export function isMissing(value: string | null | undefined): boolean {
  return value === null || value === undefined || MISSING.has(value.trim().toLowerCase());
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a plain decimal number (`12`, `-3.5`, `1e-3`, `.5`); anything else
 * (`0x1F`, `1,5`, `Infinity`, `12 kg`) gives `undefined`.
 *
 * @example
 * ```ts
 * parseNumber(' 4.2 '); // 4.2
 * parseNumber('4,2');   // undefined
 * ```
 */
export function parseNumber(value: string): number | undefined {
  const s = value.trim();
  if (!NUMBER.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}
