/**
 * Self-taught learning (Raina et al., 2007): learn features from *unlabelled* images — with an
 * autoencoder (reconstruct the pixels) or by rotation prediction (tell which quarter turn an
 * image was given, `rotation.ts`) — then reuse the encoder as the pretrained base of a classifier
 * trained on a few labels (`fit({ base: '<out>', strategy: 'extract' | 'finetune' })`).
 *
 * `pretrain` writes a model folder that every base-model command takes:
 *
 * ```text
 * <out>/
 *   model.json, weights.bin   the encoder: conv1 … pool2 → flatten → placeholder `head` (1 unit)
 *   transferkit.json          classes [], the image spec, `selfTaught` (data, epochs, losses)
 *   autoencoder/              the whole autoencoder (for reconstruction-error novelty scores;
 *                             the autoencoder objective only)
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
import { trainRotation } from './rotation.ts';
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

/**
 * What the encoder learns from: `autoencoder` (reconstruct the image, optionally from a noisy
 * copy) or `rotation` (predict which of four quarter turns the image was given).
 *
 * @example
 * ```ts
 * const o: PretrainObjective = 'rotation';
 * ```
 */
export type PretrainObjective = 'autoencoder' | 'rotation';

/**
 * Every {@link PretrainObjective}.
 *
 * @example
 * ```ts
 * PRETRAIN_OBJECTIVES.includes('rotation'); // true
 * ```
 */
export const PRETRAIN_OBJECTIVES: readonly PretrainObjective[] = ['autoencoder', 'rotation'];

/** Options of {@link pretrain}. */
export interface PretrainConfig extends Omit<AutoencoderTrainOptions, 'onStep' | 'onEpoch'> {
  /**
   * The pretext task (default `autoencoder`). `rotation` learns features that transfer better
   * (README, self-taught section) but has no decoder, so no reconstruction-error novelty
   * scores; its default learning rate is 1e-3, and `noise` does not apply.
   */
  objective?: PretrainObjective;
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
  objective: PretrainObjective;
  /** The encoder as a base model; shares its weights with `network`. */
  encoder: tf.LayersModel;
  /** The network that was trained: the whole autoencoder, or the rotation network (encoder + its 4-way head). */
  network: tf.LayersModel;
  /** The whole autoencoder (the autoencoder objective only). */
  autoencoder?: tf.LayersModel;
  /** Frees the weights of both models (the caller must call it once done). */
  dispose(): void;
  features: FeatureSpec;
  images: number;
  /** Mean loss of each epoch: reconstruction MSE, or the rotation head's cross-entropy. */
  epochLosses: number[];
  /** Rotation objective: the share of turns told right in each epoch. */
  rotationAccuracy?: number[];
  seconds: number;
  /** Shape of the code the encoder outputs, e.g. `[7, 7, 32]`. */
  codeShape: number[];
}

/**
 * Pretrains a convolutional encoder on unlabelled images — as an autoencoder, or by rotation
 * prediction — and returns (and with `out`, saves) it as a base model for `fit`.
 *
 * @throws TransferkitError `KIND_MISMATCH` for data that are not images, `BAD_SHAPE` for a
 *   size the decoder cannot reproduce (or non-square images for rotation), `BAD_OPTION` for bad
 *   training options, and the loaders' errors.
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
  const objective = config.objective ?? 'autoencoder';
  if (!PRETRAIN_OBJECTIVES.includes(objective)) {
    throw new TransferkitError('BAD_OPTION', `Unknown pretraining objective "${String(objective)}"`, { where: 'objective option', hint: `Use one of: ${PRETRAIN_OBJECTIVES.join(', ')}.` });
  }
  if (objective === 'rotation' && (config.noise ?? 0) > 0) {
    throw new TransferkitError('BAD_OPTION', 'noise masks the input of an autoencoder; rotation pretraining does not use it', { where: 'noise option', hint: 'Leave noise out with objective "rotation", or use objective "autoencoder".' });
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
  let network: tf.LayersModel = ae.model;
  try {
    let trained: { epochLosses: number[]; seconds: number; rotationAccuracy?: number[] };
    if (objective === 'rotation') {
      const r = await trainRotation(ae.encoder, x, {
        epochs: config.epochs,
        batchSize: config.batchSize,
        learningRate: config.learningRate,
        seed,
        onStep: callbacks.onStep && ((step, total) => callbacks.onStep!(step, total, NaN)),
        onEpoch: callbacks.onEpoch && ((epoch, loss) => callbacks.onEpoch!(epoch, loss)),
      });
      network = r.network;
      trained = { epochLosses: r.history.map((h) => h.loss), seconds: r.seconds, rotationAccuracy: r.history.map((h) => h.accuracy) };
    } else {
      trained = await trainAutoencoder(ae.model, x, { ...config, ...callbacks, seed });
    }
    const codeShape = ae.encoder.outputs[0].shape.slice(1) as number[];
    const models = [encoder, ae.model, network];
    const dispose = () => disposeWeightsNotIn(models, []);
    const result: PretrainResult = { objective, encoder, network, dispose, features, images: ds.size, epochLosses: trained.epochLosses, seconds: trained.seconds, codeShape };
    if (objective === 'autoencoder') result.autoencoder = ae.model;
    else result.rotationAccuracy = trained.rotationAccuracy;
    if (config.out !== undefined) {
      const selfTaught = {
        objective,
        data: ds.name,
        images: ds.size,
        epochs: trained.epochLosses.length,
        ...(objective === 'autoencoder'
          ? { reconstructionMse: trained.epochLosses, noise: config.noise ?? 0, autoencoder: AUTOENCODER_DIR }
          : { rotationLoss: trained.epochLosses, rotationAccuracy: trained.rotationAccuracy }),
        codeShape,
        codeUnits: config.codeUnits ?? 0,
        encoderFeatures: config.encoderFeatures ?? 'code',
      };
      const meta = { classes: [], features, name: 'self-taught-encoder', source: { strategy: 'self-taught' }, selfTaught };
      await saveModel(encoder, config.out, meta);
      if (objective === 'autoencoder') await saveModel(ae.model, join(config.out, AUTOENCODER_DIR), { ...meta, name: 'self-taught-autoencoder' });
      result.out = config.out;
    }
    return result;
  } catch (err) {
    disposeWeightsNotIn([encoder, ae.model, network], []);
    throw err;
  }
}

