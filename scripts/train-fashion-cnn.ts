/**
 * Trains the built-in `fashion-cnn` on the full Fashion-MNIST training set and writes it,
 * with its model card, to models/fashion-cnn/.
 *
 *   sudo apt-get install dataset-fashion-mnist
 *   npm run train:fashion-cnn            # about 30 minutes on 2 CPU cores (wasm backend)
 *
 * Options (environment): EPOCHS (default 10), SEED (default 42).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { subset } from '../src/data/dataset.ts';
import { transformFeatures, type FeatureSpec } from '../src/data/features.ts';
import { loadDataset } from '../src/data/load.ts';
import { trainValTestSplit } from '../src/data/split.ts';
import { initEngine } from '../src/engine/backend.ts';
import { classificationMetrics } from '../src/evaluate/metrics.ts';
import { buildCnn } from '../src/models/architectures.ts';
import { saveModel } from '../src/models/io.ts';
import { countParams } from '../src/models/surgery.ts';
import { predictProbs, trainModel } from '../src/transfer/train.ts';
import { seedMathRandom } from '../src/util/random.ts';

const epochs = Number(process.env.EPOCHS ?? 10);
const seed = Number(process.env.SEED ?? 42);
const outDir = fileURLToPath(new URL('../models/fashion-cnn/', import.meta.url));

tf.env().set('PROD', true);
const engine = await initEngine();
console.log(`backend: ${engine.backend}`);
const restore = seedMathRandom(seed);

const full = await loadDataset('builtin:fashion-mnist');
const testSet = await loadDataset('builtin:fashion-mnist-test');
const { train, val } = trainValTestSplit(full, { val: 5000 / full.size, test: 0, seed });
const spec: FeatureSpec = { kind: 'image', height: 28, width: 28, channels: 1 };
const toData = (ds: typeof train) => ({ ...transformFeatures(spec, ds), y: ds.labels });

const model = buildCnn([28, 28, 1], full.classes.length, { seed });
const t0 = performance.now();
const res = await trainModel(model, toData(train), {
  epochs,
  batchSize: 64,
  learningRate: 1e-3,
  seed,
  val: toData(val),
  patience: 3,
  phase: 'pretrain',
  onEpoch: (r) => console.log(`epoch ${r.epoch}: loss ${r.loss.toFixed(4)} acc ${r.accuracy.toFixed(4)} val loss ${r.valLoss?.toFixed(4)} val acc ${r.valAccuracy?.toFixed(4)} (${r.seconds.toFixed(0)} s)`),
});
const minutes = (performance.now() - t0) / 60000;
restore();

const test = toData(testSet);
const m = classificationMetrics(test.y, predictProbs(model, test), full.classes);
console.log(`test accuracy ${m.accuracy.toFixed(4)}, macro F1 ${m.macroF1.toFixed(4)}`);
const params = countParams(model);

await saveModel(model, outDir, {
  format: 'transferkit-model@1',
  name: 'fashion-cnn',
  description: 'Small CNN pretrained on Fashion-MNIST (10 clothing classes, 28×28 grayscale)',
  classes: full.classes,
  features: spec,
  createdAt: new Date().toISOString(),
  accuracy: m.accuracy,
  macroF1: m.macroF1,
  trainedOn: 'Fashion-MNIST training set (55,000 train / 5,000 validation)',
  training: { script: 'scripts/train-fashion-cnn.ts', seed, epochs: res.history.length, bestEpoch: res.bestEpoch },
});

const card = `# fashion-cnn

A small convolutional network pretrained on **Fashion-MNIST**, shipped with transferkit as the
default source model for transfer learning (\`--base fashion-cnn\`).

## Model details
- Architecture: conv 3×3×32 → BatchNorm → ReLU → max-pool 2 → conv 3×3×64 → BatchNorm → ReLU →
  max-pool 2 → flatten → dense 128 (ReLU) → dropout 0.3 → dense 10 (softmax, layer \`head\`).
- Parameters: ${params.total.toLocaleString('en-US')}; weights ${(params.total * 4 / 1e6).toFixed(1)} MB (float32).
- Input: 28×28×1 grayscale images scaled to [0, 1]. Output: probabilities of 10 clothing classes.
- Trained with transferkit ${engine.tfjsVersion ? `on TensorFlow.js ${engine.tfjsVersion}` : ''} (${engine.backend} backend), Adam (lr 0.001), batch 64,
  early stopping on validation loss (patience 3), seed ${seed}; best epoch ${res.bestEpoch} of ${res.history.length}, ${minutes.toFixed(1)} minutes on one core of a 2-core machine that was busy with other work.

## Intended use
A source of image features for transfer to small grayscale image tasks (the demo transfers it
to MNIST digits with 10 labels per class). Not meant for production clothing classification.

## Data
Fashion-MNIST (Zalando Research, MIT licence): 60,000 training and 10,000 test images of 10
classes (${full.classes.join(', ')}). 55,000 training images were used for training and a
stratified 5,000 for early stopping; the 10,000 test images were used only for the score below.

## Metrics (Fashion-MNIST test set, 10,000 images)
- Accuracy: **${(m.accuracy * 100).toFixed(2)}%**, macro F1 ${m.macroF1.toFixed(4)}

| class | precision | recall | F1 |
|---|---|---|---|
${m.perClass.map((c) => `| ${c.class} | ${c.precision.toFixed(3)} | ${c.recall.toFixed(3)} | ${c.f1.toFixed(3)} |`).join('\n')}

## Limitations
Grayscale 28×28 only; centred, isolated items on a plain background. Shirts, T-shirts, pullovers
and coats are the classes it confuses most (see the per-class table).

## How to reproduce
\`\`\`
sudo apt-get install dataset-fashion-mnist
npm run train:fashion-cnn
\`\`\`
`;
await writeFile(`${outDir}MODEL_CARD.md`, card);
console.log(`wrote ${outDir}`);
void subset;
