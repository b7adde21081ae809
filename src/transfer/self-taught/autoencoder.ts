/**
 * A small convolutional autoencoder for self-taught learning: the encoder is the convolutional
 * part a classifier reuses (conv16 → pool → conv32 → pool, a 32-channel code at a quarter of the
 * image size), the decoder mirrors it with nearest-neighbour upsampling and convolutions (no
 * transposed convolutions: the wasm backend runs their gradient as a slow scalar loop).
 *
 * Layer names are stable (`conv1`, `relu1`, `pool1`, `conv2`, `relu2`, `pool2`; `up1`,
 * `dec_conv1`, `up2`, `dec_conv2`) so the encoder can be cut out of a trained autoencoder by name.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { seededInit } from '../../models/architectures.ts';

/** Shape knobs of {@link buildAutoencoder}. */
export interface AutoencoderOptions {
  /** Filters of the two encoder convolutions (default `[16, 32]`). */
  filters?: [number, number];
  /**
   * Units of the dense bottleneck code on top of the convolutions (default 0: no bottleneck, the
   * code is the `[h/4, w/4, filters[1]]` feature map). The bottleneck is a convolution whose
   * kernel spans the whole `h/4 × w/4` map (a fully connected layer, `code`, with ReLU), so the code
   * is a `[1, 1, codeUnits]` map and `fit`'s default cut, the flatten above the last convolution,
   * puts a new head right on it.
   */
  codeUnits?: number;
  /** Seed of the weight initialisers. */
  seed?: number;
}

/** The autoencoder and its encoder; both share the encoder's layers. */
export interface Autoencoder {
  /** image → reconstruction (sigmoid, same shape as the input). */
  model: tf.LayersModel;
  /** image → code: the feature map `[h/4, w/4, filters[1]]`, or `[1, 1, codeUnits]` with a bottleneck. */
  encoder: tf.LayersModel;
}

/**
 * Builds the convolutional autoencoder for images of `[height, width, channels]`; height and
 * width must be multiples of 4 (two 2×2 poolings are undone by two 2× upsamplings).
 *
 * With `codeUnits`, a fully connected bottleneck (`code`, `code_relu`) tops the encoder and the
 * decoder starts with `dec_flatten`, `dec_dense`, `dec_reshape` back to the `h/4 × w/4` map.
 *
 * @throws TransferkitError `BAD_SHAPE` for a size the decoder cannot reproduce, `BAD_OPTION`
 *   for a `codeUnits` that is not a whole number.
 * @example
 * ```ts
 * const { model, encoder } = buildAutoencoder([28, 28, 1], { seed: 1 });
 * encoder.outputs[0].shape; // [null, 7, 7, 32]
 * buildAutoencoder([28, 28, 1], { codeUnits: 64 }).encoder.outputs[0].shape; // [null, 1, 1, 64]
 * ```
 */
export function buildAutoencoder(inputShape: number[], opts: AutoencoderOptions = {}): Autoencoder {
  const [height, width, channels] = inputShape;
  if (inputShape.length !== 3 || height % 4 !== 0 || width % 4 !== 0 || !(channels >= 1)) {
    throw new TransferkitError('BAD_SHAPE', `The autoencoder needs images whose height and width are multiples of 4, got [${inputShape.join(', ')}]`, {
      hint: 'Resize the images when loading them (e.g. 28×28 or 32×32); built-in MNIST and Fashion-MNIST are 28×28.',
    });
  }
  const [f1, f2] = opts.filters ?? [16, 32];
  const units = opts.codeUnits ?? 0;
  if (!(Number.isInteger(units) && units >= 0)) {
    throw new TransferkitError('BAD_OPTION', `codeUnits must be a whole number (0: no bottleneck), got ${units}`, { where: 'autoencoder', hint: 'Use e.g. 64 for a 64-number code, or 0 for the convolutional feature map.' });
  }
  const init = seededInit(opts.seed);
  const conv = (name: string, filters: number) =>
    tf.layers.conv2d({ name, filters, kernelSize: 3, padding: 'same', kernelInitializer: init('heNormal') });
  const input = tf.input({ shape: inputShape, name: 'image' });
  let x = conv('conv1', f1).apply(input) as tf.SymbolicTensor;
  x = tf.layers.activation({ name: 'relu1', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = conv('conv2', f2).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ name: 'relu2', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const pooled = tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  let code = pooled;
  let y = pooled;
  if (units > 0) {
    const [ch, cw] = [height / 4, width / 4];
    x = tf.layers.conv2d({ name: 'code', filters: units, kernelSize: [ch, cw], padding: 'valid', kernelInitializer: init('heNormal') }).apply(pooled) as tf.SymbolicTensor;
    code = tf.layers.activation({ name: 'code_relu', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
    y = tf.layers.flatten({ name: 'dec_flatten' }).apply(code) as tf.SymbolicTensor;
    y = tf.layers.dense({ name: 'dec_dense', units: ch * cw * f2, activation: 'relu', kernelInitializer: init('heNormal') }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.reshape({ name: 'dec_reshape', targetShape: [ch, cw, f2] }).apply(y) as tf.SymbolicTensor;
  }
  y = tf.layers.upSampling2d({ name: 'up1', size: [2, 2] }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.conv2d({ name: 'dec_conv1', filters: f1, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init('heNormal') }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.upSampling2d({ name: 'up2', size: [2, 2] }).apply(y) as tf.SymbolicTensor;
  const out = tf.layers.conv2d({ name: 'dec_conv2', filters: channels, kernelSize: 3, padding: 'same', activation: 'sigmoid', kernelInitializer: init('glorotUniform') }).apply(y) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: out, name: 'autoencoder' }), encoder: tf.model({ inputs: input, outputs: code, name: 'encoder' }) };
}

/**
 * What the encoder base offers a new head at its `flatten` layer: `code` (the encoder's code,
 * the default) or `pooled`: the maximum and the mean of each encoder ReLU map (`relu1`, `relu2`)
 * over its four quadrants, concatenated (Coates & Ng 2011's pooled single-layer features;
 * 4 × 2 × (16 + 32) = 384 numbers with the default filters), for a linear head on frozen
 * features (`fit --strategy extract --head-solver lbfgs`).
 *
 * @example
 * ```ts
 * const f: EncoderFeatures = 'pooled';
 * ```
 */
export type EncoderFeatures = 'code' | 'pooled';

/**
 * The encoder features, for validation and help texts.
 *
 * @example
 * ```ts
 * ENCODER_FEATURES.includes('pooled'); // true
 * ```
 */
export const ENCODER_FEATURES: readonly EncoderFeatures[] = ['code', 'pooled'];

/**
 * The encoder as a base model that `fit --base` accepts: the encoder's layers (up to `pool2`, or
 * up to `code_relu` with a bottleneck), a `flatten`
 * layer, and a one-unit placeholder Dense layer named `head` (zero weights). `fit` puts its new
 * head on `flatten` (the top of the convolutional part) and drops the placeholder, which exists
 * only so the model has the classifier shape transferkit's surgery expects. Shares the encoder's
 * weights with the autoencoder.
 *
 * With `features: 'pooled'`, `flatten` holds the quadrant-pooled ReLU maps instead (see
 * {@link EncoderFeatures}): the layers `pool_relu1_max`, `pool_relu1_mean`, `pool_relu2_max`,
 * `pool_relu2_mean` (each 2 × 2 × channels) are concatenated (`pooled`) and flattened.
 *
 * @throws TransferkitError `BAD_OPTION` for features other than `code` and `pooled`.
 * @example
 * ```ts
 * const base = encoderAsBase(ae.model); // image → conv1 … pool2 → flatten → head(1)
 * encoderAsBase(ae.model, { features: 'pooled' }).getLayer('flatten').outputShape; // [null, 384]
 * ```
 */
export function encoderAsBase(autoencoder: tf.LayersModel, opts: { features?: EncoderFeatures } = {}): tf.LayersModel {
  const features = opts.features ?? 'code';
  if (!ENCODER_FEATURES.includes(features)) {
    throw new TransferkitError('BAD_OPTION', `No encoder features are called "${String(features)}"`, { where: 'features option', hint: `Use one of: ${ENCODER_FEATURES.join(', ')}.` });
  }
  let top: tf.SymbolicTensor;
  if (features === 'pooled') {
    const parts: tf.SymbolicTensor[] = [];
    for (const name of ['relu1', 'relu2']) {
      const map = autoencoder.getLayer(name).output as tf.SymbolicTensor;
      const [h, w] = [map.shape[1]!, map.shape[2]!];
      // two windows per side (the odd last row or column of an odd-sized map is left out)
      const poolSize: [number, number] = [Math.floor(h / 2), Math.floor(w / 2)];
      parts.push(tf.layers.maxPooling2d({ name: `pool_${name}_max`, poolSize, strides: poolSize }).apply(map) as tf.SymbolicTensor);
      parts.push(tf.layers.averagePooling2d({ name: `pool_${name}_mean`, poolSize, strides: poolSize }).apply(map) as tf.SymbolicTensor);
    }
    top = tf.layers.concatenate({ name: 'pooled', axis: -1 }).apply(parts) as tf.SymbolicTensor;
  } else {
    top = autoencoder.getLayer(autoencoder.layers.some((l) => l.name === 'code_relu') ? 'code_relu' : 'pool2').output as tf.SymbolicTensor;
  }
  const flat = tf.layers.flatten({ name: 'flatten' }).apply(top) as tf.SymbolicTensor;
  const head = tf.layers.dense({ name: 'head', units: 1, kernelInitializer: 'zeros', biasInitializer: 'zeros' }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: autoencoder.inputs, outputs: head, name: 'self_taught_encoder' });
}

/**
 * Per-example mean squared reconstruction error, computed in batches (no tensors left behind).
 *
 * @example
 * ```ts
 * const errors = reconstructionErrors(ae.model, { x, shape: [n, 28, 28, 1] });
 * ```
 */
export function reconstructionErrors(model: tf.LayersModel, data: { x: Float32Array; shape: number[] }, batchSize = 256): Float64Array {
  const n = data.shape[0];
  const per = n > 0 ? data.x.length / n : 0;
  const out = new Float64Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const values = tf.tidy(() => {
      const xs = tf.tensor(data.x.subarray(start * per, end * per), [end - start, ...data.shape.slice(1)]);
      const recon = model.predict(xs) as tf.Tensor;
      return tf.mean(tf.square(tf.sub(recon, xs)).reshape([end - start, -1]), 1).dataSync();
    });
    for (let i = 0; i < values.length; i++) out[start + i] = values[i];
  }
  return out;
}
