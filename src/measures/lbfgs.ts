/**
 * The limited-memory BFGS minimiser with a backtracking (Armijo) line search: the one
 * quasi-Newton optimiser of the code base, behind the multinomial and binary logistic
 * regressions of `logistic.ts` (the adaptation classifiers, the reweighting and proxy
 * A-distance domain classifiers).
 *
 * @module
 */
import { axpy, dot, maxAbs } from './linalg.ts';

/**
 * Objective: returns f(θ) and writes ∇f(θ) into `grad`.
 *
 * @example
 * ```ts
 * const f: Objective = (t, g) => { g[0] = 2 * (t[0] - 3); return (t[0] - 3) ** 2; };
 * ```
 */
export type Objective = (theta: Float64Array, grad: Float64Array) => number;

/**
 * Options of {@link minimizeLbfgs}.
 *
 * @example
 * ```ts
 * const o: LbfgsOptions = { maxIter: 200, tol: 1e-6, memory: 10 };
 * ```
 */
export interface LbfgsOptions {
  /** Iteration limit (default 300). */
  maxIter?: number;
  /** Stop when max |∇f| falls below this (default 1e-6). */
  tol?: number;
  /**
   * Stop when the decrease of f in an iteration falls below this times max(1, |f|)
   * (default 1e-10; 0 stops on the gradient test alone, for fits that must reach `tol`).
   */
  ftol?: number;
  /** Number of correction pairs kept (default 10). */
  memory?: number;
}

/**
 * What {@link minimizeLbfgs} found.
 *
 * @example
 * ```ts
 * const { theta, loss, converged }: LbfgsResult = minimizeLbfgs(f, new Float64Array(1));
 * ```
 */
export interface LbfgsResult {
  theta: Float64Array;
  loss: number;
  iterations: number;
  converged: boolean;
}

/**
 * Minimises `f` from `theta0` by L-BFGS: the two-loop recursion over the last `memory`
 * correction pairs (initial Hessian γ·I with γ = sᵀy/yᵀy; the very first step is the gradient
 * scaled to length ≤ 1), then Armijo backtracking (c = 1e-4, halving, at most 40 tries) from a
 * unit step. When a direction does not descend, the memory is cleared and the scaled gradient
 * used instead; pairs with too little curvature (sᵀy ≤ 1e-12·‖s‖‖y‖) are not stored. Stops
 * when max |∇f| ≤ `tol`, when an iteration decreases f by ≤ `ftol`·max(1, |f|), when the line
 * search fails, or after `maxIter` iterations.
 *
 * @example
 * ```ts
 * minimizeLbfgs((t, g) => { g[0] = 2 * (t[0] - 3); return (t[0] - 3) ** 2; }, new Float64Array(1)).theta[0]; // ≈ 3
 * ```
 */
export function minimizeLbfgs(f: Objective, theta0: Float64Array, opts: LbfgsOptions = {}): LbfgsResult {
  const maxIter = opts.maxIter ?? 300;
  const tol = opts.tol ?? 1e-6;
  const ftol = opts.ftol ?? 1e-10;
  const memory = opts.memory ?? 10;
  const k = theta0.length;
  const theta = Float64Array.from(theta0);
  const g = new Float64Array(k);
  let loss = f(theta, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const trial = new Float64Array(k);
  const gTrial = new Float64Array(k);
  let it = 0;
  let converged = maxAbs(g) <= tol;
  for (; it < maxIter && !converged; it++) {
    const dir = Float64Array.from(g);
    const alpha: number[] = [];
    for (let m = S.length - 1; m >= 0; m--) {
      const a = rho[m] * dot(S[m], dir);
      alpha[m] = a;
      axpy(-a, Y[m], dir);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let j = 0; j < k; j++) dir[j] *= gamma;
    } else {
      const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let j = 0; j < k; j++) dir[j] *= scale;
    }
    for (let m = 0; m < S.length; m++) axpy(alpha[m] - rho[m] * dot(Y[m], dir), S[m], dir);
    let slope = dot(g, dir);
    if (!(slope > 0)) {
      S.length = Y.length = rho.length = 0;
      const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let j = 0; j < k; j++) dir[j] = g[j] * scale;
      slope = dot(g, dir);
    }
    let step = 1;
    let accepted = false;
    let newLoss = loss;
    for (let tries = 0; tries < 40; tries++, step /= 2) {
      for (let j = 0; j < k; j++) trial[j] = theta[j] - step * dir[j];
      newLoss = f(trial, gTrial);
      if (newLoss <= loss - 1e-4 * step * slope) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
    const s = new Float64Array(k);
    const y = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      s[j] = trial[j] - theta[j];
      y[j] = gTrial[j] - g[j];
    }
    theta.set(trial);
    g.set(gTrial);
    const decrease = loss - newLoss;
    loss = newLoss;
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > memory) (S.shift(), Y.shift(), rho.shift());
    }
    converged = maxAbs(g) <= tol;
    if (decrease <= ftol * Math.max(1, Math.abs(loss))) {
      it++;
      break;
    }
  }
  return { theta, loss, iterations: it, converged: converged || maxAbs(g) <= tol };
}
