/**
 * Independent training runs on one core after another against side by side on every core
 * (`compareStrategies({ threads })`, one worker thread and engine per core), in one process:
 * the demo's protocol on a smaller budget (2 seeds × extract, finetune and scratch, 10 digits
 * per class, 20 epochs, 500 test digits).
 */
import { availableParallelism } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subset } from '../src/data/dataset.ts';
import { loadDataset } from '../src/data/load.ts';
import { trainValTestSplit } from '../src/data/split.ts';
import { compareStrategies } from '../src/choose/compare.ts';
import { DEMO_FIT } from '../src/choose/demo.ts';

/** One timing row. */
export interface ParallelBenchRow {
  threads: number;
  runs: number;
  seconds: number;
  runsPerMinute: number;
  /** Wall-time speed-up over one thread, in this run. */
  speedup: number;
  /** The runs' accuracies equal those of the one-thread runs. */
  sameResults: boolean;
}

/**
 * Times the same comparison with 1 thread and with one thread per core.
 *
 * @example
 * ```ts
 * const rows = await benchParallel(); // [{ threads: 1, … }, { threads: 2, speedup: 1.9, … }]
 * ```
 */
export async function benchParallel(): Promise<ParallelBenchRow[]> {
  const mnist = await loadDataset('builtin:mnist');
  const { train: pool, test } = trainValTestSplit(mnist, { val: 0, test: 0.25, seed: 0 });
  const dir = await mkdtemp(join(tmpdir(), 'tk-bench-parallel-'));
  const rows: ParallelBenchRow[] = [];
  try {
    let reference: number[][] | undefined;
    for (const threads of [1, Math.max(2, availableParallelism())]) {
      const t0 = performance.now();
      const r = await compareStrategies({
        base: 'fashion-cnn',
        pool,
        test: subset(test, Array.from({ length: 500 }, (_, i) => i)),
        strategies: ['scratch', 'extract', 'finetune'],
        seeds: [1, 2],
        perClass: 10,
        out: join(dir, `threads-${threads}`),
        fit: { ...DEMO_FIT, epochs: 20, finetuneEpochs: 10 },
        threads,
      });
      const seconds = (performance.now() - t0) / 1000;
      const accuracies = r.results.map((s) => s.perSeed);
      reference ??= accuracies;
      const runs = r.results.length * r.seeds.length;
      rows.push({ threads, runs, seconds, runsPerMinute: (60 * runs) / seconds, speedup: rows.length ? rows[0].seconds / seconds : 1, sameResults: JSON.stringify(accuracies) === JSON.stringify(reference) });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
