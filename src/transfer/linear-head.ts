/**
 * A linear softmax head on a frozen base, trained to convergence: the base features are
 * computed once, standardised, and the head is fitted by full-batch L-BFGS (multinomial logistic
 * regression), with its L2 strength chosen by stratified k-fold cross-validation on the training
 * examples — what scikit-learn's `LogisticRegressionCV` does. Epoch budgets and learning rates do
 * not apply: the optimiser stops when the gradient vanishes, however few examples there are.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import { fitSoftmax, predictSoftmax, type LinearModel } from '../measures/logistic.ts';
import { denseRows, pickRows, type Rows } from '../measures/rows.ts';
import { createRng } from '../util/random.ts';

/** Inverse L2 strengths tried by cross-validation (scikit-learn's C: larger is weaker). */
export const HEAD_C_GRID: readonly number[] = Object.freeze([1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100, 1e3, 1e4]);

/** The C used when there are too few examples per class to cross-validate (scikit-learn's default). */
export const HEAD_DEFAULT_C = 1;

/**
 * How the head was fitted, recorded in the run's `metrics.json`.
 *
 * @example
 * ```ts
 * const c: HeadChoice = { solver: 'lbfgs', C: 0.1, folds: 5, cvAccuracy: 0.91, grid: [...HEAD_C_GRID], iterations: 84, converged: true, reason: '…' };
 * ```
 */
export interface HeadChoice {
  solver: 'lbfgs';
  /** The inverse L2 strength used for the final fit. */
  C: number;
  /** Folds of the cross-validation that chose C (0: not cross-validated). */
  folds: number;
  /** Mean held-out accuracy of the chosen C (absent without cross-validation). */
  cvAccuracy?: number;
  /** Mean held-out accuracy of every C tried, in `grid` order. */
  cvByC?: number[];
  grid: number[];
  /** L-BFGS iterations of the final fit, and whether it met the gradient tolerance. */
  iterations: number;
  converged: boolean;
  /** Why this C, in words. */
  reason: string;
}

/**
 * The Dense layer of a head that is linear: one Dense softmax layer, optionally after a Dropout
 * (inactive at inference, so the fitted weights are exact). Undefined for any other head.
 *
 * @example
 * ```ts
 * const dense = linearHeadLayer(head); // head = the model's layers above the base
 * ```
 */
export function linearHeadLayer(head: tf.LayersModel): tf.layers.Layer | undefined {
  const layers = head.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const last = layers.at(-1);
  if (!last || last.getClassName() !== 'Dense') return undefined;
  if ((last.getConfig() as { activation?: string }).activation !== 'softmax') return undefined;
  if (layers.slice(0, -1).some((l) => l.getClassName() !== 'Dropout')) return undefined;
  return last;
}

/**
 * Fits a linear softmax head on base features: standardises them, chooses C by stratified k-fold
 * cross-validation (k = min(5, the smallest class's count); none when a class has one example),
 * refits on every example and returns the Dense weights for the raw (unstandardised) features.
 *
 * @param features base features, `n × d` row-major.
 * @example
 * ```ts
 * const { kernel, bias, choice } = fitLinearHead(feats.x, n, d, y, 10, { seed: 1 });
 * dense.setWeights([tf.tensor2d(kernel, [d, 10]), tf.tensor1d(bias)]);
 * ```
 */
export function fitLinearHead(
  features: Float32Array,
  n: number,
  d: number,
  y: Int32Array,
  k: number,
  opts: { seed?: number; classWeights?: number[] } = {},
): { kernel: Float32Array; bias: Float32Array; choice: HeadChoice } {
  const { z, mean, scale } = standardise(features, n, d);
  const X = denseRows(z, n, d);
  const counts = new Array<number>(k).fill(0);
  for (const c of y) counts[c]++;
  const smallest = Math.min(...counts.filter((c) => c > 0));
  const folds = Math.min(5, smallest);
  let C = HEAD_DEFAULT_C;
  let cv: { cvAccuracy: number; cvByC: number[] } | undefined;
  let reason = `C = ${HEAD_DEFAULT_C} (a class has one example, too few to cross-validate)`;
  if (folds >= 2) {
    const scores = crossValidateC(X, y, k, folds, opts);
    const best = scores.indexOf(Math.max(...scores));
    C = HEAD_C_GRID[best];
    cv = { cvAccuracy: scores[best], cvByC: scores };
    reason = `C = ${C}: the best mean held-out accuracy (${scores[best].toFixed(3)}) of ${folds}-fold cross-validation over C ∈ {${HEAD_C_GRID.join(', ')}}`;
  }
  const model = fitSoftmax(X, y, k, { C, classWeights: opts.classWeights, maxIter: 1000 });
  const { kernel, bias } = unstandardise(model, mean, scale);
  return { kernel, bias, choice: { solver: 'lbfgs', C, folds: cv ? folds : 0, ...cv, grid: [...HEAD_C_GRID], iterations: model.iterations, converged: model.converged, reason } };
}

/** Mean held-out accuracy of each C in the grid (ties go to the stronger regularisation, listed first). */
function crossValidateC(X: Rows, y: Int32Array, k: number, folds: number, opts: { seed?: number; classWeights?: number[] }): number[] {
  const fold = stratifiedFolds(y, k, folds, opts.seed ?? 0);
  const scores = new Array<number>(HEAD_C_GRID.length).fill(0);
  for (let f = 0; f < folds; f++) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    fold.forEach((g, i) => (g === f ? testIdx : trainIdx).push(i));
    const Xtr = pickRows(X, trainIdx);
    const ytr = Int32Array.from(trainIdx, (i) => y[i]);
    const Xte = pickRows(X, testIdx);
    let init: Float64Array | undefined;
    HEAD_C_GRID.forEach((C, ci) => {
      // warm start along the path from strong to weak regularisation, as LogisticRegressionCV does
      const m = fitSoftmax(Xtr, ytr, k, { C, classWeights: opts.classWeights, maxIter: 500, init });
      init = Float64Array.from([...m.W, ...m.b]);
      const p = predictSoftmax(m, Xte);
      let hits = 0;
      testIdx.forEach((i, r) => {
        let arg = 0;
        for (let c = 1; c < k; c++) if (p[r * k + c] > p[r * k + arg]) arg = c;
        if (arg === y[i]) hits++;
      });
      scores[ci] += hits / testIdx.length / folds;
    });
  }
  return scores;
}

/** Fold of each example: every class spread evenly over the folds, in a seeded order. */
function stratifiedFolds(y: Int32Array, k: number, folds: number, seed: number): Int32Array {
  const rng = createRng(`head-cv:${seed}`);
  const fold = new Int32Array(y.length);
  for (let c = 0; c < k; c++) {
    const idx: number[] = [];
    y.forEach((v, i) => v === c && idx.push(i));
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    idx.forEach((i, r) => (fold[i] = r % folds));
  }
  return fold;
}

function standardise(x: Float32Array, n: number, d: number): { z: Float64Array; mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) scale[j] += (x[i * d + j] - mean[j]) ** 2 / n;
  // a constant feature (e.g. a dead ReLU) keeps scale 1: it carries no information either way
  for (let j = 0; j < d; j++) scale[j] = scale[j] > 1e-12 ? Math.sqrt(scale[j]) : 1;
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) z[i * d + j] = (x[i * d + j] - mean[j]) / scale[j];
  return { z, mean, scale };
}

/** Dense weights on raw features equal to the model on standardised ones: W/σ, b − Σ μ W/σ. */
function unstandardise(m: LinearModel, mean: Float64Array, scale: Float64Array): { kernel: Float32Array; bias: Float32Array } {
  const { d, k } = m;
  const kernel = new Float32Array(d * k);
  const bias = Float32Array.from(m.b);
  for (let j = 0; j < d; j++) {
    for (let c = 0; c < k; c++) {
      const w = m.W[j * k + c] / scale[j];
      kernel[j * k + c] = w;
      bias[c] -= mean[j] * w;
    }
  }
  return { kernel, bias };
}
