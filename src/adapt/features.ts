/**
 * Putting a source and a target dataset into one feature space for shift diagnostics and
 * shallow adaptation:
 *
 * - text: a hashed TF-IDF vectorizer fitted on the source *and* target texts (no labels are
 *   used, so this is allowed in unsupervised adaptation), rows kept sparse;
 * - tabular: the source's standardisation / one-hot spec applied to both;
 * - images: raw pixels at the source size, or — with a base model — the base's features at the
 *   input of its classifier head.
 *
 * Also loads the datasets of an adaptation problem consistently (image size from the base
 * model, target labels mapped onto the source classes).
 *
 * @module
 */
import { applyRecordedEncoder, type TextEncoderRef } from '../models/text/encoder-features.ts';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.ts';
import { fitFeatures, transformFeatures, type FeatureSpec } from '../data/features.ts';
import type { ImageSize } from '../data/images.ts';
import type { Impute } from '../data/csv.ts';
import { loadDataset, relabel } from '../data/load.ts';
import { transformText, type TextVectorizerOptions } from '../data/text-features.ts';
import { TransferkitError } from '../errors.ts';
import type { ModelMeta } from '../models/io.ts';
import { replaceHead } from '../models/surgery.ts';
import { forward } from '../transfer/strategies.ts';
import { autoRows, concatRows, denseRows, type Rows } from '../measures/rows.ts';
import { loadModelRef } from '../models/load.ts';
import { ensureEngine } from '../engine/backend.ts';

/**
 * Source and target in one feature space, and how to put more data into it.
 *
 * @example
 * ```ts
 * const shared = await sharedFeatures(source, target);
 * const testRows = shared.transform(testSet);
 * ```
 */
export interface SharedFeatures {
  kind: Dataset['features']['kind'];
  /** The preprocessing a saved model applies to raw data (text vectorizer, tabular spec or image size). */
  spec: FeatureSpec;
  source: Rows;
  target: Rows;
  /** Puts another dataset of the same kind into this feature space. */
  transform(ds: Dataset): Rows;
  /** Width of the feature space. */
  dims: number;
  /** In words: which space this is. */
  description: string;
  /** Images with a base model: the base's trunk (up to the head's input), used for the features. */
  trunk?: tf.LayersModel;
  /** Images with a base model: builds the full model (base trunk + a fresh `adapt_head` Dense softmax layer). */
  buildModel?: (numClasses: number) => tf.LayersModel;
}

/**
 * Options of {@link sharedFeatures}.
 *
 * @example
 * ```ts
 * await sharedFeatures(s, t, { text: { dims: 1 << 16, sublinearTf: true } });
 * ```
 */
export interface SharedFeatureOptions {
  /** A loaded base model: image features are taken at the input of its classifier head. */
  base?: LoadedBase;
  /** Text vectorizer options (default: word 1–2-grams, 2^16 buckets, sublinear tf). */
  text?: TextVectorizerOptions;
}

/**
 * A base model loaded for adaptation.
 *
 * @example
 * ```ts
 * const base = await loadBase('fashion-cnn');
 * ```
 */
export interface LoadedBase {
  ref: string;
  model: tf.LayersModel;
  meta?: ModelMeta;
  /** The image size the base takes, when it takes images. */
  image?: ImageSize;
  /** An ONNX text encoder as the base (or a model trained on one): texts are adapted on its features. */
  encoder?: TextEncoderRef;
}

/** Text vectorizer defaults for adaptation: larger than fit's 8192 buckets, sublinear tf (measured on spam 2002 → 2003, see scripts/spam-adaptation.ts). */
export const ADAPT_TEXT_DEFAULTS: Readonly<TextVectorizerOptions> = Object.freeze({ dims: 1 << 16, sublinearTf: true, wordNgrams: [1, 2] as [number, number] });

/**
 * Fits the shared feature space and transforms source and target into it.
 *
 * @example
 * ```ts
 * const { source, target, spec } = await sharedFeatures(sourceSet, targetSet);
 * ```
 */
export async function sharedFeatures(source: Dataset, target: Dataset, opts: SharedFeatureOptions = {}): Promise<SharedFeatures> {
  if (source.features.kind !== target.features.kind) {
    throw new TransferkitError('KIND_MISMATCH', `The source ${source.name} holds ${source.features.kind} data but the target ${target.name} holds ${target.features.kind} data`, {
      where: target.name,
      hint: 'Source and target must be the same kind of data (both texts, both tables or both images).',
    });
  }
  if (source.size < 2 || target.size < 2) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `Adaptation needs at least 2 examples per domain (source ${source.size}, target ${target.size})`, {
      where: source.size < 2 ? source.name : target.name,
      hint: 'Pass more data.',
    });
  }
  const kind = source.features.kind;
  if (kind === 'text') {
    const texts = [...(source.features as { texts: string[] }).texts, ...(target.features as { texts: string[] }).texts];
    const pooled: Dataset = { name: `${source.name}+${target.name}`, size: texts.length, features: { kind: 'text', texts }, labels: new Int32Array(texts.length).fill(-1), classes: [] };
    const spec = fitFeatures(pooled, { text: { ...ADAPT_TEXT_DEFAULTS, ...opts.text } });
    if (spec.kind !== 'text' || !spec.vectorizer) throw new Error('unreachable');
    const dims = spec.vectorizer.options.dims;
    const transform = (ds: Dataset): Rows => {
      if (ds.features.kind !== 'text') return transformFeatures(spec, ds) as never; // throws KIND_MISMATCH
      const all = ds.features.texts;
      const blocks: Rows[] = [];
      for (let start = 0; start < all.length; start += 256) {
        const chunk = all.slice(start, start + 256);
        blocks.push(autoRows(transformText(spec.vectorizer, chunk), chunk.length, dims, 1));
      }
      return concatRows(blocks, dims);
    };
    const o = spec.vectorizer.options;
    return {
      kind,
      spec,
      source: transform(source),
      target: transform(target),
      transform,
      dims,
      description: `hashed TF-IDF (${o.wordNgrams ? `word ${o.wordNgrams.join('–')}-grams` : ''}${o.wordNgrams && o.charNgrams ? ', ' : ''}${o.charNgrams ? `char ${o.charNgrams.join('–')}-grams` : ''}, ${dims} buckets${o.sublinearTf ? ', sublinear tf' : ''}) fitted on source + target texts`,
    };
  }
  if (kind === 'tabular') {
    const spec = fitFeatures(source);
    const transform = (ds: Dataset): Rows => {
      const m = transformFeatures(spec, ds);
      return denseRows(m.x, m.shape[0], m.shape[1] ?? 0);
    };
    const s = transform(source);
    return { kind, spec, source: s, target: transform(target), transform, dims: s.d, description: 'source-standardised numeric columns and one-hot categories' };
  }
  // images
  const base = opts.base;
  if (!base) {
    const spec = fitFeatures(source);
    const transform = (ds: Dataset): Rows => {
      const m = transformFeatures(spec, ds);
      return denseRows(m.x, m.shape[0], m.x.length / Math.max(1, m.shape[0]));
    };
    const s = transform(source);
    return { kind, spec, source: s, target: transform(target), transform, dims: s.d, description: `raw pixels (${s.d} values per image)` };
  }
  if (!base.image) {
    throw new TransferkitError('KIND_MISMATCH', `The base model ${base.ref} does not take images, but the data are images`, { where: base.ref, hint: 'Pass an image base model (e.g. fashion-cnn), or no `base`.' });
  }
  const spec: FeatureSpec = { kind: 'image', ...base.image };
  const buildModel = (numClasses: number) => replaceHead(base.model, numClasses, { headName: 'adapt_head', seed: 0 });
  const template = buildModel(2);
  const trunk = tf.model({ inputs: template.inputs, outputs: template.getLayer('adapt_head').input as tf.SymbolicTensor });
  template.getLayer('adapt_head').dispose(); // only the trunk (the base's own layers) is used
  const transform = (ds: Dataset): Rows => {
    const m = transformFeatures(spec, ds);
    const f = forward(trunk, m);
    return denseRows(f.x, f.shape[0], f.x.length / Math.max(1, f.shape[0]));
  };
  const s = transform(source);
  return {
    kind,
    spec,
    source: s,
    target: transform(target),
    transform,
    dims: s.d,
    trunk,
    buildModel,
    description: `features of ${base.ref} at the input of its head (${s.d} values per image)`,
  };
}

/**
 * Loads a base model for adaptation (zoo name, folder or model.json).
 *
 * @example
 * ```ts
 * const base = await loadBase('fashion-cnn');
 * ```
 */
export async function loadBase(ref: string): Promise<LoadedBase> {
  await ensureEngine();
  const { model, meta, encoder } = await loadModelRef(ref);
  const spec = meta?.features as FeatureSpec | undefined;
  let image: ImageSize | undefined;
  if (spec?.kind === 'image') image = { height: spec.height, width: spec.width, channels: spec.channels };
  else {
    const shape = model.inputs[0].shape;
    if (shape.length === 4 && shape.slice(1).every((d) => typeof d === 'number')) {
      const [, height, width, channels] = shape as number[];
      image = { height, width, channels };
    }
  }
  return { ref, model, meta, image, ...(encoder ? { encoder } : {}) };
}

/**
 * Options of {@link loadDomains}.
 *
 * @example
 * ```ts
 * const o: LoadDomainsOptions = { label: 'species', impute: 'mean' };
 * ```
 */
export interface LoadDomainsOptions {
  /** Label column of CSV data. */
  label?: string;
  impute?: Impute;
  /** Image size to load images at (the base model's). */
  image?: ImageSize;
  /** Texts go through this ONNX text encoder (the base's) and become a table of its features. */
  encoder?: TextEncoderRef;
}

/**
 * Loads a dataset given as a spec string (or passes a loaded one through), checking it exists.
 *
 * @example
 * ```ts
 * const ds = await loadData('builtin:spam-2003', 'target', {});
 * ```
 */
export async function loadData(data: string | Dataset, role: string, opts: LoadDomainsOptions): Promise<Dataset> {
  if (typeof data !== 'string') return applyRecordedEncoder(opts.encoder, data);
  try {
    return await applyRecordedEncoder(opts.encoder, await loadDataset(data, { label: opts.label, impute: opts.impute, image: opts.image }));
  } catch (err) {
    if (err instanceof TransferkitError) throw new TransferkitError(err.code, `${role} data: ${err.message}`, { where: err.where ?? data, hint: err.hint, cause: err });
    throw err;
  }
}

/**
 * Maps a target-domain dataset onto the source classes. Labels the source lacks are an error
 * (`UNKNOWN_TARGET_CLASS`): a source classifier can never predict them.
 *
 * @example
 * ```ts
 * const t = onSourceClasses(target, source.classes, 'target');
 * ```
 */
export function onSourceClasses(ds: Dataset, classes: string[], role: string): Dataset {
  if (ds.labels.every((l) => l < 0)) return { ...ds, classes: [...classes] };
  try {
    return relabel(ds, classes);
  } catch (err) {
    if (err instanceof TransferkitError && err.code === 'UNKNOWN_LABEL') {
      const known = new Set(classes);
      const used = new Set<number>();
      for (const l of ds.labels) if (l >= 0) used.add(l);
      const missing = [...used].map((l) => ds.classes[l]).filter((c) => !known.has(c));
      throw new TransferkitError('UNKNOWN_TARGET_CLASS', `The ${role} data ${ds.name} has class${missing.length === 1 ? '' : 'es'} ${missing.map((m) => JSON.stringify(m)).join(', ')} that the source lacks (source classes: ${classes.join(', ')})`, {
        where: ds.name,
        hint: 'Domain adaptation transfers the source classes; drop those target examples or add source examples of those classes.',
      });
    }
    throw err;
  }
}
