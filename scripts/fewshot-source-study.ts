/**
 * Would a source trained differently give better few-shot features? Trains the fashion-cnn
 * network under several augmentation recipes (pilots: 2,000 images per class, 4 epochs, the
 * ONNX training engine) and measures each pilot's `flatten` embeddings with one-shot cosine
 * prototypes two ways:
 *
 * - **held-out clothing classes** (the criterion that does not look at the target): pretrain on 7
 *   Fashion-MNIST classes, then 3-way 1-shot episodes on the 3 classes it never saw (Fashion-MNIST
 *   test images), for two splits — the standard way few-shot work validates a source;
 * - **MNIST** (the README's few-shot target): pretrain on all 10 classes, then 5-way 1-shot
 *   episodes on the digits, against raw-pixel prototypes on the same episodes.
 *
 * A recipe that wins on MNIST but loses on held-out clothing classes is tuned for the target,
 * not a better source. Writes results/fewshot/source-study.json and .md.
 *
 *   sudo apt-get install dataset-fashion-mnist
 *   node --import tsx scripts/fewshot-source-study.ts        # about 15 minutes on 2 cores
 *
 * Options (environment): EPISODES (default 600), PER_CLASS (default 2000), EPOCHS (default 4),
 * OUT (default results/fewshot).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { evaluateOnEpisodes, sampleEpisodes, type EpisodeScore } from '../src/choose/episodes.ts';
import { subset, type Dataset } from '../src/data/dataset.ts';
import { transformFeatures, type FeatureSpec } from '../src/data/features.ts';
import { loadDataset } from '../src/data/load.ts';
import { samplePerClass } from '../src/data/split.ts';
import { initEngine } from '../src/engine/backend.ts';
import { classificationMetrics } from '../src/measures/metrics.ts';
import { buildCnn } from '../src/models/architectures.ts';
import { predictProbs } from '../src/models/predict-probs.ts';
import { disposeModelWeights } from '../src/models/dispose.ts';
import { parseAugment } from '../src/transfer/augment.ts';
import { embedDataset, rawEmbeddings } from '../src/transfer/few-shot/embed.ts';
import { trainModel } from '../src/transfer/train.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/util/atomic.ts';
import { seedMathRandom } from '../src/util/random.ts';

const episodes = Number(process.env.EPISODES ?? 600);
const perClass = Number(process.env.PER_CLASS ?? 2000);
const epochs = Number(process.env.EPOCHS ?? 4);
const outDir = process.env.OUT ?? 'results/fewshot';
const SEED = 42;
const spec: FeatureSpec = { kind: 'image', height: 28, width: 28, channels: 1 };
/** The recipes compared; `shift=0.1,rotate=12,zoom=0.1` is what the shipped fashion-cnn was trained with. */
const RECIPES = ['none', 'shift=0.1,rotate=12,zoom=0.1', 'shift=0.2,rotate=25,zoom=0.2,noise=0.1', 'shift=0.25,rotate=45,zoom=0.3,noise=0.1,flip=0.5'];
/** Clothing classes held out of pretraining, by index (the first is the zero-shot table's main split). */
const HELD_OUT = [[2, 5, 8], [0, 3, 9]];

tf.env().set('PROD', true);
await initEngine();
const t0 = performance.now();
const fashion = await loadDataset('builtin:fashion-mnist');
const fashionTest = await loadDataset('builtin:fashion-mnist-test');
const mnist = await loadDataset('builtin:mnist');
const mnistEpisodes = sampleEpisodes(mnist.labels, mnist.classes, { ways: 5, shots: 1, queries: 15 }, episodes, '1:1');
const [rawMnist] = evaluateOnEpisodes([{ name: 'raw pixels', method: 'prototypes', embeddings: rawEmbeddings(spec, mnist) }], mnistEpisodes);

interface RecipeRow { recipe: string; heldOut: EpisodeScore[]; mnist: EpisodeScore; fashionAccuracy: number }
const rows: RecipeRow[] = [];
for (const recipe of RECIPES) {
  const heldOut: EpisodeScore[] = [];
  for (const held of HELD_OUT) {
    const seen = [...Array(fashion.classes.length).keys()].filter((k) => !held.includes(k));
    const { model } = await pretrain(onlyClasses(fashion, seen), recipe);
    const target = onlyClasses(fashionTest, held);
    const eps = sampleEpisodes(target.labels, target.classes, { ways: held.length, shots: 1, queries: 15 }, episodes, '1:1');
    const emb = await embedDataset(model, spec, target, { layer: 'flatten', name: `held-out ${target.classes.join('/')}` });
    heldOut.push(evaluateOnEpisodes([{ name: target.classes.join(', '), method: 'prototypes', embeddings: emb }], eps)[0]);
    disposeModelWeights(model);
  }
  const { model, accuracy } = await pretrain(fashion, recipe);
  const emb = await embedDataset(model, spec, mnist, { layer: 'flatten', name: recipe });
  const [onMnist] = evaluateOnEpisodes([{ name: 'mnist', method: 'prototypes', embeddings: emb }], mnistEpisodes);
  disposeModelWeights(model);
  rows.push({ recipe, heldOut, mnist: onMnist, fashionAccuracy: accuracy });
  console.error(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${recipe}: held-out ${heldOut.map(pct).join(', ')}; MNIST ${pct(onMnist)}`);
}

const result = {
  protocol: `fashion-cnn network, ${perClass} images per class, ${epochs} epochs, seed ${SEED}; one-shot cosine prototypes at flatten, 15 queries per class, ${episodes} episodes`,
  rawMnist,
  rows,
  seconds: (performance.now() - t0) / 1000,
  measuredAt: new Date().toISOString(),
};
mkdirSync(outDir, { recursive: true });
await writeJsonAtomic(join(outDir, 'source-study.json'), result);
await writeFileAtomic(join(outDir, 'source-study.md'), markdown() + '\n');
process.stdout.write(markdown() + '\n');

/** Trains a pilot on `ds` (a seeded sample per class) under one recipe; returns it with its accuracy on the Fashion-MNIST test images of its classes. */
async function pretrain(ds: Dataset, recipe: string): Promise<{ model: tf.LayersModel; accuracy: number }> {
  seedMathRandom(SEED);
  const train = samplePerClass(ds, perClass, SEED).sample;
  const model = buildCnn([28, 28, 1], ds.classes.length, { seed: SEED });
  await trainModel(model, { ...transformFeatures(spec, train), y: train.labels }, {
    epochs, batchSize: 64, learningRate: 1e-3, seed: SEED, phase: 'pretrain', augment: recipe === 'none' ? undefined : parseAugment(recipe),
  });
  const test = onlyClasses(fashionTest, ds.classes.map((c) => fashionTest.classes.indexOf(c)));
  const accuracy = classificationMetrics(test.labels, predictProbs(model, transformFeatures(spec, test)), test.classes).accuracy;
  return { model, accuracy };
}

/** The rows of `ds` whose class is in `keep`, relabelled 0..keep.length-1 in that order. */
function onlyClasses(ds: Dataset, keep: number[]): Dataset {
  const idx: number[] = [];
  ds.labels.forEach((l, i) => { if (keep.includes(l)) idx.push(i); });
  const s = subset(ds, idx);
  return { ...s, labels: Int32Array.from(s.labels, (l) => keep.indexOf(l)), classes: keep.map((k) => ds.classes[k]) };
}

function pct(r: EpisodeScore): string {
  return `${(100 * r.mean).toFixed(1)} ± ${(100 * r.interval).toFixed(1)}`;
}

function markdown(): string {
  const heads = HELD_OUT.map((h) => `held out ${h.map((k) => fashion.classes[k]).join(', ')} (3-way)`);
  return [
    `Source training recipe vs few-shot features (${result.protocol}; mean % ± 95% interval):`,
    '',
    `| augmentation while pretraining | ${heads.join(' | ')} | MNIST 5-way | Δ vs raw pixels (${pct(rawMnist)}) | Fashion-MNIST test accuracy |`,
    `|---|${heads.map(() => '---:|').join('')}---:|---:|---:|`,
    ...rows.map((r) => `| ${r.recipe === 'none' ? 'none' : `\`${r.recipe}\``} | ${r.heldOut.map(pct).join(' | ')} | ${pct(r.mnist)} | ${(100 * (r.mnist.mean - rawMnist.mean)) >= 0 ? '+' : ''}${(100 * (r.mnist.mean - rawMnist.mean)).toFixed(1)} | ${(100 * r.fashionAccuracy).toFixed(1)} |`),
    '',
    `(${(result.seconds / 60).toFixed(1)} min on this machine; \`node --import tsx scripts/fewshot-source-study.ts\`)`,
  ].join('\n');
}
