import { join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { samplePerClass } from '../data/split.ts';
import { evaluateModel } from '../evaluate/evaluate-model.ts';
import { meanStd } from '../evaluate/metrics.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { fit, type FitCallbacks, type FitConfig } from './fit.ts';
import type { Strategy } from './strategies.ts';

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
  callbacks?: FitCallbacks;
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
  const raw = new Map<Strategy, { acc: number[]; f1: number[]; sec: number[] }>();
  for (const s of opts.strategies) raw.set(s, { acc: [], f1: [], sec: [] });
  for (const seed of opts.seeds) {
    const train = { ...samplePerClass(opts.pool, opts.perClass, seed).sample, name: `${opts.pool.name} (${opts.perClass} per class, seed ${seed})` };
    for (const strategy of opts.strategies) {
      opts.onRun?.({ strategy, seed });
      const dir = join(opts.out, `${strategy}-seed${seed}`);
      const res = await fit({ valFraction: 0, ...opts.fit, ...opts.fitByStrategy?.[strategy], base: opts.base, strategy, train, seed, out: dir }, opts.callbacks);
      const m = await evaluateModel({ model: dir, data: opts.test });
      const r = raw.get(strategy)!;
      r.acc.push(m.accuracy);
      r.f1.push(m.macroF1);
      r.sec.push(res.seconds);
      opts.onRun?.({ strategy, seed, accuracy: m.accuracy, seconds: res.seconds });
    }
  }
  const results = opts.strategies.map((strategy) => {
    const r = raw.get(strategy)!;
    const acc = meanStd(r.acc);
    return { strategy, accuracy: acc.mean, accuracyStd: acc.std, macroF1: meanStd(r.f1).mean, seconds: meanStd(r.sec).mean, perSeed: r.acc };
  });
  const summary = { results, perClass: opts.perClass, seeds: opts.seeds, testSize: opts.test.size };
  await writeJsonAtomic(join(opts.out, 'results.json'), summary);
  return summary;
}
