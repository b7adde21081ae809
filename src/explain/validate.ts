/**
 * Input checks shared by the explainers: finite rows of the right width, sound options.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import type { Row } from './types.ts';

/**
 * Copies `row` into a new Float64Array, throwing a {@link TransferkitError} on NaN/±Infinity or a
 * width different from `width` (when given).
 *
 * @example
 * ```ts
 * const x = toFiniteRow([1, 2, 3], 'x', 3); // Float64Array [1, 2, 3]
 * toFiniteRow([1, NaN], 'x'); // throws NON_FINITE_INPUT
 * ```
 */
export function toFiniteRow(row: Row, where: string, width?: number): Float64Array {
  if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
    throw new TransferkitError('BAD_INPUT', `${where} is not an array of numbers`, {
      where,
      hint: 'Pass each row as a number[] or Float64Array.',
    });
  }
  if (width !== undefined && row.length !== width) {
    throw new TransferkitError(
      'SHAPE_MISMATCH',
      `${where} has ${row.length} features but ${width} were expected`,
      { where, hint: 'The explained row, the background and the model must all use the same feature columns in the same order.' },
    );
  }
  const out = new Float64Array(row.length);
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TransferkitError('NON_FINITE_INPUT', `${where}[${j}] is ${String(v)}; explanations need finite numbers`, {
        where: `${where}[${j}]`,
        hint: 'Impute or drop missing values before explaining.',
      });
    }
    out[j] = v;
  }
  return out;
}

/**
 * Converts a list of rows to Float64Arrays of one common width (that of the first row unless
 * `width` is given), with the same checks as {@link toFiniteRow}.
 *
 * @example
 * ```ts
 * const rows = toFiniteRows([[1, 2], [3, 4]], 'background'); // 2 rows of width 2
 * ```
 */
export function toFiniteRows(rows: readonly Row[], where: string, width?: number): Float64Array[] {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new TransferkitError('EMPTY_DATA', `${where} has no rows`, {
      where,
      hint: 'Pass at least one row.',
    });
  }
  const w = width ?? rows[0].length;
  return rows.map((r, i) => toFiniteRow(r, `${where} row ${i}`, w));
}

/**
 * Checks that `n` is an integer in [min, max]; returns it.
 *
 * @example
 * ```ts
 * const n = checkInt(5000, 'nsamples', 1); // 5000
 * ```
 */
export function checkInt(n: number, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new TransferkitError('BAD_OPTION', `${name} must be an integer in [${min}, ${max}], got ${String(n)}`, {
      where: name,
    });
  }
  return n;
}

/**
 * Validates feature groups (they must partition 0..width-1) and returns them; without `groups`,
 * every feature is its own group.
 *
 * @example
 * ```ts
 * resolveGroups(undefined, 3); // [[0], [1], [2]]
 * resolveGroups([[0, 2], [1]], 3); // [[0, 2], [1]]
 * resolveGroups([[0]], 3); // throws BAD_GROUPS (features 1 and 2 are in no group)
 * ```
 */
export function resolveGroups(groups: number[][] | undefined, width: number): number[][] {
  if (groups === undefined) return Array.from({ length: width }, (_, j) => [j]);
  const owner = new Int32Array(width).fill(-1);
  groups.forEach((g, gi) => {
    if (!Array.isArray(g) || g.length === 0) {
      throw new TransferkitError('BAD_GROUPS', `group ${gi} is empty`, { where: `groups[${gi}]`, hint: 'Every group needs at least one feature index.' });
    }
    for (const j of g) {
      if (!Number.isInteger(j) || j < 0 || j >= width) {
        throw new TransferkitError('BAD_GROUPS', `group ${gi} names feature ${String(j)}, but features are 0..${width - 1}`, { where: `groups[${gi}]` });
      }
      if (owner[j] !== -1) {
        throw new TransferkitError('BAD_GROUPS', `feature ${j} is in groups ${owner[j]} and ${gi}`, {
          where: `groups[${gi}]`,
          hint: 'Groups must not overlap.',
        });
      }
      owner[j] = gi;
    }
  });
  const missing: number[] = [];
  owner.forEach((o, j) => {
    if (o === -1) missing.push(j);
  });
  if (missing.length > 0) {
    throw new TransferkitError('BAD_GROUPS', `features ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''} are in no group`, {
      where: 'groups',
      hint: 'Groups must cover every feature; put a feature alone in its own group ([j]) to keep it as a player.',
    });
  }
  return groups.map((g) => g.slice());
}
