/**
 * What the shallow methods share: the data they train on ({@link MethodContext}), their knobs
 * ({@link MethodOptions}), what they return ({@link ShallowResult}), and training a softmax
 * classifier on the source rows plus any labelled target rows.
 *
 * @module
 */
import { fitSoftmax, type LinearModel } from '../../measures/logistic.ts';
import { stackRows, type Rows } from '../../measures/rows.ts';
import type { ReweightResult } from '../reweight.ts';
import type { SelfTrainRound } from '../self-train.ts';
import type { View } from '../views.ts';

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
 * What a shallow method's `run` returns (the registry adds the method's name and the time).
 *
 * @example
 * ```ts
 * const r: ShallowResult = { model: fitSoftmax(X, y, 2) };
 * ```
 */
export interface ShallowResult {
  /** Classifier on the raw shared features. */
  model: LinearModel;
  /** Importance weights (reweighting methods). */
  weights?: ReweightResult;
  /** Self-training rounds. */
  selfTrain?: SelfTrainRound[];
  /** CORAL: the aligned source rows in the view (for "after" divergence measures). */
  alignedSourceView?: Float64Array;
}

/**
 * The options every shallow classifier reads (the registry's `options` of `source-only`, and
 * part of every other shallow method's).
 *
 * @example
 * ```ts
 * options: [...CLASSIFIER_OPTIONS, { field: 'coral.eps', help: '…' }],
 * ```
 */
export const CLASSIFIER_OPTIONS = Object.freeze([
  { field: 'C', help: 'inverse L2 strength of the softmax classifier (default 10)' },
  { field: 'classWeights', help: 'balanced (default) gives every class equal total weight; none keeps the source frequencies' },
  { field: 'labelledWeight', help: 'weight of each labelled target example (default 5)' },
] as const);

/**
 * The softmax options every shallow method trains with: `C` (default 10) and balanced class
 * weights unless `classWeights: 'none'`.
 *
 * @example
 * ```ts
 * fitSoftmax(X, y, k, { ...fitOptions(ctx.options), weights });
 * ```
 */
export function fitOptions(o: MethodOptions): { C: number; classWeights: 'balanced' | undefined } {
  return { C: o.C ?? 10, classWeights: o.classWeights === 'none' ? undefined : ('balanced' as const) };
}

/**
 * Rows `X` (labels `y`, weights `w`, default 1) with the labelled target rows appended, each
 * weighted `labelledWeight` (default 5).
 *
 * @example
 * ```ts
 * const train = withLabelled(ctx, ctx.Xs, ctx.ys, weights);
 * ```
 */
export function withLabelled(ctx: MethodContext, X: Rows, y: ArrayLike<number>, w?: ArrayLike<number>): { X: Rows; y: Int32Array; w?: Float64Array } {
  if (!ctx.labelled || ctx.labelled.X.n === 0) return { X, y: Int32Array.from(y), w: w ? Float64Array.from(w) : undefined };
  const n = X.n;
  const weights = new Float64Array(n + ctx.labelled.X.n);
  for (let i = 0; i < n; i++) weights[i] = w ? w[i] : 1;
  weights.fill(ctx.options.labelledWeight ?? 5, n);
  const yy = new Int32Array(n + ctx.labelled.y.length);
  yy.set(Int32Array.from(y));
  yy.set(ctx.labelled.y, n);
  return { X: stackRows(X, ctx.labelled.X), y: yy, w: weights };
}

/**
 * A softmax classifier on the source rows (weighted by `sourceWeights`, if given) and the
 * labelled target rows.
 *
 * @example
 * ```ts
 * const model = trainOnSource(ctx); // source-only
 * ```
 */
export function trainOnSource(ctx: MethodContext, sourceWeights?: ArrayLike<number>): LinearModel {
  const train = withLabelled(ctx, ctx.Xs, ctx.ys, sourceWeights);
  return fitSoftmax(train.X, train.y, ctx.k, { ...fitOptions(ctx.options), weights: train.w });
}
