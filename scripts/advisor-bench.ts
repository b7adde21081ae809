/**
 * Does the freeze advisor pick a good plan? For source/target pairs of different size and
 * similarity, trains all four quadrant plans (extract; unfreeze the top third; the top two
 * thirds; everything) over seeds on the same examples and test set, and reports the advisor's
 * choice against the best plan.
 *
 *   node --import tsx scripts/advisor-bench.ts          # about 25 minutes on 2 busy CPU cores
 *
 * Options (environment): SEEDS (default 2), PAIRS (indices into the list below, e.g. 0,2; default all),
 * OUT (default results/choose/advisor-bench.json), MERGE=1 (re-measure only PAIRS, e.g. after a
 * source was retrained, and keep the other pairs' rows of the existing OUT file, in list order). Needs the zoo models of scripts/train-zoo.ts and,
 * for the Fashion-MNIST target, `apt-get install dataset-fashion-mnist`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { advise, QUADRANTS, type Plan } from '../src/choose/advisor.ts';
import { curveFit, runAndScore } from '../src/choose/experiment.ts';
import { meanStd } from '../src/measures/stats.ts';
import type { Dataset } from '../src/data/dataset.ts';
import { loadDataset } from '../src/data/load.ts';
import { samplePerClass, trainValTestSplit } from '../src/data/split.ts';
import { initEngine } from '../src/engine/backend.ts';
import { DEMO_TEST_FRACTION } from '../src/choose/demo.ts';
import { writeJsonAtomic } from '../src/util/atomic.ts';

const PAIRS = [
  { base: 'fashion-cnn', target: 'mnist', perClass: 10 },
  { base: 'fashion-cnn', target: 'mnist', perClass: 100 },
  { base: 'fashion-small-cnn', target: 'fashion', perClass: 10 },
  { base: 'digits04-cnn', target: 'mnist', perClass: 10 },
  { base: 'fashion-small-cnn', target: 'fashion', perClass: 100 },
];
const seeds = Array.from({ length: Number(process.env.SEEDS ?? 2) }, (_, i) => i + 1);
const pairs = process.env.PAIRS ? process.env.PAIRS.split(',').map((i) => PAIRS[Number(i)]) : PAIRS;
const outFile = process.env.OUT ?? 'results/choose/advisor-bench.json';
/** With MERGE=1, the existing rows of the pairs not re-measured are kept. */
const previous = process.env.MERGE === '1' ? (JSON.parse(await readFile(outFile, 'utf8')) as { rows: Array<Record<string, unknown>> }).rows : [];
const samePair = (a: Record<string, unknown>, b: { base: string; target: string; perClass: number }) => a.base === b.base && a.target === b.target && a.perClass === b.perClass;

tf.env().set('PROD', true);
await initEngine();

async function target(name: string): Promise<{ pool: Dataset; test: Dataset }> {
  const full = await loadDataset(name === 'mnist' ? 'builtin:mnist' : 'builtin:fashion-mnist-test');
  const { train, test } = trainValTestSplit(full, { val: 0, test: DEMO_TEST_FRACTION, seed: 0 });
  return { pool: train, test };
}

const tmp = await mkdtemp(join(tmpdir(), 'advisor-bench-'));
const rows: Record<string, unknown>[] = [];
try {
  for (const pair of pairs) {
    const { pool, test } = await target(pair.target);
    const advice = await advise({ base: pair.base, train: pool, perClass: pair.perClass, seed: 1 });
    const plans = [advice.plan, ...advice.alternatives];
    const results: Array<{ plan: Plan; accuracy: number; std: number; perSeed: number[] }> = [];
    for (const q of QUADRANTS) {
      const plan = plans.find((p) => p.quadrant === q)!;
      const accs: number[] = [];
      for (const seed of seeds) {
        const train = { ...samplePerClass(pool, pair.perClass, seed).sample, name: `${pair.target} ${pair.perClass}/class seed ${seed}` };
        const r = await runAndScore({ base: pair.base, strategy: plan.strategy, train, test, seed, fit: { ...curveFit(train.size), ...plan.fit }, out: join(tmp, `${pair.base}-${pair.target}-${pair.perClass}-${q}-${seed}`) });
        accs.push(r.accuracy);
        console.log(`${pair.base} → ${pair.target} ${pair.perClass}/class, ${q} (${plan.strategy}${plan.cutAt ? ` cut at ${plan.cutAt}` : ''}${plan.unfreeze.length ? ` ${plan.unfreeze.join(',')}` : ''}) seed ${seed}: ${r.accuracy.toFixed(4)} (${r.seconds.toFixed(0)} s)`);
      }
      const a = meanStd(accs);
      results.push({ plan, accuracy: a.mean, std: a.std, perSeed: accs });
    }
    const best = results.reduce((x, y) => (y.accuracy > x.accuracy ? y : x));
    const chosen = results.find((r) => r.plan.quadrant === advice.quadrant)!;
    const gap = 100 * (best.accuracy - chosen.accuracy);
    rows.push({
      ...pair,
      pad: advice.similarity.pad?.pad,
      mmdP: advice.similarity.mmd?.pValue,
      labelMatch: advice.similarity.sourceLabels.labelMatch,
      quadrant: advice.quadrant,
      results: results.map((r) => ({ quadrant: r.plan.quadrant, strategy: r.plan.strategy, cutAt: r.plan.cutAt, unfreeze: r.plan.unfreeze, accuracy: r.accuracy, std: r.std, perSeed: r.perSeed })),
      best: best.plan.quadrant,
      gapPoints: gap,
      withinOnePoint: gap <= 1,
    });
    console.log(`advisor: ${advice.quadrant} (PAD ${advice.similarity.pad?.pad.toFixed(2)}, label match ${advice.similarity.sourceLabels.labelMatch?.toFixed(2)}); best: ${best.plan.quadrant}; gap ${gap.toFixed(1)} points\n`);
  }
  console.log(`| source → target | labels/class | PAD | label match | advisor | ${QUADRANTS.join(' | ')} | gap to best |`);
  console.log(`|---|---|---|---|---|${QUADRANTS.map(() => '---|').join('')}---|`);
  for (const r of rows as Array<{ base: string; target: string; perClass: number; pad?: number; labelMatch?: number; quadrant: string; results: Array<{ quadrant: string; accuracy: number; std: number }>; gapPoints: number }>) {
    const cells = r.results.map((x) => `${x.quadrant === r.quadrant ? '**' : ''}${(100 * x.accuracy).toFixed(1)} ± ${(100 * x.std).toFixed(1)}${x.quadrant === r.quadrant ? '**' : ''}`);
    console.log(`| ${r.base} → ${r.target} | ${r.perClass} | ${r.pad?.toFixed(2) ?? 'n/a'} | ${r.labelMatch?.toFixed(2) ?? 'n/a'} | ${r.quadrant} | ${cells.join(' | ')} | ${r.gapPoints.toFixed(1)} |`);
  }
  const merged = PAIRS.map((p) => rows.find((r) => samePair(r, p)) ?? previous.find((r) => samePair(r, p))).filter((r) => r !== undefined);
  await writeJsonAtomic(outFile, { seeds, rows: merged });
  console.log(`wrote ${outFile}`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
