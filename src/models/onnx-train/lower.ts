/**
 * Lowers a TF.js layers model to the training compiler's list of primitive operations (one
 * layer becomes one or two: a Conv2D with an activation is `conv` then `act`), with every
 * weight described once: its TF.js variable, its ONNX layout and shape, whether it trains, its
 * learning-rate multiplier and whether weight decay applies. Operations are wired by value ids
 * (0 is the model input), so chains, nested models and branches joined by Add or Concatenate
 * are accepted; shared layers, several inputs or outputs, and unknown layer classes are an
 * `ONNX_TRAIN_UNSUPPORTED` error naming the layer and its class.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { onnxShape, type WeightLayout } from './layout.ts';

/** One weight of the model as the graph sees it. */
export interface ParamSpec {
  /** Graph input name, e.g. `w:conv1/kernel`. */
  key: string;
  /** The TF.js weight's name. */
  tfName: string;
  /** The TF.js variable (read at creation, written by `writeBack`). */
  variable: tf.LayerVariable;
  layout: WeightLayout;
  tfShape: number[];
  onnxShape: number[];
  /** Updated by the optimiser. */
  trainable: boolean;
  /** Learning-rate multiplier (discriminative learning rates). */
  lrScale: number;
  /** Decoupled weight decay applies (kernels: rank ≥ 2). */
  decay: boolean;
}

/** A primitive operation of the chain. */
export interface PrimOp {
  kind: 'dense' | 'conv' | 'batchnorm' | 'act' | 'maxpool' | 'avgpool' | 'gap' | 'gmp' | 'flatten' | 'reshape' | 'dropout' | 'pad' | 'add' | 'concat';
  /** The TF.js layer it comes from. */
  layer: string;
  className: string;
  /** Weights by role (`kernel`, `bias`, `gamma`, `beta`, `mean`, `var`). */
  params: Record<string, ParamSpec>;
  attrs: Record<string, unknown>;
  /** Value ids it reads (0 is the model input). */
  inputs: number[];
  /** Value id it writes. */
  output: number;
}

/** Options of {@link lowerModel}. */
export interface LowerOptions {
  /** Learning-rate multiplier per layer name (a nested model's factor applies to its layers). */
  layerLr?: Map<string, number>;
}

/**
 * The model's primitive operations in topological order, its input shape (TF.js, without
 * batch) and the value id of its output.
 *
 * @example
 * ```ts
 * const { ops, inputShape, output } = lowerModel(model); // ops[0].kind === 'conv'
 * ```
 */
export function lowerModel(model: tf.LayersModel, opts: LowerOptions = {}): { ops: PrimOp[]; inputShape: number[]; output: number } {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw unsupported(model.name, model.getClassName(), `it has ${model.inputs.length} inputs and ${model.outputs.length} outputs; one of each is needed`);
  }
  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1);
  if (inputShape.some((d) => d === null)) throw unsupported(model.name, model.getClassName(), `its input shape [${inputShape.join(', ')}] is not fully known`);
  const state: Wiring = { ops: [], values: new Map([[model.inputs[0].id, 0]]), next: 1 };
  visit(model, model.trainable, undefined, opts.layerLr, state);
  const output = state.values.get(model.outputs[0].id);
  if (output === undefined) throw unsupported(model.name, model.getClassName(), 'its output is not connected to its input');
  return { ops: state.ops, inputShape: inputShape as number[], output };
}

/** Lowering state: the operations so far and the value id of every symbolic tensor seen. */
interface Wiring {
  ops: PrimOp[];
  values: Map<number, number>;
  next: number;
}

function visit(model: tf.LayersModel, trainable: boolean, factor: number | undefined, layerLr: Map<string, number> | undefined, w: Wiring): void {
  for (const layer of model.layers) {
    const f = layerLr?.get(layer.name) ?? factor;
    if (layer.getClassName() === 'InputLayer') continue;
    // the node that applies this layer in this graph: of the layer's nodes, those of this model
    // (a layer may also be applied in other models that share its weights, e.g. a head split
    // off a full model: that is fine); two in this model is a shared layer
    const own = containerNodes(model);
    const mine = layer.inboundNodes.filter((n, i) => (own ? own.has(`${layer.name}_ib-${i}`) : true) && n.inputTensors.length > 0);
    if (mine.length > 1) throw unsupported(layer.name, layer.getClassName(), 'it is shared (applied more than once); the ONNX engine compiles each layer once');
    const nodes = mine.filter((n) => n.inputTensors.every((t) => w.values.has(t.id)));
    if (nodes.length !== 1) throw unsupported(layer.name, layer.getClassName(), 'it is not connected to the model input');
    const node = nodes[0];
    const inputs = node.inputTensors.map((t) => w.values.get(t.id)!);
    if (layer instanceof tf.LayersModel) {
      if (layer.inputs.length !== 1 || layer.outputs.length !== 1) throw unsupported(layer.name, layer.getClassName(), 'a nested model needs one input and one output');
      w.values.set(layer.inputs[0].id, inputs[0]);
      visit(layer, trainable, f, layerLr, w);
      w.values.set(node.outputTensors[0].id, w.values.get(layer.outputs[0].id)!);
      continue;
    }
    const out = lowerLayer(layer, trainable, f ?? 1, inputs, w);
    w.values.set(node.outputTensors[0].id, out);
  }
}

/** The keys (`<layer>_ib-<node index>`) of the nodes that make up a model's graph (a Sequential's are its inner model's); `undefined` when tfjs does not say. */
function containerNodes(model: tf.LayersModel): Set<string> | undefined {
  const inner = (model as unknown as { model?: unknown }).model;
  const graph = inner instanceof tf.LayersModel ? inner : model;
  const keys = (graph as unknown as { containerNodes?: Set<string> }).containerNodes;
  return keys && keys.size > 0 ? keys : undefined;
}

/** Lowers one layer applied to `inputs`; returns the value id of its output. */
function lowerLayer(layer: tf.layers.Layer, modelTrainable: boolean, lrScale: number, inputs: number[], w: Wiring): number {
  let current = inputs;
  const cls = layer.getClassName();
  const cfg = layer.getConfig() as Record<string, unknown>;
  const trainableSet = new Set(modelTrainable ? layer.trainableWeights.map((w) => w.name) : []);
  const byRole = (role: string, layout: WeightLayout): ParamSpec | undefined => {
    const w = layer.weights.find((v) => v.name.endsWith(`/${role}`) || v.originalName?.endsWith(`/${role}`));
    if (!w) return undefined;
    const shape = w.shape as number[];
    return { key: `w:${w.name}`, tfName: w.name, variable: w, layout, tfShape: shape, onnxShape: onnxShape(layout, shape), trainable: trainableSet.has(w.name), lrScale, decay: shape.length >= 2 };
  };
  const push = (kind: PrimOp['kind'], params: Record<string, ParamSpec | undefined>, attrs: Record<string, unknown> = {}) => {
    const clean: Record<string, ParamSpec> = {};
    for (const [k, v] of Object.entries(params)) if (v) clean[k] = v;
    const output = w.next++;
    w.ops.push({ kind, layer: layer.name, className: cls, params: clean, attrs, inputs: current, output });
    current = [output];
  };
  const single = () => {
    if (inputs.length !== 1) throw unsupported(layer.name, cls, `it takes ${inputs.length} inputs`);
  };
  const activation = (name: unknown) => {
    const a = String(name ?? 'linear');
    if (a === 'linear') return;
    if (!ACTIVATIONS.has(a)) throw unsupported(layer.name, cls, `its activation '${a}' is not supported (supported: linear, ${[...ACTIVATIONS].join(', ')})`);
    push('act', {}, { fn: a });
  };
  const channelsLast = () => {
    if (cfg.dataFormat !== undefined && cfg.dataFormat !== 'channels_last' && cfg.dataFormat !== 'channelsLast') throw unsupported(layer.name, cls, `data format '${String(cfg.dataFormat)}' is not supported (channels_last only)`);
  };
  if (!['Add', 'Concatenate'].includes(cls)) single();
  lowerBody(layer, cls, cfg, byRole, push, activation, channelsLast);
  return current[0];
}

type Push = (kind: PrimOp['kind'], params: Record<string, ParamSpec | undefined>, attrs?: Record<string, unknown>) => void;

function lowerBody(layer: tf.layers.Layer, cls: string, cfg: Record<string, unknown>, byRole: (role: string, layout: WeightLayout) => ParamSpec | undefined, push: Push, activation: (name: unknown) => void, channelsLast: () => void): void {
  switch (cls) {
    case 'Add':
      push('add', {});
      return;
    case 'Concatenate':
      push('concat', {}, { axis: Number(cfg.axis ?? -1) });
      return;
    case 'Dense':
      push('dense', { kernel: byRole('kernel', 'plain'), bias: byRole('bias', 'plain') });
      return activation(cfg.activation);
    case 'Conv2D':
    case 'DepthwiseConv2D': {
      channelsLast();
      const dil = pair(cfg.dilationRate ?? 1);
      if (dil[0] !== 1 || dil[1] !== 1) throw unsupported(layer.name, cls, `dilation rate [${dil.join(', ')}] is not supported (1 only)`);
      const depthwise = cls === 'DepthwiseConv2D';
      push('conv', { kernel: depthwise ? byRole('depthwise_kernel', 'depthwise') : byRole('kernel', 'conv'), bias: byRole('bias', 'plain') }, {
        kernel: pair(cfg.kernelSize), strides: pair(cfg.strides ?? 1), padding: String(cfg.padding ?? 'valid'), depthwise,
      });
      return activation(cfg.activation);
    }
    case 'BatchNormalization': {
      const axis = Number(cfg.axis ?? -1);
      const rank = (layer.inputSpec?.[0]?.ndim ?? (layer.input as tf.SymbolicTensor).shape.length) as number;
      if (axis !== -1 && axis !== rank - 1) throw unsupported(layer.name, cls, `axis ${axis} is not supported (the last axis only)`);
      const pinned = (layer as unknown as Record<symbol, unknown>)[Symbol.for('transferkit.bnInference')] === true;
      push('batchnorm', { gamma: byRole('gamma', 'plain'), beta: byRole('beta', 'plain'), mean: byRole('moving_mean', 'plain'), var: byRole('moving_variance', 'plain') }, {
        epsilon: Number(cfg.epsilon ?? 1e-3), momentum: Number(cfg.momentum ?? 0.99), inference: pinned,
      });
      return;
    }
    case 'Activation':
      return activation(cfg.activation);
    case 'ReLU': {
      const max = cfg.maxValue;
      if (max === null || max === undefined) return activation('relu');
      push('act', {}, { fn: 'relu6', max: Number(max) });
      return;
    }
    case 'Softmax':
      if (cfg.axis !== undefined && Number(cfg.axis) !== -1 && Number(cfg.axis) !== (layer.input as tf.SymbolicTensor).shape.length - 1) throw unsupported(layer.name, cls, 'softmax over an axis other than the last is not supported');
      return activation('softmax');
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      channelsLast();
      const k = pair(cfg.poolSize ?? 2);
      push(cls === 'MaxPooling2D' ? 'maxpool' : 'avgpool', {}, { kernel: k, strides: pair(cfg.strides ?? k), padding: String(cfg.padding ?? 'valid') });
      return;
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      channelsLast();
      if (cfg.keepDims) throw unsupported(layer.name, cls, 'keepDims is not supported');
      push(cls === 'GlobalAveragePooling2D' ? 'gap' : 'gmp', {});
      return;
    case 'Flatten':
      push('flatten', {});
      return;
    case 'Reshape':
      push('reshape', {}, { target: (cfg.targetShape as number[]).slice() });
      return;
    case 'Dropout': {
      if (cfg.noiseShape) throw unsupported(layer.name, cls, 'a noise shape is not supported');
      const rate = Number(cfg.rate ?? 0);
      if (rate > 0) push('dropout', {}, { rate });
      return;
    }
    case 'ZeroPadding2D': {
      channelsLast();
      const p = cfg.padding as number | number[] | number[][];
      const pads = typeof p === 'number' ? [[p, p], [p, p]] : Array.isArray(p[0]) ? (p as number[][]) : [[p[0] as number, p[0] as number], [p[1] as number, p[1] as number]];
      push('pad', {}, { top: pads[0][0], bottom: pads[0][1], left: pads[1][0], right: pads[1][1] });
      return;
    }
    default:
      throw unsupported(layer.name, cls, `layers of class ${cls} are not supported yet`);
  }
}

const ACTIVATIONS = new Set(['relu', 'relu6', 'sigmoid', 'tanh', 'softmax']);

function pair(v: unknown): [number, number] {
  if (Array.isArray(v)) return [Number(v[0]), Number(v[1] ?? v[0])];
  return [Number(v), Number(v)];
}

/**
 * The ONNX_TRAIN_UNSUPPORTED error for a layer.
 *
 * @example
 * ```ts
 * throw unsupported('lstm1', 'LSTM', 'layers of class LSTM are not supported yet');
 * ```
 */
export function unsupported(layer: string, cls: string, why: string): TransferkitError {
  return new TransferkitError('ONNX_TRAIN_UNSUPPORTED', `The ONNX training engine cannot compile layer "${layer}" (${cls}): ${why}`, {
    where: layer,
    hint: 'Train this model with the TF.js engine (--engine tfjs), or replace the layer.',
  });
}
