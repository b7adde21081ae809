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
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
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
 * @throws TransferkitError those of `fit` / `resumeFit` / `loadTrainedModel` (e.g. `DATA_CHANGED`, `CORRUPT_RUN`).
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
  const state = await readRunState(out);
  if (state?.finished) {
    const history = await readHistory(out);
    const seconds = await recordedSeconds(out);
    const t = await loadTrainedModel(out);
    const model = fittedModel(t.model, { classes: t.classes, features: t.features, meta: t.meta, saved: t.dir });
    return { model, history, epochs: history.length, seconds, how: 'loaded' };
  }
  const data = { train: typeof config.train === 'string' ? undefined : config.train, val: typeof config.val === 'object' ? (config.val as Dataset) : undefined };
  let added = 0;
  const res = await resumeFit(out, { ...callbacks, onEpoch: (r) => (added++, callbacks.onEpoch?.(r)) }, data);
  const history = await readHistory(out);
  // the seconds of the epochs trained before the interruption, plus this call's
  const before = history.slice(0, history.length - added).reduce((s, h) => s + h.seconds, 0);
  return { model: res.model, history, epochs: history.length, seconds: before + res.seconds, how: 'resumed' };
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
