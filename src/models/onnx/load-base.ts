/**
 * One way to load a pretrained model, whatever its form: a zoo name, a TF.js model folder or
 * `model.json`, or an ONNX file (converted to a trainable TF.js model in memory, as
 * `transferkit convert` would, so `fit --base model.onnx` needs no separate step).
 *
 * @module
 */
import { resolve } from 'node:path';
import { loadModel, MODEL_META_FORMAT, type LoadedModel } from '../io.ts';
import { resolveModelRef } from '../zoo.ts';
import { convertedMeta, convertOnnx } from './convert.ts';
import { readOnnx } from './read.ts';

/**
 * Loads a base model for transfer: zoo name, model folder, `model.json`, or `.onnx` file.
 *
 * @throws TransferkitError from `loadModel` (missing or corrupt TF.js models), `readOnnx`
 *   (corrupt ONNX files) or `convertOnnx` (`UNSUPPORTED_OP` naming the node).
 * @example
 * ```ts
 * const { model, meta } = await loadBaseModel('fashion-cnn');
 * const onnx = await loadBaseModel('models/mobilenet.onnx'); // converted, trainable
 * ```
 */
export async function loadBaseModel(ref: string): Promise<LoadedModel> {
  if (!ref.toLowerCase().endsWith('.onnx')) return loadModel(resolveModelRef(ref));
  const onnx = await readOnnx(ref);
  const converted = await convertOnnx(onnx);
  return { model: converted.model, dir: resolve(ref), meta: { format: MODEL_META_FORMAT, createdAt: new Date().toISOString(), ...convertedMeta(onnx, converted) } };
}
