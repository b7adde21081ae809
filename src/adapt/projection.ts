/**
 * A 2-D picture of source against target: the top two principal components of the pooled
 * (standardised) view, for the shift chart.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { denseRows, type Rows } from '../measures/rows.ts';
import { createRng } from '../util/random.ts';
import { fitPca, projectRows } from './svd.ts';

/**
 * Source and target rows projected on the first two principal components of both pooled.
 *
 * @example
 * ```ts
 * const p: ShiftProjection = { source: [[0.1, -0.3]], target: [[1.2, 0.4]], explained: [0.41, 0.22] };
 * ```
 */
export interface ShiftProjection {
  /** `[pc1, pc2]` of each (subsampled) source row. */
  source: Array<[number, number]>;
  target: Array<[number, number]>;
  /** Share of the pooled variance each component explains. */
  explained: [number, number];
}

/**
 * Projects source and target rows onto the top two principal components of the pooled rows
 * (randomized SVD, {@link fitPca}); at most `maxRows` rows of each side (seeded subsample, the
 * PCA fitted on the same rows). Needs at least 3 pooled rows and 2 features.
 *
 * @example
 * ```ts
 * const p = shiftProjection(denseRows(Zs, ns, d), denseRows(Zt, nt, d), { maxRows: 300, seed: 0 });
 * ```
 */
export function shiftProjection(source: Rows, target: Rows, opts: { maxRows?: number; seed?: number | string } = {}): ShiftProjection {
  if (source.d !== target.d) throw new TransferkitError('SHAPE_MISMATCH', `Source rows have ${source.d} features, target rows ${target.d}`, { where: 'shiftProjection' });
  if (source.d < 2 || source.n + target.n < 3) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `A 2-D projection needs 2 features and 3 rows, got ${source.d} features and ${source.n + target.n} rows`, { where: 'shiftProjection' });
  }
  const maxRows = opts.maxRows ?? 500;
  const rng = createRng(`${opts.seed ?? 0}:projection`);
  const pick = (X: Rows) => (X.n <= maxRows ? Array.from({ length: X.n }, (_, i) => i) : rng.shuffle(Array.from({ length: X.n }, (_, i) => i)).slice(0, maxRows).sort((a, b) => a - b));
  const si = pick(source);
  const ti = pick(target);
  const d = source.d;
  const pooled = new Float64Array((si.length + ti.length) * d);
  const put = (X: Rows, rows: number[], offset: number) =>
    rows.forEach((r, i) => {
      const at = (offset + i) * d;
      if (X.kind === 'dense') pooled.set(X.data.subarray(r * d, (r + 1) * d), at);
      else for (let p = X.indptr[r]; p < X.indptr[r + 1]; p++) pooled[at + X.indices[p]] = X.values[p];
    });
  put(source, si, 0);
  put(target, ti, si.length);
  const all = denseRows(pooled, si.length + ti.length, d);
  const pca = fitPca(all, 2, { seed: opts.seed ?? 0 });
  const Z = projectRows(pca, all);
  const r = pca.r;
  const point = (i: number): [number, number] => [Z[i * r], r > 1 ? Z[i * r + 1] : 0];
  return {
    source: si.map((_, i) => point(i)),
    target: ti.map((_, i) => point(si.length + i)),
    explained: [pca.explainedVarianceRatio[0] ?? 0, pca.explainedVarianceRatio[1] ?? 0],
  };
}
