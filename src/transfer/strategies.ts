import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../errors.ts';
import { buildCnn, buildLogistic, buildMlp } from '../models/architectures.ts';
import { keepBatchNormInInference, replaceHead, resolveLayer } from '../models/surgery.ts';

/** How a model is reused for a new task. */
export type Strategy = 'extract' | 'finetune' | 'scratch';

/** The strategies, for validation and help texts. */
export const STRATEGIES: readonly Strategy[] = ['extract', 'finetune', 'scratch'];

/** Architectures `scratch` can build when no base model is given. */
export type Arch = 'mlp' | 'logistic' | 'cnn';

/** One stage of training: which layers learn, how fast, for how long. */
export interface Phase {
  name: 'head' | 'finetune' | 'train';
  /** `head`: only the new head; `top-k`: the head and the top `k` weighted base layers; `all`: everything. */
  trainable: 'head' | 'top-k' | 'all';
  learningRate: number;
  epochs: number;
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
}

/**
 * The training phases of a strategy: `extract` trains the head on a frozen base; `finetune`
 * does the same, then unfreezes the top k base layers at a 10× lower learning rate;
 * `scratch` trains every layer from random initialisation.
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
      return [head, { name: 'finetune', trainable: 'top-k', learningRate: opts.learningRate / 10, epochs: opts.finetuneEpochs ?? opts.epochs }];
    case 'scratch':
      return [{ name: 'train', trainable: 'all', learningRate: opts.learningRate, epochs: opts.epochs }];
  }
}

/**
 * Builds the model a strategy trains: the pretrained base with a new head (`extract`,
 * `finetune`), the same architecture re-initialised (`scratch` with a base), or a default
 * architecture for the input shape (`scratch` without a base).
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
}): Promise<PreparedModel> {
  const { strategy, numClasses, seed } = opts;
  if (!opts.base) {
    if (strategy !== 'scratch') {
      throw new TransferkitError('MISSING_BASE', `The ${strategy} strategy needs a pretrained model`, {
        hint: 'Pass --base <zoo name or model folder>, or use --strategy scratch --arch mlp|logistic.',
      });
    }
    return { model: buildArch(opts.arch ?? defaultArch(opts.inputShape), opts.inputShape, numClasses, seed), baseLayerCount: 0 };
  }
  const source = strategy === 'scratch' ? await reinitialised(opts.base) : opts.base;
  const model = replaceHead(source, numClasses, { seed, cutAt: opts.cutAt });
  const baseLayerCount = countBaseLayers(source, model);
  if (strategy !== 'scratch') keepBatchNormInInference(model);
  return { model, baseLayerCount };
}

/**
 * Sets which layers learn in a phase. `top-k` unfreezes the `k` highest base layers that
 * have weights (BatchNorm excluded: it stays frozen, in inference mode), or the base layers
 * named (or indexed) in a list.
 *
 * @example
 * ```ts
 * applyPhase(prepared, { name: 'finetune', trainable: 'top-k', learningRate: 1e-4, epochs: 10 }, 2);
 * ```
 */
export function applyPhase(prepared: PreparedModel, phase: Phase, unfreeze: number | Array<string | number>): string[] {
  const { model, baseLayerCount } = prepared;
  const bases = model.layers.slice(0, baseLayerCount);
  const unfrozenBase = new Set<tf.layers.Layer>();
  if (phase.trainable === 'all') bases.forEach((l) => unfrozenBase.add(l));
  if (phase.trainable === 'top-k' && typeof unfreeze === 'number') {
    const weighted = bases.filter((l) => l.weights.length > 0 && l.getClassName() !== 'BatchNormalization');
    weighted.slice(Math.max(0, weighted.length - unfreeze)).forEach((l) => unfrozenBase.add(l));
  } else if (phase.trainable === 'top-k' && Array.isArray(unfreeze)) {
    for (const ref of unfreeze) {
      const layer = resolveLayer(model, ref);
      if (!bases.includes(layer)) {
        throw new TransferkitError('NOT_A_BASE_LAYER', `Layer "${layer.name}" is part of the new head, not of the pretrained base`, {
          hint: `Base layers: ${bases.filter((l) => l.weights.length > 0).map((l) => l.name).join(', ')}.`,
        });
      }
      unfrozenBase.add(layer);
    }
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

function defaultArch(inputShape: number[]): Arch {
  return inputShape.length === 3 ? 'cnn' : 'mlp';
}

function buildArch(arch: Arch, inputShape: number[], numClasses: number, seed: number): tf.LayersModel {
  if (arch === 'cnn') {
    if (inputShape.length !== 3) throw new TransferkitError('BAD_ARCH', 'The cnn architecture needs image data', { hint: 'Use --arch mlp or logistic for tabular and text data.' });
    return buildCnn(inputShape, numClasses, { seed });
  }
  if (inputShape.length !== 1) {
    throw new TransferkitError('BAD_ARCH', `The ${arch} architecture needs flat feature vectors, but the data gives shape [${inputShape.join(', ')}]`, {
      hint: 'Use --arch cnn for images.',
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
