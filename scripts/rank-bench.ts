/**
 * Ranking quality of the transferability scores: for every zoo candidate and target task, the
 * scores (LogME, LEEP, H-score, NCE) on the labelled examples against the test accuracy actually
 * reached by fine-tuning that candidate on the same examples; Kendall's τ per target and score.
 *
 *   node --import tsx scripts/rank-bench.ts            # 10–20 minutes on 2 CPU cores
 *
 * Targets: MNIST (the demo's split: 25% test, seed 0) and Fashion-MNIST (the 10,000 test images,
 * split the same way; needs `apt-get install dataset-fashion-mnist`).
 * Options (environment): PER_CLASS (default 10), SEEDS (default 2), TARGETS (mnist,fashion),
 * CANDIDATES (default: every available zoo model), OUT (default results/choose/rank-bench.json),
 * MERGE=1 (re-measure only CANDIDATES — e.g. a retrained model — and keep the other candidates'
 * rows of the existing OUT file; Kendall τ is recomputed over all rows).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { curveFit, runAndScore } from '../src/choose/experiment.ts';
import { rankSources, TRANSFERABILITY_METRICS, type TransferabilityMetric } from '../src/choose/rank.ts';
import { kendallTau, meanStd } from '../src/measures/stats.ts';
import type { Dataset } from '../src/data/dataset.ts';
import { loadDataset } from '../src/data/load.ts';
import { samplePerClass, trainValTestSplit } from '../src/data/split.ts';
import { initEngine } from '../src/engine/backend.ts';
import { listZooModels } from '../src/models/zoo.ts';
import { DEMO_TEST_FRACTION } from '../src/choose/demo.ts';
import { writeJsonAtomic } from '../src/util/atomic.ts';

const perClass = Number(process.env.PER_CLASS ?? 10);
const seeds = Array.from({ length: Number(process.env.SEEDS ?? 2) }, (_, i) => i + 1);
const targets = (process.env.TARGETS ?? 'mnist,fashion').split(',');
const candidates = process.env.CANDIDATES?.split(',') ?? listZooModels().filter((m) => m.available).map((m) => m.name);
const outFile = process.env.OUT ?? 'results/choose/rank-bench.json';
/** With MERGE=1, the existing results whose rows for other candidates are kept. */
const previous = process.env.MERGE === '1' ? (JSON.parse(await readFile(outFile, 'utf8')) as { candidates: string[]; report: Array<Record<string, unknown> & { target: string; rows: Row[] }> }) : undefined;

/** One candidate's measured row. */
interface Row { candidate: string; scores: Record<TransferabilityMetric, number>; accuracy: number; std: number; perSeed: number[] }

tf.env().set('PROD', true);
await initEngine();

/** A target task: a pool to draw labelled examples from and a fixed test set. */
async function benchTarget(name: string): Promise<{ pool: Dataset; test: Dataset }> {
  const full = await loadDataset(name === 'mnist' ? 'builtin:mnist' : 'builtin:fashion-mnist-test');
  const { train, test } = trainValTestSplit(full, { val: 0, test: DEMO_TEST_FRACTION, seed: 0 });
  return { pool: train, test };
}

const tmp = await mkdtemp(join(tmpdir(), 'rank-bench-'));
const report: Record<string, unknown>[] = [];
try {
  for (const target of targets) {
    const { pool, test } = await benchTarget(target);
    const measured: Row[] = [];
    for (const candidate of candidates) {
      const scores: Record<TransferabilityMetric, number[]> = { logme: [], leep: [], hscore: [], nce: [] };
      const accs: number[] = [];
      for (const seed of seeds) {
        const train = { ...samplePerClass(pool, perClass, seed).sample, name: `${target} ${perClass}/class seed ${seed}` };
        const r = await rankSources({ candidates: [candidate], train });
        for (const m of TRANSFERABILITY_METRICS) scores[m].push(r.ranking[0].scores[m]);
        const run = await runAndScore({ base: candidate, strategy: 'finetune', train, test, seed, fit: curveFit(train.size), out: join(tmp, `${target}-${candidate}-${seed}`) });
        accs.push(run.accuracy);
        console.log(`${target} ${candidate} seed ${seed}: LogME ${r.ranking[0].scores.logme.toFixed(3)}, fine-tuned accuracy ${run.accuracy.toFixed(4)} (${run.seconds.toFixed(0)} s)`);
      }
      const acc = meanStd(accs);
      measured.push({
        candidate,
        scores: Object.fromEntries(TRANSFERABILITY_METRICS.map((m) => [m, meanStd(scores[m]).mean])) as Record<TransferabilityMetric, number>,
        accuracy: acc.mean,
        std: acc.std,
        perSeed: accs,
      });
    }
    const kept = previous?.report.find((r) => r.target === target)?.rows.filter((r) => !candidates.includes(r.candidate)) ?? [];
    const rows = [...kept, ...measured].sort((a, b) => a.candidate.localeCompare(b.candidate));
    const tau = Object.fromEntries(TRANSFERABILITY_METRICS.map((m) => [m, kendallTau(rows.map((r) => r.scores[m]), rows.map((r) => r.accuracy))]));
    report.push({ target, perClass, seeds, testSize: test.size, rows, tau });
    console.log(`\n### ${target}, ${perClass} labels per class, ${seeds.length} seeds (test set ${test.size})\n`);
    console.log('| candidate | LogME | LEEP | H-score | NCE | fine-tuned accuracy % |');
    console.log('|---|---|---|---|---|---|');
    for (const r of [...rows].sort((a, b) => b.accuracy - a.accuracy)) {
      console.log(`| ${r.candidate} | ${r.scores.logme.toFixed(3)} | ${r.scores.leep.toFixed(3)} | ${r.scores.hscore.toFixed(2)} | ${r.scores.nce.toFixed(3)} | ${(100 * r.accuracy).toFixed(1)} ± ${(100 * r.std).toFixed(1)} |`);
    }
    console.log(`\nKendall τ with fine-tuned accuracy: ${TRANSFERABILITY_METRICS.map((m) => `${m} ${tau[m].toFixed(2)}`).join(', ')}\n`);
  }
  const allCandidates = [...new Set([...(previous?.candidates ?? []), ...candidates])].sort();
  const otherTargets = previous?.report.filter((r) => !targets.includes(r.target)) ?? [];
  await writeJsonAtomic(outFile, { candidates: allCandidates, report: [...report, ...otherTargets] });
  console.log(`wrote ${outFile}`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
