/**
 * The training loop of the self-taught autoencoder: mean squared reconstruction error, Adam,
 * optional denoising (masking noise as in Vincent et al., 2008: a random share of the input
 * values set to 0, the clean image as target), shuffled
 * mini-batches from a seeded generator. Every step runs in `tf.tidy`, so the number of live
 * tensors stays flat across steps (the optimiser's own state is created once, at the first step).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { createRng } from '../../util/random.ts';

/** Options of {@link trainAutoencoder}. */
export interface AutoencoderTrainOptions {
  /** Passes over the data (default 5). */
  epochs?: number;
  /** Examples per step (default 64). */
  batchSize?: number;
  /** Adam learning rate (default 2e-3). */
  learningRate?: number;
  /** Denoising: the share of input values set to 0 at random in each step, in [0, 1) (default 0: a plain autoencoder). */
  noise?: number;
  /** Seed of the batch order and the noise (default 0). */
  seed?: number;
  /** Called after each step with the step's loss. */
  onStep?: (step: number, totalSteps: number, loss: number) => void;
  /** Called after each epoch with its mean loss. */
  onEpoch?: (epoch: number, meanLoss: number) => void;
}

/** What {@link trainAutoencoder} returns. */
export interface AutoencoderTrainResult {
  /** Mean reconstruction loss (MSE on clean targets) of each epoch. */
  epochLosses: number[];
  steps: number;
  seconds: number;
}

/**
 * Trains `model` (image → reconstruction) to reproduce its inputs.
 *
 * @throws TransferkitError `BAD_OPTION` for a non-positive epoch count, batch size or rate, or
 *   noise outside [0, 1); `TOO_FEW_EXAMPLES` for empty data.
 * @example
 * ```ts
 * const { model } = buildAutoencoder([28, 28, 1], { seed: 1 });
 * const res = await trainAutoencoder(model, { x, shape: [n, 28, 28, 1] }, { epochs: 3, noise: 0.25 });
 * console.log(res.epochLosses);
 * ```
 */
export async function trainAutoencoder(
  model: tf.LayersModel,
  data: { x: Float32Array; shape: number[] },
  opts: AutoencoderTrainOptions = {},
): Promise<AutoencoderTrainResult> {
  const epochs = opts.epochs ?? 5;
  const batchSize = opts.batchSize ?? 64;
  const learningRate = opts.learningRate ?? 2e-3;
  const noise = opts.noise ?? 0;
  check(Number.isInteger(epochs) && epochs >= 1, `epochs must be a whole number of at least 1, got ${epochs}`);
  check(Number.isInteger(batchSize) && batchSize >= 1, `batchSize must be a whole number of at least 1, got ${batchSize}`);
  check(learningRate > 0 && Number.isFinite(learningRate), `learningRate must be a positive number, got ${learningRate}`);
  check(noise >= 0 && noise < 1, `noise must be a share of pixels in [0, 1), got ${noise}`);
  const n = data.shape[0];
  if (!(n >= 1)) throw new TransferkitError('TOO_FEW_EXAMPLES', 'The autoencoder has no examples to train on', { hint: 'Pass unlabelled images (a folder or builtin:NAME).' });
  const per = data.x.length / n;
  const rng = createRng(opts.seed ?? 0);
  const optimizer = tf.train.adam(learningRate);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const totalSteps = epochs * stepsPerEpoch;
  const started = Date.now();
  const epochLosses: number[] = [];
  const batch = new Float32Array(Math.min(batchSize, n) * per);
  const noisy = new Float32Array(batch.length);
  let step = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
      let sum = 0;
      for (let start = 0; start < n; start += batchSize) {
        const rows = order.slice(start, start + batchSize);
        const len = rows.length * per;
        rows.forEach((r, k) => batch.set(data.x.subarray(r * per, (r + 1) * per), k * per));
        if (noise > 0) for (let i = 0; i < len; i++) noisy[i] = rng.next() < noise ? 0 : batch[i];
        const shape = [rows.length, ...data.shape.slice(1)];
        const lossValue = tf.tidy(() => {
          const target = tf.tensor(batch.subarray(0, len), shape);
          const input = noise > 0 ? tf.tensor(noisy.subarray(0, len), shape) : target;
          const cost = optimizer.minimize(() => tf.losses.meanSquaredError(target, model.apply(input, { training: true }) as tf.Tensor) as tf.Scalar, true, vars);
          return cost!.dataSync()[0];
        });
        if (!Number.isFinite(lossValue)) {
          throw new TransferkitError('TRAINING_DIVERGED', `The autoencoder's loss became ${lossValue} at step ${step + 1}`, { hint: 'Lower the learning rate (e.g. 5e-4).' });
        }
        sum += lossValue * rows.length;
        step++;
        opts.onStep?.(step, totalSteps, lossValue);
        // yield to the event loop so progress bars and signals get a turn
        if (step % 20 === 0) await new Promise((r) => setImmediate(r));
      }
      epochLosses.push(sum / n);
      opts.onEpoch?.(epoch, sum / n);
    }
  } finally {
    optimizer.dispose();
  }
  return { epochLosses, steps: step, seconds: (Date.now() - started) / 1000 };
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new TransferkitError('BAD_OPTION', message, { where: 'autoencoder training', hint: 'Typical values: epochs 5, batchSize 64, learningRate 2e-3, noise 0 to 0.3.' });
}
