/**
 * Rotation prediction, a self-supervised pretext task (Gidaris, Singh & Komodakis 2018, "Unsupervised
 * representation learning by predicting image rotations"): every unlabelled image is shown turned
 * by 0°, 90°, 180° and 270°, and the encoder learns, with a small head, which turn it sees. To
 * tell, it must learn what upright strokes and shapes look like, which transfers to recognising
 * them — better than reconstructing pixels does (measured in the README's self-taught section).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { seededInit } from '../../models/architectures.ts';
import { trainModel, type EpochRecord } from '../train.ts';

/**
 * The four quarter turns of every image: `4n` images (image i turned by k·90° anticlockwise at
 * row 4i + k) and their labels k = 0…3.
 *
 * @throws TransferkitError `BAD_SHAPE` for images that are not square (a quarter turn changes their shape).
 * @example
 * ```ts
 * const t = quarterTurns({ x: Float32Array.of(1, 2, 3, 4), shape: [1, 2, 2, 1] });
 * t.y; // Int32Array [0, 1, 2, 3]
 * Array.from(t.x.subarray(4, 8)); // [2, 4, 1, 3]: a quarter turn anticlockwise
 * ```
 */
export function quarterTurns(data: { x: Float32Array; shape: number[] }): { x: Float32Array; shape: number[]; y: Int32Array } {
  const [n, h, w, c] = data.shape;
  if (data.shape.length !== 4 || h !== w) {
    throw new TransferkitError('BAD_SHAPE', `Rotation pretraining needs square images, got [${data.shape.slice(1).join(', ')}]`, {
      hint: 'Resize the images to a square size when loading them (e.g. 28×28), or use the autoencoder objective.',
    });
  }
  const per = h * w * c;
  const x = new Float32Array(4 * n * per);
  const y = new Int32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const src = i * per;
    for (let k = 0; k < 4; k++) {
      const dst = (4 * i + k) * per;
      y[4 * i + k] = k;
      for (let r = 0; r < h; r++) {
        for (let col = 0; col < w; col++) {
          // the source pixel that a k-quarter anticlockwise turn brings to (r, col)
          const [sr, sc] = k === 0 ? [r, col] : k === 1 ? [col, w - 1 - r] : k === 2 ? [h - 1 - r, w - 1 - col] : [h - 1 - col, r];
          for (let ch = 0; ch < c; ch++) x[dst + (r * w + col) * c + ch] = data.x[src + (sr * w + sc) * c + ch];
        }
      }
    }
  }
  return { x, shape: [4 * n, h, w, c], y };
}

/**
 * Options of {@link trainRotation}.
 *
 * @example
 * ```ts
 * const o: RotationTrainOptions = { epochs: 3, batchSize: 64, learningRate: 1e-3, seed: 1 };
 * ```
 */
export interface RotationTrainOptions {
  /** Passes over the turned images (default 5). */
  epochs?: number;
  /** Turned images per step (default 64). */
  batchSize?: number;
  /** Adam learning rate (default 1e-3). */
  learningRate?: number;
  /** Seed of the head's weights and the batch order (default 0). */
  seed?: number;
  /** Called after each step. */
  onStep?: (step: number, totalSteps: number) => void;
  /** Called after each epoch with its mean cross-entropy and the share of turns told right. */
  onEpoch?: (epoch: number, meanLoss: number, accuracy: number) => void;
}

/**
 * Trains `encoder` (image → feature map, its weights trained in place) to predict the quarter
 * turn of each image, through a head of flatten → dense 128 (ReLU) → dense 4 (softmax), on the
 * ONNX training engine when it can compile the network (TF.js otherwise). Returns the whole
 * rotation network (it shares the encoder's layers) and the epochs' records.
 *
 * @example
 * ```ts
 * const { network, history } = await trainRotation(ae.encoder, transformFeatures(spec, unlabelled), { epochs: 3, seed: 1 });
 * history.at(-1)!.accuracy; // e.g. 0.98 of the turns told right
 * ```
 */
export async function trainRotation(
  encoder: tf.LayersModel,
  data: { x: Float32Array; shape: number[] },
  opts: RotationTrainOptions = {},
): Promise<{ network: tf.LayersModel; history: EpochRecord[]; seconds: number }> {
  const turned = quarterTurns(data);
  const init = seededInit(opts.seed ?? 0);
  let h = tf.layers.flatten({ name: 'rotation_flatten' }).apply(encoder.outputs[0]) as tf.SymbolicTensor;
  h = tf.layers.dense({ name: 'rotation_dense', units: 128, activation: 'relu', kernelInitializer: init('heNormal') }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'rotation_head', units: 4, activation: 'softmax', kernelInitializer: init('glorotUniform') }).apply(h) as tf.SymbolicTensor;
  const network = tf.model({ inputs: encoder.inputs, outputs: out, name: 'rotation_network' });
  const started = Date.now();
  const epochs = opts.epochs ?? 5;
  let epoch = 1;
  const result = await trainModel(network, turned, {
    epochs,
    batchSize: opts.batchSize ?? 64,
    learningRate: opts.learningRate ?? 1e-3,
    seed: opts.seed ?? 0,
    phase: 'rotation',
    beforeEpoch: (e) => (epoch = e),
    // trainModel counts steps within the epoch; the caller is told the steps of the whole run
    onStep: (done, perEpoch) => opts.onStep?.((epoch - 1) * perEpoch + done, perEpoch * epochs),
    onEpoch: async (r) => opts.onEpoch?.(r.epoch, r.loss, r.accuracy),
  });
  return { network, history: result.history, seconds: (Date.now() - started) / 1000 };
}
