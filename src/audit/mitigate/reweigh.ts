/**
 * Reweighing (Kamiran & Calders 2012; AIF360's `Reweighing`): a pre-processing mitigation that
 * gives every (group, label) cell the weight that makes group and label independent in the
 * weighted training data, w(a, y) = P(A = a)·P(Y = y) / P(A = a, Y = y). Trained with these
 * sample weights, a classifier no longer learns the association between the group and the
 * label that the data carries.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { binaryLabels, encodeGroups } from './groups.ts';

/**
 * The weight of one (group, label) cell.
 *
 * @example
 * ```ts
 * const c: ReweighCell = { group: 'yes', label: 1, count: 12, weight: 0.61 };
 * ```
 */
export interface ReweighCell {
  group: string;
  label: 0 | 1;
  /** Rows in the cell. */
  count: number;
  /** P(A = a)·P(Y = y) / P(A = a, Y = y) = n_a·n_y / (n·n_ay); 0 for an empty cell (no row gets it). */
  weight: number;
}

/**
 * What {@link reweigh} returns.
 *
 * @example
 * ```ts
 * const { weights, cells }: Reweighing = reweigh(y, groups);
 * ```
 */
export interface Reweighing {
  /** Per row, the weight of its (group, label) cell. The weights sum to n. */
  weights: Float64Array;
  /** Every (group, label) cell, groups sorted, label 0 first. */
  cells: ReweighCell[];
}

/**
 * Kamiran–Calders reweighing weights: row i gets P(A = aᵢ)·P(Y = yᵢ) / P(A = aᵢ, Y = yᵢ), so
 * that in the weighted data P_w(Y = 1 | A = a) = P(Y = 1) for every group a. Use them as
 * per-example weights when training (e.g. `fitLogistic(X, y, { weights })`).
 *
 * @param y labels, 0 or 1
 * @param groups the sensitive attribute of every row
 * @example
 * ```ts
 * const { weights } = reweigh([1, 1, 0, 1, 0, 0], ['a', 'a', 'a', 'b', 'b', 'b']);
 * // group a: 2/3 positive, b: 1/3; overall 1/2 → w(a,1) = 0.75, w(a,0) = 1.5, w(b,1) = 1.5, w(b,0) = 0.75
 * ```
 */
export function reweigh(y: ArrayLike<number>, groups: ArrayLike<string | number>): Reweighing {
  const g = encodeGroups(groups, 'reweigh groups');
  const n = g.ids.length;
  const labels = binaryLabels(y, n, 'reweigh labels');
  const k = g.names.length;
  const cell = new Array<number>(2 * k).fill(0);
  const byLabel = [0, 0];
  for (let i = 0; i < n; i++) {
    cell[2 * g.ids[i] + labels[i]]++;
    byLabel[labels[i]]++;
  }
  if (byLabel[0] === 0 || byLabel[1] === 0) {
    throw new TransferkitError('ONE_CLASS', `Every row has label ${byLabel[0] === 0 ? 1 : 0}, so there is nothing to reweigh`, {
      where: 'reweigh labels',
      hint: 'Reweighing balances labels across groups; it needs rows of both labels.',
    });
  }
  const table = cell.map((c, j) => (c > 0 ? (g.counts[j >> 1] * byLabel[j & 1]) / (n * c) : 0));
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) weights[i] = table[2 * g.ids[i] + labels[i]];
  const cells: ReweighCell[] = table.map((weight, j) => ({ group: g.names[j >> 1], label: (j & 1) as 0 | 1, count: cell[j], weight }));
  return { weights, cells };
}
