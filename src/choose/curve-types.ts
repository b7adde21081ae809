/**
 * The options and results of learning curves (`learningCurve`, `compareTransfer`), apart from
 * the code that runs them, so the curve's folder handling can name them too.
 *
 * @module
 */
import type { Dataset } from '../data/dataset.ts';
import type { FitCallbacks, FitConfig } from '../transfer/fit.ts';
import type { Strategy } from '../transfer/strategies.ts';
import type { ShiftSummary, TransferVerdict } from './verdict.ts';

/** The strategies a curve runs by default. */
export const CURVE_STRATEGIES: readonly Strategy[] = ['extract', 'finetune', 'scratch'];

/** A target size: labelled examples per class, or all of the training pool. */
export type CurveSize = number | 'all';

/** Options of {@link learningCurve}. */
export interface CurveOptions {
  /** Source model for the transfer strategies (scratch trains the same network from random weights). */
  base: string;
  /** Training data (the pool labelled examples are drawn from). */
  train: string | Dataset;
  /** Fixed test set; default: a stratified `testFraction` of `train` (seed 0), never trained on. */
  test?: string | Dataset;
  /** Default 0.25 (as the demo). */
  testFraction?: number;
  /** Labelled examples per class, e.g. `[1, 10, 100, 'all']`. */
  sizes: CurveSize[];
  /** Number of seeds (1…n) or the seeds themselves (default 3). */
  seeds?: number | number[];
  /** Default: extract, finetune, scratch. */
  strategies?: Strategy[];
  /**
   * Validation examples per class held out of the pool for the training dynamics (default 10; 0:
   * none). The compared runs never see them: every run trains for its full budget with no early
   * stopping, as the demo does (validation-loss early stopping picks erratic epochs in few-shot
   * training, where loss and accuracy disagree and scratch BatchNorm statistics lag). One extra
   * run per strategy and size (first seed) is monitored on the validation examples for "epochs /
   * seconds to reach" and the loss curves.
   */
  valPerClass?: number;
  /** Validation accuracy that "epochs/seconds to reach" refers to (default: 90% of the best strategy's mean final validation accuracy at each size). */
  targetAccuracy?: number;
  /** Settings shared by every run (epochs, learning rate, unfreeze, …), on top of {@link curveFit} (the training budget for the size, learning rate 2e-3). */
  fit?: Partial<FitConfig>;
  /** Measure the source/target shift to name the cause of negative transfer (default true; `cutAt: 'auto'` needs it). */
  measureShift?: boolean;
  /**
   * Base layer whose output feeds the new head of extract/finetune: `auto` (default) cuts below
   * the most source-specific layers (as the advisor's small-different plan) when the measured
   * similarity says the target is different, and keeps the default cut otherwise; `default` is the
   * input of the old head; or a layer name / index. Scratch trains the same network (the cut base
   * under the new head) from random weights.
   */
  cutAt?: string | number;
  /** Folder for the runs, `curve-options.json` (for {@link resumeLearningCurve}) and `curve.json` (default: a temporary folder, removed afterwards). */
  out?: string;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  confidence?: number;
  onRun?: (e: { size: CurveSize; strategy: Strategy; seed: number; accuracy?: number; seconds?: number }) => void;
  /** Progress of each run (runs in this thread only; see `threads`). */
  callbacks?: FitCallbacks;
  /** Worker threads to train on side by side (default 1: one run after the other, in this thread). Results do not depend on it. */
  threads?: number;
}

/** One strategy at one size. */
export interface StrategyPoint {
  strategy: Strategy;
  /** Mean and sample std of test accuracy over seeds. */
  accuracy: number;
  std: number;
  perSeed: number[];
  /** Mean training seconds and epochs. */
  seconds: number;
  epochs: number;
  /** Epochs / seconds (all phases in order) until the monitored run's validation accuracy first reached the target; null: never (or no validation data). */
  toTarget: { target: number; epochs: number | null; seconds: number | null };
  /** Training and validation loss and validation accuracy per epoch of the monitored run (training loss averaged over the seeds without validation data). */
  lossCurve: Array<{ epoch: number; phase: string; loss: number; valLoss?: number; valAccuracy?: number }>;
}

/** All strategies at one size. */
export interface CurvePoint {
  size: CurveSize;
  /** Labelled training examples per run. */
  examples: number;
  results: StrategyPoint[];
  /** Each transfer strategy against scratch (when scratch was run). */
  verdicts: TransferVerdict[];
  /** The best transfer strategy's verdict. */
  verdict?: TransferVerdict;
}

/** "Scratch needs N labels to match transfer at n". */
export interface DataEfficiency {
  size: CurveSize;
  labels: number;
  /** The best transfer strategy at this size. */
  strategy: Strategy;
  accuracy: number;
  /** Labels scratch needs for the same accuracy (interpolated in log-size between measured sizes); null: more than measured. */
  scratchLabels: number | null;
  /** scratchLabels / labels. */
  factor: number | null;
  statement: string;
}

/** What {@link learningCurve} returns. */
export interface CurveResult {
  base: string;
  target: string;
  test: string;
  testSize: number;
  classes: number;
  seeds: number[];
  /** The sizes, in the order run. */
  sizes: CurveSize[];
  strategies: Strategy[];
  points: CurvePoint[];
  dataEfficiency: DataEfficiency[];
  /** The verdicts of all sizes in one line each, and their kinds. */
  verdict: { text: string[]; bySize: Array<{ size: CurveSize; kind: TransferVerdict['kind']; strategy: string }> };
  shift?: ShiftSummary;
  /** Where extract and finetune cut the base, and why. */
  cut: { layer: string | number | null; reason: string };
  seconds: number;
  out?: string;
}
