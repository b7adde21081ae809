import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset.ts';
import { featureNames, transformFeatures, type FeatureSpec } from '../../data/features.ts';
import { writtenWords } from '../../data/word-tokens.ts';
import { TransferkitError } from '../../errors.ts';
import { trainingEngine } from '../../engine/training-engine.ts';
import type { TrainedModel } from '../../models/trained-model.ts';
import { onnxProbsFn, type OnnxProbs } from '../onnx-predict.ts';
import type { PredictFn } from '../types.ts';

/** The output space explanations are computed in: class probability, or its log-odds. */
export type Link = 'identity' | 'logit';

/** Rows per `model.predict` call: large batches, one tfjs call each (its default splits into 32s). */
const PREDICT_BATCH = 4096;

/** Input values per `model.predict` call at most (16 MiB of float32), so large inputs get smaller batches. */
const PREDICT_VALUES = 1 << 22;

/** Rows per call for rows of `per` values. */
function batchRows(per: number, batchSize: number): number {
  return Math.max(1, Math.min(batchSize, Math.floor(PREDICT_VALUES / Math.max(1, per))));
}

/**
 * Class probabilities of model-input rows, batched, with no tensors left behind.
 *
 * @example
 * ```ts
 * const probs = modelProbs(trained, rows); // rows.length × classes
 * ```
 */
export function modelProbs(trained: TrainedModel, rows: ArrayLike<number>[], batchSize = PREDICT_BATCH): Float32Array {
  const per = rows[0]?.length ?? 0;
  const n = rows.length;
  batchSize = batchRows(per, batchSize);
  const flat = new Float32Array(Math.min(batchSize, n) * per);
  const k = trained.classes.length;
  const out = new Float32Array(n * k);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    for (let i = start; i < end; i++) flat.set(rows[i], (i - start) * per);
    out.set(predictChunk(trained, flat.subarray(0, (end - start) * per), end - start), start * k);
  }
  return out;
}

/**
 * Class probabilities of `n` model-input rows packed row-major in `flat`, batched, with no
 * tensors left behind.
 *
 * @example
 * ```ts
 * const probs = modelProbsFlat(trained, Float32Array.from(batch), n); // n × classes
 * ```
 */
export function modelProbsFlat(trained: TrainedModel, flat: Float32Array, n: number, batchSize = PREDICT_BATCH): Float32Array {
  const per = n > 0 ? flat.length / n : 0;
  batchSize = batchRows(per, batchSize);
  if (n <= batchSize) return predictChunk(trained, flat, n);
  const out = new Float32Array(n * trained.classes.length);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    out.set(predictChunk(trained, flat.subarray(start * per, (start + m) * per), m), start * trained.classes.length);
  }
  return out;
}

/** One `model.predict` call on `m` packed rows (as one batch), read back and freed. */
function predictChunk(trained: TrainedModel, flat: Float32Array, m: number): Float32Array {
  const shape = trained.model.inputs[0].shape.slice(1) as number[];
  return tf.tidy(() => (trained.model.predict(tf.tensor(flat, [m, ...shape]), { batchSize: m }) as tf.Tensor).dataSync() as Float32Array);
}

/** Models being explained on onnxruntime (see {@link withOnnxProbs}). */
const onOnnx = new WeakMap<TrainedModel, OnnxProbs>();

/**
 * Runs `work` with `trained` compiled to onnxruntime, so the {@link classPredictFn}s made for
 * it evaluate their batches there (on a 30-64-32-2 MLP about 3× faster per KernelSHAP row than
 * TF.js wasm; outputs equal to float32 rounding). Models the compiler cannot run, and the TF.js
 * training engine (`--engine tfjs`), stay on TF.js. The session is released when `work` ends.
 *
 * @example
 * ```ts
 * const values = await withOnnxProbs(trained, () => kernelShap(classPredictFn(trained, 1, 'identity'), row, bg));
 * ```
 */
export async function withOnnxProbs<T>(trained: TrainedModel, work: () => Promise<T>): Promise<T> {
  let core: OnnxProbs | undefined;
  if (!onOnnx.has(trained) && trainingEngine().engine === 'onnx') {
    try {
      core = await onnxProbsFn(trained.model);
      onOnnx.set(trained, core);
    } catch (err) {
      // a layer the compiler lacks: TF.js runs it; anything else is a real failure
      if (!(err instanceof TransferkitError && err.code === 'ONNX_TRAIN_UNSUPPORTED')) throw err;
      core = undefined;
    }
  }
  try {
    return await work();
  } finally {
    if (core) {
      onOnnx.delete(trained);
      await core.release();
    }
  }
}

/**
 * A {@link PredictFn} giving one class's probability (`identity`) or log-odds (`logit`) for
 * model-input rows, with a flat fast path (one float32 batch per {@link PREDICT_BATCH} rows); on
 * onnxruntime inside {@link withOnnxProbs}.
 *
 * @example
 * ```ts
 * const f = classPredictFn(trained, 1, 'logit');
 * const values = await f([row]);
 * ```
 */
export function classPredictFn(trained: TrainedModel, classIndex: number, link: Link): PredictFn {
  const k = trained.classes.length;
  let scratch = new Float32Array(0);
  const pick = (probs: Float32Array, n: number) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = applyLink(probs[i * k + classIndex], link);
    return out;
  };
  const flat = (batch: ArrayLike<number>, n: number): Float64Array | Promise<Float64Array> => {
    if (scratch.length < batch.length) scratch = new Float32Array(batch.length);
    const f32 = scratch.length === batch.length ? scratch : scratch.subarray(0, batch.length);
    f32.set(batch);
    const core = onOnnx.get(trained);
    return core ? core.probs(f32, n).then((probs) => pick(probs, n)) : pick(modelProbsFlat(trained, f32, n), n);
  };
  const rows = (rs: Float64Array[]) => {
    if (!onOnnx.has(trained)) return pick(modelProbs(trained, rs), rs.length);
    const per = rs[0]?.length ?? 0;
    const packed = new Float64Array(rs.length * per);
    rs.forEach((r, i) => packed.set(r, i * per));
    return flat(packed, rs.length);
  };
  return Object.assign(rows, { flat });
}

/**
 * Applies a link to a probability (clipped to [1e-7, 1 − 1e-7] for `logit`).
 *
 * @example
 * ```ts
 * applyLink(0.5, 'logit'); // 0
 * ```
 */
export function applyLink(p: number, link: Link): number {
  if (link === 'identity') return p;
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return Math.log(q / (1 - q));
}

/** Model-input rows of a dataset, one Float64Array per example. */
export function inputRows(spec: FeatureSpec, ds: Dataset): Float64Array[] {
  const { x, shape } = transformFeatures(spec, ds);
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) => Float64Array.from(x.subarray(i * per, (i + 1) * per)));
}

/**
 * How a tabular model's inputs map to the user's columns: one feature per numeric column, one
 * group of one-hot inputs per categorical column.
 *
 * @example
 * ```ts
 * const { names, groups } = tabularFeatures(spec); // names: ['bill_length_mm', …, 'Island']
 * ```
 */
export function tabularFeatures(spec: FeatureSpec): { names: string[]; groups: number[][] } {
  if (spec.kind !== 'tabular') throw new TransferkitError('KIND_MISMATCH', `This method explains tabular models, and this model takes ${spec.kind} data`);
  const names: string[] = [];
  const groups: number[][] = [];
  let col = 0;
  for (const n of spec.numeric) {
    names.push(n.name);
    groups.push([col++]);
  }
  for (const c of spec.categorical) {
    names.push(c.name);
    groups.push(c.categories.map(() => col++));
  }
  if (col !== featureNames(spec).length) throw new TransferkitError('CORRUPT_MODEL', 'The saved preprocessing does not match its feature names');
  return { names, groups };
}

/**
 * The words of a text as the user wrote them (`writtenWords`: case and accents kept, a
 * contraction or hyphenated word one piece) and a function that rebuilds the text from a
 * keep/drop mask, for explaining text models word by word (the SHAP "text masker" idea). The
 * text is rebuilt by cutting the dropped words out of the original string, so with every word
 * kept it is the original text exactly (what an ONNX sub-word encoder saw at predict time).
 *
 * @example
 * ```ts
 * const { tokens, textFor } = textMasker("Don't BUY pills");
 * tokens; // ["Don't", 'BUY', 'pills']
 * textFor(Float64Array.of(1, 0, 1)); // "Don't pills"
 * textFor(Float64Array.of(1, 1, 1)); // "Don't BUY pills" (the original text, punctuation kept)
 * ```
 */
export function textMasker(text: string): { tokens: string[]; textFor: (mask: ArrayLike<number>) => string } {
  const words = writtenWords(text);
  const textFor = (mask: ArrayLike<number>): string => {
    // cut only the dropped words out of the original string: all kept gives the text exactly
    // (punctuation and spacing included), which a sub-word (WordPiece) encoder reads differently
    let out = '';
    let from = 0;
    words.forEach((w, i) => {
      if (mask[i] > 0.5) return;
      out += text.slice(from, w.start);
      from = w.end;
      if (out.endsWith(' ') && text[from] === ' ') from += 1;
    });
    return out + text.slice(from);
  };
  return { tokens: words.map((w) => w.text), textFor };
}
