/**
 * A linear probe for few-shot learning: multinomial logistic regression on the support
 * embeddings (L2-regularised, fitted to convergence by L-BFGS with `measures/logistic.ts`).
 *
 * With a few support vectors in thousands of dimensions the fit runs in the span of the support:
 * the penalised optimum W lies in that span (representer theorem), so with an orthonormal basis
 * Q of it, softmax regression on Qx with the same C gives exactly the same predictions — on
 * m ≤ ways·shots coordinates instead of d.
 *
 * @module
 */
import { fitSoftmax, predictSoftmax, type LinearModel } from '../../measures/logistic.ts';
import { denseRows } from '../../measures/rows.ts';
import { argmaxRows, type Support } from './prototypes.ts';

/**
 * Options of {@link fitProbe}.
 *
 * @example
 * ```ts
 * const o: ProbeOptions = { C: 1 };
 * ```
 */
export interface ProbeOptions {
  /** Inverse L2 strength as in scikit-learn's `LogisticRegression(C)` (default 1: the support is tiny). */
  C?: number;
  /** L-BFGS iteration limit (default 200). */
  maxIter?: number;
}

/**
 * Fits the probe on the support vectors.
 *
 * @example
 * ```ts
 * const probe = fitProbe({ x: [0, 0, 1, 1], d: 2, y: [0, 1], k: 2 });
 * ```
 */
export function fitProbe(s: Support, opts: ProbeOptions = {}): LinearModel {
  const m = s.y.length;
  const x = s.x instanceof Float64Array || s.x instanceof Float32Array ? s.x : Float64Array.from(s.x);
  return fitSoftmax(denseRows(x, m, s.d), s.y, s.k, { C: opts.C ?? 1, maxIter: opts.maxIter ?? 200 });
}

/**
 * An orthonormal basis of the span of the rows of an `m × d` matrix (modified Gram–Schmidt;
 * rows that add less than 1e-10 of their length are dropped): `r × d`, row-major, `r ≤ m`.
 *
 * @example
 * ```ts
 * rowSpanBasis(Float64Array.of(3, 0, 0, 0, 2, 0), 2, 3); // { q: [1, 0, 0, 0, 1, 0], r: 2 }
 * ```
 */
export function rowSpanBasis(x: ArrayLike<number>, m: number, d: number): { q: Float64Array; r: number } {
  const q = new Float64Array(m * d);
  let r = 0;
  const v = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    let before = 0;
    for (let j = 0; j < d; j++) before += (v[j] = x[i * d + j]) ** 2;
    for (let b = 0; b < r; b++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += v[j] * q[b * d + j];
      for (let j = 0; j < d; j++) v[j] -= dot * q[b * d + j];
    }
    let after = 0;
    for (let j = 0; j < d; j++) after += v[j] * v[j];
    if (!(after > 1e-10 * before) || after === 0) continue;
    const inv = 1 / Math.sqrt(after);
    for (let j = 0; j < d; j++) q[r * d + j] = v[j] * inv;
    r++;
  }
  return { q: q.slice(0, r * d), r };
}

/** Coordinates of every row of `x` (`n × d`) in the basis `q` (`r × d`): `n × r`. */
function project(x: ArrayLike<number>, n: number, d: number, q: Float64Array, r: number): Float64Array {
  const z = new Float64Array(n * r);
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < r; b++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += x[i * d + j] * q[b * d + j];
      z[i * r + b] = dot;
    }
  }
  return z;
}

/**
 * Fits the probe on the support and predicts the class of every query.
 *
 * @example
 * ```ts
 * probePredict({ x: [0, 0, 4, 4], d: 2, y: [0, 1], k: 2 }, [0.5, 0, 3, 4]); // Int32Array [0, 1]
 * ```
 */
export function probePredict(s: Support, queries: ArrayLike<number>, opts: ProbeOptions = {}): Int32Array {
  const m = s.y.length;
  const n = queries.length / s.d;
  if (m >= s.d) {
    const model = fitProbe(s, opts);
    const q = queries instanceof Float64Array || queries instanceof Float32Array ? queries : Float64Array.from(queries);
    return argmaxRows(predictSoftmax(model, denseRows(q, n, s.d)), s.k);
  }
  // fewer support vectors than dimensions: the same fit in the support's span
  const { q, r } = rowSpanBasis(s.x, m, s.d);
  const model = fitProbe({ x: project(s.x, m, s.d, q, r), d: r, y: s.y, k: s.k }, opts);
  return argmaxRows(predictSoftmax(model, denseRows(project(queries, n, s.d, q, r), n, r)), s.k);
}
