/**
 * The networks deep adaptation trains when the user brings none: a small CNN for images (the
 * one of the rotated-MNIST benchmark), and a way to fold a fixed linear input map (the PCA /
 * standardisation view of text and tabular features) into the front of a trained MLP, so that
 * the saved model takes the raw feature vector.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { seededInit } from '../../models/architectures.ts';

type Layer = tf.layers.Layer;

/**
 * A small CNN without BatchNorm (so training on mixed-domain batches leaves no running
 * statistics to reconcile): conv3×3(16) → ReLU → maxpool 2 → conv3×3(32) → ReLU → maxpool 2 →
 * flatten → dense(64, ReLU) named `features` → softmax `head`. Same seed, same initial weights.
 *
 * @example
 * ```ts
 * const model = buildSmallCnn([28, 28, 1], 10, 1);
 * await trainAdapted({ model, featureLayer: 'features', source, targets: [target], method: 'deep-coral', epochs: 5, seed: 1 });
 * ```
 */
export function buildSmallCnn(inputShape: number[], numClasses: number, seed: number): tf.LayersModel {
  const init = seededInit(seed);
  const input = tf.input({ shape: inputShape, name: 'image' });
  let x = tf.layers.conv2d({ name: 'conv1', filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init('heNormal') }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'conv2', filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init('heNormal') }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ name: 'features', units: 64, activation: 'relu', kernelInitializer: init('heNormal') }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'head', units: numClasses, activation: 'softmax', kernelInitializer: init('glorotUniform') }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'small_cnn' });
}

/**
 * A new model `x ↦ net(x·A + a)`: a frozen Dense layer `adapt_view` holding the affine map
 * (`A` is `d × m`, row-major) in front of copies of `net`'s layers with `net`'s weights. `net`
 * must be a single chain of layers (as `buildMlp` makes) taking `m` inputs. `net` is left as it
 * is (dispose it yourself).
 *
 * @throws TransferkitError `SHAPE_MISMATCH` when `net` does not take `m` inputs, `BAD_OPTION`
 *   when it is not a chain.
 * @example
 * ```ts
 * const mlp = buildMlp(view.m, 2, { hidden: [64] });
 * // … train mlp on view.apply(X) …
 * const saveable = prependAffine(mlp, view.A, view.a, view.d); // takes raw d-dim features
 * ```
 */
export function prependAffine(net: tf.LayersModel, A: ArrayLike<number>, a: ArrayLike<number>, d: number): tf.LayersModel {
  const m = a.length;
  const inShape = net.inputs[0].shape;
  if (inShape.length !== 2 || inShape[1] !== m || A.length !== d * m) {
    throw new TransferkitError('SHAPE_MISMATCH', `prependAffine: the network takes [${inShape.join(', ')}] but the map is ${d} → ${m}`, { where: net.name });
  }
  const input = tf.input({ shape: [d], name: 'features' });
  const view = tf.layers.dense({ name: 'adapt_view', units: m, activation: 'linear', trainable: false });
  let x = view.apply(input) as tf.SymbolicTensor;
  const copies: Array<{ from: Layer; to: Layer }> = [];
  let previous: tf.SymbolicTensor = net.inputs[0];
  for (const layer of net.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    if (layer.input !== previous) {
      throw new TransferkitError('BAD_OPTION', `prependAffine needs a chain of layers; "${layer.name}" of ${net.name} does not take the previous layer's output`, { where: net.name });
    }
    const copy = copyLayer(layer);
    x = copy.apply(x) as tf.SymbolicTensor;
    copies.push({ from: layer, to: copy });
    previous = layer.output as tf.SymbolicTensor;
  }
  const model = tf.model({ inputs: input, outputs: x, name: `${net.name}_on_raw_features` });
  tf.tidy(() => view.setWeights([tf.tensor2d(Float32Array.from(A), [d, m]), tf.tensor1d(Float32Array.from(a))]));
  for (const { from, to } of copies) {
    const w = from.getWeights();
    to.setWeights(w);
  }
  return model;
}

/** A fresh layer with the same settings (weights are copied by the caller): Dense, Dropout and Activation. */
function copyLayer(layer: Layer): Layer {
  const c = layer.getConfig() as Record<string, unknown>;
  const name = String(c.name);
  switch (layer.getClassName()) {
    case 'Dense':
      return tf.layers.dense({ name, units: Number(c.units), activation: c.activation as 'relu', useBias: c.useBias as boolean });
    case 'Dropout':
      return tf.layers.dropout({ name, rate: Number(c.rate) });
    case 'Activation':
      return tf.layers.activation({ name, activation: c.activation as 'relu' });
    default:
      throw new TransferkitError('BAD_OPTION', `prependAffine cannot copy a ${layer.getClassName()} layer ("${layer.name}")`, { hint: 'Use an MLP of Dense, Dropout and Activation layers.' });
  }
}
