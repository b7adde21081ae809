import * as tf from '@tensorflow/tfjs';

/** Options shared by the built-in architectures. */
export interface ArchitectureOptions {
  /** Seed for weight initialisation; same seed, same initial weights. */
  seed?: number;
}

/**
 * The convolutional network behind the built-in `fashion-cnn`:
 * conv(32) → BN → pool → conv(64) → BN → pool → dense(128) → dropout → softmax head.
 *
 * Layer names are stable (`conv1`, `bn1`, …, `head`) so surgery can address them.
 *
 * @example
 * ```ts
 * const model = buildCnn([28, 28, 1], 10, { seed: 1 });
 * ```
 */
export function buildCnn(inputShape: number[], numClasses: number, opts: ArchitectureOptions = {}): tf.LayersModel {
  const init = seededInit(opts.seed);
  const input = tf.input({ shape: inputShape, name: 'image' });
  let x = tf.layers.conv2d({ name: 'conv1', filters: 32, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init('glorotUniform') }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ name: 'relu1', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'conv2', filters: 64, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init('glorotUniform') }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn2' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ name: 'relu2', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ name: 'dense1', units: 128, activation: 'relu', kernelInitializer: init('glorotUniform') }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ name: 'dropout1', rate: 0.3 }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'head', units: numClasses, activation: 'softmax', kernelInitializer: init('glorotUniform') }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'cnn' });
}

/**
 * A multi-layer perceptron for tabular or text features: dense(hidden…) with ReLU and dropout, then a softmax head.
 *
 * @example
 * ```ts
 * const model = buildMlp(4, 3, { hidden: [32], seed: 0 });
 * ```
 */
export function buildMlp(
  inputSize: number,
  numClasses: number,
  opts: ArchitectureOptions & { hidden?: number[]; dropout?: number } = {},
): tf.LayersModel {
  const init = seededInit(opts.seed);
  const input = tf.input({ shape: [inputSize], name: 'features' });
  let x: tf.SymbolicTensor = input;
  (opts.hidden ?? [64]).forEach((units, i) => {
    x = tf.layers.dense({ name: `dense${i + 1}`, units, activation: 'relu', kernelInitializer: init('heNormal') }).apply(x) as tf.SymbolicTensor;
    if ((opts.dropout ?? 0.2) > 0) x = tf.layers.dropout({ name: `dropout${i + 1}`, rate: opts.dropout ?? 0.2 }).apply(x) as tf.SymbolicTensor;
  });
  const out = tf.layers.dense({ name: 'head', units: numClasses, activation: 'softmax', kernelInitializer: init('glorotUniform') }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'mlp' });
}

/**
 * Multinomial logistic regression: one dense softmax layer.
 *
 * @example
 * ```ts
 * const model = buildLogistic(30, 2);
 * ```
 */
export function buildLogistic(inputSize: number, numClasses: number, opts: ArchitectureOptions = {}): tf.LayersModel {
  const init = seededInit(opts.seed);
  const input = tf.input({ shape: [inputSize], name: 'features' });
  const out = tf.layers.dense({ name: 'head', units: numClasses, activation: 'softmax', kernelInitializer: init('glorotUniform') }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'logistic' });
}

/** Returns a factory of seeded initialisers so each layer gets its own, repeatable seed. */
export function seededInit(seed: number | undefined): (kind: 'glorotUniform' | 'heNormal') => ReturnType<typeof tf.initializers.glorotUniform> {
  let k = 0;
  return (kind) => {
    const s = seed === undefined ? undefined : seed * 1000 + k++;
    return kind === 'heNormal' ? tf.initializers.heNormal({ seed: s }) : tf.initializers.glorotUniform({ seed: s });
  };
}
