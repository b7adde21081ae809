/**
 * Bias carried over from the source (issue 15): a controlled experiment where the source data
 * has a known spurious correlation with a group, and the audit must catch the disparity that
 * transfer carries into the target while training from scratch does not have it.
 *
 *   node --import tsx scripts/inherited-bias.ts [--seeds 1,2,3] [--per-class 50]   # about 2 minutes a seed
 *   node --import tsx scripts/inherited-bias.ts --from results/audit/inherited-bias.json   # the table only
 *
 * The task: is an MNIST digit high (5–9) or low (0–4)? The group: whether the image carries a
 * small bright "watermark" (a 4×4 patch in the top-left corner), say, which scanner made it.
 * - Source (6,000 digits): the watermark marks 95% of the high digits and 5% of the low ones —
 *   a shortcut the source model learns.
 * - Target (the task a user transfers to): the watermark is independent of the digit (half the
 *   images of each class carry it); a few labelled images per class, and 2,000 test images.
 *
 * For each seed it trains the source model (a CNN from scratch), then on the target: the source
 * model as it is (source-only), `extract` and `finetune` from it, and `scratch` (a CNN on the
 * target's labels alone); audits each on the target test set with the watermark as the
 * sensitive attribute; and compares each transferred model's disparity with scratch's by a
 * paired bootstrap. Writes `results/audit/inherited-bias.json`, prints a table and puts it in
 * README between the `<!-- inherited-bias -->` markers.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Dataset, type ImageFeatures } from '../src/data/dataset.ts';
import { loadDataset } from '../src/data/load.ts';
import { initEngine } from '../src/engine/backend.ts';
import { loadModel } from '../src/models/io.ts';
import { predictProbs } from '../src/models/predict-probs.ts';
import { fit, type FitConfig } from '../src/transfer/fit.ts';
import { compareDisparities, type DisparityComparison } from '../src/audit/compare-disparities.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/util/atomic.ts';
import { createRng } from '../src/util/random.ts';

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    'per-class': { type: 'string', default: '50' },
    out: { type: 'string', default: 'results/audit/inherited-bias.json' },
    /** Skip training: make the table from a JSON an earlier run wrote. */
    from: { type: 'string' },
    'no-readme': { type: 'boolean', default: false },
  },
});
const seeds = args.seeds!.split(',').map(Number);
const perClass = Number(args['per-class']);
await initEngine();

const CLASSES = ['low', 'high'];
const SOURCE_SIZE = 6000;
const TEST_SIZE = 2000;
/** Share of the target's labelled images that carry the watermark (the new scanner is rare there). */
const TARGET_MARKED = process.env.TARGET_MARKED === undefined ? undefined : Number(process.env.TARGET_MARKED);
/** P(watermark | class) in the source: the shortcut. */
const SOURCE_MARK = { low: 0.05, high: 0.95 };

/** Stamps the watermark: a 4×4 patch of value 1 at rows/columns 1–4. */
function stamp(img: Float32Array): void {
  for (let y = 1; y <= 4; y++) for (let x = 1; x <= 4; x++) img[y * 28 + x] = 1;
}

/** The high/low class of MNIST example `i`. */
const highLow = (mnist: Dataset, i: number) => (Number(mnist.classes[mnist.labels[i]]) >= 5 ? 1 : 0);

/**
 * MNIST digits `indices` as the high/low task, watermarked with probability `pMark(class)`, or
 * (`pMark` omitted) every other image of each class, so the watermark is exactly independent of
 * the class; returns the data and each image's group.
 */
function build(mnist: Dataset, indices: number[], name: string, seed: string, pMark?: (cls: number) => number): { data: Dataset; marked: boolean[] } {
  const rng = createRng(seed);
  const src = mnist.features as ImageFeatures;
  const pixels = new Float32Array(indices.length * 784);
  const labels = new Int32Array(indices.length);
  const marked: boolean[] = [];
  const seen = [0, 0];
  indices.forEach((i, j) => {
    const img = src.pixels.slice(i * 784, (i + 1) * 784);
    labels[j] = highLow(mnist, i);
    const m = pMark ? rng.next() < pMark(labels[j]) : seen[labels[j]]++ % 2 === 0;
    if (m) stamp(img);
    marked.push(m);
    pixels.set(img, j * 784);
  });
  return { data: { name, size: indices.length, classes: CLASSES, labels, features: { ...src, pixels } }, marked };
}

type SeedResult = { seed: number; accuracy: Record<string, number>; comparison: DisparityComparison };
const results: SeedResult[] = args.from ? (JSON.parse(await readFile(args.from, 'utf8')) as { results: SeedResult[] }).results : await run();

async function run(): Promise<SeedResult[]> {
  const results: SeedResult[] = [];
  const mnist = await loadDataset('builtin:mnist');
  const tmp = await mkdtemp(join(tmpdir(), 'tk-inherited-bias-'));
  try {
    for (const seed of seeds) {
      const order = createRng(`order:${seed}`).shuffle(Array.from({ length: mnist.size }, (_, i) => i));
      const source = build(mnist, order.slice(0, SOURCE_SIZE), 'watermarked source', `source:${seed}`, (c) => (c === 1 ? SOURCE_MARK.high : SOURCE_MARK.low));
      const rest = order.slice(SOURCE_SIZE);
      const picked = [0, 1].flatMap((c) => rest.filter((i) => highLow(mnist, i) === c).slice(0, perClass));
      const sample = build(mnist, picked, 'target labelled', `sample:${seed}`, TARGET_MARKED === undefined ? undefined : () => TARGET_MARKED).data;
      const test = build(mnist, rest.filter((i) => !picked.includes(i)).slice(0, TEST_SIZE), 'target test', `test:${seed}`);

      const sourceRun = join(tmp, `source-${seed}`);
      const s = await fit({ strategy: 'scratch', arch: 'cnn', train: source.data, out: sourceRun, seed, epochs: 5 });
      s.model.dispose();
      const models: Record<string, FitConfig> = {
        scratch: { strategy: 'scratch', arch: 'cnn', train: sample, seed },
        extract: { strategy: 'extract', base: sourceRun, train: sample, seed },
        finetune: { strategy: 'finetune', base: sourceRun, train: sample, seed },
      };
      const testX = { x: (test.data.features as ImageFeatures).pixels, shape: [test.data.size, 28, 28, 1] };
      const predictions: Record<string, string[]> = {};
      const src = await loadModel(join(sourceRun, 'model'));
      predictions['source-only'] = argmax(predictProbs(src.model, testX), 2);
      src.model.dispose();
      for (const [name, cfg] of Object.entries(models)) {
        const { model } = await fit(cfg);
        try {
          predictions[name] = argmax(predictProbs(model.model, testX), 2);
        } finally {
          model.dispose();
        }
      }
      const comparison = compareDisparities({
        yTrue: Array.from(test.data.labels, (c) => CLASSES[c]),
        predictions,
        sensitive: { watermark: test.marked.map((m) => (m ? 'yes' : 'no')) },
        positive: 'high',
        reference: 'scratch',
        source: 'source-only',
        seed,
      });
      const accuracy = Object.fromEntries(Object.entries(predictions).map(([k, p]) => [k, p.filter((v, i) => v === CLASSES[test.data.labels[i]]).length / p.length]));
      results.push({ seed, accuracy, comparison });
      for (const m of comparison.models) console.log(`seed ${seed} ${m.model.padEnd(12)} accuracy ${accuracy[m.model].toFixed(3)}  DP ${m.measures.demographic_parity_difference.value.toFixed(3)}  EO ${m.measures.equalized_odds_difference.value.toFixed(3)}  ${m.verdict}`);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  await mkdir('results/audit', { recursive: true });
  await writeJsonAtomic(args.out!, { createdAt: new Date().toISOString(), seeds, perClass, sourceMark: SOURCE_MARK, targetMarked: TARGET_MARKED ?? 'half of each class', results });
  return results;
}

const table = summaryTable(results);
console.log(table);
if (!args['no-readme']) {
  const readme = await readFile('README.md', 'utf8');
  const re = /<!-- inherited-bias -->[\s\S]*?<!-- \/inherited-bias -->/;
  if (re.test(readme)) await writeFileAtomic('README.md', readme.replace(re, `<!-- inherited-bias -->\n${table}\n<!-- /inherited-bias -->`));
}

/** One row per model: accuracy and disparity (mean over seeds, each seed's value), and the verdicts. */
function summaryTable(rs: SeedResult[]): string {
  const models = rs[0].comparison.models.map((m) => m.model);
  const pct = (v: number) => (v * 100).toFixed(1);
  const rows = models.map((name) => {
    const per = rs.map((r) => r.comparison.models.find((m) => m.model === name)!);
    const dp = per.map((m) => m.measures.demographic_parity_difference.value);
    const acc = rs.map((r) => r.accuracy[name]);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const verdicts = [...new Set(per.map((m) => m.verdict.split(':')[0]))].join('; ');
    const flagged = per.filter((m) => m.measures.demographic_parity_difference.flagged).length;
    return `| ${name} | ${pct(mean(acc))} | ${pct(mean(dp))} (${dp.map(pct).join(', ')}) | ${flagged} of ${per.length} | ${verdicts} |`;
  });
  return ['| model | accuracy % | demographic parity difference, points: mean (per seed) | flagged by the audit | verdict (every seed) |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The predicted class name of each row. */
function argmax(probs: Float32Array, k: number): string[] {
  return Array.from({ length: probs.length / k }, (_, i) => CLASSES[probs[i * k + 1] > probs[i * k] ? 1 : 0]);
}
