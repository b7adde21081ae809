/**
 * Logistic regression in plain TypeScript — the one implementation. The model is multinomial
 * (softmax) regression with per-example weights, class weights, soft labels and an L2 penalty
 * (intercepts not penalised) on dense or sparse {@link Rows}, fitted by L-BFGS (`lbfgs.ts`) or,
 * for small problems, Newton's method. Two ways in:
 *
 * - {@link fitSoftmax}: k classes, k weight columns (scikit-learn's multinomial
 *   `LogisticRegression(C)`); the classifier every adaptation method trains.
 * - {@link fitLogistic}: the binary case, the same objective with class 0 as the reference
 *   class (its logit fixed at 0, one weight column: P(y = 1 | x) = σ(x·w + b)) on features
 *   standardised inside; the domain classifier behind the proxy A-distance and discriminative
 *   reweighting.
 *
 * Why not `trainModel`: reweighting needs per-example weights (trainModel takes class
 * weights only), and a full-batch quasi-Newton fit on sparse TF-IDF rows converges in ~1 s
 * where mini-batch Adam needs tens of epochs over dense 8192-wide tensors. `adapt/linear.ts`
 * copies a fitted {@link LinearModel} into a TF.js model for saving.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { minimizeLbfgs } from './lbfgs.ts';
import { cholesky, choleskySolve, columnMeans, dot, maxAbs, toMatrix, type Matrix, type MatrixInput } from './linalg.ts';
import { addTransposeProduct, denseRows, multiply, rowInto, type Rows } from './rows.ts';

// ---------------------------------------------------------------- multinomial

/**
 * Options of {@link fitSoftmax}.
 *
 * @example
 * ```ts
 * const o: SoftmaxOptions = { C: 10, weights, classWeights: 'balanced' };
 * ```
 */
export interface SoftmaxOptions {
  /**
   * Inverse regularisation strength as in scikit-learn: the objective is
   * C·Σᵢ sᵢ·CE(i) + ½‖W‖² (intercepts not penalised), with sᵢ the example weights. Default 10.
   */
  C?: number;
  /** Per-example weights sᵢ ≥ 0 (default 1). */
  weights?: ArrayLike<number>;
  /** Per-class multipliers of the example weights, or `'balanced'` (n / (k·count_c) over the weighted counts). */
  classWeights?: number[] | 'balanced';
  /** Soft labels instead of `y`: `n × k` row-major target probabilities (for pseudo-labels). */
  soft?: Float64Array;
  /** L-BFGS iteration limit (default 300). */
  maxIter?: number;
  /** Gradient tolerance (default 1e-5). */
  tol?: number;
  /** Start from these parameters (warm start): `W` (`d × k`) then `b` (`k`). */
  init?: Float64Array;
}

/**
 * A fitted linear softmax classifier: p(c | x) = softmax(x·W + b)_c.
 *
 * @example
 * ```ts
 * const m: LinearModel = fitSoftmax(X, y, 2);
 * const probs = predictSoftmax(m, Xtest); // n × 2
 * ```
 */
export interface LinearModel {
  /** `d × k`, row-major. */
  W: Float64Array;
  /** `k` intercepts. */
  b: Float64Array;
  d: number;
  k: number;
  iterations: number;
  converged: boolean;
}

/**
 * Fits softmax regression by minimising C·Σᵢ sᵢ·CE(yᵢ, softmax(xᵢW + b)) + ½‖W‖² with L-BFGS.
 *
 * @example
 * ```ts
 * const model = fitSoftmax(toSparse(denseRows(x, n, d)), labels, 2, { C: 10 });
 * ```
 */
export function fitSoftmax(X: Rows, y: ArrayLike<number>, k: number, opts: SoftmaxOptions = {}): LinearModel {
  const { n, d } = X;
  const C = opts.C ?? 10;
  if (!(C > 0)) throw new TransferkitError('BAD_OPTION', `C must be positive, got ${C}`, { hint: 'Use e.g. C = 10 (larger means less regularisation).' });
  if (y.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `${n} rows but ${y.length} labels`);
  if (!opts.soft) {
    for (let i = 0; i < n; i++) {
      if (!(Number.isInteger(y[i]) && y[i] >= 0 && y[i] < k)) throw new TransferkitError('BAD_LABEL', `Row ${i} has label ${y[i]}, outside 0…${k - 1}`);
    }
  }
  const s = exampleWeights(opts.weights, n);
  const T = opts.soft ?? oneHotTargets(y, n, k);
  if (opts.classWeights) {
    const cw = opts.classWeights === 'balanced' ? balancedWeights(T, s, n, k) : opts.classWeights;
    if (cw.length !== k) throw new TransferkitError('SHAPE_MISMATCH', `${cw.length} class weights for ${k} classes`);
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (let c = 0; c < k; c++) m += T[i * k + c] * cw[c];
      s[i] *= m;
    }
  }
  const init = opts.init ?? new Float64Array(d * k + k);
  if (init.length !== d * k + k) throw new TransferkitError('SHAPE_MISMATCH', `Warm start has ${init.length} parameters, expected ${d * k + k}`);
  const res = fit({ X, T, s, k, reference: false, scale: C, l2: 1 }, { method: 'lbfgs', init, maxIter: opts.maxIter ?? 300, tol: opts.tol ?? 1e-5 });
  return { W: res.theta.slice(0, d * k), b: res.theta.slice(d * k), d, k, iterations: res.iterations, converged: res.converged };
}

/**
 * Class probabilities (`n × k`, row-major) of a {@link LinearModel}.
 *
 * @example
 * ```ts
 * const p = predictSoftmax(model, X); // p[i * k + c]
 * ```
 */
export function predictSoftmax(model: LinearModel, X: Rows): Float64Array {
  if (X.d !== model.d) throw new TransferkitError('SHAPE_MISMATCH', `The classifier takes ${model.d} features, got ${X.d}`);
  const { k } = model;
  const Z = multiply(X, model.W, k);
  for (let i = 0; i < X.n; i++) softmaxRow(Z, i * k, k, model.b);
  return Z;
}

function softmaxRow(Z: Float64Array, o: number, k: number, b: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, (Z[o + c] += b[c]));
  let sum = 0;
  for (let c = 0; c < k; c++) sum += Z[o + c] = Math.exp(Z[o + c] - max);
  for (let c = 0; c < k; c++) Z[o + c] /= sum;
}

/**
 * The linear model's parameters flattened (`W` then `b`), e.g. to warm-start the next fit.
 *
 * @example
 * ```ts
 * fitSoftmax(X, y, k, { init: parameters(previous) });
 * ```
 */
export function parameters(model: LinearModel): Float64Array {
  const out = new Float64Array(model.W.length + model.b.length);
  out.set(model.W, 0);
  out.set(model.b, model.W.length);
  return out;
}

/**
 * Composes an affine map x ↦ x·A + a (`A` is `d × m`) with a linear model on the `m` outputs,
 * giving one linear model on x (used to fold a projection such as CORAL-on-SVD into the saved model).
 *
 * @example
 * ```ts
 * const onRaw = composeAffine(projection.A, projection.a, d, headOnProjected);
 * ```
 */
export function composeAffine(A: Float64Array, a: Float64Array, d: number, head: LinearModel): LinearModel {
  const m = head.d;
  const k = head.k;
  if (A.length !== d * m || a.length !== m) throw new TransferkitError('SHAPE_MISMATCH', 'Projection and classifier sizes do not match');
  const W = new Float64Array(d * k);
  for (let j = 0; j < d; j++) {
    for (let q = 0; q < m; q++) {
      const v = A[j * m + q];
      if (v === 0) continue;
      for (let c = 0; c < k; c++) W[j * k + c] += v * head.W[q * k + c];
    }
  }
  const b = Float64Array.from(head.b);
  for (let q = 0; q < m; q++) for (let c = 0; c < k; c++) b[c] += a[q] * head.W[q * k + c];
  return { ...head, W, b, d };
}

/**
 * Adds log(q_c / p_c) to the intercepts: the Bayes-optimal correction of a probabilistic
 * classifier trained under class prior p for a target with prior q (Saerens et al. 2002).
 *
 * @example
 * ```ts
 * const adjusted = shiftPrior(model, [0.83, 0.17], [0.5, 0.5]);
 * ```
 */
export function shiftPrior(model: LinearModel, from: readonly number[], to: readonly number[]): LinearModel {
  const b = Float64Array.from(model.b, (v, c) => v + Math.log(Math.max(1e-6, to[c]) / Math.max(1e-6, from[c])));
  return { ...model, b };
}

function oneHotTargets(y: ArrayLike<number>, n: number, k: number): Float64Array {
  const T = new Float64Array(n * k);
  for (let i = 0; i < n; i++) T[i * k + y[i]] = 1;
  return T;
}

function balancedWeights(T: Float64Array, s: Float64Array, n: number, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  let total = 0;
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) counts[c] += s[i] * T[i * k + c];
  for (const c of counts) total += c;
  return counts.map((c) => (c > 0 ? total / (k * c) : 0));
}

/** Per-example weights (default 1), checked to be finite and ≥ 0. */
function exampleWeights(weights: ArrayLike<number> | undefined, n: number): Float64Array {
  const s = new Float64Array(n).fill(1);
  if (!weights) return s;
  if (weights.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `${weights.length} weights for ${n} rows`);
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!(w >= 0) || !Number.isFinite(w)) throw new TransferkitError('BAD_WEIGHTS', `Example weights must be finite and ≥ 0, got ${w} at row ${i}`);
    s[i] = w;
  }
  return s;
}

// ---------------------------------------------------------------- binary

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
 * This is the softmax model of {@link fitSoftmax} for two classes with class 0's logit fixed
 * at 0 (so one weight vector, penalised as written), solved by Newton's method with a
 * backtracking line search for d ≤ 64, by L-BFGS otherwise. The returned `w`, `b` are mapped
 * back so that `predictProba` takes raw features.
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
  const T = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new TransferkitError('BAD_LABEL', `Logistic regression labels must be 0 or 1, got ${y[i]} at row ${i}`);
    T[2 * i + y[i]] = 1;
  }
  const s = exampleWeights(opts.weights, n);
  let W = 0;
  for (let i = 0; i < n; i++) W += s[i];
  if (!(W > 0)) throw new TransferkitError('EMPTY_DATA', 'Logistic regression needs at least one row with positive weight');

  // standardise
  const mu = columnMeans(M);
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sd[j] += (M.data[i * d + j] - mu[j]) ** 2;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j] / n) || 1;
  const Z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Z[i * d + j] = (M.data[i * d + j] - mu[j]) / sd[j];

  const method = opts.method ?? 'auto';
  const newton = method === 'newton' || (method === 'auto' && d <= 64);
  const res = fit(
    { X: denseRows(Z, n, d), T, s, k: 2, reference: true, scale: 1 / W, l2 },
    { method: newton ? 'newton' : 'lbfgs', init: new Float64Array(d + 1), maxIter: opts.maxIter ?? (newton ? 100 : 500), tol: opts.tol ?? 1e-8, ftol: 0 },
  );

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
    p[i] = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }
  return p;
}

// ---------------------------------------------------------------- the fit

/**
 * The objective both entry points minimise:
 * scale·Σᵢ sᵢ·CE(Tᵢ, softmax(logitsᵢ)) + (l2/2)‖W‖², with logits xᵢW + b over m weight columns:
 * m = k (symmetric), or m = k − 1 with class 0's logit fixed at 0 (`reference`).
 */
interface Problem {
  X: Rows;
  /** `n × k` target probabilities. */
  T: Float64Array;
  /** Example weights (class weights folded in). */
  s: Float64Array;
  k: number;
  reference: boolean;
  scale: number;
  l2: number;
}

interface Solver {
  method: 'lbfgs' | 'newton';
  /** θ = [W (d × m, row-major), b (m)]. */
  init: Float64Array;
  maxIter: number;
  tol: number;
  /** L-BFGS relative-decrease stop (default that of `minimizeLbfgs`). */
  ftol?: number;
}

interface Solution {
  theta: Float64Array;
  loss: number;
  iterations: number;
  converged: boolean;
}

function fit(P: Problem, S: Solver): Solution {
  const f = objective(P);
  if (S.method === 'lbfgs') return minimizeLbfgs(f, S.init, { maxIter: S.maxIter, tol: S.tol, ftol: S.ftol });
  return newton(P, f, S);
}

/** f(θ) with its gradient written into `grad` (the {@link minimizeLbfgs} objective). */
function objective(P: Problem): (theta: Float64Array, grad: Float64Array) => number {
  const { X, T, s, k, reference, scale, l2 } = P;
  const { n, d } = X;
  const off = reference ? 1 : 0;
  const m = k - off;
  const Z = new Float64Array(n * m);
  const R = new Float64Array(n * m);
  return (theta, grad) => {
    const W = theta.subarray(0, d * m);
    const b = theta.subarray(d * m);
    multiply(X, W, m, Z);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const o = i * m;
      const to = i * k;
      // the reference class's logit is 0
      let max = reference ? 0 : -Infinity;
      for (let c = 0; c < m; c++) max = Math.max(max, (Z[o + c] += b[c]));
      let sum = reference ? Math.exp(-max) : 0;
      for (let c = 0; c < m; c++) sum += Math.exp(Z[o + c] - max);
      const lse = max + Math.log(sum);
      if (reference && T[to] > 0) loss += scale * s[i] * T[to] * lse;
      for (let c = 0; c < m; c++) {
        const p = Math.exp(Z[o + c] - lse);
        const t = T[to + off + c];
        if (t > 0) loss -= scale * s[i] * t * (Z[o + c] - lse);
        R[o + c] = scale * s[i] * (p - t);
      }
    }
    grad.fill(0);
    const gW = grad.subarray(0, d * m);
    addTransposeProduct(X, R, m, gW);
    for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) grad[d * m + c] += R[i * m + c];
    let reg = 0;
    for (let j = 0; j < d * m; j++) {
      reg += W[j] * W[j];
      gW[j] += l2 * W[j];
    }
    return loss + (l2 * reg) / 2;
  };
}

/**
 * Newton's method on the same objective: the exact Hessian (a (d + 1)m square; l2 on the weight
 * diagonal, 1e-12 on all of it), a Cholesky solve (a gradient step when that fails), and
 * Armijo backtracking (c = 1e-4, halving, at most 60 tries). For small problems only.
 */
function newton(P: Problem, f: (theta: Float64Array, grad: Float64Array) => number, S: Solver): Solution {
  const { X, s, k, reference, scale, l2 } = P;
  const { n, d } = X;
  const off = reference ? 1 : 0;
  const m = k - off;
  const K = (d + 1) * m;
  const theta = Float64Array.from(S.init);
  const g = new Float64Array(K);
  const gTrial = new Float64Array(K);
  const trial = new Float64Array(K);
  let loss = f(theta, g);
  const xt = new Float64Array(d + 1); // the row with a 1 appended (the intercept's "feature")
  const p = new Float64Array(m);
  let it = 0;
  for (; it < S.maxIter && maxAbs(g) > S.tol; it++) {
    const H = new Float64Array(K * K);
    const logits = multiply(X, theta.subarray(0, d * m), m);
    for (let i = 0; i < n; i++) {
      if (s[i] === 0) continue;
      rowInto(X, i, xt);
      xt[d] = 1;
      let max = reference ? 0 : -Infinity;
      for (let c = 0; c < m; c++) max = Math.max(max, (logits[i * m + c] += theta[d * m + c]));
      let sum = reference ? Math.exp(-max) : 0;
      for (let c = 0; c < m; c++) sum += p[c] = Math.exp(logits[i * m + c] - max);
      for (let c = 0; c < m; c++) p[c] /= sum;
      const w = scale * s[i];
      // H += w · (diag(p) − ppᵀ) ⊗ x̃x̃ᵀ, upper triangle; θ index of (feature a, column c) is a·m + c
      for (let r = 0; r < K; r++) {
        const xa = xt[Math.floor(r / m)];
        if (xa === 0) continue;
        const c = r % m;
        for (let q = r; q < K; q++) {
          const c2 = q % m;
          const h = w * p[c] * ((c === c2 ? 1 : 0) - p[c2]);
          H[r * K + q] += h * xa * xt[Math.floor(q / m)];
        }
      }
    }
    for (let r = 0; r < K; r++) {
      H[r * K + r] += (r < d * m ? l2 : 0) + 1e-12;
      for (let q = 0; q < r; q++) H[r * K + q] = H[q * K + r];
    }
    let step: Float64Array;
    try {
      step = choleskySolve(cholesky({ rows: K, cols: K, data: H }), g);
    } catch {
      step = Float64Array.from(g); // fall back to a gradient step
    }
    const slope = dot(g, step);
    if (!(slope > 0)) break;
    let accepted = false;
    for (let tries = 0, t = 1; tries < 60; tries++, t /= 2) {
      for (let j = 0; j < K; j++) trial[j] = theta[j] - t * step[j];
      const l = f(trial, gTrial);
      if (l <= loss - 1e-4 * t * slope) {
        theta.set(trial);
        g.set(gTrial);
        loss = l;
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
  }
  return { theta, loss, iterations: it, converged: maxAbs(g) <= S.tol };
}
