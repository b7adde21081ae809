/**
 * The constraint moments of the exponentiated-gradient reduction (./expgrad.ts):
 * the rows are split into cells (event × group) — demographic parity has one event (every
 * row), equalized odds two (y = 0 and y = 1) — and every constraint is an ordered pair of
 * non-empty cells of one event, γ_c(h) = E[h | first cell] − E[h | second cell] ≤ eps.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import type { GroupIndex } from './groups.ts';
import type { FairnessConstraint } from './threshold.ts';

/**
 * The cells and constraints of a training set, from {@link constraintMoments}.
 *
 * @example
 * ```ts
 * const m: ConstraintMoments = constraintMoments('equalized_odds', labels, encodeGroups(groups), 'exponentiated gradient');
 * m.first.length; // the number of constraints C
 * ```
 */
export interface ConstraintMoments {
  /** Rows. */
  n: number;
  /** Per row, its 0/1 label. */
  labels: Uint8Array;
  /** Cells: events × groups. */
  cells: number;
  /** Per row, its cell: event·(groups) + group. */
  cellOf: Int32Array;
  /** Rows per cell. */
  cellCount: number[];
  /** Per constraint c, the cell whose mean comes first in γ_c, and the one subtracted. */
  first: number[];
  second: number[];
  /** Per constraint c, the index of the reverse pair (second, first). */
  mirror: number[];
}

/**
 * Splits the rows into cells and lists the constraints: every ordered pair of non-empty cells
 * of one event. Throws `TOO_FEW_EXAMPLES` when no two groups share an event.
 *
 * @param labels per row, 0 or 1
 * @param where names the caller in error messages
 * @example
 * ```ts
 * const m = constraintMoments('demographic_parity', Uint8Array.of(0, 1, 1), encodeGroups(['a', 'b', 'a']), 'eg');
 * m.first; // [0, 1]: the pairs (a, b) and (b, a)
 * ```
 */
export function constraintMoments(constraint: FairnessConstraint, labels: Uint8Array, g: GroupIndex, where: string): ConstraintMoments {
  const n = labels.length;
  const events = constraint === 'demographic_parity' ? 1 : 2;
  const k = g.names.length;
  const cellOf = new Int32Array(n);
  const cellCount = new Array<number>(events * k).fill(0);
  for (let i = 0; i < n; i++) {
    cellOf[i] = (events === 1 ? 0 : labels[i]) * k + g.ids[i];
    cellCount[cellOf[i]]++;
  }
  const first: number[] = [];
  const second: number[] = [];
  for (let e = 0; e < events; e++) {
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        if (a !== b && cellCount[e * k + a] > 0 && cellCount[e * k + b] > 0) {
          first.push(e * k + a);
          second.push(e * k + b);
        }
      }
    }
  }
  if (first.length === 0) throw new TransferkitError('TOO_FEW_EXAMPLES', 'No two groups share an event, so no constraint can be formed', { where, hint: 'Every group needs rows (of each label, for equalized odds).' });
  const mirror = first.map((f, c) => second.findIndex((s, d) => s === f && first[d] === second[c]));
  return { n, labels, cells: events * k, cellOf, cellCount, first, second, mirror };
}

/**
 * The constraint values γ(h) of the per-row predictions `pred` (0/1, or probabilities): per
 * constraint, the mean prediction of its first cell minus that of its second.
 *
 * @example
 * ```ts
 * const gamma = gammaOf(m, pred); // gamma[c] ≤ eps for every c: within the constraint
 * ```
 */
export function gammaOf(m: ConstraintMoments, pred: ArrayLike<number>): Float64Array {
  const sum = new Array<number>(m.cells).fill(0);
  for (let i = 0; i < m.n; i++) sum[m.cellOf[i]] += pred[i];
  const mean = sum.map((s, j) => (m.cellCount[j] > 0 ? s / m.cellCount[j] : 0));
  return Float64Array.from(m.first, (f, c) => mean[f] - mean[m.second[c]]);
}

/**
 * The training error of the per-row predictions `pred`: the mean of |pred − label|.
 *
 * @example
 * ```ts
 * errorOf(m, Uint8Array.from(m.labels)); // 0
 * ```
 */
export function errorOf(m: ConstraintMoments, pred: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < m.n; i++) e += Math.abs(pred[i] - m.labels[i]);
  return e / m.n;
}
