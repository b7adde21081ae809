/**
 * Rebuilding which examples trained a run (its members) and which it held out (non-members)
 * from the run folder's `config.json`, as `fit` chose them.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { subset, type Dataset } from '../data/dataset.ts';
import { loadDataset } from '../data/load.ts';
import { samplePerClass, trainValTestSplit } from '../data/split.ts';
import { TransferkitError } from '../errors.ts';
import type { FeatureSpec } from '../data/features.ts';

/**
 * The members and non-members of a run, and how they were found.
 *
 * @example
 * ```ts
 * const r: RunMembers = await runMembers('runs/iris', trained.features);
 * r.members.size; r.nonMembers?.size; r.how;
 * ```
 */
export interface RunMembers {
  members: Dataset;
  /** Held-out examples of the same data: the run's validation split or data, or the rows `perClass` left out; absent when every row trained. */
  nonMembers?: Dataset;
  /** How they were found, in words. */
  how: string;
}

/** The part of `config.json` this needs (what `fit` writes). */
interface RunConfig {
  train?: unknown;
  val?: unknown;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  columnTypes?: Record<string, 'numeric' | 'categorical'>;
  perClass?: number;
  seed?: number;
  defaults?: { validation?: string; valFraction?: number };
}

/**
 * Whether `dir` is a run folder (holds `config.json`).
 *
 * @example
 * ```ts
 * isRunFolder('runs/iris'); // true after `transferkit fit --out runs/iris`
 * ```
 */
export function isRunFolder(dir: string): boolean {
  return existsSync(join(dir, 'config.json'));
}

/**
 * Rebuilds a run's training rows as `fit` drew them: the training data named in `config.json`
 * (`builtin:NAME` or a file, loaded with the recorded label column, imputation and column
 * types), then the recorded `perClass` sample, then the validation split when `fit` made one
 * (`defaults.validation: "split"`), all with the run's seed. Non-members are the validation
 * split, else the validation data given to `fit`, else the rows `perClass` left out. The count
 * of members is checked against `metrics.json` (`train.n`).
 *
 * Errors: `RUN_NOT_FOUND`, `CORRUPT_RUN`, `MISSING_OPTION` (the run trained on data in memory,
 * which its folder does not hold: pass members explicitly), `DATA_CHANGED` (the rebuilt rows do
 * not match the count the run trained on), and those of `loadDataset`.
 *
 * @example
 * ```ts
 * const { members, nonMembers } = await runMembers('runs/iris');
 * ```
 */
export async function runMembers(dir: string, features?: FeatureSpec): Promise<RunMembers> {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) {
    throw new TransferkitError('RUN_NOT_FOUND', `No run found in ${dir} (config.json is missing), so its training rows cannot be rebuilt`, { where: dir, hint: 'Pass the members (training data) and non-members (held-out data) yourself.' });
  }
  const cfg = (await readJson(configPath)) as RunConfig;
  if (typeof cfg.train !== 'string') {
    throw new TransferkitError('MISSING_OPTION', `The run in ${dir} trained on a dataset in memory, which its folder does not hold, so its training rows cannot be rebuilt`, { where: configPath, hint: 'Pass the members (the training data) and the non-members (held-out data) yourself.' });
  }
  const image = features?.kind === 'image' ? features : undefined;
  const load = (spec: string) => loadDataset(spec, { label: cfg.label, impute: cfg.impute, columnTypes: cfg.columnTypes, image });
  const seed = cfg.seed ?? 0;
  let train = await load(cfg.train);
  let nonMembers: Dataset | undefined;
  const how: string[] = [`members: the rows of ${cfg.train}`];
  if (cfg.perClass) {
    const s = samplePerClass(train, cfg.perClass, seed);
    train = s.sample;
    how.push(`the ${cfg.perClass} per class drawn with seed ${seed}`);
    const labelled = Array.from(s.rest.labels.keys()).filter((i) => s.rest.labels[i] >= 0);
    if (labelled.length > 0) nonMembers = subset(s.rest, labelled);
  }
  if (typeof cfg.val === 'string') {
    nonMembers = await load(cfg.val);
    how.push(`non-members: the validation data ${cfg.val} (used only for early stopping)`);
  } else if (cfg.defaults?.validation === 'split') {
    const split = trainValTestSplit(train, { val: cfg.defaults.valFraction ?? 0.15, test: 0, seed });
    train = split.train;
    nonMembers = split.val;
    how.push(`less the ${Math.round((cfg.defaults.valFraction ?? 0.15) * 100)}% validation split (seed ${seed}), which are the non-members (used only for early stopping)`);
  } else if (nonMembers) {
    how.push('non-members: the rows the per-class sample left out');
  }
  const metrics = (await readJson(join(dir, 'metrics.json')).catch(() => undefined)) as { train?: { n?: number } } | undefined;
  const n = metrics?.train?.n;
  if (typeof n === 'number' && n !== train.size) {
    throw new TransferkitError('DATA_CHANGED', `Rebuilding the training rows of ${dir} gave ${train.size} rows, but the run trained on ${n}: the data changed since`, { where: String(cfg.train), hint: 'Pass the exact training data as members and held-out data as non-members.' });
  }
  return { members: train, nonMembers, how: how.join(', ') };
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new TransferkitError('CORRUPT_RUN', `${path} cannot be read as JSON: ${(err as Error).message}`, { where: path, hint: 'Pass the members and non-members yourself.', cause: err });
  }
}
