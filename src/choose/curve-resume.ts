/**
 * Resuming an interrupted learning curve: its `curve-options.json` rebuilds the same runs, runs
 * that finished are scored from their folders without training, an interrupted run continues from
 * its last checkpoint, and the rest train. Every run is seeded and resumes bit-exactly, so the
 * result equals that of an uninterrupted curve (only times differ).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TransferkitError } from '../errors.ts';
import { CURVE_OPTIONS_FILE, learningCurve, type CurveOptions, type CurveResult, type SavedCurveOptions } from './curve.ts';

/** Options of {@link resumeLearningCurve}: what is not recorded in the curve's folder. */
export type ResumeCurveOptions = Pick<CurveOptions, 'onRun' | 'callbacks' | 'threads'>;

/**
 * Continues the learning curve whose `out` folder is `dir` (killed, stopped or crashed part-way)
 * and returns, and writes to `<dir>/curve.json`, what {@link learningCurve} would have. A curve
 * that had finished is summarised again from its runs, without training.
 *
 * @throws TransferkitError `RUN_NOT_FOUND` (no curve-options.json in `dir`), `CORRUPT_RUN` (it does
 *   not parse), `RESUME_IN_MEMORY` (the curve was given datasets in memory), `RUN_LOCKED` (a live
 *   process is training the curve), `RUN_MISMATCH` (a run folder holds a run with other settings
 *   or data than the curve gives it: delete that run folder), and those of the runs (e.g.
 *   `DATA_CHANGED` when the data changed since).
 * @example
 * ```ts
 * const c = await resumeLearningCurve('curves/mnist', { threads: 2 });
 * console.log(c.verdict.text);
 * ```
 */
export async function resumeLearningCurve(dir: string, opts: ResumeCurveOptions = {}): Promise<CurveResult> {
  const saved = await readCurveOptions(dir);
  if (saved.inMemory.length > 0) {
    throw new TransferkitError('RESUME_IN_MEMORY', `The learning curve in ${dir} was given data in memory (${saved.inMemory.join(', ')}), which its folder does not hold, so it cannot be resumed`, {
      where: join(dir, CURVE_OPTIONS_FILE),
      hint: 'Run learningCurve again with a new `out` folder; curves on files or builtin:NAME data resume.',
    });
  }
  return learningCurve({ ...saved.options, ...opts, out: dir }, { cut: saved.cut, shift: saved.shift });
}

/**
 * Reads and checks `<dir>/curve-options.json`.
 *
 * @throws TransferkitError `RUN_NOT_FOUND` (missing), `CORRUPT_RUN` (does not parse, or is not a curve's options).
 * @example
 * ```ts
 * const { options } = await readCurveOptions('curves/mnist');
 * ```
 */
export async function readCurveOptions(dir: string): Promise<SavedCurveOptions> {
  const path = join(dir, CURVE_OPTIONS_FILE);
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) {
    throw new TransferkitError('RUN_NOT_FOUND', `No learning curve to resume in ${dir} (${CURVE_OPTIONS_FILE} is missing)`, {
      where: dir,
      hint: 'Pass the `out` folder of an earlier curve (`transferkit curve --out <dir>`); curves written before curve-options.json existed cannot be resumed.',
    });
  }
  let saved: SavedCurveOptions;
  try {
    saved = JSON.parse(text) as SavedCurveOptions;
  } catch (err) {
    throw new TransferkitError('CORRUPT_RUN', `The curve file ${path} is damaged: ${(err as Error).message}`, { where: path, hint: 'Restore the file, or start the curve again with another `out` folder.', cause: err });
  }
  if (saved?.format !== 'transferkit-curve-options@1' || typeof saved.options !== 'object' || !Array.isArray(saved.options.sizes) || !saved.cut) {
    throw new TransferkitError('CORRUPT_RUN', `The curve file ${path} is not a learning curve's options (format transferkit-curve-options@1)`, { where: path, hint: 'Restore the file, or start the curve again with another `out` folder.' });
  }
  saved.inMemory ??= [];
  return saved;
}
