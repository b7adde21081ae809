/**
 * LogME — the logarithm of maximum evidence (You, Liu, Wang & Long, ICML 2021): how well a
 * Bayesian linear model on a source model's features explains the target labels, with the
 * prior and noise precisions chosen by evidence maximisation instead of training.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { gram, symmetricEigen, toMatrix, type MatrixInput } from './linalg.ts';
import { checkLabels } from './labels.ts';

/**
 * Options for {@link logME}.
 *
 * @example
 * ```ts
 * const opts: LogMEOptions = { maxIter: 100, tol: 1e-8 };
 * ```
 */
export interface LogMEOptions {
  /** Fixed-point iterations per class at most (default 1000, each O(min(n, d)); the paper's code stops at ≤ 11). */
  maxIter?: number;
  /** Stop when the relative change of λ = α/β is below this (default 1e-7; the paper uses 1e-3). */
  tol?: number;
}

/**
 * Evidence maximisation for one one-hot target column.
 *
 * @example
 * ```ts
 * const c: LogMEClass = { alpha: 0.8, beta: 5.2, evidence: -0.41, iterations: 6, converged: true };
 * ```
 */
export interface LogMEClass {
  /** Prior precision α of the weights at the maximum; `Infinity` when the evidence is largest with all weights 0 (features no better than noise, or all zero). */
  alpha: number;
  /** Noise precision β at the maximum. */
  beta: number;
  /** Log evidence / n at (α, β). */
  evidence: number;
  iterations: number;
  converged: boolean;
}

/**
 * Result of {@link logME}.
 *
 * @example
 * ```ts
 * const r: LogMEResult = { score: -0.52, perClass: [] };
 * ```
 */
export interface LogMEResult {
  /** LogME: the mean over classes of the maximum log evidence / n (higher is better). */
  score: number;
  perClass: LogMEClass[];
}

const LOG_2PI = Math.log(2 * Math.PI);
/** α and β are kept in [TINY, 1/TINY] so that an exact fit or a useless feature set stays finite. */
const TINY = 1e-300;

/**
 * LogME of features F (`n × d`, from a source model on the target inputs) for target labels y.
 *
 * For each class c, y_c is the one-hot column and the model is y_c = F·w + noise with
 * w ~ N(0, α⁻¹I), noise ~ N(0, β⁻¹). Its log evidence is
 * L(α, β) = d/2·log α + n/2·log β − n/2·log 2π − β/2·‖y_c − F m‖² − α/2·‖m‖² − ½·log|A|,
 * A = αI + βFᵀF, m = βA⁻¹Fᵀy_c. F is decomposed once (eigendecomposition of the smaller of
 * FᵀF and FFᵀ, i.e. its SVD); then the fixed-point iteration of the paper's Algorithm
 * (γ = Σσᵢ/(σᵢ + α/β), α ← γ/‖m‖², β ← (n − γ)/‖y − Fm‖², as in MacKay's evidence
 * framework) runs to convergence on the O(min(n, d)) projected values, and L is evaluated
 * exactly at the final (α, β). LogME = mean_c L_c / n.
 *
 * Differences from the reference code (github.com/thuml/LogME), all so that L is the exact
 * maximum log evidence: iterate to a tight tolerance (the fixed point can need ~100+ steps when
 * d > n); no 1e-5 added to the α and β denominators (it moves the fixed point by ~1e-5/‖m‖²
 * relative, visibly when ‖m‖ is small — α, β are only clamped to [1e-300, 1e300]); the
 * evidence is evaluated exactly at the final (α, β); and when d > n the (d − n)·log α
 * contribution of FᵀF's zero eigenvalues to log|A| is included. Expect agreement with the
 * reference code to ~1e-5, not to the last digit.
 *
 * @param y target labels in [0, numClasses)
 * @example
 * ```ts
 * const { score } = logME(features, labels, 10);
 * // compare score across candidate source models: higher transfers better
 * ```
 */
export function logME(F: MatrixInput, y: ArrayLike<number>, numClasses: number, opts: LogMEOptions = {}): LogMEResult {
  const M = toMatrix(F, 'F');
  const n = M.rows;
  const d = M.cols;
  checkLabels(y, n, numClasses, 'y');
  if (d === 0) throw new TransferkitError('SHAPE_MISMATCH', 'LogME needs at least one feature');
  const maxIter = opts.maxIter ?? 1000;
  const tol = opts.tol ?? 1e-7;

  // SVD of F via the smaller Gram matrix: σ = squared singular values, X[j][c] = u_jᵀ y_c.
  const sigma: number[] = [];
  const proj: Float64Array[] = []; // per kept component, its K projections
  if (n >= d) {
    const { values, vectors } = symmetricEigen(gram(M));
    const FtY = new Float64Array(d * numClasses); // Fᵀ·onehot(y)
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) FtY[j * numClasses + y[i]] += M.data[i * d + j];
    const cut = 1e-12 * Math.max(values[d - 1], 0);
    for (let k = 0; k < d; k++) {
      if (!(values[k] > cut)) continue;
      const s = Math.sqrt(values[k]);
      const x = new Float64Array(numClasses);
      for (let c = 0; c < numClasses; c++) {
        let v = 0;
        for (let j = 0; j < d; j++) v += vectors.data[j * d + k] * FtY[j * numClasses + c];
        x[c] = v / s;
      }
      sigma.push(values[k]);
      proj.push(x);
    }
  } else {
    const outer = new Float64Array(n * n); // F·Fᵀ
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let v = 0;
        for (let k = 0; k < d; k++) v += M.data[i * d + k] * M.data[j * d + k];
        outer[i * n + j] = v;
        outer[j * n + i] = v;
      }
    }
    const { values, vectors } = symmetricEigen({ rows: n, cols: n, data: outer });
    const cut = 1e-12 * Math.max(values[n - 1], 0);
    for (let k = 0; k < n; k++) {
      if (!(values[k] > cut)) continue;
      const x = new Float64Array(numClasses);
      for (let i = 0; i < n; i++) x[y[i]] += vectors.data[i * n + k];
      sigma.push(values[k]);
      proj.push(x);
    }
  }

  const counts = new Float64Array(numClasses);
  for (let i = 0; i < n; i++) counts[y[i]]++;
  const perClass: LogMEClass[] = [];
  for (let c = 0; c < numClasses; c++) {
    const x2 = proj.map((p) => p[c] * p[c]);
    let resX2 = counts[c]; // ‖y_c‖² = number of ones
    for (const v of x2) resX2 -= v;
    resX2 = Math.max(0, resX2);
    perClass.push(maximiseEvidence(sigma, x2, resX2, n, d, maxIter, tol));
  }
  const score = perClass.reduce((s, p) => s + p.evidence, 0) / numClasses;
  return { score, perClass };
}

function maximiseEvidence(sigma: number[], x2: number[], resX2: number, n: number, d: number, maxIter: number, tol: number): LogMEClass {
  let yy = resX2; // ‖y_c‖²
  for (const v of x2) yy += v;
  const sigmaMax = sigma.length ? Math.max(...sigma) : 0;
  let alpha = 1;
  let beta = 1;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    const t = alpha / beta;
    if (!(t < 1e12 * sigmaMax)) {
      // α/β beyond every σ: the evidence increases all the way to α = ∞ (weights shrunk to 0)
      alpha = Infinity;
      converged = true;
      break;
    }
    iterations++;
    const { gamma, m2, res2 } = stats(sigma, x2, resX2, t);
    alpha = clamp(gamma / m2);
    beta = clamp((n - gamma) / res2);
    if (Math.abs(alpha / beta - t) / t <= tol) {
      converged = true;
      break;
    }
  }
  let evidence: number;
  if (alpha === Infinity) {
    // limit α → ∞: m = 0, log|A| − d·log α → 0; the noise-only model with β = n / ‖y‖²
    beta = clamp(n / yy);
    evidence = (n / 2) * Math.log(beta) - (n / 2) * LOG_2PI - (beta / 2) * yy;
  } else {
    const { m2, res2 } = stats(sigma, x2, resX2, alpha / beta);
    let logDet = (d - sigma.length) * Math.log(alpha);
    for (const s of sigma) logDet += Math.log(alpha + beta * s);
    evidence = (d / 2) * Math.log(alpha) + (n / 2) * Math.log(beta) - (n / 2) * LOG_2PI - (beta / 2) * res2 - (alpha / 2) * m2 - logDet / 2;
  }
  return { alpha, beta, evidence: evidence / n, iterations, converged };
}

function clamp(v: number): number {
  return Number.isNaN(v) ? 1 : Math.min(1 / TINY, Math.max(TINY, v));
}

/** γ, ‖m‖² and ‖y − Fm‖² at λ = α/β in the SVD basis. */
function stats(sigma: number[], x2: number[], resX2: number, t: number): { gamma: number; m2: number; res2: number } {
  let gamma = 0;
  let m2 = 0;
  let res2 = resX2;
  for (let k = 0; k < sigma.length; k++) {
    const s = sigma[k];
    const den = s + t;
    gamma += s / den;
    m2 += (s * x2[k]) / (den * den);
    res2 += (t * t * x2[k]) / (den * den);
  }
  return { gamma, m2, res2 };
}
