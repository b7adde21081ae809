/**
 * Embeddings for few-shot learning: a dataset run once through a frozen base model cut at its
 * feature layer, kept as one row-major `n × d` matrix with the labels, so that hundreds of
 * episodes can be drawn from it without running the network again. Raw pixels are an embedding
 * too (the baseline every few-shot table needs).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { subset, type Dataset } from '../../data/dataset.ts';
import { transformFeatures, type FeatureSpec } from '../../data/features.ts';
import { TransferkitError } from '../../errors.ts';
import { cutAt, featureMapCut, headInput, type LayerRef } from '../../models/surgery.ts';
import { forwardFeatures } from '../strategies.ts';

/**
 * Labelled vectors: `x` holds `n` rows of `d` floats, `labels[i]` indexes `classes`.
 *
 * @example
 * ```ts
 * const e: Embeddings = { x: new Float32Array([0, 1, 1, 0]), n: 2, d: 2, labels: Int32Array.of(0, 1), classes: ['a', 'b'], space: 'toy' };
 * ```
 */
export interface Embeddings {
  x: Float32Array;
  n: number;
  d: number;
  labels: Int32Array;
  classes: string[];
  /** In words: where the vectors come from, e.g. `fashion-cnn at "flatten" (3136-d)`. */
  space: string;
}

/**
 * The layer a few-shot classifier reads a base at by default: for a convolutional base the top
 * of its convolutional part (`featureMapCut`, e.g. `flatten` for fashion-cnn), else the input of
 * the last Dense layer (the old head's input; below a dropout layer, the layer under it).
 *
 * @throws TransferkitError `NO_HEAD` when the model has neither convolutions nor a Dense layer.
 * @example
 * ```ts
 * defaultEmbeddingLayer(fashionCnn); // 'flatten'
 * ```
 */
export function defaultEmbeddingLayer(model: tf.LayersModel): string {
  const cut = featureMapCut(model);
  if (cut !== undefined) return cut;
  const found = headInput(model);
  if (!found) {
    throw new TransferkitError('NO_HEAD', `Model "${model.name}" has no convolutional part and no Dense head, so there is no default embedding layer`, {
      where: `model "${model.name}"`,
      hint: `Name the layer to embed at (embedding layer option); layers: ${model.layers.map((l) => l.name).join(', ')}.`,
    });
  }
  return found.input.name;
}

/**
 * A model from the base's input to the (flattened) output of `layer`: the embedding network.
 * It shares weights with `base`.
 *
 * @example
 * ```ts
 * const net = embeddingModel(base.model, 'dense1');
 * ```
 */
export function embeddingModel(base: tf.LayersModel, layer: LayerRef = defaultEmbeddingLayer(base)): tf.LayersModel {
  const cut = cutAt(base, layer);
  const out = cut.outputs[0];
  if (out.shape.length <= 2) return cut;
  const flat = tf.layers.flatten({ name: `${cut.layers.at(-1)!.name}_embed_flatten` }).apply(out) as tf.SymbolicTensor;
  return tf.model({ inputs: cut.inputs, outputs: flat, name: `${cut.name}_flat` });
}

/**
 * Runs a dataset through a base model cut at `layer` (on the training engine's forward pass)
 * and returns its embeddings. Only labelled examples are kept.
 *
 * @throws TransferkitError from `transformFeatures` (data of another kind than the base takes) and `resolveLayer`.
 * @example
 * ```ts
 * const base = await loadModelRef('fashion-cnn');
 * const emb = await embedDataset(base.model, base.features!, await loadDataset('builtin:mnist'), { name: 'fashion-cnn' });
 * ```
 */
export async function embedDataset(
  base: tf.LayersModel,
  features: FeatureSpec,
  ds: Dataset,
  opts: { layer?: LayerRef; name?: string } = {},
): Promise<Embeddings> {
  const layer = opts.layer ?? defaultEmbeddingLayer(base);
  const net = embeddingModel(base, layer);
  const labelled = labelledOnly(ds);
  const input = transformFeatures(features, labelled);
  const out = await forwardFeatures(net, input);
  const d = out.shape.slice(1).reduce((a, b) => a * b, 1);
  const layerName = typeof layer === 'number' ? base.layers.at(layer)?.name ?? String(layer) : layer;
  return { x: out.x, n: labelled.size, d, labels: labelled.labels, classes: ds.classes, space: `${opts.name ?? base.name} at "${layerName}" (${d}-d)` };
}

/**
 * The raw pixels (or any flat model input) of a dataset as embeddings: the no-transfer baseline.
 *
 * @example
 * ```ts
 * const raw = rawEmbeddings({ kind: 'image', height: 28, width: 28, channels: 1 }, mnist);
 * ```
 */
export function rawEmbeddings(features: FeatureSpec, ds: Dataset): Embeddings {
  const labelled = labelledOnly(ds);
  const { x, shape } = transformFeatures(features, labelled);
  const d = shape.slice(1).reduce((a, b) => a * b, 1);
  return { x, n: labelled.size, d, labels: labelled.labels, classes: ds.classes, space: `raw ${features.kind === 'image' ? 'pixels' : 'inputs'} (${d}-d)` };
}

/**
 * Scales every row to unit Euclidean length (rows of zeros stay zero), in place; returns `x`.
 *
 * @example
 * ```ts
 * l2NormalizeRows(new Float32Array([3, 4]), 2); // [0.6, 0.8]
 * ```
 */
export function l2NormalizeRows<T extends Float32Array | Float64Array>(x: T, d: number): T {
  for (let o = 0; o < x.length; o += d) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[o + j] * x[o + j];
    if (s === 0) continue;
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) x[o + j] *= inv;
  }
  return x;
}

/**
 * Subtracts a `d`-vector from every row, in place; returns `x`. Followed by
 * {@link l2NormalizeRows} with the base data's mean embedding ({@link meanEmbedding}), this is
 * SimpleShot's CL2N.
 *
 * @example
 * ```ts
 * centreRows(new Float64Array([3, 4, 5, 6]), 2, [1, 2]); // [2, 2, 4, 4]
 * ```
 */
export function centreRows<T extends Float32Array | Float64Array>(x: T, d: number, mean: ArrayLike<number>): T {
  for (let i = 0; i < x.length; i++) x[i] -= mean[i % d];
  return x;
}

/**
 * The mean row of embeddings, after the same power transform sign(v)·|v|^β that the few-shot
 * methods apply (`power`, default 1: none): the vector SimpleShot's CL2N subtracts. Computed on
 * the base's own training data (its source domain, labels not needed), it is passed to the
 * methods as their `mean` option.
 *
 * @example
 * ```ts
 * meanEmbedding({ x: Float32Array.of(1, 2, 3, 6), n: 2, d: 2, labels: Int32Array.of(0, 0), classes: ['a'], space: 'toy' }); // [2, 4]
 * ```
 */
export function meanEmbedding(e: Pick<Embeddings, 'x' | 'n' | 'd'>, power = 1): Float64Array {
  const mean = new Float64Array(e.d);
  for (let i = 0; i < e.n; i++) {
    for (let j = 0; j < e.d; j++) {
      const v = e.x[i * e.d + j];
      mean[j] += power === 1 ? v : Math.sign(v) * Math.abs(v) ** power;
    }
  }
  for (let j = 0; j < e.d; j++) mean[j] /= Math.max(1, e.n);
  return mean;
}

/**
 * The labelled examples of a dataset (the dataset itself when all are labelled).
 *
 * @throws TransferkitError `NO_LABELS` when none is labelled.
 * @example
 * ```ts
 * const ds = labelledOnly(await loadDataset('photos/'));
 * ```
 */
export function labelledOnly(ds: Dataset): Dataset {
  let all = true;
  for (const l of ds.labels) if (l < 0) all = false;
  if (all) return ds;
  const keep: number[] = [];
  ds.labels.forEach((l, i) => l >= 0 && keep.push(i));
  if (keep.length === 0) throw new TransferkitError('NO_LABELS', `${ds.name} has no labelled examples, and few-shot episodes need labels`, { where: ds.name, hint: 'Use labelled data (a label column, class subfolders or builtin:NAME).' });
  return subset(ds, keep);
}
