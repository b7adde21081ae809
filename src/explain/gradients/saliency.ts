/**
 * Saliency maps (Simonyan et al. 2013): the gradient of the target class score with respect to
 * the input, |∂f_target/∂x| by default (Captum `Saliency(abs=True)`), or signed.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { toExample, targetScores, type DifferentiableModel, type ExampleInput } from './differentiable.ts';

/**
 * Options for {@link saliency}.
 *
 * @example
 * ```ts
 * const opts: SaliencyOptions = { signed: true };
 * ```
 */
export interface SaliencyOptions {
  /** Return the signed gradient instead of its absolute value (default false). */
  signed?: boolean;
  /** Per-example shape when `x` is a flat array and the model does not declare one. */
  shape?: number[];
}

/**
 * A gradient attribution for one example.
 *
 * @example
 * ```ts
 * const r: SaliencyResult = { attributions: Float32Array.of(0.5, 2), shape: [2], output: 0.7 };
 * ```
 */
export interface SaliencyResult {
  /** One value per input element, in the example's shape (row-major). */
  attributions: Float32Array;
  /** The example's shape, without the batch dimension. */
  shape: number[];
  /** The target score f_target(x). */
  output: number;
}

/**
 * |∂f_target/∂x| (or the signed gradient) at one example.
 *
 * @example
 * ```ts
 * const { attributions } = await saliency(model, image, 3);         // |gradient|, 28×28×1 values
 * const signed = await saliency((x) => x.mul([2, -1]).sum(1), [1, 1], 0, { signed: true }); // [2, -1]
 * ```
 */
export async function saliency(model: DifferentiableModel, x: ExampleInput, target: number, opts: SaliencyOptions = {}): Promise<SaliencyResult> {
  const ex = toExample(model, x, opts.shape);
  const [value, grad] = tf.tidy(() => {
    const input = tf.tensor(ex.data, [1, ...ex.shape]);
    const { value: v, grad: g } = tf.valueAndGrad((b: tf.Tensor) => tf.sum(targetScores(model, b, target)))(input);
    return [v, opts.signed === true ? g : tf.abs(g)];
  });
  try {
    const attributions = (await grad.data()) as Float32Array;
    const output = (await value.data())[0];
    return { attributions, shape: ex.shape, output };
  } finally {
    value.dispose();
    grad.dispose();
  }
}
