import { dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.ts';
import type { FeatureSpec } from '../data/features.ts';
import { loadDataset, relabel } from '../data/load.ts';
import { TransferkitError } from '../errors.ts';
import type { ModelMeta } from './io.ts';
import type { resolveModelRef } from './zoo.ts';
import { loadModelRef } from './load.ts';
import { ensureEngine } from '../engine/backend.ts';
import { applyRecordedEncoder, recordedEncoder } from './text/encoder-features.ts';

/** A model ready to predict: weights, class names and the preprocessing it was trained with. */
export interface TrainedModel {
  model: tf.LayersModel;
  classes: string[];
  features: FeatureSpec;
  meta?: ModelMeta;
  dir: string;
}

/**
 * Loads a model for prediction from anything {@link resolveModelRef} takes: a run folder (its
 * `model/`), a model folder, a `model.json` path, a zoo name or an `.onnx` file (converted in
 * memory).
 *
 * @example
 * ```ts
 * const { model, classes } = await loadTrainedModel('runs/mnist');
 * ```
 */
export async function loadTrainedModel(ref: string): Promise<TrainedModel> {
  await ensureEngine();
  const { model, meta, dir, features, classes } = await loadModelRef(ref);
  if (!features) {
    model.dispose();
    throw new TransferkitError('NO_PREPROCESSING', `The model in ${dir} records no preprocessing, so transferkit cannot turn data into its inputs`, {
      where: dir,
      hint: 'Train it with `transferkit fit`, which saves the preprocessing with the model.',
    });
  }
  if (model.outputs.length > 1) {
    // a multi-task model (transferkit multitask): each command here takes one classifier
    const tasks = ((meta as { tasks?: Array<{ name: string }> } | undefined)?.tasks ?? []).map((t) => t.name);
    model.dispose();
    throw new TransferkitError('UNSUPPORTED_MODEL', `The model in ${dir} has several outputs (a multi-task model${tasks.length ? `: ${tasks.join(', ')}` : ''}); this command takes a model with one output`, {
      where: dir,
      hint: tasks.length ? `Pass one task's head: ${tasks.map((t) => join(dirname(dir), 'heads', t)).join(' or ')}.` : 'Cut the model to one output.',
    });
  }
  return { model, classes, features, meta, dir };
}

/**
 * Loads data for a trained model: images at the model's input size, texts through the ONNX text
 * encoder the model records (if any; `keepTexts` leaves them texts), labels mapped onto the model's classes (labels the model
 * does not know are an error naming them).
 *
 * @example
 * ```ts
 * const ds = await loadDataFor(trained, 'builtin:mnist');
 * ```
 */
export async function loadDataFor(
  trained: TrainedModel,
  data: string | Dataset,
  opts: { label?: string; impute?: 'none' | 'mean' | 'drop'; labelled?: boolean; keepTexts?: boolean } = {},
): Promise<Dataset> {
  const image = trained.features.kind === 'image' ? trained.features : undefined;
  const loaded = typeof data === 'string' ? await loadDataset(data, { label: opts.label, impute: opts.impute, image }) : data;
  // a model trained on an ONNX text encoder's features: texts go through the encoder first
  const ds = opts.keepTexts ? loaded : await applyRecordedEncoder(recordedEncoder(trained.meta), loaded);
  if (opts.labelled === false && ds.labels.every((l) => l < 0)) return { ...ds, classes: trained.classes };
  return relabel(ds, trained.classes);
}
