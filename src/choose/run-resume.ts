/**
 * Picking a measured run up where an interrupted experiment left it: a run folder whose run
 * finished is not trained again (its model, history and time are read back), an interrupted one
 * continues from its last checkpoint (`resumeFit`, bit-exactly), and a missing one trains anew.
 * Learning curves resume through it (`resumeLearningCurve`).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { datasetFingerprint } from '../data/fingerprint.ts';
import { absoluteModelRef } from '../models/zoo.ts';
import { TransferkitError } from '../errors.ts';
import { loadTrainedModel } from '../models/trained-model.ts';
import { fittedModel, type FittedModel } from '../models/model-handle.ts';
import { readRunState } from '../runs/run-folder.ts';
import { fit, resumeFit, type FitCallbacks, type FitConfig } from '../transfer/fit.ts';
import type { EpochRecord } from '../transfer/train.ts';

/**
 * A trained run, from training now or from its folder: the model (the caller disposes it), the
 * whole epoch history, the epochs and the training seconds.
 *
 * @example
 * ```ts
 * const t: TrainedRun = await trainOrResume(config, {}, true);
 * t.model.dispose();
 * ```
 */
export interface TrainedRun {
  model: FittedModel;
  history: EpochRecord[];
  epochs: number;
  seconds: number;
  /** What happened: trained from the start, continued from a checkpoint, or read back (finished earlier). */
  how: 'trained' | 'resumed' | 'loaded';
}

/**
 * Trains `config` with `fit`; with `resume` and a run folder that already holds this run, uses
 * it instead: a finished run is loaded (no training; the history, epochs and seconds it recorded),
 * an unfinished one continues with `resumeFit` on the same in-memory data (its recorded data
 * fingerprint must match). The history, epochs and seconds then cover the whole run, as an
 * uninterrupted one reports them.
 *
 * Before reusing a run it checks that it is this one: its config.json must record the same
 * strategy, seed, training settings (epochs, learning rate, cut, …), base and data (the recorded
 * fingerprint of data given in memory) as `config`.
 *
 * @throws TransferkitError `RUN_MISMATCH` (the run folder holds a run with other settings or data:
 *   the message names the folder and what differs), and those of `fit` / `resumeFit` /
 *   `loadTrainedModel` (e.g. `DATA_CHANGED`, `CORRUPT_RUN`).
 * @example
 * ```ts
 * const run = await trainOrResume({ strategy: 'extract', base: 'fashion-cnn', train, seed: 1, out: 'curve/n10/extract-seed1' }, {}, true);
 * console.log(run.how, run.epochs);
 * run.model.dispose();
 * ```
 */
export async function trainOrResume(config: FitConfig, callbacks: FitCallbacks, resume: boolean): Promise<TrainedRun> {
  const out = config.out;
  if (!resume || out === undefined || !existsSync(join(out, 'config.json'))) {
    const history: EpochRecord[] = [];
    const res = await fit(config, { ...callbacks, onEpoch: (r) => (history.push(r), callbacks.onEpoch?.(r)) });
    return { model: res.model, history, epochs: res.epochs, seconds: res.seconds, how: 'trained' };
  }
  // the run there must be this one: other settings or data would silently mix two experiments
  await checkSameRun(out, config);
  const state = await readRunState(out);
  if (state?.finished) {
    const history = await readHistory(out);
    const seconds = await recordedSeconds(out);
    const t = await loadTrainedModel(out);
    const model = fittedModel(t.model, { classes: t.classes, features: t.features, meta: t.meta, saved: t.dir });
    return { model, history, epochs: history.length, seconds, how: 'loaded' };
  }
  const data = { train: typeof config.train === 'string' ? undefined : config.train, val: typeof config.val === 'object' ? (config.val as Dataset) : undefined };
  const res = await resumeFit(out, callbacks, data);
  const history = await readHistory(out);
  // resumeFit's seconds cover the whole run (those before the interruption too), as metrics.json records them
  return { model: res.model, history, epochs: history.length, seconds: res.seconds, how: 'resumed' };
}

/** The settings of a run's config.json that are bookkeeping, or compared on their own (data, base). */
const NOT_SETTINGS = new Set(['train', 'val', 'base', 'out', 'createdAt', 'classes', 'dataFingerprint', 'defaults']);

/**
 * Refuses to reuse the run in `out` when its config.json records other settings (strategy, seed,
 * epochs, learning rate, cut, …), another base or other data than `config` asks for.
 *
 * @throws TransferkitError `RUN_MISMATCH` (naming the run folder and what differs), `CORRUPT_RUN` (config.json does not parse).
 */
async function checkSameRun(out: string, config: FitConfig): Promise<void> {
  const path = join(out, 'config.json');
  let saved: Record<string, unknown> & { dataFingerprint?: { given?: { train?: string; val?: string } } };
  try {
    saved = JSON.parse(await readFile(path, 'utf8')) as typeof saved;
  } catch (err) {
    throw new TransferkitError('CORRUPT_RUN', `The run file ${path} is missing or damaged: ${(err as Error).message}`, { where: path, hint: `Delete that run folder (${out}); resuming trains it again.`, cause: err });
  }
  // as config.json records them: JSON, without undefined values
  const now = JSON.parse(JSON.stringify({ ...config, train: undefined, val: undefined, base: undefined })) as Record<string, unknown>;
  const differences: string[] = [];
  for (const key of new Set([...Object.keys(now), ...Object.keys(saved)])) {
    if (NOT_SETTINGS.has(key)) continue;
    const was = JSON.stringify(saved[key]);
    const is = JSON.stringify(now[key]);
    if (was !== is) differences.push(`${key}: ${was ?? 'not set'} in the run, ${is ?? 'not set'} now`);
  }
  const baseNow = typeof config.base === 'object' ? config.base.ref : config.base;
  const baseWas = typeof saved.base === 'string' ? saved.base : undefined;
  if ((baseWas === undefined ? undefined : absoluteModelRef(baseWas)) !== (baseNow === undefined ? undefined : absoluteModelRef(baseNow))) {
    differences.push(`base: ${baseWas ?? 'none'} in the run, ${baseNow ?? 'none'} now`);
  }
  for (const key of ['train', 'val'] as const) {
    const d = dataDifference(key, saved[key], saved.dataFingerprint?.given?.[key], config[key]);
    if (d) differences.push(d);
  }
  if (differences.length === 0) return;
  throw new TransferkitError('RUN_MISMATCH', `The run in ${out} was trained with other settings or data than this experiment gives it (${differences.join('; ')}), so using it would mix two experiments`, {
    where: path,
    hint: `Delete that run folder (${out}) and resume again: it is then trained with these settings; or resume into the folder the experiment was started in.`,
  });
}

/** How the data a run recorded for `key` differs from the data given now (undefined: the same, as far as recorded). */
function dataDifference(key: 'train' | 'val', recorded: unknown, fingerprint: string | undefined, given: string | Dataset | undefined): string | undefined {
  if (given === undefined || recorded === undefined || recorded === null) return (given === undefined) === (recorded === undefined || recorded === null) ? undefined : `${key}: ${recorded === undefined || recorded === null ? 'none' : 'given'} in the run, ${given === undefined ? 'none' : 'given'} now`;
  if (typeof given === 'string' || typeof recorded === 'string') {
    const same = typeof given === 'string' && typeof recorded === 'string' && (given === recorded || resolve(given) === resolve(recorded));
    return same ? undefined : `${key}: ${describe(recorded)} in the run, ${typeof given === 'string' ? given : `"${given.name}" in memory`} now`;
  }
  const ref = recorded as { name?: unknown; size?: unknown };
  if (fingerprint !== undefined) return fingerprint === datasetFingerprint(given) ? undefined : `${key}: other data (fingerprint ${fingerprint.slice(0, 12)}… in the run, ${datasetFingerprint(given).slice(0, 12)}… now)`;
  // a run that recorded no fingerprint of its data: its description must match
  return ref.name === given.name && ref.size === given.size ? undefined : `${key}: "${String(ref.name)}" (${String(ref.size)} examples) in the run, "${given.name}" (${given.size}) now`;
}

/** A recorded dataset reference in a message. */
function describe(recorded: unknown): string {
  return typeof recorded === 'string' ? recorded : `"${String((recorded as { name?: unknown }).name)}" in memory`;
}

/** The epoch records of a run folder's history.jsonl. */
async function readHistory(out: string): Promise<EpochRecord[]> {
  const path = join(out, 'history.jsonl');
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.trim()).map((l, i) => {
    try {
      return JSON.parse(l) as EpochRecord;
    } catch (err) {
      throw new TransferkitError('CORRUPT_RUN', `The run file ${path} is damaged at line ${i + 1}: ${(err as Error).message}`, { where: `${path}:${i + 1}`, hint: 'Delete that run folder; resuming trains it again.', cause: err });
    }
  });
}

/** The training seconds a finished run recorded in metrics.json. */
async function recordedSeconds(out: string): Promise<number> {
  const path = join(out, 'metrics.json');
  try {
    const m = JSON.parse(await readFile(path, 'utf8')) as { seconds?: unknown };
    if (typeof m.seconds === 'number') return m.seconds;
  } catch (err) {
    throw new TransferkitError('CORRUPT_RUN', `The run file ${path} is missing or damaged: ${(err as Error).message}`, { where: path, hint: 'Delete that run folder; resuming trains it again.', cause: err });
  }
  throw new TransferkitError('CORRUPT_RUN', `The run file ${path} records no training seconds`, { where: path, hint: 'Delete that run folder; resuming trains it again.' });
}
