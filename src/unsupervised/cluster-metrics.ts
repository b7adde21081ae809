/**
 * Scores of a clustering: against known labels, normalised mutual information (NMI, arithmetic
 * normalisation, as scikit-learn's default) and the adjusted Rand index (ARI, Hubert & Arabie
 * 1985); without labels, the silhouette coefficient (Rousseeuw 1987) on Euclidean distances.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { toMatrix, type Matrix, type MatrixInput } from '../measures/linalg.ts';
import { createRng } from '../util/random.ts';

/** The contingency table of two labelings, with its margins. */
interface Contingency {
  table: Map<string, number>;
  rows: Map<number, number>;
  cols: Map<number, number>;
  n: number;
}

function contingency(a: ArrayLike<number>, b: ArrayLike<number>, what: string): Contingency {
  if (a.length !== b.length) {
    throw new TransferkitError('SHAPE_MISMATCH', `${what} compares two labelings of the same examples, but they have ${a.length} and ${b.length} entries`, { hint: 'Pass one cluster and one label per example.' });
  }
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(a[i], (rows.get(a[i]) ?? 0) + 1);
    cols.set(b[i], (cols.get(b[i]) ?? 0) + 1);
  }
  return { table, rows, cols, n: a.length };
}

function entropy(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

/**
 * Normalised mutual information `MI(U, V) / ((H(U) + H(V)) / 2)` in [0, 1]; 1 for identical
 * partitions up to renaming. Two one-cluster partitions score 1, as in scikit-learn.
 *
 * @throws TransferkitError `SHAPE_MISMATCH` for labelings of different lengths.
 * @example
 * ```ts
 * normalizedMutualInfo([0, 0, 1, 1], [1, 1, 0, 0]); // 1
 * ```
 */
export function normalizedMutualInfo(labelsTrue: ArrayLike<number>, labelsPred: ArrayLike<number>): number {
  const c = contingency(labelsTrue, labelsPred, 'NMI');
  if (c.n === 0) return 1;
  if ((c.rows.size === 1 && c.cols.size === 1) || (c.rows.size === c.n && c.cols.size === c.n)) return 1;
  const hu = entropy(c.rows.values(), c.n);
  const hv = entropy(c.cols.values(), c.n);
  let mi = 0;
  for (const [key, nij] of c.table) {
    const [i, j] = key.split(',').map(Number);
    mi += (nij / c.n) * Math.log((c.n * nij) / (c.rows.get(i)! * c.cols.get(j)!));
  }
  const denom = (hu + hv) / 2;
  return denom <= 0 ? 0 : Math.min(1, Math.max(0, mi / denom));
}

const pairs = (x: number) => (x * (x - 1)) / 2;

/**
 * Adjusted Rand index: the Rand index corrected for chance; 1 for identical partitions, about 0
 * for random ones, negative when worse than chance. Two one-cluster partitions score 1.
 *
 * @throws TransferkitError `SHAPE_MISMATCH` for labelings of different lengths.
 * @example
 * ```ts
 * adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]); // 0.5714…
 * ```
 */
export function adjustedRandIndex(labelsTrue: ArrayLike<number>, labelsPred: ArrayLike<number>): number {
  const c = contingency(labelsTrue, labelsPred, 'ARI');
  let sumComb = 0;
  for (const nij of c.table.values()) sumComb += pairs(nij);
  let sumRows = 0;
  for (const a of c.rows.values()) sumRows += pairs(a);
  let sumCols = 0;
  for (const b of c.cols.values()) sumCols += pairs(b);
  const total = pairs(c.n);
  if (total === 0) return 1;
  const expected = (sumRows * sumCols) / total;
  const max = (sumRows + sumCols) / 2;
  if (max === expected) return 1; // both partitions trivial (one cluster, or all singletons)
  return (sumComb - expected) / (max - expected);
}

/** Options of {@link silhouetteScore}. */
export interface SilhouetteOptions {
  /** Score a seeded random sample of this many rows (the score is O(n²)); default: all rows. */
  sampleSize?: number;
  seed?: number;
}

/**
 * Mean silhouette coefficient `(b − a) / max(a, b)` over the rows, where `a` is the mean distance
 * to the row's own cluster and `b` the mean distance to the nearest other cluster; a row alone in
 * its cluster scores 0 (as in scikit-learn). In [−1, 1]; higher is better separated.
 *
 * @throws TransferkitError `BAD_OPTION` unless there are 2 ≤ clusters ≤ rows − 1.
 * @example
 * ```ts
 * silhouetteScore([[0], [1], [10], [11]], [0, 0, 1, 1]); // ≈ 0.9
 * ```
 */
export function silhouetteScore(X: MatrixInput | Matrix, labels: ArrayLike<number>, opts: SilhouetteOptions = {}): number {
  const M = 'data' in X && X.data instanceof Float64Array && !Array.isArray(X) ? (X as Matrix) : toMatrix(X, 'silhouette data');
  if (labels.length !== M.rows) {
    throw new TransferkitError('SHAPE_MISMATCH', `The silhouette needs one label per row: ${M.rows} rows, ${labels.length} labels`, { hint: 'Pass the labels of the clustered rows.' });
  }
  let rows = Array.from({ length: M.rows }, (_, i) => i);
  if (opts.sampleSize !== undefined && opts.sampleSize < M.rows) rows = createRng(opts.seed ?? 0).shuffle(rows).slice(0, opts.sampleSize);
  const ids = [...new Set(rows.map((i) => labels[i]))];
  if (ids.length < 2 || ids.length > rows.length - 1) {
    throw new TransferkitError('BAD_OPTION', `The silhouette needs between 2 and ${rows.length - 1} clusters, got ${ids.length}`, { where: 'silhouette', hint: 'Cluster into at least 2 groups, with fewer groups than rows.' });
  }
  const index = new Map(ids.map((id, k) => [id, k]));
  const size = new Float64Array(ids.length);
  for (const i of rows) size[index.get(labels[i])!]++;
  const d = M.cols;
  const sums = new Float64Array(ids.length);
  let total = 0;
  for (const i of rows) {
    sums.fill(0);
    for (const j of rows) {
      if (i === j) continue;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = M.data[i * d + t] - M.data[j * d + t];
        s += diff * diff;
      }
      sums[index.get(labels[j])!] += Math.sqrt(s);
    }
    const own = index.get(labels[i])!;
    if (size[own] <= 1) continue; // a singleton scores 0
    const a = sums[own] / (size[own] - 1);
    let b = Infinity;
    for (let k = 0; k < ids.length; k++) if (k !== own) b = Math.min(b, sums[k] / size[k]);
    const m = Math.max(a, b);
    total += m > 0 ? (b - a) / m : 0;
  }
  return total / rows.length;
}
