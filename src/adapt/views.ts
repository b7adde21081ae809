/**
 * A low-dimensional, standardised "view" of source and target features, where kernels,
 * covariances and logistic domain classifiers are affordable: the features themselves when
 * there are few, else the top principal components of source + target pooled.
 *
 * @module
 */
import { multiply, stackRows, toDense, type Rows } from '../measures/rows.ts';
import { fitPca, type Pca } from './svd.ts';

/**
 * An affine map x ↦ x·A + a from the feature space to the view (`A` is `d × m`).
 *
 * @example
 * ```ts
 * const v = fitView(source, target, { maxDims: 100 });
 * const z = v.apply(moreRows); // n × v.m
 * ```
 */
export interface View {
  d: number;
  m: number;
  A: Float64Array;
  a: Float64Array;
  /** Present when the view is a PCA projection. */
  pca?: Pca;
  apply(X: Rows): Float64Array;
  description: string;
}

/**
 * Fits a view: features standardised with the pooled mean and std when d ≤ `maxDims`, else the
 * top `maxDims` principal components (randomized SVD of the pooled rows), each scaled to unit
 * pooled variance.
 *
 * @example
 * ```ts
 * const view = fitView(Xs, Xt, { maxDims: 100, seed: 1 });
 * ```
 */
export function fitView(Xs: Rows, Xt: Rows, opts: { maxDims?: number; seed?: number | string } = {}): View {
  const maxDims = opts.maxDims ?? 100;
  const d = Xs.d;
  const n = Xs.n + Xt.n;
  if (d <= maxDims) {
    const mean = new Float64Array(d);
    const sq = new Float64Array(d);
    for (const X of [Xs, Xt]) {
      const D = toDense(X);
      for (let i = 0; i < X.n; i++) {
        for (let j = 0; j < d; j++) {
          mean[j] += D[i * d + j];
          sq[j] += D[i * d + j] ** 2;
        }
      }
    }
    const A = new Float64Array(d * d);
    const a = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      mean[j] /= n;
      const sd = Math.sqrt(Math.max(0, sq[j] / n - mean[j] ** 2)) || 1;
      A[j * d + j] = 1 / sd;
      a[j] = -mean[j] / sd;
    }
    return makeView(d, d, A, a, undefined, `${d} features standardised on source + target`);
  }
  const pooled = stackRows(Xs, Xt);
  const pca = fitPca(pooled, maxDims, { seed: opts.seed ?? 0 });
  const m = pca.r;
  const sd = new Float64Array(m);
  for (let q = 0; q < m; q++) sd[q] = pca.singularValues[q] / Math.sqrt(n) || 1;
  const A = new Float64Array(d * m);
  const a = new Float64Array(m);
  for (let j = 0; j < d; j++) for (let q = 0; q < m; q++) A[j * m + q] = pca.V[j * m + q] / sd[q];
  for (let q = 0; q < m; q++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += pca.mean[j] * pca.V[j * m + q];
    a[q] = -s / sd[q];
  }
  let explained = 0;
  for (const r of pca.explainedVarianceRatio) explained += r;
  return makeView(d, m, A, a, pca, `top ${m} principal components of source + target (${(100 * explained).toFixed(1)}% of the variance), each scaled to unit variance`);
}

function makeView(d: number, m: number, A: Float64Array, a: Float64Array, pca: Pca | undefined, description: string): View {
  return {
    d,
    m,
    A,
    a,
    pca,
    description,
    apply(X: Rows): Float64Array {
      const out = multiply(X, A, m);
      for (let i = 0; i < X.n; i++) for (let q = 0; q < m; q++) out[i * m + q] += a[q];
      return out;
    },
  };
}
