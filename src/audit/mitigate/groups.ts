/**
 * The few group statistics mitigation needs, kept private to this folder: rows grouped by the
 * sensitive attribute, and per-group selection rate, true and false positive rates of (possibly
 * randomised) predictions, with the demographic parity and equalized odds differences built
 * from them.
 *
 * Predictions are probabilities of predicting 1 (`0`/`1` for a deterministic classifier). Every
 * rate is linear in them, so a rate of soft predictions is the expected rate of the randomised
 * classifier over its coin flips.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';

/**
 * Rows encoded by group: `ids[i]` indexes `names` (sorted, so the encoding does not depend
 * on row order).
 *
 * @example
 * ```ts
 * const g: GroupIndex = encodeGroups(['b', 'a', 'b']); // names ['a', 'b'], ids [1, 0, 1]
 * ```
 */
export interface GroupIndex {
  /** The distinct group values as strings, sorted. */
  names: string[];
  /** Per row, the index of its group in `names`. */
  ids: Int32Array;
  /** Rows per group. */
  counts: number[];
}

/**
 * Encodes the sensitive attribute of every row as a group index.
 *
 * @param where names the input in error messages
 * @example
 * ```ts
 * encodeGroups(['no', 'yes', 'no']).names; // ['no', 'yes']
 * ```
 */
export function encodeGroups(groups: ArrayLike<string | number>, where = 'groups'): GroupIndex {
  const n = groups.length;
  if (n === 0) throw new TransferkitError('EMPTY_DATA', 'No rows to group', { where, hint: 'Pass one group value per row.' });
  const keys = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const v = groups[i];
    if (v === undefined || v === null || (typeof v === 'number' && !Number.isFinite(v)) || String(v) === '') {
      throw new TransferkitError('MISSING_VALUE', `Row ${i} has no group value (got ${String(v)})`, {
        where,
        hint: 'Every row needs a value of the sensitive attribute; drop or fill the rows that lack one.',
      });
    }
    keys[i] = String(v);
  }
  const names = [...new Set(keys)].sort();
  const index = new Map(names.map((name, k) => [name, k]));
  const ids = new Int32Array(n);
  const counts = new Array<number>(names.length).fill(0);
  for (let i = 0; i < n; i++) {
    ids[i] = index.get(keys[i]) as number;
    counts[ids[i]]++;
  }
  return { names, ids, counts };
}

/**
 * Encodes `groups` with the group names of a fitted mitigator; a value it never saw is an error.
 *
 * @example
 * ```ts
 * groupIdsFor(['yes', 'no'], ['no', 'yes'], 'predict'); // Int32Array [1, 0]
 * ```
 */
export function groupIdsFor(groups: ArrayLike<string | number>, names: readonly string[], where: string): Int32Array {
  const index = new Map(names.map((name, k) => [name, k]));
  const ids = new Int32Array(groups.length);
  for (let i = 0; i < groups.length; i++) {
    const k = index.get(String(groups[i]));
    if (k === undefined) {
      throw new TransferkitError('BAD_INPUT', `Row ${i} is in group "${String(groups[i])}", which the mitigator was not fitted on`, {
        where,
        hint: `Known groups: ${names.join(', ')}. Fit on data that holds every group.`,
      });
    }
    ids[i] = k;
  }
  return ids;
}

/**
 * Checks that labels are 0/1 and as many as the rows, returning them as bytes.
 *
 * @example
 * ```ts
 * binaryLabels([0, 1, 1], 3, 'mitigate'); // Uint8Array [0, 1, 1]
 * ```
 */
export function binaryLabels(y: ArrayLike<number>, n: number, where: string): Uint8Array {
  if (y.length !== n) throw new TransferkitError('LABEL_COUNT', `${y.length} labels for ${n} rows`, { where, hint: 'Pass one 0/1 label per row.' });
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new TransferkitError('BAD_LABEL', `Label ${y[i]} at row ${i} is not 0 or 1`, { where, hint: 'Mitigation works on binary labels: 1 for the positive (favourable or flagged) class, 0 otherwise.' });
    }
    out[i] = y[i];
  }
  return out;
}

/**
 * Per-group rates of soft predictions. A rate over no rows (e.g. TPR in a group without
 * positives) is `NaN`.
 *
 * @example
 * ```ts
 * const r: GroupRates = groupRates(pred, y, groups);
 * r.selectionRate[0]; // P(ŷ = 1 | group 0)
 * ```
 */
export interface GroupRates {
  names: string[];
  /** Rows per group. */
  count: number[];
  /** P(ŷ = 1 | A = a). */
  selectionRate: number[];
  /** P(ŷ = 1 | A = a, Y = 1). */
  truePositiveRate: number[];
  /** P(ŷ = 1 | A = a, Y = 0). */
  falsePositiveRate: number[];
  /** P(ŷ = Y | A = a). */
  accuracy: number[];
}

/**
 * Selection rate, TPR, FPR and accuracy per group of predictions `pred` (probabilities of
 * predicting 1) against labels `y`.
 *
 * @example
 * ```ts
 * groupRates([1, 0, 1, 1], [1, 0, 0, 1], encodeGroups(['a', 'a', 'b', 'b'])).selectionRate; // [0.5, 1]
 * ```
 */
export function groupRates(pred: ArrayLike<number>, y: ArrayLike<number>, g: GroupIndex): GroupRates {
  const k = g.names.length;
  const sel = new Array<number>(k).fill(0);
  const pos = new Array<number>(k).fill(0);
  const tp = new Array<number>(k).fill(0);
  const fp = new Array<number>(k).fill(0);
  const hit = new Array<number>(k).fill(0);
  for (let i = 0; i < g.ids.length; i++) {
    const a = g.ids[i];
    const p = pred[i];
    sel[a] += p;
    if (y[i] === 1) {
      pos[a]++;
      tp[a] += p;
      hit[a] += p;
    } else {
      fp[a] += p;
      hit[a] += 1 - p;
    }
  }
  const n = g.counts;
  return {
    names: g.names,
    count: [...n],
    selectionRate: sel.map((s, a) => s / n[a]),
    truePositiveRate: tp.map((t, a) => (pos[a] > 0 ? t / pos[a] : NaN)),
    falsePositiveRate: fp.map((f, a) => (n[a] - pos[a] > 0 ? f / (n[a] - pos[a]) : NaN)),
    accuracy: hit.map((h, a) => h / n[a]),
  };
}

/**
 * max − min over the defined (non-NaN) values; 0 when fewer than two are defined.
 *
 * @example
 * ```ts
 * spread([0.2, NaN, 0.5]); // 0.3
 * ```
 */
export function spread(values: readonly number[]): number {
  const defined = values.filter((v) => !Number.isNaN(v));
  if (defined.length < 2) return 0;
  return Math.max(...defined) - Math.min(...defined);
}

/**
 * Demographic parity difference: the largest gap in selection rate between two groups,
 * max_a P(ŷ = 1 | A = a) − min_a P(ŷ = 1 | A = a) (Fairlearn's `demographic_parity_difference`).
 *
 * @example
 * ```ts
 * demographicParityDifference(groupRates(pred, y, g)); // 0 when all groups are selected at the same rate
 * ```
 */
export function demographicParityDifference(r: GroupRates): number {
  return spread(r.selectionRate);
}

/**
 * Equalized odds difference: the larger of the TPR gap and the FPR gap between groups
 * (Fairlearn's `equalized_odds_difference`).
 *
 * @example
 * ```ts
 * equalizedOddsDifference(groupRates(pred, y, g));
 * ```
 */
export function equalizedOddsDifference(r: GroupRates): number {
  return Math.max(spread(r.truePositiveRate), spread(r.falsePositiveRate));
}

/**
 * Accuracy of soft predictions (the expected accuracy of the randomised classifier).
 *
 * @example
 * ```ts
 * accuracyOf([1, 0.5], [1, 0]); // 0.75
 * ```
 */
export function accuracyOf(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let hit = 0;
  for (let i = 0; i < y.length; i++) hit += y[i] === 1 ? pred[i] : 1 - pred[i];
  return hit / y.length;
}
