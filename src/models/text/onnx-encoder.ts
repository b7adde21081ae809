/**
 * A frozen transformer text encoder in ONNX (BERT, MiniLM, e5, bge … exported with Hugging
 * Face Optimum or `torch.onnx`) with its WordPiece `tokenizer.json`, run on onnxruntime-node:
 * texts in, one vector per text out (mean pooling over the attention mask, or the `[CLS]`
 * token, or the model's own pooled output).
 *
 * @module
 */
import { dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { checkTexts } from '../../data/check-texts.ts';
import { TransferkitError } from '../../errors.ts';
import { createCpuSession } from '../onnx/cpu-session.ts';
import { proto } from '../onnx/proto.ts';
import { readOnnx } from '../onnx/read.ts';
import type { OnnxModel, OnnxValueInfo } from '../onnx/onnx-model.ts';
import { encodeBatch, loadTokenizer, type WordPieceTokenizer } from './tokenizer/tokenizer.ts';

/**
 * How token vectors become one text vector: `mean` over the tokens the attention mask keeps
 * (`[CLS]` and `[SEP]` included, as sentence-transformers does), `cls` the first token's
 * vector, `pooled` the model's own 2-D output (when it has only such an output).
 *
 * @example
 * ```ts
 * const p: Pooling = 'mean';
 * ```
 */
export type Pooling = 'mean' | 'cls' | 'pooled';

/**
 * Options of {@link loadTextEncoder}.
 *
 * @example
 * ```ts
 * const o: TextEncoderOptions = { tokenizer: 'minilm/tokenizer.json', pooling: 'cls', batchSize: 16 };
 * ```
 */
export interface TextEncoderOptions {
  /** The `tokenizer.json` (default: `tokenizer.json` in the encoder's folder, where Hugging Face exports put it). */
  tokenizer?: string;
  /** Default `mean`; an encoder with only a pooled (2-D) output always uses `pooled`. */
  pooling?: 'mean' | 'cls';
  /** Most tokens per text, `[CLS]` and `[SEP]` included (default: the tokenizer's `truncation.max_length`, else 512; never more than a fixed sequence dim of the model). */
  maxLength?: number;
  /** Texts per onnxruntime call (default 32). */
  batchSize?: number;
  /** onnxruntime intra-op threads (default 1). */
  threads?: number;
}

/**
 * A loaded encoder; `dispose()` releases its onnxruntime session.
 *
 * @example
 * ```ts
 * const enc: TextEncoder = await loadTextEncoder('minilm/model.onnx');
 * enc.hidden; // 384
 * await enc.dispose();
 * ```
 */
export interface TextEncoder {
  /** Absolute path of the `.onnx` file. */
  path: string;
  tokenizer: WordPieceTokenizer;
  pooling: Pooling;
  /** Width of the text vectors. */
  hidden: number;
  maxLength: number;
  batchSize: number;
  /** The graph's fixed sizes, when exported without dynamic axes: every batch is padded to `sequence` tokens and to `batch` rows. */
  fixed: { batch?: number; sequence?: number };
  /** The graph's input names by role, and the output read. */
  names: { inputIds: string; attentionMask: string; tokenTypeIds?: string; output: string };
  /** Integer type of the inputs (int64 in Hugging Face exports). */
  idType: 'int64' | 'int32';
  session: ort.InferenceSession;
  /** True once {@link TextEncoder.dispose} ran. */
  readonly disposed: boolean;
  dispose(): Promise<void>;
}

const ROLE_NAMES = ['input_ids', 'attention_mask', 'token_type_ids'];

/**
 * Whether an ONNX model looks like a text encoder: one of its inputs is `input_ids`.
 *
 * @example
 * ```ts
 * isTextEncoder(await readOnnx('minilm/model.onnx')); // true
 * ```
 */
export function isTextEncoder(model: OnnxModel): boolean {
  return model.inputs.some((i) => i.name === 'input_ids');
}

/**
 * The tokenizer used with an encoder when none is named: `tokenizer.json` beside it.
 *
 * @example
 * ```ts
 * defaultTokenizerPath('models/minilm/model.onnx'); // '/…/models/minilm/tokenizer.json'
 * ```
 */
export function defaultTokenizerPath(onnxPath: string): string {
  return join(dirname(resolve(onnxPath)), 'tokenizer.json');
}

function inputsError(model: OnnxModel, what: string): TransferkitError {
  const found = (vs: OnnxValueInfo[]) => vs.map((v) => `${v.name} (${v.dtype}${v.shape ? ` [${v.shape.map((d) => d ?? '?').join(', ')}]` : ''})`).join(', ') || '(none)';
  return new TransferkitError('ENCODER_INPUTS', `${what}. Expected inputs input_ids, attention_mask and optionally token_type_ids (int64), and an output last_hidden_state [batch, sequence, hidden] or a pooled [batch, hidden]; found inputs ${found(model.inputs)} and outputs ${found(model.outputs)}`, {
    where: model.path,
    hint: 'Export the encoder for feature extraction with Hugging Face Optimum (its ONNX exporter names the inputs and outputs so).',
  });
}

/** Checks the graph's inputs and picks the output to read. */
function checkGraph(model: OnnxModel, pooling: 'mean' | 'cls' | undefined): { names: TextEncoder['names']; pooling: Pooling; hidden?: number; fixed: TextEncoder['fixed'] } {
  const byName = new Map(model.inputs.map((i) => [i.name, i]));
  const missing = ['input_ids', 'attention_mask'].filter((n) => !byName.has(n));
  if (missing.length) throw inputsError(model, `The encoder has no input ${missing.join(' or ')}`);
  const extra = model.inputs.filter((i) => !ROLE_NAMES.includes(i.name));
  if (extra.length) throw inputsError(model, `The encoder has input${extra.length > 1 ? 's' : ''} ${extra.map((i) => i.name).join(', ')} that transferkit does not know how to fill`);
  const badType = model.inputs.find((i) => i.dtype !== 'int64' && i.dtype !== 'int32');
  if (badType) throw inputsError(model, `The encoder's input ${badType.name} is ${badType.dtype}, not int64`);
  const three = model.outputs.find((o) => o.name === 'last_hidden_state') ?? model.outputs.find((o) => o.shape?.length === 3);
  const two = model.outputs.find((o) => o.shape?.length === 2);
  const out = three ?? two;
  if (!out || out.dtype !== 'float32') throw inputsError(model, 'The encoder has no float32 output of token vectors or of text vectors');
  if (!three && pooling) throw inputsError(model, `Pooling "${pooling}" needs token vectors, but the encoder only outputs pooled text vectors (${out.name})`);
  const last = out.shape?.at(-1);
  const [batch, seq] = model.inputs.find((i) => i.name === 'input_ids')?.shape ?? [];
  return {
    names: { inputIds: 'input_ids', attentionMask: 'attention_mask', tokenTypeIds: byName.has('token_type_ids') ? 'token_type_ids' : undefined, output: out.name },
    pooling: three ? (pooling ?? 'mean') : 'pooled',
    hidden: typeof last === 'number' ? last : undefined,
    fixed: { batch: typeof batch === 'number' && batch > 0 ? batch : undefined, sequence: typeof seq === 'number' && seq > 0 ? seq : undefined },
  };
}

/**
 * Loads an ONNX text encoder and its tokenizer, checks the graph's input and output names, and
 * opens an onnxruntime session.
 *
 * @throws TransferkitError `ENCODER_INPUTS` naming the expected and found inputs and outputs;
 *   `UNKNOWN_TOKENIZER` / `BAD_TOKENIZER` for the tokenizer; those of `readOnnx`.
 * @example
 * ```ts
 * const enc = await loadTextEncoder('test/fixtures/tiny-bert/encoder.onnx', { pooling: 'cls' });
 * const x = await embedTexts(enc, ['a good film', 'an awful film']); // 2 × 16 floats
 * await enc.dispose();
 * ```
 */
export async function loadTextEncoder(path: string, opts: TextEncoderOptions = {}): Promise<TextEncoder> {
  if (opts.pooling !== undefined && opts.pooling !== 'mean' && opts.pooling !== 'cls') {
    throw new TransferkitError('BAD_OPTION', `pooling must be "mean" or "cls", got ${JSON.stringify(opts.pooling)}`, { where: 'pooling option', hint: 'Use "mean" (the default, what sentence-transformers models use) or "cls".' });
  }
  const asked = opts.batchSize ?? 32;
  if (!Number.isInteger(asked) || asked < 1) throw new TransferkitError('BAD_OPTION', `batchSize must be a whole number ≥ 1, got ${asked}`, { where: 'batchSize option', hint: 'E.g. 32.' });
  const model = await readOnnx(path);
  const graph = checkGraph(model, opts.pooling);
  // a graph with a fixed batch dim takes batches of exactly that size (short ones get blank rows)
  const batchSize = graph.fixed.batch ?? asked;
  const tokenizer = await loadTokenizer(opts.tokenizer ?? defaultTokenizerPath(path));
  const maxLength = Math.min(opts.maxLength ?? tokenizer.maxLength ?? 512, graph.fixed.sequence ?? Infinity);
  if (!Number.isInteger(maxLength) || maxLength < 2) throw new TransferkitError('BAD_OPTION', `maxLength must be a whole number ≥ 2 ([CLS] and [SEP]), got ${maxLength}`, { where: 'maxLength option', hint: 'E.g. 128 or 512.' });
  const session = await createCpuSession(proto.ModelProto.encode(model.proto).finish(), { threads: opts.threads ?? 1, where: model.path });
  let released = false;
  const encoder: TextEncoder = {
    path: model.path,
    tokenizer,
    pooling: graph.pooling,
    hidden: graph.hidden ?? 0,
    maxLength,
    batchSize,
    fixed: graph.fixed,
    names: graph.names,
    idType: model.inputs.every((i) => i.dtype === 'int32') ? 'int32' : 'int64',
    session,
    get disposed() {
      return released;
    },
    async dispose() {
      if (released) return;
      released = true;
      await session.release();
    },
  };
  try {
    // a symbolic hidden size: read it off one short text
    if (!encoder.hidden) encoder.hidden = (await runBatch(encoder, [''])).length;
  } catch (err) {
    await encoder.dispose();
    throw err;
  }
  return encoder;
}

/**
 * Pools token vectors `[n, seq, hidden]` into text vectors `[n, hidden]`: `mean` averages the
 * tokens whose mask is 1 (a row with no such token gives zeros), `cls` takes token 0.
 *
 * @example
 * ```ts
 * poolTokens(Float32Array.from([1, 2, 3, 4]), [1, 1], 1, 2, 2, 'mean'); // [2, 3]
 * poolTokens(Float32Array.from([1, 2, 3, 4]), [1, 0], 1, 2, 2, 'mean'); // [1, 2]
 * ```
 */
export function poolTokens(tokens: ArrayLike<number>, mask: ArrayLike<number | bigint>, n: number, seq: number, hidden: number, pooling: 'mean' | 'cls'): Float32Array {
  const out = new Float32Array(n * hidden);
  for (let r = 0; r < n; r++) {
    if (pooling === 'cls') {
      for (let h = 0; h < hidden; h++) out[r * hidden + h] = tokens[r * seq * hidden + h];
      continue;
    }
    let count = 0;
    const acc = new Float64Array(hidden);
    for (let j = 0; j < seq; j++) {
      if (Number(mask[r * seq + j]) === 0) continue;
      count++;
      const base = (r * seq + j) * hidden;
      for (let h = 0; h < hidden; h++) acc[h] += tokens[base + h];
    }
    for (let h = 0; h < hidden; h++) out[r * hidden + h] = count > 0 ? acc[h] / count : 0;
  }
  return out;
}

/** One onnxruntime call: texts → pooled vectors (row-major). */
async function runBatch(enc: TextEncoder, texts: readonly string[]): Promise<Float32Array> {
  if (enc.disposed) throw new TransferkitError('DISPOSED', 'This text encoder was disposed', { where: enc.path, hint: 'Load it again with loadTextEncoder.' });
  const n = texts.length;
  const rows = enc.fixed.batch !== undefined && enc.fixed.batch > n ? [...texts, ...Array<string>(enc.fixed.batch - n).fill('')] : texts;
  const b = encodeBatch(enc.tokenizer, rows, enc.maxLength, enc.fixed.sequence);
  const dims = [b.n, b.seqLen];
  const tensor = (data: BigInt64Array) => (enc.idType === 'int32' ? new ort.Tensor('int32', Int32Array.from(data, Number), dims) : new ort.Tensor('int64', data, dims));
  const feeds: Record<string, ort.Tensor> = { [enc.names.inputIds]: tensor(b.inputIds), [enc.names.attentionMask]: tensor(b.attentionMask) };
  if (enc.names.tokenTypeIds) feeds[enc.names.tokenTypeIds] = tensor(b.tokenTypeIds);
  let result: ort.InferenceSession.ReturnType;
  try {
    result = await enc.session.run(feeds, [enc.names.output]);
  } catch (err) {
    throw new TransferkitError('ONNX_RUN_FAILED', `onnxruntime failed to run the text encoder on a batch of ${b.n} texts of up to ${b.seqLen} tokens: ${(err as Error).message}`, {
      where: enc.path,
      hint: /dimension|shape/i.test((err as Error).message)
        ? `The graph's inputs have sizes transferkit does not fill (it read input_ids as [${enc.fixed.batch ?? 'batch'}, ${enc.fixed.sequence ?? 'sequence'}]): export the encoder with dynamic batch and sequence axes (Hugging Face Optimum does so by default).`
        : 'If the message names positions or an index out of range, the encoder takes fewer tokens than its tokenizer allows: lower truncation.max_length in its tokenizer.json (or pass maxLength to loadTextEncoder).',
      cause: err,
    });
  }
  const value = result[enc.names.output];
  try {
    const data = value.data as Float32Array;
    const d = value.dims.map(Number);
    // only the first n rows are texts; the rest pad a fixed batch
    if (enc.pooling === 'pooled') return new Float32Array(data.subarray(0, n * d[1]));
    return poolTokens(data, b.attentionMask, n, d[1], d[2], enc.pooling);
  } finally {
    value.dispose();
  }
}

/**
 * Embeds texts: `[n, hidden]` floats, row-major, in the order given. Texts are batched by
 * token length (less padding), `batchSize` at a time; `onProgress` hears after each batch.
 * An empty or blank text is `[CLS] [SEP]` and gets a vector like any other (as with Hugging
 * Face tokenizers); texts longer than `maxLength` tokens are cut.
 *
 * @throws TransferkitError `BAD_TEXT` for a text that is not a string; `DISPOSED`; `ONNX_RUN_FAILED`.
 * @example
 * ```ts
 * const x = await embedTexts(enc, ['a good film', 'an awful film'], { onProgress: (d, t) => console.log(d, t) });
 * ```
 */
export async function embedTexts(encoder: TextEncoder, texts: readonly string[], opts: { onProgress?: (done: number, total: number) => void } = {}): Promise<Float32Array> {
  checkTexts(texts);
  const h = encoder.hidden;
  const out = new Float32Array(texts.length * h);
  // shortest first: batches of similar lengths pad little
  const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length || a - b);
  for (let start = 0; start < order.length; start += encoder.batchSize) {
    const idx = order.slice(start, start + encoder.batchSize);
    const vecs = await runBatch(encoder, idx.map((i) => texts[i]));
    idx.forEach((i, r) => out.set(vecs.subarray(r * h, (r + 1) * h), i * h));
    opts.onProgress?.(Math.min(start + encoder.batchSize, order.length), order.length);
  }
  return out;
}
