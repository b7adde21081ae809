/**
 * Splitting task data into train / validation / test and turning it into model inputs.
 *
 * @module
 */
import { subset, type Dataset } from '../../data/dataset.ts';
import { fitFeatures, transformFeatures, type FeatureSpec } from '../../data/features.ts';
import { samplePerClass, trainValTestSplit } from '../../data/split.ts';
import type { MultiTaskData } from './evaluate.ts';
import { subsetTasks, type Task } from './tasks.ts';

/** Options of {@link prepareSplits}. */
export interface SplitPlan {
  /** Share held out for validation (early stopping); default 0.1. */
  val?: number;
  /** Share held out for the test scores; default 0.2. */
  test?: number;
  /** Seed of the train/val/test split; the same for every seed of a comparison, so all score on one test set. Default 0. */
  splitSeed?: number;
  /** Labelled examples per class of the first task to train on (drawn from the training part, by `seed`); default all. */
  perClass?: number;
  /** At most this many test examples (a fixed stratified draw); default all. */
  maxTest?: number;
  /** Image size the model takes (a base's input); default the data's own. */
  image?: { height: number; width: number; channels: number };
}

/** Model inputs of the three parts and the preprocessing fitted on the training part. */
export interface PreparedSplits {
  train: MultiTaskData;
  val: MultiTaskData;
  test: MultiTaskData;
  features: FeatureSpec;
  /** Per-example input shape. */
  inputShape: number[];
}

/**
 * Splits stratified by the first task: a fixed train/val/test split (by `splitSeed`), then, with
 * `perClass`, `perClass` training and `⌈perClass / 2⌉` validation examples per class drawn by
 * `seed` (a small labelled set with a small validation set, as in practice). Preprocessing is
 * fitted on the training examples.
 *
 * @throws TransferkitError `TOO_FEW_EXAMPLES` when a class has fewer than `perClass` training examples, and those of the split.
 * @example
 * ```ts
 * const s = prepareSplits(ds, tasks, 1, { perClass: 20, maxTest: 2000 });
 * s.train.labels.length; // one label array per task
 * ```
 */
export function prepareSplits(ds: Dataset, tasks: readonly Task[], seed: number, plan: SplitPlan = {}): PreparedSplits {
  const split = trainValTestSplit(ds, { val: plan.val ?? 0.1, test: plan.test ?? 0.2, seed: plan.splitSeed ?? 0 });
  let trainIdx = split.indices.train;
  let valIdx = split.indices.val;
  let testIdx = split.indices.test;
  if (plan.perClass !== undefined) {
    trainIdx = samplePerClass(split.train, plan.perClass, `${seed}:train`).indices.sample.map((i) => split.indices.train[i]);
    const valShots = Math.max(1, Math.ceil(plan.perClass / 2));
    const fewest = Math.min(...ds.classes.map((_, c) => Array.from(split.val.labels).filter((l) => l === c).length));
    valIdx = samplePerClass(split.val, Math.min(valShots, Math.max(1, fewest)), `${seed}:val`).indices.sample.map((i) => split.indices.val[i]);
  }
  if (plan.maxTest !== undefined && testIdx.length > plan.maxTest) {
    const frac = plan.maxTest / testIdx.length;
    const part = trainValTestSplit(split.test, { val: 0, test: Math.min(frac, 0.999), seed: `${plan.splitSeed ?? 0}:test` });
    testIdx = part.indices.test.map((i) => split.indices.test[i]);
  }
  const trainDs = subset(ds, trainIdx);
  const features = fitFeatures(trainDs, plan.image ? { image: plan.image } : {});
  const part = (idx: number[], d: Dataset = subset(ds, idx)): MultiTaskData => {
    const m = transformFeatures(features, d);
    return { x: m.x, shape: m.shape, labels: subsetTasks(tasks, idx).map((t) => t.labels) };
  };
  const train = part(trainIdx, trainDs);
  return { train, val: part(valIdx), test: part(testIdx), features, inputShape: train.shape.slice(1) };
}
