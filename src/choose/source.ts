/**
 * A pretrained source model seen from the target's side: its inputs, its base features (the
 * input of its head, exactly what `fit --strategy extract` trains on), its softmax outputs, and
 * a sample of the data it was trained on (for shift measures).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { capRows, subset, type Dataset } from '../data/dataset.ts';
import { fitFeatures, transformFeatures, type FeatureMatrix, type FeatureSpec } from '../data/features.ts';
import { loadDataset, type LoadOptions } from '../data/load.ts';
import { TransferkitError } from '../errors.ts';
import type { ModelMeta } from '../models/io.ts';
import { forward, prepareModel, splitAtHead } from '../transfer/strategies.ts';
import { predictProbs } from '../models/predict-probs.ts';
import { createRng } from '../util/random.ts';
import { loadModelRef, type ModelHandle } from '../models/load.ts';
import { ensureEngine } from '../engine/backend.ts';
import { applyRecordedEncoder } from '../models/text/encoder-features.ts';

/** Where a source sample lives inside a zoo model folder (`transferkit.json` → `sourceSample`). */
export interface SourceSampleMeta {
  /** File in the model folder: `count` uint8 images (h × w × c, value / 255), then `count` uint8 labels. */
  file: string;
  count: number;
  shape: [number, number, number];
  /** The dataset the sample was drawn from, e.g. `builtin:fashion-mnist`. */
  dataset?: string;
}

/**
 * Source data of models that record none: the test set of the data they were trained on
 * (same distribution, small). Used only when that data is installed.
 */
const KNOWN_SOURCE_DATA: Record<string, string> = { 'fashion-cnn': 'builtin:fashion-mnist-test' };

/**
 * Loads target data the way `fit` would for this source: images at the model's input size,
 * texts through the source's ONNX text encoder when it is one (or was trained on one).
 *
 * @example
 * ```ts
 * const ds = await loadTargetFor(src, 'builtin:mnist');
 * ```
 */
export async function loadTargetFor(source: ModelHandle, data: string | Dataset, opts: Pick<LoadOptions, 'label' | 'impute'> = {}): Promise<Dataset> {
  const image = source.features?.kind === 'image' ? source.features : undefined;
  const ds = typeof data === 'string' ? await loadDataset(data, { ...opts, image }) : data;
  // an ONNX text encoder (or a model trained on one): texts become its features
  return applyRecordedEncoder(source.encoder, ds);
}

/**
 * The source model's inputs for a dataset.
 *
 * @example
 * ```ts
 * const x = inputsFor(src, ds); // { x, shape: [n, 28, 28, 1] }
 * ```
 */
export function inputsFor(source: ModelHandle, ds: Dataset): FeatureMatrix {
  return transformFeatures(source.features ?? fitFeatures(ds), ds);
}

/** Base features and source softmax outputs of a dataset. */
export interface Embedding {
  /** n × d base features (the input of the source model's head). */
  features: { x: Float32Array; shape: number[] };
  /** n × Z probabilities of the source model's own classes. */
  probs: Float32Array;
  /** Name of the last base layer (where the features come from). */
  layer: string;
  dims: number;
}

/**
 * Runs a dataset through the source model: the base features that a new head would see (the
 * same cut `fit` makes) and the source model's own class probabilities.
 *
 * @example
 * ```ts
 * const { features, probs } = await embed(src, ds);
 * ```
 */
export async function embed(source: ModelHandle, ds: Dataset): Promise<Embedding> {
  const inputs = inputsFor(source, ds);
  const { base, layer } = await baseOf(source, inputs.shape.slice(1));
  const features = forward(base, inputs);
  const probs = predictProbs(source.model, inputs);
  const dims = features.shape.slice(1).reduce((a, b) => a * b, 1);
  return { features: { x: features.x, shape: [features.shape[0], dims] }, probs, layer, dims };
}

interface BaseView {
  /** The source model up to the input of its head (shares weights with it). */
  base: tf.LayersModel;
  layer: string;
  /** Base layers with weights, BatchNorm excluded, bottom to top. */
  weighted: string[];
  /** For each weighted base layer, the layer that feeds it. */
  feeds: Record<string, string>;
}

const bases = new WeakMap<ModelHandle, BaseView>();

/** The base part of a source model, cut where `fit` cuts it; made once per loaded source. */
async function baseOf(source: ModelHandle, inputShape: number[]): Promise<BaseView> {
  const cached = bases.get(source);
  if (cached) return cached;
  const prepared = await prepareModel({ strategy: 'extract', base: source.model, numClasses: 2, seed: 0, inputShape });
  const { base } = splitAtHead(prepared);
  const baseLayers = prepared.model.layers.slice(0, prepared.baseLayerCount);
  // the new head is not needed: free its weights (the base layers stay shared with the source model)
  for (const l of prepared.model.layers.slice(prepared.baseLayerCount)) for (const w of l.weights) w.dispose();
  const view: BaseView = {
    base,
    layer: base.layers.at(-1)?.name ?? '',
    weighted: baseLayers.filter((l) => l.weights.length > 0 && l.getClassName() !== 'BatchNormalization').map((l) => l.name),
    feeds: {},
  };
  for (const name of view.weighted) {
    const from = source.model.getLayer(name).inboundNodes[0]?.inboundLayers[0];
    if (from) view.feeds[name] = from.name;
  }
  bases.set(source, view);
  return view;
}

/**
 * The names of the base layers that have weights and would be unfrozen by `fit --unfreeze k`
 * (BatchNorm excluded), bottom to top.
 *
 * @example
 * ```ts
 * await weightedBaseLayers(src); // ['conv1', 'conv2', 'dense1']
 * ```
 */
export async function weightedBaseLayers(source: ModelHandle, inputShape?: number[]): Promise<string[]> {
  return (await baseOf(source, inputShape ?? (source.model.inputs[0].shape.slice(1) as number[]))).weighted;
}

/**
 * Where to cut a source model to drop its most source-specific layers: below the top ⌈L/3⌉ of
 * its L weighted base layers (at the layer that feeds the lowest dropped one). `undefined` when
 * the base has fewer than 2 weighted layers (nothing would be left).
 *
 * @example
 * ```ts
 * await earlierCut(src); // { cutAt: 'flatten', dropped: ['dense1'], kept: ['conv1', 'conv2'] }
 * ```
 */
export async function earlierCut(source: ModelHandle, inputShape?: number[]): Promise<{ cutAt: string; dropped: string[]; kept: string[] } | undefined> {
  const view = await baseOf(source, inputShape ?? (source.model.inputs[0].shape.slice(1) as number[]));
  const L = view.weighted.length;
  if (L < 2) return undefined;
  const drop = Math.ceil(L / 3);
  const dropped = view.weighted.slice(L - drop);
  const cutAt = view.feeds[dropped[0]];
  if (!cutAt) return undefined;
  return { cutAt, dropped, kept: view.weighted.slice(0, L - drop) };
}

/**
 * A sample of the source model's training data: the `source` given, else the sample stored in
 * the model folder (`sourceSample` in transferkit.json), else the dataset named by `sourceData`
 * (or known for the built-in fashion-cnn), when installed. `undefined` with the reason otherwise.
 *
 * @example
 * ```ts
 * const { sample, from } = await sourceSample(src);
 * ```
 */
export async function sourceSample(
  source: ModelHandle,
  opts: { source?: string | Dataset; maxRows?: number; seed?: number | string } = {},
): Promise<{ sample?: Dataset; from?: string; missing?: string }> {
  const maxRows = opts.maxRows ?? 500;
  const cap = (ds: Dataset) => capRows(ds, maxRows, opts.seed ?? 0);
  if (opts.source !== undefined) {
    const ds = await loadTargetFor(source, opts.source);
    return { sample: cap(ds), from: ds.name };
  }
  const stored = source.meta?.sourceSample as SourceSampleMeta | undefined;
  if (stored?.file && existsSync(join(source.dir, stored.file))) {
    return { sample: cap(await readSourceSample(source, stored)), from: `${stored.file} (${stored.count} examples of ${stored.dataset ?? 'the source data'}, stored with the model)` };
  }
  const name = typeof source.meta?.name === 'string' ? source.meta.name : source.ref;
  const data = typeof source.meta?.sourceData === 'string' ? source.meta.sourceData : KNOWN_SOURCE_DATA[name];
  if (data) {
    try {
      const ds = await loadTargetFor(source, data);
      return { sample: cap(ds), from: data };
    } catch (err) {
      return { missing: `the source data ${data} could not be loaded (${err instanceof Error ? err.message : String(err)})` };
    }
  }
  return { missing: 'the model records no source data; pass `source`: a sample of what it was trained on' };
}

async function readSourceSample(source: ModelHandle, meta: SourceSampleMeta): Promise<Dataset> {
  const bytes = await readFile(join(source.dir, meta.file));
  const [height, width, channels] = meta.shape;
  const per = height * width * channels;
  if (bytes.length !== meta.count * (per + 1)) {
    throw new TransferkitError('CORRUPT_MODEL', `${meta.file} holds ${bytes.length} bytes, expected ${meta.count * (per + 1)}`, {
      where: join(source.dir, meta.file),
      hint: 'Re-create the model with its training script.',
    });
  }
  const pixels = new Float32Array(meta.count * per);
  for (let i = 0; i < pixels.length; i++) pixels[i] = bytes[i] / 255;
  const labels = Int32Array.from(bytes.subarray(meta.count * per), (l) => (l < source.classes.length ? l : -1));
  return {
    name: `${source.ref} source sample`,
    size: meta.count,
    features: { kind: 'image', pixels, height, width, channels },
    labels,
    classes: source.classes,
  };
}

/**
 * Encodes an image dataset as a source sample file (uint8 pixels, then uint8 labels).
 *
 * @example
 * ```ts
 * await writeFile(join(dir, 'source-sample.bin'), encodeSourceSample(sample));
 * ```
 */
export function encodeSourceSample(ds: Dataset): Uint8Array {
  if (ds.features.kind !== 'image') throw new TransferkitError('KIND_MISMATCH', 'A source sample must hold images', { hint: 'Pass an image dataset.' });
  const px = ds.features.pixels;
  const out = new Uint8Array(px.length + ds.size);
  for (let i = 0; i < px.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(px[i] * 255)));
  for (let i = 0; i < ds.size; i++) out[px.length + i] = ds.labels[i] < 0 ? 255 : ds.labels[i];
  return out;
}

