/**
 * Constant folding of ONNX shape arithmetic, done while converting.
 *
 * PyTorch exports `x.view(x.size(0), -1)` as `Shape → Gather → Unsqueeze → Concat → Reshape`.
 * Every value in such a subgraph is known at conversion time except the batch size, so the
 * converter evaluates it here and the Reshape gets a constant target. The batch size is carried
 * as a marked entry ({@link ConstValue.batchAt}); it may move through Gather / Unsqueeze /
 * Squeeze / Concat / Slice / Cast, and a Reshape that keeps it first keeps the batch. Arithmetic
 * on it cannot be folded and is refused by the caller.
 */

/** A tensor whose values are known at conversion time (weights, shapes), in ONNX layout. */
export interface ConstValue {
  kind: 'const';
  data: Float64Array;
  dims: number[];
  /** Flat positions in `data` that hold the model's dynamic batch size (their stored value is -1). */
  batchAt?: number[];
}

/** The error a folding step raises; the converter turns it into an UNSUPPORTED_OP naming the node. */
export class FoldError extends Error {}

const size = (dims: number[]): number => dims.reduce((p, d) => p * d, 1);

function withBatch(data: Float64Array, dims: number[], batchAt: number[]): ConstValue {
  return batchAt.length > 0 ? { kind: 'const', data, dims, batchAt } : { kind: 'const', data, dims };
}

/** Picks the flat positions `src[i]` of `c` into a new constant of `dims`, keeping batch marks. */
function pick(c: ConstValue, src: number[], dims: number[]): ConstValue {
  const marks = new Set(c.batchAt ?? []);
  const data = Float64Array.from(src, (i) => c.data[i]);
  return withBatch(data, dims, src.flatMap((s, i) => (marks.has(s) ? [i] : [])));
}

/**
 * `Shape`: the dims of a computed tensor (ONNX order), `null` for the dynamic batch.
 *
 * @example
 * ```ts
 * shapeOf([null, 64, 7, 7]); // data [-1, 64, 7, 7], batchAt [0]
 * ```
 */
export function shapeOf(shape: (number | null)[], start = 0, end = shape.length): ConstValue {
  const norm = (k: number) => Math.min(Math.max(k < 0 ? k + shape.length : k, 0), shape.length);
  const dims = shape.slice(norm(start), norm(end));
  if (dims.slice(1).some((d) => d === null)) throw new FoldError('the tensor has a dynamic size other than the batch');
  return withBatch(Float64Array.from(dims, (d) => d ?? -1), [dims.length], dims[0] === null ? [0] : []);
}

/** Strides of a row-major array with `dims`. */
function strides(dims: number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let k = dims.length - 2; k >= 0; k--) s[k] = s[k + 1] * dims[k + 1];
  return s;
}

/**
 * `Gather` of constant indices from a constant along `axis`.
 *
 * @example
 * ```ts
 * gatherConst(shapeOf([null, 3]), { kind: 'const', data: Float64Array.of(0), dims: [] }, 0); // the batch, dims []
 * ```
 */
export function gatherConst(c: ConstValue, indices: ConstValue, axis = 0): ConstValue {
  const r = c.dims.length;
  const ax = axis < 0 ? axis + r : axis;
  if (ax < 0 || ax >= r) throw new FoldError(`Gather axis ${axis} is out of range for rank ${r}`);
  if (indices.batchAt?.length) throw new FoldError('Gather with the batch size as an index');
  const n = c.dims[ax];
  const idx = Array.from(indices.data, (i) => (i < 0 ? i + n : i));
  if (idx.some((i) => i < 0 || i >= n || !Number.isInteger(i))) throw new FoldError(`Gather index out of range [0, ${n})`);
  const outer = size(c.dims.slice(0, ax));
  const inner = size(c.dims.slice(ax + 1));
  const src: number[] = [];
  for (let o = 0; o < outer; o++) for (const i of idx) for (let k = 0; k < inner; k++) src.push((o * n + i) * inner + k);
  return pick(c, src, [...c.dims.slice(0, ax), ...indices.dims, ...c.dims.slice(ax + 1)]);
}

/**
 * `Unsqueeze`: inserts size-1 dims at `axes` (of the output).
 *
 * @example
 * ```ts
 * unsqueezeConst({ kind: 'const', data: Float64Array.of(5), dims: [] }, [0]).dims; // [1]
 * ```
 */
export function unsqueezeConst(c: ConstValue, axes: number[]): ConstValue {
  const rank = c.dims.length + axes.length;
  const at = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  const dims: number[] = [];
  for (let k = 0, j = 0; k < rank; k++) dims.push(at.has(k) ? 1 : c.dims[j++]);
  return { ...c, dims };
}

/**
 * `Squeeze`: drops the size-1 dims at `axes` (all size-1 dims when `axes` is empty).
 *
 * @example
 * ```ts
 * squeezeConst({ kind: 'const', data: Float64Array.of(5), dims: [1] }, [0]).dims; // []
 * ```
 */
export function squeezeConst(c: ConstValue, axes: number[]): ConstValue {
  const r = c.dims.length;
  const at = new Set(axes.map((a) => (a < 0 ? a + r : a)));
  for (const a of at) if (c.dims[a] !== 1) throw new FoldError(`Squeeze of axis ${a}, whose size is ${c.dims[a]}, not 1`);
  return { ...c, dims: c.dims.filter((d, k) => (at.size ? !at.has(k) : d !== 1)) };
}

/**
 * `Concat` of constants along `axis`.
 *
 * @example
 * ```ts
 * concatConst([shapeOf([null]), { kind: 'const', data: Float64Array.of(-1), dims: [1] }], 0); // [batch, -1]
 * ```
 */
export function concatConst(cs: ConstValue[], axis: number): ConstValue {
  const r = cs[0].dims.length;
  const ax = axis < 0 ? axis + r : axis;
  for (const c of cs) {
    if (c.dims.length !== r || c.dims.some((d, k) => k !== ax && d !== cs[0].dims[k])) throw new FoldError(`Concat of constants with dims ${cs.map((x) => `[${x.dims}]`).join(', ')}`);
  }
  const outer = size(cs[0].dims.slice(0, ax));
  const inner = size(cs[0].dims.slice(ax + 1));
  const data: number[] = [];
  const batchAt: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const c of cs) {
      const marks = new Set(c.batchAt ?? []);
      const chunk = c.dims[ax] * inner;
      for (let k = 0; k < chunk; k++) {
        if (marks.has(o * chunk + k)) batchAt.push(data.length);
        data.push(c.data[o * chunk + k]);
      }
    }
  }
  const dims = [...cs[0].dims];
  dims[ax] = cs.reduce((s, c) => s + c.dims[ax], 0);
  return withBatch(Float64Array.from(data), dims, batchAt);
}

/**
 * `Slice` of a constant; `starts`/`ends`/`axes`/`steps` as in ONNX (ends clamp, negatives count from the end).
 *
 * @example
 * ```ts
 * sliceConst(shapeOf([null, 64, 7, 7]), [1], [Infinity]).data; // [64, 7, 7]
 * ```
 */
export function sliceConst(c: ConstValue, starts: number[], ends: number[], axes?: number[], steps?: number[]): ConstValue {
  const r = c.dims.length;
  const ranges = c.dims.map((d) => ({ start: 0, step: 1, count: d }));
  starts.forEach((s0, i) => {
    const ax = axes ? (axes[i] < 0 ? axes[i] + r : axes[i]) : i;
    const d = c.dims[ax];
    const step = steps?.[i] ?? 1;
    if (step === 0) throw new FoldError('Slice with step 0');
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    const start = step > 0 ? clamp(s0, 0, d) : clamp(s0, -1, d - 1);
    const end = step > 0 ? clamp(ends[i], 0, d) : clamp(ends[i], -1, d - 1);
    ranges[ax] = { start, step, count: Math.max(0, Math.ceil((end - start) / step)) };
  });
  const st = strides(c.dims);
  const src: number[] = [];
  const walk = (k: number, base: number) => {
    if (k === r) return void src.push(base);
    const { start, step, count } = ranges[k];
    for (let j = 0; j < count; j++) walk(k + 1, base + (start + j * step) * st[k]);
  };
  walk(0, 0);
  return pick(c, src, ranges.map((x) => x.count));
}

/**
 * Elementwise `Add`/`Sub`/`Mul`/`Div` of two constants (same dims, or one a single value).
 * A division of whole numbers that leaves a remainder is refused: the values carry no dtype,
 * and int64 (truncating) and float division would differ.
 *
 * @example
 * ```ts
 * const seven = { kind: 'const', data: Float64Array.of(7), dims: [] } as const;
 * binaryConst('Mul', seven, seven).data; // [49]
 * ```
 */
export function binaryConst(op: string, a: ConstValue, b: ConstValue): ConstValue {
  if (a.batchAt?.length || b.batchAt?.length) throw new FoldError(`${op} on the batch size`);
  const n = Math.max(a.data.length, b.data.length);
  if (!(a.data.length === b.data.length || a.data.length === 1 || b.data.length === 1)) throw new FoldError(`${op} of constants with dims [${a.dims}] and [${b.dims}]`);
  const f = { Add: (x: number, y: number) => x + y, Sub: (x: number, y: number) => x - y, Mul: (x: number, y: number) => x * y, Div: (x: number, y: number) => {
    if (Number.isInteger(x) && Number.isInteger(y) && !Number.isInteger(x / y)) throw new FoldError(`Div of whole numbers with a remainder (${x} / ${y}): integer or float division?`);
    return x / y;
  } }[op];
  if (!f) throw new FoldError(`${op} of constants`);
  const data = Float64Array.from({ length: n }, (_, i) => f(a.data[a.data.length === 1 ? 0 : i], b.data[b.data.length === 1 ? 0 : i]));
  // the result has the larger operand's dims; between two single values, the higher rank ([1] over [])
  const aWins = a.data.length !== b.data.length ? a.data.length > b.data.length : a.dims.length >= b.dims.length;
  return { kind: 'const', data, dims: aWins ? a.dims : b.dims };
}
