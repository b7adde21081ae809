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
 * This file is the core: the graph walk, the values, the weights and the bias folding. Each op
 * family converts in its own file under ops/, listed in ops/registry.ts (which says how to add
 * one); an op no family converts is a `UNSUPPORTED_OP` error naming the op and the node.
 */
import * as tf from '@tensorflow/tfjs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { TransferkitError } from '../../errors.ts';
import { writeError } from '../../util/atomic.ts';
import type { FeatureSpec } from '../../data/features.ts';
import { saveModel, type ModelMeta, type ModelMetaInput } from '../io.ts';
import { attributes, tensorDims, tensorValues, type AttrValue, type Onnx } from './proto.ts';
import { readOnnx, type OnnxModel } from './read.ts';
import { ConvertContext, sanitize, type Const } from './ops/context.ts';
import { toPlain } from './ops/layout.ts';
import { converterFor, supportedOpsText } from './ops/registry.ts';

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
 * Refuses an output folder that holds anything but a previous transferkit model (`model.json`,
 * `transferkit.json` and the weight files its manifest lists), before any work: saving replaces
 * the folder as a whole, and files transferkit did not write must never go with it.
 *
 * @throws TransferkitError `NOT_A_MODEL_FOLDER` (the path is a file), `OUT_NOT_EMPTY` (other files
 *   are there; up to five are named).
 */
async function assertModelOutput(outDir: string): Promise<void> {
  const st = await stat(outDir).catch(() => null);
  if (!st) return;
  if (!st.isDirectory()) {
    throw new TransferkitError('NOT_A_MODEL_FOLDER', `Cannot write the model to ${outDir}: it is a file, not a folder.`, { where: outDir, hint: 'Choose a new or empty output folder.' });
  }
  const entries = await readdir(outDir);
  if (entries.length === 0) return;
  const ours = new Set(['model.json', 'transferkit.json']);
  if (entries.includes('model.json')) {
    try {
      const manifest = (JSON.parse(await readFile(join(outDir, 'model.json'), 'utf8')) as { weightsManifest?: Array<{ paths?: string[] }> }).weightsManifest ?? [];
      for (const group of manifest) for (const p of group.paths ?? []) ours.add(p);
    } catch {
      // a damaged model.json: its weight files are not known to be ours
    }
  }
  const others = entries.filter((e) => !ours.has(e));
  const isModel = entries.includes('model.json') && entries.includes('transferkit.json');
  if (!isModel || others.length > 0) {
    const shown = (isModel ? others : entries).slice(0, 5).join(', ');
    const more = (isModel ? others : entries).length > 5 ? ', …' : '';
    throw new TransferkitError('OUT_NOT_EMPTY', `The output folder ${outDir} holds files that are not a transferkit model (${shown}${more}); converting would replace the folder and delete them.`, {
      where: outDir,
      hint: 'Choose a new or empty output folder (one holding only an earlier converted model is replaced).',
    });
  }
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
  await assertModelOutput(outDir);
  const onnxModel = await readOnnx(path);
  const result = await convertOnnx(onnxModel, opts);
  let meta: ModelMeta;
  try {
    meta = await saveModel(result.model, outDir, convertedMeta(onnxModel, result));
  } catch (err) {
    result.model.dispose();
    throw writeError(err, outDir); // permission denied, read-only, disk full: a clear error naming the folder
  }
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

// ---- the converter core -----------------------------------------------------

class Converter {
  private readonly ctx: ConvertContext;
  private readonly ops: Record<string, number> = {};
  /** Consumers of each value (graph outputs count as one). */
  private readonly uses = new Map<string, number>();

  constructor(
    private readonly m: OnnxModel,
    private readonly opts: ConvertOnnxOptions,
  ) {
    this.ctx = new ConvertContext(m, `The converter handles ${supportedOpsText()}. Use the model as a frozen feature extractor instead (createOnnxExtractor in the API), which runs any op.`);
  }

  run(): ConvertOnnxResult {
    const m = this.m;
    if (m.inputs.length !== 1) {
      throw new TransferkitError('UNSUPPORTED_MODEL', `The ONNX model has ${m.inputs.length} inputs (${m.inputs.map((i) => i.name).join(', ')}); conversion supports models with one input.`, {
        where: m.path,
        hint: 'Export the model with a single image or feature tensor as input.',
      });
    }
    this.readConstants();
    this.planFolds();
    const model = this.build();
    for (const { layer, weights } of this.ctx.inits) {
      const tensors = weights.map((w) => tf.tensor(w.data, w.shape, 'float32'));
      try {
        layer.setWeights(tensors);
      } finally {
        tensors.forEach((t) => t.dispose());
      }
    }
    return this.result(model);
  }

  // ---- setup -----------------------------------------------------------------

  /** Initializers and Constant nodes as constants; counts the consumers of every value. */
  private readConstants(): void {
    const { values } = this.ctx;
    for (const [name, t] of this.m.initializers) values.set(name, { kind: 'const', data: tensorValues(t), dims: tensorDims(t) });
    for (const n of this.m.nodes) {
      if (n.opType === 'Constant') {
        const c = constantNodeValue(attributes(n));
        if (c) values.set(n.output![0], c);
      }
      for (const i of n.input ?? []) if (i !== '') this.uses.set(i, (this.uses.get(i) ?? 0) + 1);
    }
    for (const o of this.m.outputs) this.uses.set(o.name, (this.uses.get(o.name) ?? 0) + 1);
  }

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
    this.ctx.fixedBatch = shape[0];
    const rest = shape.slice(1);
    if (rest[0] === null) {
      throw new TransferkitError('UNSUPPORTED_MODEL', `The model's input "${info.name}" has a symbolic ${shape.length === 4 ? 'channel' : 'feature'} dim; TF.js layers need it fixed.`, {
        where: this.m.path,
        hint: 'Export the model with fixed channels / features (only the batch dim may be dynamic).',
      });
    }
    const name = this.ctx.uniqueName(info.name || 'input');
    const image = shape.length === 4;
    const t = tf.input({ shape: image ? [rest[1], rest[2], rest[0]] : rest, name });
    this.ctx.values.set(info.name, { kind: 'sym', t, layout: { kind: image ? 'nhwc' : 'plain' }, nonNeg: false });
    return t;
  }

  /**
   * Finds op → Add(constant) pairs whose Add can become the op's bias: the op's converter says
   * it takes a folded bias (`foldsBias`) and along which axis the constant may vary.
   */
  private planFolds(): void {
    const { ctx, m } = this;
    const producerIdx = new Map<string, number>();
    m.nodes.forEach((n, i) => (n.output ?? []).forEach((o) => producerIdx.set(o, i)));
    m.nodes.forEach((n, i) => {
      if (n.opType !== 'Add' || (n.input ?? []).length !== 2) return;
      const [a, b] = n.input!;
      const [symName, constName] = ctx.isConst(a) ? [b, a] : [a, b];
      if (!ctx.isConst(constName) || ctx.isConst(symName)) return;
      const p = producerIdx.get(symName);
      if (p === undefined || this.uses.get(symName) !== 1) return;
      const prodOp = m.nodes[p].opType ?? '';
      const fold = converterFor(prodOp)?.foldsBias?.[prodOp];
      if (!fold || ctx.foldedAdd.has(p)) return;
      const c = ctx.values.get(constName) as Const;
      // The bias must vary along the output channel only: [M], [1, M], [M, 1, 1], [1, M, 1, 1] or a scalar.
      const nonOne = c.dims.map((d, k) => ({ d, k: c.dims.length - k })).filter((x) => x.d !== 1);
      if (nonOne.length > 1 || (nonOne.length === 1 && nonOne[0].k !== fold.channelFromEnd)) return;
      if (fold.maxRank !== undefined && c.dims.length > fold.maxRank) return;
      ctx.foldedAdd.set(p, i);
      ctx.skipped.add(i);
    });
  }

  // ---- the graph walk --------------------------------------------------------

  /** Converts every node and makes the model; on failure, frees the layers made so far. */
  private build(): tf.LayersModel {
    const { ctx, m } = this;
    try {
      const input = this.makeInput();
      m.nodes.forEach((n, i) => {
        this.ops[n.opType ?? ''] = (this.ops[n.opType ?? ''] ?? 0) + 1;
        if (ctx.skipped.has(i)) return;
        ctx.node = n;
        ctx.nodeIndex = i;
        this.convertNode(n);
      });
      const outputs = m.outputs.map((o) => this.finalOutput(o.name));
      return tf.model({ inputs: input, outputs, name: sanitize(this.opts.name ?? basename(m.path).replace(/\.onnx$/i, '')) || 'onnx_model' });
    } catch (err) {
      // Layers built so far hold weight variables: free them before reporting.
      for (const layer of ctx.created) {
        try {
          if (layer.built) layer.dispose();
        } catch {
          // already disposed or never used
        }
      }
      throw err;
    }
  }

  private convertNode(n: Onnx.INodeProto): void {
    const op = n.opType ?? '';
    if (n.domain && n.domain !== 'ai.onnx') this.ctx.unsupported(`ops of the "${n.domain}" domain are not supported`);
    const converter = converterFor(op);
    if (!converter) this.ctx.unsupported('the op is not supported by the converter');
    converter.convert({ op, attrs: attributes(n), out: n.output?.[0] ?? '' }, this.ctx);
  }

  private finalOutput(name: string): tf.SymbolicTensor {
    const v = this.ctx.values.get(name);
    if (!v || v.kind === 'const') {
      throw new TransferkitError('UNSUPPORTED_MODEL', `The graph output "${name}" is a constant; a converted model must compute its outputs.`, { where: this.m.path });
    }
    this.ctx.node = { name: name, opType: 'output' };
    return v.layout.kind === 'flat' ? toPlain(this.ctx, v).t : v.t;
  }

  private result(model: tf.LayersModel): ConvertOnnxResult {
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
      layerOf: this.ctx.layerOf,
      ops: this.ops,
      notes: this.ctx.notes,
      params: model.countParams(),
    };
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
