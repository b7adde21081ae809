/**
 * One measured training run: `fit` on a training set, then per-example scoring on a fixed test
 * set, with the run's history for training dynamics. The building block of learning curves,
 * `compare` and the benchmarks.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { runJobs, workerBeside } from '../engine/worker-pool.ts';
import { transformFeatures } from '../data/features.ts';
import { relabel } from '../data/load.ts';
import { fit, type FitCallbacks, type FitConfig } from '../transfer/fit.ts';
import type { Strategy } from '../transfer/strategies.ts';
import { type EpochRecord } from '../transfer/train.ts';
import { predictProbs } from '../models/predict-probs.ts';
import { trainingBudget } from './budget.ts';
import { ensureEngine } from '../engine/backend.ts';

export { trainingBudget } from './budget.ts';

/** What to run. */
export interface RunSpec {
  base?: string;
  strategy: Strategy;
  train: Dataset;
  /** Validation data for early stopping (patience 20 unless `fit.patience` is set) and training dynamics (optional). */
  val?: Dataset;
  /** Fixed test set, scored example by example. */
  test: Dataset;
  seed: number;
  /** Run folder. */
  out: string;
  /** Extra `fit` settings (epochs, learning rate, unfreeze, …). */
  fit?: Partial<FitConfig>;
  /** Score on the test set (default true; false gives accuracy NaN, e.g. for a run kept only for its history). */
  score?: boolean;
  callbacks?: FitCallbacks;
}

/** A finished, scored run. */
export interface RunOutcome {
  strategy: Strategy;
  seed: number;
  /** Test accuracy. */
  accuracy: number;
  /** 1 where the test example was classified correctly. */
  correct: Uint8Array;
  /** Training seconds (as `fit` reports them). */
  seconds: number;
  epochs: number;
  history: EpochRecord[];
  out: string;
}

/**
 * Trains with `fit` (no validation split of its own: `val` is used when given) and scores the
 * saved model on the test set (`fit` recomputes a scratch model's BatchNorm statistics on its
 * training examples before saving, so the scratch baseline is fair).
 *
 * @example
 * ```ts
 * const r = await runAndScore({ base: 'fashion-cnn', strategy: 'extract', train, test, seed: 1, out: 'runs/x' });
 * ```
 */
export async function runAndScore(spec: RunSpec): Promise<RunOutcome> {
  await ensureEngine();
  const budget = trainingBudget(spec.train.size);
  const config: FitConfig = {
    learningRate: 2e-3,
    ...budget,
    patience: 20,
    ...spec.fit,
    valFraction: 0,
    val: spec.val,
    base: spec.base,
    strategy: spec.strategy,
    train: spec.train,
    seed: spec.seed,
    out: spec.out,
  };
  if (spec.strategy !== 'finetune') delete config.unfreeze;
  // scratch is the whole architecture from random weights, wherever transfer cuts the base
  if (spec.strategy === 'scratch') delete config.cutAt;
  const res = await fit(config, spec.callbacks);
  const trained = res.model;
  let probs: Float32Array;
  let test: Dataset;
  let history: EpochRecord[];
  try {
    history = (await readFile(join(spec.out, 'history.jsonl'), 'utf8'))
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as EpochRecord);
    if (spec.score === false) {
      return { strategy: spec.strategy, seed: spec.seed, accuracy: NaN, correct: new Uint8Array(0), seconds: res.seconds, epochs: res.epochs, history, out: spec.out };
    }
    test = relabel(spec.test, trained.classes);
    probs = predictProbs(trained.model, transformFeatures(trained.features, test));
  } finally {
    trained.dispose();
  }
  const k = trained.classes.length;
  const correct = new Uint8Array(test.size);
  let hits = 0;
  for (let i = 0; i < test.size; i++) {
    let arg = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + arg]) arg = c;
    correct[i] = arg === test.labels[i] ? 1 : 0;
    hits += correct[i];
  }
  return { strategy: spec.strategy, seed: spec.seed, accuracy: hits / Math.max(1, test.size), correct, seconds: res.seconds, epochs: res.epochs, history, out: spec.out };
}

/**
 * Runs every spec with {@link runAndScore} and returns the outcomes in spec order: one after the
 * other in this thread (`threads` 1, the default, with each spec's progress callbacks), or side
 * by side on `threads` worker threads, each with its own engine (progress then through
 * `onProgress`: the share of all runs done, in thousandths).
 * Every run is seeded, so the outcomes do not depend on `threads`.
 *
 * @example
 * ```ts
 * const outcomes = await runAllAndScore(specs, { threads: 2, onDone: (r) => console.log(r.strategy, r.accuracy) });
 * ```
 */
export async function runAllAndScore(
  specs: RunSpec[],
  opts: { threads?: number; onDone?: (outcome: RunOutcome, spec: RunSpec) => void; onProgress?: (done: number, total: number) => void } = {},
): Promise<RunOutcome[]> {
  await ensureEngine();
  // functions do not cross to a worker: the jobs are the specs without their callbacks
  const jobs = specs.map(({ callbacks: _local, ...job }) => job);
  return runJobs(jobs, {
    threads: opts.threads,
    worker: workerBeside(import.meta.url, 'experiment-worker'),
    here: (_job, i) => runAndScore(specs[i]),
    onDone: (r, i) => opts.onDone?.(r, specs[i]),
    onProgress: opts.onProgress,
  });
}

/**
 * Epochs and seconds (summed over the history's epochs, all phases in order) until the validation
 * accuracy first reaches `target`; `null` when it never does.
 *
 * @example
 * ```ts
 * timeToAccuracy(history, 0.8); // { epochs: 7, seconds: 3.2 }
 * ```
 */
export function timeToAccuracy(history: EpochRecord[], target: number): { epochs: number; seconds: number } | null {
  let seconds = 0;
  for (let i = 0; i < history.length; i++) {
    seconds += history[i].seconds;
    const acc = history[i].valAccuracy;
    if (acc !== undefined && acc >= target) return { epochs: i + 1, seconds };
  }
  return null;
}
