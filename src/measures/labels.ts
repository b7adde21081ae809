/**
 * Label validation shared by the transferability scores.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';

/**
 * Throws unless `y` has `n` integer labels in [0, numClasses).
 *
 * @example
 * ```ts
 * checkLabels([0, 2, 1], 3, 3, 'y'); // ok
 * ```
 */
export function checkLabels(y: ArrayLike<number>, n: number, numClasses: number, what: string): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new TransferkitError('BAD_INPUT', `numClasses must be a positive integer, got ${numClasses}`);
  }
  if (y.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `${what} has ${y.length} labels for ${n} rows`, { where: what });
  if (n === 0) throw new TransferkitError('NO_LABELS', `No labelled rows in ${what}`, { where: what });
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= numClasses) {
      throw new TransferkitError('BAD_LABEL', `${what}[${i}] = ${y[i]} is not a class index in [0, ${numClasses})`, {
        where: what,
        hint: 'Drop unlabelled (-1) rows before scoring.',
      });
    }
  }
}

/**
 * Number of classes: one more than the largest label.
 *
 * @example
 * ```ts
 * inferNumClasses([0, 3, 1]); // 4
 * ```
 */
export function inferNumClasses(y: ArrayLike<number>): number {
  let m = -1;
  for (let i = 0; i < y.length; i++) m = Math.max(m, y[i]);
  return m + 1;
}
