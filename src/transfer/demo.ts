import { loadDataset } from '../data/load.ts';
import { trainValTestSplit } from '../data/split.ts';
import { compareStrategies, type StrategyResult } from './compare.ts';
import type { FitCallbacks } from './fit.ts';
import type { Strategy } from './strategies.ts';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Folder for the demo's runs and `results.json`. */
  out: string;
  /** Number of seeds (default 3). */
  seeds?: number;
  /** Labelled digits per class (default 10). */
  perClass?: number;
  onRun?: (event: { strategy: Strategy; seed: number; accuracy?: number; seconds?: number }) => void;
  callbacks?: FitCallbacks;
}

/** The demo's outcome. */
export interface DemoResult {
  results: StrategyResult[];
  base: string;
  target: string;
  perClass: number;
  seeds: number[];
  testSize: number;
  /** Best transfer strategy minus scratch, in accuracy points (mean over seeds). */
  gainOverScratch: number;
  seconds: number;
  out: string;
}

/** The test split of MNIST the demo scores on: fixed (seed 0) and never used for training. */
export const DEMO_TEST_FRACTION = 0.25;

/**
 * The end-to-end demo: transfers the built-in `fashion-cnn` (clothing images) to MNIST digits
 * with only a few labelled digits per class, comparing scratch, extract and finetune over
 * seeds on a fixed held-out test set of MNIST digits.
 *
 * @example
 * ```ts
 * const demo = await runDemo({ out: 'runs/demo' });
 * console.log(demo.results.map((r) => `${r.strategy}: ${r.accuracy}`));
 * ```
 */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const t0 = performance.now();
  const perClass = opts.perClass ?? 10;
  const seeds = Array.from({ length: opts.seeds ?? 3 }, (_, i) => i + 1);
  const mnist = await loadDataset('builtin:mnist');
  const { train: pool, test } = trainValTestSplit(mnist, { val: 0, test: DEMO_TEST_FRACTION, seed: 0 });
  const cmp = await compareStrategies({
    base: 'fashion-cnn',
    pool,
    test: { ...test, name: 'builtin:mnist (held-out test split)' },
    strategies: ['scratch', 'extract', 'finetune'],
    seeds,
    perClass,
    out: opts.out,
    fit: DEMO_FIT,
    fitByStrategy: DEMO_FIT_BY_STRATEGY,
    onRun: opts.onRun,
    callbacks: opts.callbacks,
  });
  const scratch = cmp.results.find((r) => r.strategy === 'scratch')!.accuracy;
  const best = Math.max(...cmp.results.filter((r) => r.strategy !== 'scratch').map((r) => r.accuracy));
  return {
    ...cmp,
    base: 'fashion-cnn',
    target: 'builtin:mnist',
    gainOverScratch: (best - scratch) * 100,
    seconds: (performance.now() - t0) / 1000,
    out: opts.out,
  };
}

/**
 * Training settings of the demo runs. There is no validation split: the 10 examples per class
 * are all used for training, for a fixed number of epochs. The new head sits on the convolutional
 * features (`flatten`): fashion-cnn's dense layer is specific to clothing, its conv filters are not.
 */
export const DEMO_FIT = { epochs: 60, finetuneEpochs: 20, batchSize: 20, learningRate: 1e-3, cutAt: 'flatten', headHidden: [128], headDropout: 0.5, unfreeze: 1 };

/** Scratch trains every weight from random initialisation: smaller batches (more steps) so it fits its 100 digits fully. */
export const DEMO_FIT_BY_STRATEGY = { scratch: { epochs: 40, batchSize: 10, learningRate: 3e-3, headHidden: [], headDropout: 0 } };
