/**
 * Static shape inference for the common ONNX ops, used to show shapes in `inspect` and to check
 * inputs. Shapes the file records (`value_info`, graph inputs/outputs) win; ops not handled here
 * leave their outputs unknown.
 */
import { attributes, tensorDims, tensorValues, valueInfoShape, type Onnx } from './proto.ts';
import type { OnnxModel, Shape } from './onnx-model.ts';

export type { Shape } from './onnx-model.ts';

const SAME_AS_INPUT = new Set([
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Clip', 'Softmax', 'LogSoftmax', 'Dropout', 'Identity', 'BatchNormalization', 'Exp', 'Log', 'Neg', 'Sqrt', 'Abs', 'Erf',
  'HardSigmoid', 'HardSwish', 'Elu', 'Selu', 'PRelu', 'Cast', 'LRN', 'InstanceNormalization', 'LayerNormalization', 'Softplus', 'Softsign', 'Gelu', 'Mish', 'Reciprocal', 'Floor', 'Ceil', 'Round',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Equal', 'Greater', 'Less', 'And', 'Or', 'Where']);

/**
 * Infers the shape of every value it can, by name.
 *
 * @example
 * ```ts
 * const shapes = inferShapes(model);
 * shapes.get('conv1_out'); // [null, 16, 14, 14]
 * ```
 */
export function inferShapes(model: OnnxModel): Map<string, Shape> {
  const g = model.proto.graph!;
  const known = new Map<string, Shape>();
  const recorded = new Map<string, Shape>();
  for (const v of [...(g.input ?? []), ...(g.valueInfo ?? []), ...(g.output ?? [])]) {
    const s = valueInfoShape(v);
    if (s && v.name) recorded.set(v.name, s);
  }
  const consts = new Map<string, Float64Array>();
  for (const [name, t] of model.initializers) {
    known.set(name, tensorDims(t));
    if (tensorDims(t).length <= 1 && (t.dataType === 7 || t.dataType === 6)) consts.set(name, tensorValues(t));
  }
  for (const i of model.inputs) if (i.shape) known.set(i.name, i.shape);
  for (const node of model.nodes) {
    let out: (Shape | undefined)[] = [];
    try {
      out = inferNode(node, (n) => (n === '' ? undefined : (recorded.get(n) ?? known.get(n))), consts);
    } catch {
      out = [];
    }
    (node.output ?? []).forEach((o, i) => {
      const s = recorded.get(o) ?? out[i];
      if (s) known.set(o, s);
    });
  }
  for (const [name, s] of recorded) if (!known.has(name)) known.set(name, s);
  return known;
}

function inferNode(node: Onnx.INodeProto, shapeOf: (name: string) => Shape | undefined, consts: Map<string, Float64Array>): (Shape | undefined)[] {
  const op = node.opType ?? '';
  const ins = (node.input ?? []).map((n) => shapeOf(n));
  const a = attributes(node);
  const x = ins[0];
  if (op === 'Constant') {
    const t = a.value as Onnx.ITensorProto | undefined;
    if (t) {
      const dims = tensorDims(t);
      if (dims.length <= 1 && (t.dataType === 7 || t.dataType === 6)) consts.set(node.output![0], tensorValues(t));
      return [dims];
    }
    const list = a.value_ints ?? a.value_floats;
    if (Array.isArray(list)) {
      if (a.value_ints) consts.set(node.output![0], Float64Array.from(list as number[]));
      return [[list.length]];
    }
    return typeof a.value_int === 'number' || typeof a.value_float === 'number' ? [[]] : [];
  }
  if (SAME_AS_INPUT.has(op)) return [x];
  if (BROADCAST.has(op)) return [broadcast(ins.filter((s): s is Shape => s !== undefined), ins.some((s) => s === undefined))];
  if (!x) return [];
  const rank = x.length;
  const ints = (name: string, def: number[]): number[] => (Array.isArray(a[name]) ? (a[name] as number[]) : def);
  switch (op) {
    case 'Conv':
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool': {
      const spatial = rank - 2;
      const w = ins[1];
      const kernel = ints('kernel_shape', op === 'Conv' && w ? (w.slice(2) as number[]) : []);
      const outC = op === 'Conv' ? (w?.[0] ?? null) : x[1];
      const dims = spatialOut(x.slice(2), kernel, ints('strides', Array(spatial).fill(1)), ints('dilations', Array(spatial).fill(1)), ints('pads', Array(spatial * 2).fill(0)), String(a.auto_pad ?? 'NOTSET'), a.ceil_mode === 1);
      return [[x[0], outC, ...dims]];
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      return [[x[0], x[1], ...Array(rank - 2).fill(1)]];
    case 'Gemm': {
      const b = ins[1];
      if (!b) return [];
      return [[a.transA === 1 ? x[1] : x[0], a.transB === 1 ? b[0] : b[1]]];
    }
    case 'MatMul': {
      const b = ins[1];
      if (!b) return [];
      if (b.length === 1) return [x.slice(0, -1)];
      if (x.length === 1) return [[...b.slice(0, -2), b[b.length - 1]]];
      const batch = broadcast([x.slice(0, -2), b.slice(0, -2)], false);
      return [[...(batch ?? []), x[x.length - 2], b[b.length - 1]]];
    }
    case 'Flatten': {
      let axis = typeof a.axis === 'number' ? a.axis : 1;
      if (axis < 0) axis += rank;
      return [[product(x.slice(0, axis)), product(x.slice(axis))]];
    }
    case 'Reshape': {
      const target = consts.get(node.input?.[1] ?? '') ?? (Array.isArray(a.shape) ? Float64Array.from(a.shape as number[]) : undefined);
      if (!target) return [];
      return [reshapeTarget(x, Array.from(target), a.allowzero === 1)];
    }
    case 'Concat': {
      let axis = Number(a.axis ?? 0);
      if (axis < 0) axis += rank;
      if (ins.some((s) => !s)) return [];
      const out = [...x];
      out[axis] = ins.reduce<number | null>((s, i) => (s === null || i![axis] === null ? null : s + (i![axis] as number)), 0);
      return [out];
    }
    case 'Transpose': {
      const perm = ints('perm', x.map((_, i) => rank - 1 - i));
      return [perm.map((p) => x[p])];
    }
    case 'Shape':
      return [[rank]];
    case 'Squeeze': {
      const axes = (ints('axes', []).length > 0 ? ints('axes', []) : Array.from(consts.get(node.input?.[1] ?? '') ?? [])).map((d) => (d < 0 ? d + rank : d));
      return [axes.length > 0 ? x.filter((_, i) => !axes.includes(i)) : x.filter((d) => d !== 1)];
    }
    case 'Unsqueeze': {
      const axesRaw = ints('axes', []).length > 0 ? ints('axes', []) : Array.from(consts.get(node.input?.[1] ?? '') ?? []);
      const outRank = rank + axesRaw.length;
      const axes = axesRaw.map((d) => (d < 0 ? d + outRank : d));
      const out: Shape = [];
      let j = 0;
      for (let i = 0; i < outRank; i++) out.push(axes.includes(i) ? 1 : x[j++]);
      return [out];
    }
    case 'ReduceMean':
    case 'ReduceSum':
    case 'ReduceMax':
    case 'ReduceMin': {
      const axes = (ints('axes', []).length > 0 ? ints('axes', []) : Array.from(consts.get(node.input?.[1] ?? '') ?? x.map((_, i) => i))).map((d) => (d < 0 ? d + rank : d));
      const keep = a.keepdims !== 0;
      return [keep ? x.map((d, i) => (axes.includes(i) ? 1 : d)) : x.filter((_, i) => !axes.includes(i))];
    }
    default:
      return [];
  }
}

/**
 * Output size of each spatial dim of a convolution or pooling, as ONNX defines it.
 *
 * @example
 * ```ts
 * spatialOut([28, 28], [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], 'NOTSET', false); // [14, 14]
 * ```
 */
export function spatialOut(input: Shape, kernel: number[], strides: number[], dilations: number[], pads: number[], autoPad: string, ceil: boolean): Shape {
  const n = input.length;
  return input.map((d, i) => {
    if (d === null || kernel[i] === undefined) return null;
    const s = strides[i] ?? 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(d / s);
    const k = (kernel[i] - 1) * (dilations[i] ?? 1) + 1;
    const p = autoPad === 'VALID' ? 0 : (pads[i] ?? 0) + (pads[i + n] ?? 0);
    const span = (d + p - k) / s;
    return (ceil ? Math.ceil(span) : Math.floor(span)) + 1;
  });
}

/**
 * Resolves a Reshape target (0 copies the input dim unless `allowZero`, -1 is inferred).
 *
 * @example
 * ```ts
 * reshapeTarget([null, 16, 4, 4], [0, -1], false); // [null, 256]
 * ```
 */
export function reshapeTarget(input: Shape, target: number[], allowZero: boolean): Shape {
  const copied = new Set(target.map((t, i) => (t === 0 && !allowZero ? i : -1)).filter((i) => i >= 0));
  const out: Shape = target.map((t, i) => (copied.has(i) ? (input[i] ?? null) : t));
  const minus = out.indexOf(-1);
  if (minus >= 0) {
    // Copied dims (e.g. a symbolic batch) cancel out: -1 is what the other dims leave.
    const total = product(input.filter((_, i) => !copied.has(i)));
    const rest = product(out.filter((_, i) => i !== minus && !copied.has(i)));
    out[minus] = total === null || rest === null || rest === 0 ? null : total / rest;
  }
  return out;
}

function product(s: Shape): number | null {
  let p = 1;
  for (const d of s) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}

function broadcast(shapes: Shape[], unknown: boolean): Shape | undefined {
  if (unknown || shapes.length === 0) return undefined;
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let dim: number | null = 1;
    for (const s of shapes) {
      const k = s.length - rank + i;
      const d = k < 0 ? 1 : s[k];
      if (d === null) dim = dim === 1 ? null : dim;
      else if (d !== 1) dim = d;
    }
    out.push(dim);
  }
  return out;
}
