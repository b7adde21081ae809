/**
 * Model surgery: inspect layers, cut a network at a layer, swap its head,
 * freeze and unfreeze layers, and pin BatchNormalization to inference mode.
 *
 * Everything here works on `tf.LayersModel`s and returns models that *share*
 * weights with the model they came from (no copies): disposing one disposes
 * the shared layers of the other.
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../errors.ts';
import { seededInit } from './architectures.ts';

type Layer = tf.layers.Layer;
type SymbolicTensor = tf.SymbolicTensor;

/** A layer is named by its name (`'conv2'`) or its index in `model.layers` (`-1` is the last layer). */
export type LayerRef = string | number;

/** One row of {@link listLayers}. */
export interface LayerInfo {
  /** Position in `model.layers` (functional models start with their input layer at 0). */
  index: number;
  name: string;
  /** The layer's class name, e.g. `Conv2D`, `Dense`, `BatchNormalization`. */
  type: string;
  /** Output shape with the batch dimension as `null`, e.g. `[null, 8, 8, 32]`. */
  outputShape: (number | null)[];
  /** Number of scalar weights, trainable or not. */
  params: number;
  /** Number of scalar weights that training would update. */
  trainableParams: number;
  trainable: boolean;
}

/**
 * Describes every layer of a model, in order.
 *
 * @example
 * ```ts
 * for (const l of listLayers(model)) console.log(l.index, l.name, l.type, l.outputShape, l.params);
 * ```
 */
export function listLayers(model: tf.LayersModel): LayerInfo[] {
  return model.layers.map((layer, index) => ({
    index,
    name: layer.name,
    type: layer.getClassName(),
    outputShape: firstShape(layer),
    params: layer.countParams(),
    trainableParams: sumSizes(layer.trainableWeights),
    trainable: layer.trainable,
  }));
}

/**
 * Finds a layer by name or by index (negative indices count from the end).
 * A string of digits such as `'3'` is taken as an index when no layer has that name.
 *
 * @throws TransferkitError `UNKNOWN_LAYER` naming the reference and listing the layer names, closest first.
 * @example
 * ```ts
 * const conv = resolveLayer(model, 'conv2');
 * const last = resolveLayer(model, -1);
 * ```
 */
export function resolveLayer(model: tf.LayersModel, ref: LayerRef): Layer {
  const layers = model.layers;
  if (typeof ref === 'string') {
    const byName = layers.find((l) => l.name === ref);
    if (byName) return byName;
    if (/^-?\d+$/.test(ref.trim())) return resolveLayer(model, Number(ref.trim()));
    const names = layers.map((l) => l.name);
    const ranked = rankByDistance(ref, names);
    const close = ranked.filter((n) => editDistance(ref.toLowerCase(), n.toLowerCase()) <= Math.max(2, Math.floor(ref.length / 3)));
    throw new TransferkitError(
      'UNKNOWN_LAYER',
      `No layer named "${ref}" in model "${model.name}".${close.length > 0 ? ` Did you mean "${close[0]}"?` : ''}`,
      { where: `model "${model.name}"`, hint: `Layers (closest first): ${ranked.join(', ')}. You can also pass an index from 0 to ${layers.length - 1}, or -1 for the last layer.` },
    );
  }
  if (!Number.isInteger(ref)) {
    throw new TransferkitError('UNKNOWN_LAYER', `Layer index ${ref} is not a whole number.`, {
      where: `model "${model.name}"`,
      hint: `Pass an index from 0 to ${layers.length - 1} (or -1 for the last layer), or one of: ${layers.map((l) => l.name).join(', ')}.`,
    });
  }
  const i = ref < 0 ? layers.length + ref : ref;
  if (i < 0 || i >= layers.length) {
    throw new TransferkitError('UNKNOWN_LAYER', `Layer index ${ref} is out of range: model "${model.name}" has ${layers.length} layers.`, {
      where: `model "${model.name}"`,
      hint: `Use 0..${layers.length - 1}, or -${layers.length}..-1 from the end. Layers: ${layers.map((l, k) => `${k}:${l.name}`).join(', ')}.`,
    });
  }
  return layers[i];
}

/**
 * A model from the original inputs to the output of layer `ref` — a feature extractor.
 * The new model shares its weights with `model`.
 *
 * @example
 * ```ts
 * const features = cutAt(model, 'flatten');
 * const embeddings = features.predict(images) as tf.Tensor;
 * ```
 */
export function cutAt(model: tf.LayersModel, ref: LayerRef): tf.LayersModel {
  const layer = resolveLayer(model, ref);
  return tf.model({ inputs: model.inputs, outputs: layerOutput(model, layer), name: `${model.name}_to_${layer.name}` });
}

/** Options for {@link replaceHead}. */
export interface ReplaceHeadOptions {
  /** Keep the model up to (and including) this layer. Default: whatever feeds the last Dense layer, i.e. drop the old head. */
  cutAt?: LayerRef;
  /** Sizes of hidden ReLU layers to put before the new head. Default: none. */
  hidden?: number[];
  /** Dropout rate after each hidden layer. Default: 0 (no dropout layers). */
  dropout?: number;
  /** Seed for the new layers' initialisers and dropout. Default: 0, so the same call gives the same head. */
  seed?: number;
  /** Name of the new softmax layer; hidden layers are named `<headName>_dense1`, … Default: `'head'`. */
  headName?: string;
}

/**
 * Cuts off the classifier of `model` and puts a new softmax head with `numClasses` outputs on top.
 * Adds a Flatten layer when the kept part outputs more than one dimension per example.
 * The kept layers share weights with `model`; only the new layers are freshly initialised.
 *
 * @throws TransferkitError `NO_HEAD` when no `cutAt` is given and the model has no Dense layer,
 *   `LAYER_NAME_TAKEN` when a new layer name is already used in the kept part.
 * @example
 * ```ts
 * const base = buildCnn([28, 28, 1], 10, { seed: 1 });
 * const model = replaceHead(base, 3, { hidden: [64], dropout: 0.2, seed: 7 });
 * freeze(model, { allButTopK: 2 });
 * ```
 */
export function replaceHead(model: tf.LayersModel, numClasses: number, opts: ReplaceHeadOptions = {}): tf.LayersModel {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new TransferkitError('BAD_OPTION', `numClasses must be a positive whole number, got ${numClasses}.`, { where: 'replaceHead', hint: 'Pass the number of classes in your data, e.g. 3.' });
  }
  const headName = opts.headName ?? 'head';
  const hidden = opts.hidden ?? [];
  const dropout = opts.dropout ?? 0;
  if (hidden.some((u) => !Number.isInteger(u) || u < 1)) {
    throw new TransferkitError('BAD_OPTION', `hidden layer sizes must be positive whole numbers, got [${hidden.join(', ')}].`, { where: 'replaceHead', hint: 'For example hidden: [128] or hidden: [] for no hidden layer.' });
  }
  if (!(dropout >= 0 && dropout < 1)) {
    throw new TransferkitError('BAD_OPTION', `dropout must be in [0, 1), got ${dropout}.`, { where: 'replaceHead', hint: 'Typical values are 0.2 to 0.5; 0 turns dropout off.' });
  }
  const seed = opts.seed ?? 0;

  let x = opts.cutAt === undefined ? defaultCut(model) : layerOutput(model, resolveLayer(model, opts.cutAt));
  const kept = tf.model({ inputs: model.inputs, outputs: x });
  const newNames = [`${headName}_flatten`, ...hidden.flatMap((_, i) => [`${headName}_dense${i + 1}`, `${headName}_dropout${i + 1}`]), headName];
  const taken = new Set(kept.layers.map((l) => l.name));
  const clash = newNames.find((n) => taken.has(n));
  if (clash !== undefined) {
    throw new TransferkitError('LAYER_NAME_TAKEN', `The kept part of the model already has a layer named "${clash}".`, {
      where: `model "${model.name}"`,
      hint: `Pass another headName (e.g. headName: '${headName}_new'), or cut below that layer with cutAt.`,
    });
  }

  const init = seededInit(seed);
  if (x.shape.length > 2) x = tf.layers.flatten({ name: `${headName}_flatten` }).apply(x) as SymbolicTensor;
  hidden.forEach((units, i) => {
    x = tf.layers.dense({ name: `${headName}_dense${i + 1}`, units, activation: 'relu', kernelInitializer: init('heNormal') }).apply(x) as SymbolicTensor;
    if (dropout > 0) x = tf.layers.dropout({ name: `${headName}_dropout${i + 1}`, rate: dropout, seed: seed + i }).apply(x) as SymbolicTensor;
  });
  const out = tf.layers.dense({ name: headName, units: numClasses, activation: 'softmax', kernelInitializer: init('glorotUniform') }).apply(x) as SymbolicTensor;
  return tf.model({ inputs: model.inputs, outputs: out, name: model.name });
}

/** Layer classes that compute spatial feature maps (what makes a base convolutional). */
const CONV_CLASSES = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv1D']);

/**
 * A model's head — its last Dense layer — and the layer that computes the head's input: where
 * "the features the old head read" come from. By default the layer below any Dropout (an
 * identity at inference, so the same values); `keepDropout` returns the Dropout itself, for a
 * trunk that goes on training with it. Undefined when the model has no Dense layer above its input.
 *
 * @example
 * ```ts
 * headInput(fashionCnn); // { head: <layer 'head'>, input: <layer 'dense1'> }
 * headInput(digits04Cnn, { keepDropout: true }).input.name; // 'dropout1'
 * ```
 */
export function headInput(model: tf.LayersModel, opts: { keepDropout?: boolean } = {}): { head: Layer; input: Layer } | undefined {
  const layers = model.layers;
  const h = layers.map((l) => l.getClassName()).lastIndexOf('Dense');
  if (h < 1) return undefined;
  let input = (layers[h].inboundNodes[0]?.inboundLayers ?? [])[0] ?? layers[h - 1];
  while (!opts.keepDropout && input.getClassName() === 'Dropout') {
    const below = (input.inboundNodes[0]?.inboundLayers ?? [])[0];
    if (!below || below.getClassName() === 'InputLayer') break;
    input = below;
  }
  return { head: layers[h], input };
}

/**
 * Where a new head goes on a convolutional base by default: the top of its convolutional part,
 * as Keras's `include_top=False` does — the last feature map after the last convolution, or the
 * Flatten / global-pooling layer right after it. The dense layers above it are specific to the
 * source task. Undefined for a base without convolutions (e.g. an MLP), where the default is the
 * old head's input.
 *
 * @example
 * ```ts
 * featureMapCut(fashionCnn); // 'flatten'
 * featureMapCut(mlp); // undefined
 * ```
 */
export function featureMapCut(model: tf.LayersModel): string | undefined {
  const layers = model.layers;
  const lastConv = layers.map((l) => CONV_CLASSES.has(l.getClassName())).lastIndexOf(true);
  if (lastConv < 0) return undefined;
  let cut = lastConv;
  for (let i = lastConv + 1; i < layers.length; i++) {
    const cls = layers[i].getClassName();
    if (cls === 'Dense' || cls === 'Dropout') break;
    cut = i;
    if (cls === 'Flatten' || cls.startsWith('Global')) break;
  }
  return cut === layers.length - 1 ? undefined : layers[cut].name;
}

/**
 * Which layers to act on. Fields combine (union), except `allButTopK`, see {@link freeze}.
 * `allButTopK: k` selects every layer except the top `k` layers that have weights (the head counts).
 */
export interface LayerSelector {
  names?: string[];
  /** Indices into `model.layers`; negative counts from the end. */
  indices?: number[];
  all?: boolean;
  allButTopK?: number;
}

/**
 * Stops training from updating the selected layers. Returns the names of the selected layers.
 *
 * `freeze(model, { allButTopK: k })` leaves the model in exactly the state "only the top `k`
 * layers with weights train": it also makes those `k` layers trainable again, so calling it with
 * a growing `k` unfreezes gradually.
 *
 * Compile (or re-compile) the model *after* freezing: tfjs collects the trainable weights in `compile()`.
 *
 * @throws TransferkitError `UNKNOWN_LAYER` for a name or index that is not in the model.
 * @example
 * ```ts
 * freeze(model, { allButTopK: 1 });   // train the head only
 * model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
 * ```
 */
export function freeze(model: tf.LayersModel, sel: LayerSelector): string[] {
  const { selected, topK } = selectLayers(model, sel);
  for (const l of selected) l.trainable = false;
  if (topK.length > 0) {
    ensureModelTrainable(model);
    for (const l of topK) l.trainable = true;
  }
  return selected.map((l) => l.name);
}

/**
 * Lets training update the selected layers again. Returns the names of the selected layers.
 * (With `allButTopK: k` this unfreezes everything except the top `k` layers with weights, leaving those as they are.)
 *
 * Compile (or re-compile) the model *after* unfreezing.
 *
 * @throws TransferkitError `UNKNOWN_LAYER` for a name or index that is not in the model.
 * @example
 * ```ts
 * unfreeze(model, { names: ['conv2', 'bn2'] });
 * model.compile({ optimizer: tf.train.adam(1e-4), loss: 'categoricalCrossentropy' });
 * ```
 */
export function unfreeze(model: tf.LayersModel, sel: LayerSelector): string[] {
  const { selected } = selectLayers(model, sel);
  if (selected.length > 0) ensureModelTrainable(model);
  for (const l of selected) l.trainable = true;
  return selected.map((l) => l.name);
}

const PINNED = Symbol.for('transferkit.bnInference');

/**
 * Makes every BatchNormalization layer (also inside nested models) normalise with its moving
 * mean/variance even when the model runs with `training: true`, and never update them; also
 * marks those layers non-trainable. tfjs-layers' BatchNormalization ignores `trainable` and uses
 * batch statistics whenever `training` is true, which wrecks a pretrained base when fine-tuning
 * on small batches. Idempotent. Returns the names of the affected layers.
 *
 * This patches the layer objects in memory; it is not saved with the model — call it again after loading.
 * Unfreezing such a layer later lets gamma/beta train while the statistics stay fixed.
 *
 * @example
 * ```ts
 * keepBatchNormInInference(model);
 * freeze(model, { allButTopK: 2 });
 * model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
 * ```
 */
export function keepBatchNormInInference(model: tf.LayersModel): string[] {
  const names: string[] = [];
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) {
      names.push(...keepBatchNormInInference(layer));
      continue;
    }
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const patched = layer as Layer & { [PINNED]?: true };
    if (!patched[PINNED]) {
      const original = layer.call.bind(layer);
      layer.call = (inputs: Parameters<Layer['call']>[0], kwargs: Parameters<Layer['call']>[1]) => original(inputs, { ...kwargs, training: false });
      patched[PINNED] = true;
    }
    layer.trainable = false;
    names.push(layer.name);
  }
  return names;
}

/**
 * Counts the scalar weights of a model: all of them, and those training would update.
 *
 * @example
 * ```ts
 * const { total, trainable } = countParams(model);
 * console.log(`${trainable} of ${total} parameters will train`);
 * ```
 */
export function countParams(model: tf.LayersModel): { total: number; trainable: number } {
  return { total: model.countParams(), trainable: sumSizes(model.trainableWeights) };
}

// ---- helpers ---------------------------------------------------------------

function selectLayers(model: tf.LayersModel, sel: LayerSelector): { selected: Layer[]; topK: Layer[] } {
  const { names, indices, all, allButTopK } = sel;
  if (!all && names === undefined && indices === undefined && allButTopK === undefined) {
    throw new TransferkitError('BAD_OPTION', 'The layer selector is empty: it selects no layers.', {
      where: `model "${model.name}"`,
      hint: 'Pass names, indices, all: true or allButTopK: k.',
    });
  }
  const chosen = new Set<Layer>();
  for (const n of names ?? []) chosen.add(resolveLayer(model, n));
  for (const i of indices ?? []) chosen.add(resolveLayer(model, i));
  if (all) for (const l of model.layers) chosen.add(l);
  let topK: Layer[] = [];
  if (allButTopK !== undefined) {
    if (!Number.isInteger(allButTopK) || allButTopK < 0) {
      throw new TransferkitError('BAD_OPTION', `allButTopK must be a whole number ≥ 0, got ${allButTopK}.`, { where: `model "${model.name}"`, hint: 'allButTopK: 1 trains only the head.' });
    }
    const weighted = model.layers.filter((l) => l.weights.length > 0);
    topK = allButTopK === 0 ? [] : weighted.slice(-allButTopK);
    const keep = new Set(topK);
    for (const l of model.layers) if (!keep.has(l)) chosen.add(l);
  }
  // Keep model order for stable output.
  return { selected: model.layers.filter((l) => chosen.has(l)), topK: topK.filter((l) => !chosen.has(l)) };
}

/** `model.trainable = false` hides every weight; lift it without touching per-layer flags. */
function ensureModelTrainable(model: tf.LayersModel): void {
  if (model.trainable) return;
  const flags = model.layers.map((l) => l.trainable);
  model.trainable = true;
  model.layers.forEach((l, i) => {
    l.trainable = flags[i];
  });
}

/** The symbolic tensor that feeds the last Dense layer: cutting there drops the old head. */
function defaultCut(model: tf.LayersModel): SymbolicTensor {
  const dense = [...model.layers].reverse().find((l) => l.getClassName() === 'Dense');
  if (!dense) {
    throw new TransferkitError('NO_HEAD', `Model "${model.name}" has no Dense layer, so there is no head to replace.`, {
      where: `model "${model.name}"`,
      hint: `Pass cutAt with the layer to build on. Layers: ${model.layers.map((l) => l.name).join(', ')}.`,
    });
  }
  const input = dense.input;
  if (Array.isArray(input)) throw new TransferkitError('NO_HEAD', `The last Dense layer "${dense.name}" has several inputs.`, { where: `model "${model.name}"`, hint: 'Pass cutAt explicitly.' });
  return input;
}

function layerOutput(model: tf.LayersModel, layer: Layer): SymbolicTensor {
  let out: SymbolicTensor | SymbolicTensor[];
  try {
    out = layer.output;
  } catch (err) {
    throw new TransferkitError('BAD_CUT', `Layer "${layer.name}" is used more than once in the model, so its output is ambiguous.`, { where: `model "${model.name}"`, hint: 'Cut at a layer that is used once.', cause: err });
  }
  if (Array.isArray(out)) {
    if (out.length !== 1) throw new TransferkitError('BAD_CUT', `Layer "${layer.name}" has ${out.length} outputs; transferkit can only cut at a layer with one.`, { where: `model "${model.name}"`, hint: 'Cut at a layer with a single output.' });
    return out[0];
  }
  return out;
}

function firstShape(layer: Layer): (number | null)[] {
  try {
    const s = layer.outputShape as unknown;
    if (!Array.isArray(s)) return [];
    return (Array.isArray(s[0]) ? s[0] : s) as (number | null)[];
  } catch {
    return [];
  }
}

function sumSizes(weights: { shape: (number | null)[] }[]): number {
  return weights.reduce((acc, w) => acc + w.shape.reduce<number>((p, d) => p * (d ?? 0), 1), 0);
}

function rankByDistance(ref: string, names: string[]): string[] {
  const r = ref.toLowerCase();
  return names
    .map((n, i) => ({ n, i, d: editDistance(r, n.toLowerCase()) - (n.toLowerCase().includes(r) || r.includes(n.toLowerCase()) ? 0.5 : 0) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((e) => e.n);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
