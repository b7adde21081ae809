import { join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { samplePerClass } from '../data/split.ts';
import { meanStd } from '../measures/stats.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { runAllAndScore, type RunSpec } from './experiment.ts';
import type { FitCallbacks, FitConfig } from '../transfer/fit.ts';
import type { Strategy } from '../transfer/strategies.ts';
import { ensureEngine } from '../engine/backend.ts';

/** Options of {@link compareStrategies}. */
export interface CompareOptions {
  /** Pretrained model for the transfer strategies. */
  base: string;
  /** Pool to draw the labelled training examples from. */
  pool: Dataset;
  /** Fixed held-out test set. */
  test: Dataset;
  strategies: Strategy[];
  seeds: number[];
  /** Labelled examples per class drawn from the pool for each seed. */
  perClass: number;
  /** Folder for the runs (`<strategy>-seed<k>/`) and `results.json`. */
  out: string;
  /** Extra fit settings (epochs, learning rate, …) shared by every run. */
  fit?: Partial<FitConfig>;
  /** Settings for one strategy only, on top of `fit` (e.g. smaller batches for scratch). */
  fitByStrategy?: Partial<Record<Strategy, Partial<FitConfig>>>;
  /** Called before each run and with each finished run. */
  onRun?: (event: { strategy: Strategy; seed: number; accuracy?: number; seconds?: number }) => void;
  /** Progress: each run's steps in this thread; with worker threads, one 'training runs' figure in thousandths of all runs. */
  callbacks?: FitCallbacks;
  /**
   * Worker threads to run the training runs on, side by side (default 1: one after the other,
   * in this thread). Results do not depend on it: every run is seeded.
   */
  threads?: number;
}

/** One strategy's result over the seeds. */
export interface StrategyResult {
  strategy: Strategy;
  /** Mean test accuracy over seeds. */
  accuracy: number;
  /** Sample standard deviation of test accuracy over seeds. */
  accuracyStd: number;
  macroF1: number;
  /** Mean training time per seed, in seconds. */
  seconds: number;
  /** Test accuracy of each seed, in `seeds` order. */
  perSeed: number[];
}

/**
 * Trains each strategy on the same few labelled examples per seed and scores it on the same
 * test set, so strategies are compared on equal terms (paired by seed).
 *
 * @example
 * ```ts
 * const { results } = await compareStrategies({ base: 'fashion-cnn', pool, test, strategies: ['scratch', 'finetune'], seeds: [1, 2, 3], perClass: 10, out: 'runs/cmp' });
 * ```
 */
export async function compareStrategies(opts: CompareOptions): Promise<{ results: StrategyResult[]; perClass: number; seeds: number[]; testSize: number }> {
  await ensureEngine();
  const specs: RunSpec[] = [];
  for (const seed of opts.seeds) {
    const train = { ...samplePerClass(opts.pool, opts.perClass, seed).sample, name: `${opts.pool.name} (${opts.perClass} per class, seed ${seed})` };
    for (const strategy of opts.strategies) {
      specs.push({ base: opts.base, strategy, seed, train, test: opts.test, out: join(opts.out, `${strategy}-seed${seed}`), fit: { ...opts.fit, ...opts.fitByStrategy?.[strategy] }, callbacks: opts.callbacks });
    }
  }
  // with workers, scratch (every layer trains, the longest runs) starts first
  const order = (opts.threads ?? 1) > 1 ? [...specs].sort((a, b) => Number(b.strategy === 'scratch') - Number(a.strategy === 'scratch')) : specs;
  const done = await runAllAndScore(order, {
    threads: opts.threads,
    onStart: (spec) => opts.onRun?.({ strategy: spec.strategy, seed: spec.seed }),
    onDone: (r) => opts.onRun?.({ strategy: r.strategy, seed: r.seed, accuracy: r.accuracy, seconds: r.seconds }),
    onProgress: (d, t) => opts.callbacks?.onStep?.('training runs', d, t),
  });
  const results = opts.strategies.map((strategy) => {
    const runs = opts.seeds.map((seed) => done.find((r) => r.strategy === strategy && r.seed === seed)!);
    const acc = meanStd(runs.map((r) => r.accuracy));
    return {
      strategy,
      accuracy: acc.mean,
      accuracyStd: acc.std,
      macroF1: meanStd(runs.map((r) => r.macroF1)).mean,
      seconds: meanStd(runs.map((r) => r.seconds)).mean,
      perSeed: runs.map((r) => r.accuracy),
    };
  });
  const summary = { results, perClass: opts.perClass, seeds: opts.seeds, testSize: opts.test.size };
  await writeJsonAtomic(join(opts.out, 'results.json'), summary);
  return summary;
}
