import type { Dataset } from '../../data/dataset.ts';
import { featureNames } from '../../data/features.ts';
import { ensureEngine } from '../../engine/backend.ts';
import { TransferkitError } from '../../errors.ts';
import { argmaxRow } from '../../measures/metrics.ts';
import { modelName, openModel, type ModelInput } from '../../models/model-handle.ts';
import { createRng } from '../../util/random.ts';
import { loadDataFor, type TrainedModel } from '../../models/trained-model.ts';
import { summariseBackground } from '../background.ts';
import { exactShapley, MAX_EXACT_PLAYERS } from '../exact-shapley.ts';
import { kernelShap } from '../kernel-shap.ts';
import { limeTabular } from '../lime.ts';
import { limeMasked } from '../lime-masked.ts';
import { partialDependence } from '../partial-dependence.ts';
import { permutationImportance } from '../permutation-importance.ts';
import type { ShapleyResult } from '../types.ts';
import { narrate } from '../narrative/narrate.ts';
import type { Audience, NarrativeInput } from '../narrative/types.ts';
import { backgroundData } from './background-data.ts';
import { withHeader, type ExplanationBody, type LimeRow, type ModelExplanation, type RowNarrative, type ShapleyRow } from './explanation.ts';
import { whatIf } from './what-if.ts';
import { applyLink, classPredictFn, inputRows, modelProbs, tabularFeatures, textMasker, type Link } from './model-view.ts';

/** Explanation methods for tabular and text models. */
export const MODEL_METHODS = ['shap', 'exact-shap', 'kernel-shap', 'lime', 'permutation', 'pdp', 'mean-shap', 'counterfactual'] as const;

/** One of {@link MODEL_METHODS}. */
export type ModelMethod = (typeof MODEL_METHODS)[number];

/** Options of {@link explainModel}. */
export interface ExplainModelOptions {
  /** Run folder, model folder or zoo name, or a trained model in memory (`fit`'s `result.model`, left undisposed). */
  model: ModelInput;
  /** Data holding the rows to explain (and, for global methods, the data to measure on). */
  data: string | Dataset;
  method: ModelMethod;
  /** 0-based rows of `data` to explain (local methods; default `[0]`). */
  rows?: number[];
  /** Background data (default: a sample of the run's training data). */
  background?: string | Dataset;
  /** Background rows kept (default 100; more triggers a k-means summary warning in Shapley). */
  backgroundSize?: number;
  /** Class to explain (default: each row's predicted class; for `pdp`, the first row's). */
  className?: string;
  /** Explain probabilities (`identity`, default) or log-odds (`logit`). */
  link?: Link;
  /** Label column of CSV data. */
  label?: string;
  /** Feature for `pdp` (a column name). */
  feature?: string;
  /** Sampling budget of KernelSHAP / LIME. */
  nsamples?: number;
  /** Repeats of permutation importance (default 10). */
  repeats?: number;
  seed?: number;
  /** Also render each local explanation as a narrative for this audience. */
  audience?: Audience;
  /** Counterfactuals: columns that must not change. */
  immutable?: string[];
  /** Counterfactuals: allowed values per column. */
  permittedRanges?: Record<string, readonly [number, number] | readonly string[]>;
  /** Counterfactuals per row (default 3). */
  count?: number;
}

export type { ModelExplanation, RowNarrative, ShapleyRow };

/**
 * Explains a trained tabular or text model: Shapley values (exact for up to 12 features,
 * KernelSHAP beyond), LIME, permutation importance, or partial dependence with ICE curves.
 * Tabular one-hot columns are grouped back into their categorical column; text models are
 * explained word by word.
 *
 * @example
 * ```ts
 * const e = await explainModel({ model: 'runs/penguins', data: 'penguins.csv', label: 'species', method: 'shap', rows: [0, 1] });
 * ```
 */
export async function explainModel(opts: ExplainModelOptions): Promise<ModelExplanation> {
  if (!MODEL_METHODS.includes(opts.method)) {
    throw new TransferkitError('UNKNOWN_METHOD', `Unknown explanation method "${opts.method}"`, { hint: `Use one of: ${MODEL_METHODS.join(', ')}.` });
  }
  await ensureEngine();
  const { trained, release } = await openModel(opts.model);
  try {
    return await explainModelWith(trained, modelName(opts.model), opts);
  } finally {
    release();
  }
}

/**
 * {@link explainModel} on a model already opened (`explain` opens it once to pick the method's
 * implementation); the caller releases it.
 *
 * @example
 * ```ts
 * const e = await explainModelWith(trained, 'runs/penguins', { model: trained, data: 'builtin:penguins', method: 'shap' });
 * ```
 */
export async function explainModelWith(trained: TrainedModel, name: string, opts: ExplainModelOptions): Promise<ModelExplanation> {
  const started = performance.now();
  const data = await loadDataFor(trained, opts.data, { label: opts.label, labelled: opts.method === 'permutation' });
  const rows = checkRows(opts.rows ?? [0], data);
  let body: ExplanationBody<ModelExplanation>;
  if (trained.features.kind === 'text') {
    body = await explainText(trained, data, rows, opts);
  } else if (trained.features.kind === 'tabular') {
    body = await explainTabular(trained, data, rows, opts);
  } else {
    throw new TransferkitError('KIND_MISMATCH', `The ${opts.method} method here explains tabular and text models; this model takes images`, {
      hint: 'For images use method ig, saliency, smoothgrad, gradcam, occlusion or lime.',
    });
  }
  const explained = body.kind === 'permutation' ? data.size : body.kind === 'mean-shap' ? body.rows : body.kind === 'pdp' ? body.individual.length : body.rows.length;
  return withHeader(body, { model: name, classes: trained.classes, explained, started }) as ModelExplanation;
}

async function explainTabular(trained: TrainedModel, data: Dataset, rows: number[], opts: ExplainModelOptions): Promise<ExplanationBody<ModelExplanation>> {
  const link = opts.link ?? 'identity';
  const seed = opts.seed ?? 0;
  const { names, groups } = tabularFeatures(trained.features);
  const x = inputRows(trained.features, data);
  const rawValues = (i: number) => names.map((name) => columnValue(data, name, i));

  if (opts.method === 'permutation') {
    const labels = Array.from(data.labels);
    const k = trained.classes.length;
    const scorer = (rs: readonly ArrayLike<number>[], ys: readonly number[]) => {
      const probs = modelProbs(trained, rs as ArrayLike<number>[]);
      let hit = 0;
      ys.forEach((y, i) => (hit += argmaxRow(probs, i, k) === y ? 1 : 0));
      return hit / ys.length;
    };
    const res = await permutationImportance(scorer, x, labels, { repeats: opts.repeats ?? 10, seed, groups });
    return { kind: 'permutation', scope: 'global', method: 'permutation', metric: 'accuracy', baseline: res.baseline, features: names, mean: res.mean, std: res.std, repeats: opts.repeats ?? 10 };
  }

  const bg = await backgroundData(trained, opts.background, { size: opts.backgroundSize ?? 100, seed, label: opts.label });
  const bgRows = inputRows(trained.features, bg.data);
  const whatIfOf = (r: number) =>
    whatIf(trained, data, r, bg.data, { desired: opts.method === 'counterfactual' ? opts.className : undefined, immutable: opts.immutable, permittedRanges: opts.permittedRanges, count: opts.count, seed });

  if (opts.method === 'counterfactual') {
    const out = [];
    for (const r of rows) out.push({ row: r, ...(await whatIfOf(r)) });
    const narratives = opts.audience
      ? out.map((o) => narrateRow(opts.audience!, trained, o.row, { label: o.predicted, probability: o.query.probability }, undefined, o))
      : undefined;
    return { kind: 'counterfactual', scope: 'what-if', method: 'counterfactual', rows: out, narratives };
  }

  if (opts.method === 'pdp') {
    const feature = opts.feature ?? names[0];
    const f = names.indexOf(feature);
    if (f < 0 || groups[f].length !== 1) {
      throw new TransferkitError('BAD_FEATURE', `"${feature}" is not a numeric feature of this model`, { hint: `Numeric features: ${trained.features.kind === 'tabular' ? trained.features.numeric.map((n) => n.name).join(', ') : ''}.` });
    }
    const cls = classIndex(trained, opts.className, x[rows[0]]);
    const pd = await partialDependence(classPredictFn(trained, cls, link), bgRows, groups[f][0], { gridResolution: 20 });
    // the grid is in standardised units inside the model: report it in the column's own units
    const spec = trained.features.kind === 'tabular' ? trained.features.numeric[f] : undefined;
    const grid = pd.grid.map((g) => (spec ? g * spec.std + spec.mean : g));
    return { kind: 'pdp', scope: 'global', method: 'pdp', link, class: trained.classes[cls], feature, grid, average: pd.average, individual: pd.individual };
  }

  if (opts.method === 'lime') {
    const out = [];
    for (const r of rows) {
      const cls = classIndex(trained, opts.className, x[r]);
      const res = await limeTabular(classPredictFn(trained, cls, link), x[r], bgRows, { seed, nsamples: opts.nsamples, featureNames: featureNames(trained.features), discretize: false });
      out.push({ row: r, class: trained.classes[cls], weights: res.weights, intercept: res.intercept, r2: res.r2, localPrediction: res.localPrediction, output: res.output });
    }
    return { kind: 'lime', scope: 'local', method: 'lime', link, features: featureNames(trained.features), rows: out };
  }

  const useExact = opts.method === 'exact-shap' || ((opts.method === 'shap' || opts.method === 'mean-shap') && groups.length <= 12);
  if (opts.method === 'mean-shap') {
    // global ranking: mean |φ| of the predicted class over (a seeded sample of) the data's rows
    const sample = opts.rows ?? createRng(`mean-shap:${seed}`).shuffle(Array.from({ length: data.size }, (_, i) => i)).slice(0, 50);
    const total = new Array<number>(names.length).fill(0);
    const background = bgRows.length > 100 ? summariseBackground(bgRows, { method: 'kmeans', k: 100, seed }) : bgRows;
    for (const r of sample) {
      const f = classPredictFn(trained, classIndex(trained, opts.className, x[r]), link);
      const res = useExact ? await exactShapley(f, x[r], background, { groups }) : await kernelShap(f, x[r], background, { groups, seed, nsamples: opts.nsamples });
      res.values.forEach((v, i) => (total[i] += Math.abs(v) / sample.length));
    }
    return {
      kind: 'mean-shap',
      scope: 'global',
      method: 'mean-shap',
      link,
      shapley: useExact ? 'exact-shap' : 'kernel-shap',
      features: names,
      meanAbs: total,
      rows: sample.length,
      background: { source: bg.source, rows: bgRows.length },
    };
  }
  const background = bgRows.length > 100 ? summariseBackground(bgRows, { method: 'kmeans', k: 100, seed }) : bgRows;
  const warnings: string[] = [];
  const out: ShapleyRow[] = [];
  for (const r of rows) {
    const cls = classIndex(trained, opts.className, x[r]);
    const f = classPredictFn(trained, cls, link);
    const res: ShapleyResult = useExact
      ? await exactShapley(f, x[r], background, { groups, maxPlayers: MAX_EXACT_PLAYERS })
      : await kernelShap(f, x[r], background, { groups, seed, nsamples: opts.nsamples });
    warnings.push(...res.warnings);
    out.push({ row: r, class: trained.classes[cls], baseValue: res.baseValue, values: res.values, output: res.output, featureValues: rawValues(r) });
  }
  const method = useExact ? 'exact-shap' : 'kernel-shap';
  let narratives: RowNarrative[] | undefined;
  if (opts.audience) {
    narratives = [];
    for (const r of out) {
      const probs = modelProbs(trained, [x[r.row]]);
      const predicted = argmaxRow(probs, 0, trained.classes.length);
      const attributions = { features: names, values: r.values, baseValue: r.baseValue, output: r.output, link, method, explains: r.class, backgroundSize: bgRows.length, inputs: r.featureValues };
      narratives.push(narrateRow(opts.audience, trained, r.row, { label: trained.classes[predicted], probability: probs[predicted] }, attributions, await whatIfOf(r.row)));
    }
  }
  return { kind: 'shapley', scope: 'local', method, link, features: names, rows: out, background: { source: bg.source, rows: bgRows.length }, warnings: [...new Set(warnings)], narratives };
}

async function explainText(trained: TrainedModel, data: Dataset, rows: number[], opts: ExplainModelOptions): Promise<ExplanationBody<ModelExplanation>> {
  if (data.features.kind !== 'text') throw new TransferkitError('KIND_MISMATCH', 'This text model needs text data');
  const texts = data.features.texts;
  const link = opts.link ?? 'identity';
  const seed = opts.seed ?? 0;
  const toRows = (ts: string[]) => inputRows(trained.features, { ...data, size: ts.length, features: { kind: 'text', texts: ts }, labels: new Int32Array(ts.length).fill(-1) });
  const textProb = (ts: string[], cls: number) => {
    const probs = modelProbs(trained, toRows(ts));
    const k = trained.classes.length;
    return ts.map((_, i) => applyLink(probs[i * k + cls], link));
  };
  if (opts.method !== 'shap' && opts.method !== 'kernel-shap' && opts.method !== 'exact-shap' && opts.method !== 'lime') {
    throw new TransferkitError('KIND_MISMATCH', `The ${opts.method} method needs a tabular model`, { hint: 'Text models are explained with --method shap or lime (word by word).' });
  }
  const shapRows: ShapleyRow[] = [];
  const limeRows: LimeRow[] = [];
  for (const r of rows) {
    const { tokens, textFor } = textMasker(texts[r]);
    if (tokens.length === 0) throw new TransferkitError('EMPTY_TEXT', `Row ${r} has no words to explain`, { where: `row ${r}` });
    const cls = classIndex(trained, opts.className, toRows([texts[r]])[0]);
    if (opts.method === 'lime') {
      const res = await limeMasked(tokens.length, (masks) => textProb(masks.map(textFor), cls), { seed, nsamples: opts.nsamples ?? 1000 });
      limeRows.push({ row: r, class: trained.classes[cls], weights: res.weights, intercept: res.intercept, r2: res.r2, localPrediction: res.localPrediction, output: res.output, features: tokens });
    } else {
      // Shapley over words: a word is present (1) or removed (0); the background is the empty text.
      const f = (masks: Float64Array[]) => textProb(masks.map(textFor), cls);
      const ones = new Float64Array(tokens.length).fill(1);
      const zeros = [new Float64Array(tokens.length)];
      const res = tokens.length <= 12 ? await exactShapley(f, ones, zeros) : await kernelShap(f, ones, zeros, { seed, nsamples: opts.nsamples });
      shapRows.push({ row: r, class: trained.classes[cls], baseValue: res.baseValue, values: res.values, output: res.output, features: tokens, featureValues: tokens });
    }
  }
  if (opts.method === 'lime') return { kind: 'lime', scope: 'local', method: 'lime', link, features: [], rows: limeRows };
  return { kind: 'shapley', scope: 'local', method: 'kernel-shap (words)', link, features: [], rows: shapRows, background: { source: 'the empty text (all words removed)', rows: 1 }, warnings: [] };
}

function narrateRow(
  audience: Audience,
  trained: TrainedModel,
  row: number,
  prediction: { label: string; probability: number },
  attributions: NarrativeInput['attributions'],
  cf: Awaited<ReturnType<typeof whatIf>>,
): RowNarrative {
  const n = narrate({
    audience,
    prediction: { ...prediction, classes: trained.classes },
    attributions,
    counterfactuals: cf,
    desiredLabel: cf.desired,
    model: { name: trained.meta?.name ?? trained.dir, strategy: trained.meta?.source?.strategy },
  });
  return { row, audience, text: n.text, sections: n.sections };
}

function classIndex(trained: TrainedModel, className: string | undefined, row: ArrayLike<number>): number {
  if (className !== undefined) {
    const c = trained.classes.indexOf(className);
    if (c < 0) throw new TransferkitError('UNKNOWN_CLASS', `The model has no class "${className}"`, { hint: `Classes: ${trained.classes.join(', ')}.` });
    return c;
  }
  return argmaxRow(modelProbs(trained, [row]), 0, trained.classes.length);
}

function checkRows(rows: number[], data: Dataset): number[] {
  for (const r of rows) {
    if (!Number.isInteger(r) || r < 0 || r >= data.size) {
      throw new TransferkitError('BAD_ROW', `Row ${r} is not in the data (it has ${data.size} rows, numbered from 0)`, { where: data.name, hint: `Pick rows between 0 and ${data.size - 1}.` });
    }
  }
  return rows;
}

function columnValue(data: Dataset, name: string, i: number): number | string {
  if (data.features.kind !== 'tabular') return NaN;
  const col = data.features.columns.find((c) => c.name === name);
  return col ? col.values[i] : NaN;
}
