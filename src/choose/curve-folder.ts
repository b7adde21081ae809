/**
 * A learning curve's folder: `curve-options.json`, which records what rebuilds the curve's runs
 * (for `resumeLearningCurve`), and the claim on the folder (its lock, and an empty folder for a
 * new curve) that keeps two curves' runs from mixing.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { TransferkitError } from '../errors.ts';
import { absoluteModelRef } from '../models/zoo.ts';
import { lockFolder, RUN_LOCK } from '../runs/run-folder.ts';
import type { Strategy } from '../transfer/strategies.ts';
import type { CurveOptions, CurveResult } from './curve-types.ts';
import type { ShiftSummary } from './verdict.ts';

/** The file in a curve's `out` folder that records its options, for {@link resumeLearningCurve}. */
export const CURVE_OPTIONS_FILE = 'curve-options.json';

/**
 * What `curve-options.json` holds: the options that rebuild the curve's runs (not `out`,
 * callbacks or `threads`), the seeds and strategies as resolved, and the cut and shift measured
 * before training (so a resumed curve does not measure them again). Datasets given in memory are
 * recorded only by name and size, and listed in `inMemory`: such a curve cannot be resumed.
 *
 * @example
 * ```ts
 * const saved = JSON.parse(await readFile(join(out, CURVE_OPTIONS_FILE), 'utf8')) as SavedCurveOptions;
 * saved.options.sizes; // [1, 10, 100]
 * ```
 */
export interface SavedCurveOptions {
  format: 'transferkit-curve-options@1';
  createdAt: string;
  options: Omit<CurveOptions, 'out' | 'onRun' | 'callbacks' | 'threads'> & { seeds: number[]; strategies: Strategy[] };
  /** Options given as data in memory (e.g. `train`, `fit.val`), which the file cannot hold. */
  inMemory: string[];
  cut: CurveResult['cut'];
  shift?: ShiftSummary;
}

/**
 * Locks a curve's `out` folder (made if missing) and, for a new curve, checks that it is empty:
 * runs already there (of another curve, or of one whose options file is gone) would be picked up
 * by a resume as if they were this curve's. Returns the lock's release.
 *
 * @throws TransferkitError `RUN_LOCKED` (another process works there), `RUN_EXISTS` (a curve is
 *   there already: resume it), `OUT_NOT_EMPTY`.
 * @example
 * ```ts
 * const release = await claimCurveFolder('curves/mnist', false);
 * try { … } finally { await release(); }
 * ```
 */
export async function claimCurveFolder(out: string, resuming: boolean): Promise<() => Promise<void>> {
  const release = await lockFolder(out, 'learning curve');
  if (resuming) return release;
  try {
    if (existsSync(join(out, CURVE_OPTIONS_FILE))) {
      throw new TransferkitError('RUN_EXISTS', `The folder ${out} already holds a learning curve`, {
        where: out,
        hint: `Continue it with \`resumeLearningCurve\` (\`transferkit curve --resume ${out}\`), or choose another \`out\` folder.`,
      });
    }
    const entries = (await readdir(out)).filter((n) => n !== RUN_LOCK);
    if (entries.length > 0) {
      throw new TransferkitError('OUT_NOT_EMPTY', `The output folder ${out} is not empty (it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}), and a learning curve's runs must not mix with what is there`, {
        where: out,
        hint: 'Choose a new or empty `out` folder (`--out`), or delete that one to start the curve again.',
      });
    }
  } catch (err) {
    await release();
    throw err;
  }
  return release;
}

/**
 * The curve's options as `curve-options.json` records them.
 *
 * @example
 * ```ts
 * await writeJsonAtomic(join(out, CURVE_OPTIONS_FILE), savedCurveOptions(opts, [1, 2, 3], ['extract', 'scratch'], cut, shift));
 * ```
 */
export function savedCurveOptions(opts: CurveOptions, seeds: number[], strategies: Strategy[], cut: CurveResult['cut'], shift: ShiftSummary | undefined): SavedCurveOptions {
  const { out: _out, onRun: _onRun, callbacks: _callbacks, threads: _threads, ...rest } = opts;
  const inMemory: string[] = [];
  // files are recorded as absolute paths, so a resume from another directory (the dashboard
  // resumes in its own) reads the same files; builtin:NAME data and model names stay as they are
  const ref = <T>(name: string, v: T): T | string | { inMemory: true; name: string } => {
    if (typeof v === 'string') return name.endsWith('base') ? absoluteModelRef(v) : absoluteDataRef(v);
    if (v === undefined || v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    inMemory.push(name);
    return { inMemory: true, name: String((v as { name?: unknown; ref?: unknown }).name ?? (v as { ref?: unknown }).ref ?? name) };
  };
  const fit = rest.fit && { ...rest.fit, train: ref('fit.train', rest.fit.train), val: ref('fit.val', rest.fit.val), base: ref('fit.base', rest.fit.base) };
  const options = { ...rest, base: absoluteModelRef(rest.base), train: ref('train', rest.train), test: ref('test', rest.test), fit, seeds, strategies } as SavedCurveOptions['options'];
  return { format: 'transferkit-curve-options@1', createdAt: new Date().toISOString(), options, inMemory, cut, ...(shift ? { shift } : {}) };
}

/** A dataset reference as it reads from any current directory: `builtin:NAME` as it is, a file or folder made absolute. */
function absoluteDataRef(spec: string): string {
  return spec.startsWith('builtin:') || isAbsolute(spec) ? spec : resolve(spec);
}
