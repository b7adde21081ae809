/**
 * Commander option parsers shared by the commands: each turns the text after a flag into a
 * value, or throws an error that commander shows as "option '--flag <x>' argument 'v' is
 * invalid. expected …".
 *
 * @example
 * ```ts
 * program.option('--epochs <n>', 'training epochs', wholeNumber);
 * ```
 *
 * @module
 */
import { InvalidArgumentError } from 'commander';

function numberWhere(test: (n: number) => boolean, expected: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v.trim());
    if (v.trim() === '' || !test(n)) throw new InvalidArgumentError(`expected ${expected}, got "${v}"`);
    return n;
  };
}

/** A whole number ≥ 0. @example `wholeNumber('3') // 3` */
export const wholeNumber = numberWhere((n) => Number.isInteger(n) && n >= 0, 'a whole number');

/** A whole number ≥ 1. @example `positiveInt('10') // 10` */
export const positiveInt = numberWhere((n) => Number.isInteger(n) && n >= 1, 'a whole number of at least 1');

/** A finite number > 0. @example `positiveNumber('0.001') // 0.001` */
export const positiveNumber = numberWhere((n) => Number.isFinite(n) && n > 0, 'a positive number');

/** A finite number ≥ 0. @example `nonNegative('0') // 0` */
export const nonNegative = numberWhere((n) => Number.isFinite(n) && n >= 0, 'a number ≥ 0');

/** A number in [0, 1), e.g. a share or a dropout rate. @example `fraction('0.2') // 0.2` */
export const fraction = numberWhere((n) => n >= 0 && n < 1, 'a number in [0, 1)');

/** A number in (0, 1], e.g. a decay factor or a quantile. @example `factor('1') // 1` */
export const factor = numberWhere((n) => n > 0 && n <= 1, 'a number in (0, 1]');

/** A number strictly between 0 and 1, e.g. a significance level. @example `probability('0.05') // 0.05` */
export const probability = numberWhere((n) => n > 0 && n < 1, 'a number between 0 and 1');

/** Comma-separated words, blanks dropped. @example `commaList('a, b,,c') // ['a', 'b', 'c']` */
export function commaList(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Hidden layer sizes: comma-separated whole numbers ≥ 1, or `none` for no hidden layer.
 * @example `hiddenSizes('128,64') // [128, 64]`; `hiddenSizes('none') // []`
 */
export function hiddenSizes(v: string): number[] {
  return v.trim().toLowerCase() === 'none' ? [] : positiveIntList(v);
}

/** Comma-separated whole numbers ≥ 1, e.g. hidden layer sizes. @example `positiveIntList('128,64') // [128, 64]` */
export function positiveIntList(v: string): number[] {
  const parts = commaList(v);
  if (parts.length === 0) throw new InvalidArgumentError(`expected comma-separated whole numbers, got "${v}"`);
  return parts.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected comma-separated whole numbers of at least 1, got "${v}"`);
    return n;
  });
}

/** A parser for whole numbers ≥ `min`. @example `intAtLeast(2)('32') // 32` */
export function intAtLeast(min: number): (v: string) => number {
  return numberWhere((n) => Number.isInteger(n) && n >= min, `a whole number ≥ ${min}`);
}

/**
 * A layer flag (`--cut-at`, `--layer`) as the API's layer reference: a whole number is a layer
 * index (negative counts from the end), anything else a layer name.
 *
 * @example
 * ```ts
 * layerFlag('flatten'); // 'flatten'
 * layerFlag('-2'); // -2
 * layerFlag(undefined); // undefined
 * ```
 */
export function layerFlag(v: string | undefined): string | number | undefined {
  if (v === undefined) return undefined;
  return /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v;
}
