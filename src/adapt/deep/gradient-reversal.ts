/**
 * Gradient reversal (Ganin & Lempitsky 2015): the identity on the forward pass, −λ·dy on the
 * backward pass. Put between a feature extractor and a domain classifier, it makes one
 * optimiser step train the classifier to tell domains apart while it trains the features to
 * confuse it.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';

/**
 * Applies gradient reversal to `x`: returns a copy of `x` whose gradient is `−lambda · dy`.
 *
 * `lambda` is read when the op is called, so a schedule (e.g. DANN's 2/(1+e^(−10p)) − 1) just
 * passes a new value each step. `lambda = 0` blocks the gradient; a negative `lambda` would
 * turn the reversal back into a plain identity with scaled gradient and is rejected.
 *
 * @throws TransferkitError `BAD_OPTION` when `lambda` is negative or not finite.
 * @example
 * ```ts
 * const g = tf.grad((x: tf.Tensor) => tf.sum(gradientReversal(x, 0.5)));
 * g(tf.ones([3])).print(); // [-0.5, -0.5, -0.5]
 * ```
 */
export function gradientReversal<T extends tf.Tensor>(x: T, lambda = 1): T {
  checkLambda(lambda);
  const op = tf.customGrad((input: tf.Tensor | tf.GradSaveFunc) => {
    const t = input as tf.Tensor;
    return {
      value: t.clone(),
      gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.scalar(-lambda, dy.dtype)),
    };
  });
  return op(x) as T;
}

/** Config of {@link GradientReversalLayer}. */
export interface GradientReversalLayerArgs {
  /** Scale of the reversed gradient (default 1); change it later with `setLambda`. */
  lambda?: number;
  name?: string;
}

/**
 * A Layers-API layer wrapping {@link gradientReversal}, for building a DANN domain branch into a
 * `tf.LayersModel`. The layer has no weights; `lambda` is mutable so a schedule can ramp it.
 * Registered for serialisation as `GradientReversal`.
 *
 * @example
 * ```ts
 * const grl = new GradientReversalLayer({ lambda: 0.1, name: 'grl' });
 * const domain = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(grl.apply(features));
 * grl.setLambda(0.5);
 * ```
 */
export class GradientReversalLayer extends tf.layers.Layer {
  static className = 'GradientReversal';
  private lambda: number;

  constructor(args: GradientReversalLayerArgs = {}) {
    super(args.name === undefined ? {} : { name: args.name });
    this.lambda = checkLambda(args.lambda ?? 1);
  }

  /** Sets the scale of the reversed gradient for the next calls. */
  setLambda(lambda: number): void {
    this.lambda = checkLambda(lambda);
  }

  /** The current scale of the reversed gradient. */
  getLambda(): number {
    return this.lambda;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return gradientReversal(x, this.lambda);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), lambda: this.lambda };
  }
}
tf.serialization.registerClass(GradientReversalLayer);

function checkLambda(lambda: number): number {
  if (!(lambda >= 0) || !Number.isFinite(lambda)) {
    throw new TransferkitError('BAD_OPTION', `Gradient reversal needs a finite lambda ≥ 0, got ${lambda}`, {
      where: 'gradientReversal',
      hint: 'lambda is the scale of the reversed gradient; 1 reverses it unscaled.',
    });
  }
  return lambda;
}
