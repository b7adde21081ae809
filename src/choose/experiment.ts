/**
 * The experiment runner: one measured training run — `fit` on a training set, then scoring on a
 * fixed test set, with the run's history for training dynamics — and many of them, one after the
 * other or side by side on worker threads. The demo's comparison, learning curves, `compare`,
 * k-fold cross-validation and the ranking and advisor benchmarks all run through it.
 *
 * The runner adds no training defaults of its own: a run trains with `fit`'s defaults under the
 * spec's `fit` settings (the curve's budget is {@link curveFit}, the demo's `DEMO_FIT`), on all of
 * its training examples (no validation split unless `val` or `fit.valFraction` is given).
 *
 * @module
 */
import type { Dataset } from '../data/dataset.ts';
import { runJobs, workerBeside } from '../engine/worker-pool.ts';
import { transformFeatures } from '../data/features.ts';
import { relabel } from '../data/load.ts';
import { classificationMetrics } from '../measures/metrics.ts';
import type { FitCallbacks, FitConfig } from '../transfer/fit.ts';
import type { Strategy } from '../transfer/strategies.ts';
import { type EpochRecord } from '../transfer/train.ts';
import { predictProbs } from '../models/predict-probs.ts';
import { applyRecordedEncoder, recordedEncoder } from '../models/text/encoder-features.ts';
import { trainingBudget } from './budget.ts';
import { trainOrResume } from './run-resume.ts';
import { releaseThreadLocks } from '../runs/run-folder.ts';
import { ensureEngine } from '../engine/backend.ts';

export { trainingBudget } from './budget.ts';

/**
 * The training settings of learning curves, `compare` and the ranking and advisor benchmarks for
 * `n` labelled examples: {@link trainingBudget}'s epochs and batch size, learning rate 2e-3,
 * early-stopping patience 20 (used only when a run has validation data).
 *
 * @example
 * ```ts
 * curveFit(100); // { learningRate: 0.002, patience: 20, batchSize: 20, epochs: 60, finetuneEpochs: 30 }
 * ```
 */
export function curveFit(n: number): Partial<FitConfig> {
  return { learningRate: 2e-3, patience: 20, ...trainingBudget(n) };
}

/**
 * What to run.
 *
 * @example
 * ```ts
 * const spec: RunSpec = { base: 'fashion-cnn', strategy: 'extract', train, test, seed: 1, fit: curveFit(train.size) };
 * ```
 */
export interface RunSpec {
  base?: string;
  strategy: Strategy;
  train: Dataset;
  /** Validation data for early stopping and training dynamics (optional). */
  val?: Dataset;
  /** Fixed test set, scored example by example. */
  test: Dataset;
  seed: number;
  /** Run folder (optional: without it the run trains in memory and writes nothing). */
  out?: string;
  /** `fit` settings (epochs, learning rate, unfreeze, …) on top of `fit`'s defaults. */
  fit?: Partial<FitConfig>;
  /** Score on the test set (default true; false gives accuracy NaN, e.g. for a run kept only for its history). */
  score?: boolean;
  /**
   * Use what `out` already holds (default false): a finished run there is scored without training,
   * an interrupted one continues from its checkpoint, a missing one trains (see {@link trainOrResume}).
   */
  resume?: boolean;
  callbacks?: FitCallbacks;
}

/**
 * A finished, scored run.
 *
 * @example
 * ```ts
 * const { accuracy, macroF1, correct } = await runAndScore(spec);
 * ```
 */
export interface RunOutcome {
  strategy: Strategy;
  seed: number;
  /** Test accuracy. */
  accuracy: number;
  /** Test macro F1. */
  macroF1: number;
  /** Test log loss. */
  logLoss: number;
  /** Test ROC AUC (binary tasks; null otherwise). */
  rocAuc: number | null;
  /** 1 where the test example was classified correctly. */
  correct: Uint8Array;
  /** Training seconds (as `fit` reports them). */
  seconds: number;
  epochs: number;
  history: EpochRecord[];
  out?: string;
}

/**
 * Trains with `fit` and scores the trained model on the test set (`fit` recomputes a scratch
 * model's BatchNorm statistics on its training examples, so the scratch baseline is fair). With
 * `resume`, a run already in `out` is picked up instead (scored without training when finished,
 * continued from its checkpoint when not): the outcome is the same as an uninterrupted run's.
 *
 * @example
 * ```ts
 * const r = await runAndScore({ base: 'fashion-cnn', strategy: 'extract', train, test, seed: 1, fit: curveFit(train.size) });
 * ```
 */
export async function runAndScore(spec: RunSpec): Promise<RunOutcome> {
  await ensureEngine();
  const config: FitConfig = { valFraction: 0, ...spec.fit, val: spec.val, base: spec.base, strategy: spec.strategy, train: spec.train, seed: spec.seed, out: spec.out };
  if (spec.strategy !== 'finetune') delete config.unfreeze;
  const res = await trainOrResume(config, spec.callbacks ?? {}, spec.resume === true);
  const trained = res.model;
  const base = { strategy: spec.strategy, seed: spec.seed, seconds: res.seconds, epochs: res.epochs, history: res.history, out: spec.out };
  let probs: Float32Array;
  let test: Dataset;
  try {
    if (spec.score === false) return { ...base, accuracy: NaN, macroF1: NaN, logLoss: NaN, rocAuc: null, correct: new Uint8Array(0) };
    // a model on an ONNX text encoder's features: its test texts go through that encoder first
    test = relabel(await applyRecordedEncoder(recordedEncoder(trained.meta), spec.test), trained.classes);
    probs = predictProbs(trained.model, transformFeatures(trained.features, test));
  } finally {
    trained.dispose();
  }
  const k = trained.classes.length;
  const correct = new Uint8Array(test.size);
  for (let i = 0; i < test.size; i++) {
    let arg = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + arg]) arg = c;
    correct[i] = arg === test.labels[i] ? 1 : 0;
  }
  const m = classificationMetrics(test.labels, probs, trained.classes);
  return { ...base, accuracy: m.accuracy, macroF1: m.macroF1, logLoss: m.logLoss, rocAuc: m.rocAuc, correct };
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
  opts: {
    threads?: number;
    /** A run starts in this thread (not called for runs on worker threads). */
    onStart?: (spec: RunSpec) => void;
    onDone?: (outcome: RunOutcome, spec: RunSpec) => void;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<RunOutcome[]> {
  await ensureEngine();
  // functions do not cross to a worker: the jobs are the specs without their callbacks
  const jobs = specs.map(({ callbacks: _local, ...job }) => job);
  return runJobs(jobs, {
    threads: opts.threads,
    worker: workerBeside(import.meta.url, 'experiment-worker'),
    here: (_job, i) => {
      opts.onStart?.(specs[i]);
      return runAndScore(specs[i]);
    },
    onDone: (r, i) => opts.onDone?.(r, specs[i]),
    onProgress: opts.onProgress,
    // workers terminated mid-run (another run failed, or onDone threw) leave their runs' locks,
    // naming this process: release them, or resuming here would find the runs locked by itself
    afterWorkers: (threadIds) => releaseThreadLocks(specs.map((s) => s.out), threadIds),
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
