/**
 * ONNX models as frozen feature extractors on onnxruntime-node (CPU).
 *
 * Any inner value can be read: the tapped values are made the graph outputs (with `onnx-proto`)
 * and nodes they do not depend on are dropped, before the onnxruntime session is created.
 *
 * Session options, and where they apply:
 * - `threads` → `intraOpNumThreads` (threads inside one op, e.g. a convolution); default 1.
 * - `spinning: false` (default) → session config `session.intra_op.allow_spinning = 0` and
 *   `session.inter_op.allow_spinning = 0`: idle pool threads sleep instead of busy-waiting, so a
 *   second core shared with other work does not double latency.
 * - `interOpNumThreads = 1`, `executionMode = 'sequential'`: ops run one after another.
 */
import * as ort from 'onnxruntime-node';
import { TransferkitError } from '../../errors.ts';
import type { FeatureMatrix } from '../../data/features.ts';
import { createCpuSession } from './cpu-session.ts';
import { proto, type Onnx } from './proto.ts';
import { listNodes, readOnnx, type OnnxModel } from './read.ts';
import type { Shape } from './shapes.ts';

/** Options of {@link createOnnxExtractor}. */
export interface OnnxExtractorOptions {
  /**
   * Values to read, by name: node output names (as `transferkit inspect model.onnx` lists them)
   * or node names (meaning the node's first output). Default: the graph outputs.
   */
  taps?: string[];
  /** onnxruntime intra-op threads (`intraOpNumThreads`). Default 1. */
  threads?: number;
  /** Let idle onnxruntime threads busy-wait for work (`session.intra_op.allow_spinning`). Default false. */
  spinning?: boolean;
  /** Examples per onnxruntime run. Default 32; models with a fixed batch dim use that. */
  batchSize?: number;
  /**
   * Layout of 4-D inputs given to `extract`: `nchw` (the ONNX model's own layout, default) or
   * `nhwc` (transferkit's image layout, `[n, height, width, channels]`), transposed before the run.
   */
  inputLayout?: 'nchw' | 'nhwc';
  /** Flatten every tap per example and concatenate them into one `[n, features]` matrix. Default false. */
  concat?: boolean;
}

/** A frozen ONNX feature extractor; call `dispose()` when done. */
export interface OnnxExtractor {
  /** The model's input name. */
  readonly inputName: string;
  /** The model's input shape in ONNX order (`null` = any size). */
  readonly inputShape: Shape;
  /** The tapped value names, in output order. */
  readonly taps: string[];
  /** The threads and spinning the session was created with. */
  readonly threads: number;
  readonly spinning: boolean;
  /**
   * Runs the model on `n` examples (`shape[0]`), in batches. Returns one matrix per tap, shaped
   * `[n, ...tap dims]` (ONNX order), or a single `[n, features]` matrix when `concat` is set.
   */
  extract(x: Float32Array, shape: number[], opts?: { concat?: boolean; batchSize?: number }): Promise<FeatureMatrix[]>;
  /** Releases the onnxruntime session. */
  dispose(): Promise<void>;
}

/**
 * Loads an ONNX model as a frozen feature extractor reading the given taps.
 *
 * @throws TransferkitError `MODEL_NOT_FOUND` / `CORRUPT_MODEL` (see `readOnnx`), `UNKNOWN_LAYER`
 *   (a tap that is not a node output or node name; the message lists candidates),
 *   `UNSUPPORTED_MODEL` (several inputs, a non-float input, or onnxruntime rejects the model),
 *   `BAD_OPTION` (threads or batch size out of range).
 * @example
 * ```ts
 * const ex = await createOnnxExtractor('resnet18.onnx', { taps: ['layer3_out', 'pool_out'], concat: true, threads: 2 });
 * const [feats] = await ex.extract(images, [n, 3, 224, 224]); // { x, shape: [n, d3 + d4] }
 * await ex.dispose();
 * ```
 */
export async function createOnnxExtractor(pathOrModel: string | OnnxModel, opts: OnnxExtractorOptions = {}): Promise<OnnxExtractor> {
  const model = typeof pathOrModel === 'string' ? await readOnnx(pathOrModel) : pathOrModel;
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new TransferkitError('BAD_OPTION', `threads must be a whole number from 1, got ${threads}.`, { where: 'createOnnxExtractor', hint: 'Use 1 (the default) or the number of cores to spare.' });
  }
  const defaultBatch = opts.batchSize ?? 32;
  checkBatchSize(defaultBatch);
  if (model.inputs.length !== 1) {
    throw new TransferkitError('UNSUPPORTED_MODEL', `The ONNX model has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}); feature extraction supports models with one input.`, {
      where: model.path,
      hint: 'Export the model with a single image or feature tensor as input.',
    });
  }
  const input = model.inputs[0];
  if (input.dtype !== 'float32') {
    throw new TransferkitError('UNSUPPORTED_MODEL', `The model's input "${input.name}" is ${input.dtype}; feature extraction feeds float32.`, { where: model.path, hint: 'Export the model with a float32 input.' });
  }
  const taps = resolveTaps(model, opts.taps);
  const bytes = proto.ModelProto.encode(withOutputs(model, taps)).finish();
  const spinning = opts.spinning ?? false;
  const session = await createCpuSession(bytes, { threads, spinning, where: model.path });
  const inputShape = input.shape ?? [];
  const fixedBatch = typeof inputShape[0] === 'number' ? inputShape[0] : undefined;
  let released = false;

  return {
    inputName: input.name,
    inputShape,
    taps,
    threads,
    spinning,
    async extract(x, shape, runOpts = {}) {
      if (released) throw new TransferkitError('DISPOSED', 'This ONNX extractor was disposed.', { where: model.path, hint: 'Create a new extractor.' });
      const concat = runOpts.concat ?? opts.concat ?? false;
      const batchSize = fixedBatch ?? runOpts.batchSize ?? defaultBatch;
      checkBatchSize(batchSize);
      const n = shape[0] ?? 0;
      if (x.length !== shape.reduce((p, d) => p * d, 1)) {
        throw new TransferkitError('SHAPE_MISMATCH', `The input holds ${x.length} values but its shape [${shape.join(', ')}] needs ${shape.reduce((p, d) => p * d, 1)}.`, { where: model.path });
      }
      const nhwc = (opts.inputLayout ?? 'nchw') === 'nhwc' && shape.length === 4;
      const example = nhwc ? [shape[3], shape[1], shape[2]] : shape.slice(1);
      checkExampleShape(inputShape, example, model.path, nhwc);
      const per = example.reduce((p, d) => p * d, 1);
      const outs: { data: Float32Array; dims: number[] }[] = [];
      for (let start = 0; start < n; start += batchSize) {
        const count = Math.min(batchSize, n - start);
        const feed = new Float32Array(batchSize === fixedBatch ? batchSize * per : count * per);
        const chunk = x.subarray(start * per, (start + count) * per);
        if (nhwc) nhwcToNchw(chunk, count, shape[1], shape[2], shape[3], feed);
        else feed.set(chunk);
        const rows = feed.length / per;
        let result: ort.InferenceSession.ReturnType;
        try {
          result = await session.run({ [input.name]: new ort.Tensor('float32', feed, [rows, ...example]) });
        } catch (err) {
          throw new TransferkitError('ONNX_RUN_FAILED', `onnxruntime failed to run the model: ${(err as Error).message}`, { where: model.path, cause: err });
        }
        taps.forEach((tap, t) => {
          const value = result[tap];
          const dims = value.dims.map(Number);
          if (dims[0] !== rows) {
            throw new TransferkitError('UNSUPPORTED_MODEL', `Tap "${tap}" has shape [${dims.join(', ')}], which does not keep the batch of ${rows} examples first.`, {
              where: model.path,
              hint: 'Tap a value with one row per example (not a weight or a reshaped batch).',
            });
          }
          const tapPer = dims.slice(1).reduce((p, d) => p * d, 1);
          if (!outs[t]) outs[t] = { data: new Float32Array(n * tapPer), dims: dims.slice(1) };
          const data = value.data as ArrayLike<number | bigint>;
          const dst = outs[t].data.subarray(start * tapPer, (start + count) * tapPer);
          if (data instanceof Float32Array) dst.set(data.subarray(0, count * tapPer));
          else for (let i = 0; i < count * tapPer; i++) dst[i] = Number(data[i]);
          value.dispose();
        });
      }
      if (n === 0) return concat ? [{ x: new Float32Array(0), shape: [0, 0] }] : taps.map(() => ({ x: new Float32Array(0), shape: [0] }));
      const mats = outs.map((o) => ({ x: o.data, shape: [n, ...o.dims] }));
      return concat ? [concatFeatures(mats)] : mats;
    },
    async dispose() {
      if (released) return;
      released = true;
      await session.release();
    },
  };
}

/**
 * Flattens each matrix per example and concatenates them along the feature axis.
 *
 * @example
 * ```ts
 * concatFeatures([{ x: a, shape: [n, 8, 4, 4] }, { x: b, shape: [n, 16] }]).shape; // [n, 144]
 * ```
 */
export function concatFeatures(mats: FeatureMatrix[]): FeatureMatrix {
  const n = mats[0]?.shape[0] ?? 0;
  const pers = mats.map((m) => (n > 0 ? m.x.length / n : 0));
  const total = pers.reduce((a, b) => a + b, 0);
  const x = new Float32Array(n * total);
  for (let i = 0; i < n; i++) {
    let off = i * total;
    mats.forEach((m, t) => {
      x.set(m.x.subarray(i * pers[t], (i + 1) * pers[t]), off);
      off += pers[t];
    });
  }
  return { x, shape: [n, total] };
}

/**
 * Resolves tap names (node output names, or node names meaning their first output).
 *
 * @throws TransferkitError `UNKNOWN_LAYER` listing the closest candidates.
 */
export function resolveTaps(model: OnnxModel, taps: string[] | undefined): string[] {
  if (!taps || taps.length === 0) return model.outputs.map((o) => o.name);
  const nodes = listNodes(model);
  const outputs = new Set(nodes.flatMap((n) => n.outputs));
  const byNode = new Map(nodes.map((n) => [n.name, n.outputs[0]]));
  const resolved = taps.map((t) => {
    if (outputs.has(t)) return t;
    const viaNode = byNode.get(t);
    if (viaNode) return viaNode;
    const candidates = closest(t, [...outputs]);
    throw new TransferkitError('UNKNOWN_LAYER', `"${t}" is not a node output or node name in this ONNX model.`, {
      where: model.path,
      hint: `Closest node outputs: ${candidates.join(', ')}. \`transferkit inspect ${model.path}\` lists all ${outputs.size}.`,
    });
  });
  return [...new Set(resolved)];
}

/**
 * The model with `outputs` as its only graph outputs, nodes they do not need removed, and unused
 * initializers dropped. The original model is not changed.
 */
export function withOutputs(model: OnnxModel, outputs: string[]): Onnx.ModelProto {
  const g = model.proto.graph!;
  const needed = new Set(outputs);
  const keep: Onnx.INodeProto[] = [];
  for (let i = model.nodes.length - 1; i >= 0; i--) {
    const n = model.nodes[i];
    if ((n.output ?? []).some((o) => needed.has(o))) {
      keep.unshift(n);
      for (const inp of n.input ?? []) if (inp !== '') needed.add(inp);
    }
  }
  const infos = new Map<string, Onnx.IValueInfoProto>();
  for (const v of [...(g.valueInfo ?? []), ...(g.output ?? [])]) if (v.name) infos.set(v.name, v);
  const graph: Onnx.IGraphProto = {
    name: g.name,
    node: keep,
    input: g.input,
    initializer: (g.initializer ?? []).filter((t) => needed.has(t.name ?? '')),
    valueInfo: (g.valueInfo ?? []).filter((v) => needed.has(v.name ?? '')),
    output: outputs.map((o) => {
      const known = infos.get(o);
      return { name: o, type: { tensorType: { elemType: known?.type?.tensorType?.elemType ?? 1 } } };
    }),
  };
  return proto.ModelProto.create({
    irVersion: model.proto.irVersion,
    opsetImport: model.proto.opsetImport,
    producerName: model.proto.producerName,
    producerVersion: model.proto.producerVersion,
    domain: model.proto.domain,
    modelVersion: model.proto.modelVersion,
    functions: model.proto.functions,
    graph,
  });
}

// ---- helpers ---------------------------------------------------------------

function checkBatchSize(b: number): void {
  if (!Number.isInteger(b) || b < 1) throw new TransferkitError('BAD_OPTION', `batchSize must be a whole number from 1, got ${b}.`, { where: 'createOnnxExtractor' });
}

function checkExampleShape(model: Shape, example: number[], where: string, nhwc: boolean): void {
  const expected = model.slice(1);
  const ok = model.length === 0 || (expected.length === example.length && expected.every((d, i) => d === null || d === example[i]));
  if (ok) return;
  const fmt = (s: Shape) => `[${s.map((d) => d ?? '?').join(', ')}]`;
  const hint =
    expected.length === 3 && example.length === 3 && !nhwc && expected[0] === example[2]
      ? 'The data looks channels-last (NHWC): pass inputLayout: "nhwc".'
      : `Give examples shaped ${fmt(expected)}${expected.length === 3 ? ' (channels, height, width)' : ''}.`;
  throw new TransferkitError('SHAPE_MISMATCH', `The ONNX model expects examples of shape ${fmt(expected)} but got ${fmt(example)}${nhwc ? ' (after NHWC → NCHW)' : ''}.`, { where, hint });
}

function nhwcToNchw(src: Float32Array, n: number, h: number, w: number, c: number, dst: Float32Array): void {
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    const so = b * hw * c;
    const dOff = b * hw * c;
    for (let p = 0; p < hw; p++) for (let ch = 0; ch < c; ch++) dst[dOff + ch * hw + p] = src[so + p * c + ch];
  }
}

/** Up to 8 names closest to `name` (substring matches first, then by edit distance). */
function closest(name: string, names: string[]): string[] {
  const lower = name.toLowerCase();
  const scored = names.map((n) => ({ n, s: n.toLowerCase().includes(lower) || lower.includes(n.toLowerCase()) ? -1 : editDistance(lower, n.toLowerCase()) }));
  scored.sort((a, b) => a.s - b.s);
  return scored.slice(0, 8).map((s) => s.n);
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
