/**
 * Multinomial logistic (softmax) regression with per-example weights and an L2 penalty, fitted
 * by L-BFGS on dense or sparse {@link Rows}: the classifier every adaptation method trains.
 *
 * Why not `trainModel`: reweighting needs per-example weights (trainModel takes class
 * weights only), and a full-batch quasi-Newton fit on sparse TF-IDF rows converges in ~1 s
 * where mini-batch Adam needs tens of epochs over dense 8192-wide tensors. The fitted weights
 * are copied into a TF.js `buildLogistic` model for saving, so `evaluate`/`predict` use it.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../errors.ts';
import { buildLogistic } from '../models/architectures.ts';
import { minimizeLbfgs } from './lbfgs.ts';
import { addTransposeProduct, multiply, type Rows } from './rows.ts';

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
  const s = new Float64Array(n).fill(1);
  if (opts.weights) {
    if (opts.weights.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `${opts.weights.length} weights for ${n} rows`);
    for (let i = 0; i < n; i++) {
      const w = opts.weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) throw new TransferkitError('BAD_WEIGHT', `Example weights must be finite and ≥ 0, got ${w} at row ${i}`);
      s[i] = w;
    }
  }
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
  const Z = new Float64Array(n * k);
  const R = new Float64Array(n * k);
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    const W = theta.subarray(0, d * k);
    const b = theta.subarray(d * k);
    multiply(X, W, k, Z);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, (Z[o + c] += b[c]));
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(Z[o + c] - max);
      const lse = max + Math.log(sum);
      for (let c = 0; c < k; c++) {
        const p = Math.exp(Z[o + c] - lse);
        const t = T[o + c];
        if (t > 0) loss -= C * s[i] * t * (Z[o + c] - lse);
        R[o + c] = C * s[i] * (p - t);
      }
    }
    grad.fill(0);
    const gW = grad.subarray(0, d * k);
    addTransposeProduct(X, R, k, gW);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) grad[d * k + c] += R[i * k + c];
    let reg = 0;
    for (let j = 0; j < d * k; j++) {
      reg += W[j] * W[j];
      gW[j] += W[j];
    }
    return loss + reg / 2;
  };
  const init = opts.init ?? new Float64Array(d * k + k);
  if (init.length !== d * k + k) throw new TransferkitError('SHAPE_MISMATCH', `Warm start has ${init.length} parameters, expected ${d * k + k}`);
  const res = minimizeLbfgs(objective, init, { maxIter: opts.maxIter ?? 300, tol: opts.tol ?? 1e-5 });
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

/**
 * A TF.js softmax model (one Dense layer, as `buildLogistic`) holding the linear model's weights,
 * ready for `saveModel`.
 *
 * @example
 * ```ts
 * await saveModel(toLayersModel(model), 'runs/a/model', { classes, features: spec });
 * ```
 */
export function toLayersModel(model: LinearModel): tf.LayersModel {
  const layers = buildLogistic(model.d, model.k, { seed: 0 });
  const W = tf.tensor2d(Float32Array.from(model.W), [model.d, model.k]);
  const b = tf.tensor1d(Float32Array.from(model.b));
  layers.getLayer('head').setWeights([W, b]);
  W.dispose();
  b.dispose();
  return layers;
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
