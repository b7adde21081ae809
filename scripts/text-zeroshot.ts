/**
 * Zero-shot by label meaning, measured (issue 18 part 3). Writes results/text/zeroshot.json and
 * results/text/zeroshot.md.
 *
 * Texts: builtin:wordnet-topics (1,200 WordNet glosses, 8 topics named by words). No labelled
 * example is used: each gloss goes to the class whose name (or WordNet's own description of the
 * topic, or both) is nearest by cosine of pooled word vectors. Vectors: glove-100d, and
 * self-supervised PPMI-SVD vectors learned here from the Austen novels (builtin:austen), alone
 * and with the 1,200 glosses themselves as unlabelled text (their labels unused).
 *
 * Images: Fashion-MNIST, DeViSE-style — a ridge map from fashion-cnn's penultimate features to
 * the glove-100d vectors of the class names, trained on the seen classes; unseen classes are
 * recognised by the cosine to their names' vectors. Same splits, same training subsample
 * (`--per-class` images per class, seed 0) and same test images as results/zeroshot (attribute
 * zero-shot; its splits and settings are read from its JSON). Also ESZSL with the name vectors as
 * class signatures (default ridges, and tuned by class-wise hold-out on the seen classes), and —
 * on the same features, for a like-for-like comparison — attribute ESZSL and DAP with
 * datasets/fashion-attributes/attributes.csv. With `--strict`, the seen-classes-only CNN of
 * scripts/zeroshot-table.ts is retrained per split (same settings and seeds; training is not
 * bit-for-bit repeatable, so these CNNs differ a little from results/zeroshot's) as a second base.
 *
 * Run: nice node --import tsx scripts/text-zeroshot.ts [--per-class 1000] [--strict]
 */
import { mkdir, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { subset, type Dataset } from '../src/data/dataset.ts';
import { loadDataset, relabel } from '../src/data/load.ts';
import { ensureEngine } from '../src/engine/backend.ts';
import type { Matrix } from '../src/measures/linalg.ts';
import { meanStd } from '../src/measures/stats.ts';
import { disposeModelWeights } from '../src/models/dispose.ts';
import { loadModelRef } from '../src/models/load.ts';
import type { Pooling } from '../src/models/text/document-vectors.ts';
import { loadWordVectors, type WordVectors } from '../src/models/text/word-vectors.ts';
import { fit } from '../src/transfer/fit.ts';
import { pretrainWordVectors } from '../src/transfer/text-pretrain/pretrain-text.ts';
import { readAttributeTable, type AttributeTable } from '../src/transfer/zero-shot/attributes.ts';
import { classVectorTable, readClassDescriptions } from '../src/transfer/zero-shot/class-vectors.ts';
import { evaluateZeroShot, type ZeroShotEvalOptions, type ZeroShotResult } from '../src/transfer/zero-shot/evaluate.ts';
import { imageFeatures, penultimate, perClassIndices } from '../src/transfer/zero-shot/features.ts';
import { textZeroShot } from '../src/transfer/zero-shot/text-zero-shot.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/util/atomic.ts';
import type * as tf from '@tensorflow/tfjs';

const { values: args } = parseArgs({
  options: {
    'per-class': { type: 'string', default: '1000' },
    strict: { type: 'boolean', default: false },
    out: { type: 'string', default: 'results/text' },
  },
});
const PER_CLASS = Number(args['per-class']);
const t0 = Date.now();
const log = (s: string) => console.error(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${s}`);
const f3 = (x: number) => x.toFixed(3);

// ---------------------------------------------------------------- texts
const glove = await loadWordVectors('glove-100d');
const austen = await loadDataset('builtin:austen');
if (austen.features.kind !== 'text') throw new Error('austen is text');
const selfsup = pretrainWordVectors(austen.features.texts, { name: 'ppmi-svd-100d:austen' });
log(`self-supervised Austen vectors: ${selfsup.stats.vocabulary} words, ${selfsup.stats.seconds.toFixed(1)} s`);
const topics = await loadDataset('builtin:wordnet-topics');
if (topics.features.kind !== 'text') throw new Error('wordnet-topics is text');
const selfsupGlosses = pretrainWordVectors([...austen.features.texts, ...topics.features.texts], { name: 'ppmi-svd-100d:austen+glosses' });
log(`self-supervised Austen + glosses vectors: ${selfsupGlosses.stats.vocabulary} words, ${selfsupGlosses.stats.seconds.toFixed(1)} s`);
const descriptions = await readClassDescriptions('datasets/wordnet-topics/classes.csv');

interface TextRow { vectors: string; describeBy: 'name' | 'description' | 'both'; pooling: Pooling; error?: string; top1: number; top3: number; chance1: number; chance3: number; coverage: number; empty: number; perClass: Record<string, number> }
const textRows: TextRow[] = [];
const vectorSets: Array<[string, WordVectors]> = [
  ['glove-100d', glove],
  ['self-supervised (Austen, PPMI-SVD 100-d)', selfsup.vectors],
  ['self-supervised (Austen + unlabelled glosses, PPMI-SVD 100-d)', selfsupGlosses.vectors],
];
for (const [name, wv] of vectorSets) {
  for (const describeBy of ['name', 'description', 'both'] as const) {
    for (const pooling of ['mean', 'sif'] as const) {
      try {
        const r = textZeroShot(wv, topics.features.texts, topics.labels, { classes: topics.classes, descriptions, use: describeBy, pooling, top: 3 });
        textRows.push({ vectors: name, describeBy, pooling, top1: r.top1!.accuracy, top3: r.topK!.accuracy, chance1: r.top1!.chance, chance3: r.topK!.chance, coverage: r.coverage, empty: r.emptyDocuments, perClass: Object.fromEntries(r.perClass!.map((p) => [p.class, p.accuracy])) });
        log(`${name} ${describeBy} ${pooling}: top-1 ${f3(r.top1!.accuracy)}, top-3 ${f3(r.topK!.accuracy)}`);
      } catch (err) {
        log(`${name} ${describeBy} ${pooling}: ${(err as Error).message}`);
        textRows.push({ vectors: name, describeBy, pooling, error: (err as Error).message, top1: NaN, top3: NaN, chance1: 1 / 8, chance3: 3 / 8, coverage: NaN, empty: NaN, perClass: { error: NaN } });
      }
    }
  }
}

// ---------------------------------------------------------------- images
await ensureEngine();
const attr = JSON.parse(await readFile('results/zeroshot/zeroshot.json', 'utf8')) as {
  config: { perClass: number; seed: number; cnnPerClass: number; epochs: number };
  splits: string[][];
  rows: Array<{ split: string[]; base: string; method: string; result: ZeroShotResult }>;
};
if (attr.config.perClass !== PER_CLASS) log(`note: results/zeroshot used ${attr.config.perClass} images per class, this run ${PER_CLASS}`);
const SEED = attr.config.seed;
const splits = attr.splits;
const train = await loadDataset('builtin:fashion-mnist');
const test = await loadDataset('builtin:fashion-mnist-test');
const classes = train.classes;
const spec = { kind: 'image' as const, height: 28, width: 28, channels: 1 };
const trainAll = subset(train, perClassIndices(train, classes.map((_, i) => i), PER_CLASS, SEED));
const nameTable = classVectorTable(glove, classes);
const attributeTable = await readAttributeTable('datasets/fashion-attributes/attributes.csv');

async function features(model: tf.LayersModel): Promise<{ Xtrain: Matrix; Xtest: Matrix }> {
  const { trunk } = penultimate(model);
  return { Xtrain: await imageFeatures(trunk, spec, trainAll), Xtest: await imageFeatures(trunk, spec, test) };
}

const METHODS: Array<{ name: string; table: AttributeTable; opts: Partial<ZeroShotEvalOptions> }> = [
  { name: 'devise', table: nameTable, opts: { method: 'devise' } },
  { name: 'eszsl', table: nameTable, opts: { method: 'eszsl' } },
  { name: 'eszsl-tuned', table: nameTable, opts: { method: 'eszsl', tune: true } },
  { name: 'attributes-eszsl', table: attributeTable, opts: { method: 'eszsl' } },
  { name: 'attributes-dap', table: attributeTable, opts: { method: 'dap' } },
];
interface ImageRow { split: string[]; base: string; method: string; zsl: number; perClass: number[]; seen: number; unseen: number; harmonic: number; gamma: number; plainHarmonic: number; ausuc: number; details: Record<string, number | string> }
const imageRows: ImageRow[] = [];
function evaluateAll(base: string, f: { Xtrain: Matrix; Xtest: Matrix }, unseen: string[]): void {
  for (const m of METHODS) {
    const r = evaluateZeroShot({ classes, table: m.table, train: { X: f.Xtrain, y: trainAll.labels }, test: { X: f.Xtest, y: test.labels } }, { unseen, generalised: true, seed: SEED, ...m.opts });
    imageRows.push({ split: unseen, base, method: m.name, zsl: r.zsl.accuracy, perClass: r.zsl.perClass.map((p) => p.accuracy), seen: r.gzsl!.seen, unseen: r.gzsl!.unseen, harmonic: r.gzsl!.harmonic, gamma: r.gzsl!.gamma, plainHarmonic: r.gzsl!.uncalibrated.harmonic, ausuc: r.gzsl!.ausuc, details: r.details });
    log(`${base} ${m.name} unseen ${unseen.join('/')}: ZSL ${f3(r.zsl.accuracy)}, GZSL s ${f3(r.gzsl!.seen)} u ${f3(r.gzsl!.unseen)} H ${f3(r.gzsl!.harmonic)} (γ ${f3(r.gzsl!.gamma)}, uncalibrated H ${f3(r.gzsl!.uncalibrated.harmonic)}), AUSUC ${f3(r.gzsl!.ausuc)}`);
  }
}
const zoo = await loadModelRef('fashion-cnn');
const zooFeatures = await features(zoo.model);
disposeModelWeights(zoo.model);
for (const unseen of splits) evaluateAll('fashion-cnn', zooFeatures, unseen);

if (args.strict) {
  for (const [s, unseen] of splits.entries()) {
    const seen = classes.filter((c) => !unseen.includes(c));
    const part = subset(train, perClassIndices(train, seen.map((c) => classes.indexOf(c)), attr.config.cnnPerClass, SEED + 100 + s));
    const seenSet: Dataset = relabel(part, seen);
    const res = await fit({ strategy: 'scratch', arch: 'cnn', train: seenSet, epochs: attr.config.epochs, seed: SEED + s });
    log(`cnn-seen-only for ${unseen.join('/')}: val accuracy ${res.val?.accuracy.toFixed(3)}`);
    const f = await features(res.model.model);
    res.model.dispose();
    evaluateAll('cnn-seen-only', f, unseen);
  }
}

const bases = args.strict ? ['fashion-cnn', 'cnn-seen-only'] : ['fashion-cnn'];
const summary = bases.flatMap((base) =>
  METHODS.map((m) => m.name).map((method) => {
    const r = imageRows.filter((x) => x.base === base && x.method === method);
    const main = r.find((x) => x.split.join('/') === splits[0].join('/'))!;
    const ms = (f: (x: ImageRow) => number) => meanStd(r.map(f));
    return { base, method, classDescription: method.startsWith('attributes') ? `attribute table (${attributeTable.attributes.length} attributes)` : 'glove-100d vectors of the class names', main: { zsl: main.zsl, seen: main.seen, unseen: main.unseen, harmonic: main.harmonic, plainHarmonic: main.plainHarmonic, ausuc: main.ausuc }, splits: r.length, zsl: ms((x) => x.zsl), seen: ms((x) => x.seen), unseen: ms((x) => x.unseen), harmonic: ms((x) => x.harmonic), plainHarmonic: ms((x) => x.plainHarmonic), ausuc: ms((x) => x.ausuc) };
  }),
);

await mkdir(args.out!, { recursive: true });
await writeJsonAtomic(`${args.out}/zeroshot.json`, {
  config: { perClass: PER_CLASS, seed: SEED, splits, strict: args.strict, textData: 'builtin:wordnet-topics', descriptions: 'datasets/wordnet-topics/classes.csv', selfsupVectors: { austen: selfsup.stats, 'austen+glosses': selfsupGlosses.stats } },
  text: textRows,
  images: { summary, rows: imageRows },
  seconds: (Date.now() - t0) / 1000,
});

const ms = (m: { mean: number; std: number }) => `${f3(m.mean)} ± ${f3(m.std)}`;
const md = [
  '## Zero-shot text classification by label meaning (builtin:wordnet-topics)',
  '',
  '1,200 WordNet noun glosses, 8 topics (animal, artifact, body, feeling, food, location, person, plant; 150 each). No labelled example: each gloss goes to the class whose words are nearest by cosine of pooled word vectors. Chance: top-1 0.125, top-3 0.375.',
  '',
  '| word vectors | class described by | pooling | top-1 | top-3 | token coverage |',
  '|---|---|---|---|---|---|',
  ...textRows.map((r) => `| ${r.vectors} | ${r.describeBy === 'both' ? 'name + description' : r.describeBy} | ${r.pooling} | ${r.error ? `— (${r.error.replace(/ \(.*?\) is in/, ' is in').replace(/, so.*$/, '')})` : f3(r.top1)} | ${r.error ? '—' : f3(r.top3)} | ${r.error ? '—' : `${(r.coverage * 100).toFixed(0)}%`} |`),
  '',
  `Per class (glove-100d, name, sif): ${Object.entries(textRows.find((r) => r.vectors === 'glove-100d' && r.describeBy === 'name' && r.pooling === 'sif')!.perClass).map(([c, a]) => `${c} ${a.toFixed(2)}`).join(', ')}.`,
  '',
  '## Zero-shot Fashion-MNIST by class names (DeViSE-style)',
  '',
  `Ridge map from fashion-cnn's 128 penultimate features to the glove-100d vectors of the class names (multi-word names averaged), trained on ${PER_CLASS} images per seen class; unseen classes recognised by the cosine to their names' vectors. Same ${splits.length} splits and images as results/zeroshot; the attribute rows (datasets/fashion-attributes/attributes.csv) are measured here on the same features. fashion-cnn saw all ten classes in training, so its rows are an upper bound, not strict zero-shot${args.strict ? '; cnn-seen-only rows use a CNN trained on the seen classes only' : ''}. ZSL: top-1 among the 3 unseen classes (chance 0.333); GZSL: among all 10, s / u / H with calibrated stacking (γ chosen by class-wise hold-out on the seen classes); H₀: the plain argmax; AUSUC: area under the seen–unseen curve over every γ.`,
  '',
  `### Main split: unseen ${splits[0].join(', ')}`,
  '',
  '| base | classes described by | method | ZSL top-1 | GZSL s | GZSL u | GZSL H | H₀ | AUSUC |',
  '|---|---|---|---|---|---|---|---|---|',
  ...summary.map((s) => `| ${s.base} | ${s.classDescription} | ${s.method.replace('attributes-', '')} | ${f3(s.main.zsl)} | ${f3(s.main.seen)} | ${f3(s.main.unseen)} | ${f3(s.main.harmonic)} | ${f3(s.main.plainHarmonic)} | ${f3(s.main.ausuc)} |`),
  '',
  `### Over ${splits.length} splits, mean ± sd`,
  '',
  '| base | classes described by | method | ZSL top-1 | GZSL s | GZSL u | GZSL H | H₀ | AUSUC |',
  '|---|---|---|---|---|---|---|---|---|',
  ...summary.map((s) => `| ${s.base} | ${s.classDescription} | ${s.method.replace('attributes-', '')} | ${ms(s.zsl)} | ${ms(s.seen)} | ${ms(s.unseen)} | ${ms(s.harmonic)} | ${ms(s.plainHarmonic)} | ${ms(s.ausuc)} |`),
  '',
  '### Every split',
  '',
  '| unseen | base | method | ZSL top-1 (per class) | GZSL H | γ | H₀ | AUSUC |',
  '|---|---|---|---|---|---|---|---|',
  ...imageRows.map((r) => `| ${r.split.join(', ')} | ${r.base} | ${r.method} | ${f3(r.zsl)} (${r.perClass.map((p) => p.toFixed(2)).join(' / ')}) | ${f3(r.harmonic)} | ${f3(r.gamma)} | ${f3(r.plainHarmonic)} | ${f3(r.ausuc)} |`),
  '',
].join('\n');
await writeFileAtomic(`${args.out}/zeroshot.md`, md);
console.log(md);
log('done');
