/**
 * ONNX → trainable TF.js layers model, for graphs made of the common CNN / MLP ops.
 *
 * ONNX image tensors are NCHW; TF.js layers are NHWC. The converter keeps image tensors NHWC
 * inside TF.js and converts the weights instead: conv kernels OIHW → HWIO, depthwise kernels
 * → `[h, w, channels, multiplier]`, per-channel constants and BatchNorm along the last axis.
 * A Flatten of an image tensor flattens in NHWC order; the Gemm / MatMul that reads it gets its
 * weight rows reordered to match (any other reader gets a Permute back to ONNX order), so the
 * converted model computes the same function with no transposes at run time.
 *
 * Explicit pads become `'same'` when they equal TF's `'same'` padding, otherwise a ZeroPadding2D
 * layer before a `'valid'` convolution. A constant Add right after a Conv / Gemm / MatMul is
 * folded into that layer's bias.
 *
 * Supported ops: Conv (groups, depthwise), Gemm, MatMul, Add, Sub, Mul, Div (with a per-channel
 * constant, or two tensors of one shape for Add / Mul), BatchNormalization, Relu, LeakyRelu,
 * Clip (with min 0, e.g. Relu6), Sigmoid, Tanh, Softmax, MaxPool, AveragePool,
 * GlobalAveragePool, GlobalMaxPool, Flatten, Reshape (constant shape), Concat, Dropout,
 * Identity, Constant. Anything else is a `UNSUPPORTED_OP` error naming the op and the node.
 */
import * as tf from '@tensorflow/tfjs';
import { basename } from 'node:path';
import { TransferkitError } from '../../errors.ts';
import type { FeatureSpec } from '../../data/features.ts';
import { saveModel, type ModelMeta, type ModelMetaInput } from '../io.ts';
import { binaryConst, concatConst, FoldError, gatherConst, shapeOf, sliceConst, squeezeConst, unsqueezeConst, type ConstValue } from './shape-folding.ts';
import { attributes, tensorDims, tensorValues, type AttrValue, type Onnx } from './proto.ts';
import { nodeName, readOnnx, type OnnxModel } from './read.ts';
import { spatialOut } from './shapes.ts';

/** Options of {@link convertOnnx}. */
export interface ConvertOnnxOptions {
  /** Name of the TF.js model. Default: the file name without `.onnx`. */
  name?: string;
}

/** What {@link convertOnnx} produced. */
export interface ConvertOnnxResult {
  model: tf.LayersModel;
  /** Per-example input shape of the TF.js model, e.g. `[224, 224, 3]` (NHWC) for an NCHW image model. */
  inputShape: number[];
  /** Per-example output shape of the first output. */
  outputShape: number[];
  /** Class names `'0'..'k-1'` when the first output is `[batch, k]`; otherwise `[]`. */
  classes: string[];
  /** An image spec when the ONNX input is `[N, C, H, W]` with fixed C, H, W; otherwise `null`. */
  features: FeatureSpec | null;
  /** ONNX value name → name of the TF.js layer that computes it (values that got a layer). */
  layerOf: Record<string, string>;
  /** Counts of converted nodes per op type. */
  ops: Record<string, number>;
  /** Things a user should know, e.g. a grouped conv stored as a block-diagonal kernel. */
  notes: string[];
  /** Total parameters of the TF.js model. */
  params: number;
}

/** How the TF.js tensor relates to the ONNX tensor it stands for. */
type Layout =
  /** Same dims, same order. */
  | { kind: 'plain' }
  /** ONNX `[N, C, H, W]` held as TF `[N, H, W, C]`. */
  | { kind: 'nhwc' }
  /** ONNX `[N, C, 1, 1]` held as TF `[N, C]` (after global pooling). */
  | { kind: 'pooled' }
  /** ONNX `[N, C·H·W]` (CHW order) held as TF `[N, H·W·C]` (HWC order). */
  | { kind: 'flat'; c: number; h: number; w: number };

interface Sym {
  kind: 'sym';
  t: tf.SymbolicTensor;
  layout: Layout;
  /** Known to be ≥ 0 (after Relu and friends): zero padding equals -∞ padding for MaxPool. */
  nonNeg: boolean;
}

type Const = ConstValue;

type Value = Sym | Const;

interface WeightInit {
  layer: tf.layers.Layer;
  weights: { data: Float32Array; shape: number[] }[];
}

/**
 * Converts an ONNX model (path or loaded) into a TF.js layers model with the same weights.
 * The result is trainable like any TF.js model (BatchNorm moving statistics included).
 *
 * @throws TransferkitError `UNSUPPORTED_OP` naming the op and node (and what would make it
 *   convertible), `UNSUPPORTED_MODEL` (several inputs, an input without a known channel count),
 *   plus the errors of `readOnnx`.
 * @example
 * ```ts
 * const { model, inputShape, classes } = await convertOnnx('mobilenet.onnx');
 * model.predict(tf.zeros([1, ...inputShape]));
 * ```
 */
export async function convertOnnx(pathOrModel: string | OnnxModel, opts: ConvertOnnxOptions = {}): Promise<ConvertOnnxResult> {
  const model = typeof pathOrModel === 'string' ? await readOnnx(pathOrModel) : pathOrModel;
  return new Converter(model, opts).run();
}

/**
 * Converts an ONNX model and saves it as a transferkit model folder (`saveModel`), ready for
 * `fit --base <dir>`. The metadata records classes `'0'..'k-1'`, the image input spec, and the
 * ONNX source.
 *
 * @example
 * ```ts
 * const { result, meta } = await convertOnnxToDir('resnet.onnx', 'models/resnet-tfjs');
 * result.model.dispose();
 * ```
 */
export async function convertOnnxToDir(path: string, outDir: string, opts: ConvertOnnxOptions = {}): Promise<{ result: ConvertOnnxResult; meta: ModelMeta }> {
  const onnxModel = await readOnnx(path);
  const result = await convertOnnx(onnxModel, opts);
  const meta = await saveModel(result.model, outDir, convertedMeta(onnxModel, result));
  return { result, meta };
}

/**
 * The transferkit metadata of a converted model: classes `'0'..'k-1'`, the image input spec,
 * and where it came from.
 *
 * @example
 * ```ts
 * const onnx = await readOnnx('resnet.onnx');
 * const meta = convertedMeta(onnx, await convertOnnx(onnx));
 * ```
 */
export function convertedMeta(onnxModel: OnnxModel, result: ConvertOnnxResult): ModelMetaInput {
  return {
    classes: result.classes,
    features: result.features,
    name: result.model.name,
    source: { base: onnxModel.path, strategy: 'onnx-convert' },
    inputShape: result.inputShape,
    onnx: { file: basename(onnxModel.path), opset: onnxModel.opset, producer: onnxModel.producer, layerOf: result.layerOf, notes: result.notes },
  };
}

// ---- the converter ---------------------------------------------------------

class Converter {
  private readonly values = new Map<string, Value>();
  private readonly inits: WeightInit[] = [];
  /** Every layer made, to free their weights if conversion fails part-way. */
  private readonly created: tf.layers.Layer[] = [];
  private readonly layerNames = new Set<string>();
  private readonly layerOf: Record<string, string> = {};
  private readonly ops: Record<string, number> = {};
  private readonly notes: string[] = [];
  /** Consumers of each value (graph outputs count as one). */
  private readonly uses = new Map<string, number>();
  /** Node index of a Conv/Gemm/MatMul → the constant-Add node folded into its bias. */
  private readonly foldedAdd = new Map<number, number>();
  private readonly skipped = new Set<number>();
  /** The ONNX input's batch dim when fixed (e.g. 1): a Reshape target starting with it keeps the batch. */
  private fixedBatch: number | null = null;
  private node: Onnx.INodeProto = {};
  private nodeIndex = 0;

  constructor(
    private readonly m: OnnxModel,
    private readonly opts: ConvertOnnxOptions,
  ) {}

  run(): ConvertOnnxResult {
    const m = this.m;
    if (m.inputs.length !== 1) {
      throw new TransferkitError('UNSUPPORTED_MODEL', `The ONNX model has ${m.inputs.length} inputs (${m.inputs.map((i) => i.name).join(', ')}); conversion supports models with one input.`, {
        where: m.path,
        hint: 'Export the model with a single image or feature tensor as input.',
      });
    }
    for (const [name, t] of m.initializers) this.values.set(name, { kind: 'const', data: tensorValues(t), dims: tensorDims(t) });
    for (const n of m.nodes) {
      if (n.opType === 'Constant') {
        const c = constantNodeValue(attributes(n));
        if (c) this.values.set(n.output![0], c);
      }
      for (const i of n.input ?? []) if (i !== '') this.uses.set(i, (this.uses.get(i) ?? 0) + 1);
    }
    for (const o of m.outputs) this.uses.set(o.name, (this.uses.get(o.name) ?? 0) + 1);
    this.planFolds();

    let model: tf.LayersModel;
    try {
      const input = this.makeInput();
      m.nodes.forEach((n, i) => {
        this.ops[n.opType ?? ''] = (this.ops[n.opType ?? ''] ?? 0) + 1;
        if (this.skipped.has(i)) return;
        this.node = n;
        this.nodeIndex = i;
        this.convertNode(n);
      });
      const outputs = m.outputs.map((o) => this.finalOutput(o.name));
      model = tf.model({ inputs: input, outputs, name: sanitize(this.opts.name ?? basename(m.path).replace(/\.onnx$/i, '')) || 'onnx_model' });
    } catch (err) {
      // Layers built so far hold weight variables: free them before reporting.
      for (const layer of this.created) {
        try {
          if (layer.built) layer.dispose();
        } catch {
          // already disposed or never used
        }
      }
      throw err;
    }
    for (const { layer, weights } of this.inits) {
      const tensors = weights.map((w) => tf.tensor(w.data, w.shape, 'float32'));
      try {
        layer.setWeights(tensors);
      } finally {
        tensors.forEach((t) => t.dispose());
      }
    }
    const outShape = (model.outputs[0].shape.slice(1) as (number | null)[]).map((d) => d ?? -1);
    const k = outShape.length === 1 ? outShape[0] : -1;
    const inShape = model.inputs[0].shape.slice(1) as (number | null)[];
    const features: FeatureSpec | null =
      inShape.length === 3 && inShape.every((d) => typeof d === 'number') ? { kind: 'image', height: inShape[0]!, width: inShape[1]!, channels: inShape[2]! } : null;
    return {
      model,
      inputShape: inShape.map((d) => d ?? -1),
      outputShape: outShape,
      classes: k > 0 ? Array.from({ length: k }, (_, i) => String(i)) : [],
      features,
      layerOf: this.layerOf,
      ops: this.ops,
      notes: this.notes,
      params: model.countParams(),
    };
  }

  // ---- setup -----------------------------------------------------------------

  private makeInput(): tf.SymbolicTensor {
    const info = this.m.inputs[0];
    const shape = info.shape;
    if (!shape || shape.length < 2) {
      throw new TransferkitError('UNSUPPORTED_MODEL', `The model's input "${info.name}" has ${shape ? `rank ${shape.length}` : 'no recorded shape'}; conversion needs [batch, features] or [batch, channels, height, width].`, {
        where: this.m.path,
        hint: 'Export the model with a fixed input shape (at least fixed channels / features).',
      });
    }
    if (info.dtype !== 'float32') {
      throw new TransferkitError('UNSUPPORTED_MODEL', `The model's input "${info.name}" is ${info.dtype}; conversion supports float32 inputs.`, { where: this.m.path });
    }
    this.fixedBatch = shape[0];
    const rest = shape.slice(1);
    if (rest[0] === null) {
      throw new TransferkitError('UNSUPPORTED_MODEL', `The model's input "${info.name}" has a symbolic ${shape.length === 4 ? 'channel' : 'feature'} dim; TF.js layers need it fixed.`, {
        where: this.m.path,
        hint: 'Export the model with fixed channels / features (only the batch dim may be dynamic).',
      });
    }
    const name = this.uniqueName(info.name || 'input');
    if (shape.length === 4) {
      const t = tf.input({ shape: [rest[1], rest[2], rest[0]], name });
      this.values.set(info.name, { kind: 'sym', t, layout: { kind: 'nhwc' }, nonNeg: false });
      return t;
    }
    const t = tf.input({ shape: rest, name });
    this.values.set(info.name, { kind: 'sym', t, layout: { kind: 'plain' }, nonNeg: false });
    return t;
  }

  /** Finds Conv/Gemm/MatMul → Add(per-channel constant) pairs whose Add can become the bias. */
  private planFolds(): void {
    const producerIdx = new Map<string, number>();
    this.m.nodes.forEach((n, i) => (n.output ?? []).forEach((o) => producerIdx.set(o, i)));
    this.m.nodes.forEach((n, i) => {
      if (n.opType !== 'Add' || (n.input ?? []).length !== 2) return;
      const [a, b] = n.input!;
      const [symName, constName] = this.isConst(a) ? [b, a] : [a, b];
      if (!this.isConst(constName) || this.isConst(symName)) return;
      const p = producerIdx.get(symName);
      if (p === undefined || this.uses.get(symName) !== 1) return;
      const prod = this.m.nodes[p];
      if (!['Conv', 'Gemm', 'MatMul'].includes(prod.opType ?? '') || this.foldedAdd.has(p)) return;
      const c = this.values.get(constName) as Const;
      // The bias must vary along the output channel only: [M], [1, M], [M, 1, 1], [1, M, 1, 1] or a scalar.
      const nonOne = c.dims.map((d, k) => ({ d, k: c.dims.length - k })).filter((x) => x.d !== 1);
      const channelFromEnd = prod.opType === 'Conv' ? 3 : 1;
      if (nonOne.length > 1 || (nonOne.length === 1 && nonOne[0].k !== channelFromEnd)) return;
      if (prod.opType === 'Conv' && c.dims.length > 4) return;
      this.foldedAdd.set(p, i);
      this.skipped.add(i);
    });
  }

  // ---- per node --------------------------------------------------------------

  private convertNode(n: Onnx.INodeProto): void {
    const op = n.opType ?? '';
    if (n.domain && n.domain !== 'ai.onnx') this.unsupported(`ops of the "${n.domain}" domain are not supported`);
    const a = attributes(n);
    const out = n.output?.[0] ?? '';
    switch (op) {
      case 'Constant':
        return; // read up front
      case 'Identity':
        return this.alias(out, this.get(0));
      case 'Dropout': {
        const x = this.sym(0);
        const ratioInput = n.input?.[1];
        const rate = ratioInput ? this.constScalar(1) : this.m.opset < 12 ? Number(a.ratio ?? 0.5) : 0.5;
        if (rate > 0) return this.set(out, this.layer(tf.layers.dropout({ rate, name: this.uniqueName(this.baseName()) }), x.t), x.layout, x.nonNeg);
        return this.alias(out, x);
      }
      case 'Relu':
        return this.activation(out, tf.layers.reLU({ name: this.uniqueName(this.baseName()) }), true);
      case 'LeakyRelu':
        return this.activation(out, tf.layers.leakyReLU({ alpha: Number(a.alpha ?? 0.01), name: this.uniqueName(this.baseName()) }), false);
      case 'Sigmoid':
        return this.activation(out, tf.layers.activation({ activation: 'sigmoid', name: this.uniqueName(this.baseName()) }), true);
      case 'Tanh':
        return this.activation(out, tf.layers.activation({ activation: 'tanh', name: this.uniqueName(this.baseName()) }), false);
      case 'Clip':
        return this.clip(out, a);
      case 'Softmax':
        return this.softmax(out, a);
      case 'Conv':
        return this.conv(out, a);
      case 'Gemm':
      case 'MatMul':
        return this.dense(out, a, op);
      case 'BatchNormalization':
        return this.batchNorm(out, a);
      case 'MaxPool':
      case 'AveragePool':
        return this.pool(out, a, op);
      case 'GlobalAveragePool':
      case 'GlobalMaxPool': {
        const x = this.toNhwc(this.sym(0));
        const make = op === 'GlobalAveragePool' ? tf.layers.globalAveragePooling2d : tf.layers.globalMaxPooling2d;
        return this.set(out, this.layer(make({ name: this.uniqueName(this.baseName()) }), x.t), { kind: 'pooled' }, x.nonNeg);
      }
      case 'Flatten': {
        let axis = Number(a.axis ?? 1);
        const x = this.sym(0);
        if (axis < 0) axis += this.onnxShape(x).length;
        if (axis !== 1) this.unsupported(`Flatten with axis=${axis} (only axis=1, which keeps the batch, is supported)`);
        return this.flatten(out, x);
      }
      case 'Reshape':
        return this.reshape(out, a);
      case 'Pad':
        return this.pad(out, a);
      case 'Concat':
        return this.concat(out, a);
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
        return this.binary(out, op);
      case 'Shape':
      case 'Gather':
      case 'Unsqueeze':
      case 'Squeeze':
      case 'Slice':
      case 'Cast':
        return this.fold(out, () => this.foldShapeOp(op, a));
      default:
        this.unsupported(`the op is not supported by the converter`);
    }
  }

  /** Stores a value computed at conversion time; a step that cannot fold becomes UNSUPPORTED_OP. */
  private fold(out: string, compute: () => Const): void {
    try {
      this.values.set(out, compute());
    } catch (err) {
      if (err instanceof FoldError) this.unsupported(`${err.message} (shape arithmetic is computed while converting, and this step cannot be)`);
      throw err;
    }
  }

  /** Shape, Gather, Unsqueeze, Squeeze, Slice and Cast on values known at conversion time. */
  private foldShapeOp(op: string, a: Record<string, AttrValue>): Const {
    const x = this.get(0);
    if (op === 'Shape') {
      const shape = x.kind === 'const' ? x.dims : this.onnxShape(x);
      return shapeOf(shape, Number(a.start ?? 0), a.end === undefined ? shape.length : Number(a.end));
    }
    if (x.kind !== 'const') this.unsupported(`${op} of a computed tensor (only shape arithmetic on values known before running, such as Shape → Gather → Reshape, converts)`);
    const c = x as Const;
    const listInput = (i: number): number[] | undefined => (this.node.input?.[i] ? Array.from(this.constInput(i, `input ${i}`).data) : undefined);
    const axes = (): number[] => (this.m.opset >= 13 ? (listInput(1) ?? []) : ints(a.axes, []));
    switch (op) {
      case 'Gather':
        return gatherConst(c, this.constInput(1, 'indices'), Number(a.axis ?? 0));
      case 'Unsqueeze':
        return unsqueezeConst(c, axes());
      case 'Squeeze':
        return squeezeConst(c, axes());
      case 'Slice':
        return this.m.opset < 10
          ? sliceConst(c, ints(a.starts, []), ints(a.ends, []), Array.isArray(a.axes) ? (a.axes as number[]) : undefined)
          : sliceConst(c, listInput(1) ?? [], listInput(2) ?? [], listInput(3), listInput(4));
      default: {
        // Cast: to an integer type truncates; other types keep the values
        const toInt = [2, 3, 4, 5, 6, 7, 12, 13].includes(Number(a.to));
        return toInt ? { ...c, data: c.data.map((v, i) => (c.batchAt?.includes(i) ? v : Math.trunc(v))) } : c;
      }
    }
  }

  private activation(out: string, layer: tf.layers.Layer, nonNeg: boolean): void {
    const x = this.sym(0);
    this.set(out, this.layer(layer, x.t), x.layout, nonNeg);
  }

  private clip(out: string, a: Record<string, AttrValue>): void {
    const x = this.sym(0);
    let lo = -Infinity;
    let hi = Infinity;
    if (this.m.opset < 11) {
      lo = typeof a.min === 'number' ? a.min : -Infinity;
      hi = typeof a.max === 'number' ? a.max : Infinity;
    } else {
      if (this.node.input?.[1]) lo = this.constScalar(1);
      if (this.node.input?.[2]) hi = this.constScalar(2);
    }
    if (lo !== 0) this.unsupported(`Clip(min=${lo}, max=${hi}): only Clip with min 0 (ReLU, ReLU6, …) converts`);
    const layer = Number.isFinite(hi) ? tf.layers.reLU({ maxValue: hi, name: this.uniqueName(this.baseName()) }) : tf.layers.reLU({ name: this.uniqueName(this.baseName()) });
    this.set(out, this.layer(layer, x.t), x.layout, true);
  }

  private softmax(out: string, a: Record<string, AttrValue>): void {
    let x = this.sym(0);
    const rank = this.onnxShape(x).length;
    let axis = Number(a.axis ?? (this.m.opset >= 13 ? -1 : 1));
    if (axis < 0) axis += rank;
    if (x.layout.kind === 'flat') x = this.toPlain(x);
    let tfAxis: number;
    if (rank === 2) {
      if (axis !== 1) this.unsupported(`Softmax over axis ${axis} of a 2-D tensor (the batch axis)`);
      tfAxis = -1;
    } else if (x.layout.kind === 'pooled' && (axis === 1 || this.m.opset < 13)) {
      tfAxis = -1;
    } else if (x.layout.kind === 'nhwc') {
      const [, , h, w] = this.onnxShape(x);
      if (this.m.opset < 13 && axis === 1 && !(h === 1 && w === 1)) this.unsupported('Softmax (opset < 13) over C·H·W jointly');
      if (this.m.opset < 13 && axis !== 1) this.unsupported(`Softmax (opset < 13) with axis=${axis}`);
      tfAxis = ({ 1: 3, 2: 1, 3: 2 } as Record<number, number>)[axis];
    } else {
      if (this.m.opset < 13 && axis !== rank - 1) this.unsupported(`Softmax (opset < 13) with axis=${axis} on a rank-${rank} tensor`);
      tfAxis = axis;
    }
    this.set(out, this.layer(tf.layers.softmax({ axis: tfAxis, name: this.uniqueName(this.baseName()) }), x.t), x.layout, true);
  }

  private conv(out: string, a: Record<string, AttrValue>): void {
    let x = this.toNhwc(this.sym(0), 'Conv input');
    const w = this.constInput(1, 'weight');
    if (w.dims.length !== 4) this.unsupported(`Conv with a ${w.dims.length - 2}-D kernel (only 2-D convolutions convert)`);
    const [o, iPerGroup, kh, kw] = w.dims;
    const [, cIn, hIn, wIn] = this.onnxShape(x);
    const group = Number(a.group ?? 1);
    if (cIn !== iPerGroup * group) this.unsupported(`Conv weight expects ${iPerGroup * group} input channels, the input has ${cIn}`);
    const strides = ints(a.strides, [1, 1]);
    const dilations = ints(a.dilations, [1, 1]);
    if (strides.some((s) => s > 1) && dilations.some((d) => d > 1)) this.unsupported('Conv with both stride > 1 and dilation > 1 (TF.js supports one or the other)');
    const kernel = ints(a.kernel_shape, [kh, kw]);
    if (kernel[0] !== kh || kernel[1] !== kw) this.unsupported(`Conv kernel_shape [${kernel}] differs from the weight's [${kh}, ${kw}]`);
    const eff = [(kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1];
    const plan = this.padPlan([hIn, wIn], eff, strides, ints(a.pads, [0, 0, 0, 0]), String(a.auto_pad ?? 'NOTSET'), false);
    if (plan.pad) x = this.zeroPad(x, plan.pad, 'pad');

    let bias: Float32Array | undefined = this.node.input?.[2] ? f32(this.constInput(2, 'bias').data) : undefined;
    bias = this.foldBias(o, bias);
    const name = this.uniqueName(this.baseName());
    const useBias = bias !== undefined;
    let layer: tf.layers.Layer;
    let kernelData: Float32Array;
    let kernelShape: number[];
    if (group === 1) {
      layer = tf.layers.conv2d({ filters: o, kernelSize: [kh, kw], strides, dilationRate: dilations as [number, number], padding: plan.mode, useBias, name, kernelInitializer: 'zeros' });
      kernelShape = [kh, kw, cIn, o];
      kernelData = new Float32Array(kh * kw * cIn * o);
      for (let oo = 0; oo < o; oo++) for (let i = 0; i < cIn; i++) for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++) kernelData[((y * kw + xx) * cIn + i) * o + oo] = w.data[((oo * cIn + i) * kh + y) * kw + xx];
    } else if (group === cIn && iPerGroup === 1 && o % cIn === 0) {
      const mult = o / cIn;
      layer = tf.layers.depthwiseConv2d({ kernelSize: [kh, kw], depthMultiplier: mult, strides, dilationRate: dilations as [number, number], padding: plan.mode, useBias, name, depthwiseInitializer: 'zeros' });
      kernelShape = [kh, kw, cIn, mult];
      kernelData = new Float32Array(kh * kw * cIn * mult);
      for (let c = 0; c < cIn; c++) for (let j = 0; j < mult; j++) for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++) kernelData[((y * kw + xx) * cIn + c) * mult + j] = w.data[((c * mult + j) * kh + y) * kw + xx];
    } else {
      // Grouped conv: one conv with a block-diagonal kernel (zeros between groups) computes the same.
      this.notes.push(`Conv "${this.baseName()}" has group=${group}: it is a full convolution whose kernel is zero outside the groups; fine-tuning may fill those zeros.`);
      layer = tf.layers.conv2d({ filters: o, kernelSize: [kh, kw], strides, dilationRate: dilations as [number, number], padding: plan.mode, useBias, name, kernelInitializer: 'zeros' });
      kernelShape = [kh, kw, cIn, o];
      kernelData = new Float32Array(kh * kw * cIn * o);
      const outPerGroup = o / group;
      for (let oo = 0; oo < o; oo++) {
        const gi = Math.floor(oo / outPerGroup);
        for (let ip = 0; ip < iPerGroup; ip++) {
          const i = gi * iPerGroup + ip;
          for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++) kernelData[((y * kw + xx) * cIn + i) * o + oo] = w.data[((oo * iPerGroup + ip) * kh + y) * kw + xx];
        }
      }
    }
    const t = this.layer(layer, x.t, [{ data: kernelData, shape: kernelShape }, ...(bias ? [{ data: bias, shape: [o] }] : [])]);
    this.set(out, t, { kind: 'nhwc' }, false);
  }

  private dense(out: string, a: Record<string, AttrValue>, op: string): void {
    let x = this.sym(0);
    const b = this.constInput(1, 'weight');
    if (b.dims.length !== 2) this.unsupported(`${op} with a rank-${b.dims.length} weight (only 2-D weights convert)`);
    if (op === 'Gemm' && Number(a.transA ?? 0) !== 0) this.unsupported('Gemm with transA=1');
    const transB = op === 'Gemm' && Number(a.transB ?? 0) === 1;
    const alpha = op === 'Gemm' ? Number(a.alpha ?? 1) : 1;
    const beta = op === 'Gemm' ? Number(a.beta ?? 1) : 1;
    const [k, m] = transB ? [b.dims[1], b.dims[0]] : b.dims;
    if (x.layout.kind === 'pooled' || x.layout.kind === 'nhwc') x = this.toPlain(x);
    const xs = this.onnxShape(x);
    if (op === 'Gemm' && xs.length !== 2) this.unsupported(`Gemm on a rank-${xs.length} input`);
    if (xs[xs.length - 1] !== k) this.unsupported(`${op} weight expects ${k} input features, the input has ${xs[xs.length - 1]}`);
    const kernel = new Float32Array(k * m);
    // TF row r reads ONNX feature onnxRow(r): the identity, or CHW ↔ HWC for a flattened image.
    const lay = x.layout;
    const onnxRow = lay.kind === 'flat' ? (r: number) => { const c = r % lay.c; const hw = (r - c) / lay.c; return c * lay.h * lay.w + hw; } : (r: number) => r;
    for (let r = 0; r < k; r++) {
      const src = onnxRow(r);
      for (let j = 0; j < m; j++) kernel[r * m + j] = alpha * (transB ? b.data[j * k + src] : b.data[src * m + j]);
    }
    let bias: Float32Array | undefined;
    if (op === 'Gemm' && this.node.input?.[2]) {
      const c = this.constInput(2, 'bias C');
      if (c.dims.length > 2 || (c.dims.length === 2 && c.dims[0] !== 1) || (c.data.length !== m && c.data.length !== 1)) this.unsupported(`Gemm with a bias C of dims [${c.dims}] (only [${m}], [1, ${m}] or a scalar convert)`);
      bias = new Float32Array(m);
      for (let j = 0; j < m; j++) bias[j] = beta * c.data[c.data.length === 1 ? 0 : j];
    }
    bias = this.foldBias(m, bias);
    const layer = tf.layers.dense({ units: m, useBias: bias !== undefined, name: this.uniqueName(this.baseName()), kernelInitializer: 'zeros' });
    const t = this.layer(layer, x.t, [{ data: kernel, shape: [k, m] }, ...(bias ? [{ data: bias, shape: [m] }] : [])]);
    this.set(out, t, { kind: 'plain' }, false);
  }

  private batchNorm(out: string, a: Record<string, AttrValue>): void {
    let x = this.sym(0);
    if (x.layout.kind === 'flat') x = this.toPlain(x);
    if (x.layout.kind === 'plain' && this.onnxShape(x).length === 4) x = this.toNhwc(x);
    const rank = this.onnxShape(x).length;
    if (x.layout.kind === 'plain' && rank !== 2) this.unsupported(`BatchNormalization on a rank-${rank} tensor`);
    const c = this.onnxShape(x)[1] as number;
    const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => f32(this.constInput(i, ['', 'scale', 'B', 'mean', 'var'][i]).data));
    if ([scale, bias, mean, variance].some((v) => v.length !== c)) this.unsupported(`BatchNormalization parameters do not have ${c} channels`);
    const layer = tf.layers.batchNormalization({ axis: -1, epsilon: Number(a.epsilon ?? 1e-5), momentum: Number(a.momentum ?? 0.9), name: this.uniqueName(this.baseName()) });
    const t = this.layer(layer, x.t, [scale, bias, mean, variance].map((d) => ({ data: d, shape: [c] })));
    this.set(out, t, x.layout, false);
  }

  private pool(out: string, a: Record<string, AttrValue>, op: string): void {
    let x = this.toNhwc(this.sym(0), `${op} input`);
    const kernel = ints(a.kernel_shape, []);
    if (kernel.length !== 2) this.unsupported(`${op} with a ${kernel.length}-D kernel (only 2-D pooling converts)`);
    const strides = ints(a.strides, [1, 1]);
    if (ints(a.dilations, [1, 1]).some((d) => d !== 1)) this.unsupported(`${op} with dilations`);
    const [, , h, w] = this.onnxShape(x);
    const includePad = op === 'AveragePool' && Number(a.count_include_pad ?? 0) === 1;
    const plan = this.padPlan([h, w], kernel, strides, ints(a.pads, [0, 0, 0, 0]), String(a.auto_pad ?? 'NOTSET'), Number(a.ceil_mode ?? 0) === 1, { preferPad: includePad });
    if (plan.pad) {
      const zeroIsNeutral = op === 'AveragePool' ? includePad : x.nonNeg;
      if (!zeroIsNeutral) {
        this.unsupported(
          op === 'MaxPool'
            ? 'MaxPool with padding that differs from TF "same" on an input that can be negative (ONNX pads with -inf)'
            : 'AveragePool with count_include_pad=0 and padding that differs from TF "same"',
        );
      }
      x = this.zeroPad(x, plan.pad, 'pad');
    }
    const opts = { poolSize: kernel as [number, number], strides: strides as [number, number], padding: plan.mode, name: this.uniqueName(this.baseName()) };
    const layer = op === 'MaxPool' ? tf.layers.maxPooling2d(opts) : tf.layers.averagePooling2d(opts);
    this.set(out, this.layer(layer, x.t), { kind: 'nhwc' }, x.nonNeg);
  }

  private flatten(out: string, x: Sym): void {
    const s = this.onnxShape(x);
    if (x.layout.kind === 'pooled') return this.set(out, x.t, { kind: 'plain' }, x.nonNeg);
    if (x.layout.kind === 'flat' || s.length === 2) return this.alias(out, x);
    if (x.layout.kind === 'nhwc') {
      const [, c, h, w] = s;
      if (c === null || h === null || w === null) this.unsupported('Flatten of an image tensor with a dynamic size');
      const t = this.layer(tf.layers.flatten({ name: this.uniqueName(this.baseName()) }), x.t);
      return this.set(out, t, h === 1 && w === 1 ? { kind: 'plain' } : { kind: 'flat', c: c!, h: h!, w: w! }, x.nonNeg);
    }
    this.set(out, this.layer(tf.layers.flatten({ name: this.uniqueName(this.baseName()) }), x.t), { kind: 'plain' }, x.nonNeg);
  }

  private reshape(out: string, a: Record<string, AttrValue>): void {
    const x = this.sym(0);
    let target: number[];
    if (this.node.input?.[1]) {
      const v = this.values.get(this.node.input[1]);
      if (!v || v.kind !== 'const') this.unsupported('Reshape with a computed shape (run onnx-simplifier / export with constant shapes so the target is a constant)');
      const c = v as Const;
      target = Array.from(c.data);
      if (c.batchAt?.length) {
        if (c.batchAt.length !== 1 || c.batchAt[0] !== 0) this.unsupported(`Reshape to [${target.map((t, i) => (c.batchAt!.includes(i) ? 'batch' : t))}], which moves the batch size away from the first dim`);
        target[0] = -1; // the batch itself; below, the first dim of a Reshape that keeps the batch is the batch
      }
    } else {
      target = ints(this.attr('shape'), []);
    }
    const s = this.onnxShape(x);
    const per = s.slice(1);
    if (per.some((d) => d === null)) this.unsupported('Reshape of a tensor with a dynamic size');
    const size = (per as number[]).reduce((p, d) => p * d, 1);
    const allowZero = Number(this.attr('allowzero') ?? 0) === 1;
    const head = target[0];
    const keepsBatch = (head === 0 && !allowZero) || head === -1 || (this.fixedBatch !== null && head === this.fixedBatch);
    if (!keepsBatch || target.length < 2) this.unsupported(`Reshape to [${target.join(', ')}], which does not keep the batch dim first`);
    const rest = target.slice(1).map((t, i) => (t === 0 && !allowZero ? (per[i] as number) : t));
    if (rest.includes(-1)) {
      const known = rest.filter((t) => t !== -1).reduce((p, d) => p * d, 1);
      rest[rest.indexOf(-1)] = size / known;
    }
    if (rest.reduce((p, d) => p * d, 1) !== size || rest.some((d) => !Number.isInteger(d) || d < 0)) this.unsupported(`Reshape of [${s.map((d) => d ?? '?')}] to [${target}] (sizes differ or the batch would change)`);
    if (rest.length === per.length && rest.every((d, i) => d === per[i])) return this.alias(out, x);
    if (rest.length === 1) return this.flatten(out, x);
    if (x.layout.kind === 'plain' && per.length === 1 && rest.length === 3 && rest[1] === 1 && rest[2] === 1) return this.set(out, x.t, { kind: 'pooled' }, x.nonNeg);
    const plain = this.toPlain(x);
    const t = this.layer(tf.layers.reshape({ targetShape: rest, name: this.uniqueName(this.baseName()) }), plain.t);
    const y: Sym = { kind: 'sym', t, layout: { kind: 'plain' }, nonNeg: x.nonNeg };
    this.values.set(out, rest.length === 3 ? this.toNhwc(y) : y);
    this.layerOf[out] = this.layerNameOf(this.values.get(out) as Sym);
  }

  /** Pad: zero padding of the two spatial dims of an image tensor (constant mode, value 0). */
  private pad(out: string, a: Record<string, AttrValue>): void {
    const mode = String(a.mode ?? 'constant');
    if (mode !== 'constant') this.unsupported(`Pad in "${mode}" mode (only constant zero padding converts)`);
    const opset11 = this.m.opset >= 11;
    const pads = opset11 ? Array.from(this.constInput(1, 'pads').data) : ints(a.pads, []);
    const value = opset11 ? (this.node.input?.[2] ? this.constScalar(2) : 0) : Number(a.value ?? 0);
    if (value !== 0) this.unsupported(`Pad with the value ${value} (only zero padding converts)`);
    if (opset11 && this.node.input?.[3]) this.unsupported('Pad with an axes input');
    const x = this.sym(0);
    const rank = this.onnxShape(x).length;
    if (pads.length !== 2 * rank) this.unsupported(`Pad with ${pads.length} pads for a rank-${rank} tensor`);
    if (pads.every((p) => p === 0)) return this.alias(out, x);
    const [nb, cb, top, left, ne, ce, bottom, right] = pads;
    if (rank !== 4 || nb !== 0 || cb !== 0 || ne !== 0 || ce !== 0) this.unsupported(`Pad [${pads}] (only the height and width of an image tensor can be padded)`);
    if ([top, left, bottom, right].some((p) => p < 0)) this.unsupported(`Pad [${pads}] with negative pads (cropping)`);
    const y = this.zeroPad(this.toNhwc(x, 'the padded tensor'), [[top, bottom], [left, right]], 'zeropad');
    // zeros keep a non-negative tensor non-negative
    this.set(out, y.t, y.layout, x.nonNeg);
  }

  private concat(out: string, a: Record<string, AttrValue>): void {
    const names = this.node.input ?? [];
    if (names.length > 0 && names.every((n) => this.isConst(n))) return this.fold(out, () => concatConst(names.map((n) => this.values.get(n) as Const), Number(a.axis ?? 0)));
    const ins = names.map((_, i) => this.sym(i, 'Concat of a constant'));
    const rank = this.onnxShape(ins[0]).length;
    let axis = Number(a.axis ?? 0);
    if (axis < 0) axis += rank;
    if (axis === 0) this.unsupported('Concat along the batch axis');
    const nonNeg = ins.every((v) => v.nonNeg);
    if (ins.length === 1) return this.alias(out, ins[0]);
    const name = this.uniqueName(this.baseName());
    if (rank === 4) {
      const xs = ins.map((v) => this.toNhwc(v));
      if (ins.every((v) => v.layout.kind === 'pooled') && axis === 1) {
        return this.set(out, this.layer(tf.layers.concatenate({ axis: -1, name }), ins.map((v) => v.t)), { kind: 'pooled' }, nonNeg);
      }
      const tfAxis = ({ 1: 3, 2: 1, 3: 2 } as Record<number, number>)[axis];
      return this.set(out, this.layer(tf.layers.concatenate({ axis: tfAxis, name }), xs.map((v) => v.t)), { kind: 'nhwc' }, nonNeg);
    }
    const xs = ins.map((v) => this.toPlain(v));
    this.set(out, this.layer(tf.layers.concatenate({ axis, name }), xs.map((v) => v.t)), { kind: 'plain' }, nonNeg);
  }

  private binary(out: string, op: string): void {
    const [an, bn] = this.node.input ?? [];
    const av = this.values.get(an);
    const bv = this.values.get(bn);
    if (!av || !bv) this.unsupported('an input is produced by a node that did not convert');
    if (av!.kind === 'const' && bv!.kind === 'const') return this.fold(out, () => binaryConst(op, av as Const, bv as Const));
    if (av!.kind === 'sym' && bv!.kind === 'sym') {
      if (op === 'Sub' || op === 'Div') this.unsupported(`${op} of two computed tensors`);
      let [x, y] = [av as Sym, bv as Sym];
      const [sx, sy] = [this.onnxShape(x), this.onnxShape(y)];
      if (sx.length !== sy.length || sx.some((d, i) => i > 0 && d !== sy[i])) this.unsupported(`${op} of tensors with shapes [${sx.map((d) => d ?? '?')}] and [${sy.map((d) => d ?? '?')}] (broadcasting between computed tensors is not supported)`);
      if (!sameLayout(x.layout, y.layout)) {
        if (sx.length === 4) [x, y] = [this.toNhwc(x), this.toNhwc(y)];
        else [x, y] = [this.toPlain(x), this.toPlain(y)];
      }
      const name = this.uniqueName(this.baseName());
      const layer = op === 'Add' ? tf.layers.add({ name }) : tf.layers.multiply({ name });
      return this.set(out, this.layer(layer, [x.t, y.t]), x.layout, op === 'Add' ? x.nonNeg && y.nonNeg : false);
    }
    const constFirst = av!.kind === 'const';
    const x = (constFirst ? bv : av) as Sym;
    const c = (constFirst ? av : bv) as Const;
    const vec = this.channelVector(c, x, op);
    const n = vec.length;
    const scale = new Float32Array(n).fill(1);
    const shift = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = vec[i];
      if (op === 'Add') shift[i] = v;
      else if (op === 'Mul') scale[i] = v;
      else if (op === 'Sub' && !constFirst) shift[i] = -v;
      else if (op === 'Sub') { scale[i] = -1; shift[i] = v; }
      else if (op === 'Div' && !constFirst) scale[i] = 1 / v;
      else this.unsupported('Div of a constant by a tensor');
    }
    const useBias = shift.some((v) => v !== 0) || op === 'Add' || op === 'Sub';
    const useScale = op !== 'Add' && !(op === 'Sub' && !constFirst);
    this.affine(out, x, useScale ? scale : undefined, useBias ? shift : undefined, op === 'Mul' || op === 'Div' ? x.nonNeg && vec.every((v) => v >= 0) : false);
  }

  /**
   * Per-channel affine `x·scale + shift` as a 1×1 depthwise convolution (trainable, exact):
   * directly on an NHWC tensor, through a `[1, 1, C]` reshape for a `[N, C]` one.
   */
  private affine(out: string, x: Sym, scale: Float32Array | undefined, shift: Float32Array | undefined, nonNeg: boolean): void {
    const base = this.baseName();
    const n = (scale ?? shift)!.length;
    const kernel = { data: scale ?? new Float32Array(n).fill(1), shape: [1, 1, n, 1] };
    const layer = tf.layers.depthwiseConv2d({ kernelSize: 1, useBias: shift !== undefined, name: this.uniqueName(base), depthwiseInitializer: 'zeros' });
    const weights = [kernel, ...(shift ? [{ data: shift, shape: [n] }] : [])];
    if (x.layout.kind === 'nhwc') return this.set(out, this.layer(layer, x.t, weights), x.layout, nonNeg);
    const up = this.layer(tf.layers.reshape({ targetShape: [1, 1, n], name: this.uniqueName(`${base}_to_hwc`) }), x.t);
    const y = this.layer(layer, up, weights);
    const down = this.layer(tf.layers.reshape({ targetShape: [n], name: this.uniqueName(`${base}_from_hwc`) }), y);
    this.set(out, down, x.layout, nonNeg);
  }

  /** The constant as one value per TF channel (last axis), or an UNSUPPORTED_OP error when it is not per-channel. */
  private channelVector(c: Const, x: Sym, op: string): Float32Array {
    if (x.layout.kind === 'plain' && this.onnxShape(x).length > 2) this.unsupported(`${op} with a constant on a rank-${this.onnxShape(x).length} tensor`);
    const s = this.onnxShape(x);
    const rank = s.length;
    const chAxis = 1;
    const channels = s[chAxis] as number;
    if (c.dims.length > rank) this.unsupported(`${op} with a constant of rank ${c.dims.length} on a rank-${rank} tensor`);
    const aligned = [...Array(rank - c.dims.length).fill(1), ...c.dims];
    const perChannel = aligned.every((d, i) => d === 1 || (i === chAxis && d === channels));
    if (!perChannel) this.unsupported(`${op} with a constant of dims [${c.dims}] on a tensor of shape [${s.map((d) => d ?? '?')}] (only per-channel or scalar constants convert)`);
    const v = new Float32Array(channels);
    for (let i = 0; i < channels; i++) v[i] = c.data.length === 1 ? c.data[0] : c.data[i];
    if (x.layout.kind !== 'flat') return v;
    // ONNX feature index c·H·W + h·W + w sits at TF index (h·W + w)·C + c.
    const { c: cc, h, w } = x.layout;
    const out = new Float32Array(channels);
    for (let ch = 0; ch < cc; ch++) for (let p = 0; p < h * w; p++) out[p * cc + ch] = v[ch * h * w + p];
    return out;
  }

  // ---- layouts ---------------------------------------------------------------

  private toNhwc(x: Sym, what = 'the input'): Sym {
    if (x.layout.kind === 'nhwc') return x;
    const s = this.onnxShape(x);
    if (x.layout.kind === 'pooled') {
      const c = s[1] as number;
      const t = this.layer(tf.layers.reshape({ targetShape: [1, 1, c], name: this.uniqueName(`${this.baseName()}_to_hwc`) }), x.t);
      return { kind: 'sym', t, layout: { kind: 'nhwc' }, nonNeg: x.nonNeg };
    }
    if (x.layout.kind === 'plain' && s.length === 4) {
      const t = this.layer(tf.layers.permute({ dims: [2, 3, 1], name: this.uniqueName(`${this.baseName()}_to_nhwc`) }), x.t);
      return { kind: 'sym', t, layout: { kind: 'nhwc' }, nonNeg: x.nonNeg };
    }
    return this.unsupported(`${what} has shape [${s.map((d) => d ?? '?')}], not [N, C, H, W]`);
  }

  private toPlain(x: Sym): Sym {
    const base = this.baseName();
    switch (x.layout.kind) {
      case 'plain':
        return x;
      case 'nhwc': {
        const t = this.layer(tf.layers.permute({ dims: [3, 1, 2], name: this.uniqueName(`${base}_to_nchw`) }), x.t);
        return { kind: 'sym', t, layout: { kind: 'plain' }, nonNeg: x.nonNeg };
      }
      case 'pooled': {
        const c = x.t.shape[1] as number;
        const t = this.layer(tf.layers.reshape({ targetShape: [c, 1, 1], name: this.uniqueName(`${base}_to_nchw`) }), x.t);
        return { kind: 'sym', t, layout: { kind: 'plain' }, nonNeg: x.nonNeg };
      }
      case 'flat': {
        const { c, h, w } = x.layout;
        const hwc = this.layer(tf.layers.reshape({ targetShape: [h, w, c], name: this.uniqueName(`${base}_unflatten`) }), x.t);
        const chw = this.layer(tf.layers.permute({ dims: [3, 1, 2], name: this.uniqueName(`${base}_to_nchw`) }), hwc);
        const t = this.layer(tf.layers.flatten({ name: this.uniqueName(`${base}_flatten_nchw`) }), chw);
        return { kind: 'sym', t, layout: { kind: 'plain' }, nonNeg: x.nonNeg };
      }
    }
  }

  /** ONNX-order shape of a symbolic value (batch first, `null` when dynamic). */
  private onnxShape(x: Sym): (number | null)[] {
    const s = x.t.shape as (number | null)[];
    switch (x.layout.kind) {
      case 'plain':
        return [null, ...s.slice(1)];
      case 'nhwc':
        return [null, s[3], s[1], s[2]];
      case 'pooled':
        return [null, s[1], 1, 1];
      case 'flat':
        return [null, x.layout.c * x.layout.h * x.layout.w];
    }
  }

  /**
   * How to pad a conv / pool: TF `'same'` when the ONNX pads are exactly TF's, else explicit
   * zero padding `[[top, bottom], [left, right]]` and `'valid'`.
   */
  private padPlan(
    hw: (number | null)[],
    kernel: number[],
    strides: number[],
    pads: number[],
    autoPad: string,
    ceil: boolean,
    opts: { preferPad?: boolean } = {},
  ): { mode: 'same' | 'valid'; pad?: [[number, number], [number, number]] } {
    let [t, l, b, r] = pads.length === 4 ? pads : [0, 0, 0, 0];
    const known = hw.every((d) => d !== null) as boolean;
    const sameSplit = (d: number, k: number, s: number): [number, number] => {
      const total = Math.max((Math.ceil(d / s) - 1) * s + k - d, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    if (autoPad === 'VALID') [t, l, b, r] = [0, 0, 0, 0];
    else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      if (autoPad === 'SAME_UPPER' && !opts.preferPad) return { mode: 'same' };
      if (!known) this.unsupported(`auto_pad=${autoPad} on an input with a dynamic size`);
      const [ph, pw] = [sameSplit(hw[0]!, kernel[0], strides[0]), sameSplit(hw[1]!, kernel[1], strides[1])];
      [t, b, l, r] = autoPad === 'SAME_UPPER' ? [ph[0], ph[1], pw[0], pw[1]] : [ph[1], ph[0], pw[1], pw[0]];
    }
    if (ceil) {
      if (!known) this.unsupported('ceil_mode=1 on an input with a dynamic size');
      const floorOut = spatialOut(hw, kernel, strides, [1, 1], [t, l, b, r], 'NOTSET', false);
      const ceilOut = spatialOut(hw, kernel, strides, [1, 1], [t, l, b, r], 'NOTSET', true);
      if (floorOut.some((d, i) => d !== ceilOut[i])) {
        // ceil_mode adds windows that start inside the padded input; TF "same" gives the same windows when the split matches.
        const [ph, pw] = [sameSplit(hw[0]!, kernel[0], strides[0]), sameSplit(hw[1]!, kernel[1], strides[1])];
        const sameOut = hw.map((d, i) => Math.ceil(d! / strides[i]));
        if (t === ph[0] && l === pw[0] && ceilOut.every((d, i) => d === sameOut[i]) && !opts.preferPad) return { mode: 'same' };
        this.unsupported('ceil_mode=1 where it adds output rows or columns');
      }
    }
    if (t === 0 && l === 0 && b === 0 && r === 0) return { mode: 'valid' };
    if (known && !opts.preferPad) {
      const [ph, pw] = [sameSplit(hw[0]!, kernel[0], strides[0]), sameSplit(hw[1]!, kernel[1], strides[1])];
      const out = spatialOut(hw, kernel, strides, [1, 1], [t, l, b, r], 'NOTSET', false);
      const sameOut = hw.map((d, i) => Math.ceil(d! / strides[i]));
      // Pads beyond what the last window reads do not matter: compare where the windows start and how many there are.
      if (t === ph[0] && l === pw[0] && out[0] === sameOut[0] && out[1] === sameOut[1]) return { mode: 'same' };
    }
    return { mode: 'valid', pad: [[t, b], [l, r]] };
  }

  private zeroPad(x: Sym, pad: [[number, number], [number, number]], suffix: string): Sym {
    const t = this.layer(tf.layers.zeroPadding2d({ padding: pad, name: this.uniqueName(`${this.baseName()}_${suffix}`) }), x.t);
    return { kind: 'sym', t, layout: { kind: 'nhwc' }, nonNeg: x.nonNeg };
  }

  // ---- helpers ---------------------------------------------------------------

  /** The bias of a Conv/Gemm/MatMul plus the constant Add folded into it (if any). */
  private foldBias(units: number, bias: Float32Array | undefined): Float32Array | undefined {
    const addIdx = this.foldedAdd.get(this.nodeIndex);
    if (addIdx === undefined) return bias;
    const add = this.m.nodes[addIdx];
    const constName = add.input!.find((i) => this.isConst(i))!;
    const c = this.values.get(constName) as Const;
    if (c.data.length !== units && c.data.length !== 1) {
      this.skipped.delete(addIdx);
      this.foldedAdd.delete(this.nodeIndex);
      return bias;
    }
    const out = bias ? Float32Array.from(bias) : new Float32Array(units);
    for (let j = 0; j < units; j++) out[j] += c.data[c.data.length === 1 ? 0 : j];
    // The Add's output is this layer's output.
    this.pendingAlias = add.output![0];
    return out;
  }

  private pendingAlias: string | undefined;

  private layer(layer: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[], weights?: WeightInit['weights']): tf.SymbolicTensor {
    this.created.push(layer);
    const t = layer.apply(input) as tf.SymbolicTensor;
    if (weights) this.inits.push({ layer, weights });
    return t;
  }

  private set(out: string, t: tf.SymbolicTensor, layout: Layout, nonNeg: boolean): void {
    const v: Sym = { kind: 'sym', t, layout, nonNeg };
    this.values.set(out, v);
    this.layerOf[out] = this.layerNameOf(v);
    if (this.pendingAlias) {
      this.values.set(this.pendingAlias, v);
      this.layerOf[this.pendingAlias] = this.layerOf[out];
      this.pendingAlias = undefined;
    }
  }

  private alias(out: string, v: Value): void {
    this.values.set(out, v);
    if (v.kind === 'sym') this.layerOf[out] = this.layerNameOf(v);
  }

  private layerNameOf(v: Sym): string {
    return (v.t as unknown as { sourceLayer: { name: string } }).sourceLayer.name;
  }

  private finalOutput(name: string): tf.SymbolicTensor {
    const v = this.values.get(name);
    if (!v || v.kind === 'const') {
      throw new TransferkitError('UNSUPPORTED_MODEL', `The graph output "${name}" is a constant; a converted model must compute its outputs.`, { where: this.m.path });
    }
    this.node = { name: name, opType: 'output' };
    return v.layout.kind === 'flat' ? this.toPlain(v).t : v.t;
  }

  private get(i: number): Value {
    const name = this.node.input?.[i] ?? '';
    const v = this.values.get(name);
    if (!v) this.unsupported(`input ${i} ("${name}") is missing`);
    return v!;
  }

  private sym(i: number, what?: string): Sym {
    const v = this.get(i);
    if (v.kind !== 'sym') this.unsupported(what ? `${what} is not supported` : `input ${i} is a constant where a computed tensor is expected (fold constants with onnx-simplifier first)`);
    return v as Sym;
  }

  private constInput(i: number, what: string): Const {
    const v = this.get(i);
    if (v.kind !== 'const') this.unsupported(`the ${what} (input ${i}) is computed in the graph, not a stored weight`);
    return v as Const;
  }

  private constScalar(i: number): number {
    const c = this.constInput(i, `input ${i}`);
    if (c.data.length !== 1) this.unsupported(`input ${i} should be a scalar, it has dims [${c.dims}]`);
    return c.data[0];
  }

  private isConst(name: string): boolean {
    return this.values.get(name)?.kind === 'const';
  }

  private attr(name: string): AttrValue | undefined {
    return attributes(this.node)[name];
  }

  private baseName(): string {
    return sanitize(nodeName(this.node, this.nodeIndex)) || `node_${this.nodeIndex}`;
  }

  private uniqueName(base: string): string {
    let name = sanitize(base) || 'layer';
    if (!/^[A-Za-z]/.test(name)) name = `n_${name}`;
    let candidate = name;
    for (let k = 1; this.layerNames.has(candidate); k++) candidate = `${name}_${k}`;
    this.layerNames.add(candidate);
    return candidate;
  }

  private unsupported(why: string): never {
    const n = this.node;
    const name = nodeName(n, this.nodeIndex);
    throw new TransferkitError('UNSUPPORTED_OP', `Cannot convert ${n.opType} node "${name}": ${why}.`, {
      where: `${this.m.path} › ${name}`,
      hint:
        'The converter handles Conv (groups, depthwise), Gemm, MatMul, Add/Sub/Mul/Div, BatchNormalization, Relu, LeakyRelu, Clip(0, max), Sigmoid, Tanh, Softmax, ' +
        'MaxPool, AveragePool, GlobalAveragePool, Flatten, Reshape, Pad (zeros, height and width), Concat, Dropout, Identity, and shape arithmetic (Shape, Gather, Unsqueeze, Squeeze, Slice, Cast on values known before running). Use the model as a frozen feature extractor instead (createOnnxExtractor in the API), which runs any op.',
    });
  }
}

/** The value of a Constant node (`value`, `value_float(s)` or `value_int(s)`), when numeric. */
function constantNodeValue(a: Record<string, AttrValue>): Const | undefined {
  if (a.value !== undefined && typeof a.value === 'object' && !Array.isArray(a.value)) {
    const t = a.value as Onnx.ITensorProto;
    return { kind: 'const', data: tensorValues(t), dims: tensorDims(t) };
  }
  for (const key of ['value_float', 'value_int']) if (typeof a[key] === 'number') return { kind: 'const', data: Float64Array.of(a[key] as number), dims: [] };
  for (const key of ['value_floats', 'value_ints']) {
    const v = a[key];
    if (Array.isArray(v)) return { kind: 'const', data: Float64Array.from(v as number[]), dims: [v.length] };
  }
  return undefined;
}

function ints(v: AttrValue | undefined, def: number[]): number[] {
  return Array.isArray(v) && v.length > 0 ? (v as number[]) : def;
}

function f32(d: Float64Array): Float32Array {
  return Float32Array.from(d);
}

function sameLayout(a: Layout, b: Layout): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'flat' && b.kind === 'flat') return a.c === b.c && a.h === b.h && a.w === b.w;
  return true;
}

/** A TF.js-safe layer name: letters, digits, `_`, `.`, `-`. */
function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '');
}
