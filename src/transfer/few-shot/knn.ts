/**
 * k-nearest-neighbour classification on fixed embeddings: a query takes the (optionally
 * distance-weighted) majority class of its `k` closest support vectors.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import type { Metric, Support } from './prototypes.ts';

/**
 * Options of {@link knnPredict}.
 *
 * @example
 * ```ts
 * const o: KnnOptions = { neighbours: 3, metric: 'cosine', weighted: true };
 * ```
 */
export interface KnnOptions {
  /** Neighbours that vote (default 1; at most the support size). */
  neighbours?: number;
  /** `euclidean` distance, or `cosine` distance 1 − cos (default `cosine`). */
  metric?: Metric;
  /** Votes weighted by 1 / (distance + 1e-9) instead of one vote each (default false). */
  weighted?: boolean;
}

/**
 * Predicts the class of every query by its nearest support vectors. Ties go to the class of the
 * nearest voter among the tied classes.
 *
 * @throws TransferkitError `BAD_OPTION` for a neighbour count that is not a whole number ≥ 1.
 * @example
 * ```ts
 * knnPredict({ x: [0, 0, 10, 10], d: 2, y: [0, 1], k: 2 }, [1, 1, 9, 9], { metric: 'euclidean' }); // Int32Array [0, 1]
 * ```
 */
export function knnPredict(s: Support, queries: ArrayLike<number>, opts: KnnOptions = {}): Int32Array {
  const { d, k } = s;
  const m = s.y.length;
  const want = opts.neighbours ?? 1;
  if (!(Number.isInteger(want) && want >= 1)) {
    throw new TransferkitError('BAD_OPTION', `The number of neighbours must be a whole number ≥ 1, got ${want}`, { where: 'neighbours option', hint: 'Use 1 at one shot; 3 or 5 with more shots.' });
  }
  const nb = Math.min(want, m);
  const metric = opts.metric ?? 'cosine';
  const n = queries.length / d;
  const sNorm = norms(s.x, m, d);
  const qNorm = norms(queries, n, d);
  const out = new Int32Array(n);
  const dist = new Float64Array(m);
  const order = Array.from({ length: m }, (_, i) => i);
  const votes = new Float64Array(k);
  const nearestRank = new Int32Array(k);
  for (let q = 0; q < n; q++) {
    for (let i = 0; i < m; i++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += queries[q * d + j] * s.x[i * d + j];
      const denom = Math.sqrt(qNorm[q] * sNorm[i]);
      dist[i] = metric === 'euclidean' ? Math.max(0, qNorm[q] + sNorm[i] - 2 * dot) ** 0.5 : 1 - (denom === 0 ? 0 : dot / denom);
    }
    order.sort((a, b) => dist[a] - dist[b] || a - b);
    votes.fill(0);
    nearestRank.fill(m);
    for (let r = 0; r < nb; r++) {
      const i = order[r];
      const c = s.y[i];
      votes[c] += opts.weighted ? 1 / (dist[i] + 1e-9) : 1;
      if (nearestRank[c] === m) nearestRank[c] = r;
    }
    let best = 0;
    for (let c = 1; c < k; c++) if (votes[c] > votes[best] || (votes[c] === votes[best] && nearestRank[c] < nearestRank[best])) best = c;
    out[q] = best;
  }
  return out;
}

function norms(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j] * x[i * d + j];
    out[i] = s;
  }
  return out;
}
