/**
 * What the deep methods share (Deep CORAL, MMD, DANN): a network trained end to end with
 * {@link trainAdapted} on labelled source rows and unlabelled target rows, next to the same
 * network trained on the source alone (ERM) as the fair "before". A deep method's file names
 * its alignment and default λ, and calls {@link trainDeepMethod}.
 *
 * The network, by kind of data:
 * - images with a base model: the base's trunk (BatchNorm kept in inference mode) + a new
 *   softmax `adapt_head`, fine-tuned end to end; features = the input of the head;
 * - images without one: {@link buildSmallCnn} on the source image size; features = `features`;
 * - text and tabular: an MLP on the standardised view of the shared features (the top principal
 *   components of hashed TF-IDF for text, standardised columns for small tables); features = its
 *   last hidden layer. The saved model has the view folded in as a frozen Dense layer in front,
 *   so it takes the raw feature vector, like the shallow methods' models.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset.ts';
import { fitFeatures, transformFeatures, type FeatureSpec } from '../../data/features.ts';
import type { ImageSize } from '../../data/images.ts';
import type { TextVectorizerOptions } from '../../data/text-features.ts';
import { TransferkitError } from '../../errors.ts';
import { denseRows } from '../../measures/rows.ts';
import { buildMlp } from '../../models/architectures.ts';
import { predictProbs } from '../../models/predict-probs.ts';
import { cutAt, keepBatchNormInInference, replaceHead } from '../../models/surgery.ts';
import { forward } from '../../transfer/strategies.ts';
import { buildSmallCnn, prependAffine } from '../deep/networks.ts';
import { trainAdapted, type AdaptEpochRecord, type AdaptMethod, type DomainData, type LabelledDomainData, type TrainAdaptedResult } from '../deep/train-adapted.ts';
import { loadBase, sharedFeatures } from '../features.ts';
import { domainMeasures, scoreSummary, type DomainMeasures, type ScoreSummary } from '../scores.ts';
import { validateCandidates, type ValidatorName } from '../validators.ts';
import { fitView } from '../views.ts';

/**
 * Training knobs of the deep methods.
 *
 * @example
 * ```ts
 * const o: DeepAdaptOptions = { epochs: 20, lambda: 1, batchSize: 32, lr: 1e-3 };
 * ```
 */
export interface DeepAdaptOptions {
  /** Passes over the largest source domain. Default: enough for about 1,500 optimiser steps, between 5 and 50. */
  epochs?: number;
  /** Weight of the alignment loss; for DANN the final gradient-reversal scale. Default: the method's `defaultLambda` (`DEEP_LAMBDA_DEFAULTS`). */
  lambda?: number;
  /** Rows drawn from each domain per step. Default 32. */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3, or 1e-4 when fine-tuning a base model. */
  lr?: number;
  /** Text / tabular: hidden layer sizes of the MLP. Default `[64]`. */
  hidden?: number[];
  /** Text / tabular: dropout after each hidden layer. Default 0.2. */
  dropout?: number;
}

/**
 * What the deep methods report beyond scores: the network and its training.
 *
 * @example
 * ```ts
 * const d: DeepReport = r.deep!; // r = await adapt({ …, method: 'dann' })
 * console.log(d.network, d.history.at(-1)?.domainAccuracy);
 * ```
 */
export interface DeepReport {
  /** The network, in words. */
  network: string;
  /** The layer whose output is aligned (and measured). */
  featureLayer: string;
  epochs: number;
  stepsPerEpoch: number;
  batchSize: number;
  lr: number;
  lambda: number;
  /** Source batches drawn with the classes in equal shares (`classWeights: 'balanced'`). */
  classBalanced: boolean;
  /** The domains of every step: sources, then the target. */
  domains: string[];
  /** The adapted network, per epoch. */
  history: AdaptEpochRecord[];
  /** The source-only (ERM) network, per epoch. */
  baselineHistory: AdaptEpochRecord[];
}

/**
 * Data and settings of a deep method (all datasets already on the source classes).
 *
 * @example
 * ```ts
 * const input: DeepRunInput = { method: 'dann', classes, sources: [source], target, seed: 0, viewDims: 100, options: {}, classBalanced: true, labelledWeight: 5 };
 * ```
 */
export interface DeepRunInput<M extends string = string> {
  method: M;
  classes: string[];
  /** Labelled source domains (every row labelled). */
  sources: Dataset[];
  /** The target domain; its labels are not read. */
  target: Dataset;
  /** A few labelled target rows: appended to the first source domain, each `labelledWeight` times. */
  labelled?: Dataset;
  /** Labelled data to score on. */
  test?: Dataset;
  /** Labelled source rows held out from training (`auto`): the outcome carries both networks' class probabilities on them, for DEV. */
  probe?: Dataset;
  /** Base model reference (images only). */
  base?: string;
  baseImage?: ImageSize;
  text?: TextVectorizerOptions;
  viewDims: number;
  seed: number;
  options: DeepAdaptOptions;
  classBalanced: boolean;
  labelledWeight: number;
  say?: (message: string) => void;
}

/**
 * What a deep method produced. `model` takes the raw features of `spec`; call `dispose()` when
 * done with it.
 *
 * @example
 * ```ts
 * const out = await trainDeepMethod(input, { alignment: 'dann', defaultLambda: 1 });
 * try { await saveModel(out.model, dir, { classes, features: out.spec }); } finally { out.dispose(); }
 * ```
 */
export interface DeepRunOutcome<M extends string = string> {
  model: tf.LayersModel;
  spec: FeatureSpec;
  kind: Dataset['features']['kind'];
  features: { space: string; dims: number; view: string; viewDims: number };
  /** The ERM network on `test`. */
  before?: ScoreSummary;
  /** The adapted network on `test`. */
  after?: ScoreSummary;
  /** Both networks' class probabilities (n × k, row-major) on the target and on `probe` (when given): what `auto`'s validators read. */
  probs: { erm: { target: Float32Array; probe?: Float32Array }; adapted: { target: Float32Array; probe?: Float32Array } };
  /** `erm` and the method, with their validator scores on the target predictions. */
  candidates: Array<{ method: 'erm' | M; seconds: number; scores: Partial<Record<ValidatorName, number>>; test?: ScoreSummary }>;
  domain: { before: DomainMeasures; after: DomainMeasures; note: string };
  deep: DeepReport;
  dispose(): void;
}

/**
 * How a deep method aligns the domains: the objective {@link trainAdapted} trains with, and the
 * default weight of its alignment loss.
 *
 * @example
 * ```ts
 * const a: DeepAlignment = { alignment: 'mmd', defaultLambda: 1 };
 * ```
 */
export interface DeepAlignment {
  alignment: Exclude<AdaptMethod, 'erm' | 'none'>;
  defaultLambda: number;
}

/**
 * Why no deep method applies, or `true`: a base model is only used for images.
 *
 * @example
 * ```ts
 * deepApplies({ kind: 'text', base: 'fashion-cnn' }); // 'a base model is only used for images, …'
 * ```
 */
export function deepApplies(ctx: { kind: Dataset['features']['kind']; base?: string }): true | string {
  if (ctx.base && ctx.kind !== 'image') return `a base model (${ctx.base}) is only used for images, but the data are ${ctx.kind}; drop it: text and tabular data get an MLP on the shared features`;
  return true;
}

/**
 * The options every deep method reads (for DANN, `deep.lambda` is the final gradient-reversal scale).
 *
 * @example
 * ```ts
 * options: DEEP_OPTIONS,
 * ```
 */
export const DEEP_OPTIONS = [
  { field: 'deep.epochs', help: 'passes over the largest source domain (default: about 1,500 steps, 5 to 50 epochs)' },
  { field: 'deep.lambda', help: 'weight of the alignment loss; for dann the final gradient-reversal scale (default: defaultLambda, 1)' },
  { field: 'deep.batchSize', help: 'rows drawn from each domain per step (default 32)' },
  { field: 'deep.lr', help: 'Adam learning rate (default 1e-3; 1e-4 when fine-tuning a base model)' },
  { field: 'deep.hidden', help: 'text / tables: hidden layer sizes of the MLP (default 64)' },
  { field: 'deep.dropout', help: 'text / tables: dropout after each hidden layer (default 0.2)' },
  { field: 'classWeights', help: 'balanced (default): class-balanced source batches; none: rows drawn uniformly' },
  { field: 'labelledWeight', help: 'times each labelled target example joins the source rows (default 5)' },
  { field: 'viewDims', help: 'text / tables: dimensions of the view the MLP takes (default 100)' },
  { field: 'text', help: 'text: vectorizer options of the shared features' },
] as const;

interface Network {
  model: tf.LayersModel;
  featureLayer: string;
  dispose(): void;
}

interface Saveable {
  model: tf.LayersModel;
  dispose(): void;
}

/** The model inputs per domain, the network factory and the saveable form of a trained network. */
interface DeepInputs {
  spec: FeatureSpec;
  sources: LabelledDomainData[];
  target: DomainData;
  test?: LabelledDomainData;
  probe?: LabelledDomainData;
  labelled?: LabelledDomainData;
  features: DeepRunOutcome['features'];
  /** The network, in words. */
  network: string;
  makeNetwork(): Promise<Network>;
  toSaveable(net: Network): Saveable;
}

/** The numbers every step of both trainings uses. */
interface TrainingPlan {
  epochs: number;
  stepsPerEpoch: number;
  batchSize: number;
  lr: number;
  lambda: number;
}

interface Trained {
  net: Network;
  res: TrainAdaptedResult;
  seconds: number;
}

/**
 * Trains the ERM network and the adapted network from the same initial weights, scores both,
 * and measures the domains in their learned features (see the module comment for the networks).
 *
 * @throws TransferkitError whatever {@link trainAdapted} throws.
 * @example
 * ```ts
 * const out = await trainDeepMethod({ method: 'deep-coral', classes, sources: [s], target: t, test, seed: 0, viewDims: 100, options: { epochs: 10 }, classBalanced: true, labelledWeight: 5 }, { alignment: 'deep-coral', defaultLambda: 1 });
 * console.log(out.before?.accuracy, '→', out.after?.accuracy);
 * out.dispose();
 * ```
 */
export async function trainDeepMethod<M extends string>(input: DeepRunInput<M>, how: DeepAlignment): Promise<DeepRunOutcome<M>> {
  const say = input.say ?? (() => {});
  const k = input.classes.length;
  // seededInit derives per-layer seeds as seed·1000 + i, and tf initialisers treat a seed of 0 as
  // "unseeded": start from 1 so every layer's initial weights are fixed
  const initSeed = input.seed + 1;
  const inputs = input.sources[0].features.kind === 'image' ? imageInputs(input, k, initSeed) : await viewInputs(input, k, initSeed, say);
  if (inputs.labelled) inputs.sources[0] = appendRepeated(inputs.sources[0], inputs.labelled, input.labelledWeight);
  const plan = trainingPlan(input, inputs.sources, how.defaultLambda);

  say(`erm (source only, the "before"): ${inputs.network}, ${plan.epochs} epochs of ${plan.stepsPerEpoch} steps`);
  const erm = await trainNetwork(input, inputs, plan, 'erm', 'erm', say);
  let adapted: Trained;
  try {
    say(`${input.method}: λ ${plan.lambda}, lr ${plan.lr}, batch ${plan.batchSize} per domain`);
    adapted = await trainNetwork(input, inputs, plan, input.method, how.alignment, say);
  } catch (err) {
    erm.net.dispose();
    throw err;
  }
  return assessPair(input, inputs, plan, erm, adapted, say);
}

/** Epochs, steps, batch size, learning rate and λ, from the options and their defaults. */
function trainingPlan(input: DeepRunInput, sources: LabelledDomainData[], defaultLambda: number): TrainingPlan {
  const o = input.options;
  const batchSize = o.batchSize ?? 32;
  const largest = Math.max(...sources.map((s) => s.shape[0]));
  const stepsPerEpoch = Math.ceil(largest / batchSize);
  const epochs = o.epochs ?? Math.min(50, Math.max(5, Math.ceil(1500 / stepsPerEpoch)));
  return { epochs, stepsPerEpoch, batchSize, lr: o.lr ?? (input.base ? 1e-4 : 1e-3), lambda: o.lambda ?? defaultLambda };
}

const named = (ds: Dataset, x: Float32Array, shape: number[]): LabelledDomainData => ({ x, shape, y: Int32Array.from(ds.labels), name: ds.domain ?? ds.name });

/** Images: pixels at the base's input size (or the first source's), and the base with a new head or a small CNN. */
function imageInputs(input: DeepRunInput, k: number, initSeed: number): DeepInputs {
  const spec: FeatureSpec = input.base ? { kind: 'image', ...input.baseImage! } : fitFeatures(input.sources[0]);
  const put = (ds: Dataset) => {
    const m = transformFeatures(spec, ds);
    return named(ds, m.x, m.shape);
  };
  const sources = input.sources.map(put);
  const shape = sources[0].shape.slice(1);
  const base = input.base;
  return {
    spec,
    sources,
    target: put(input.target),
    test: input.test ? put(input.test) : undefined,
    probe: input.probe ? put(input.probe) : undefined,
    labelled: input.labelled ? put(input.labelled) : undefined,
    features: { space: `raw pixels (${shape.join('×')})`, dims: shape.reduce((a, b) => a * b, 1), view: 'learned features (see deep.featureLayer)', viewDims: 0 },
    network: base ? `${base} with a new softmax head, fine-tuned end to end (BatchNorm in inference mode)` : `small CNN (conv16-pool-conv32-pool-dense64-softmax) on ${shape.join('×')} images`,
    makeNetwork: base ? () => baseNetwork(base, k, initSeed) : async () => smallCnnNetwork(shape, k, initSeed),
    toSaveable: (net) => ({ model: net.model, dispose: () => net.dispose() }),
  };
}

/** A fresh copy of the base model with a new softmax `adapt_head`, BatchNorm kept in inference mode. */
async function baseNetwork(ref: string, k: number, initSeed: number): Promise<Network> {
  const loaded = await loadBase(ref);
  const model = replaceHead(loaded.model, k, { headName: 'adapt_head', seed: initSeed });
  keepBatchNormInInference(model);
  // the new model shares the base's layers: free the new layers, then the base
  const own = new Set(loaded.model.layers);
  const dispose = () => {
    for (const layer of model.layers) if (!own.has(layer)) layer.dispose();
    loaded.model.dispose();
  };
  return { model, featureLayer: headInputLayer(model, 'adapt_head'), dispose };
}

function smallCnnNetwork(shape: number[], k: number, initSeed: number): Network {
  const model = buildSmallCnn(shape, k, initSeed);
  return { model, featureLayer: 'features', dispose: () => model.dispose() };
}

/** Text and tables: the shared features' standardised view, and an MLP on it (the view folded in front when saved). */
async function viewInputs(input: DeepRunInput, k: number, initSeed: number, say: (m: string) => void): Promise<DeepInputs> {
  const pooled = input.sources.length === 1 ? input.sources[0] : poolAll(input.sources);
  const shared = await sharedFeatures(pooled, input.target, { text: input.text });
  const view = fitView(shared.source, shared.target, { maxDims: input.viewDims, seed: input.seed });
  say(`view: ${view.description}`);
  const m = view.m;
  const Zs = Float32Array.from(view.apply(shared.source));
  let offset = 0;
  const sources = input.sources.map((ds) => {
    const part = Zs.subarray(offset * m, (offset + ds.size) * m);
    offset += ds.size;
    return named(ds, part, [ds.size, m]);
  });
  const put = (ds: Dataset) => named(ds, Float32Array.from(view.apply(shared.transform(ds))), [ds.size, m]);
  const target = { x: Float32Array.from(view.apply(shared.target)), shape: [input.target.size, m], name: input.target.domain ?? input.target.name };
  const test = input.test ? put(input.test) : undefined;
  const probe = input.probe ? put(input.probe) : undefined;
  const labelled = input.labelled ? put(input.labelled) : undefined;
  const hidden = input.options.hidden ?? [64];
  const dropout = input.options.dropout ?? 0.2;
  return {
    spec: shared.spec,
    sources,
    target,
    test,
    probe,
    labelled,
    features: { space: shared.description, dims: shared.dims, view: view.description, viewDims: m },
    network: `MLP ${m}-${hidden.join('-')}-${k} (ReLU, dropout ${dropout}) on the view`,
    makeNetwork: async () => {
      const model = buildMlp(m, k, { hidden, dropout, seed: initSeed });
      return { model, featureLayer: `dense${hidden.length}`, dispose: () => model.dispose() };
    },
    toSaveable: (net) => {
      const model = prependAffine(net.model, view.A, view.a, view.d);
      net.dispose();
      return { model, dispose: () => model.dispose() };
    },
  };
}

/** A fresh network trained with `alignment` (`erm`: none); progress is reported about five times, as `label`. */
async function trainNetwork(input: DeepRunInput, inputs: DeepInputs, plan: TrainingPlan, label: string, alignment: AdaptMethod, say: (m: string) => void): Promise<Trained> {
  const t0 = performance.now();
  const net = await inputs.makeNetwork();
  const { epochs } = plan;
  try {
    const res = await trainAdapted({
      model: net.model,
      featureLayer: net.featureLayer,
      source: inputs.sources,
      targets: [inputs.target],
      method: alignment,
      lambda: plan.lambda,
      epochs,
      batchSize: plan.batchSize,
      lr: plan.lr,
      seed: input.seed,
      classBalanced: input.classBalanced,
      onEpoch: (r) => {
        if (r.epoch === epochs || r.epoch % Math.max(1, Math.ceil(epochs / 5)) === 0) {
          say(`${label} epoch ${r.epoch}/${epochs}: class loss ${r.classLoss.toFixed(4)}, ${label === 'erm' ? '' : `align ${r.alignLoss.toFixed(4)}, `}source accuracy ${r.accuracy.toFixed(3)}${r.domainAccuracy === undefined ? '' : `, domain accuracy ${r.domainAccuracy.toFixed(3)}`}`);
        }
      },
    });
    return { net, res, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    net.dispose();
    throw err;
  }
}

/** A network's target probabilities, its scores on the test data, and the domain measures in its learned features. */
function assessNetwork(net: Network, pooledSource: DomainData, inputs: DeepInputs, input: DeepRunInput) {
  const { target, test, probe } = inputs;
  const targetProbs = predictProbs(net.model, target);
  const probeProbs = probe ? predictProbs(net.model, probe) : undefined;
  const cut = cutAt(net.model, net.featureLayer);
  const fs = forward(cut, pooledSource);
  const ft = forward(cut, target);
  const d = fs.x.length / fs.shape[0];
  const view = fitView(denseRows(fs.x, fs.shape[0], d), denseRows(ft.x, ft.shape[0], d), { maxDims: 100, seed: input.seed });
  return {
    targetProbs,
    probeProbs,
    test: test ? scoreSummary(test.y, predictProbs(net.model, test), input.classes) : undefined,
    domain: domainMeasures(view.apply(denseRows(fs.x, fs.shape[0], d)), view.apply(denseRows(ft.x, ft.shape[0], d)), view.m, input.seed),
  };
}

/** Scores, validators and domain measures of both networks; frees the ERM network and keeps the adapted one in saveable form. */
function assessPair<M extends string>(input: DeepRunInput<M>, inputs: DeepInputs, plan: TrainingPlan, erm: Trained, adapted: Trained, say: (m: string) => void): DeepRunOutcome<M> {
  const pooledSource: DomainData = inputs.sources.length === 1 ? inputs.sources[0] : concatDomains(inputs.sources);
  let before: ReturnType<typeof assessNetwork>;
  let after: ReturnType<typeof assessNetwork>;
  let saveable: Saveable;
  try {
    say('scores and domain measures in the learned features…');
    before = assessNetwork(erm.net, pooledSource, inputs, input);
    after = assessNetwork(adapted.net, pooledSource, inputs, input);
    saveable = inputs.toSaveable(adapted.net);
  } catch (err) {
    adapted.net.dispose();
    throw err;
  } finally {
    erm.net.dispose();
  }
  const k = input.classes.length;
  const evidence = [
    { name: 'erm', k, targetProbs: before.targetProbs },
    { name: input.method, k, targetProbs: after.targetProbs },
  ];
  const validators = validateCandidates(evidence, { seed: input.seed, validators: ['entropy', 'im', 'snd'] });
  const scoresOf = (name: string) => Object.fromEntries(validators.map((v) => [v.validator, v.scores[name]])) as Partial<Record<ValidatorName, number>>;
  return {
    model: saveable.model,
    spec: inputs.spec,
    kind: input.sources[0].features.kind,
    features: inputs.features,
    before: before.test,
    after: after.test,
    probs: { erm: { target: before.targetProbs, probe: before.probeProbs }, adapted: { target: after.targetProbs, probe: after.probeProbs } },
    candidates: [
      { method: 'erm', seconds: erm.seconds, scores: scoresOf('erm'), test: before.test },
      { method: input.method, seconds: adapted.seconds, scores: scoresOf(input.method), test: after.test },
    ],
    domain: {
      before: before.domain,
      after: after.domain,
      note: `learned features at ${adapted.net.featureLayer}, standardised on source + target: before = the source-only (ERM) network, after = the ${input.method} network`,
    },
    deep: {
      network: inputs.network,
      featureLayer: adapted.net.featureLayer,
      epochs: plan.epochs,
      stepsPerEpoch: plan.stepsPerEpoch,
      batchSize: plan.batchSize,
      lr: plan.lr,
      lambda: plan.lambda,
      classBalanced: input.classBalanced,
      domains: adapted.res.domains,
      history: adapted.res.history,
      baselineHistory: erm.res.history,
    },
    dispose: () => saveable.dispose(),
  };
}

/** The layer feeding `headName`, stepping back over Dropout layers (whose output is noise in training). */
function headInputLayer(model: tf.LayersModel, headName: string): string {
  let layer = model.getLayer(headName).inboundNodes[0].inboundLayers[0];
  while (layer.getClassName() === 'Dropout') layer = layer.inboundNodes[0].inboundLayers[0];
  return layer.name;
}

function appendRepeated(d: LabelledDomainData, extra: LabelledDomainData, times: number): LabelledDomainData {
  const r = Math.max(1, Math.round(times));
  const per = d.x.length / d.shape[0];
  const n = d.shape[0] + r * extra.shape[0];
  const x = new Float32Array(n * per);
  const y = new Int32Array(n);
  x.set(d.x);
  y.set(d.y);
  for (let i = 0; i < r; i++) {
    const at = d.shape[0] + i * extra.shape[0];
    x.set(extra.x, at * per);
    y.set(extra.y, at);
  }
  return { ...d, x, y, shape: [n, ...d.shape.slice(1)] };
}

function concatDomains(ds: DomainData[]): DomainData {
  const n = ds.reduce((a, d) => a + d.shape[0], 0);
  const x = new Float32Array(ds.reduce((a, d) => a + d.x.length, 0));
  let at = 0;
  for (const d of ds) {
    x.set(d.x, at);
    at += d.x.length;
  }
  return { x, shape: [n, ...ds[0].shape.slice(1)] };
}

/** Text and tabular sources pooled into one dataset for fitting the shared features. */
function poolAll(ds: Dataset[]): Dataset {
  let pooled = ds[0];
  for (const d of ds.slice(1)) pooled = concatTwo(pooled, d);
  return pooled;
}

function concatTwo(a: Dataset, b: Dataset): Dataset {
  const labels = new Int32Array(a.size + b.size);
  labels.set(a.labels);
  labels.set(b.labels, a.size);
  const fa = a.features;
  const fb = b.features;
  const name = `${a.name}+${b.name}`;
  if (fa.kind === 'text' && fb.kind === 'text') return { name, size: a.size + b.size, labels, classes: a.classes, features: { kind: 'text', texts: [...fa.texts, ...fb.texts] } };
  if (fa.kind === 'tabular' && fb.kind === 'tabular') {
    const columns = fa.columns.map((c) => {
      const other = fb.columns.find((x) => x.name === c.name);
      if (!other || other.type !== c.type) {
        throw new TransferkitError('MISSING_COLUMN', `Source ${b.name} has no ${c.type} column "${c.name}" (source ${a.name} has)`, { where: b.name, hint: 'Every source domain needs the same columns.' });
      }
      if (c.type === 'numeric') {
        const values = new Float64Array(a.size + b.size);
        values.set(c.values);
        values.set(other.values as Float64Array, a.size);
        return { ...c, values };
      }
      return { ...c, values: [...c.values, ...(other.values as string[])] };
    });
    return { name, size: a.size + b.size, labels, classes: a.classes, features: { kind: 'tabular', columns } as Dataset['features'] };
  }
  if (fa.kind === 'image' && fb.kind === 'image') {
    if (fa.height !== fb.height || fa.width !== fb.width || fa.channels !== fb.channels) {
      throw new TransferkitError('SHAPE_MISMATCH', `Source ${b.name} has ${fb.height}×${fb.width}×${fb.channels} images, source ${a.name} ${fa.height}×${fa.width}×${fa.channels}`, {
        where: b.name,
        hint: 'Every source domain needs images of one size (or pass `base`: images are then loaded at its input size).',
      });
    }
    const pixels = new Float32Array(fa.pixels.length + fb.pixels.length);
    pixels.set(fa.pixels);
    pixels.set(fb.pixels, fa.pixels.length);
    return { name, size: a.size + b.size, labels, classes: a.classes, features: { ...fa, pixels } };
  }
  throw new TransferkitError('KIND_MISMATCH', `Source ${a.name} holds ${fa.kind} data but source ${b.name} holds ${fb.kind} data`, { where: b.name, hint: 'All source domains must be the same kind of data.' });
}

/**
 * Pools several labelled source datasets (same kind, same classes) into one, keeping their
 * order: texts are joined, tables matched by column name, images must share one size.
 *
 * @throws TransferkitError `KIND_MISMATCH`, `MISSING_COLUMN`, `SHAPE_MISMATCH`.
 * @example
 * ```ts
 * const pooled = poolSources([spam2002, hardHam]);
 * ```
 */
export function poolSources(ds: Dataset[]): Dataset {
  if (ds.length === 0) throw new TransferkitError('BAD_OPTION', 'No source data');
  return poolAll(ds);
}
