/**
 * The feature spaces unsupervised transfer works in: a pretrained model's features at a layer
 * (by default the input of its classifier head, the representation the source task learned), or
 * the raw inputs (pixels, standardised table columns) as the no-transfer baseline.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.ts';
import { fitFeatures, transformFeatures, type FeatureSpec } from '../data/features.ts';
import { loadDataset } from '../data/load.ts';
import { ensureEngine } from '../engine/backend.ts';
import { TransferkitError } from '../errors.ts';
import type { Matrix } from '../measures/linalg.ts';
import { disposeWeightsNotIn } from '../models/dispose.ts';
import { checkInputShape } from '../models/io.ts';
import { loadModelRef, type ModelHandle } from '../models/load.ts';
import { cutAt, featureMapCut } from '../models/surgery.ts';
import { forwardFeatures } from '../transfer/strategies.ts';

/** A feature space datasets can be put into. */
export interface FeatureSpace {
  /** In words, e.g. `fashion-cnn at "dense1" (128 values)` or `raw pixels (784 values)`. */
  description: string;
  /** Puts a dataset into the space: one row per example. */
  transform(ds: Dataset): Promise<Matrix>;
  /** How to load data for this space (the image size the model takes). */
  load(spec: string): Promise<Dataset>;
  /** Frees the model, if any. */
  dispose(): void;
  /** The loaded model, for spaces of a model. */
  handle?: ModelHandle;
}

/**
 * The features of a pretrained model at `layer` (name or index). Without `layer`, `prefer`
 * decides: `feature-map` (the default) takes the top of a convolutional base's convolutional part
 * (`featureMapCut`, e.g. fashion-cnn's `flatten`: where `fit` puts a new head), `head-input` the
 * input of the last Dense layer (e.g. fashion-cnn's 128-value `dense1`, compact enough for a
 * covariance); a base without convolutions always gives the input of its head.
 *
 * @throws TransferkitError from `loadModelRef` and `resolveLayer` (`UNKNOWN_LAYER`).
 * @example
 * ```ts
 * const space = await modelFeatureSpace('fashion-cnn');
 * const rows = await space.transform(await space.load('builtin:mnist')); // n × 128
 * space.dispose();
 * ```
 */
export async function modelFeatureSpace(ref: string, opts: { layer?: string | number; prefer?: 'feature-map' | 'head-input' } = {}): Promise<FeatureSpace> {
  await ensureEngine();
  const handle = await loadModelRef(ref);
  try {
    const model = handle.model;
    let trunk: tf.LayersModel;
    let where: string;
    const mapCut = (opts.prefer ?? 'feature-map') === 'feature-map' ? featureMapCut(model) : undefined;
    const layer = opts.layer ?? mapCut;
    if (layer !== undefined) {
      trunk = cutAt(model, layer);
      where = trunk.outputs[0].sourceLayer.name;
    } else {
      const dense = [...model.layers].reverse().find((l) => l.getClassName() === 'Dense');
      if (!dense || Array.isArray(dense.input)) {
        trunk = model;
        where = model.layers[model.layers.length - 1].name;
      } else {
        trunk = tf.model({ inputs: model.inputs, outputs: dense.input });
        where = `the input of "${dense.name}"`;
      }
    }
    const width = (trunk.outputs[0].shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
    const spec = handle.features;
    let fitted: FeatureSpec | undefined;
    const image = spec?.kind === 'image' ? spec : undefined;
    return {
      description: `${ref} at ${where.startsWith('the input') ? where : `"${where}"`} (${width} values)`,
      handle,
      load: (s) => loadDataset(s, { image }),
      async transform(ds) {
        // a model without recorded preprocessing: fit it on the first data, then reuse it, so
        // normal and test data are scaled alike
        fitted ??= spec ?? fitFeatures(ds);
        const featSpec: FeatureSpec = fitted;
        const x = transformFeatures(featSpec, ds);
        checkInputShape(model, x.shape.slice(1), ds.name);
        const f = await forwardFeatures(trunk, x);
        return { rows: ds.size, cols: width, data: Float64Array.from(f.x) };
      },
      dispose: () => disposeWeightsNotIn([model], []),
    };
  } catch (err) {
    disposeWeightsNotIn([handle.model], []);
    throw err;
  }
}

/**
 * The raw inputs as features: pixels for images (at `image` size, default the data's own), the
 * standardised / one-hot columns fitted on the first dataset transformed for tables.
 *
 * @example
 * ```ts
 * const raw = rawFeatureSpace();
 * const rows = await raw.transform(await raw.load('builtin:mnist')); // n × 784
 * ```
 */
export function rawFeatureSpace(opts: { image?: { height: number; width: number; channels: number } } = {}): FeatureSpace {
  let spec: FeatureSpec | undefined;
  return {
    description: 'raw inputs',
    load: (s) => loadDataset(s, { image: opts.image }),
    async transform(ds) {
      if (ds.features.kind === 'text') {
        throw new TransferkitError('KIND_MISMATCH', `Raw features of ${ds.name} are texts, which have no raw numeric form`, { where: ds.name, hint: 'Use a base model for text, or tabular / image data.' });
      }
      spec ??= fitFeatures(ds, { image: opts.image });
      const x = transformFeatures(spec, ds);
      const cols = ds.size > 0 ? x.x.length / ds.size : 0;
      this.description = ds.features.kind === 'image' ? `raw pixels (${cols} values)` : `standardised columns (${cols} values)`;
      return { rows: ds.size, cols, data: Float64Array.from(x.x) };
    },
    dispose() {},
  };
}
