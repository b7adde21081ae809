import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../errors.ts';
import { createRng } from '../util/random.ts';

/** Model inputs and integer labels, as flat arrays. */
export interface TensorData {
  /** Row-major inputs, `shape[0]` examples. */
  x: Float32Array;
  /** Full shape, e.g. `[n, 28, 28, 1]` or `[n, features]`. */
  shape: number[];
  /** Class index per example. */
  y: Int32Array;
}

/** One line of `history.jsonl`. */
export interface EpochRecord {
  /** Training phase, e.g. `head` or `finetune`. */
  phase: string;
  /** 1-based epoch within the phase. */
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  learningRate: number;
  /** Wall-clock seconds this epoch took. */
  seconds: number;
}

/** Options of {@link trainModel}. */
export interface TrainOptions {
  epochs: number;
  /** Default 32. */
  batchSize?: number;
  /** Adam learning rate; default 1e-3. */
  learningRate?: number;
  /** Seeds the per-epoch shuffles. */
  seed: number;
  /** Per-class loss weights (e.g. from {@link balancedClassWeights}). */
  classWeights?: number[];
  /** Validation data for early stopping; without it the last epoch's weights are kept. */
  val?: TensorData;
  /** Stop after this many epochs without a lower validation loss (default 5); the best weights are restored. */
  patience?: number;
  /** Name of this phase in the history. */
  phase?: string;
  /** First epoch to run (1-based), to resume an interrupted phase. */
  startEpoch?: number;
  /** Called after every epoch, e.g. to write history and a checkpoint. */
  onEpoch?: (record: EpochRecord) => void | Promise<void>;
  /** Called after every optimiser step with the number of steps done and in all. */
  onStep?: (done: number, total: number) => void;
}

/** What {@link trainModel} did. */
export interface TrainResult {
  history: EpochRecord[];
  /** Epoch whose weights the model holds now. */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Number of optimiser steps taken. */
  steps: number;
}

/**
 * Trains a softmax classifier with Adam on mini-batches, minimising (class-weighted)
 * cross-entropy over the model's trainable weights, with early stopping on validation loss.
 *
 * Every step runs inside `tf.tidy`; the number of live tensors is the same after each epoch.
 * Dropout is active and BatchNorm layers follow their own mode (see `keepBatchNormInInference`).
 *
 * @example
 * ```ts
 * const model = buildMlp(4, 3, { seed: 1 });
 * const res = await trainModel(model, { x, shape: [n, 4], y }, { epochs: 20, seed: 1, val });
 * ```
 */
export async function trainModel(model: tf.LayersModel, data: TensorData, opts: TrainOptions): Promise<TrainResult> {
  const n = data.shape[0];
  const numClasses = outputClasses(model);
  checkLabels(data.y, numClasses, 'training data');
  if (opts.val) checkLabels(opts.val.y, numClasses, 'validation data');
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? 32, n));
  const lr = opts.learningRate ?? 1e-3;
  const patience = opts.patience ?? 5;
  const phase = opts.phase ?? 'train';
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  if (vars.length === 0) throw new TransferkitError('NOTHING_TO_TRAIN', 'Every layer of the model is frozen', { hint: 'Unfreeze at least the head.' });

  const optimizer = tf.train.adam(lr);
  const weightsPerClass = tf.tensor1d(opts.classWeights ?? new Array(numClasses).fill(1), 'float32');
  const per = n > 0 ? data.x.length / n : 0;
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const history: EpochRecord[] = [];
  let best = { loss: Infinity, epoch: 0, weights: undefined as Float32Array[] | undefined };
  let stale = 0;
  let steps = 0;
  let stoppedEarly = false;

  try {
    for (let epoch = opts.startEpoch ?? 1; epoch <= opts.epochs; epoch++) {
      const t0 = performance.now();
      const order = createRng(`${opts.seed}:${phase}:${epoch}`).shuffle(Array.from({ length: n }, (_, i) => i));
      let lossSum = 0;
      let correct = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const idx = order.slice(s * batchSize, (s + 1) * batchSize);
        const xb = new Float32Array(idx.length * per);
        const yb = new Int32Array(idx.length);
        idx.forEach((r, j) => {
          xb.set(data.x.subarray(r * per, (r + 1) * per), j * per);
          yb[j] = data.y[r];
        });
        const [loss, hits] = tf.tidy(() => {
          const xs = tf.tensor(xb, [idx.length, ...data.shape.slice(1)]);
          const ys = tf.tensor1d(yb, 'int32');
          const oneHot = tf.cast(tf.oneHot(ys, numClasses), 'float32');
          const sampleW = tf.gather(weightsPerClass, ys);
          let probs: tf.Tensor | undefined;
          const cost = optimizer.minimize(() => {
            const p = model.apply(xs, { training: true }) as tf.Tensor;
            probs = tf.keep(p);
            return weightedCrossEntropy(p, oneHot, sampleW);
          }, true, vars) as tf.Scalar;
          const hit = tf.sum(tf.cast(tf.equal(tf.argMax(probs!, 1), ys), 'float32'));
          const result = [cost.dataSync()[0], hit.dataSync()[0]];
          probs!.dispose();
          return result;
        });
        if (!Number.isFinite(loss)) {
          throw new TransferkitError('TRAINING_DIVERGED', `The training loss became ${loss} in ${phase} epoch ${epoch}`, {
            hint: 'Lower the learning rate, or check the inputs for extreme values.',
          });
        }
        lossSum += loss * idx.length;
        correct += hits;
        steps++;
        opts.onStep?.(s + 1, stepsPerEpoch);
      }
      const record: EpochRecord = { phase, epoch, loss: lossSum / n, accuracy: correct / n, learningRate: lr, seconds: 0 };
      if (opts.val) {
        const v = evaluateLoss(model, opts.val, numClasses);
        record.valLoss = v.loss;
        record.valAccuracy = v.accuracy;
      }
      record.seconds = (performance.now() - t0) / 1000;
      history.push(record);
      await opts.onEpoch?.(record);

      const monitored = record.valLoss ?? record.loss;
      if (monitored < best.loss - 1e-6) {
        best = { loss: monitored, epoch, weights: opts.val ? snapshotWeights(model) : undefined };
        stale = 0;
      } else if (opts.val && ++stale >= patience) {
        stoppedEarly = true;
        break;
      }
    }
    const lastEpoch = history.at(-1)?.epoch ?? 0;
    if (best.weights && best.epoch !== lastEpoch) restoreWeights(model, best.weights);
    return { history, bestEpoch: best.weights ? best.epoch : lastEpoch, stoppedEarly, steps };
  } finally {
    optimizer.dispose();
    weightsPerClass.dispose();
  }
}

/**
 * Mean of `−w_i · log p_i[y_i]`, with probabilities clipped away from 0.
 *
 * @example
 * ```ts
 * const loss = weightedCrossEntropy(probs, oneHotLabels, tf.onesLike(weights));
 * ```
 */
export function weightedCrossEntropy(probs: tf.Tensor, oneHot: tf.Tensor, sampleWeights: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.log(tf.clipByValue(probs, 1e-7, 1));
    const picked = tf.sum(tf.mul(logp, oneHot), 1);
    return tf.neg(tf.mean(tf.mul(picked, sampleWeights))) as tf.Scalar;
  });
}

/**
 * Class weights `n / (k · count_c)` (scikit-learn's "balanced"), so each class carries equal total weight.
 *
 * @example
 * ```ts
 * balancedClassWeights(Int32Array.from([0, 0, 0, 1]), 2); // [0.667, 2]
 * ```
 */
export function balancedClassWeights(y: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const c of y) counts[c]++;
  return counts.map((c) => (c ? y.length / (numClasses * c) : 0));
}

/**
 * Class probabilities for every example, computed in batches (no tensors are left behind).
 *
 * @example
 * ```ts
 * const probs = predictProbs(model, { x, shape: [n, 28, 28, 1] }); // n × k floats
 * ```
 */
export function predictProbs(model: tf.LayersModel, data: { x: Float32Array; shape: number[] }, batchSize = 256): Float32Array {
  const n = data.shape[0];
  const k = outputClasses(model);
  const per = n > 0 ? data.x.length / n : 0;
  const out = new Float32Array(n * k);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const probs = tf.tidy(() => {
      const xs = tf.tensor(data.x.subarray(start * per, end * per), [end - start, ...data.shape.slice(1)]);
      return (model.predict(xs) as tf.Tensor).dataSync() as Float32Array;
    });
    out.set(probs, start * k);
  }
  return out;
}

function evaluateLoss(model: tf.LayersModel, data: TensorData, k: number): { loss: number; accuracy: number } {
  const probs = predictProbs(model, data);
  let loss = 0;
  let correct = 0;
  const n = data.y.length;
  for (let i = 0; i < n; i++) {
    const y = data.y[i];
    loss -= Math.log(Math.min(1, Math.max(1e-7, probs[i * k + y])));
    let arg = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + arg]) arg = c;
    if (arg === y) correct++;
  }
  return { loss: loss / n, accuracy: correct / n };
}

/**
 * Number of classes a softmax classifier outputs.
 *
 * @example
 * ```ts
 * outputClasses(buildLogistic(4, 3)); // 3
 * ```
 */
export function outputClasses(model: tf.LayersModel): number {
  const shape = model.outputs[0].shape;
  const k = shape[shape.length - 1];
  if (shape.length !== 2 || k == null) {
    throw new TransferkitError('NOT_A_CLASSIFIER', `The model's output has shape [${shape.join(', ')}], not [batch, classes]`, {
      hint: 'Replace the head with a classification head (fit does this for you when given --base).',
    });
  }
  return k;
}

function checkLabels(y: Int32Array, k: number, what: string): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0 || y[i] >= k) {
      throw new TransferkitError('BAD_LABEL', `Example ${i} of the ${what} has label index ${y[i]}, outside the model's ${k} classes`, {
        hint: 'Every training example needs a label from the model’s class list.',
      });
    }
  }
}

/**
 * Copies every weight of the model into plain arrays.
 *
 * @example
 * ```ts
 * const saved = snapshotWeights(model); // … train …
 * restoreWeights(model, saved);
 * ```
 */
export function snapshotWeights(model: tf.LayersModel): Float32Array[] {
  return model.weights.map((w) => w.read().dataSync().slice() as Float32Array);
}

/**
 * Writes arrays taken by {@link snapshotWeights} back into the model.
 *
 * @example
 * ```ts
 * restoreWeights(model, snapshotWeights(model));
 * ```
 */
export function restoreWeights(model: tf.LayersModel, values: Float32Array[]): void {
  model.weights.forEach((w, i) => {
    const t = tf.tensor(values[i], w.shape as number[]);
    w.write(t);
    t.dispose();
  });
}
