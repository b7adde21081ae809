/**
 * `coral`: CORAL (Sun, Feng & Saenko 2016) — re-colour the source features with the target
 * covariance, train on them, apply to raw target features. High-dimensional features are
 * aligned in a standardised principal-component view, and the view is folded into the model.
 *
 * @module
 */
import { coralAlign } from '../../measures/coral.ts';
import { composeAffine, fitSoftmax } from '../../measures/logistic.ts';
import { denseRows, stackRows, type Rows } from '../../measures/rows.ts';
import { registerMethod } from '../registry.ts';
import { CLASSIFIER_OPTIONS, fitOptions, type MethodContext } from './shallow-training.ts';

export const coral = registerMethod({
  name: 'coral',
  family: 'shallow',
  description: 'CORAL: re-colours the source with the target covariance (and moves it to the target mean) in a ≤ 100-d view',
  applies: () => true,
  options: [
    ...CLASSIFIER_OPTIONS,
    { field: 'coral.eps', help: 'ridge ε added to both covariances in the standardised view (default 1, as in the paper)' },
    { field: 'coral.center', help: 'align the means too (default true): centre at the class-balanced source mean, move to the target mean' },
    { field: 'viewDims', help: 'dimensions of the view CORAL aligns in (default 100)' },
  ],
  autoCandidate: true,
  run: (ctx) => {
    const aligned = coralSource(ctx);
    const m = ctx.view.m;
    const lab = ctx.labelled ? { X: denseRows(ctx.view.apply(ctx.labelled.X), ctx.labelled.X.n, m), y: ctx.labelled.y } : undefined;
    const train = withLabelledView(denseRows(aligned, ctx.Xs.n, m), ctx.ys, lab, ctx.options.labelledWeight ?? 5);
    const head = fitSoftmax(train.X, train.y, ctx.k, { ...fitOptions(ctx.options), weights: train.w });
    return { model: composeAffine(ctx.view.A, ctx.view.a, ctx.Xs.d, head), alignedSourceView: aligned };
  },
});

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
  const mus = balancedSourceMean(ctx);
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

/**
 * The source mean in the view, each class weighted equally (the plain mean with
 * `classWeights: 'none'`): the balanced classifier assumes equal classes, and a BBSE estimate of
 * the target mix is itself unreliable under the covariate shift CORAL is for (measured on a
 * synthetic affine shift).
 */
function balancedSourceMean(ctx: MethodContext): Float64Array {
  const m = ctx.view.m;
  const ns = ctx.Xs.n;
  const counts = new Array<number>(ctx.k).fill(0);
  for (const y of ctx.ys) counts[y]++;
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
  return mus;
}

/** Rows in the view with the labelled target rows (in the view too) appended, each weighted `weight`. */
function withLabelledView(X: Rows, y: Int32Array, lab: { X: Rows; y: Int32Array } | undefined, weight: number): { X: Rows; y: Int32Array; w?: Float64Array } {
  if (!lab || lab.X.n === 0) return { X, y };
  const w = new Float64Array(X.n + lab.X.n).fill(1);
  w.fill(weight, X.n);
  const yy = new Int32Array(X.n + lab.y.length);
  yy.set(y);
  yy.set(lab.y, X.n);
  return { X: stackRows(X, lab.X), y: yy, w };
}
