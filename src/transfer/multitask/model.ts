/**
 * Multi-task networks: a shared trunk (a pretrained base cut at its feature layer, or a small
 * fresh CNN/MLP) with one softmax head per task, as one TF.js functional model whose outputs
 * are in task order.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { seededInit } from '../../models/architectures.ts';
import { disposeWeightsNotIn } from '../../models/dispose.ts';
import { loadModelRef } from '../../models/load.ts';
import { cutAt, headInput, keepBatchNormInInference } from '../../models/surgery.ts';

/** Where the shared trunk comes from. */
export type TrunkSpec =
  /**
   * A fresh trunk: `cnn` = conv(16)→pool→conv(32)→pool→dense(64) (small, so it trains on a
   * CPU in seconds), `mlp` = dense(128), `auto` = cnn for images, mlp otherwise.
   */
  | { kind: 'scratch'; arch: 'cnn' | 'mlp' | 'auto' }
  /**
   * A pretrained model (zoo name, model folder or run), cut at `cutAt` (default: the input of
   * its last Dense layer). `train`: `'all'` layers of the trunk train, `'none'` (frozen), or
   * the top k layers that have weights. BatchNorm statistics stay fixed either way.
   */
  | { kind: 'base'; ref: string; cutAt?: string | number; train?: 'all' | 'none' | number };

/** A task as a model sees it: a name and its classes (one head output per class). */
export interface TaskHead {
  name: string;
  classes: string[];
}

/** Options of {@link buildMultiTaskModel}. */
export interface MultiTaskModelOptions {
  /** Seeds the fresh layers (trunk and heads). */
  seed: number;
  /** Per-example input shape, e.g. `[28, 28, 1]` (scratch trunks only; a base has its own). */
  inputShape: number[];
}

/**
 * Builds trunk + one softmax head per task (`head_<task>`); `model.outputs[t]` is task t's
 * class probabilities. A single task gives the matching single-task model, with the same
 * trunk and the same head initialisation as in the multi-task model for that task.
 *
 * @throws TransferkitError from loading the base (`UNKNOWN_MODEL`, …), `UNKNOWN_LAYER` for a bad
 *   `cutAt`, `BAD_OPTION` for a bad `train` count.
 * @example
 * ```ts
 * const model = await buildMultiTaskModel({ kind: 'base', ref: 'digits04-cnn', train: 'all' },
 *   [{ name: 'class', classes: tenNames }, { name: 'group', classes: fourNames }], { seed: 1, inputShape: [28, 28, 1] });
 * ```
 */
export async function buildMultiTaskModel(trunk: TrunkSpec, tasks: readonly TaskHead[], opts: MultiTaskModelOptions): Promise<tf.LayersModel> {
  const { input, features, base } = trunk.kind === 'scratch' ? scratchTrunk(trunk.arch, opts.inputShape, opts.seed) : await baseTrunk(trunk);
  let x = features;
  if (x.shape.length > 2) x = tf.layers.flatten({ name: 'trunk_flatten' }).apply(x) as tf.SymbolicTensor;
  const outputs = tasks.map((t) => {
    // each head is seeded by its task's name, so a task's head starts the same alone or with others
    const init = seededInit(opts.seed * 7919 + hash(t.name));
    return tf.layers.dense({ name: `head_${t.name}`, units: t.classes.length, activation: 'softmax', kernelInitializer: init('glorotUniform') }).apply(x) as tf.SymbolicTensor;
  });
  const model = tf.model({ inputs: input, outputs, name: tasks.length > 1 ? 'multitask' : `single_${tasks[0].name}` });
  // the base's layers above the cut (its old head) are not part of the new model: free them
  if (base) disposeWeightsNotIn([base], [model]);
  return model;
}

function scratchTrunk(asked: 'cnn' | 'mlp' | 'auto', inputShape: number[], seed: number): { input: tf.SymbolicTensor; features: tf.SymbolicTensor; base?: tf.LayersModel } {
  const arch = asked === 'auto' ? (inputShape.length === 3 ? 'cnn' : 'mlp') : asked;
  const init = seededInit(seed);
  const input = tf.input({ shape: inputShape, name: 'input' });
  let x: tf.SymbolicTensor = input;
  if (arch === 'cnn') {
    if (inputShape.length !== 3) {
      throw new TransferkitError('BAD_ARCH', `A CNN trunk needs image inputs [height, width, channels], but the data gives [${inputShape.join(', ')}]`, { where: '--arch', hint: 'Use --arch mlp for tables and texts.' });
    }
    x = tf.layers.conv2d({ name: 'trunk_conv1', filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init('heNormal') }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ name: 'trunk_pool1', poolSize: 2 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ name: 'trunk_conv2', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init('heNormal') }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ name: 'trunk_pool2', poolSize: 2 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.flatten({ name: 'trunk_flatten' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ name: 'trunk_dense', units: 64, activation: 'relu', kernelInitializer: init('heNormal') }).apply(x) as tf.SymbolicTensor;
  } else {
    if (inputShape.length > 1) x = tf.layers.flatten({ name: 'trunk_flatten' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ name: 'trunk_dense', units: 128, activation: 'relu', kernelInitializer: init('heNormal') }).apply(x) as tf.SymbolicTensor;
  }
  return { input, features: x };
}

async function baseTrunk(spec: Extract<TrunkSpec, { kind: 'base' }>): Promise<{ input: tf.SymbolicTensor; features: tf.SymbolicTensor; base: tf.LayersModel }> {
  const { model } = await loadModelRef(spec.ref);
  try {
    return trunkOf(model, spec);
  } catch (err) {
    model.dispose();
    throw err;
  }
}

function trunkOf(model: tf.LayersModel, spec: Extract<TrunkSpec, { kind: 'base' }>): { input: tf.SymbolicTensor; features: tf.SymbolicTensor; base: tf.LayersModel } {
  keepBatchNormInInference(model);
  const cut = spec.cutAt ?? defaultCut(model);
  const trunk = cutAt(model, cut);
  const weighted = trunk.layers.filter((l) => l.weights.length > 0 && !isPinnedBatchNorm(l));
  const train = spec.train ?? 'all';
  if (typeof train === 'number' && !(Number.isInteger(train) && train >= 0)) {
    throw new TransferkitError('BAD_OPTION', `The number of trunk layers to train must be a whole number ≥ 0, got ${train}`, { where: '--train-trunk', hint: 'Use all, none, or a count such as 1.' });
  }
  const k = train === 'all' ? weighted.length : train === 'none' ? 0 : Math.min(train, weighted.length);
  weighted.forEach((l, i) => (l.trainable = i >= weighted.length - k));
  if (trunk.inputs.length !== 1) throw new TransferkitError('UNSUPPORTED_MODEL', `The base ${spec.ref} has ${trunk.inputs.length} inputs; a trunk takes one`, { where: spec.ref, hint: 'Use a model with one input.' });
  return { input: trunk.inputs[0], features: trunk.outputs[0], base: model };
}

/** The input of the base's last Dense layer (its old head), by name; a Dropout there stays in the trunk, which trains with it. */
function defaultCut(model: tf.LayersModel): string {
  const found = headInput(model, { keepDropout: true });
  if (!found) throw new TransferkitError('NO_HEAD', `The base "${model.name}" has no Dense head to cut below`, { where: model.name, hint: 'Pass --cut-at with the layer whose output the heads should read.' });
  return found.input.name;
}

function isPinnedBatchNorm(l: tf.layers.Layer): boolean {
  return (l as unknown as Record<symbol, unknown>)[Symbol.for('transferkit.bnInference')] === true;
}

/** A small stable hash of a task name, to seed its head. */
function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) % 1000;
  return h;
}
