/**
 * `adapt`: train a classifier on a labelled source domain that works on an unlabelled (or
 * scarcely labelled) target domain, with one method or with `auto` (every candidate, chosen by
 * an unsupervised validator — never by target labels), and write a run folder whose model
 * `transferkit evaluate` / `predict` use directly.
 *
 * The methods come from the registry (`./registry.ts`, filled by `./methods/`): `adapt` loads
 * the data, asks each method it will run whether it applies, and runs it — a deep method through
 * `runDeep`, shallow ones on shared features through `runMethod`.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Impute } from '../data/csv.ts';
import { sortClasses } from '../data/classes.ts';
import { classCounts, subset, type Dataset } from '../data/dataset.ts';
import { trainValTestSplit } from '../data/split.ts';
import type { TextVectorizerOptions } from '../data/text-features.ts';
import { ensureEngine } from '../engine/backend.ts';
import { TransferkitError } from '../errors.ts';
import { predictSoftmax, type LinearModel } from '../measures/logistic.ts';
import { pickRows, type Rows } from '../measures/rows.ts';
import { saveModel } from '../models/io.ts';
import type { TextEncoderRef } from '../models/text/encoder-features.ts';
import { RunFolder } from '../runs/run-folder.ts';
import { DEEP_METHODS, poolSources, runDeep, type DeepAdaptOptions, type DeepMethod, type DeepReport } from './deep-adapt.ts';
import { loadBase, loadData, onSourceClasses, sharedFeatures, type LoadedBase, type SharedFeatures } from './features.ts';
import { estimateLabelShift, type LabelShiftEstimate } from './label-shift.ts';
import { toLayersModel } from './linear.ts';
import { decideAuto, type AutoDecision, type DecideOptions } from './auto-choice.ts';
import { autoCandidatesFor, checkApplies, methodNamed, type ApplyContext, type MethodOptionField } from './methods/index.ts';
import { runMethod, SHALLOW_METHODS, type MethodContext, type MethodOptions, type MethodOutcome, type ShallowMethod } from './methods.ts';
import { importanceWeights } from './reweight.ts';
import { domainMeasures, scoreSummary, type DomainMeasures, type ScoreSummary } from './scores.ts';
import { validateCandidates, VALIDATORS, type CandidateEvidence, type ValidatorChoice, type ValidatorName } from './validators.ts';
import { fitView, type View } from './views.ts';

export type { DomainMeasures, ScoreSummary } from './scores.ts';

/**
 * One adaptation method: a shallow one (linear classifier on shared features) or a deep one (a network trained end to end).
 *
 * @example
 * ```ts
 * const m: SingleMethod = 'deep-coral';
 * ```
 */
export type SingleMethod = ShallowMethod | DeepMethod;

/**
 * What `adapt` can run: one method, or `auto`.
 *
 * @example
 * ```ts
 * const m: AdaptMethodName = 'auto';
 * ```
 */
export type AdaptMethodName = SingleMethod | 'auto';

/**
 * Every {@link AdaptMethodName}: the registry's shallow methods, its deep ones, and `auto`.
 *
 * @example
 * ```ts
 * ADAPT_METHOD_NAMES.includes('dann'); // true
 * ```
 */
export const ADAPT_METHOD_NAMES: readonly AdaptMethodName[] = Object.freeze([...SHALLOW_METHODS, ...DEEP_METHODS, 'auto']);

/**
 * Candidates `auto` tries by default: the registry's methods flagged `autoCandidate` (KMM,
 * flagged up to 2,000 source rows — it is quadratic in them — joins on smaller sources).
 */
export const AUTO_CANDIDATES: readonly ShallowMethod[] = Object.freeze(
  SHALLOW_METHODS.filter((m) => {
    const entry = methodNamed(m)!;
    return entry.autoCandidate && entry.autoCandidateUpTo === undefined;
  }),
);

/**
 * Deep methods `auto` tries by default on text and tables from one source (see
 * {@link AdaptConfig.deepCandidates}): DANN, the best of the three on the spam data.
 *
 * @example
 * ```ts
 * DEFAULT_DEEP_CANDIDATES; // ['dann']
 * ```
 */
export const DEFAULT_DEEP_CANDIDATES: readonly DeepMethod[] = Object.freeze(['dann'] as DeepMethod[]);

/**
 * Everything `adapt` needs; saved (with data given by name) as the run's `config.json`.
 *
 * @example
 * ```ts
 * const cfg: AdaptConfig = { source: 'builtin:spam-2002', target: 'builtin:spam-2003', method: 'auto', out: 'runs/spam' };
 * ```
 */
export interface AdaptConfig {
  /**
   * Labelled source data: `builtin:NAME`, a path, or a loaded dataset — or several source
   * domains (same kind and classes): shallow methods pool them, deep methods keep them apart
   * (multi-source training: alignment over every pair of domains).
   */
  source: string | Dataset | Array<string | Dataset>;
  /** Target data; its labels, if any, are never used for training or choosing — only to score (when no `test` is given). */
  target: string | Dataset;
  /** A few labelled target examples, used for training (weight `labelledWeight` each). */
  targetLabels?: string | Dataset;
  /** Labelled target data to score on (default: the target itself when it is labelled). */
  test?: string | Dataset;
  /** Base model for images: features are taken at the input of its head, and the saved model is the base with a new head. */
  base?: string;
  /** Label column of CSV data. */
  label?: string;
  impute?: Impute;
  /** The method (see {@link ADAPT_METHOD_NAMES}); `deep-coral`, `mmd` and `dann` train a network, see {@link DeepAdaptOptions}. */
  method: AdaptMethodName;
  /** Deep methods: epochs, λ, batch size, learning rate, MLP size. */
  deep?: DeepAdaptOptions;
  /** Validator `auto` chooses by (default `dev`); every validator's choice is reported. */
  validator?: ValidatorName;
  /** Candidates for `auto` (default {@link AUTO_CANDIDATES}; shallow methods only). */
  candidates?: ShallowMethod[];
  /**
   * Deep methods `auto` also tries: trained on the same part of the source, scored by the same
   * validators, under the same do-no-harm rule; when one is chosen it is retrained on all the
   * source (and `before` is then the same network trained without alignment). Default `['dann']`
   * for text and tables from one source when `candidates` is not given (an MLP on the 100-d view:
   * about a minute on the spam data on 2 cores, its ERM network included); none for images, where
   * the network fine-tunes a base model or trains a CNN (minutes). `[]` turns them off.
   */
  deepCandidates?: DeepMethod[];
  /**
   * `auto`'s do-no-harm rule: a candidate replaces `source-only` only when the validator's margin
   * over it exceeds `z` standard errors (default 2) or `agree` validators choose it (default 3).
   */
  autoRule?: Pick<DecideOptions, 'z' | 'agree'>;
  /** Share of the source held out for validators when `auto` runs (default 0.2); the chosen method is then retrained on all of it. */
  valFraction?: number;
  /** Text vectorizer options (default word 1–2-grams, 2^16 buckets, sublinear tf). */
  text?: TextVectorizerOptions;
  /** Dimensions of the view CORAL, kernels and domain classifiers work in (default 100). */
  viewDims?: number;
  /**
   * Class distribution self-training balances its pseudo-labels to: `mlls` (default: the EM
   * estimate from a source classifier's target probabilities), `bbse` (from its confusion
   * matrix), `predicted` (the current model's predictions) or `uniform`.
   */
  targetPrior?: 'mlls' | 'bbse' | 'predicted' | 'uniform';
  seed?: number;
  /** Run folder; omit to only compute (API use). */
  out?: string;
  C?: MethodOptions['C'];
  classWeights?: MethodOptions['classWeights'];
  labelledWeight?: MethodOptions['labelledWeight'];
  selfTrain?: Omit<NonNullable<MethodOptions['selfTrain']>, 'prior'>;
  reweight?: MethodOptions['reweight'];
  coral?: MethodOptions['coral'];
}

/**
 * One candidate of `auto` (or the single method run).
 *
 * @example
 * ```ts
 * const c: CandidateReport = { method: 'coral', seconds: 1.2, scores: { dev: 0.06, entropy: 0.05, im: -0.6, snd: 6.1 } };
 * ```
 */
export interface CandidateReport {
  /** The method; `erm` is the deep methods' source-only network. */
  method: SingleMethod | 'erm';
  seconds: number;
  /** Validator scores (see `validators`). */
  scores: Partial<Record<ValidatorName, number>>;
  /** Scores on the labelled target data — reported for comparison, never used to choose. */
  test?: ScoreSummary;
}

/**
 * What {@link adapt} did.
 *
 * @example
 * ```ts
 * const r: AdaptResult = await adapt({ source: 's.csv', target: 't.csv', label: 'y', method: 'coral' });
 * console.log(r.method, r.after?.accuracy);
 * ```
 */
export interface AdaptResult {
  out?: string;
  requested: AdaptMethodName;
  /** The method the final model was trained with. */
  method: SingleMethod;
  /** The validator that chose it (`auto`). */
  chosenBy?: ValidatorName;
  kind: Dataset['features']['kind'];
  classes: string[];
  features: { space: string; dims: number; view: string; viewDims: number };
  sizes: { source: number; target: number; targetLabelled: number; test: number };
  /** The source domains (several when `source` was a list). */
  sources: Array<{ name: string; size: number }>;
  /** The class distribution self-training balanced to, and how it was found. */
  targetPrior?: { method: 'mlls' | 'bbse' | 'predicted' | 'uniform'; estimate?: number[]; interval?: Array<[number, number]>; bbse?: number[]; mlls?: number[]; note?: string };
  /** The source-only model (trained on the source and any labelled target examples; for deep methods the same network trained without alignment) on the labelled target data. */
  before?: ScoreSummary;
  /** The adapted model on the labelled target data. */
  after?: ScoreSummary;
  candidates: CandidateReport[];
  /** Each validator's scores and choice (`auto`). */
  validators?: ValidatorChoice[];
  /**
   * `auto`: why it chose what it chose — a candidate replaces `source-only` only when the chosen
   * validator's margin over it exceeds its noise or several validators agree (see
   * `./auto-choice.ts`); `reason` in words, `risk` when the validators disagree.
   */
  decision?: AutoDecision;
  domain: { before: DomainMeasures; after: DomainMeasures; note: string };
  /** Importance weights of the final model (reweighting methods). */
  weights?: { method: string; ess: number; essFraction: number; clipped: number; clippedAt: number | null; min: number; max: number; bandwidth?: number };
  selfTrain?: MethodOutcome['selfTrain'];
  /** Deep methods: the network, its training history and that of the source-only network. */
  deep?: DeepReport;
  seconds: number;
}

/** Progress messages of {@link adapt}. */
export interface AdaptCallbacks {
  onProgress?: (message: string) => void;
}

/**
 * Runs domain adaptation and (with `out`) writes a run folder: `config.json`, `metrics.json`
 * (this result), `model/` (a TF.js model with its feature spec, so `transferkit evaluate` and
 * `predict` take raw target data).
 *
 * @example
 * ```ts
 * const r = await adapt({ source: 'builtin:spam-2002', target: 'builtin:spam-2003', method: 'auto', out: 'runs/spam' });
 * console.log(`${r.method} (chosen by ${r.chosenBy}): ${r.before?.accuracy} → ${r.after?.accuracy}`);
 * ```
 */
export async function adapt(config: AdaptConfig, callbacks: AdaptCallbacks = {}): Promise<AdaptResult> {
  await ensureEngine();
  checkConfig(config);
  if (config.out) await checkOut(config.out);
  const base = config.base ? await loadBase(config.base) : undefined;
  try {
    return await run(config, base, callbacks);
  } finally {
    base?.model.dispose();
  }
}

/**
 * The names as `auto` candidates: each must be a registered shallow method (`auto` compares only
 * those).
 *
 * @throws TransferkitError `BAD_OPTION` for a deep method, `UNKNOWN_METHOD` for any other name.
 * @example
 * ```ts
 * checkCandidates(['coral', 'kliep']); // ['coral', 'kliep']
 * checkCandidates(['coral', 'dann'], '--candidates'); // throws BAD_OPTION
 * ```
 */
export function checkCandidates(names: readonly string[], where?: string): ShallowMethod[] {
  for (const c of names) {
    const family = methodNamed(c)?.family;
    if (family === 'deep') {
      throw new TransferkitError('BAD_OPTION', `The deep method "${c}" cannot be an auto candidate`, { where, hint: `auto compares the fast shallow methods (${SHALLOW_METHODS.join(', ')}); run ${c} on its own with \`method: "${c}"\`.` });
    }
    if (family !== 'shallow') throw new TransferkitError('UNKNOWN_METHOD', `Unknown candidate method "${c}"`, { where, hint: `Use any of: ${SHALLOW_METHODS.join(', ')}.` });
  }
  return names as ShallowMethod[];
}

/** The loaded domains of one adaptation problem, on the source's classes. */
interface Domains {
  classes: string[];
  /** The source domains, each relabelled onto `classes`. */
  sources: Dataset[];
  /** The sources pooled. */
  source: Dataset;
  counts: number[];
  target: Dataset;
  /** The target with its labels hidden: what methods train on. */
  unlabelledTarget: Dataset;
  /** The labelled target examples given for training. */
  fewLabelled?: Dataset;
  /** Labelled target data to score on. */
  test?: Dataset;
  sizes: AdaptResult['sizes'];
  sourceList: AdaptResult['sources'];
}

/** Loads the data, resolves the method(s) in the registry, and runs them: a deep method alone, shallow ones on shared features. */
async function run(config: AdaptConfig, base: LoadedBase | undefined, callbacks: AdaptCallbacks): Promise<AdaptResult> {
  const t0 = performance.now();
  const say = callbacks.onProgress ?? (() => {});
  const data = await loadDomains(config, base);
  const methods = methodsToRun(config, data, say);
  if (config.method !== 'auto' && isDeep(config.method)) return runDeepMethod(config, config.method, data, base, say, t0);
  return runShallowMethods(config, methods as ShallowMethod[], deepCandidatesFor(config, data, say), data, base, say, t0);
}

/** The source domains, the target, the labelled target examples and the test data, all on the source's classes. */
async function loadDomains(config: AdaptConfig, base: LoadedBase | undefined): Promise<Domains> {
  const loadOpts = { label: config.label, impute: config.impute, image: base?.image, encoder: base?.encoder };
  const { classes, sources } = await loadSources(config, loadOpts);
  const source = sources.length === 1 ? sources[0] : poolSources(sources);
  const counts = classCounts(source);
  if (counts.filter((c) => c > 0).length < 2) {
    throw new TransferkitError('ONE_CLASS', `The source data ${source.name} has only one class`, { where: source.name, hint: 'A classifier needs examples of at least two classes.' });
  }
  const target = onSourceClasses(await loadData(config.target, 'Target', loadOpts), classes, 'target');
  const few = config.targetLabels ? onSourceClasses(await loadData(config.targetLabels, 'Target-labels', loadOpts), classes, 'target-labels') : undefined;
  if (few && few.labels.every((l) => l < 0)) {
    throw new TransferkitError('NO_LABELS', `The labelled target data ${few.name} has no labels`, { where: few.name, hint: 'Pass labelled examples (e.g. `label` for CSV).' });
  }
  const fewLabelled = few ? labelledOnly(few) : undefined;
  let test = config.test ? onSourceClasses(await loadData(config.test, 'Test', loadOpts), classes, 'test') : target.labels.some((l) => l >= 0) ? target : undefined;
  if (test && test.labels.some((l) => l < 0)) test = labelledOnly(test);
  if (test && test.size === 0) test = undefined;
  return {
    classes,
    sources,
    source,
    counts,
    target,
    unlabelledTarget: { ...target, labels: new Int32Array(target.size).fill(-1) },
    fewLabelled,
    test,
    sizes: { source: source.size, target: target.size, targetLabelled: fewLabelled?.size ?? 0, test: test?.size ?? 0 },
    sourceList: sources.map((d) => ({ name: d.domain ?? d.name, size: d.size })),
  };
}

/** The labelled source domains (unlabelled rows dropped), relabelled onto one class list: the union, sorted as loading sorts classes. */
async function loadSources(config: AdaptConfig, loadOpts: Parameters<typeof loadData>[2]): Promise<{ classes: string[]; sources: Dataset[] }> {
  const specs = Array.isArray(config.source) ? config.source : [config.source];
  const loaded: Dataset[] = [];
  for (const [i, spec] of specs.entries()) {
    const ds = await loadData(spec, specs.length > 1 ? `Source ${i + 1}` : 'Source', loadOpts);
    const labelledRows = [...ds.labels.keys()].filter((r) => ds.labels[r] >= 0);
    if (labelledRows.length === 0) {
      throw new TransferkitError('NO_LABELS', `The source data ${ds.name} has no labels`, { where: ds.name, hint: 'Adaptation trains on labelled source data; pass `label` for CSV data.' });
    }
    loaded.push(labelledRows.length < ds.size ? subset(ds, labelledRows) : ds);
  }
  if (loaded.length === 1) return { classes: loaded[0].classes, sources: loaded };
  const classes = sortClasses(new Set(loaded.flatMap((d) => d.classes.filter((_, c) => d.labels.includes(c)))));
  return { classes, sources: loaded.map((d, i) => ({ ...onSourceClasses(d, classes, `source ${i + 1}`), domain: d.domain ?? d.name })) };
}

/** The labelled rows of a dataset. */
function labelledOnly(ds: Dataset): Dataset {
  return subset(ds, [...ds.labels.keys()].filter((i) => ds.labels[i] >= 0));
}

/** What the registry's `applies` checks look at. */
function applyContext(config: AdaptConfig, data: Domains): ApplyContext {
  return {
    kind: data.source.features.kind,
    sources: data.sources.length,
    sourceRows: data.source.size,
    targetRows: data.target.size,
    targetLabelled: data.sizes.targetLabelled,
    classes: data.classes.length,
    base: config.base,
  };
}

/**
 * The methods to run — the one named, or `auto`'s candidates — each checked with the registry's
 * `applies`: a method named (or a candidate listed) that does not apply is refused; a default
 * candidate that does not apply is skipped.
 */
function methodsToRun(config: AdaptConfig, data: Domains, say: (m: string) => void): SingleMethod[] {
  const ctx = applyContext(config, data);
  if (config.method !== 'auto') {
    checkApplies(methodNamed(config.method)!, ctx);
    return [config.method];
  }
  if (config.candidates && config.candidates.length > 0) {
    const listed = [...new Set(config.candidates)];
    for (const m of listed) checkApplies(methodNamed(m)!, ctx);
    return listed;
  }
  return autoCandidatesFor(data.source.size).filter((m) => {
    const verdict = methodNamed(m)!.applies(ctx);
    if (verdict !== true) say(`auto skips ${m}: ${verdict}`);
    return verdict === true;
  }) as ShallowMethod[];
}

/** A deep method through `runDeep`: the sources kept apart, the network saved with its feature spec. */
async function runDeepMethod(
  config: AdaptConfig,
  method: DeepMethod,
  data: Domains,
  base: LoadedBase | undefined,
  say: (m: string) => void,
  t0: number,
  auto?: Pick<AdaptResult, 'candidates' | 'validators' | 'chosenBy' | 'decision'>,
): Promise<AdaptResult> {
  const { classes, sources, target } = data;
  say(`${method}: ${sources.map((d) => `${d.name} (${d.size})`).join(' + ')} → ${target.name} (${target.size})`);
  const deep = await runDeep({
    method,
    classes,
    sources,
    target: data.unlabelledTarget,
    labelled: data.fewLabelled,
    test: data.test,
    base: config.base,
    baseImage: base?.image,
    text: config.text,
    viewDims: config.viewDims ?? 100,
    seed: config.seed ?? 0,
    options: config.deep ?? {},
    classBalanced: config.classWeights !== 'none',
    labelledWeight: config.labelledWeight ?? 5,
    say,
  });
  try {
    const result: AdaptResult = {
      out: config.out,
      requested: auto ? 'auto' : method,
      method,
      chosenBy: auto?.chosenBy,
      kind: deep.kind,
      classes,
      features: deep.features,
      sizes: data.sizes,
      sources: data.sourceList,
      before: deep.before,
      after: deep.after,
      candidates: auto?.candidates ?? deep.candidates,
      validators: auto?.validators,
      decision: auto?.decision,
      domain: deep.domain,
      deep: deep.deep,
      seconds: 0,
    };
    await writeRun(config, result, classes, data.source.name, target.name, deep.model, deep.spec, t0, say, base?.encoder);
    return result;
  } finally {
    deep.dispose();
  }
}

/** Everything the shallow methods of one `adapt` call share: the features, the view, the options, and how to score. */
interface ShallowSetup {
  config: AdaptConfig;
  data: Domains;
  seed: number;
  shared: SharedFeatures;
  view: View;
  Zs: Float64Array;
  Zt: Float64Array;
  testRows?: Rows;
  labelled?: { X: Rows; y: Int32Array };
  say: (m: string) => void;
}

/** `auto` chose a deep method: it is retrained on all the source by the deep path. */
interface DeepChoice {
  deep: DeepMethod;
  candidates: CandidateReport[];
  validators: ValidatorChoice[];
  chosenBy: ValidatorName;
  decision: AutoDecision;
}

/** What the shallow run chose and trained. */
interface ShallowChoice {
  final: MethodOutcome;
  /** The source-only model (the "before"). */
  sourceOnly: LinearModel;
  candidates: CandidateReport[];
  validators?: ValidatorChoice[];
  chosenBy?: ValidatorName;
  decision?: AutoDecision;
}

/** Shallow methods: shared features and a view, the target prior if needed, the method (or `auto`'s choice), the run folder. */
async function runShallowMethods(
  config: AdaptConfig,
  methods: ShallowMethod[],
  deepCandidates: DeepMethod[],
  data: Domains,
  base: LoadedBase | undefined,
  say: (m: string) => void,
  t0: number,
): Promise<AdaptResult> {
  const setup = await shallowSetup(config, data, base, say);
  const { prior, targetPrior } = targetPriorFor(setup, methods);
  const options: MethodOptions = {
    C: config.C,
    classWeights: config.classWeights,
    labelledWeight: config.labelledWeight,
    selfTrain: { ...config.selfTrain, prior },
    reweight: config.reweight,
    coral: config.coral,
    seed: setup.seed,
  };
  const picked = config.method === 'auto' ? await chooseByValidator(setup, methods, deepCandidates, options) : runOne(setup, methods[0], options);
  if ('deep' in picked) {
    say(`retraining ${picked.deep} on all source data`);
    return runDeepMethod(config, picked.deep, data, base, say, t0, picked);
  }
  const choice = picked;
  const result = shallowResult(setup, choice, methods.some(readsTargetPrior) ? targetPrior : undefined);
  const model = config.out ? buildModel(choice.final.model, setup.shared) : undefined;
  try {
    await writeRun(config, result, data.classes, data.source.name, data.target.name, model, setup.shared.spec, t0, say, base?.encoder);
  } finally {
    // the image model shares its trunk with the base, which is disposed by adapt()
    if (model && setup.shared.buildModel) model.getLayer('adapt_head').dispose();
    else model?.dispose();
  }
  return result;
}

/** The shared feature space of source and target, the view, and the labelled target and test rows in it. */
async function shallowSetup(config: AdaptConfig, data: Domains, base: LoadedBase | undefined, say: (m: string) => void): Promise<ShallowSetup> {
  const { source, target, test, fewLabelled } = data;
  const seed = config.seed ?? 0;
  say(`features: ${source.name} (${source.size}) and ${target.name} (${target.size})`);
  const shared = await sharedFeatures(source, data.unlabelledTarget, { base, text: config.text });
  const view = fitView(shared.source, shared.target, { maxDims: config.viewDims ?? 100, seed });
  say(`view: ${view.description}`);
  return {
    config,
    data,
    seed,
    shared,
    view,
    Zs: view.apply(shared.source),
    Zt: view.apply(shared.target),
    testRows: test ? shared.transform(test) : undefined,
    labelled: fewLabelled ? { X: shared.transform(fewLabelled), y: fewLabelled.labels } : undefined,
    say,
  };
}

/** Whether a method balances to the target's class mix (it lists `targetPrior` among its options). */
function readsTargetPrior(method: string): boolean {
  return methodNamed(method)?.options.some((o) => o.field === 'targetPrior') ?? false;
}

/** The class distribution self-training balances its pseudo-labels to, and how it was found (estimated only when a method to run reads it). */
function targetPriorFor(setup: ShallowSetup, methods: ShallowMethod[]): { prior: 'predicted' | 'uniform' | number[]; targetPrior: NonNullable<AdaptResult['targetPrior']> } {
  const { config, data, shared, seed, say } = setup;
  const priorMethod = config.targetPrior ?? 'mlls';
  const estimated = priorMethod === 'bbse' || priorMethod === 'mlls';
  if (!estimated || !methods.some(readsTargetPrior)) return { prior: estimated ? 'predicted' : priorMethod, targetPrior: { method: priorMethod } };
  const est = tryLabelShift(shared.source, data.source.labels, shared.target, data.classes.length, config, seed);
  const estimate = priorMethod === 'mlls' ? est?.mlls : est?.targetPrior;
  if (!est || !estimate) {
    return { prior: 'predicted', targetPrior: { method: 'predicted', note: 'the label shift could not be estimated (singular confusion matrix or too few source examples per class)' } };
  }
  if (priorMethod === 'bbse' && est.rawWeights.some((w) => w < 0)) {
    const note = `the BBSE estimate (${est.targetPrior.map((p) => p.toFixed(3)).join(', ')}) left the simplex, so the label-shift assumption does not hold; balancing to the predicted class mix instead`;
    say(`BBSE failed (${note}); self-training balances to the predicted class mix`);
    return { prior: 'predicted', targetPrior: { method: 'predicted', bbse: est.targetPrior, mlls: est.mlls, note } };
  }
  say(`target class mix (${priorMethod.toUpperCase()}): ${estimate.map((p, c) => `${data.classes[c]} ${(100 * p).toFixed(1)}%`).join(', ')}`);
  return { prior: estimate, targetPrior: { method: priorMethod, estimate, interval: priorMethod === 'bbse' ? est.interval : undefined, bbse: est.targetPrior, mlls: est.mlls } };
}

/** The data a method trains on: all source rows, or those of `rows`. */
function methodContext(setup: ShallowSetup, options: MethodOptions, rows: number[] | null): MethodContext {
  const { shared, view, data } = setup;
  const Xs = rows ? pickRows(shared.source, rows) : shared.source;
  const ys = rows ? Int32Array.from(rows, (i) => data.source.labels[i]) : data.source.labels;
  const Zs = rows ? pickDense(setup.Zs, rows, view.m) : setup.Zs;
  return { Xs, ys, Xt: shared.target, k: data.classes.length, view, Zs, Zt: setup.Zt, labelled: setup.labelled, options };
}

/** A model's scores on the labelled target data, when there are any. */
function scoreOf(setup: ShallowSetup, model: LinearModel): ScoreSummary | undefined {
  const { test } = setup.data;
  return test && setup.testRows ? scoreSummary(test.labels, predictSoftmax(model, setup.testRows), setup.data.classes) : undefined;
}

/** One named method on all the source, and the source-only model; scored by the validators that need no held-out source. */
function runOne(setup: ShallowSetup, method: ShallowMethod, options: MethodOptions): ShallowChoice {
  setup.say(`method ${method}…`);
  const all = methodContext(setup, options, null);
  const final = runMethod(method, all);
  const sourceOnly = method === 'source-only' ? final.model : runMethod('source-only', all).model;
  const evidence = [{ name: method, k: all.k, targetProbs: predictSoftmax(final.model, all.Xt) }];
  const scores = Object.fromEntries(validateCandidates(evidence, { seed: setup.seed, validators: ['entropy', 'im', 'snd'] }).map((v) => [v.validator, v.scores[method]]));
  return { final, sourceOnly, candidates: [{ method, seconds: final.seconds, scores, test: scoreOf(setup, final.model) }] };
}

/**
 * `auto`: every candidate trained on part of the source, scored by every validator on the
 * target and the held-out source rows; the chosen validator's choice is retrained on all of it.
 */
async function chooseByValidator(setup: ShallowSetup, methods: ShallowMethod[], deepMethods: DeepMethod[], options: MethodOptions): Promise<ShallowChoice | DeepChoice> {
  const { config, data, seed, say } = setup;
  const valFraction = config.valFraction ?? 0.2;
  const canSplit = Math.min(...data.counts.filter((c) => c > 0)) >= 5 && valFraction > 0;
  if (!canSplit) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', 'auto needs held-out source data for its validators: every source class needs at least 5 examples and valFraction must be above 0', {
      where: data.source.name,
      hint: 'Add source examples, or pick a method yourself with `method`.',
    });
  }
  const split = trainValTestSplit(data.source, { val: valFraction, test: 0, seed });
  const { candidates, evidence, valWeights } = trainCandidates(setup, methods, methodContext(setup, options, split.indices.train), split);
  for (const method of deepMethods) {
    const deep = await deepCandidate(setup, method, split, valWeights);
    candidates.push(deep.candidate);
    evidence.push(deep.evidence);
  }
  const validators = validateCandidates(evidence, { seed });
  for (const v of validators) for (const c of candidates) if (c.method in v.scores) c.scores[v.validator] = v.scores[c.method];
  const chosenBy = config.validator ?? 'dev';
  const decision = decideAuto(evidence, validators, { validator: chosenBy, seed, ...config.autoRule });
  say(`${chosenBy} chose ${decision.proposed}; auto: ${decision.reason}`);
  if (decision.risk) say(`risk: ${decision.risk}`);
  if (isDeep(decision.chosen)) return { deep: decision.chosen, candidates, validators, chosenBy, decision };
  const chosen = decision.chosen as ShallowMethod;
  say(`retraining ${chosen} on all source data`);
  const all = methodContext(setup, options, null);
  const final = runMethod(chosen, all);
  const sourceOnly = chosen === 'source-only' ? final.model : runMethod('source-only', all).model;
  return { final, sourceOnly, candidates, validators, chosenBy, decision };
}

/** A deep method as an `auto` candidate: trained on the training split, its probabilities on the target and the held-out source rows. */
async function deepCandidate(setup: ShallowSetup, method: DeepMethod, split: ReturnType<typeof trainValTestSplit>, valWeights: Float64Array) {
  const { config, data, seed, say } = setup;
  say(`candidate ${method} (deep)…`);
  const t0 = performance.now();
  const out = await runDeep({
    method,
    classes: data.classes,
    sources: [split.train],
    target: data.unlabelledTarget,
    labelled: data.fewLabelled,
    test: data.test,
    probe: split.val,
    text: config.text,
    viewDims: config.viewDims ?? 100,
    seed,
    options: config.deep ?? {},
    classBalanced: config.classWeights !== 'none',
    labelledWeight: config.labelledWeight ?? 5,
    say: (m) => say(`candidate ${method}: ${m}`),
  });
  try {
    const k = data.classes.length;
    return {
      candidate: { method, seconds: (performance.now() - t0) / 1000, scores: {}, test: out.after } satisfies CandidateReport,
      evidence: { name: method, k, targetProbs: out.probs.adapted.target, sourceVal: { probs: out.probs.adapted.probe!, labels: split.val.labels, weights: valWeights } },
    };
  } finally {
    out.dispose();
  }
}

/**
 * The deep methods `auto` tries: those named in `deepCandidates` (each must apply), or by default
 * DANN for text and tables from one source when no `candidates` were listed.
 */
function deepCandidatesFor(config: AdaptConfig, data: Domains, say: (m: string) => void): DeepMethod[] {
  if (config.method !== 'auto') return [];
  const ctx = applyContext(config, data);
  if (config.deepCandidates) {
    for (const m of config.deepCandidates) checkApplies(methodNamed(m)!, ctx);
    return [...new Set(config.deepCandidates)];
  }
  if (config.candidates && config.candidates.length > 0) return [];
  if (ctx.kind === 'image' || config.base || ctx.sources > 1) {
    say(`auto tries no deep method: ${ctx.kind === 'image' || config.base ? 'on images the network is a fine-tuned base model or a CNN (minutes, not seconds)' : 'several sources (pass deepCandidates to try them)'}`);
    return [];
  }
  return DEFAULT_DEEP_CANDIDATES.filter((m) => methodNamed(m)?.applies(ctx) === true);
}

/** Trains every candidate on the training split; the validators' evidence: target probabilities, and held-out source probabilities with DEV's importance weights. */
function trainCandidates(setup: ShallowSetup, methods: ShallowMethod[], ctx: MethodContext, split: ReturnType<typeof trainValTestSplit>) {
  const { data, view, seed, say } = setup;
  const val = split.indices.val;
  const valRows = pickRows(setup.shared.source, val);
  // importance weights of the held-out rows for DEV: a domain classifier on the view
  const dw = importanceWeights({ rows: data.source.size, cols: view.m, data: setup.Zs }, { rows: data.target.size, cols: view.m, data: setup.Zt }, { method: 'discriminative', seed });
  const valWeights = Float64Array.from(val, (i) => dw.weights[i]);
  const candidates: CandidateReport[] = [];
  const evidence: CandidateEvidence[] = [];
  for (const method of methods) {
    say(`candidate ${method}…`);
    const outcome = runMethod(method, ctx);
    candidates.push({ method, seconds: outcome.seconds, scores: {}, test: scoreOf(setup, outcome.model) });
    evidence.push({
      name: method,
      k: ctx.k,
      targetProbs: predictSoftmax(outcome.model, ctx.Xt),
      sourceVal: { probs: predictSoftmax(outcome.model, valRows), labels: split.val.labels, weights: valWeights },
    });
  }
  return { candidates, evidence, valWeights };
}

/** The result of a shallow run: scores before and after, the domain measured before and after (in the view), weights and rounds. */
function shallowResult(setup: ShallowSetup, choice: ShallowChoice, targetPrior: AdaptResult['targetPrior']): AdaptResult {
  const { config, data, shared, view, seed, say } = setup;
  const { final } = choice;
  say('domain measures…');
  const before = domainMeasures(setup.Zs, setup.Zt, view.m, seed);
  const after = final.alignedSourceView ? domainMeasures(final.alignedSourceView, setup.Zt, view.m, seed) : before;
  const w = final.weights;
  return {
    out: config.out,
    requested: config.method,
    method: final.method,
    chosenBy: choice.chosenBy,
    kind: shared.kind,
    classes: data.classes,
    features: { space: shared.description, dims: shared.dims, view: view.description, viewDims: view.m },
    sizes: data.sizes,
    sources: data.sourceList,
    targetPrior,
    before: scoreOf(setup, choice.sourceOnly),
    after: scoreOf(setup, final.model),
    candidates: choice.candidates,
    validators: choice.validators,
    decision: choice.decision,
    domain: {
      before,
      after,
      note: final.alignedSourceView
        ? 'after: the CORAL-aligned source against the target, in the view'
        : 'after = before: this method changes which source examples count (weights, pseudo-labels), not the features',
    },
    weights: w
      ? {
          method: w.method,
          ess: w.ess,
          essFraction: w.essFraction,
          clipped: w.clipped,
          clippedAt: Number.isFinite(w.clippedAt) ? w.clippedAt : null,
          min: Math.min(...w.weights),
          max: Math.max(...w.weights),
          bandwidth: w.bandwidth,
        }
      : undefined,
    selfTrain: final.selfTrain,
    seconds: 0,
  };
}

/** Writes the run folder (with `out`) and sets `result.seconds`. */
async function writeRun(
  config: AdaptConfig,
  result: AdaptResult,
  classes: string[],
  sourceName: string,
  targetName: string,
  model: tf.LayersModel | undefined,
  spec: unknown,
  t0: number,
  say: (m: string) => void,
  encoder?: TextEncoderRef,
): Promise<void> {
  if (config.out && model) {
    say(`writing ${config.out}`);
    const run = await RunFolder.create(config.out, {
      ...config,
      source: Array.isArray(config.source) ? config.source.map(ref) : ref(config.source),
      target: ref(config.target),
      targetLabels: config.targetLabels === undefined ? undefined : ref(config.targetLabels),
      test: config.test === undefined ? undefined : ref(config.test),
      createdAt: new Date().toISOString(),
      classes,
      autoDecision: result.decision ? { chosen: result.decision.chosen, proposed: result.decision.proposed, rule: result.decision.rule, reason: result.decision.reason, risk: result.decision.risk } : undefined,
    });
    try {
      await saveModel(model, run.path('model'), {
        classes,
        features: spec,
        source: { base: config.base, strategy: `adapt:${result.method}` },
        adapt: { method: result.method, requested: config.method, chosenBy: result.chosenBy, source: sourceName, target: targetName },
        // texts reach the model through the base's ONNX text encoder
        ...(encoder ? { encoder } : {}),
      });
      result.seconds = (performance.now() - t0) / 1000;
      await run.writeJson('metrics.json', result);
    } finally {
      await run.close();
    }
  }
  result.seconds = (performance.now() - t0) / 1000;
}

function isDeep(method: string): method is DeepMethod {
  return methodNamed(method)?.family === 'deep';
}

/** The TF.js model to save: a softmax layer on the raw features, or the base with a new head. */
function buildModel(linear: LinearModel, shared: SharedFeatures): tf.LayersModel {
  if (!shared.buildModel) return toLayersModel(linear);
  const model = shared.buildModel(linear.k);
  const W = tf.tensor2d(Float32Array.from(linear.W), [linear.d, linear.k]);
  const b = tf.tensor1d(Float32Array.from(linear.b));
  model.getLayer('adapt_head').setWeights([W, b]);
  W.dispose();
  b.dispose();
  return model;
}

function tryLabelShift(Xs: Rows, ys: Int32Array, Xt: Rows, k: number, config: AdaptConfig, seed: number): LabelShiftEstimate | undefined {
  try {
    return estimateLabelShift(Xs, ys, Xt, k, { C: config.C, seed });
  } catch (err) {
    if (err instanceof TransferkitError) return undefined;
    throw err;
  }
}

function pickDense(Z: Float64Array, rows: number[], m: number): Float64Array {
  const out = new Float64Array(rows.length * m);
  rows.forEach((r, i) => out.set(Z.subarray(r * m, (r + 1) * m), i * m));
  return out;
}

function ref(d: string | Dataset): string {
  return typeof d === 'string' ? d : d.name;
}

function checkConfig(config: AdaptConfig): void {
  if (config.method !== 'auto' && !methodNamed(config.method)) {
    throw new TransferkitError('UNKNOWN_METHOD', `Unknown adaptation method "${config.method}"`, { hint: `Use one of: ${ADAPT_METHOD_NAMES.join(', ')}.` });
  }
  if (config.validator !== undefined && !VALIDATORS.includes(config.validator)) {
    throw new TransferkitError('BAD_OPTION', `Unknown validator "${config.validator}"`, { hint: `Use one of: ${VALIDATORS.join(', ')}.` });
  }
  checkCandidates(config.candidates ?? []);
  for (const m of config.deepCandidates ?? []) {
    if (methodNamed(m)?.family !== 'deep') throw new TransferkitError('BAD_OPTION', `deepCandidates lists "${m}", which is not a deep method`, { where: 'deepCandidates', hint: `Use any of: ${DEEP_METHODS.join(', ')} (shallow methods go in \`candidates\`).` });
  }
  checkDeepOptions(config.deep ?? {});
  if (Array.isArray(config.source) && config.source.length === 0) throw new TransferkitError('BAD_OPTION', 'source is an empty list', { hint: 'Pass at least one labelled source dataset.' });
  if (config.targetPrior !== undefined && !['mlls', 'bbse', 'predicted', 'uniform'].includes(config.targetPrior)) {
    throw new TransferkitError('BAD_OPTION', `Unknown target prior "${config.targetPrior}"`, { hint: 'Use mlls, bbse, predicted or uniform.' });
  }
  const rule = config.autoRule ?? {};
  if (rule.z !== undefined && !(Number.isFinite(rule.z) && rule.z >= 0)) throw new TransferkitError('BAD_OPTION', `autoRule.z must be a number ≥ 0, got ${rule.z}`);
  if (rule.agree !== undefined && !(Number.isInteger(rule.agree) && rule.agree >= 1)) throw new TransferkitError('BAD_OPTION', `autoRule.agree must be a whole number ≥ 1, got ${rule.agree}`);
  const vf = config.valFraction;
  if (vf !== undefined && !(vf >= 0 && vf < 1)) throw new TransferkitError('BAD_OPTION', `valFraction must be in [0, 1), got ${vf}`);
}

function checkDeepOptions(d: DeepAdaptOptions): void {
  const bad = (name: string, value: unknown, rule: string) => new TransferkitError('BAD_OPTION', `${name} must be ${rule}, got ${String(value)}`, { hint: 'The deep methods’ options and their defaults are listed in `transferkit adapt --help` and the AdaptConfig docs.' });
  if (d.epochs !== undefined && !(Number.isInteger(d.epochs) && d.epochs >= 1)) throw bad('epochs', d.epochs, 'a whole number ≥ 1');
  if (d.batchSize !== undefined && !(Number.isInteger(d.batchSize) && d.batchSize >= 2)) throw bad('batchSize', d.batchSize, 'a whole number ≥ 2');
  if (d.lambda !== undefined && !(Number.isFinite(d.lambda) && d.lambda >= 0)) throw bad('lambda', d.lambda, 'a number ≥ 0');
  if (d.lr !== undefined && !(Number.isFinite(d.lr) && d.lr > 0)) throw bad('lr', d.lr, 'a positive number');
  if (d.dropout !== undefined && !(d.dropout >= 0 && d.dropout < 1)) throw bad('dropout', d.dropout, 'in [0, 1)');
  if (d.hidden !== undefined && !(d.hidden.length > 0 && d.hidden.every((u) => Number.isInteger(u) && u >= 1))) throw bad('hidden', `[${d.hidden.join(', ')}]`, 'a non-empty list of whole numbers ≥ 1');
}

async function checkOut(out: string): Promise<void> {
  if (existsSync(join(out, 'config.json'))) {
    throw new TransferkitError('RUN_EXISTS', `The folder ${out} already holds a run`, { where: out, hint: 'Choose another `out` folder.' });
  }
  if (existsSync(out) && (await readdir(out)).length > 0) {
    throw new TransferkitError('OUT_NOT_EMPTY', `The output folder ${out} is not empty`, { where: out, hint: 'Choose an empty or new `out` folder.' });
  }
}

/** Every field a registered method declares in `options` is a field (or nested field) of {@link AdaptConfig}: checked when compiling. */
type ConfigField = { [K in keyof AdaptConfig & string]-?: K | (NonNullable<AdaptConfig[K]> extends object ? `${K}.${keyof NonNullable<AdaptConfig[K]> & string}` : never) }[keyof AdaptConfig & string];
const optionFieldsAreConfigFields: MethodOptionField extends ConfigField ? true : never = true;
void optionFieldsAreConfigFields;
