/**
 * L2-regularised binary logistic regression in plain TypeScript: the domain classifier behind
 * the proxy A-distance (and a discriminative density-ratio estimator).
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { cholesky, choleskySolve, toMatrix, type Matrix, type MatrixInput } from './linalg.ts';

/**
 * Options for {@link fitLogistic}.
 *
 * @example
 * ```ts
 * const opts: LogisticOptions = { l2: 1e-2, maxIter: 200, method: 'lbfgs' };
 * ```
 */
export interface LogisticOptions {
  /** L2 penalty λ on the standardised weights (not the intercept); default 1e-2. */
  l2?: number;
  /** Per-example weights (default all 1). */
  weights?: ArrayLike<number>;
  /** Iteration limit (default 100 for Newton, 500 for L-BFGS). */
  maxIter?: number;
  /** Stop when the largest gradient component is below this (default 1e-8). */
  tol?: number;
  /** `'newton'` (exact Hessian, Cholesky solve), `'lbfgs'`, or `'auto'` (default): Newton when d ≤ 64. */
  method?: 'auto' | 'newton' | 'lbfgs';
}

/**
 * A fitted logistic regression, P(y = 1 | x) = σ(x·w + b), with `w`, `b` on the original
 * (unstandardised) feature scale.
 *
 * @example
 * ```ts
 * const model = fitLogistic(X, y);
 * const p = model.predictProba(Xnew); // Float64Array of P(y = 1)
 * ```
 */
export interface LogisticModel {
  w: Float64Array;
  b: number;
  predictProba(X: MatrixInput): Float64Array;
  /** Iterations used and whether the gradient tolerance was reached. */
  iterations: number;
  converged: boolean;
  /** Final value of the (standardised-space) objective. */
  loss: number;
}

/**
 * Fits binary logistic regression by minimising
 * Σᵢ sᵢ·ℓ(yᵢ, σ(zᵢ·w + b)) / Σᵢ sᵢ + (λ/2)‖w‖², with zᵢ the features standardised inside
 * (column mean 0, population std 1; constant columns are only centred) and sᵢ the example
 * weights. Equivalent to scikit-learn's `LogisticRegression(C = 1/(λ·n))` on standardised data.
 * Solved by Newton's method with a backtracking line search for d ≤ 64, L-BFGS otherwise.
 * The returned `w`, `b` are mapped back so that `predictProba` takes raw features.
 *
 * @param y labels in {0, 1}
 * @example
 * ```ts
 * const m = fitLogistic([[0], [1], [2], [3]], [0, 0, 1, 1], { l2: 0.1 });
 * m.predictProba([[3]])[0] > 0.5; // true
 * ```
 */
export function fitLogistic(X: MatrixInput, y: ArrayLike<number>, opts: LogisticOptions = {}): LogisticModel {
  const M = toMatrix(X, 'X');
  const n = M.rows;
  const d = M.cols;
  const l2 = opts.l2 ?? 1e-2;
  if (!(l2 >= 0)) throw new TransferkitError('BAD_OPTION', `l2 must be ≥ 0, got ${l2}`);
  if (y.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `X has ${n} rows but y has ${y.length} labels`);
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new TransferkitError('BAD_LABEL', `Logistic regression labels must be 0 or 1, got ${y[i]} at row ${i}`);
  }
  const s = new Float64Array(n).fill(1);
  if (opts.weights) {
    if (opts.weights.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `${opts.weights.length} weights for ${n} rows`);
    for (let i = 0; i < n; i++) {
      if (!(opts.weights[i] >= 0) || !Number.isFinite(opts.weights[i])) {
        throw new TransferkitError('BAD_WEIGHT', `Weights must be finite and ≥ 0, got ${opts.weights[i]} at row ${i}`);
      }
      s[i] = opts.weights[i];
    }
  }
  let W = 0;
  for (let i = 0; i < n; i++) W += s[i];
  if (!(W > 0)) throw new TransferkitError('NO_DATA', 'Logistic regression needs at least one row with positive weight');

  // standardise
  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += M.data[i * d + j];
  for (let j = 0; j < d; j++) mu[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sd[j] += (M.data[i * d + j] - mu[j]) ** 2;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j] / n) || 1;
  const Z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Z[i * d + j] = (M.data[i * d + j] - mu[j]) / sd[j];

  const problem: Problem = { Z, y, s, W, n, d, l2 };
  const method = opts.method ?? 'auto';
  const useNewton = method === 'newton' || (method === 'auto' && d <= 64);
  const tol = opts.tol ?? 1e-8;
  const res = useNewton ? newton(problem, opts.maxIter ?? 100, tol) : lbfgs(problem, opts.maxIter ?? 500, tol);

  const w = new Float64Array(d);
  let b = res.theta[d];
  for (let j = 0; j < d; j++) {
    w[j] = res.theta[j] / sd[j];
    b -= w[j] * mu[j];
  }
  return {
    w,
    b,
    iterations: res.iterations,
    converged: res.converged,
    loss: res.loss,
    predictProba(Xnew: MatrixInput): Float64Array {
      const A = toMatrix(Xnew, 'X');
      if (A.cols !== d) throw new TransferkitError('SHAPE_MISMATCH', `Model has ${d} features, got ${A.cols}`);
      return probabilities(A, w, b);
    },
  };
}

function probabilities(A: Matrix, w: Float64Array, b: number): Float64Array {
  const d = A.cols;
  const p = new Float64Array(A.rows);
  for (let i = 0; i < A.rows; i++) {
    let z = b;
    for (let j = 0; j < d; j++) z += A.data[i * d + j] * w[j];
    p[i] = sigmoid(z);
  }
  return p;
}

interface Problem {
  Z: Float64Array;
  y: ArrayLike<number>;
  s: Float64Array;
  W: number;
  n: number;
  d: number;
  l2: number;
}

interface Solution {
  theta: Float64Array;
  iterations: number;
  converged: boolean;
  loss: number;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z), stable. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Objective, gradient (into g) and, optionally, the linear scores (into zOut). θ = [w (d), b]. */
function evaluate(P: Problem, theta: Float64Array, g: Float64Array | null, zOut?: Float64Array): number {
  const { Z, y, s, W, n, d, l2 } = P;
  let loss = 0;
  if (g) g.fill(0);
  for (let i = 0; i < n; i++) {
    let z = theta[d];
    const r = i * d;
    for (let j = 0; j < d; j++) z += Z[r + j] * theta[j];
    if (zOut) zOut[i] = z;
    if (s[i] === 0) continue;
    // −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y z
    loss += s[i] * (softplus(z) - y[i] * z);
    if (g) {
      const e = (s[i] * (sigmoid(z) - y[i])) / W;
      for (let j = 0; j < d; j++) g[j] += e * Z[r + j];
      g[d] += e;
    }
  }
  loss /= W;
  let reg = 0;
  for (let j = 0; j < d; j++) reg += theta[j] * theta[j];
  loss += (l2 / 2) * reg;
  if (g) for (let j = 0; j < d; j++) g[j] += l2 * theta[j];
  return loss;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}

function newton(P: Problem, maxIter: number, tol: number): Solution {
  const { Z, s, W, n, d, l2 } = P;
  const k = d + 1;
  const theta = new Float64Array(k);
  const g = new Float64Array(k);
  const zs = new Float64Array(n);
  let loss = evaluate(P, theta, g, zs);
  let it = 0;
  for (; it < maxIter && maxAbs(g) > tol; it++) {
    const H = new Float64Array(k * k);
    const row = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      if (s[i] === 0) continue;
      const p = sigmoid(zs[i]);
      const h = (s[i] * p * (1 - p)) / W;
      if (h === 0) continue;
      for (let j = 0; j < d; j++) row[j] = Z[i * d + j];
      row[d] = 1;
      for (let a = 0; a < k; a++) {
        const ha = h * row[a];
        for (let c = a; c < k; c++) H[a * k + c] += ha * row[c];
      }
    }
    for (let a = 0; a < k; a++) {
      H[a * k + a] += (a < d ? l2 : 0) + 1e-12;
      for (let c = 0; c < a; c++) H[a * k + c] = H[c * k + a];
    }
    let step: Float64Array;
    try {
      step = choleskySolve(cholesky({ rows: k, cols: k, data: H }), g);
    } catch {
      step = Float64Array.from(g); // fall back to a gradient step
    }
    const res = lineSearch(P, theta, g, step, loss, zs);
    if (!res) break;
    loss = res;
    evaluate(P, theta, g, zs);
  }
  return { theta, iterations: it, converged: maxAbs(g) <= tol, loss };
}

/** Backtracking (Armijo) along −step; updates θ in place and returns the new loss, or null if no decrease. */
function lineSearch(P: Problem, theta: Float64Array, g: Float64Array, step: Float64Array, loss: number, zs?: Float64Array): number | null {
  const k = theta.length;
  let slope = 0;
  for (let j = 0; j < k; j++) slope += g[j] * step[j];
  if (!(slope > 0)) return null;
  const trial = new Float64Array(k);
  let t = 1;
  for (let tries = 0; tries < 60; tries++, t /= 2) {
    for (let j = 0; j < k; j++) trial[j] = theta[j] - t * step[j];
    const l = evaluate(P, trial, null, zs);
    if (l <= loss - 1e-4 * t * slope) {
      theta.set(trial);
      return l;
    }
  }
  return null;
}

function lbfgs(P: Problem, maxIter: number, tol: number, memory = 10): Solution {
  const k = P.d + 1;
  const theta = new Float64Array(k);
  const g = new Float64Array(k);
  let loss = evaluate(P, theta, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  let it = 0;
  for (; it < maxIter && maxAbs(g) > tol; it++) {
    // two-loop recursion: direction = H·g
    const q = Float64Array.from(g);
    const alpha: number[] = [];
    for (let m = S.length - 1; m >= 0; m--) {
      const a = rho[m] * dot(S[m], q);
      alpha[m] = a;
      for (let j = 0; j < k; j++) q[j] -= a * Y[m][j];
    }
    const last = S.length - 1;
    const gammaScale = last >= 0 ? dot(S[last], Y[last]) / dot(Y[last], Y[last]) : 1 / Math.max(1, maxAbs(g) * Math.sqrt(k));
    for (let j = 0; j < k; j++) q[j] *= gammaScale;
    for (let m = 0; m < S.length; m++) {
      const bta = rho[m] * dot(Y[m], q);
      for (let j = 0; j < k; j++) q[j] += S[m][j] * (alpha[m] - bta);
    }
    const old = Float64Array.from(theta);
    const oldG = Float64Array.from(g);
    let res = lineSearch(P, theta, g, q, loss);
    if (res === null) {
      // reset memory and retry with the plain gradient
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      const sc = Float64Array.from(g, (v) => v / Math.max(1, maxAbs(g) * Math.sqrt(k)));
      res = lineSearch(P, theta, g, sc, loss);
      if (res === null) break;
    }
    loss = res;
    evaluate(P, theta, g);
    const sv = Float64Array.from(theta, (v, j) => v - old[j]);
    const yv = Float64Array.from(g, (v, j) => v - oldG[j]);
    const sy = dot(sv, yv);
    if (sy > 1e-12 * Math.sqrt(dot(sv, sv) * dot(yv, yv))) {
      S.push(sv);
      Y.push(yv);
      rho.push(1 / sy);
      if (S.length > memory) (S.shift(), Y.shift(), rho.shift());
    }
  }
  return { theta, iterations: it, converged: maxAbs(g) <= tol, loss };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}
