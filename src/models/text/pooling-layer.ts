/**
 * A masked pooling layer for word embeddings: the mean (or element-wise max) of the vectors of
 * the real tokens of each text, padding (id 0, masked by an `Embedding` with `maskZero`)
 * left out; a text with no token pools to zeros. Registered with `tf.serialization`, so models
 * holding it save and load like any layers model (importing this module is enough).
 */
import * as tf from '@tensorflow/tfjs';

type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

/**
 * `[batch, length, dims]` → `[batch, dims]`: masked mean or max over the length axis.
 *
 * @example
 * ```ts
 * const ids = tf.input({ shape: [256] });
 * const e = tf.layers.embedding({ inputDim: 1001, outputDim: 100, maskZero: true }).apply(ids);
 * const doc = new MaskedPooling({ pooling: 'mean', name: 'word_pool' }).apply(e) as tf.SymbolicTensor; // [null, 100]
 * ```
 */
export class MaskedPooling extends tf.layers.Layer {
  static className = 'TransferkitMaskedPooling';
  readonly pooling: 'mean' | 'max';

  constructor(args: LayerArgs & { pooling?: 'mean' | 'max' } = {}) {
    super(args);
    this.pooling = args.pooling ?? 'mean';
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], s[2]];
  }

  /** The pooled output has no length axis, so no mask goes on. */
  override computeMask(): tf.Tensor {
    return null as unknown as tf.Tensor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { mask?: tf.Tensor | tf.Tensor[] }): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const given = Array.isArray(kwargs?.mask) ? kwargs.mask[0] : kwargs?.mask;
      const mask = given ? (tf.expandDims(tf.cast(given, 'float32'), -1) as tf.Tensor3D) : tf.onesLike(tf.slice(x, [0, 0, 0], [-1, -1, 1]));
      const count = tf.sum(mask, 1); // [b, 1]
      if (this.pooling === 'max') {
        // padded slots at -1e9 never win; an all-padding text gives zeros
        const masked = tf.add(tf.mul(x, mask), tf.mul(tf.sub(mask, 1), 1e9));
        return tf.mul(tf.max(masked, 1), tf.cast(tf.greater(count, 0), 'float32'));
      }
      return tf.div(tf.sum(tf.mul(x, mask), 1), tf.maximum(count, 1));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), pooling: this.pooling };
  }
}
tf.serialization.registerClass(MaskedPooling);
