/**
 * One run of a strategy comparison — train on a seed's examples, score on the fixed test set —
 * as plain data in and out, so it runs the same in this thread or in a worker
 * (`./compare-worker.ts`).
 *
 * @module
 */
import type { Dataset } from '../data/dataset.ts';
import { evaluateModel } from '../models/evaluate.ts';
import { fit, type FitCallbacks, type FitConfig } from '../transfer/fit.ts';
import type { Strategy } from '../transfer/strategies.ts';

/**
 * One training run of a comparison.
 *
 * @example
 * ```ts
 * const job: CompareJob = { base: 'fashion-cnn', strategy: 'finetune', seed: 1, train, test, out: 'runs/cmp/finetune-seed1', fit: { epochs: 20 } };
 * ```
 */
export interface CompareJob {
  base: string;
  strategy: Strategy;
  seed: number;
  /** The seed's labelled training examples. */
  train: Dataset;
  /** The fixed held-out test set. */
  test: Dataset;
  /** The run folder. */
  out: string;
  /** Fit settings on top of the job's own (no validation split unless given). */
  fit: Partial<FitConfig>;
}

/**
 * What {@link runCompareJob} measured.
 *
 * @example
 * ```ts
 * const r: CompareJobResult = { strategy: 'finetune', seed: 1, accuracy: 0.86, macroF1: 0.85, seconds: 12.4 };
 * ```
 */
export interface CompareJobResult {
  strategy: Strategy;
  seed: number;
  accuracy: number;
  macroF1: number;
  /** Training time. */
  seconds: number;
}

/**
 * Trains the job's strategy (writing its run folder) and scores the model on the test set.
 *
 * @example
 * ```ts
 * const { accuracy } = await runCompareJob(job);
 * ```
 */
export async function runCompareJob(job: CompareJob, callbacks?: FitCallbacks): Promise<CompareJobResult> {
  const res = await fit({ valFraction: 0, ...job.fit, base: job.base, strategy: job.strategy, train: job.train, seed: job.seed, out: job.out }, callbacks);
  let m;
  try {
    m = await evaluateModel({ model: res.model, data: job.test });
  } finally {
    res.model.dispose();
  }
  return { strategy: job.strategy, seed: job.seed, accuracy: m.accuracy, macroF1: m.macroF1, seconds: res.seconds };
}
