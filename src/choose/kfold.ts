/**
 * Stratified k-fold cross-validation of a training recipe: the configuration of an existing
 * run is refitted on k − 1 folds and scored on the held-out fold, k times.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { subset, type Dataset } from '../data/dataset.ts';
import { stratifiedKFold } from '../data/split.ts';
import { ensureEngine } from '../engine/backend.ts';
import { TransferkitError } from '../errors.ts';
import type { FitConfig } from '../transfer/fit.ts';
import { FIT_DEFAULTS } from '../transfer/settings.ts';
import { meanStd } from '../measures/stats.ts';
import { runAndScore } from './experiment.ts';
import { loadDataFor, loadTrainedModel } from '../models/trained-model.ts';

/** Options of {@link crossValidate}. */
export interface KFoldOptions {
  /** Run folder written by `fit` (its `config.json` is the recipe refitted on each fold). */
  run: string;
  /** Labelled data to split into folds. */
  data: string | Dataset;
  /** Number of folds (≥ 2). */
  k: number;
  /** Seed of the fold assignment and of every refit (default: the run's seed, else 0). */
  seed?: number;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  /** Folder for the fold runs (`fold-1`, …); default: none, the folds train in memory. */
  out?: string;
  onFold?: (e: { fold: number; k: number; accuracy?: number }) => void;
}

/** One fold's scores. */
export interface FoldScore {
  fold: number;
  trainSize: number;
  testSize: number;
  accuracy: number;
  macroF1: number;
  logLoss: number;
  rocAuc: number | null;
}

/** What {@link crossValidate} returns. */
export interface KFoldResult {
  run: string;
  data: string;
  k: number;
  seed: number;
  /** The recipe refitted (training data and output folder left out). */
  config: Omit<FitConfig, 'train' | 'out' | 'val'>;
  folds: FoldScore[];
  /** Mean and sample standard deviation over the folds. */
  mean: { accuracy: number; macroF1: number; logLoss: number };
  std: { accuracy: number; macroF1: number; logLoss: number };
  /** Accuracy of the pooled out-of-fold predictions. */
  pooledAccuracy: number;
}

/**
 * Estimates how well a run's recipe generalises on small data: the data is split into k
 * stratified folds; for each fold the run's configuration (base model, strategy, epochs,
 * learning rate, per-class sampling, validation fraction, seed …) is trained from the start on
 * the other k − 1 folds (the run's own `--val` data is not used) and scored on the fold.
 * The run's trained model itself is not scored.
 *
 * @example
 * ```ts
 * const cv = await crossValidate({ run: 'runs/iris', data: 'builtin:iris', k: 5 });
 * console.log(`${cv.mean.accuracy} ± ${cv.std.accuracy}`);
 * ```
 */
export async function crossValidate(opts: KFoldOptions): Promise<KFoldResult> {
  await ensureEngine();
  if (!existsSync(join(opts.run, 'config.json'))) {
    throw new TransferkitError('NOT_A_RUN', `Cross-validation refits the recipe of a run, but ${opts.run} is not a run folder (no config.json)`, {
      where: opts.run,
      hint: 'Pass the run folder `fit` wrote as `run`, or score the model as it is (`transferkit evaluate` without --kfold).',
    });
  }
  const saved = JSON.parse(await readFile(join(opts.run, 'config.json'), 'utf8')) as FitConfig & { base?: string; createdAt?: string; classes?: string[] };
  const { train: _t, out: _o, val: _v, createdAt: _c, classes: _cl, ...recipe } = saved;
  const seed = opts.seed ?? recipe.seed ?? 0;
  const trained = await loadTrainedModel(opts.run);
  let ds: Dataset;
  try {
    // the folds refit from the run's base, which (an ONNX text encoder) reads the texts itself
    ds = await loadDataFor(trained, opts.data, { ...opts, keepTexts: true });
  } finally {
    trained.model.dispose();
  }
  const folds = stratifiedKFold(dropUnlabelled(ds), opts.k, seed);
  const scores: FoldScore[] = [];
  let pooledHits = 0;
  let pooledN = 0;
  for (let f = 0; f < folds.length; f++) {
    opts.onFold?.({ fold: f + 1, k: opts.k });
    // the fold runs are written only when asked for (`out`); otherwise they train in memory.
    // The recipe is the run's own: its validation fraction too (fit's default when it set none).
    const r = await runAndScore({
      base: recipe.base,
      strategy: recipe.strategy,
      train: folds[f].train,
      test: folds[f].test,
      seed,
      out: opts.out === undefined ? undefined : join(opts.out, `fold-${f + 1}`),
      fit: { ...recipe, valFraction: recipe.valFraction ?? FIT_DEFAULTS.valFraction },
    });
    const m = { accuracy: r.accuracy, macroF1: r.macroF1, n: folds[f].test.size };
    scores.push({ fold: f + 1, trainSize: folds[f].train.size, testSize: folds[f].test.size, accuracy: r.accuracy, macroF1: r.macroF1, logLoss: r.logLoss, rocAuc: r.rocAuc });
    pooledHits += m.accuracy * m.n;
    pooledN += m.n;
    opts.onFold?.({ fold: f + 1, k: opts.k, accuracy: m.accuracy });
  }
  const stat = (key: 'accuracy' | 'macroF1' | 'logLoss') => meanStd(scores.map((s) => s[key]));
  const acc = stat('accuracy');
  const f1 = stat('macroF1');
  const ll = stat('logLoss');
  return {
    run: opts.run,
    data: ds.name,
    k: opts.k,
    seed,
    config: recipe,
    folds: scores,
    mean: { accuracy: acc.mean, macroF1: f1.mean, logLoss: ll.mean },
    std: { accuracy: acc.std, macroF1: f1.std, logLoss: ll.std },
    pooledAccuracy: pooledN ? pooledHits / pooledN : NaN,
  };
}

function dropUnlabelled(ds: Dataset): Dataset {
  if (ds.labels.every((l) => l >= 0)) return ds;
  const keep: number[] = [];
  ds.labels.forEach((l, i) => l >= 0 && keep.push(i));
  return subset(ds, keep);
}
