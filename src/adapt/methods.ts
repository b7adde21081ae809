/**
 * The shallow adaptation methods, each producing a linear softmax classifier that takes the
 * *raw* shared features (so the saved model needs nothing but the feature spec):
 *
 * - `source-only`: train on the labelled source.
 * - `coral`: CORAL (Sun, Feng & Saenko 2016) — re-colour the source features with the target
 *   covariance, train on them, apply to raw target features. High-dimensional features are
 *   aligned in a standardised principal-component view, and the view is folded into the model.
 * - `reweight` / `kmm` / `kliep`: train with importance weights (discriminative density ratio,
 *   kernel mean matching, KLIEP) computed in the view.
 * - `self-train`: class-balanced iterative pseudo-labelling, from a source-only start.
 * - `X+self-train`: self-training started from method X's target predictions (and, for the
 *   reweighting methods, keeping X's source weights).
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { coralAlign } from '../measures/coral.ts';
import { composeAffine, fitSoftmax, predictSoftmax, type LinearModel } from './linear.ts';
import { importanceWeights, type ReweightMethod, type ReweightResult } from './reweight.ts';
import { denseRows, stackRows, type Rows } from './rows.ts';
import { selfTrain, type SelfTrainRound } from './self-train.ts';
import type { View } from './views.ts';

/** A single adaptation method (everything `adapt` can run except `auto`). */
export type ShallowMethod =
  | 'source-only'
  | 'coral'
  | 'reweight'
  | 'kmm'
  | 'kliep'
  | 'self-train'
  | 'coral+self-train'
  | 'reweight+self-train'
  | 'kmm+self-train'
  | 'kliep+self-train';

/** Every {@link ShallowMethod}. */
export const SHALLOW_METHODS: readonly ShallowMethod[] = Object.freeze([
  'source-only',
  'coral',
  'reweight',
  'kmm',
  'kliep',
  'self-train',
  'coral+self-train',
  'reweight+self-train',
  'kmm+self-train',
  'kliep+self-train',
]);

/**
 * Knobs shared by the methods.
 *
 * @example
 * ```ts
 * const o: MethodOptions = { C: 10, classWeights: 'balanced', selfTrain: { rounds: 6 } };
 * ```
 */
export interface MethodOptions {
  /** Inverse L2 strength of the softmax classifier (default 10). */
  C?: number;
  /** `balanced` (default) gives every class equal total weight; `none` keeps the source's class frequencies. */
  classWeights?: 'balanced' | 'none';
  /** Weight of each labelled target example (default 5). */
  labelledWeight?: number;
  selfTrain?: { rounds?: number; threshold?: number; targetWeight?: number; prior?: 'predicted' | 'uniform' | number[] };
  reweight?: { clipQuantile?: number; maxWeight?: number; bandwidth?: number };
  /**
   * CORAL: ridge ε on the standardised view (default 1, as in the paper), and whether to align
   * the means too (default true): the source is centred at its class-balanced mean (its plain
   * mean with `classWeights: 'none'`), re-coloured, and moved to the target mean.
   */
  coral?: { eps?: number; center?: boolean };
  seed?: number;
}

/**
 * Data a method trains on.
 *
 * @example
 * ```ts
 * const ctx: MethodContext = { Xs, ys, Xt, k: 2, view, Zs: view.apply(Xs), Zt: view.apply(Xt), options: {} };
 * ```
 */
export interface MethodContext {
  /** Labelled source rows (shared feature space). */
  Xs: Rows;
  ys: Int32Array;
  /** Unlabelled target rows. */
  Xt: Rows;
  k: number;
  /** Low-dimensional standardised view, and the source / target rows in it. */
  view: View;
  Zs: Float64Array;
  Zt: Float64Array;
  /** A few labelled target rows, if any. */
  labelled?: { X: Rows; y: Int32Array };
  options: MethodOptions;
}

/**
 * What a method produced.
 *
 * @example
 * ```ts
 * const { model, weights } = runMethod('kliep', ctx);
 * ```
 */
export interface MethodOutcome {
  method: ShallowMethod;
  /** Classifier on the raw shared features. */
  model: LinearModel;
  /** Importance weights (reweighting methods). */
  weights?: ReweightResult;
  /** Self-training rounds. */
  selfTrain?: SelfTrainRound[];
  /** CORAL: the aligned source rows in the view (for "after" divergence measures). */
  alignedSourceView?: Float64Array;
  seconds: number;
}

const REWEIGHTERS: Record<string, ReweightMethod> = { reweight: 'discriminative', kmm: 'kmm', kliep: 'kliep' };

/**
 * Runs one method.
 *
 * @example
 * ```ts
 * const outcome = runMethod('coral+self-train', ctx);
 * const probs = predictSoftmax(outcome.model, testRows);
 * ```
 */
export function runMethod(method: ShallowMethod, ctx: MethodContext): MethodOutcome {
  if (!SHALLOW_METHODS.includes(method)) {
    throw new TransferkitError('UNKNOWN_METHOD', `Unknown adaptation method "${method}"`, { hint: `Use one of: ${SHALLOW_METHODS.join(', ')}, auto.` });
  }
  const t0 = performance.now();
  const o = ctx.options;
  const fitOpts = { C: o.C ?? 10, classWeights: o.classWeights === 'none' ? undefined : ('balanced' as const) };
  const [first, then] = method.split('+') as [string, string | undefined];
  const out: MethodOutcome = { method, model: undefined as unknown as LinearModel, seconds: 0 };

  let sourceWeights: Float64Array | undefined;
  if (first in REWEIGHTERS) {
    const m = ctx.view.m;
    out.weights = importanceWeights({ rows: ctx.Xs.n, cols: m, data: ctx.Zs }, { rows: ctx.Xt.n, cols: m, data: ctx.Zt }, { method: REWEIGHTERS[first], seed: o.seed ?? 0, ...o.reweight });
    sourceWeights = out.weights.weights;
  }
  const withLabelled = (X: Rows, y: ArrayLike<number>, w?: ArrayLike<number>) => {
    if (!ctx.labelled || ctx.labelled.X.n === 0) return { X, y: Int32Array.from(y), w: w ? Float64Array.from(w) : undefined };
    const n = X.n;
    const lw = o.labelledWeight ?? 5;
    const weights = new Float64Array(n + ctx.labelled.X.n);
    for (let i = 0; i < n; i++) weights[i] = w ? w[i] : 1;
    weights.fill(lw, n);
    const yy = new Int32Array(n + ctx.labelled.y.length);
    yy.set(Int32Array.from(y));
    yy.set(ctx.labelled.y, n);
    return { X: stackRows(X, ctx.labelled.X), y: yy, w: weights };
  };

  let firstModel: LinearModel;
  if (first === 'coral') {
    const aligned = coralSource(ctx);
    out.alignedSourceView = aligned;
    const m = ctx.view.m;
    const lab = ctx.labelled ? { X: denseRows(ctx.view.apply(ctx.labelled.X), ctx.labelled.X.n, m), y: ctx.labelled.y } : undefined;
    const train = withLabelledView(denseRows(aligned, ctx.Xs.n, m), ctx.ys, lab, o.labelledWeight ?? 5);
    const head = fitSoftmax(train.X, train.y, ctx.k, { ...fitOpts, weights: train.w });
    firstModel = composeAffine(ctx.view.A, ctx.view.a, ctx.Xs.d, head);
  } else if (first === 'self-train') {
    firstModel = undefined as unknown as LinearModel; // handled below
  } else {
    const train = withLabelled(ctx.Xs, ctx.ys, sourceWeights);
    firstModel = fitSoftmax(train.X, train.y, ctx.k, { ...fitOpts, weights: train.w });
  }

  if (first === 'self-train' || then === 'self-train') {
    const st = selfTrain(ctx.Xs, ctx.ys, ctx.Xt, ctx.k, {
      ...fitOpts,
      rounds: o.selfTrain?.rounds,
      threshold: o.selfTrain?.threshold,
      targetWeight: o.selfTrain?.targetWeight,
      prior: o.selfTrain?.prior,
      sourceWeights,
      labelled: ctx.labelled,
      labelledWeight: o.labelledWeight,
      initialProbs: first === 'self-train' ? undefined : predictSoftmax(firstModel!, ctx.Xt),
    });
    out.model = st.model;
    out.selfTrain = st.rounds;
  } else {
    out.model = firstModel!;
  }
  out.seconds = (performance.now() - t0) / 1000;
  return out;
}

/**
 * CORAL-aligned source rows in the view: ((z_s − μ_s)·A + μ_t) with A the CORAL map between the
 * centred covariances, or z_s·A without centring (Sun et al.'s Algorithm 1 as written).
 *
 * @example
 * ```ts
 * const aligned = coralSource(ctx); // n_s × m, in the target's coordinates
 * ```
 */
export function coralSource(ctx: MethodContext): Float64Array {
  const m = ctx.view.m;
  const ns = ctx.Xs.n;
  const nt = ctx.Xt.n;
  const eps = ctx.options.coral?.eps ?? 1;
  if (ctx.options.coral?.center === false) {
    return coralAlign({ rows: ns, cols: m, data: ctx.Zs }, { rows: nt, cols: m, data: ctx.Zt }, { eps }).aligned.data;
  }
  const counts = new Array<number>(ctx.k).fill(0);
  for (const y of ctx.ys) counts[y]++;
  // class-balanced mean: the balanced classifier assumes equal classes, and a BBSE estimate of the
  // target mix is itself unreliable under the covariate shift CORAL is for (measured on a synthetic affine shift)
  const prior = ctx.options.classWeights === 'none' ? counts.map((c) => c / ns) : counts.map((c) => (c > 0 ? 1 : 0) / counts.filter((x) => x > 0).length);
  const rowWeight = counts.map((c, y) => (c > 0 ? prior[y] / c : 0));
  const mus = new Float64Array(m);
  let total = 0;
  for (let i = 0; i < ns; i++) {
    const w = rowWeight[ctx.ys[i]];
    total += w;
    for (let q = 0; q < m; q++) mus[q] += w * ctx.Zs[i * m + q];
  }
  for (let q = 0; q < m; q++) mus[q] /= total || 1;
  const mut = new Float64Array(m);
  for (let i = 0; i < nt; i++) for (let q = 0; q < m; q++) mut[q] += ctx.Zt[i * m + q] / nt;
  const S = Float64Array.from(ctx.Zs, (v, k) => v - mus[k % m]);
  const T = Float64Array.from(ctx.Zt, (v, k) => v - mut[k % m]);
  const { transform } = coralAlign({ rows: ns, cols: m, data: S }, { rows: nt, cols: m, data: T }, { eps });
  const A = transform.data;
  const out = new Float64Array(ns * m);
  for (let i = 0; i < ns; i++) {
    for (let q = 0; q < m; q++) {
      let v = mut[q];
      for (let p = 0; p < m; p++) v += S[i * m + p] * A[p * m + q];
      out[i * m + q] = v;
    }
  }
  return out;
}

function withLabelledView(X: Rows, y: Int32Array, lab: { X: Rows; y: Int32Array } | undefined, weight: number): { X: Rows; y: Int32Array; w?: Float64Array } {
  if (!lab || lab.X.n === 0) return { X, y };
  const w = new Float64Array(X.n + lab.X.n).fill(1);
  w.fill(weight, X.n);
  const yy = new Int32Array(X.n + lab.y.length);
  yy.set(y);
  yy.set(lab.y, X.n);
  return { X: stackRows(X, lab.X), y: yy, w };
}
