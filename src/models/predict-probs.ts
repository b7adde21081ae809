/**
 * Running a classifier: class probabilities in batches, and how many classes it has.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../errors.ts';

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
      hint: 'Replace the head with a classification head (fit does this for you when given `base`).',
    });
  }
  return k;
}
