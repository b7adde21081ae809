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
}

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
 * Loads any model reference {@link resolveModelRef} takes; an `.onnx` file is converted in memory.
 *
 * @throws TransferkitError from `resolveModelRef` (`UNKNOWN_MODEL`, `MODEL_NOT_FOUND`), `loadModel`
 *   (missing or corrupt TF.js models), `readOnnx` (corrupt ONNX files) or `convertOnnx`
 *   (`UNSUPPORTED_OP` naming the node).
 * @example
 * ```ts
 * const { model, features, classes } = await loadModelRef('runs/mnist');
 * const onnx = await loadModelRef('models/mobilenet.onnx'); // converted, trainable
 * ```
 */
export async function loadModelRef(ref: string): Promise<ModelHandle> {
  const loaded = ref.toLowerCase().endsWith('.onnx') ? await loadOnnx(ref) : await loadModel(resolveModelRef(ref));
  const k = Number(loaded.model.outputs[0].shape.at(-1) ?? 0);
  const classes = loaded.meta?.classes ?? Array.from({ length: k }, (_, i) => String(i));
  return { ...loaded, ref, features: recordedFeatures(loaded.model, loaded.meta), classes };
}

async function loadOnnx(path: string): Promise<LoadedModel> {
  const onnx = await readOnnx(path);
  const converted = await convertOnnx(onnx);
  return { model: converted.model, dir: resolve(path), meta: { format: MODEL_META_FORMAT, createdAt: new Date().toISOString(), ...convertedMeta(onnx, converted) } };
}
