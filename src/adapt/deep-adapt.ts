/**
 * The deep methods of `adapt` (Deep CORAL, MMD, DANN): a network trained end to end with
 * {@link trainAdapted} on labelled source rows and unlabelled target rows, next to the same
 * network trained on the source alone (ERM) as the fair "before".
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
import type { Dataset } from '../data/dataset.ts';
import { fitFeatures, transformFeatures, type FeatureSpec } from '../data/features.ts';
import type { ImageSize } from '../data/images.ts';
import type { TextVectorizerOptions } from '../data/text-features.ts';
import { TransferkitError } from '../errors.ts';
import { buildMlp } from '../models/architectures.ts';
import { cutAt, keepBatchNormInInference, replaceHead } from '../models/surgery.ts';
import { forward } from '../transfer/strategies.ts';
import { predictProbs } from '../models/predict-probs.ts';
import { buildSmallCnn, prependAffine } from './deep/networks.ts';
import { trainAdapted, type AdaptEpochRecord, type DomainData, type LabelledDomainData } from './deep/train-adapted.ts';
import { loadBase, sharedFeatures } from './features.ts';
import { denseRows } from './rows.ts';
import { domainMeasures, scoreSummary, type DomainMeasures, type ScoreSummary } from './scores.ts';
import { validateCandidates, type ValidatorName } from './validators.ts';
import { fitView } from './views.ts';

/**
 * The deep methods `adapt` runs.
 *
 * @example
 * ```ts
 * const m: DeepMethod = 'dann';
 * ```
 */
export type DeepMethod = 'deep-coral' | 'mmd' | 'dann';

/**
 * Every {@link DeepMethod}.
 *
 * @example
 * ```ts
 * DEEP_METHODS.includes('mmd'); // true
 * ```
 */
export const DEEP_METHODS: readonly DeepMethod[] = Object.freeze(['deep-coral', 'mmd', 'dann']);

/**
 * Default weight of the alignment loss per method (for DANN: the final gradient-reversal scale,
 * reached through DANN's ramp).
 *
 * @example
 * ```ts
 * DEEP_LAMBDA_DEFAULTS.dann; // 1
 * ```
 */
export const DEEP_LAMBDA_DEFAULTS: Readonly<Record<DeepMethod, number>> = Object.freeze({ 'deep-coral': 1, mmd: 1, dann: 1 });

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
  /** Weight of the alignment loss; for DANN the final gradient-reversal scale. Default {@link DEEP_LAMBDA_DEFAULTS}. */
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
 * Data and settings of {@link runDeep} (all datasets already on the source classes).
 *
 * @example
 * ```ts
 * const input: DeepAdaptInput = { method: 'dann', classes, sources: [source], target, seed: 0, viewDims: 100, options: {}, classBalanced: true, labelledWeight: 5 };
 * ```
 */
export interface DeepAdaptInput {
  method: DeepMethod;
  classes: string[];
  /** Labelled source domains (every row labelled). */
  sources: Dataset[];
  /** The target domain; its labels are not read. */
  target: Dataset;
  /** A few labelled target rows: appended to the first source domain, each `labelledWeight` times. */
  labelled?: Dataset;
  /** Labelled data to score on. */
  test?: Dataset;
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
 * What {@link runDeep} produced. `model` takes the raw features of `spec`; call `dispose()`
 * when done with it.
 *
 * @example
 * ```ts
 * const out = await runDeep(input);
 * try { await saveModel(out.model, dir, { classes, features: out.spec }); } finally { out.dispose(); }
 * ```
 */
export interface DeepAdaptOutcome {
  model: tf.LayersModel;
  spec: FeatureSpec;
  kind: Dataset['features']['kind'];
  features: { space: string; dims: number; view: string; viewDims: number };
  /** The ERM network on `test`. */
  before?: ScoreSummary;
  /** The adapted network on `test`. */
  after?: ScoreSummary;
  /** `erm` and the method, with their validator scores on the target predictions. */
  candidates: Array<{ method: 'erm' | DeepMethod; seconds: number; scores: Partial<Record<ValidatorName, number>>; test?: ScoreSummary }>;
  domain: { before: DomainMeasures; after: DomainMeasures; note: string };
  deep: DeepReport;
  dispose(): void;
}

interface Network {
  model: tf.LayersModel;
  featureLayer: string;
  dispose(): void;
}

/**
 * Trains the ERM network and the adapted network, scores both, and measures the domains in
 * their learned features (see the module comment for the networks).
 *
 * @throws TransferkitError `BAD_OPTION` (a base model with non-image data, bad numbers), and
 *   whatever {@link trainAdapted} throws.
 * @example
 * ```ts
 * const out = await runDeep({ method: 'deep-coral', classes, sources: [s], target: t, test, seed: 0, viewDims: 100, options: { epochs: 10 }, classBalanced: true, labelledWeight: 5 });
 * console.log(out.before?.accuracy, '→', out.after?.accuracy);
 * out.dispose();
 * ```
 */
export async function runDeep(input: DeepAdaptInput): Promise<DeepAdaptOutcome> {
  const say = input.say ?? (() => {});
  const k = input.classes.length;
  const kind = input.sources[0].features.kind;
  const o = input.options;
  const batchSize = o.batchSize ?? 32;
  const lambda = o.lambda ?? DEEP_LAMBDA_DEFAULTS[input.method];
  if (input.base && kind !== 'image') {
    throw new TransferkitError('BAD_OPTION', `A base model is only used for images, but the data are ${kind}`, { where: input.base, hint: 'Drop --base: text and tabular data get an MLP on the shared features.' });
  }
  const lr = o.lr ?? (input.base ? 1e-4 : 1e-3);
  // seededInit derives per-layer seeds as seed·1000 + i, and tf initialisers treat a seed of 0 as
  // "unseeded": start from 1 so every layer's initial weights are fixed
  const initSeed = input.seed + 1;

  // ---- model inputs per domain, the network factory and the saveable form of a trained network
  let spec: FeatureSpec;
  let sources: LabelledDomainData[];
  let target: DomainData;
  let test: LabelledDomainData | undefined;
  let labelled: LabelledDomainData | undefined;
  let features: DeepAdaptOutcome['features'];
  let network: string;
  let makeNetwork: () => Promise<Network>;
  let toSaveable: (net: Network) => { model: tf.LayersModel; dispose(): void };

  const named = (ds: Dataset, x: Float32Array, shape: number[]): LabelledDomainData => ({ x, shape, y: Int32Array.from(ds.labels), name: ds.domain ?? ds.name });
  if (kind === 'image') {
    spec = input.base ? { kind: 'image', ...input.baseImage! } : fitFeatures(input.sources[0]);
    const put = (ds: Dataset) => {
      const m = transformFeatures(spec, ds);
      return named(ds, m.x, m.shape);
    };
    sources = input.sources.map(put);
    target = put(input.target);
    test = input.test ? put(input.test) : undefined;
    labelled = input.labelled ? put(input.labelled) : undefined;
    const shape = sources[0].shape.slice(1);
    if (input.base) {
      const ref = input.base;
      network = `${ref} with a new softmax head, fine-tuned end to end (BatchNorm in inference mode)`;
      makeNetwork = async () => {
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
      };
    } else {
      network = `small CNN (conv16-pool-conv32-pool-dense64-softmax) on ${shape.join('×')} images`;
      makeNetwork = async () => {
        const model = buildSmallCnn(shape, k, initSeed);
        return { model, featureLayer: 'features', dispose: () => model.dispose() };
      };
    }
    toSaveable = (net) => ({ model: net.model, dispose: () => net.dispose() });
    features = { space: `raw pixels (${shape.join('×')})`, dims: shape.reduce((a, b) => a * b, 1), view: 'learned features (see deep.featureLayer)', viewDims: 0 };
  } else {
    const pooled = input.sources.length === 1 ? input.sources[0] : poolAll(input.sources);
    const shared = await sharedFeatures(pooled, input.target, { text: input.text });
    spec = shared.spec;
    const view = fitView(shared.source, shared.target, { maxDims: input.viewDims, seed: input.seed });
    say(`view: ${view.description}`);
    const m = view.m;
    const Zs = Float32Array.from(view.apply(shared.source));
    let offset = 0;
    sources = input.sources.map((ds) => {
      const part = Zs.subarray(offset * m, (offset + ds.size) * m);
      offset += ds.size;
      return named(ds, part, [ds.size, m]);
    });
    const put = (ds: Dataset) => named(ds, Float32Array.from(view.apply(shared.transform(ds))), [ds.size, m]);
    target = { x: Float32Array.from(view.apply(shared.target)), shape: [input.target.size, m], name: input.target.domain ?? input.target.name };
    test = input.test ? put(input.test) : undefined;
    labelled = input.labelled ? put(input.labelled) : undefined;
    const hidden = o.hidden ?? [64];
    const dropout = o.dropout ?? 0.2;
    network = `MLP ${m}-${hidden.join('-')}-${k} (ReLU, dropout ${dropout}) on the view`;
    makeNetwork = async () => {
      const model = buildMlp(m, k, { hidden, dropout, seed: initSeed });
      return { model, featureLayer: `dense${hidden.length}`, dispose: () => model.dispose() };
    };
    toSaveable = (net) => {
      const model = prependAffine(net.model, view.A, view.a, view.d);
      net.dispose();
      return { model, dispose: () => model.dispose() };
    };
    features = { space: shared.description, dims: shared.dims, view: view.description, viewDims: m };
  }
  if (labelled) sources[0] = appendRepeated(sources[0], labelled, input.labelledWeight);

  const largest = Math.max(...sources.map((s) => s.shape[0]));
  const stepsPerEpoch = Math.ceil(largest / batchSize);
  const epochs = o.epochs ?? Math.min(50, Math.max(5, Math.ceil(1500 / stepsPerEpoch)));

  // ---- train ERM and the method from the same initial weights
  const train = async (method: 'erm' | DeepMethod) => {
    const t0 = performance.now();
    const net = await makeNetwork();
    try {
      const res = await trainAdapted({
        model: net.model,
        featureLayer: net.featureLayer,
        source: sources,
        targets: [target],
        method,
        lambda,
        epochs,
        batchSize,
        lr,
        seed: input.seed,
        classBalanced: input.classBalanced,
        onEpoch: (r) => {
          if (r.epoch === epochs || r.epoch % Math.max(1, Math.ceil(epochs / 5)) === 0) {
            say(`${method} epoch ${r.epoch}/${epochs}: class loss ${r.classLoss.toFixed(4)}, ${method === 'erm' ? '' : `align ${r.alignLoss.toFixed(4)}, `}source accuracy ${r.accuracy.toFixed(3)}${r.domainAccuracy === undefined ? '' : `, domain accuracy ${r.domainAccuracy.toFixed(3)}`}`);
          }
        },
      });
      return { net, res, seconds: (performance.now() - t0) / 1000 };
    } catch (err) {
      net.dispose();
      throw err;
    }
  };
  say(`erm (source only, the "before"): ${network}, ${epochs} epochs of ${stepsPerEpoch} steps`);
  const erm = await train('erm');
  let adapted: Awaited<ReturnType<typeof train>>;
  try {
    say(`${input.method}: λ ${lambda}, lr ${lr}, batch ${batchSize} per domain`);
    adapted = await train(input.method);
  } catch (err) {
    erm.net.dispose();
    throw err;
  }

  // ---- scores, validators, domain measures in the learned features
  const pooledSource: DomainData = sources.length === 1 ? sources[0] : concatDomains(sources);
  const look = (net: Network) => {
    const targetProbs = predictProbs(net.model, target);
    const cut = cutAt(net.model, net.featureLayer);
    const fs = forward(cut, pooledSource);
    const ft = forward(cut, target);
    const d = fs.x.length / fs.shape[0];
    const view = fitView(denseRows(fs.x, fs.shape[0], d), denseRows(ft.x, ft.shape[0], d), { maxDims: 100, seed: input.seed });
    return {
      targetProbs,
      test: test ? scoreSummary(test.y, predictProbs(net.model, test), input.classes) : undefined,
      domain: domainMeasures(view.apply(denseRows(fs.x, fs.shape[0], d)), view.apply(denseRows(ft.x, ft.shape[0], d)), view.m, input.seed),
    };
  };
  let before: ReturnType<typeof look>;
  let after: ReturnType<typeof look>;
  let saveable: { model: tf.LayersModel; dispose(): void };
  try {
    say('scores and domain measures in the learned features…');
    before = look(erm.net);
    after = look(adapted.net);
  } finally {
    erm.net.dispose();
  }
  try {
    saveable = toSaveable(adapted.net);
  } catch (err) {
    adapted.net.dispose();
    throw err;
  }
  const validators = validateCandidates(
    [
      { name: 'erm', k, targetProbs: before.targetProbs },
      { name: input.method, k, targetProbs: after.targetProbs },
    ],
    { seed: input.seed, validators: ['entropy', 'im', 'snd'] },
  );
  const scoresOf = (name: string) => Object.fromEntries(validators.map((v) => [v.validator, v.scores[name]])) as Partial<Record<ValidatorName, number>>;
  return {
    model: saveable.model,
    spec,
    kind,
    features,
    before: before.test,
    after: after.test,
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
      network,
      featureLayer: adapted.net.featureLayer,
      epochs,
      stepsPerEpoch,
      batchSize,
      lr,
      lambda,
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
        hint: 'Every source domain needs images of one size (or pass --base: images are then loaded at its input size).',
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
