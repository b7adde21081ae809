/**
 * An ONNX text encoder as a base model. onnxruntime runs asynchronously while transferkit's
 * preprocessing ({@link FeatureSpec}) is synchronous, so the encoder is applied as a step of
 * its own: a text dataset becomes a table of encoder features (`enc_0` … `enc_{hidden-1}`),
 * and everything downstream (standardisation, the head, metrics, explanations) sees tabular
 * data. A trained model records the encoder ({@link TextEncoderRef}: absolute paths of the
 * `.onnx` and `tokenizer.json`, with their SHA-256) in its `transferkit.json`, so prediction on
 * raw texts later runs the same encoder first. The files are referenced, not copied (encoders
 * are tens to hundreds of megabytes, and checkpoints are saved every epoch): moving or changing
 * them is `ENCODER_NOT_FOUND`.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset.ts';
import { TransferkitError } from '../../errors.ts';
import { embedTexts, loadTextEncoder, type Pooling, type TextEncoder, type TextEncoderOptions } from './onnx-encoder.ts';

/**
 * What a model records about the encoder it was trained on (`transferkit.json` → `encoder`).
 *
 * @example
 * ```ts
 * const ref: TextEncoderRef = { kind: 'onnx-text-encoder', onnx: '/m/model.onnx', tokenizer: '/m/tokenizer.json', pooling: 'mean', maxLength: 128, hidden: 384, sha256: { onnx: '…', tokenizer: '…' } };
 * ```
 */
export interface TextEncoderRef {
  kind: 'onnx-text-encoder';
  /** Absolute path of the `.onnx` file. */
  onnx: string;
  /** Absolute path of the `tokenizer.json`. */
  tokenizer: string;
  pooling: Pooling;
  maxLength: number;
  hidden: number;
  sha256: { onnx: string; tokenizer: string };
}

/**
 * The prefix of encoder feature columns.
 *
 * @example
 * ```ts
 * `${ENCODER_COLUMN_PREFIX}0`; // 'enc_0'
 * ```
 */
export const ENCODER_COLUMN_PREFIX = 'enc_';

/** Hashes already computed in this process, by path, size and modification time (an encoder is checked at every use). */
const hashes = new Map<string, string>();

async function sha256(path: string): Promise<string> {
  const s = await stat(path);
  const key = `${path}\0${s.size}\0${s.mtimeMs}`;
  const known = hashes.get(key);
  if (known) return known;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const hex = hash.digest('hex');
  hashes.set(key, hex);
  return hex;
}

/**
 * Describes a loaded encoder for recording with a model (hashes its two files).
 *
 * @example
 * ```ts
 * const ref = await textEncoderRef(enc); // JSON for transferkit.json
 * ```
 */
export async function textEncoderRef(enc: TextEncoder): Promise<TextEncoderRef> {
  return {
    kind: 'onnx-text-encoder',
    onnx: enc.path,
    tokenizer: enc.tokenizer.path,
    pooling: enc.pooling,
    maxLength: enc.maxLength,
    hidden: enc.hidden,
    sha256: { onnx: await sha256(enc.path), tokenizer: await sha256(enc.tokenizer.path) },
  };
}

/**
 * The encoder a model records, if any (a `transferkit.json` whose `encoder` is a {@link TextEncoderRef}).
 *
 * @example
 * ```ts
 * const ref = recordedEncoder(trained.meta); // undefined for other models
 * ```
 */
export function recordedEncoder(meta: Record<string, unknown> | undefined): TextEncoderRef | undefined {
  const e = meta?.encoder as Partial<TextEncoderRef> | undefined;
  return e && e.kind === 'onnx-text-encoder' && typeof e.onnx === 'string' && typeof e.tokenizer === 'string' ? (e as TextEncoderRef) : undefined;
}

/**
 * Opens the encoder a model records, checking that both files are still there and unchanged.
 *
 * @throws TransferkitError `ENCODER_NOT_FOUND` naming the missing or changed file.
 * @example
 * ```ts
 * const enc = await openTextEncoderRef(ref);
 * await enc.dispose();
 * ```
 */
export async function openTextEncoderRef(ref: TextEncoderRef, opts: Pick<TextEncoderOptions, 'batchSize' | 'threads'> = {}): Promise<TextEncoder> {
  for (const key of ['onnx', 'tokenizer'] as const) {
    const path = ref[key];
    const what = key === 'onnx' ? 'ONNX text encoder' : 'tokenizer';
    if (!existsSync(path)) {
      throw new TransferkitError('ENCODER_NOT_FOUND', `The model was trained on the ${what} ${path}, which is not there any more`, {
        where: path,
        hint: 'Models refer to their encoder by absolute path: put the file back there, or train the model again with the encoder where it is now.',
      });
    }
    if ((await sha256(path)) !== ref.sha256[key]) {
      throw new TransferkitError('ENCODER_NOT_FOUND', `The ${what} ${path} has changed since the model was trained on it (its SHA-256 differs)`, {
        where: path,
        hint: 'Put back the file the model was trained with, or train the model again on this encoder.',
      });
    }
  }
  return loadTextEncoder(ref.onnx, { ...opts, tokenizer: ref.tokenizer, pooling: ref.pooling === 'pooled' ? undefined : ref.pooling, maxLength: ref.maxLength });
}

/**
 * Turns a text dataset into a table of encoder features `enc_0 … enc_{hidden-1}` (labels,
 * classes, name and domain kept). Other datasets are returned as they are.
 *
 * @example
 * ```ts
 * const table = await encodeTextDataset(enc, reviews); // table.features.kind === 'tabular'
 * ```
 */
export async function encodeTextDataset(enc: TextEncoder, ds: Dataset, opts: { onProgress?: (done: number, total: number) => void } = {}): Promise<Dataset> {
  if (ds.features.kind !== 'text') return ds;
  const x = await embedTexts(enc, ds.features.texts, opts);
  const h = enc.hidden;
  const columns = Array.from({ length: h }, (_, j) => {
    const values = new Float64Array(ds.size);
    for (let i = 0; i < ds.size; i++) values[i] = x[i * h + j];
    return { name: `${ENCODER_COLUMN_PREFIX}${j}`, type: 'numeric' as const, values };
  });
  return { ...ds, features: { kind: 'tabular', columns } };
}

/**
 * Encodes a text dataset with the encoder a model records (opened, used and released); any
 * other dataset, or no encoder, returns the dataset as it is.
 *
 * @example
 * ```ts
 * const ds = await applyRecordedEncoder(recordedEncoder(trained.meta), texts);
 * ```
 */
export async function applyRecordedEncoder(ref: TextEncoderRef | undefined, ds: Dataset, opts: { onProgress?: (done: number, total: number) => void } = {}): Promise<Dataset> {
  if (!ref || ds.features.kind !== 'text') return ds;
  const enc = await openTextEncoderRef(ref);
  try {
    return await encodeTextDataset(enc, ds, opts);
  } finally {
    await enc.dispose();
  }
}

/**
 * The TF.js stand-in for an encoder as a base: input `[hidden]` (the encoder features) and a
 * frozen identity layer with a softmax, `encoder_output` (its "classes" are the hidden units).
 * `fit` cuts it at its input, so a new head trains on the encoder features directly.
 *
 * @example
 * ```ts
 * const base = encoderBaseModel(384); // input [null, 384]
 * ```
 */
export function encoderBaseModel(hidden: number): tf.LayersModel {
  const input = tf.input({ shape: [hidden], name: 'encoder_features' });
  const out = tf.layers
    .dense({ units: hidden, activation: 'softmax', useBias: false, trainable: false, name: 'encoder_output', kernelInitializer: tf.initializers.identity({}) })
    .apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'onnx_text_encoder' });
}
