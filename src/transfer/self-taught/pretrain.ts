/**
 * Self-taught learning (Raina et al., 2007): learn features from *unlabelled* images with an
 * autoencoder, then reuse its encoder as the pretrained base of a classifier trained on a few
 * labels (`fit({ base: '<out>', strategy: 'extract' | 'finetune' })`).
 *
 * `pretrain` writes a model folder that every base-model command takes:
 *
 * ```text
 * <out>/
 *   model.json, weights.bin   the encoder: conv1 … pool2 → flatten → placeholder `head` (1 unit)
 *   transferkit.json          classes [], the image spec, `selfTaught` (data, epochs, losses)
 *   autoencoder/              the whole autoencoder (for reconstruction-error novelty scores)
 * ```
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { capRows, type Dataset } from '../../data/dataset.ts';
import { fitFeatures, transformFeatures, type FeatureSpec } from '../../data/features.ts';
import { loadDataset } from '../../data/load.ts';
import { ensureEngine } from '../../engine/backend.ts';
import { TransferkitError } from '../../errors.ts';
import { disposeWeightsNotIn } from '../../models/dispose.ts';
import { saveModel } from '../../models/io.ts';
import { seedMathRandom } from '../../util/random.ts';
import { buildAutoencoder, encoderAsBase, type EncoderFeatures } from './autoencoder.ts';
import { trainAutoencoder, type AutoencoderTrainOptions } from './train-autoencoder.ts';

/**
 * Folder of the whole autoencoder inside a pretrained encoder's model folder.
 *
 * @example
 * ```ts
 * const ae = await loadModel(join('models/mnist-ae', AUTOENCODER_DIR));
 * ```
 */
export const AUTOENCODER_DIR = 'autoencoder';

/** Options of {@link pretrain}. */
export interface PretrainConfig extends Omit<AutoencoderTrainOptions, 'onStep' | 'onEpoch'> {
  /** Unlabelled images: `builtin:NAME`, an image folder or IDX file, or a dataset in memory. Labels, if any, are ignored. */
  data: string | Dataset;
  /** Model folder to write (replaced as a whole when it is a model folder already). Omit to keep the result in memory only. */
  out?: string;
  /** Image size to load folders at (default 28×28×1). */
  image?: { height: number; width: number; channels: number };
  /** Use at most this many images (seeded random subset; default all). */
  maxImages?: number;
  /** Filters of the two encoder convolutions (default `[16, 32]`). */
  filters?: [number, number];
  /** Units of the dense bottleneck code (default 0: the convolutional feature map is the code); see {@link buildAutoencoder}. */
  codeUnits?: number;
  /**
   * What the saved base offers a new head at `flatten`: `code` (default: the encoder's code, for
   * fine-tuning) or `pooled` (quadrant max and mean of both ReLU maps, 384 numbers, for a linear
   * head on frozen features: `fit --strategy extract --head-solver lbfgs`); see `EncoderFeatures`.
   */
  encoderFeatures?: EncoderFeatures;
}

/** What {@link pretrain} returns. */
export interface PretrainResult {
  /** The folder written, when `out` was given. */
  out?: string;
  /** The encoder as a base model; shares its weights with `autoencoder`. */
  encoder: tf.LayersModel;
  /** The whole autoencoder. */
  autoencoder: tf.LayersModel;
  /** Frees the weights of both models (the caller must call it once done). */
  dispose(): void;
  features: FeatureSpec;
  images: number;
  epochLosses: number[];
  seconds: number;
  /** Shape of the code the encoder outputs, e.g. `[7, 7, 32]`. */
  codeShape: number[];
}

/**
 * Pretrains a convolutional autoencoder on unlabelled images and returns (and with `out`, saves)
 * its encoder as a base model for `fit`.
 *
 * @throws TransferkitError `KIND_MISMATCH` for data that are not images, `BAD_SHAPE` for a
 *   size the decoder cannot reproduce, `BAD_OPTION` for bad training options, and the loaders' errors.
 * @example
 * ```ts
 * const res = await pretrain({ data: 'builtin:mnist', out: 'models/mnist-ae', epochs: 5, seed: 1 });
 * res.dispose();
 * const clf = await fit({ base: 'models/mnist-ae', train: 'builtin:mnist', perClass: 10, strategy: 'finetune' });
 * ```
 */
export async function pretrain(config: PretrainConfig, callbacks: Pick<AutoencoderTrainOptions, 'onStep' | 'onEpoch'> = {}): Promise<PretrainResult> {
  await ensureEngine();
  if (config.out !== undefined && (typeof config.out !== 'string' || config.out.trim() === '')) {
    throw new TransferkitError('BAD_OPTION', `out must be the path of a model folder, got ${JSON.stringify(config.out)}`, { where: 'out option', hint: 'Pass out: "models/my-encoder", or leave it out to keep the encoder in memory.' });
  }
  if (config.maxImages !== undefined && !(Number.isInteger(config.maxImages) && config.maxImages >= 1)) {
    throw new TransferkitError('BAD_OPTION', `maxImages must be a whole number of at least 1, got ${config.maxImages}`, { where: 'maxImages option', hint: 'Use e.g. 10000, or leave it out to use every image.' });
  }
  let ds = typeof config.data === 'string' ? await loadDataset(config.data, { image: config.image }) : config.data;
  if (ds.features.kind !== 'image') {
    throw new TransferkitError('KIND_MISMATCH', `Self-taught pretraining needs images, but ${ds.name} holds ${ds.features.kind} data`, {
      where: ds.name,
      hint: 'Pass unlabelled images: builtin:mnist, builtin:fashion-mnist-test, an image folder or an IDX file.',
    });
  }
  const seed = config.seed ?? 0;
  if (config.maxImages !== undefined && config.maxImages < ds.size) ds = capRows(ds, config.maxImages, seed);
  const features = fitFeatures(ds, { image: config.image });
  const x = transformFeatures(features, ds);
  const restore = seedMathRandom(seed);
  let ae;
  try {
    ae = buildAutoencoder(x.shape.slice(1), { seed, filters: config.filters, codeUnits: config.codeUnits });
  } finally {
    restore();
  }
  const encoder = encoderAsBase(ae.model, { features: config.encoderFeatures });
  try {
    const trained = await trainAutoencoder(ae.model, x, { ...config, ...callbacks, seed });
    const codeShape = ae.encoder.outputs[0].shape.slice(1) as number[];
    const dispose = () => disposeWeightsNotIn([encoder, ae.model], []);
    const result: PretrainResult = { encoder, autoencoder: ae.model, dispose, features, images: ds.size, epochLosses: trained.epochLosses, seconds: trained.seconds, codeShape };
    if (config.out !== undefined) {
      const selfTaught = {
        data: ds.name,
        images: ds.size,
        epochs: trained.epochLosses.length,
        reconstructionMse: trained.epochLosses,
        noise: config.noise ?? 0,
        codeShape,
        codeUnits: config.codeUnits ?? 0,
        encoderFeatures: config.encoderFeatures ?? 'code',
        autoencoder: AUTOENCODER_DIR,
      };
      const meta = { classes: [], features, name: 'self-taught-encoder', source: { strategy: 'self-taught' }, selfTaught };
      await saveModel(encoder, config.out, meta);
      await saveModel(ae.model, join(config.out, AUTOENCODER_DIR), { ...meta, name: 'self-taught-autoencoder' });
      result.out = config.out;
    }
    return result;
  } catch (err) {
    disposeWeightsNotIn([encoder, ae.model], []);
    throw err;
  }
}

