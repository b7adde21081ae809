/**
 * Measures unsupervised transfer on MNIST with the built-in fashion-cnn (trained on clothing):
 *
 * 1. clustering: k-means of the 10,000 builtin:mnist digits on fashion-cnn features (`flatten`,
 *    the top of its convolutional part) vs raw pixels — NMI and ARI against the digit labels,
 *    silhouette; k = 10 given, and k chosen by the silhouette over 2..15 (on a 2,000-digit sample);
 * 2. novelty, digits normal vs clothing novel: detectors fitted on 2,000 of the 8,000 training
 *    digits, scoring the 2,000 held-out digits and 2,000 builtin:fashion-mnist-test images —
 *    k-NN and Mahalanobis on fashion-cnn features (the input of its head, `dense1`, 128 values)
 *    and on raw pixels, and the reconstruction
 *    error of an autoencoder pretrained on the 8,000 training digits (`pretrain`);
 * 3. novelty, one digit held out: each digit in turn is removed from the fitting data; its
 *    held-out examples are the novel ones among the 2,000 held-out digits.
 *
 *   node --import tsx scripts/unsupervised-table.ts     # writes results/unsupervised/{clustering,novelty}.json and unsupervised.md
 *
 * Options (environment): OUT (default results/unsupervised), DIGITS (default 0,1,…,9), AE_EPOCHS (default 3).
 */
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDataset } from '../src/data/load.ts';
import { trainValTestSplit } from '../src/data/split.ts';
import { ensureEngine } from '../src/engine/backend.ts';
import { pretrain } from '../src/transfer/self-taught/pretrain.ts';
import { clusterData, type SpaceClustering } from '../src/unsupervised/cluster.ts';
import { detectNovelty, type NoveltyConfig } from '../src/unsupervised/novelty.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/util/atomic.ts';

const outDir = process.env.OUT ?? 'results/unsupervised';
const digits = (process.env.DIGITS ?? '0,1,2,3,4,5,6,7,8,9').split(',');
const aeEpochs = Number(process.env.AE_EPOCHS ?? 3);
const work = join('/tmp', `unsupervised-${process.pid}`);
const log = (s: string) => console.error(s);
await ensureEngine();
mkdirSync(outDir, { recursive: true });
const started = Date.now();

// ---- 1. clustering ----------------------------------------------------------
const strip = (c?: SpaceClustering) => (c ? { space: c.space, k: c.k, nmi: c.nmi, ari: c.ari, silhouette: c.silhouette, silhouetteByK: c.silhouetteByK } : undefined);
const given = await clusterData({ base: 'fashion-cnn', data: 'builtin:mnist', k: 10, restarts: 3, seed: 0 });
log(`clustering k=10: fashion-cnn NMI ${given.transferred?.nmi?.toFixed(3)} ARI ${given.transferred?.ari?.toFixed(3)}; raw NMI ${given.raw?.nmi?.toFixed(3)} ARI ${given.raw?.ari?.toFixed(3)}`);
const chosen = await clusterData({ base: 'fashion-cnn', data: 'builtin:mnist', kRange: [2, 15], maxRows: 2000, restarts: 2, silhouetteSample: 1000, seed: 0 });
log(`clustering k chosen: fashion-cnn k=${chosen.transferred?.k} NMI ${chosen.transferred?.nmi?.toFixed(3)}; raw k=${chosen.raw?.k} NMI ${chosen.raw?.nmi?.toFixed(3)}`);
const clustering = {
  data: 'builtin:mnist',
  kGiven: { size: given.size, transferred: strip(given.transferred), raw: strip(given.raw), seconds: given.seconds },
  kChosen: { size: chosen.size, range: [2, 15], transferred: strip(chosen.transferred), raw: strip(chosen.raw), seconds: chosen.seconds },
};
await writeJsonAtomic(join(outDir, 'clustering.json'), clustering);

// ---- 2. clothing vs digits ---------------------------------------------------
const mnist = await loadDataset('builtin:mnist');
const fashion = await loadDataset('builtin:fashion-mnist-test');
const common: Omit<NoveltyConfig, 'method'> = { normal: mnist, holdout: 0.2, maxNormal: 2000, maxTest: 2000, seed: 0 };
const { train: normalTrain } = trainValTestSplit(mnist, { val: 0, test: 0.2, seed: 0 }); // the split detectNovelty makes
const aeDir = join(work, 'mnist-autoencoder');
const pre = await pretrain({ data: { ...normalTrain, labels: new Int32Array(normalTrain.size).fill(-1), classes: [] }, out: aeDir, epochs: aeEpochs, seed: 1, noise: 0.25 });
pre.dispose();
log(`autoencoder pretrained on ${pre.images} training digits, MSE ${pre.epochLosses.map((l) => l.toFixed(4)).join(' → ')}`);
const runs: Array<{ name: string; config: NoveltyConfig }> = [
  { name: 'k-NN (k=5), fashion-cnn features', config: { ...common, base: 'fashion-cnn', novel: fashion, method: 'knn' } },
  { name: 'Mahalanobis (Ledoit–Wolf), fashion-cnn features', config: { ...common, base: 'fashion-cnn', novel: fashion, method: 'mahalanobis' } },
  { name: 'k-NN (k=5), raw pixels', config: { ...common, novel: fashion, method: 'knn' } },
  { name: 'Mahalanobis (Ledoit–Wolf), raw pixels', config: { ...common, novel: fashion, method: 'mahalanobis' } },
  { name: 'autoencoder reconstruction error (self-taught, digits only)', config: { ...common, base: aeDir, novel: fashion, method: 'autoencoder' } },
];
const clothing = [];
for (const { name, config } of runs) {
  const r = await detectNovelty(config);
  log(`clothing vs digits, ${name}: AUROC ${r.auroc?.toFixed(3)} (${r.seconds.toFixed(0)} s)`);
  clothing.push({ name, method: r.method, space: r.space, params: r.params, auroc: r.auroc, normalFitted: r.normalFitted, scored: r.scored, meanScore: r.meanScore });
}

// ---- 3. one digit held out ----------------------------------------------------
const heldOut: Array<{ digit: string; knn?: number; mahalanobis?: number; knnRaw?: number }> = [];
for (const digit of digits) {
  const row: (typeof heldOut)[number] = { digit };
  for (const [key, base, method] of [['knn', 'fashion-cnn', 'knn'], ['mahalanobis', 'fashion-cnn', 'mahalanobis'], ['knnRaw', undefined, 'knn']] as const) {
    const r = await detectNovelty({ ...common, base, novelClasses: [digit], method });
    row[key] = r.auroc;
  }
  log(`digit ${digit} held out: k-NN ${row.knn?.toFixed(3)}, Mahalanobis ${row.mahalanobis?.toFixed(3)}, raw k-NN ${row.knnRaw?.toFixed(3)}`);
  heldOut.push(row);
}
const meanOf = (k: 'knn' | 'mahalanobis' | 'knnRaw') => heldOut.reduce((s, r) => s + (r[k] ?? NaN), 0) / heldOut.length;
const novelty = {
  protocol: 'builtin:mnist split 80/20 (stratified, seed 0); detectors fitted on 2,000 of the 80%; scored: the 20% (2,000 digits, normal) and 2,000 builtin:fashion-mnist-test images (novel); held-out digit: that digit removed from the fitting data, its examples in the 20% are the novel ones',
  clothingVsDigits: clothing,
  digitHeldOut: { rows: heldOut, mean: { knn: meanOf('knn'), mahalanobis: meanOf('mahalanobis'), knnRaw: meanOf('knnRaw') } },
  autoencoder: { images: pre.images, epochs: aeEpochs, reconstructionMse: pre.epochLosses },
  seconds: (Date.now() - started) / 1000,
  createdAt: new Date().toISOString(),
};
await writeJsonAtomic(join(outDir, 'novelty.json'), novelty);

const f = (x?: number) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(3));
const md = [
  '**Clustering MNIST digits (k-means, labels used only to score)**',
  '',
  '| features | k | NMI | ARI | silhouette |',
  '|---|---|---|---|---|',
  ...[given.transferred, given.raw].map((c) => `| ${c!.space} | 10 (given) | ${f(c!.nmi)} | ${f(c!.ari)} | ${f(c!.silhouette)} |`),
  ...[chosen.transferred, chosen.raw].map((c) => `| ${c!.space} | ${c!.k} (silhouette over 2..15, 2,000 digits) | ${f(c!.nmi)} | ${f(c!.ari)} | ${f(c!.silhouette)} |`),
  '',
  '**Novelty: digits normal, clothing novel (AUROC)**',
  '',
  '| detector | AUROC |',
  '|---|---|',
  ...clothing.map((c) => `| ${c.name} | ${f(c.auroc)} |`),
  '',
  `**Novelty: one digit held out (AUROC, mean over digits ${digits.join(', ')})**: k-NN on fashion-cnn features ${f(meanOf('knn'))}, Mahalanobis on fashion-cnn features ${f(meanOf('mahalanobis'))}, k-NN on raw pixels ${f(meanOf('knnRaw'))}.`,
  '',
  '| held-out digit | ' + heldOut.map((r) => r.digit).join(' | ') + ' |',
  '|---|' + heldOut.map(() => '---').join('|') + '|',
  '| k-NN, fashion-cnn | ' + heldOut.map((r) => f(r.knn)).join(' | ') + ' |',
  '| Mahalanobis, fashion-cnn | ' + heldOut.map((r) => f(r.mahalanobis)).join(' | ') + ' |',
  '| k-NN, raw pixels | ' + heldOut.map((r) => f(r.knnRaw)).join(' | ') + ' |',
  '',
].join('\n');
await writeFileAtomic(join(outDir, 'unsupervised.md'), md);
console.log(md);
await rm(work, { recursive: true, force: true });
