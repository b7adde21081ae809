/**
 * A small builder for ONNX graphs with `onnx-proto`: for tests, benchmarks and examples that
 * need an ONNX model without Python.
 *
 * @example
 * ```ts
 * const b = new OnnxGraphBuilder({ opset: 13 });
 * const x = b.input('x', ['N', 4]);
 * const w = b.initializer('w', [4, 3], new Float32Array(12).fill(0.1));
 * const [y] = b.node('MatMul', [x, w]);
 * b.output(y);
 * await writeFile('tiny.onnx', b.toBytes());
 * ```
 */
import { AttrType, DataType, proto, type Onnx } from './proto.ts';

/** An attribute value: integers become INT(S) unless the name is a float attribute or a value is fractional. */
export type BuilderAttr = number | number[] | string | { floats: number[] } | { float: number };

const FLOAT_ATTRS = new Set(['alpha', 'beta', 'epsilon', 'momentum', 'ratio', 'min', 'max', 'gamma', 'bias', 'value_float', 'lambd', 'scale']);

/** Builds one ONNX graph; every name must be unique. */
export class OnnxGraphBuilder {
  private readonly nodes: Onnx.INodeProto[] = [];
  private readonly inputs: Onnx.IValueInfoProto[] = [];
  private readonly outputs: Onnx.IValueInfoProto[] = [];
  private readonly inits: Onnx.ITensorProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;
  readonly opset: number;
  readonly graphName: string;

  constructor(opts: { opset?: number; name?: string } = {}) {
    this.opset = opts.opset ?? 13;
    this.graphName = opts.name ?? 'graph';
  }

  /** Declares a graph input (float32 unless `dtype` says int32 or int64); string dims are symbolic (e.g. `'N'`). Returns its name. */
  input(name: string, dims: (number | string)[], dtype: 'float32' | 'int32' | 'int64' = 'float32'): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, dims, dtype === 'int32' ? DataType.INT32 : dtype === 'int64' ? DataType.INT64 : DataType.FLOAT));
    return name;
  }

  /** Adds a float32 (default) or int64 initializer. Returns its name. */
  initializer(name: string, dims: number[], data: ArrayLike<number>, dtype: 'float32' | 'int64' = 'float32'): string {
    this.claim(name);
    const n = dims.reduce((p, d) => p * d, 1);
    if (data.length !== n) throw new Error(`initializer ${name}: ${data.length} values for dims [${dims.join(', ')}]`);
    if (dtype === 'int64') {
      const raw = new BigInt64Array(n);
      for (let i = 0; i < n; i++) raw[i] = BigInt(data[i]);
      this.inits.push({ name, dims, dataType: DataType.INT64, rawData: new Uint8Array(raw.buffer) });
    } else {
      this.inits.push({ name, dims, dataType: DataType.FLOAT, rawData: new Uint8Array(Float32Array.from(data).buffer) });
    }
    return name;
  }

  /**
   * Adds a node. `outputs` is a list of names or a count (names are generated from the node
   * name). Returns the output names.
   */
  node(opType: string, inputs: string[], attrs: Record<string, BuilderAttr> = {}, opts: { name?: string; outputs?: string[] | number } = {}): string[] {
    const name = opts.name ?? `${opType.toLowerCase()}_${this.counter++}`;
    const outs = Array.isArray(opts.outputs) ? opts.outputs : Array.from({ length: opts.outputs ?? 1 }, (_, i) => (i === 0 ? `${name}_out` : `${name}_out${i}`));
    for (const o of outs) this.claim(o);
    this.nodes.push({ name, opType, input: inputs, output: outs, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return outs;
  }

  /** Marks a value as a graph output (float32; dims optional). */
  output(name: string, dims?: (number | string)[]): void {
    this.outputs.push(dims ? valueInfo(name, dims) : { name, type: { tensorType: { elemType: DataType.FLOAT } } });
  }

  /** The model message. */
  toModel(): Onnx.ModelProto {
    return proto.ModelProto.create({
      irVersion: 8,
      producerName: 'transferkit',
      opsetImport: [{ domain: '', version: this.opset }],
      graph: { name: this.graphName, node: this.nodes, input: this.inputs, output: this.outputs, initializer: this.inits },
    });
  }

  /** The encoded `.onnx` bytes. */
  toBytes(): Uint8Array {
    return proto.ModelProto.encode(this.toModel()).finish();
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`name "${name}" is used twice in the ONNX graph`);
    this.names.add(name);
  }
}

function valueInfo(name: string, dims: (number | string)[], elemType: number = DataType.FLOAT): Onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

function attribute(name: string, v: BuilderAttr): Onnx.IAttributeProto {
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') {
    return FLOAT_ATTRS.has(name) || !Number.isInteger(v) ? { name, type: AttrType.FLOAT, f: v } : { name, type: AttrType.INT, i: v };
  }
  if (Array.isArray(v)) {
    return v.every((d) => Number.isInteger(d)) ? { name, type: AttrType.INTS, ints: v } : { name, type: AttrType.FLOATS, floats: v };
  }
  if ('floats' in v) return { name, type: AttrType.FLOATS, floats: v.floats };
  return { name, type: AttrType.FLOAT, f: v.float };
}
