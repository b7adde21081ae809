/**
 * LoRA layers (Hu et al., 2021): a frozen Dense or Conv2D kernel W plus low-rank adapters,
 *
 *   y = act(x·W + b + (α/r)·(x·A)·B)
 *
 * with A (`in × r`, or a `kh × kw × in × r` convolution) initialised uniformly at random
 * (seeded, ±1/√fan-in as in PEFT) and B (`r × out`) at zero, so a fresh adapter leaves the
 * output unchanged. Only the active adapter's A and B train. Several named adapters can live in
 * one layer; one is active at a time. Merging adds (α/r)·A·B into W (and stops computing the
 * adapter branch); unmerging subtracts it again.
 *
 * Both classes are registered with `tf.serialization`, so models holding them save and load
 * like any layers model (importing this module is enough).
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';

/** One adapter of a LoRA layer: its name, rank r and scale numerator α (the branch is scaled by α/r). */
export interface AdapterSpec {
  name: string;
  rank: number;
  alpha: number;
}

/** Configuration shared by the LoRA layers (what `getConfig` saves). */
interface LoraConfig {
  name?: string;
  trainable?: boolean;
  activation?: string;
  useBias?: boolean;
  adapters?: AdapterSpec[];
  /** Name of the adapter used in the forward pass, or null for none. */
  active?: string | null;
  /** Name of the adapter currently merged into the kernel, or null. */
  merged?: string | null;
  /** Fingerprint of the pretrained base the adapters were made for. */
  fingerprint?: string;
  /** Seeds the initialisation of A. */
  seed?: number;
}

type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];
type Activation = (x: tf.Tensor) => tf.Tensor;

const ACTIVATIONS: Record<string, Activation> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  softmax: (x) => tf.softmax(x, -1),
  softplus: (x) => tf.softplus(x),
};
/** Activations tfjs-layers fuses into the matMul/conv (so the bias is added inside the fused op). */
const FUSED = new Set(['relu', 'linear', 'elu']);

/**
 * Whether an activation name is one the LoRA layers can reproduce.
 *
 * @example
 * ```ts
 * supportedActivation('relu'); // true
 * ```
 */
export function supportedActivation(name: string): boolean {
  return name in ACTIVATIONS;
}

interface AdapterVars {
  spec: AdapterSpec;
  a: tf.LayerVariable;
  b: tf.LayerVariable;
}

/** What Dense and Conv2D LoRA layers share: adapters, activation, merging. */
abstract class LoraLayerBase extends tf.layers.Layer {
  readonly activationName: string;
  readonly useBias: boolean;
  fingerprint: string | undefined;
  protected kernel?: tf.LayerVariable;
  protected bias?: tf.LayerVariable;
  protected readonly specs: AdapterSpec[];
  protected readonly adapterVars = new Map<string, AdapterVars>();
  protected activeName: string | null;
  protected mergedName: string | null;
  protected readonly seed: number | undefined;

  constructor(config: LoraConfig) {
    super(config as LayerArgs);
    this.activationName = config.activation ?? 'linear';
    if (!supportedActivation(this.activationName)) {
      throw new TransferkitError('LORA_UNSUPPORTED', `LoRA layers cannot reproduce the "${this.activationName}" activation of layer "${config.name}"`, {
        hint: `Supported activations: ${Object.keys(ACTIVATIONS).join(', ')}. Leave this layer out of \`loraLayers\`.`,
      });
    }
    this.useBias = config.useBias ?? true;
    this.specs = (config.adapters ?? []).map((a) => ({ ...a }));
    this.activeName = config.active ?? null;
    this.mergedName = config.merged ?? null;
    this.fingerprint = config.fingerprint;
    this.seed = config.seed;
  }

  /** Shape of A and B for rank r. */
  protected abstract adapterShapes(rank: number): { a: number[]; b: number[]; fanIn: number };
  /** x·W (+ b, activation not applied) in the same precision as the plain layer. */
  protected abstract base(x: tf.Tensor, bias: tf.Tensor | null): tf.Tensor;
  /** (x·A)·B. */
  protected abstract branch(x: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor;

  /** Creates an adapter's A (seeded uniform ±1/√fan-in) and B (zeros). */
  protected createAdapter(spec: AdapterSpec, index: number, seed?: number): void {
    const shapes = this.adapterShapes(spec.rank);
    const bound = 1 / Math.sqrt(shapes.fanIn);
    const s = seed ?? (this.seed === undefined ? undefined : this.seed * 7919 + index * 104729);
    // build() runs inside the layer's name scope (weights named `layer/lora_A_x`); later additions do not, so scope them by hand
    const scope = this.built ? `${this.name}/` : '';
    const a = this.addWeight(`${scope}lora_A_${spec.name}`, shapes.a, 'float32', tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: s }), undefined, true);
    const b = this.addWeight(`${scope}lora_B_${spec.name}`, shapes.b, 'float32', tf.initializers.zeros(), undefined, true);
    this.adapterVars.set(spec.name, { spec, a, b });
    this.syncTrainable();
  }

  protected buildAdapters(): void {
    this.specs.forEach((s, i) => this.createAdapter(s, i));
  }

  /** Only the active, unmerged adapter trains. */
  protected syncTrainable(): void {
    for (const [name, v] of this.adapterVars) {
      const on = name === this.activeName && this.mergedName === null;
      v.a.trainable = on;
      v.b.trainable = on;
    }
  }

  /** The adapters of this layer. */
  get adapters(): AdapterSpec[] {
    return this.specs.map((s) => ({ ...s }));
  }

  /** Name of the adapter in use (or null). */
  get active(): string | null {
    return this.activeName;
  }

  /** Name of the adapter merged into the kernel (or null). */
  get merged(): string | null {
    return this.mergedName;
  }

  /** The frozen kernel (holding the merged adapter, if any). */
  get kernelVariable(): tf.LayerVariable {
    return this.kernel!;
  }

  /** The frozen bias, if the layer has one. */
  get biasVariable(): tf.LayerVariable | undefined {
    return this.bias;
  }

  /** An adapter's A and B variables. */
  adapterWeights(name: string): { a: tf.LayerVariable; b: tf.LayerVariable; spec: AdapterSpec } | undefined {
    return this.adapterVars.get(name);
  }

  /** Adds an adapter (built layers only); it starts as a no-op (B = 0). */
  addAdapter(spec: AdapterSpec, seed?: number): void {
    if (this.specs.some((s) => s.name === spec.name)) {
      throw new TransferkitError('ADAPTER_EXISTS', `Layer "${this.name}" already has an adapter named "${spec.name}"`, { hint: 'Pick another adapter name.' });
    }
    checkSpec(spec, this.name);
    this.specs.push({ ...spec });
    this.createAdapter(this.specs.at(-1)!, this.specs.length - 1, seed);
  }

  /** Uses the named adapter in the forward pass (`null`: none). */
  setActive(name: string | null): void {
    if (this.mergedName !== null && name !== this.mergedName) {
      throw new TransferkitError('ADAPTER_MERGED', `Adapter "${this.mergedName}" is merged into layer "${this.name}"`, { hint: 'Unmerge it before switching adapters.' });
    }
    if (name !== null && !this.adapterVars.has(name)) {
      throw new TransferkitError('UNKNOWN_ADAPTER', `Layer "${this.name}" has no adapter "${name}"`, { hint: `Adapters: ${this.specs.map((s) => s.name).join(', ') || 'none'}.` });
    }
    this.activeName = name;
    this.syncTrainable();
  }

  /** ΔW = (α/r)·A·B of an adapter, in the kernel's shape. */
  delta(name: string): tf.Tensor {
    const v = this.adapterVars.get(name)!;
    return tf.tidy(() => {
      const a = v.a.read();
      const k = this.kernel!.shape as number[];
      const a2 = tf.reshape(a, [-1, v.spec.rank]);
      return tf.reshape(tf.mul(tf.matMul(a2, v.b.read()), v.spec.alpha / v.spec.rank), k);
    });
  }

  /** W ← W + (α/r)·A·B for the active adapter; the branch is then skipped. */
  merge(): void {
    if (this.mergedName !== null || this.activeName === null) return;
    const d = this.delta(this.activeName);
    const next = tf.add(this.kernel!.read(), d);
    this.kernel!.write(next);
    tf.dispose([d, next]);
    this.mergedName = this.activeName;
    this.syncTrainable();
  }

  /** W ← W − (α/r)·A·B: undoes {@link merge}. */
  unmerge(): void {
    if (this.mergedName === null) return;
    const d = this.delta(this.mergedName);
    const next = tf.sub(this.kernel!.read(), d);
    this.kernel!.write(next);
    tf.dispose([d, next]);
    this.mergedName = null;
    this.syncTrainable();
  }

  /** Sets the frozen kernel and bias (e.g. from the layer being wrapped). */
  setBaseWeights(kernel: tf.Tensor, bias?: tf.Tensor): void {
    this.kernel!.write(kernel);
    if (this.bias && bias) this.bias.write(bias);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const fused = FUSED.has(this.activationName);
      const bias = this.bias ? this.bias.read() : null;
      let y = this.base(x, fused ? bias : null);
      const adapter = this.mergedName === null && this.activeName !== null ? this.adapterVars.get(this.activeName) : undefined;
      if (adapter) y = tf.add(y, tf.mul(this.branch(x, adapter.a.read(), adapter.b.read()), adapter.spec.alpha / adapter.spec.rank));
      if (!fused && bias) y = tf.add(y, bias);
      return ACTIVATIONS[this.activationName](y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      activation: this.activationName,
      useBias: this.useBias,
      adapters: this.specs.map((s) => ({ ...s })) as unknown as tf.serialization.ConfigDictArray,
      active: this.activeName,
      merged: this.mergedName,
      fingerprint: this.fingerprint ?? null,
      seed: this.seed ?? null,
    };
  }
}

/** Arguments of {@link LoraDense}. */
export interface LoraDenseConfig extends LoraConfig {
  units: number;
}

/**
 * A Dense layer with LoRA adapters: `act(x·W + b + (α/r)·(x·A)·B)`, W and b frozen.
 *
 * @example
 * ```ts
 * const layer = new LoraDense({ name: 'dense1', units: 128, activation: 'relu', adapters: [{ name: 'default', rank: 8, alpha: 8 }], active: 'default', seed: 1 });
 * ```
 */
export class LoraDense extends LoraLayerBase {
  static className = 'LoraDense';
  readonly units: number;
  private inputDim = 0;

  constructor(config: LoraDenseConfig) {
    super(config);
    this.units = config.units;
    for (const s of this.specs) checkSpec(s, config.name ?? 'LoraDense');
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    this.inputDim = shape[shape.length - 1]!;
    this.kernel = this.addWeight('kernel', [this.inputDim, this.units], 'float32', tf.initializers.zeros(), undefined, false);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros(), undefined, false);
    this.buildAdapters();
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = [...((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape)];
    shape[shape.length - 1] = this.units;
    return shape;
  }

  protected adapterShapes(rank: number): { a: number[]; b: number[]; fanIn: number } {
    return { a: [this.inputDim, rank], b: [rank, this.units], fanIn: this.inputDim };
  }

  protected base(x: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
    const flat = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, this.inputDim]) as tf.Tensor2D;
    const y = tf.fused.matMul({ a: flat, b: this.kernel!.read() as tf.Tensor2D, bias: bias ?? undefined });
    return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  protected branch(x: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    const flat = x.rank === 2 ? (x as tf.Tensor2D) : (tf.reshape(x, [-1, this.inputDim]) as tf.Tensor2D);
    const y = tf.matMul(tf.matMul(flat, a as tf.Tensor2D), b as tf.Tensor2D);
    return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

/** Arguments of {@link LoraConv2D}. */
export interface LoraConv2DConfig extends LoraConfig {
  filters: number;
  kernelSize: number[];
  strides?: number[];
  padding?: 'valid' | 'same';
  dilationRate?: number[];
}

/**
 * A Conv2D layer (channels last) with LoRA adapters: A is a convolution with the layer's own
 * kernel size, strides, padding and dilation into r channels, B a 1×1 convolution from r to the
 * output channels, so (α/r)·A·B reshaped is exactly a kernel update.
 *
 * @example
 * ```ts
 * const layer = new LoraConv2D({ name: 'conv2', filters: 64, kernelSize: [3, 3], padding: 'same', adapters: [{ name: 'default', rank: 4, alpha: 4 }], active: 'default' });
 * ```
 */
export class LoraConv2D extends LoraLayerBase {
  static className = 'LoraConv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly dilationRate: [number, number];
  private inChannels = 0;

  constructor(config: LoraConv2DConfig) {
    super(config);
    this.filters = config.filters;
    const pair = (v: number[] | number | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1] ?? v[0]]);
    this.kernelSize = pair(config.kernelSize, 1);
    this.strides = pair(config.strides, 1);
    this.padding = config.padding ?? 'valid';
    this.dilationRate = pair(config.dilationRate, 1);
    for (const s of this.specs) checkSpec(s, config.name ?? 'LoraConv2D');
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    this.inChannels = shape[shape.length - 1]!;
    this.kernel = this.addWeight('kernel', [...this.kernelSize, this.inChannels, this.filters], 'float32', tf.initializers.zeros(), undefined, false);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros(), undefined, false);
    this.buildAdapters();
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const out = (size: number | null, k: number, s: number, d: number) => {
      if (size === null) return null;
      const eff = k + (k - 1) * (d - 1);
      return this.padding === 'same' ? Math.ceil(size / s) : Math.ceil((size - eff + 1) / s);
    };
    return [shape[0], out(shape[1], this.kernelSize[0], this.strides[0], this.dilationRate[0]), out(shape[2], this.kernelSize[1], this.strides[1], this.dilationRate[1]), this.filters];
  }

  protected adapterShapes(rank: number): { a: number[]; b: number[]; fanIn: number } {
    return { a: [...this.kernelSize, this.inChannels, rank], b: [rank, this.filters], fanIn: this.kernelSize[0] * this.kernelSize[1] * this.inChannels };
  }

  protected base(x: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
    return tf.fused.conv2d({
      x: x as tf.Tensor4D,
      filter: this.kernel!.read() as tf.Tensor4D,
      strides: this.strides,
      pad: this.padding,
      dilations: this.dilationRate,
      dataFormat: 'NHWC',
      bias: bias ?? undefined,
      activation: 'linear',
    });
  }

  protected branch(x: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    const h = tf.conv2d(x as tf.Tensor4D, a as tf.Tensor4D, this.strides, this.padding, 'NHWC', this.dilationRate);
    const [n, hh, ww, r] = h.shape;
    return tf.reshape(tf.matMul(tf.reshape(h, [n * hh * ww, r]), b as tf.Tensor2D), [n, hh, ww, this.filters]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dilationRate: this.dilationRate };
  }
}

tf.serialization.registerClass(LoraDense);
tf.serialization.registerClass(LoraConv2D);

/** A layer with LoRA adapters. */
export type LoraLayer = LoraDense | LoraConv2D;

/**
 * Whether a layer carries LoRA adapters.
 *
 * @example
 * ```ts
 * model.layers.filter(isLoraLayer).map((l) => l.name);
 * ```
 */
export function isLoraLayer(layer: tf.layers.Layer): layer is LoraLayer {
  return layer instanceof LoraDense || layer instanceof LoraConv2D;
}

function checkSpec(spec: AdapterSpec, layer: string): void {
  if (!Number.isInteger(spec.rank) || spec.rank < 1) {
    throw new TransferkitError('BAD_OPTION', `LoRA rank must be a whole number ≥ 1, got ${spec.rank} (layer "${layer}")`, { hint: 'Typical ranks are 4 to 16, e.g. `loraRank: 8`.' });
  }
  if (!(spec.alpha > 0)) throw new TransferkitError('BAD_OPTION', `LoRA alpha must be > 0, got ${spec.alpha} (layer "${layer}")`, { hint: 'A common choice is alpha = rank (scale 1) or 2 × rank.' });
  if (!/^[A-Za-z0-9_.-]+$/.test(spec.name)) {
    throw new TransferkitError('BAD_OPTION', `Adapter name "${spec.name}" may only use letters, digits, "_", "." and "-"`, { hint: 'For example "mnist" or "task-a".' });
  }
}
