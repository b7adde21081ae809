/**
 * The one way to load a model from a reference, whatever its form — a run folder, a zoo name, a
 * TF.js model folder or `model.json`, or an ONNX file (converted to a trainable TF.js model in
 * memory, as `transferkit convert` would) — with what it takes to feed it data: its recorded
 * preprocessing (or, for an image model that records none, its input size) and its class names.
 *
 * @module
 */
import { resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { FeatureSpec } from '../data/features.ts';
import { loadModel, MODEL_META_FORMAT, type LoadedModel, type ModelMeta } from './io.ts';
import { convertedMeta, convertOnnx } from './onnx/convert.ts';
import { readOnnx } from './onnx/read.ts';
import { isTextEncoder, loadTextEncoder, type TextEncoderOptions } from './text/onnx-encoder.ts';
import { ENCODER_COLUMN_PREFIX, encoderBaseModel, recordedEncoder, textEncoderRef, type TextEncoderRef } from './text/encoder-features.ts';
import { resolveModelRef } from './zoo.ts';

/**
 * A model loaded from a reference, ready to be fed data. The caller owns `model` (dispose it).
 *
 * @example
 * ```ts
 * const handle: ModelHandle = await loadModelRef('fashion-cnn');
 * handle.features; // { kind: 'image', height: 28, width: 28, channels: 1 }
 * ```
 */
export interface ModelHandle extends LoadedModel {
  /** The reference it was loaded from, as given. */
  ref: string;
  /** The preprocessing recorded with the model, or the input size of an image model; undefined when neither is known. */
  features?: FeatureSpec;
  /** The model's class names (recorded, else `'0'`, `'1'`, … for its outputs). */
  classes: string[];
  /**
   * The ONNX text encoder whose features the model takes (an `.onnx` text encoder loaded as a
   * base, or a model trained on one): text data goes through it first (`applyRecordedEncoder`).
   */
  encoder?: TextEncoderRef;
}

/**
 * Options of {@link loadModelRef} for ONNX text encoders (ignored for other models).
 *
 * @example
 * ```ts
 * await loadModelRef('minilm/model.onnx', { tokenizer: 'minilm/tokenizer.json', pooling: 'cls' });
 * ```
 */
export type LoadModelRefOptions = Pick<TextEncoderOptions, 'tokenizer' | 'pooling' | 'maxLength'>;

/**
 * The preprocessing a model records, or for an image model that records none, its input size.
 *
 * @example
 * ```ts
 * recordedFeatures(model, meta); // { kind: 'image', height: 28, width: 28, channels: 1 }
 * ```
 */
export function recordedFeatures(model: tf.LayersModel, meta: ModelMeta | undefined): FeatureSpec | undefined {
  const spec = meta?.features as FeatureSpec | undefined;
  if (spec) return spec;
  const shape = model.inputs[0].shape;
  if (shape.length === 4 && shape.slice(1).every((d) => typeof d === 'number')) {
    const [, height, width, channels] = shape as number[];
    return { kind: 'image', height, width, channels };
  }
  return undefined;
}

/**
 * Loads any model reference {@link resolveModelRef} takes; an `.onnx` file is converted in memory,
 * except an ONNX text encoder (an `input_ids` input): that one stays on onnxruntime, frozen, and
 * the handle holds a TF.js stand-in taking its features (`encoderBaseModel`) and, in `encoder`,
 * what `applyRecordedEncoder` needs to turn texts into those features (`opts` names its
 * tokenizer and pooling).
 *
 * @throws TransferkitError from `resolveModelRef` (`UNKNOWN_MODEL`, `MODEL_NOT_FOUND`), `loadModel`
 *   (missing or corrupt TF.js models), `readOnnx` (corrupt ONNX files) or `convertOnnx`
 *   (`UNSUPPORTED_OP` naming the node).
 * @example
 * ```ts
 * const { model, features, classes } = await loadModelRef('runs/mnist');
 * const onnx = await loadModelRef('models/mobilenet.onnx'); // converted, trainable
 * const bert = await loadModelRef('minilm/model.onnx', { tokenizer: 'minilm/tokenizer.json' }); // bert.encoder
 * ```
 */
export async function loadModelRef(ref: string, opts: LoadModelRefOptions = {}): Promise<ModelHandle> {
  const loaded = ref.toLowerCase().endsWith('.onnx') ? await loadOnnx(ref, opts) : await loadModel(resolveModelRef(ref));
  const k = Number(loaded.model.outputs[0].shape.at(-1) ?? 0);
  const classes = loaded.meta?.classes ?? Array.from({ length: k }, (_, i) => String(i));
  const encoder = recordedEncoder(loaded.meta);
  return { ...loaded, ref, features: recordedFeatures(loaded.model, loaded.meta), classes, ...(encoder ? { encoder } : {}) };
}

async function loadOnnx(path: string, opts: LoadModelRefOptions): Promise<LoadedModel> {
  const onnx = await readOnnx(path);
  if (isTextEncoder(onnx)) {
    // a text encoder runs on onnxruntime (frozen); TF.js sees its features through a stand-in
    const enc = await loadTextEncoder(path, opts);
    try {
      const encoder = await textEncoderRef(enc);
      return { model: encoderBaseModel(enc.hidden), dir: resolve(path), meta: { format: MODEL_META_FORMAT, createdAt: new Date().toISOString(), classes: Array.from({ length: enc.hidden }, (_, i) => `${ENCODER_COLUMN_PREFIX}${i}`), features: undefined, encoder } };
    } finally {
      await enc.dispose();
    }
  }
  const converted = await convertOnnx(onnx);
  return { model: converted.model, dir: resolve(path), meta: { format: MODEL_META_FORMAT, createdAt: new Date().toISOString(), ...convertedMeta(onnx, converted) } };
}
