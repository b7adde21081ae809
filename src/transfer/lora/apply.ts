/**
 * Putting LoRA adapters on a model and managing them: wrap Dense (and Conv2D) layers, add and
 * switch named adapters, merge them into the base weights and back, and turn a LoRA model into
 * a plain one (merged) for deployment.
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { resolveLayer } from '../../models/surgery.ts';
import { isLoraLayer, LoraConv2D, LoraDense, supportedActivation, type AdapterSpec, type LoraLayer } from './layers.ts';

/** Options of {@link applyLora}. */
export interface LoraOptions {
  /** Rank r of the adapters (default 8). */
  rank?: number;
  /** Scale numerator α: the adapter branch is multiplied by α/r (default: equal to the rank, scale 1). */
  alpha?: number;
  /** Layers (names or indices) to adapt: Dense layers, or Conv2D layers (channels last, no groups). Default: every Dense layer but the output layer. */
  layers?: Array<string | number>;
  /** Name of the adapter (default `default`). */
  name?: string;
  /** Seeds the random initialisation of A. */
  seed?: number;
  /** Fingerprint of the pretrained base the adapter belongs to (default: {@link modelFingerprint} of `model`). */
  fingerprint?: string;
  /** Layers that train in full beside the adapters (e.g. a new head); every other layer is frozen. Default: none. */
  train?: Array<string | number>;
}

/**
 * A copy of `model` in which the chosen layers carry a fresh LoRA adapter (active, only its A
 * and B trainable, the wrapped kernels frozen, like every other layer not listed in `train`).
 * At initialisation the outputs are exactly those
 * of `model`. Layers upstream of the first adapted layer are shared with `model`; the adapted
 * layers and everything after them are new objects with copied weights, so `model` is left as it was.
 *
 * @throws TransferkitError `UNKNOWN_LAYER`, `LORA_UNSUPPORTED` (a layer that is not Dense/Conv2D, or has an activation LoRA cannot reproduce), `BAD_OPTION`.
 * @example
 * ```ts
 * const lora = applyLora(model, { rank: 8, alpha: 16, layers: ['dense1'], seed: 1 });
 * console.log(countTrainable(lora)); // 8 · (3136 + 128) + the head, when the head is trainable
 * ```
 */
export function applyLora(model: tf.LayersModel, opts: LoraOptions = {}): tf.LayersModel {
  const rank = opts.rank ?? 8;
  const spec: AdapterSpec = { name: opts.name ?? 'default', rank, alpha: opts.alpha ?? rank };
  const targets = opts.layers ? opts.layers.map((ref) => resolveLayer(model, ref)) : defaultTargets(model);
  if (targets.length === 0) {
    throw new TransferkitError('LORA_UNSUPPORTED', `Model "${model.name}" has no layer to put LoRA adapters on`, { hint: 'Name Dense or Conv2D layers with `loraLayers`.' });
  }
  const fingerprint = opts.fingerprint ?? modelFingerprint(model);
  const replacements = new Map<tf.layers.Layer, tf.layers.Layer>();
  targets.forEach((layer, i) => {
    if (isLoraLayer(layer)) {
      throw new TransferkitError('LORA_UNSUPPORTED', `Layer "${layer.name}" already carries LoRA adapters`, { hint: 'Use addAdapter() to give it another adapter.' });
    }
    replacements.set(layer, loraFor(layer, spec, opts.seed === undefined ? undefined : opts.seed * 1000 + i, fingerprint));
  });
  const copied: Array<[tf.layers.Layer, tf.layers.Layer]> = [];
  const out = rebuild(model, (layer) => replacements.get(layer), copied);
  for (const [from, to] of copied) {
    if (isLoraLayer(to)) {
      const [kernel, bias] = from.getWeights();
      to.setBaseWeights(kernel, bias);
    } else {
      copyWeights(from, to);
    }
  }
  const full = new Set((opts.train ?? []).map((ref) => resolveLayer(out, typeof ref === 'number' ? ref : ref).name));
  for (const layer of out.layers) layer.trainable = isLoraLayer(layer) || full.has(layer.name);
  return out;
}

/**
 * The LoRA layers of a model.
 *
 * @example
 * ```ts
 * loraLayers(model).map((l) => `${l.name}: ${l.adapters.map((a) => a.name)}`);
 * ```
 */
export function loraLayers(model: tf.LayersModel): LoraLayer[] {
  return model.layers.filter(isLoraLayer);
}

/**
 * Names of the adapters on a model, and which one is active.
 *
 * @example
 * ```ts
 * listAdapters(model); // { adapters: [{ name: 'default', rank: 8, alpha: 8, layers: ['dense1'] }], active: 'default' }
 * ```
 */
export function listAdapters(model: tf.LayersModel): { adapters: Array<AdapterSpec & { layers: string[] }>; active: string | null; merged: string | null } {
  const byName = new Map<string, AdapterSpec & { layers: string[] }>();
  let active: string | null = null;
  let merged: string | null = null;
  for (const layer of loraLayers(model)) {
    for (const a of layer.adapters) {
      const entry = byName.get(a.name) ?? { ...a, layers: [] };
      entry.layers.push(layer.name);
      byName.set(a.name, entry);
    }
    active ??= layer.active;
    merged ??= layer.merged;
  }
  return { adapters: [...byName.values()], active, merged };
}

/**
 * Adds another named adapter to the model's LoRA layers (all of them, or those named) and
 * makes it active; it starts as a no-op (B = 0).
 *
 * @throws TransferkitError `NOT_A_LORA_MODEL`, `ADAPTER_EXISTS`, `ADAPTER_MERGED`.
 * @example
 * ```ts
 * addAdapter(model, { name: 'task-b', rank: 4, seed: 2 });
 * ```
 */
export function addAdapter(model: tf.LayersModel, opts: { name: string; rank?: number; alpha?: number; layers?: string[]; seed?: number }): void {
  const layers = targetLoraLayers(model, opts.layers);
  const rank = opts.rank ?? 8;
  layers.forEach((layer, i) => {
    if (layer.merged !== null) throw mergedError(layer.merged);
    layer.addAdapter({ name: opts.name, rank, alpha: opts.alpha ?? rank }, opts.seed === undefined ? undefined : opts.seed * 1000 + i);
  });
  setActiveAdapter(model, opts.name);
}

/**
 * Makes the named adapter the one used (and trained); layers without it run without adapter.
 * `null` switches every adapter off (the base model's outputs).
 *
 * @throws TransferkitError `UNKNOWN_ADAPTER`, `ADAPTER_MERGED`.
 * @example
 * ```ts
 * setActiveAdapter(model, 'task-a');
 * ```
 */
export function setActiveAdapter(model: tf.LayersModel, name: string | null): void {
  const layers = targetLoraLayers(model);
  const merged = layers.find((l) => l.merged !== null);
  if (merged && merged.merged !== name) throw mergedError(merged.merged!);
  if (name !== null && !layers.some((l) => l.adapters.some((a) => a.name === name))) {
    throw new TransferkitError('UNKNOWN_ADAPTER', `The model has no adapter named "${name}"`, { hint: `Adapters: ${listAdapters(model).adapters.map((a) => a.name).join(', ') || 'none'}.` });
  }
  for (const l of layers) l.setActive(name !== null && l.adapters.some((a) => a.name === name) ? name : null);
}

/**
 * Merges the active adapter into the wrapped kernels (W ← W + (α/r)·A·B); the model then
 * computes the same outputs without the adapter branch. Undo with {@link unmergeAdapter}.
 *
 * @example
 * ```ts
 * mergeAdapter(model); // faster inference, same outputs
 * ```
 */
export function mergeAdapter(model: tf.LayersModel): void {
  for (const l of targetLoraLayers(model)) l.merge();
}

/**
 * Takes a merged adapter out of the kernels again (W ← W − (α/r)·A·B).
 *
 * @example
 * ```ts
 * unmergeAdapter(model);
 * setActiveAdapter(model, 'other');
 * ```
 */
export function unmergeAdapter(model: tf.LayersModel): void {
  for (const l of targetLoraLayers(model)) l.unmerge();
}

/**
 * A plain model (Dense / Conv2D layers, no LoRA classes) computing what the LoRA model
 * computes with its active adapter merged in: for deployment, or for tools that know nothing of LoRA.
 *
 * @example
 * ```ts
 * await saveModel(mergedModel(model), 'out/model', meta);
 * ```
 */
export function mergedModel(model: tf.LayersModel): tf.LayersModel {
  const replacements = new Map<tf.layers.Layer, tf.layers.Layer>();
  for (const l of loraLayers(model)) replacements.set(l, plainFor(l));
  const copied: Array<[tf.layers.Layer, tf.layers.Layer]> = [];
  const out = rebuild(model, (layer) => replacements.get(layer), copied);
  for (const [from, to] of copied) {
    if (isLoraLayer(from)) {
      const kernel = tf.tidy(() => (from.merged === null && from.active !== null ? tf.add(from.kernelVariable.read(), from.delta(from.active)) : tf.clone(from.kernelVariable.read())));
      const bias = from.biasVariable?.read();
      to.setWeights(bias ? [kernel, bias] : [kernel]);
      kernel.dispose();
    } else {
      copyWeights(from, to);
    }
  }
  out.layers.forEach((l, i) => {
    const src = model.layers.find((m) => m.name === l.name);
    l.trainable = src ? src.trainable : model.layers[i]?.trainable ?? true;
  });
  return out;
}

/**
 * The fingerprint of a model's architecture and weights: a 16-hex-digit hash over every
 * layer's name, class and weight shapes and the bytes of its weights. Adapters record the
 * fingerprint of the base they were trained on, so they are never loaded onto another one.
 *
 * @example
 * ```ts
 * modelFingerprint(base); // '9f2c4e1a0b7d3e55'
 * ```
 */
export function modelFingerprint(model: tf.LayersModel): string {
  const h = new Hash();
  for (const layer of model.layers) {
    const ws = [...layer.weights].sort((a, b) => a.id - b.id);
    h.text(`${layer.name}|${layer.getClassName()}|${ws.map((w) => w.shape.join('x')).join(',')};`);
    for (const w of ws) {
      const values = w.read().dataSync() as Float32Array;
      h.bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
  }
  return h.hex();
}

/**
 * The fingerprint of the base a LoRA model was made from (recorded in its LoRA layers), or `undefined` for a model without adapters.
 *
 * @example
 * ```ts
 * loraFingerprint(model) === modelFingerprint(base); // true
 * ```
 */
export function loraFingerprint(model: tf.LayersModel): string | undefined {
  return loraLayers(model).find((l) => l.fingerprint)?.fingerprint;
}

/**
 * Number of scalar weights training would update now.
 *
 * @example
 * ```ts
 * countTrainable(lora); // Σ r·(in + out) over adapted layers, plus any trainable head
 * ```
 */
export function countTrainable(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

// ---- helpers ---------------------------------------------------------------

function defaultTargets(model: tf.LayersModel): tf.layers.Layer[] {
  const outputLayers = new Set(model.outputs.map((o) => o.sourceLayer));
  return model.layers.filter((l) => l.getClassName() === 'Dense' && !outputLayers.has(l));
}

function targetLoraLayers(model: tf.LayersModel, names?: string[]): LoraLayer[] {
  const all = loraLayers(model);
  if (all.length === 0) {
    throw new TransferkitError('NOT_A_LORA_MODEL', `Model "${model.name}" has no LoRA layers`, { hint: 'Put adapters on it first with applyLora() (or fit with `strategy: "lora"`).' });
  }
  if (!names) return all;
  return names.map((n) => {
    const l = all.find((x) => x.name === n);
    if (!l) throw new TransferkitError('UNKNOWN_LAYER', `"${n}" is not a LoRA layer of the model`, { hint: `LoRA layers: ${all.map((x) => x.name).join(', ')}.` });
    return l;
  });
}

function mergedError(name: string): TransferkitError {
  return new TransferkitError('ADAPTER_MERGED', `Adapter "${name}" is merged into the base weights`, { hint: 'Call unmergeAdapter() first.' });
}

type LayerConfig = Record<string, unknown>;

function loraFor(layer: tf.layers.Layer, spec: AdapterSpec, seed: number | undefined, fingerprint: string): LoraLayer {
  const cls = layer.getClassName();
  const cfg = layer.getConfig() as LayerConfig;
  const activation = String(cfg.activation ?? 'linear');
  if ((cls !== 'Dense' && cls !== 'Conv2D') || !supportedActivation(activation)) {
    throw new TransferkitError('LORA_UNSUPPORTED', `Layer "${layer.name}" is a ${cls}${cls === 'Dense' || cls === 'Conv2D' ? ` with a "${activation}" activation` : ''}; LoRA adapters go on Dense and Conv2D layers`, {
      hint: 'Name Dense (or Conv2D) layers in `loraLayers`; see `transferkit inspect` for the layer types.',
    });
  }
  const common = { name: layer.name, activation, useBias: Boolean(cfg.useBias), adapters: [spec], active: spec.name, merged: null, fingerprint, seed };
  if (cls === 'Dense') return new LoraDense({ ...common, units: Number(cfg.units) });
  if ((cfg.dataFormat ?? 'channelsLast') !== 'channelsLast') {
    throw new TransferkitError('LORA_UNSUPPORTED', `Conv2D layer "${layer.name}" is channels-first; LoRA supports channels-last convolutions`, { hint: 'Leave this layer out of `loraLayers`.' });
  }
  const pad = cfg.padding === 'same' ? 'same' : cfg.padding === 'valid' ? 'valid' : undefined;
  if (!pad) throw new TransferkitError('LORA_UNSUPPORTED', `Conv2D layer "${layer.name}" uses "${String(cfg.padding)}" padding`, { hint: 'LoRA supports "same" and "valid" padding.' });
  return new LoraConv2D({
    ...common,
    filters: Number(cfg.filters),
    kernelSize: cfg.kernelSize as number[],
    strides: cfg.strides as number[],
    padding: pad,
    dilationRate: (Array.isArray(cfg.dilationRate) ? cfg.dilationRate : [cfg.dilationRate ?? 1, cfg.dilationRate ?? 1]) as number[],
  });
}

function plainFor(layer: LoraLayer): tf.layers.Layer {
  const act = layer.activationName as 'linear';
  if (layer instanceof LoraDense) return tf.layers.dense({ name: layer.name, units: layer.units, activation: act, useBias: layer.useBias });
  return tf.layers.conv2d({
    name: layer.name,
    filters: layer.filters,
    kernelSize: layer.kernelSize,
    strides: layer.strides,
    padding: layer.padding,
    dilationRate: layer.dilationRate,
    activation: act,
    useBias: layer.useBias,
  });
}

interface NodeLike {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

/**
 * Rebuilds a functional model with some layers replaced. Layers whose inputs do not change are
 * reused as they are; layers downstream of a replacement are cloned (fresh objects with the same
 * config, recorded in `copied` with their source so weights can be copied), so the original
 * model keeps working and no layer ends up in two graphs.
 */
function rebuild(model: tf.LayersModel, replace: (layer: tf.layers.Layer) => tf.layers.Layer | undefined, copied: Array<[tf.layers.Layer, tf.layers.Layer]>): tf.LayersModel {
  const memo = new Map<tf.SymbolicTensor, tf.SymbolicTensor>();
  const clones = new Map<tf.layers.Layer, tf.layers.Layer>();
  for (const input of model.inputs) memo.set(input, input);
  const visit = (t: tf.SymbolicTensor): tf.SymbolicTensor => {
    const known = memo.get(t);
    if (known) return known;
    const layer = t.sourceLayer as tf.layers.Layer & { inboundNodes: NodeLike[] };
    const node = layer.inboundNodes[t.nodeIndex];
    const inputs = node.inputTensors.map(visit);
    const unchanged = inputs.every((x, i) => x === node.inputTensors[i]);
    let target = replace(layer);
    if (!target && unchanged) {
      node.outputTensors.forEach((o) => memo.set(o, o));
      return t;
    }
    if (!target) {
      target = clones.get(layer) ?? cloneLayer(layer);
      clones.set(layer, target);
    }
    const out = target.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor | tf.SymbolicTensor[];
    const outs = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((o, i) => memo.set(o, outs[i]));
    if (!copied.some(([from]) => from === layer)) copied.push([layer, target]);
    return memo.get(t)!;
  };
  const outputs = model.outputs.map(visit);
  return tf.model({ inputs: model.inputs, outputs: outputs.length === 1 ? outputs[0] : outputs, name: model.name });
}

function cloneLayer(layer: tf.layers.Layer): tf.layers.Layer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  if (!entry) throw new TransferkitError('LORA_UNSUPPORTED', `Cannot copy layer "${layer.name}" of unregistered class ${layer.getClassName()}`, { hint: 'Register the layer class with tf.serialization.registerClass.' });
  const [cls, fromConfig] = entry;
  return fromConfig(cls, layer.getConfig()) as unknown as tf.layers.Layer;
}

/** Copies weights between two layers of the same class and config, matched by creation order. */
function copyWeights(from: tf.layers.Layer, to: tf.layers.Layer): void {
  const src = [...from.weights].sort((a, b) => a.id - b.id);
  const dst = [...to.weights].sort((a, b) => a.id - b.id);
  src.forEach((w, i) => dst[i].write(w.read()));
}

/** Two FNV-1a 32-bit lanes with different offsets: a fast 64-bit fingerprint (not cryptographic). */
class Hash {
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193 ^ 0x5bd1e995;

  text(s: string): void {
    this.bytes(new TextEncoder().encode(s));
  }

  bytes(b: Uint8Array): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < b.length; i++) {
      h1 = Math.imul(h1 ^ b[i], 0x01000193);
      h2 = Math.imul(h2 ^ b[i], 0x01000193) ^ (h2 >>> 13);
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  hex(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }
}
