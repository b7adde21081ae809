/**
 * Deep domain adaptation and domain generalisation: one training loop for ERM, Deep CORAL,
 * DAN-style MMD and DANN over a feature extractor + classifier head, with labelled source
 * domains and (optionally) unlabelled target domains.
 *
 * Every step draws `batchSize` rows from *each* domain, runs the model once on the
 * concatenated batch (so BatchNorm sees all domains together, as DomainBed does), and
 * minimises
 *
 *     cross-entropy(source rows) + λ · alignment(features of the domains)
 *
 * with Adam, where alignment is
 * - `erm` (alias `none`): nothing; the source domains are pooled and targets are not used;
 * - `deep-coral`: Deep CORAL averaged over every pair of domains in the batch
 *   ({@link deepCoralLossPairs});
 * - `mmd`: multi-kernel RBF MMD² averaged over every pair of domains, one bandwidth for the
 *   whole batch ({@link mmdLossPairs});
 * - `dann`: a domain classifier on gradient-reversed features ({@link gradientReversal}) that
 *   predicts which domain each row came from. Here λ is the scale of the reversed gradient,
 *   ramped as λ·(2/(1+exp(−10p)) − 1) with p the fraction of training done (Ganin et al. 2016);
 *   the domain classifier's own loss has weight 1, so it learns at full rate from the start.
 *
 * With several source domains and no target (domain generalisation) the pairs are the source
 * domains, as in DomainBed's CORAL/MMD/DANN; with targets, targets join the pairs.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { seededInit } from '../../models/architectures.ts';
import { cutAt } from '../../models/surgery.ts';
import { weightedCrossEntropy } from '../../transfer/train.ts';
import { outputClasses, predictProbs } from '../../models/predict-probs.ts';
import { createRng, seedMathRandom, type Rng } from '../../util/random.ts';
import { gradientReversal } from './gradient-reversal.ts';
import { deepCoralLossPairs, mmdLossPairs, type MmdLossOptions } from './losses.ts';

/** The alignment methods of {@link trainAdapted}. `none` is an alias of `erm`. */
export type AdaptMethod = 'erm' | 'none' | 'deep-coral' | 'mmd' | 'dann';

/** Every value {@link trainAdapted} accepts for `method`. */
export const ADAPT_METHODS: readonly AdaptMethod[] = Object.freeze(['erm', 'none', 'deep-coral', 'mmd', 'dann']);

/**
 * Unlabelled model inputs of one domain: row-major values and the full shape `[n, ...]`.
 *
 * @example
 * ```ts
 * const target: DomainData = { x: pixels, shape: [500, 28, 28, 1], name: 'rotated-45' };
 * ```
 */
export interface DomainData {
  x: Float32Array;
  shape: number[];
  /** Shown in errors and history. */
  name?: string;
}

/**
 * Labelled model inputs of one domain.
 *
 * @example
 * ```ts
 * const source: LabelledDomainData = { x, shape: [n, 2], y, name: 'spam-2002' };
 * ```
 */
export interface LabelledDomainData extends DomainData {
  /** Class index per row. */
  y: Int32Array;
}

/**
 * Options of {@link trainAdapted}.
 *
 * @example
 * ```ts
 * const opts: TrainAdaptedOptions = {
 *   model, featureLayer: 'dense1', source, targets: [target], method: 'dann',
 *   lambda: 1, epochs: 10, batchSize: 32, lr: 1e-3, seed: 1,
 * };
 * ```
 */
export interface TrainAdaptedOptions {
  /** A softmax classifier, inputs → probabilities; trained in place. */
  model: tf.LayersModel;
  /** Name (or index) of the layer whose output is the feature representation to align. */
  featureLayer: string | number;
  /** One labelled source domain, or several (multi-source / domain generalisation). */
  source: LabelledDomainData | LabelledDomainData[];
  /** Unlabelled target domains (none for domain generalisation). Their labels, if any, are never read. */
  targets?: DomainData[];
  method: AdaptMethod;
  /** Weight of the alignment loss (for `dann`: the final scale of the reversed gradient). Default 1. */
  lambda?: number;
  epochs: number;
  /** Rows drawn from each domain per step. Default 32. */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  lr?: number;
  /** Seeds the batch order, the domain head's initial weights and `Math.random` (dropout) during training. */
  seed: number;
  /**
   * Steps per epoch. Default: ⌈largest source domain / batchSize⌉, i.e. one pass over the
   * largest source domain; smaller domains (and targets) are cycled in reshuffled passes.
   */
  stepsPerEpoch?: number;
  /** Options of the MMD loss (`method: 'mmd'`). */
  mmd?: MmdLossOptions;
  /**
   * Draw every source batch with the classes in equal shares (each class's rows cycled in
   * seeded shuffled passes) instead of uniformly over rows. With an imbalanced source this is
   * the sampling counterpart of balanced class weights, and it keeps the source batch's class
   * mix from dragging the alignment towards the source's label distribution. Default false.
   */
  classBalanced?: boolean;
  /** Hidden ReLU layer sizes of the DANN domain classifier. Default `[64]`. */
  domainHidden?: number[];
  /** `'ramp'` (default) uses DANN's 2/(1+e^(−10p))−1 schedule for λ; `'constant'` uses λ throughout. */
  lambdaSchedule?: 'ramp' | 'constant';
  /** Labelled data evaluated (never trained on) after each epoch, e.g. a target domain with its labels. */
  monitor?: LabelledDomainData;
  /** Called after each epoch. */
  onEpoch?: (record: AdaptEpochRecord) => void | Promise<void>;
  /** Called after each optimiser step with the number of steps done and in all. */
  onStep?: (done: number, total: number) => void;
}

/**
 * One epoch of {@link trainAdapted}; losses and accuracies are means over the epoch's steps.
 *
 * @example
 * ```ts
 * const r: AdaptEpochRecord = { epoch: 1, loss: 0.9, classLoss: 0.7, alignLoss: 0.2, accuracy: 0.8, lambda: 1, seconds: 3.1 };
 * ```
 */
export interface AdaptEpochRecord {
  /** 1-based. */
  epoch: number;
  /** The minimised objective: classLoss + λ·alignLoss (DANN: classLoss + domain loss). */
  loss: number;
  /** Cross-entropy on the source rows. */
  classLoss: number;
  /** CORAL / MMD (averaged over domain pairs) or the DANN domain-classifier cross-entropy; 0 for ERM. */
  alignLoss: number;
  /** Training accuracy on the source rows (dropout on). */
  accuracy: number;
  /** λ at the epoch's last step (DANN: after the ramp). */
  lambda: number;
  /** DANN only: how often the domain classifier named the right domain (chance = 1/#domains). */
  domainAccuracy?: number;
  /** Accuracy on `monitor`, when given. */
  monitorAccuracy?: number;
  /** Wall-clock seconds of the epoch. */
  seconds: number;
}

/**
 * What {@link trainAdapted} did.
 *
 * @example
 * ```ts
 * const { history, steps } = await trainAdapted(opts);
 * ```
 */
export interface TrainAdaptedResult {
  /** The method actually run (`none` is reported as `erm`). */
  method: Exclude<AdaptMethod, 'none'>;
  history: AdaptEpochRecord[];
  /** Optimiser steps taken. */
  steps: number;
  /** Domains seen per step: sources first, then targets (targets only when the method uses them). */
  domains: string[];
}

/**
 * DANN's schedule for the gradient-reversal scale: 2/(1 + exp(−10p)) − 1, rising from 0 at
 * p = 0 to ≈ 1 at p = 1, so the domain classifier is trained before its gradient perturbs the
 * features (Ganin et al. 2016, §5.2.2).
 *
 * @example
 * ```ts
 * dannLambda(0); // 0
 * dannLambda(1); // 0.9999
 * ```
 */
export function dannLambda(progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  return 2 / (1 + Math.exp(-10 * p)) - 1;
}

/**
 * Trains `model` with labelled source domains and unlabelled target domains, aligning the
 * features at `featureLayer` with the chosen method (see the module comment for the objective).
 *
 * Every step runs inside `tf.tidy`; the number of live tensors is the same after every step
 * from the second on (the first creates Adam's moment variables), and the domain head and
 * optimiser are disposed at the end. `Math.random` is seeded for the run, so the same seed and
 * the same initial weights give the same history.
 *
 * @throws TransferkitError `BAD_OPTION` (unknown method, bad numbers), `NEED_TWO_DOMAINS`
 *   (alignment with a single domain), `SHAPE_MISMATCH` (domains with different input shapes),
 *   `BAD_LABEL`, `NOTHING_TO_TRAIN`, `UNKNOWN_LAYER`, `TRAINING_DIVERGED`.
 * @example
 * ```ts
 * const model = buildMlp(2, 2, { hidden: [16, 16], seed: 1 });
 * const { history } = await trainAdapted({
 *   model, featureLayer: 'dense2', source, targets: [target], method: 'dann', epochs: 20, seed: 1,
 * });
 * ```
 */
export async function trainAdapted(opts: TrainAdaptedOptions): Promise<TrainAdaptedResult> {
  const method = normaliseMethod(opts.method);
  const sources = Array.isArray(opts.source) ? opts.source : [opts.source];
  const lambda = opts.lambda ?? 1;
  const batchSize = opts.batchSize ?? 32;
  const lr = opts.lr ?? 1e-3;
  checkNumber(lambda, 'lambda', (v) => v >= 0);
  checkNumber(opts.epochs, 'epochs', (v) => Number.isInteger(v) && v >= 0);
  checkNumber(batchSize, 'batchSize', (v) => Number.isInteger(v) && v >= 2);
  checkNumber(lr, 'lr', (v) => v > 0);
  if (sources.length === 0) throw new TransferkitError('BAD_OPTION', 'trainAdapted needs at least one labelled source domain', { where: 'trainAdapted' });

  const targets = method === 'erm' ? [] : (opts.targets ?? []);
  const domains: DomainData[] = [...sources, ...targets];
  const names = domains.map((d, i) => d.name ?? (i < sources.length ? `source${i + 1}` : `target${i - sources.length + 1}`));
  if (method !== 'erm' && domains.length < 2) {
    throw new TransferkitError('NEED_TWO_DOMAINS', `Method "${method}" aligns domains but got only one (${names[0]})`, {
      where: 'trainAdapted',
      hint: 'Pass unlabelled target data in `targets`, or several labelled source domains, or use method "erm".',
    });
  }
  const inner = domains[0].shape.slice(1);
  const per = inner.reduce((a, b) => a * b, 1);
  domains.forEach((d, i) => {
    if (d.shape.slice(1).join('×') !== inner.join('×') || d.x.length !== d.shape[0] * per) {
      throw new TransferkitError('SHAPE_MISMATCH', `Domain "${names[i]}" has shape [${d.shape.join(', ')}] (${d.x.length} values), expected [n, ${inner.join(', ')}]`, {
        where: 'trainAdapted',
      });
    }
    if (d.shape[0] < 1) throw new TransferkitError('TOO_FEW_EXAMPLES', `Domain "${names[i]}" is empty`, { where: 'trainAdapted' });
  });
  const largest = Math.max(...sources.map((s) => s.shape[0]));
  const stepsPerEpoch = opts.stepsPerEpoch ?? Math.ceil(largest / batchSize);
  checkNumber(stepsPerEpoch, 'stepsPerEpoch', (v) => Number.isInteger(v) && v >= 1);
  const numClasses = outputClasses(opts.model);
  sources.forEach((s, i) => checkLabels(s, numClasses, names[i]));

  const featureModel = cutAt(opts.model, opts.featureLayer);
  const twoHeaded = tf.model({ inputs: opts.model.inputs, outputs: [featureModel.outputs[0], opts.model.outputs[0]], name: `${opts.model.name}_adapt` });
  const featureSize = featureModel.outputs[0].shape.slice(1).reduce((a: number, b) => a * (b ?? 1), 1);
  const vars = opts.model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  if (vars.length === 0) throw new TransferkitError('NOTHING_TO_TRAIN', 'Every layer of the model is frozen', { hint: 'Unfreeze at least the head.' });

  const domainHead = method === 'dann' ? buildDomainHead(featureSize, domains.length, opts.domainHidden ?? [64], opts.seed) : undefined;
  if (domainHead) for (const w of domainHead.trainableWeights) vars.push((w as unknown as { val: tf.Variable }).val);

  const totalSteps = stepsPerEpoch * opts.epochs;
  const samplers: Sampler[] = domains.map((d, i) => {
    const rng = createRng(`${opts.seed}:adapt:domain:${i}`);
    return opts.classBalanced && i < sources.length ? new ClassBalancedSampler((d as LabelledDomainData).y, numClasses, rng) : new DomainSampler(d.shape[0], rng);
  });
  const sizes = domains.map((d) => Math.min(batchSize, d.shape[0]));
  const sourceRows = sizes.slice(0, sources.length).reduce((a, b) => a + b, 0);
  const totalRows = sizes.reduce((a, b) => a + b, 0);
  // per-step constants, built once: sample weights and the DANN domain labels
  const ones = tf.ones([sourceRows]);
  const domainOnes = domainHead ? tf.ones([totalRows]) : undefined;
  const domainOneHot = domainHead
    ? tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(sizes.flatMap((s, i) => new Array<number>(s).fill(i)), 'int32'), domains.length), 'float32'))
    : undefined;

  const optimizer = tf.train.adam(lr);
  const restoreRandom = seedMathRandom(`${opts.seed}:adapt`);
  const history: AdaptEpochRecord[] = [];
  let steps = 0;
  let currentLambda = method === 'dann' && opts.lambdaSchedule !== 'constant' ? 0 : lambda;
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const t0 = performance.now();
      const sums = { loss: 0, classLoss: 0, alignLoss: 0, hits: 0, domainHits: 0 };
      for (let s = 0; s < stepsPerEpoch; s++) {
        if (method === 'dann') currentLambda = opts.lambdaSchedule === 'constant' ? lambda : lambda * dannLambda(steps / Math.max(1, totalSteps));
        const xb = new Float32Array(totalRows * per);
        const yb = new Int32Array(sourceRows);
        let row = 0;
        domains.forEach((d, i) => {
          for (const r of samplers[i].next(sizes[i])) {
            xb.set(d.x.subarray(r * per, (r + 1) * per), row * per);
            if (i < sources.length) yb[row] = (d as LabelledDomainData).y[r];
            row++;
          }
        });
        const stepLambda = currentLambda;
        const values = tf.tidy(() => {
          const xs = tf.tensor(xb, [totalRows, ...inner]);
          const ys = tf.tensor1d(yb, 'int32');
          const oneHot = tf.cast(tf.oneHot(ys, numClasses), 'float32');
          let metrics: tf.Tensor | undefined;
          const cost = optimizer.minimize(() => {
            const [feats, probs] = twoHeaded.apply(xs, { training: true }) as tf.Tensor[];
            const srcProbs = tf.slice(probs, 0, sourceRows);
            const ce = weightedCrossEntropy(srcProbs, oneHot, ones);
            const hits = tf.sum(tf.cast(tf.equal(tf.argMax(srcProbs, 1), ys), 'float32'));
            let align: tf.Scalar = tf.scalar(0);
            let domainHits: tf.Scalar = tf.scalar(0);
            let total: tf.Scalar = ce;
            if (method === 'deep-coral' || method === 'mmd') {
              const flat = tf.reshape(feats, [totalRows, featureSize]);
              align = method === 'mmd' ? mmdLossPairs(flat, sizes, opts.mmd) : deepCoralLossPairs(tf.split(flat, sizes, 0));
              total = tf.add(ce, tf.mul(align, stepLambda)) as tf.Scalar;
            } else if (method === 'dann' && domainHead && domainOneHot) {
              const flat = tf.reshape(feats, [totalRows, featureSize]);
              const domainProbs = domainHead.apply(gradientReversal(flat, stepLambda), { training: true }) as tf.Tensor;
              align = weightedCrossEntropy(domainProbs, domainOneHot, domainOnes!);
              domainHits = tf.sum(tf.cast(tf.equal(tf.argMax(domainProbs, 1), tf.argMax(domainOneHot, 1)), 'float32')) as tf.Scalar;
              total = tf.add(ce, align) as tf.Scalar;
            }
            metrics = tf.keep(tf.stack([ce, align, hits, domainHits]));
            return total;
          }, true, vars) as tf.Scalar;
          const out = [cost.dataSync()[0], ...metrics!.dataSync()];
          metrics!.dispose();
          return out;
        });
        const [loss, ce, align, hits, domainHits] = values;
        if (!Number.isFinite(loss)) {
          throw new TransferkitError('TRAINING_DIVERGED', `The ${method} training loss became ${loss} in epoch ${epoch}`, {
            where: 'trainAdapted',
            hint: 'Lower lr or lambda, or standardise the inputs.',
          });
        }
        sums.loss += loss;
        sums.classLoss += ce;
        sums.alignLoss += align;
        sums.hits += hits;
        sums.domainHits += domainHits;
        steps++;
        opts.onStep?.(steps, totalSteps);
      }
      const record: AdaptEpochRecord = {
        epoch,
        loss: sums.loss / stepsPerEpoch,
        classLoss: sums.classLoss / stepsPerEpoch,
        alignLoss: sums.alignLoss / stepsPerEpoch,
        accuracy: sums.hits / (stepsPerEpoch * sourceRows),
        lambda: currentLambda,
        seconds: 0,
      };
      if (method === 'dann') record.domainAccuracy = sums.domainHits / (stepsPerEpoch * totalRows);
      if (opts.monitor) record.monitorAccuracy = accuracyOf(opts.model, opts.monitor);
      record.seconds = (performance.now() - t0) / 1000;
      history.push(record);
      await opts.onEpoch?.(record);
    }
    return { method, history, steps, domains: names };
  } finally {
    restoreRandom();
    optimizer.dispose();
    ones.dispose();
    domainOneHot?.dispose();
    domainOnes?.dispose();
    domainHead?.dispose();
  }
}

/**
 * Accuracy of a softmax classifier on labelled data (inference mode, in batches).
 *
 * @example
 * ```ts
 * accuracyOf(model, { x, shape: [n, 28, 28, 1], y }); // 0.97
 * ```
 */
export function accuracyOf(model: tf.LayersModel, data: LabelledDomainData): number {
  const probs = predictProbs(model, data);
  const n = data.shape[0];
  const k = probs.length / Math.max(1, n);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let arg = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + arg]) arg = c;
    if (arg === data.y[i]) correct++;
  }
  return n > 0 ? correct / n : NaN;
}

interface Sampler {
  next(count: number): number[];
}

/** Cycles through 0..n−1 in seeded shuffled passes; a batch may span two passes. */
class DomainSampler implements Sampler {
  private order: number[] = [];
  private pos = 0;
  constructor(
    private readonly n: number,
    private readonly rng: Rng,
  ) {}

  next(count: number): number[] {
    const out: number[] = [];
    while (out.length < count) {
      if (this.pos >= this.order.length) {
        this.order = this.rng.shuffle(Array.from({ length: this.n }, (_, i) => i));
        this.pos = 0;
      }
      out.push(this.order[this.pos++]);
    }
    return out;
  }
}

/**
 * Draws rows with the classes present in equal shares: a batch of `count` rows gets
 * ⌊count / #classes⌋ rows of every class, and the remainder goes to classes in a seeded
 * shuffled rotation; each class's rows are cycled like {@link DomainSampler}'s. The batch is
 * returned shuffled.
 */
class ClassBalancedSampler implements Sampler {
  private readonly pools: { rows: number[]; sampler: DomainSampler }[];
  private rotation: number[] = [];
  constructor(
    y: Int32Array,
    k: number,
    private readonly rng: Rng,
  ) {
    const byClass: number[][] = Array.from({ length: k }, () => []);
    y.forEach((c, i) => byClass[c]?.push(i));
    this.pools = byClass.filter((rows) => rows.length > 0).map((rows) => ({ rows, sampler: new DomainSampler(rows.length, rng) }));
  }

  next(count: number): number[] {
    const g = this.pools.length;
    const take = new Array<number>(g).fill(Math.floor(count / g));
    for (let r = 0; r < count % g; r++) {
      if (this.rotation.length === 0) this.rotation = this.rng.shuffle(Array.from({ length: g }, (_, i) => i));
      take[this.rotation.pop()!]++;
    }
    const out: number[] = [];
    this.pools.forEach((p, i) => {
      for (const j of p.sampler.next(take[i])) out.push(p.rows[j]);
    });
    return this.rng.shuffle(out);
  }
}

function buildDomainHead(inputSize: number, numDomains: number, hidden: number[], seed: number): tf.LayersModel {
  const init = seededInit(seed + 7919);
  const input = tf.input({ shape: [inputSize], name: 'domain_features' });
  let x: tf.SymbolicTensor = input;
  hidden.forEach((units, i) => {
    x = tf.layers.dense({ name: `domain_dense${i + 1}`, units, activation: 'relu', kernelInitializer: init('heNormal') }).apply(x) as tf.SymbolicTensor;
  });
  const out = tf.layers.dense({ name: 'domain_head', units: numDomains, activation: 'softmax', kernelInitializer: init('glorotUniform') }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'domain_classifier' });
}

function normaliseMethod(method: AdaptMethod): Exclude<AdaptMethod, 'none'> {
  if (!(ADAPT_METHODS as readonly string[]).includes(method)) {
    throw new TransferkitError('BAD_OPTION', `Unknown adaptation method "${String(method)}"`, {
      where: 'trainAdapted',
      hint: `Use one of ${ADAPT_METHODS.join(', ')}.`,
    });
  }
  return method === 'none' ? 'erm' : method;
}

function checkNumber(value: number, name: string, ok: (v: number) => boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new TransferkitError('BAD_OPTION', `trainAdapted: ${name} = ${value} is not valid`, { where: 'trainAdapted' });
  }
}

function checkLabels(d: LabelledDomainData, k: number, name: string): void {
  if (!d.y || d.y.length !== d.shape[0]) {
    throw new TransferkitError('BAD_LABEL', `Source domain "${name}" has ${d.y?.length ?? 0} labels for ${d.shape[0]} rows`, { where: 'trainAdapted' });
  }
  for (let i = 0; i < d.y.length; i++) {
    if (d.y[i] < 0 || d.y[i] >= k) {
      throw new TransferkitError('BAD_LABEL', `Row ${i} of source domain "${name}" has label ${d.y[i]}, outside the model's ${k} classes`, { where: 'trainAdapted' });
    }
  }
}
