import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../errors.ts';
import { buildCnn, buildLogistic, buildMlp } from '../models/architectures.ts';
import { trainingEngine } from '../engine/training-engine.ts';
import { disposeWeightsNotIn } from '../models/dispose.ts';
import { onnxForward } from '../models/onnx-train/infer.ts';
import { keepBatchNormInInference, replaceHead, resolveLayer } from '../models/surgery.ts';
import { applyLora, modelFingerprint } from './lora/apply.ts';
import { isLoraLayer } from './lora/layers.ts';

/**
 * How a model is reused for a new task. `prototypes` (few-shot) trains nothing: the head on the
 * frozen base is set to the nearest-class-mean rule of the training examples' embeddings.
 */
export type Strategy = 'extract' | 'finetune' | 'scratch' | 'lora' | 'prototypes';

/** The strategies, for validation and help texts. */
export const STRATEGIES: readonly Strategy[] = ['extract', 'finetune', 'scratch', 'lora', 'prototypes'];

/** Architectures `scratch` can build when no base model is given. */
export type Arch = 'mlp' | 'logistic' | 'cnn';

/** One stage of training: which layers learn, how fast, for how long. */
export interface Phase {
  name: 'head' | 'finetune' | 'train' | 'gradual' | 'lora';
  /**
   * `head`: only the new head; `top-k`: the head and the top `k` weighted base layers; `all`:
   * everything; `schedule`: the head plus the base layers an unfreeze schedule has reached by
   * the current epoch; `lora`: the head plus the LoRA adapters (their base weights stay frozen).
   */
  trainable: 'head' | 'top-k' | 'all' | 'schedule' | 'lora';
  learningRate: number;
  epochs: number;
}

/** One entry of a gradual-unfreezing schedule: from `epoch` (1-based) on, these base layers train too. */
export interface UnfreezeStep {
  epoch: number;
  /** Base layer names or indices; `all` for every base layer; `head` (the new head, which always trains) is accepted and ignored. */
  layers: Array<string | number>;
}

/** A model prepared for a strategy, with the boundary between base and head known. */
export interface PreparedModel {
  model: tf.LayersModel;
  /** Number of leading layers that belong to the (pretrained or re-initialised) base; 0 when there is none. */
  baseLayerCount: number;
}

/** Knobs of {@link planPhases}. */
export interface PhaseOptions {
  epochs: number;
  learningRate: number;
  /** Epochs of the fine-tuning phase (default: same as `epochs`). */
  finetuneEpochs?: number;
  /** `finetune` with an unfreeze schedule: one `gradual` phase of `epochs` epochs instead of head + finetune. */
  gradual?: boolean;
}

/**
 * The training phases of a strategy: `extract` trains the head on a frozen base; `finetune`
 * does the same, then unfreezes the top k base layers at a 10× lower learning rate;
 * `scratch` trains every layer from random initialisation. With `gradual`, `finetune` is one
 * phase that starts with the head and unfreezes base layers on schedule; `lora` trains the head
 * and LoRA adapters at the full learning rate; `prototypes` is one head "epoch" that sets the
 * head to the class means of the embeddings.
 *
 * @example
 * ```ts
 * planPhases('finetune', { epochs: 30, learningRate: 1e-3 });
 * // [{ name: 'head', … }, { name: 'finetune', trainable: 'top-k', learningRate: 1e-4, … }]
 * ```
 */
export function planPhases(strategy: Strategy, opts: PhaseOptions): Phase[] {
  const head: Phase = { name: 'head', trainable: 'head', learningRate: opts.learningRate, epochs: opts.epochs };
  switch (strategy) {
    case 'extract':
      return [head];
    case 'finetune':
      if (opts.gradual) return [{ name: 'gradual', trainable: 'schedule', learningRate: opts.learningRate, epochs: opts.epochs }];
      return [head, { name: 'finetune', trainable: 'top-k', learningRate: opts.learningRate / 10, epochs: opts.finetuneEpochs ?? opts.epochs }];
    case 'scratch':
      return [{ name: 'train', trainable: 'all', learningRate: opts.learningRate, epochs: opts.epochs }];
    case 'lora':
      return [{ name: 'lora', trainable: 'lora', learningRate: opts.learningRate, epochs: opts.epochs }];
    case 'prototypes':
      // few-shot: the head is computed (class means of the embeddings) in one pass, not trained
      return [{ ...head, epochs: 1 }];
  }
}

/** LoRA settings of {@link prepareModel} for the `lora` strategy. */
export interface LoraPrepareOptions {
  /** Rank r (default 8). */
  rank?: number;
  /** Scale numerator α (default: the rank). */
  alpha?: number;
  /** Base layers to adapt (default: every Dense layer of the base). Names of new-head layers are ignored: the head trains in full. */
  layers?: Array<string | number>;
  /** Adapter name (default `default`). */
  name?: string;
}

/**
 * Builds the model a strategy trains: the pretrained base with a new head (`extract`,
 * `finetune`), the same architecture re-initialised (`scratch` with a base), or a default
 * architecture for the input shape (`scratch` without a base).
 *
 * The caller keeps owning `base`: the new model shares the base layers it uses, and disposing
 * either disposes those; the weights of models made along the way (a re-initialised copy, the
 * model before LoRA) that the result does not use are freed here. The base's own unused layers
 * (its old head) are the caller's to free, e.g. with `disposeWeightsNotIn([base], [model])`.
 *
 * @example
 * ```ts
 * const { model, baseLayerCount } = await prepareModel({ strategy: 'extract', base, numClasses: 10, seed: 1 });
 * ```
 */
export async function prepareModel(opts: {
  strategy: Strategy;
  base?: tf.LayersModel;
  numClasses: number;
  seed: number;
  arch?: Arch;
  inputShape: number[];
  /** Base layer (name or index) whose output feeds the new head; default: the input of the old head. */
  cutAt?: string | number;
  /** Dropout rate in front of the new head's softmax layer (default 0: none). */
  headDropout?: number;
  /** Hidden ReLU layers of the new head (default: none, a softmax layer straight on the base features). */
  headHidden?: number[];
  /** Adapter settings of the `lora` strategy. */
  lora?: LoraPrepareOptions;
}): Promise<PreparedModel> {
  const { strategy, numClasses, seed } = opts;
  const headDropout = opts.headDropout ?? 0;
  if (!(headDropout >= 0 && headDropout < 1)) {
    throw new TransferkitError('BAD_OPTION', `The head dropout rate must be in [0, 1), got ${headDropout}`, { hint: 'Typical rates are 0.2 to 0.5; 0 turns it off.' });
  }
  if (!opts.base) {
    if (strategy !== 'scratch') {
      throw new TransferkitError('MISSING_BASE', `The ${strategy} strategy needs a pretrained model`, {
        hint: 'Pass `base` (a zoo name or a model folder), or use `strategy: "scratch"` with `arch: "mlp"` or `arch: "logistic"`.',
      });
    }
    return { model: buildArch(opts.arch ?? defaultArch(opts.inputShape), opts.inputShape, numClasses, seed), baseLayerCount: 0 };
  }
  const source = strategy === 'scratch' ? await reinitialised(opts.base) : opts.base;
  // models made here and not returned: their weights the result does not use are freed below
  const madeHere: tf.LayersModel[] = source === opts.base ? [] : [source];
  try {
    const prepared = await headOn({ ...opts, base: opts.base }, source, madeHere);
    disposeWeightsNotIn(madeHere, [prepared.model, opts.base]);
    return prepared;
  } catch (err) {
    disposeWeightsNotIn(madeHere, [opts.base]);
    throw err;
  }
}

async function headOn(
  opts: Parameters<typeof prepareModel>[0] & { base: tf.LayersModel },
  source: tf.LayersModel,
  madeHere: tf.LayersModel[],
): Promise<PreparedModel> {
  const { strategy, numClasses, seed } = opts;
  const headDropout = opts.headDropout ?? 0;
  let model = replaceHead(source, numClasses, { seed, cutAt: opts.cutAt, hidden: opts.headHidden });
  madeHere.push(model);
  let baseLayerCount = countBaseLayers(source, model);
  if (headDropout > 0) model = withHeadDropout(model, headDropout);
  madeHere.push(model);
  if (strategy !== 'scratch') keepBatchNormInInference(model);
  if (strategy === 'lora') {
    const headNames = new Set(model.layers.slice(baseLayerCount).map((l) => l.name));
    const bases = model.layers.slice(0, baseLayerCount);
    const targets = opts.lora?.layers
      ? opts.lora.layers.map((ref) => resolveLayer(model, ref)).filter((l) => !headNames.has(l.name))
      : bases.filter((l) => l.getClassName() === 'Dense');
    if (targets.length === 0) {
      throw new TransferkitError('LORA_UNSUPPORTED', opts.lora?.layers ? 'None of the `loraLayers` is a base layer' : 'The base has no Dense layer to put LoRA adapters on', {
        hint: `Name Dense or Conv2D base layers with \`loraLayers\`; base layers with weights: ${bases.filter((l) => l.weights.length > 0).map((l) => l.name).join(', ')}.`,
      });
    }
    model = applyLora(model, {
      rank: opts.lora?.rank,
      alpha: opts.lora?.alpha,
      layers: targets.map((l) => l.name),
      name: opts.lora?.name,
      seed,
      fingerprint: modelFingerprint(opts.base),
      train: [...headNames],
    });
    keepBatchNormInInference(model);
    baseLayerCount = model.layers.findIndex((l) => headNames.has(l.name));
  }
  return { model, baseLayerCount };
}

/**
 * Parses an unfreeze schedule: comma-separated `EPOCH:LAYER` entries, several layers of one
 * epoch joined by `+` (or listed after it without a new `EPOCH:`). Layers are base layer names
 * or indices, or `all`; `head` is accepted (the new head always trains from epoch 1).
 *
 * @throws TransferkitError `BAD_OPTION` naming the entry it cannot read.
 * @example
 * ```ts
 * parseUnfreezeSchedule('1:head,3:dense1,5:conv2+bn2');
 * // [{ epoch: 1, layers: ['head'] }, { epoch: 3, layers: ['dense1'] }, { epoch: 5, layers: ['conv2', 'bn2'] }]
 * ```
 */
export function parseUnfreezeSchedule(text: string): UnfreezeStep[] {
  const steps: UnfreezeStep[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)\s*:\s*(.+)$/.exec(part);
    let layers: string;
    if (m) {
      const epoch = Number(m[1]);
      if (epoch < 1) throw badSchedule(part, 'epochs count from 1');
      steps.push({ epoch, layers: [] });
      layers = m[2];
    } else {
      if (steps.length === 0) throw badSchedule(part, 'each entry starts with the epoch, e.g. 3:dense1');
      layers = part;
    }
    for (const l of layers.split('+').map((s) => s.trim()).filter(Boolean)) steps.at(-1)!.layers.push(/^-?\d+$/.test(l) ? Number(l) : l);
  }
  if (steps.length === 0) throw badSchedule(text, 'the schedule is empty');
  return steps.sort((a, b) => a.epoch - b.epoch);
}

function badSchedule(part: string, why: string): TransferkitError {
  return new TransferkitError('BAD_OPTION', `Cannot read the unfreeze schedule at "${part}": ${why}`, {
    hint: 'Write EPOCH:LAYER entries separated by commas, e.g. `unfreezeSchedule: "1:head,3:dense1,5:conv2+bn2"` (the head trains from epoch 1; `all` unfreezes the whole base).',
  });
}

/**
 * Sets which layers learn in a phase. `top-k` unfreezes the `k` highest base layers that
 * have weights (BatchNorm excluded: it stays frozen, in inference mode), or the base layers
 * named (or indexed) in a list; `schedule` unfreezes the base layers `schedule` has reached by
 * `epoch`; `lora` trains the head and the LoRA adapters only.
 *
 * @example
 * ```ts
 * applyPhase(prepared, { name: 'finetune', trainable: 'top-k', learningRate: 1e-4, epochs: 10 }, 2);
 * applyPhase(prepared, gradualPhase, 0, { schedule: parseUnfreezeSchedule('3:dense1'), epoch: 4 });
 * ```
 */
export function applyPhase(
  prepared: PreparedModel,
  phase: Phase,
  unfreeze: number | Array<string | number>,
  opts: { schedule?: UnfreezeStep[]; epoch?: number } = {},
): string[] {
  const { model, baseLayerCount } = prepared;
  const bases = model.layers.slice(0, baseLayerCount);
  const unfrozenBase = new Set<tf.layers.Layer>();
  if (phase.trainable === 'all') bases.forEach((l) => unfrozenBase.add(l));
  if (phase.trainable === 'lora') bases.filter(isLoraLayer).forEach((l) => unfrozenBase.add(l));
  let named: Array<string | number> = [];
  if (phase.trainable === 'schedule') {
    const epoch = opts.epoch ?? Infinity;
    for (const step of opts.schedule ?? []) {
      if (step.epoch > epoch) continue;
      for (const ref of step.layers) {
        if (ref === 'all') bases.filter((l) => l.getClassName() !== 'BatchNormalization').forEach((l) => unfrozenBase.add(l));
        else if (ref !== 'head') named.push(ref);
      }
    }
  }
  if (phase.trainable === 'top-k' && typeof unfreeze === 'number') {
    const weighted = bases.filter((l) => l.weights.length > 0 && l.getClassName() !== 'BatchNormalization');
    weighted.slice(Math.max(0, weighted.length - unfreeze)).forEach((l) => unfrozenBase.add(l));
  } else if (phase.trainable === 'top-k' && Array.isArray(unfreeze)) {
    named = unfreeze;
  }
  for (const ref of named) {
    const layer = resolveLayer(model, ref);
    if (!bases.includes(layer)) {
      throw new TransferkitError('NOT_A_BASE_LAYER', `Layer "${layer.name}" is part of the new head, not of the pretrained base`, {
        hint: `Base layers: ${bases.filter((l) => l.weights.length > 0).map((l) => l.name).join(', ')}.`,
      });
    }
    unfrozenBase.add(layer);
  }
  model.layers.forEach((layer, i) => {
    const isBN = layer.getClassName() === 'BatchNormalization';
    layer.trainable = i >= baseLayerCount || (unfrozenBase.has(layer) && !(isBN && phase.trainable !== 'all'));
  });
  return model.layers.filter((l) => l.trainable && l.trainableWeights.length > 0).map((l) => l.name);
}

/**
 * Splits a prepared model into its base (a model ending where the head starts) and a head
 * model that takes base features as input. Both share weights with the full model, so
 * training the head on cached base features trains the full model's head.
 *
 * @example
 * ```ts
 * const { base, head } = splitAtHead(prepared);
 * ```
 */
export function splitAtHead(prepared: PreparedModel): { base: tf.LayersModel; head: tf.LayersModel } {
  const { model, baseLayerCount } = prepared;
  const last = model.layers[baseLayerCount - 1];
  const base = tf.model({ inputs: model.inputs, outputs: last.output as tf.SymbolicTensor });
  const input = tf.input({ shape: (last.output as tf.SymbolicTensor).shape.slice(1) as number[] });
  let x: tf.SymbolicTensor = input;
  for (const layer of model.layers.slice(baseLayerCount)) x = layer.apply(x) as tf.SymbolicTensor;
  return { base, head: tf.model({ inputs: input, outputs: x }) };
}

/**
 * Runs a model over inputs in batches and returns its raw outputs (e.g. base features).
 *
 * @example
 * ```ts
 * const feats = forward(base, { x, shape: [n, 28, 28, 1] }); // { x, shape: [n, 128] }
 * ```
 */
export function forward(model: tf.LayersModel, data: { x: Float32Array; shape: number[] }, batchSize = 256): { x: Float32Array; shape: number[] } {
  const n = data.shape[0];
  const per = n > 0 ? data.x.length / n : 0;
  const outShape = model.outputs[0].shape.slice(1) as number[];
  const outPer = outShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * outPer);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const values = tf.tidy(() => {
      const xs = tf.tensor(data.x.subarray(start * per, end * per), [end - start, ...data.shape.slice(1)]);
      return (model.predict(xs) as tf.Tensor).dataSync() as Float32Array;
    });
    out.set(values, start * outPer);
  }
  return { x: out, shape: [n, ...outShape] };
}

/**
 * {@link forward} on the engine training uses (see `trainingEngine()`): on `onnx` (the default)
 * the model runs as the ONNX engine's evaluation graph on onnxruntime-node (the same values up
 * to float rounding; about 2.5× faster than TF.js wasm for fashion-cnn's base), falling
 * back to TF.js for a model the compiler cannot run; on `tfjs`, exactly {@link forward}.
 *
 * @example
 * ```ts
 * const feats = await forwardFeatures(base, { x, shape: [n, 28, 28, 1] }); // { x, shape: [n, 1600] }
 * ```
 */
export async function forwardFeatures(model: tf.LayersModel, data: { x: Float32Array; shape: number[] }, batchSize = 256): Promise<{ x: Float32Array; shape: number[] }> {
  const n = data.shape[0];
  if (n > 0 && trainingEngine().engine === 'onnx') {
    try {
      const outShape = model.outputs[0].shape.slice(1) as number[];
      return { x: await onnxForward(model, data.x, n, { batchSize }), shape: [n, ...outShape] };
    } catch (err) {
      if (!(err instanceof TransferkitError)) throw err;
      // a layer the compiler lacks (or onnxruntime refused the graph): TF.js computes the same
    }
  }
  return forward(model, data, batchSize);
}

function defaultArch(inputShape: number[]): Arch {
  return inputShape.length === 3 ? 'cnn' : 'mlp';
}

function buildArch(arch: Arch, inputShape: number[], numClasses: number, seed: number): tf.LayersModel {
  if (arch === 'cnn') {
    if (inputShape.length !== 3) throw new TransferkitError('BAD_ARCH', 'The cnn architecture needs image data', { hint: 'Use `arch: "mlp"` or `arch: "logistic"` for tabular and text data.' });
    return buildCnn(inputShape, numClasses, { seed });
  }
  if (inputShape.length !== 1) {
    throw new TransferkitError('BAD_ARCH', `The ${arch} architecture needs flat feature vectors, but the data gives shape [${inputShape.join(', ')}]`, {
      hint: 'Use `arch: "cnn"` for images.',
    });
  }
  return arch === 'logistic' ? buildLogistic(inputShape[0], numClasses, { seed }) : buildMlp(inputShape[0], numClasses, { seed, hidden: [64] });
}

/** The same architecture with fresh random weights (initialiser seeds dropped so the run seed decides). */
async function reinitialised(base: tf.LayersModel): Promise<tf.LayersModel> {
  const topology = JSON.parse(JSON.stringify(base.toJSON(undefined, false)), (key, value) => (key === 'seed' ? null : value));
  return tf.models.modelFromJSON({ modelTopology: topology });
}

function countBaseLayers(source: tf.LayersModel, model: tf.LayersModel): number {
  const names = new Set(source.layers.map((l) => l.name));
  let i = 0;
  while (i < model.layers.length && names.has(model.layers[i].name) && model.layers[i] === source.layers[i]) i++;
  return i;
}

/** Puts a dropout layer (`head_dropout`) in front of the new softmax head, keeping the head's weights. */
function withHeadDropout(model: tf.LayersModel, rate: number): tf.LayersModel {
  const head = model.layers[model.layers.length - 1];
  const cfg = head.getConfig() as { units: number; activation: string };
  const x = tf.layers.dropout({ name: `${head.name}_dropout`, rate }).apply(head.input as tf.SymbolicTensor) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ name: head.name, units: cfg.units, activation: 'softmax', kernelInitializer: 'zeros' });
  const out = dense.apply(x) as tf.SymbolicTensor;
  dense.setWeights(head.getWeights());
  for (const w of head.weights) w.dispose();
  return tf.model({ inputs: model.inputs, outputs: out, name: model.name });
}
