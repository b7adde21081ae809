/**
 * Shift diagnostics between a source and a target dataset, with a plain-words verdict.
 *
 * @module
 */
import type { Impute } from '../data/csv.ts';
import type { Dataset } from '../data/dataset.ts';
import type { TextVectorizerOptions } from '../data/text-features.ts';
import { TransferkitError } from '../errors.ts';
import { coralDistance } from '../measures/coral.ts';
import { featureDrift, type FeatureDrift } from '../measures/feature-drift.ts';
import { mmd, type MmdResult } from '../measures/mmd.ts';
import { proxyADistance, type ProxyADistanceResult } from '../measures/proxy-a-distance.ts';
import { createRng } from '../util/random.ts';
import { loadBase, loadData, onSourceClasses, sharedFeatures, type LoadedBase } from './features.ts';
import { estimateLabelShift, type LabelShiftEstimate } from './label-shift.ts';
import { fitView, type View } from './views.ts';
import { shiftProjection, type ShiftProjection } from './projection.ts';
import { denseRows } from '../measures/rows.ts';
import { ensureEngine } from '../engine/backend.ts';

/** The verdicts {@link diagnoseShift} can reach. */
export type ShiftVerdict = 'no significant shift' | 'covariate shift' | 'label shift' | 'covariate and label shift';

/**
 * Options of {@link diagnoseShift}.
 *
 * @example
 * ```ts
 * const o: DiagnoseOptions = { source: 'builtin:spam-2002', target: 'builtin:spam-2003', seed: 1 };
 * ```
 */
export interface DiagnoseOptions {
  /** Source data: `builtin:NAME`, a path, or a loaded dataset. */
  source: string | Dataset;
  /** Target data (labels, if any, are not used). */
  target: string | Dataset;
  /** Base model (zoo name or path): image features are taken from it. */
  base?: string;
  /** Label column of CSV data. */
  label?: string;
  impute?: Impute;
  seed?: number;
  /** Significance level of the tests (default 0.05). */
  alpha?: number;
  /** MMD: rows per domain (seeded subsample; default 500). */
  maxRows?: number;
  /** MMD permutations (default 200). */
  permutations?: number;
  /** Dimensions of the view kernels and domain classifiers work in (default 100). */
  dims?: number;
  /** Smallest total-variation change of the class distribution that counts as label shift (default 0.05). */
  minLabelShift?: number;
  /** Text vectorizer options. */
  text?: TextVectorizerOptions;
  /** Also return a 2-D PCA projection of source and target in the view (for the shift chart; at most `maxRows` rows each). */
  projection?: boolean;
}

/**
 * What {@link diagnoseShift} found.
 *
 * @example
 * ```ts
 * const d: ShiftDiagnosis = await diagnoseShift({ source: 'a.csv', target: 'b.csv', label: 'y' });
 * console.log(d.verdict, d.reasons.join('\n'));
 * ```
 */
export interface ShiftDiagnosis {
  verdict: ShiftVerdict;
  /** The numbers behind the verdict, in words. */
  reasons: string[];
  kind: Dataset['features']['kind'];
  /** Source class names (label-shift vectors are in this order). */
  classes: string[];
  source: { name: string; size: number; domain?: string };
  target: { name: string; size: number; domain?: string };
  /** The shared feature space and the view the tests ran in. */
  features: { space: string; dims: number; view: string; viewDims: number };
  /** MMD between source and target in the view, with its permutation p-value. */
  mmd: MmdResult;
  /** Proxy A-distance (0: indistinguishable … 2: separable). */
  pad: ProxyADistanceResult;
  /** CORAL distance between the view covariances. */
  coralDistance: number;
  /** Tabular data: per-column drift, most shifted first. */
  drift?: FeatureDrift[];
  /** Label shift estimated by BBSE (when the source has labels). */
  labelShift?: LabelShiftEstimate & { significant: boolean };
  /** MMD after matching the source's class mix to the estimated target mix (when label shift is found). */
  conditionalMmd?: MmdResult;
  /** Source and target on the view's top two principal components, with `projection: true`. */
  projection?: ShiftProjection;
  alpha: number;
  seconds: number;
}

/**
 * Diagnoses the shift from source to target: MMD with a permutation p-value, proxy A-distance,
 * CORAL distance (all in a ≤ 100-dimensional standardised view: principal components of the
 * pooled features when there are more), per-column KS / χ² drift for tables, and BBSE label
 * shift when the source is labelled.
 *
 * The verdict: label shift when the estimated class distribution moves by at least
 * `minLabelShift` (total variation), the bootstrap interval of some class excludes its source
 * share, and the estimate stays inside the simplex (BBSE assumes p(x|y) is unchanged; a
 * negative class weight shows it is not, and the estimate is then not trusted); covariate shift when MMD is significant at `alpha` — after matching the source's
 * class mix to the estimated target mix when label shift was found, so that a pure change of
 * class proportions is not also called covariate shift.
 *
 * @example
 * ```ts
 * const d = await diagnoseShift({ source: 'builtin:spam-2002', target: 'builtin:spam-2003' });
 * d.verdict; // 'covariate and label shift'
 * ```
 */
export async function diagnoseShift(opts: DiagnoseOptions): Promise<ShiftDiagnosis> {
  await ensureEngine();
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new TransferkitError('BAD_OPTION', `alpha must be in (0, 1), got ${alpha}`, { hint: 'E.g. 0.05.' });
  const base = opts.base ? await loadBase(opts.base) : undefined;
  try {
    return await diagnose(opts, base, alpha);
  } finally {
    base?.model.dispose();
  }
}

async function diagnose(opts: DiagnoseOptions, base: LoadedBase | undefined, alpha: number): Promise<ShiftDiagnosis> {
  const t0 = performance.now();
  const seed = opts.seed ?? 0;
  const loadOpts = { label: opts.label, impute: opts.impute, image: base?.image, encoder: base?.encoder };
  const source = await loadData(opts.source, 'Source', loadOpts);
  let target = await loadData(opts.target, 'Target', loadOpts);
  const sourceLabelled = source.labels.some((l) => l >= 0);
  if (sourceLabelled) target = onSourceClasses(target, source.classes, 'target');
  const shared = await sharedFeatures(source, target, { base, text: opts.text });
  const view = fitView(shared.source, shared.target, { maxDims: opts.dims ?? 100, seed });
  const m = view.m;
  const Zs = { rows: source.size, cols: m, data: view.apply(shared.source) };
  const Zt = { rows: target.size, cols: m, data: view.apply(shared.target) };
  const maxRows = opts.maxRows ?? 500;
  const permutations = opts.permutations ?? 200;
  const mmdAll = mmd(Zs, Zt, { seed, maxRows, permutations });
  const pad = proxyADistance(Zs, Zt, { seed, maxRows: Math.max(maxRows, 1000) });
  const coral = coralDistance(Zs, Zt);
  const drift = source.features.kind === 'tabular' && target.features.kind === 'tabular' ? featureDrift(source.features.columns, target.features.columns) : undefined;

  const reasons: string[] = [];
  let labelShift: ShiftDiagnosis['labelShift'];
  let conditionalMmd: MmdResult | undefined;
  const k = source.classes.length;
  if (sourceLabelled && k >= 2) {
    try {
      const est = estimateLabelShift(shared.source, source.labels, shared.target, k, { seed });
      const excludes = est.interval.some(([lo, hi], c) => est.sourcePrior[c] < lo || est.sourcePrior[c] > hi);
      // a negative raw weight puts the estimate outside the simplex: p(x|y) itself must have changed
      const outside = est.rawWeights.some((w) => w < 0);
      labelShift = { ...est, significant: !outside && est.totalVariation >= (opts.minLabelShift ?? 0.05) && excludes };
      const mix = (p: number[]) => p.map((v, c) => `${source.classes[c]} ${(100 * v).toFixed(1)}%`).join(', ');
      reasons.push(
        `class mix: source ${mix(est.sourcePrior)}; target estimated by BBSE ${mix(est.targetPrior)} (by MLLS/EM ${mix(est.mlls)}) — total variation ${est.totalVariation.toFixed(3)}` +
          (outside
            ? ', but the estimate left the simplex (a negative class weight), so the inputs of a class changed too and the class mix cannot be trusted: not counted as label shift'
            : labelShift.significant
              ? ', outside the 95% bootstrap interval: label shift'
              : ', within noise: no label shift'),
      );
      if (labelShift.significant) {
        const idx = matchClassMix(source.labels, est.targetPrior, k, seed);
        if (idx.length >= 4) {
          const sub = { rows: idx.length, cols: m, data: new Float64Array(idx.length * m) };
          idx.forEach((r, i) => sub.data.set(Zs.data.subarray(r * m, (r + 1) * m), i * m));
          conditionalMmd = mmd(sub, Zt, { seed, maxRows, permutations });
        }
      }
    } catch (err) {
      if (!(err instanceof TransferkitError)) throw err;
      reasons.push(`label shift could not be estimated: ${err.message}`);
    }
  } else {
    reasons.push('the source has no labels, so label shift is not estimated');
  }
  const covTest = conditionalMmd ?? mmdAll;
  const covariate = covTest.pValue < alpha;
  reasons.unshift(
    `MMD² ${mmdAll.mmd2.toExponential(2)} (p = ${fmtP(mmdAll.pValue, permutations)}, ${mmdAll.nSource} vs ${mmdAll.nTarget} rows)` +
      (conditionalMmd ? `; with the source's class mix matched to the target's: MMD² ${conditionalMmd.mmd2.toExponential(2)} (p = ${fmtP(conditionalMmd.pValue, permutations)})` : '') +
      (covariate ? ` < ${alpha}: the inputs are distributed differently` : ` ≥ ${alpha}: no evidence that the inputs differ`),
  );
  reasons.push(`proxy A-distance ${pad.pad.toFixed(3)} (domain classifier error ${pad.error.toFixed(3)}; 0 = indistinguishable, 2 = separable); CORAL distance ${coral.toExponential(2)}`);
  if (drift) {
    const shifted = drift.filter((f) => f.pValue < alpha);
    reasons.push(shifted.length ? `${shifted.length} of ${drift.length} columns drift (p < ${alpha}), most: ${shifted.slice(0, 3).map((f) => `${f.name} (p = ${f.pValue.toExponential(1)})`).join(', ')}` : `no column drifts at p < ${alpha}`);
  }
  const label = labelShift?.significant ?? false;
  const verdict: ShiftVerdict = covariate && label ? 'covariate and label shift' : covariate ? 'covariate shift' : label ? 'label shift' : 'no significant shift';
  return {
    verdict,
    reasons,
    kind: shared.kind,
    classes: source.classes,
    source: { name: source.name, size: source.size, domain: source.domain },
    target: { name: target.name, size: target.size, domain: target.domain },
    features: { space: shared.description, dims: shared.dims, view: view.description, viewDims: m },
    mmd: mmdAll,
    pad,
    coralDistance: coral,
    drift,
    labelShift,
    conditionalMmd,
    ...(opts.projection && m >= 2 ? { projection: projectUnwhitened(view, Zs, Zt, { maxRows, seed }) } : {}),
    alpha,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The 2-D projection of source and target, on the view's principal-component scores with their
 * unit-variance scaling undone (each column × singularValue/√n): PCA of the whitened view would
 * weigh every component alike and flatten a real shift into the noise.
 */
function projectUnwhitened(view: View, Zs: { rows: number; data: Float64Array }, Zt: { rows: number; data: Float64Array }, opts: { maxRows: number; seed: number }): ShiftProjection {
  const m = view.m;
  const pca = view.pca;
  if (!pca) return shiftProjection(denseRows(Zs.data, Zs.rows, m), denseRows(Zt.data, Zt.rows, m), opts);
  const n = Zs.rows + Zt.rows;
  const unscale = (data: Float64Array) => {
    const out = data.slice();
    for (let i = 0; i < out.length; i++) out[i] *= pca.singularValues[i % m] / Math.sqrt(n) || 1;
    return out;
  };
  const p = shiftProjection(denseRows(unscale(Zs.data), Zs.rows, m), denseRows(unscale(Zt.data), Zt.rows, m), opts);
  // shares of the view's variance → shares of the pooled data's total variance
  let kept = 0;
  for (const r of pca.explainedVarianceRatio) kept += r;
  return { ...p, explained: [p.explained[0] * kept, p.explained[1] * kept] };
}

/** A subsample of the source, without replacement, whose class mix follows `prior` (as large as the classes allow). */
function matchClassMix(labels: Int32Array, prior: number[], k: number, seed: number): number[] {
  const byClass: number[][] = Array.from({ length: k }, () => []);
  labels.forEach((l, i) => l >= 0 && byClass[l].push(i));
  let size = Infinity;
  prior.forEach((p, c) => {
    if (p > 0) size = Math.min(size, byClass[c].length / p);
  });
  if (!Number.isFinite(size)) return [];
  const rng = createRng(`${seed}:mix`);
  const out: number[] = [];
  prior.forEach((p, c) => out.push(...rng.shuffle(byClass[c]).slice(0, Math.floor(size * p))));
  return out.sort((a, b) => a - b);
}

function fmtP(p: number, permutations: number): string {
  return p <= 1 / (permutations + 1) + 1e-12 ? `≤ ${(1 / (permutations + 1)).toFixed(4)}` : p.toFixed(3);
}
