/**
 * Measures self-taught learning on MNIST: an autoencoder pretrained on *unlabelled* MNIST images
 * (labels ignored), its encoder reused with 1, 10 and 100 labels per class, against the same
 * architecture trained from scratch and against the supervised source (fashion-cnn fine-tuned).
 *
 * Protocol: a stratified 20% of builtin:mnist (2,000 digits) is held out as the test set and is
 * never seen by pretraining or training; the autoencoder is pretrained on the other 8,000 images
 * once (seed 1; pretraining is the costly part on a 2-core CPU); the labelled examples are drawn from those 8,000 with the same seed for every
 * method (paired by seed). Scratch is the encoder's architecture with the same new head, randomly
 * initialised (`fit --base <encoder> --strategy scratch`).
 *
 * `self-taught-linear` (Raina et al. 2007; Coates & Ng 2011) reuses the same pretrained
 * autoencoder through its pooled features (`encoderFeatures: 'pooled'`: the quadrant max and mean
 * of both encoder ReLU maps, 384 numbers) with a linear softmax head fitted by L-BFGS, its L2
 * strength chosen by cross-validation on the labelled examples (`fit --strategy extract
 * --head-solver lbfgs`); nothing in the encoder is trained with labels. `random-linear` is its
 * control: the same pooled architecture and linear head on the encoder's *initial* random weights
 * (no pretraining), which says how much of the gain the unlabelled data brings.
 *
 *   node --import tsx scripts/self-taught-table.ts            # writes results/self-taught/self-taught.{json,md}
 *   SEEDS=5 SIZES=10 METHODS=self-taught-linear,random-linear,self-taught-finetune,scratch OUT=results/self-taught/linear \
 *     node --import tsx scripts/self-taught-table.ts          # results/self-taught/linear: the linear head and its control
 *
 * `rotation-*` reuse the same encoder (same initial weights) pretrained instead by rotation
 * prediction (`pretrain --objective rotation`, ROT_EPOCHS epochs, default 3) on the same 8,000 images.
 *
 *   SEEDS=5 SIZES=1,10 METHODS=rotation-linear,rotation-finetune,self-taught-linear,random-linear,scratch OUT=results/self-taught/rotation \
 *     node --import tsx scripts/self-taught-table.ts          # results/self-taught/rotation
 *
 * Options (environment): SEEDS (default 3), SIZES (default 1,10,100), AE_EPOCHS (default 4), NOISE
 * (share of pixels masked, default 0.25), CODE (units of a dense bottleneck code, `codeUnits`;
 * default 0: the 7×7×32 feature map is the code), METHODS (comma-separated subset of the six
 * methods), FT_UNFREEZE (top base layers the finetune phase unfreezes; default fit's 2),
 * OUT (default results/self-taught).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { transferVerdict } from '../src/choose/verdict.ts';
import { loadDataset } from '../src/data/load.ts';
import { samplePerClass, trainValTestSplit } from '../src/data/split.ts';
import { ensureEngine, trainingEngine } from '../src/engine/backend.ts';
import { evaluateModel } from '../src/models/evaluate.ts';
import { disposeWeightsNotIn } from '../src/models/dispose.ts';
import { saveModel } from '../src/models/io.ts';
import { pairedDifference } from '../src/measures/stats.ts';
import { seedMathRandom } from '../src/util/random.ts';
import { buildAutoencoder, encoderAsBase } from '../src/transfer/self-taught/autoencoder.ts';
import { fit, type FitConfig } from '../src/transfer/fit.ts';
import { pretrain } from '../src/transfer/self-taught/pretrain.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/util/atomic.ts';

const seeds = Array.from({ length: Number(process.env.SEEDS ?? 3) }, (_, i) => i + 1);
const sizes = (process.env.SIZES ?? '1,10,100').split(',').map(Number);
const aeEpochs = Number(process.env.AE_EPOCHS ?? 4);
const noise = Number(process.env.NOISE ?? 0.25);
const codeUnits = Number(process.env.CODE ?? 0);
const ftUnfreeze = process.env.FT_UNFREEZE === undefined ? undefined : Number(process.env.FT_UNFREEZE);
const methods = (process.env.METHODS?.split(',') ?? null) as Method[] | null;
const outDir = process.env.OUT ?? 'results/self-taught';
const work = join('/tmp', `self-taught-${process.pid}`);

type Method = 'self-taught-extract' | 'self-taught-finetune' | 'self-taught-linear' | 'rotation-finetune' | 'rotation-linear' | 'random-linear' | 'scratch' | 'fashion-cnn-finetune';
const ALL_METHODS: Method[] = ['self-taught-extract', 'self-taught-finetune', 'self-taught-linear', 'rotation-finetune', 'rotation-linear', 'random-linear', 'scratch', 'fashion-cnn-finetune'];
const METHODS: Method[] = methods ?? ALL_METHODS;
const unknownMethod = METHODS.find((m) => !ALL_METHODS.includes(m));
if (unknownMethod !== undefined) throw new Error(`METHODS: unknown method "${unknownMethod}"; use some of ${ALL_METHODS.join(', ')}`);

await ensureEngine();
mkdirSync(outDir, { recursive: true });
const mnist = await loadDataset('builtin:mnist');
const { train: pool, test } = trainValTestSplit(mnist, { val: 0, test: 0.2, seed: 0 });
const started = Date.now();
const acc: Record<Method, Record<number, number[]>> = Object.fromEntries(METHODS.map((m) => [m, Object.fromEntries(sizes.map((s) => [s, [] as number[]]))])) as never;
const pretraining: Array<{ seed: number; images: number; epochLosses: number[]; seconds: number; objective?: string; accuracy?: number[] }> = [];

// one pretraining (seed 1), shared by every seed: the labelled samples and the heads vary by seed
const encDir = join(work, 'encoder');
const pooledDir = join(work, 'encoder-pooled');
const randomDir = join(work, 'random-pooled');
const rotationDir = join(work, 'rotation');
const rotationPooledDir = join(work, 'rotation-pooled');
const rotEpochs = Number(process.env.ROT_EPOCHS ?? 3);
{
  // labels ignored: the autoencoder sees pixels only
  const unlabelled = { ...pool, labels: new Int32Array(pool.size).fill(-1), classes: [] };
  const pre = await pretrain({ data: unlabelled, out: encDir, epochs: aeEpochs, seed: 1, noise, codeUnits }, { onEpoch: (e, l) => console.error(`  autoencoder epoch ${e}: MSE ${l.toFixed(4)}`) });
  // the same autoencoder's pooled features, as `pretrain --encoder-features pooled` saves them
  const pooled = encoderAsBase(pre.network, { features: 'pooled' });
  await saveModel(pooled, pooledDir, { classes: [], features: pre.features, name: 'self-taught-encoder', source: { strategy: 'self-taught' }, selfTaught: { encoderFeatures: 'pooled' } });
  disposeWeightsNotIn([pooled], [pre.network]);
  pre.dispose();
  // the control: the autoencoder pretrain builds (same seed), before any training
  const restore = seedMathRandom(1);
  const untrained = buildAutoencoder([28, 28, 1], { seed: 1, codeUnits });
  restore();
  const randomBase = encoderAsBase(untrained.model, { features: 'pooled' });
  await saveModel(randomBase, randomDir, { classes: [], features: pre.features, name: 'random-encoder', source: { strategy: 'random weights' } });
  disposeWeightsNotIn([randomBase, untrained.model], []);
  pretraining.push({ seed: 1, images: pre.images, epochLosses: pre.epochLosses, seconds: pre.seconds });
  console.error(`pretrained on ${pre.images} images in ${pre.seconds.toFixed(0)} s, MSE ${pre.epochLosses.map((l) => l.toFixed(4)).join(' → ')}`);
}
// the same encoder pretrained by rotation prediction instead (seed 1, same initial weights as the autoencoder's encoder)
if (METHODS.some((m) => m.startsWith('rotation'))) {
  const unlabelled = { ...pool, labels: new Int32Array(pool.size).fill(-1), classes: [] };
  const pre = await pretrain({ data: unlabelled, out: rotationDir, objective: 'rotation', epochs: rotEpochs, seed: 1, codeUnits }, { onEpoch: (e, l) => console.error(`  rotation epoch ${e}: cross-entropy ${l.toFixed(4)}`) });
  const pooled = encoderAsBase(pre.network, { features: 'pooled' });
  await saveModel(pooled, rotationPooledDir, { classes: [], features: pre.features, name: 'rotation-encoder', source: { strategy: 'self-taught' }, selfTaught: { objective: 'rotation', encoderFeatures: 'pooled' } });
  disposeWeightsNotIn([pooled], [pre.network]);
  pre.dispose();
  pretraining.push({ seed: 1, images: pre.images, epochLosses: pre.epochLosses, seconds: pre.seconds, objective: 'rotation', accuracy: pre.rotationAccuracy });
  console.error(`rotation-pretrained on ${pre.images} images (×4 turns) in ${pre.seconds.toFixed(0)} s, turns told right ${pre.rotationAccuracy!.map((a) => a.toFixed(3)).join(' → ')}`);
}
for (const seed of seeds) {
  for (const perClass of sizes) {
    const train = samplePerClass(pool, perClass, seed).sample;
    const configs: Record<Method, FitConfig> = {
      'self-taught-extract': { base: encDir, strategy: 'extract', train, seed },
      'self-taught-finetune': { base: encDir, strategy: 'finetune', train, seed, unfreeze: ftUnfreeze },
      'self-taught-linear': { base: pooledDir, strategy: 'extract', headSolver: 'lbfgs', train, seed },
      'rotation-finetune': { base: rotationDir, strategy: 'finetune', train, seed, unfreeze: ftUnfreeze },
      'rotation-linear': { base: rotationPooledDir, strategy: 'extract', headSolver: 'lbfgs', train, seed },
      'random-linear': { base: randomDir, strategy: 'extract', headSolver: 'lbfgs', train, seed },
      scratch: { base: encDir, strategy: 'scratch', train, seed },
      'fashion-cnn-finetune': { base: 'fashion-cnn', strategy: 'finetune', train, seed },
    };
    for (const method of METHODS) {
      const t = Date.now();
      const res = await fit(configs[method]);
      const m = await evaluateModel({ model: res.model, data: test });
      res.model.dispose();
      acc[method][perClass].push(m.accuracy);
      console.error(`  ${perClass}/class ${method}: ${m.accuracy.toFixed(3)} (${((Date.now() - t) / 1000).toFixed(0)} s)`);
    }
  }
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const std = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / Math.max(1, v.length - 1));
const verdictAt = sizes.includes(10) ? 10 : sizes[Math.floor(sizes.length / 2)];
const verdicts = Object.fromEntries(
  (['self-taught-finetune', 'self-taught-extract', 'self-taught-linear', 'rotation-finetune', 'rotation-linear', 'random-linear', 'fashion-cnn-finetune'] as const)
    .filter((m) => METHODS.includes(m) && METHODS.includes('scratch'))
    .map((m) => [m, transferVerdict(acc[m][verdictAt], acc.scratch[verdictAt], { strategy: m.replace(/-(?=[a-z]+$)/, ' ') })]),
);
// what the unlabelled data itself brings: pretrained against random weights, same pooled features and head
const points = (v: number[]) => v.map((x) => 100 * x);
const pretrainingGain = METHODS.includes('self-taught-linear') && METHODS.includes('random-linear') ? pairedDifference(points(acc['self-taught-linear'][verdictAt]), points(acc['random-linear'][verdictAt])) : undefined;
const rotationGain = METHODS.includes('rotation-linear') && METHODS.includes('random-linear') ? pairedDifference(points(acc['rotation-linear'][verdictAt]), points(acc['random-linear'][verdictAt])) : undefined;
const result = {
  protocol: `builtin:mnist: ${test.size} held-out test digits; autoencoder (denoising, masking noise ${noise}, ${aeEpochs} epochs, code ${codeUnits > 0 ? `a dense ${codeUnits}-unit bottleneck` : 'the 7×7×32 feature map'}) pretrained once (seed 1) on the other ${pool.size} images with labels ignored; labelled examples drawn per class from those ${pool.size}; scratch = the encoder architecture re-initialised with the same head`,
  codeUnits,
  finetuneUnfreeze: ftUnfreeze ?? 'default (2)',
  engine: trainingEngine().engine,
  seeds,
  sizes,
  pretraining,
  accuracy: acc,
  summary: Object.fromEntries(METHODS.map((m) => [m, Object.fromEntries(sizes.map((s) => [s, { mean: mean(acc[m][s]), std: std(acc[m][s]) }]))])),
  verdictAt,
  verdicts,
  pretrainingGain,
  rotationGain,
  seconds: (Date.now() - started) / 1000,
  createdAt: new Date().toISOString(),
};
await writeJsonAtomic(join(outDir, 'self-taught.json'), result);

const label: Record<Method, string> = {
  'self-taught-extract': 'self-taught encoder, extract',
  'self-taught-finetune': 'self-taught encoder, finetune',
  'self-taught-linear': 'self-taught encoder, pooled features + linear head (L2 by CV)',
  'rotation-finetune': 'rotation-pretrained encoder, finetune',
  'rotation-linear': 'rotation-pretrained encoder, pooled features + linear head (L2 by CV)',
  'random-linear': 'random-weight encoder (no pretraining), pooled features + linear head (L2 by CV)',
  scratch: 'scratch (same architecture)',
  'fashion-cnn-finetune': 'fashion-cnn (supervised source), finetune',
};
const md = [
  `| method | ${sizes.map((s) => `${s}/class`).join(' | ')} |`,
  `|---|${sizes.map(() => '---').join('|')}|`,
  ...METHODS.map((m) => `| ${label[m]} | ${sizes.map((s) => `${mean(acc[m][s]).toFixed(3)} ± ${std(acc[m][s]).toFixed(3)}`).join(' | ')} |`),
  '',
  `Accuracy on ${test.size} held-out MNIST test digits, mean ± std over ${seeds.length} seeds. Paired verdicts at ${verdictAt} labels per class:`,
  '',
  ...Object.values(verdicts).map((v) => `- ${v.text}`),
  ...(pretrainingGain
    ? [`- pretraining itself (self-taught linear − random-weight linear, same pooled features and head): ${pretrainingGain.mean >= 0 ? '+' : ''}${pretrainingGain.mean.toFixed(1)} ± ${pretrainingGain.halfWidth.toFixed(1)} points (95% CI over ${pretrainingGain.n} seeds, paired ${pretrainingGain.method}, p = ${pretrainingGain.pValue.toFixed(3)})`]
    : []),
  ...(rotationGain
    ? [`- rotation pretraining itself (rotation linear − random-weight linear, same pooled features and head): ${rotationGain.mean >= 0 ? '+' : ''}${rotationGain.mean.toFixed(1)} ± ${rotationGain.halfWidth.toFixed(1)} points (95% CI over ${rotationGain.n} seeds, paired ${rotationGain.method}, p = ${rotationGain.pValue.toFixed(3)})`]
    : []),
  '',
].join('\n');
await writeFileAtomic(join(outDir, 'self-taught.md'), md);
console.log(md);
await rm(work, { recursive: true, force: true });
