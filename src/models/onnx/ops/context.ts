/**
 * What an ONNX op converter is ({@link OpConverter}) and what it works with: the values of the
 * graph so far (TF.js symbolic tensors with their layout, or constants known while converting)
 * and the {@link ConvertContext} that reads a node's inputs, makes layers, names them, records
 * their weights and reports an unsupported node.
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../../errors.ts';
import { FoldError, type ConstValue } from '../shape-folding.ts';
import { attributes, type AttrValue, type Onnx } from '../proto.ts';
import { nodeName, type OnnxModel } from '../read.ts';

/** How the TF.js tensor relates to the ONNX tensor it stands for. */
export type Layout =
  /** Same dims, same order. */
  | { kind: 'plain' }
  /** ONNX `[N, C, H, W]` held as TF `[N, H, W, C]`. */
  | { kind: 'nhwc' }
  /** ONNX `[N, C, 1, 1]` held as TF `[N, C]` (after global pooling). */
  | { kind: 'pooled' }
  /** ONNX `[N, C·H·W]` (CHW order) held as TF `[N, H·W·C]` (HWC order). */
  | { kind: 'flat'; c: number; h: number; w: number };

/** A value computed by the model: a TF.js symbolic tensor. */
export interface Sym {
  kind: 'sym';
  t: tf.SymbolicTensor;
  layout: Layout;
  /** Known to be ≥ 0 (after Relu and friends): zero padding equals -∞ padding for MaxPool. */
  nonNeg: boolean;
}

/** A value known while converting (weights, shapes), in ONNX layout. */
export type Const = ConstValue;

export type Value = Sym | Const;

/** Weights to set on a layer once the model is built. */
export interface WeightInit {
  layer: tf.layers.Layer;
  weights: { data: Float32Array; shape: number[] }[];
}

/** The node being converted, as a converter sees it. */
export interface OnnxNode {
  /** The op type, e.g. `'Conv'`. */
  op: string;
  /** Its attributes, decoded. */
  attrs: Record<string, AttrValue>;
  /** Its first output's name. */
  out: string;
}

/**
 * A converter of one op family, listed in `registry.ts`. `convert` turns one node into TF.js
 * layers (through `ctx.layer`) and records its output (`ctx.set` / `ctx.alias` / `ctx.fold`);
 * anything it cannot convert is `ctx.unsupported(why)`.
 */
export interface OpConverter {
  /** The family's name, e.g. `'conv'` (the file under ops/). */
  family: string;
  /** The ONNX op types (default domain) it converts. */
  opTypes: readonly string[];
  /** The forms that convert, where not all do: op type → a few words for the UNSUPPORTED_OP hint. */
  limits?: Readonly<Record<string, string>>;
  /**
   * Op types whose output may take a constant Add that follows as its bias: op type → the axis,
   * counted from the end of the ONNX shape, along which that constant may vary (a constant of
   * more than `maxRank` dims does not fold).
   */
  foldsBias?: Readonly<Record<string, { channelFromEnd: number; maxRank?: number }>>;
  convert(node: OnnxNode, ctx: ConvertContext): void;
}

/** Converts one node of a known op type. */
export type OpHandler = (node: OnnxNode, ctx: ConvertContext) => void;

/**
 * An {@link OpConverter} from one handler per op type (the op types are the handlers' keys).
 *
 * @example
 * ```ts
 * export const fooOps = opFamily('foo', { Foo: (node, ctx) => ctx.alias(node.out, ctx.sym(0)) });
 * ```
 */
export function opFamily(family: string, handlers: Readonly<Record<string, OpHandler>>, options: Pick<OpConverter, 'limits' | 'foldsBias'> = {}): OpConverter {
  return { family, opTypes: Object.keys(handlers), ...options, convert: (node, ctx) => handlers[node.op](node, ctx) };
}

/** The state of one conversion, and the helpers converters build layers with. */
export class ConvertContext {
  readonly values = new Map<string, Value>();
  readonly inits: WeightInit[] = [];
  /** Every layer made, to free their weights if conversion fails part-way. */
  readonly created: tf.layers.Layer[] = [];
  readonly layerOf: Record<string, string> = {};
  readonly notes: string[] = [];
  /** Node index of a Conv/Gemm/MatMul → the constant-Add node folded into its bias. */
  readonly foldedAdd = new Map<number, number>();
  readonly skipped = new Set<number>();
  /** The ONNX input's batch dim when fixed (e.g. 1): a Reshape target starting with it keeps the batch. */
  fixedBatch: number | null = null;
  node: Onnx.INodeProto = {};
  nodeIndex = 0;
  private readonly layerNames = new Set<string>();
  /** The output of a folded Add, to alias to the next value set. */
  private pendingAlias: string | undefined;

  constructor(
    readonly model: OnnxModel,
    /** The UNSUPPORTED_OP hint: what does convert. */
    private readonly hint: string,
  ) {}

  get opset(): number {
    return this.model.opset;
  }

  // ---- inputs ----------------------------------------------------------------

  get(i: number): Value {
    const name = this.node.input?.[i] ?? '';
    const v = this.values.get(name);
    if (!v) this.unsupported(`input ${i} ("${name}") is missing`);
    return v!;
  }

  sym(i: number, what?: string): Sym {
    const v = this.get(i);
    if (v.kind !== 'sym') this.unsupported(what ? `${what} is not supported` : `input ${i} is a constant where a computed tensor is expected (fold constants with onnx-simplifier first)`);
    return v as Sym;
  }

  constInput(i: number, what: string): Const {
    const v = this.get(i);
    if (v.kind !== 'const') this.unsupported(`the ${what} (input ${i}) is computed in the graph, not a stored weight`);
    return v as Const;
  }

  constScalar(i: number): number {
    const c = this.constInput(i, `input ${i}`);
    if (c.data.length !== 1) this.unsupported(`input ${i} should be a scalar, it has dims [${c.dims}]`);
    return c.data[0];
  }

  isConst(name: string): boolean {
    return this.values.get(name)?.kind === 'const';
  }

  attr(name: string): AttrValue | undefined {
    return attributes(this.node)[name];
  }

  // ---- layers and outputs ----------------------------------------------------

  layer(layer: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[], weights?: WeightInit['weights']): tf.SymbolicTensor {
    this.created.push(layer);
    const t = layer.apply(input) as tf.SymbolicTensor;
    if (weights) this.inits.push({ layer, weights });
    return t;
  }

  set(out: string, t: tf.SymbolicTensor, layout: Layout, nonNeg: boolean): void {
    const v: Sym = { kind: 'sym', t, layout, nonNeg };
    this.values.set(out, v);
    this.layerOf[out] = layerNameOf(v);
    if (this.pendingAlias) {
      this.values.set(this.pendingAlias, v);
      this.layerOf[this.pendingAlias] = this.layerOf[out];
      this.pendingAlias = undefined;
    }
  }

  alias(out: string, v: Value): void {
    this.values.set(out, v);
    if (v.kind === 'sym') this.layerOf[out] = layerNameOf(v);
  }

  /** Stores a value computed at conversion time; a step that cannot fold becomes UNSUPPORTED_OP. */
  fold(out: string, compute: () => Const): void {
    try {
      this.values.set(out, compute());
    } catch (err) {
      if (err instanceof FoldError) this.unsupported(`${err.message} (shape arithmetic is computed while converting, and this step cannot be)`);
      throw err;
    }
  }

  /** The bias of a Conv/Gemm/MatMul plus the constant Add folded into it (if any). */
  foldBias(units: number, bias: Float32Array | undefined): Float32Array | undefined {
    const addIdx = this.foldedAdd.get(this.nodeIndex);
    if (addIdx === undefined) return bias;
    const add = this.model.nodes[addIdx];
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

  // ---- names and errors ------------------------------------------------------

  baseName(): string {
    return sanitize(nodeName(this.node, this.nodeIndex)) || `node_${this.nodeIndex}`;
  }

  /** A new layer name for the node being converted: its name, made unique. */
  layerName(): string {
    return this.uniqueName(this.baseName());
  }

  uniqueName(base: string): string {
    let name = sanitize(base) || 'layer';
    if (!/^[A-Za-z]/.test(name)) name = `n_${name}`;
    let candidate = name;
    for (let k = 1; this.layerNames.has(candidate); k++) candidate = `${name}_${k}`;
    this.layerNames.add(candidate);
    return candidate;
  }

  /** Throws `CORRUPT_MODEL` naming the node: its attributes contradict the graph (onnxruntime refuses it too). */
  corrupt(why: string): never {
    const name = nodeName(this.node, this.nodeIndex);
    throw new TransferkitError('CORRUPT_MODEL', `${this.node.opType} node "${name}" ${why}.`, { where: `${this.model.path} › ${name}`, hint: 'The model is damaged or was edited; export it again.' });
  }

  unsupported(why: string): never {
    const n = this.node;
    const name = nodeName(n, this.nodeIndex);
    throw new TransferkitError('UNSUPPORTED_OP', `Cannot convert ${n.opType} node "${name}": ${why}.`, { where: `${this.model.path} › ${name}`, hint: this.hint });
  }
}

export function layerNameOf(v: Sym): string {
  return (v.t as unknown as { sourceLayer: { name: string } }).sourceLayer.name;
}

/** A TF.js-safe layer name: letters, digits, `_`, `.`, `-`. */
export function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '');
}

/** An ints attribute, or `def` when absent or empty. */
export function ints(v: AttrValue | undefined, def: number[]): number[] {
  return Array.isArray(v) && v.length > 0 ? (v as number[]) : def;
}

export function f32(d: Float64Array): Float32Array {
  return Float32Array.from(d);
}
