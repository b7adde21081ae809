import { existsSync, rmSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';
import { TransferkitError } from '../errors.ts';
import { pidAlive, removeStaleTemps, syncDir, tempOwner, writeError, writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';

/** Model folders of a run, as paths inside it, that a crash mid-save can leave swapped out. */
const MODEL_FOLDERS: string[][] = [['checkpoints', 'last'], ['checkpoints', 'best'], ['model']];

/** What {@link recoverRun} did to a run folder after a crash. */
export interface RunRecovery {
  /** Model folders put back in place, with where from (`checkpoints/last ← .last.old-…`). */
  restored: string[];
  /** Temporary files and folders of dead processes that were deleted. */
  removed: string[];
}

/** Reads a JSON file of a run folder; a damaged one is a `CORRUPT_RUN` error naming it. */
async function readRunJson<T>(path: string): Promise<T> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new TransferkitError('CORRUPT_RUN', `The run file ${path} is damaged: ${(err as Error).message}`, {
      where: path,
      hint: 'Restore the file from a backup, or start a new run with another `out` folder.',
      cause: err,
    });
  }
}

/**
 * Whether a model folder left by a crash is complete: `model.json` and `transferkit.json` parse
 * and `weights.bin` holds as many bytes as the manifest lists. (saveModel writes and flushes
 * weights.bin, model.json, transferkit.json in that order, so a folder killed mid-write fails this.)
 */
async function completeModelFolder(dir: string): Promise<boolean> {
  try {
    const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { weightsManifest?: Array<{ paths: string[]; weights: Array<{ shape: number[]; dtype: string; quantization?: unknown }> }> };
    JSON.parse(await readFile(join(dir, 'transferkit.json'), 'utf8'));
    const bytes: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };
    for (const group of modelJson.weightsManifest ?? []) {
      if (group.weights.some((w) => w.quantization !== undefined || !(w.dtype in bytes))) continue; // sizes not checked: trust the files
      const expected = group.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * bytes[w.dtype], 0);
      let actual = 0;
      for (const p of group.paths) actual += (await stat(join(dir, p))).size;
      if (actual !== expected) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Repairs a run folder after a crash or kill, before it is resumed:
 * - a model folder (`checkpoints/last`, `checkpoints/best`, `model`) that a save swapped out and
 *   never swapped back in (killed between its two renames) is restored: from its aside copy
 *   `.NAME.old-<pid>-…` (which matches `checkpoints/state.json`, written after each checkpoint),
 *   else from a complete temporary folder `.NAME.tmp-<pid>-…`;
 * - temporary files and folders of processes that are no longer running are deleted (a
 *   half-written temporary folder included); those of running processes are kept.
 *
 * @example
 * ```ts
 * const { restored, removed } = await recoverRun('runs/mnist');
 * ```
 */
export async function recoverRun(dir: string): Promise<RunRecovery> {
  const restored: string[] = [];
  for (const parts of MODEL_FOLDERS) {
    const name = parts.at(-1)!;
    const parent = join(dir, ...parts.slice(0, -1));
    const target = join(parent, name);
    if (await lstat(target).then(() => true, () => false)) continue;
    const names = (await readdir(parent).catch(() => [] as string[])).filter((n) => {
      const pid = tempOwner(n);
      return pid !== undefined && !pidAlive(pid);
    });
    // newest first: the tag after the pid is <time>-<counter>
    const newest = (kind: 'old' | 'tmp') =>
      names
        .filter((n) => n.startsWith(`.${name}.${kind}-`))
        .sort((a, b) => tagTime(b) - tagTime(a));
    let from = newest('old')[0];
    if (!from) {
      for (const t of newest('tmp')) {
        if (await completeModelFolder(join(parent, t))) {
          from = t;
          break;
        }
      }
    }
    if (!from) continue;
    try {
      await rename(join(parent, from), target);
    } catch (err) {
      throw writeError(err, target);
    }
    await syncDir(parent);
    restored.push(`${parts.join('/')} ← ${from}`);
  }
  const removed: string[] = [];
  for (const parent of [dir, join(dir, 'checkpoints')]) {
    try {
      const gone = await removeStaleTemps(parent);
      removed.push(...gone.map((n) => (parent === dir ? n : `checkpoints/${n}`)));
    } catch (err) {
      throw writeError(err, parent);
    }
  }
  return { restored, removed };
}

/** The time in a saveModel temporary name `.NAME.tmp-<pid>-<time>-<n>` (0 when absent). */
function tagTime(name: string): number {
  const m = /-(\d+)-(\d+)-(\d+)$/.exec(name);
  return m ? Number(m[2]) + Number(m[3]) / 1e6 : 0;
}

/** The copy of the run state saved inside each `checkpoints/last` (see {@link RunFolder.state}). */
export const CHECKPOINT_STATE = 'run-state.json';

/**
 * The lock file of a run folder (or of a learning curve's folder, see {@link lockFolder}): held by
 * the process that trains it. It holds the pid, and for a lock taken on a worker thread also the
 * thread's id (`<pid> <threadId>`), so a worker pool that terminated its threads can release the
 * locks they held ({@link releaseThreadLocks}).
 */
export const RUN_LOCK = '.lock';

/** Lock files this thread holds, removed when the process exits. */
const heldLocks = new Set<string>();
let exitHook = false;

/** What this thread writes into a lock file: the pid, and on a worker thread its thread id. */
function lockText(): string {
  return threadId === 0 ? String(process.pid) : `${process.pid} ${threadId}`;
}

/** The pid and thread id (0: the main thread) a lock file's text names; undefined when it names none. */
function parseLock(text: string | undefined): { pid: number; thread: number } | undefined {
  const [pid, thread] = (text ?? '').trim().split(/\s+/).map((w) => Number.parseInt(w, 10));
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, thread: Number.isInteger(thread) && thread >= 0 ? thread : 0 };
}

/**
 * The pid of the running process that holds the lock of the run folder `dir`, or undefined
 * (no lock, or a stale one whose process is gone). `read` reads a file of the folder by its
 * relative path (the dashboard passes one that refuses links pointing out of it).
 *
 * @example
 * ```ts
 * const pid = await runLockOwner('runs/mnist'); // a number while `fit` trains it
 * ```
 */
export async function runLockOwner(dir: string, read: (rel: string) => Promise<string | undefined> = (rel) => readFile(join(dir, rel), 'utf8').catch(() => undefined)): Promise<number | undefined> {
  const lock = parseLock(await read(RUN_LOCK));
  return lock && pidAlive(lock.pid) ? lock.pid : undefined;
}

/**
 * Removes the locks in the folders `dirs` that threads `threads` of this process took and never
 * released: a worker pool calls it once it has terminated those threads (a run they were
 * training stops mid-way, its lock left behind), so the runs can be resumed in this process.
 * Locks of other processes and of other threads are left alone.
 *
 * @example
 * ```ts
 * await pool.close();
 * await releaseThreadLocks(specs.map((s) => s.out), pool.threadIds);
 * ```
 */
export async function releaseThreadLocks(dirs: Iterable<string | undefined>, threads: readonly number[]): Promise<void> {
  for (const dir of dirs) {
    if (dir === undefined) continue;
    const path = join(dir, RUN_LOCK);
    const lock = parseLock(await readFile(path, 'utf8').catch(() => undefined));
    if (lock && lock.pid === process.pid && lock.thread !== threadId && threads.includes(lock.thread)) await rm(path, { force: true });
  }
}

/**
 * Takes the lock of folder `dir` (made if missing) for this thread; a stale lock (its process
 * gone) is taken over. `what` names the folder's content in the `RUN_LOCKED` message.
 */
async function takeLock(dir: string, what = 'run'): Promise<string> {
  const path = join(dir, RUN_LOCK);
  await mkdir(dir, { recursive: true }).catch((err: unknown) => Promise.reject(writeError(err, dir)));
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, lockText(), { flag: 'wx' });
      heldLocks.add(resolve(path));
      if (!exitHook) {
        exitHook = true;
        process.once('exit', () => {
          for (const p of heldLocks) rmSync(p, { force: true });
        });
      }
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError(err, path);
      const pid = await runLockOwner(dir);
      if (pid !== undefined) {
        throw new TransferkitError('RUN_LOCKED', `The ${what} in ${dir} is being trained by another process (pid ${pid})`, {
          where: path,
          hint: `Wait for process ${pid} to finish (or stop it), then try again; the dashboard shows such a ${what} as "training".`,
        });
      }
      await rm(path, { force: true }); // its process is gone: stale
    }
  }
  throw new TransferkitError('RUN_LOCKED', `The ${what} in ${dir} is locked by another process`, { where: path, hint: 'Wait for the other process to finish, then try again.' });
}

/** Releases a lock {@link takeLock} took. */
async function releaseLock(path: string): Promise<void> {
  heldLocks.delete(resolve(path));
  await rm(path, { force: true });
}

/**
 * Locks folder `dir` (made if missing) for this process until the returned function is called,
 * as a run folder is locked while it trains: a learning curve holds its `out` folder's lock for
 * its whole duration, so a second curve or resume there is refused and the dashboard shows it as
 * training. A stale lock (its process gone) is taken over.
 *
 * @throws TransferkitError `RUN_LOCKED` (a live process holds it), `WRITE_FAILED` (the folder cannot be written).
 * @example
 * ```ts
 * const release = await lockFolder('curves/mnist', 'learning curve');
 * try { await trainEverything(); } finally { await release(); }
 * ```
 */
export async function lockFolder(dir: string, what: string): Promise<() => Promise<void>> {
  const path = await takeLock(dir, what);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await releaseLock(path);
  };
}

/**
 * Where the run in `dir` stands, read only (as {@link RunFolder.state} finds it: state.json, or
 * the copy inside `checkpoints/last` when that is further along). `read` reads a file of the
 * folder by its relative path; files that are missing or do not parse count as absent.
 *
 * @example
 * ```ts
 * const state = await readRunState('runs/mnist'); // { phase: 'head', epoch: 3, ... }
 * ```
 */
export async function readRunState(dir: string, read: (rel: string) => Promise<string | undefined> = (rel) => readFile(join(dir, rel), 'utf8').catch(() => undefined)): Promise<RunState | undefined> {
  return pickState(stateOf(await read(join('checkpoints', 'state.json'))), stateOf(await read(join('checkpoints', 'last', CHECKPOINT_STATE))));
}

/** A run state parsed from `text`; undefined when missing, not JSON, or not a run state. */
function stateOf(text: string | undefined): RunState | undefined {
  try {
    const s = JSON.parse(text ?? '') as RunState;
    return s && typeof s.phase === 'string' && Number.isInteger(s.epoch) && Array.isArray(s.donePhases) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** state.json (`outer`), unless the copy inside checkpoints/last (`inner`) is further along. */
function pickState(outer: RunState | undefined, inner: RunState | undefined): RunState | undefined {
  if (!inner) return outer;
  return !outer || furtherAlong(inner, outer) ? inner : outer;
}

/** Whether run state `a` is further along than `b` (more phases done, or a later epoch of the same phase). */
function furtherAlong(a: RunState, b: RunState): boolean {
  if (a.finished !== b.finished) return a.finished;
  if (a.donePhases.length !== b.donePhases.length) return a.donePhases.length > b.donePhases.length;
  // the same phases done, other phases named: the one in its next phase (not done yet) is ahead
  if (a.phase !== b.phase) return !a.donePhases.includes(a.phase) && b.donePhases.includes(b.phase);
  return a.epoch > b.epoch;
}

/** Where a run stands, saved with every checkpoint so `--resume` can continue it. */
export interface RunState {
  /** Phase being trained (e.g. `head`, `finetune`, `train`). */
  phase: string;
  /** Last completed epoch of that phase. */
  epoch: number;
  /** Phases already finished, in order. */
  donePhases: string[];
  /** True once the final model and metrics are written. */
  finished: boolean;
}

/**
 * A run folder: `config.json`, `history.jsonl`, `metrics.json`, `model/`, `checkpoints/`.
 * Every file is written to a temporary name and renamed into place.
 *
 * @example
 * ```ts
 * const run = await RunFolder.create('runs/mnist', { strategy: 'finetune' });
 * await run.appendHistory({ phase: 'head', epoch: 1, loss: 0.7 });
 * ```
 */
export class RunFolder {
  readonly dir: string;
  private history: unknown[];
  /** The lock file this process holds while it writes the run (undefined once closed). */
  private lock: string | undefined;

  private constructor(dir: string, history: unknown[]) {
    this.dir = dir;
    this.history = history;
  }

  /**
   * Starts a new run in `dir`. Refuses a folder that already holds a run, so nothing a user
   * trained is overwritten by accident. The run holds `dir/.lock` until {@link RunFolder.close}.
   *
   * @throws TransferkitError `RUN_EXISTS`, `OUT_NOT_EMPTY`, `NOT_A_DIRECTORY`, `RUN_LOCKED` (another live process writes the folder).
   */
  static async create(dir: string, config: unknown): Promise<RunFolder> {
    const st = await stat(dir).catch(() => null);
    if (st && !st.isDirectory()) {
      throw new TransferkitError('NOT_A_DIRECTORY', `The output folder ${dir} is a file`, { where: dir, hint: 'Choose a new or empty `out` folder.' });
    }
    if (existsSync(join(dir, 'config.json'))) {
      throw new TransferkitError('RUN_EXISTS', `The folder ${dir} already holds a run`, {
        where: dir,
        hint: 'Continue it (`resumeFit`, or `transferkit fit --resume`), or choose another `out` folder.',
      });
    }
    // a fit killed while writing config.json leaves only its temporary: not a reason to refuse the folder
    if (st) await removeStaleTemps(dir).catch((err: unknown) => Promise.reject(writeError(err, dir)));
    const run = new RunFolder(dir, []);
    run.lock = await takeLock(dir);
    try {
      if ((await readdir(dir)).some((n) => n !== RUN_LOCK)) {
        throw new TransferkitError('OUT_NOT_EMPTY', `The output folder ${dir} is not empty`, { where: dir, hint: 'Choose an empty or new `out` folder.' });
      }
      await writeJsonAtomic(join(dir, 'config.json'), config);
    } catch (err) {
      await run.close();
      throw err;
    }
    return run;
  }

  /**
   * Opens an existing run to resume it. First repairs what a crash or kill left behind
   * ({@link recoverRun}): a checkpoint swapped out and not back in is restored, stale temporary
   * files are deleted.
   *
   * The run holds `dir/.lock` until {@link RunFolder.close}.
   *
   * @throws TransferkitError `RUN_NOT_FOUND` (no config.json), `CORRUPT_RUN` (config.json,
   *   history.jsonl or checkpoints/state.json does not parse; the file is named), `RUN_LOCKED`
   *   (another live process trains it).
   */
  static async open(dir: string): Promise<RunFolder> {
    if (!existsSync(join(dir, 'config.json'))) {
      throw new TransferkitError('RUN_NOT_FOUND', `No run found in ${dir} (config.json is missing)`, {
        where: dir,
        hint: 'Pass the `out` folder of an earlier fit.',
      });
    }
    const run = new RunFolder(dir, []);
    run.lock = await takeLock(dir);
    try {
      await readRunJson(join(dir, 'config.json'));
      await recoverRun(dir);
      const historyPath = join(dir, 'history.jsonl');
      if (existsSync(historyPath)) run.history = parseHistory(await readFile(historyPath, 'utf8'), historyPath);
      if (!(await run.state())) run.history = []; // no checkpoint yet: a resume retrains from epoch 1, so records of a killed first epoch must not stay
    } catch (err) {
      await run.close();
      throw err;
    }
    return run;
  }

  /**
   * Releases the run's lock (other processes may then resume it). Safe to call more than once.
   *
   * @example
   * ```ts
   * const run = await RunFolder.open('runs/mnist');
   * try { await run.appendHistory({ epoch: 4 }); } finally { await run.close(); }
   * ```
   */
  async close(): Promise<void> {
    const lock = this.lock;
    if (!lock) return;
    this.lock = undefined;
    await releaseLock(lock);
  }

  /** Path of a file or folder inside the run. */
  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** Reads `config.json`. */
  async config<T>(): Promise<T> {
    return readRunJson<T>(this.path('config.json'));
  }

  /**
   * Where the run stands: `checkpoints/state.json`, or the copy saved inside `checkpoints/last`
   * (`run-state.json`, written in the same atomic swap as those weights) when it is further
   * along — a kill between the swap and the state.json write must not resume the checkpoint's
   * epoch a second time. Only state.json records the finished run.
   */
  async state(): Promise<RunState | undefined> {
    const p = this.path('checkpoints', 'state.json');
    const outer = existsSync(p) ? await readRunJson<RunState>(p) : undefined;
    return pickState(outer, await this.checkpointState());
  }

  /** The run state saved inside `checkpoints/last`, if present and readable (else none: state.json rules). */
  private async checkpointState(): Promise<RunState | undefined> {
    return stateOf(await readFile(this.path('checkpoints', 'last', CHECKPOINT_STATE), 'utf8').catch(() => undefined));
  }

  /** History records so far. */
  records<T>(): T[] {
    return this.history as T[];
  }

  /** Adds one epoch record to `history.jsonl` (the file is rewritten atomically). */
  async appendHistory(record: unknown): Promise<void> {
    this.history.push(record);
    await writeFileAtomic(this.path('history.jsonl'), this.history.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }

  /** Drops history records after the checkpoint a resumed run restarts from. */
  async truncateHistory(keep: (record: unknown) => boolean): Promise<void> {
    this.history = this.history.filter(keep);
    await writeFileAtomic(this.path('history.jsonl'), this.history.map((r) => JSON.stringify(r)).join('\n') + (this.history.length ? '\n' : ''));
  }

  /** Writes `checkpoints/state.json` (after the checkpoint model itself is in place). */
  async writeState(state: RunState): Promise<void> {
    await writeJsonAtomic(this.path('checkpoints', 'state.json'), state);
  }

  /** Writes a JSON file into the run, atomically. */
  async writeJson(name: string, value: unknown): Promise<void> {
    await writeJsonAtomic(this.path(name), value);
  }
}

/** The records of `history.jsonl`; a damaged line is a `CORRUPT_RUN` error naming it. */
function parseHistory(text: string, path: string): unknown[] {
  const lines = text.split('\n');
  const records: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    try {
      records.push(JSON.parse(lines[i]));
    } catch (err) {
      // history.jsonl is rewritten atomically, so a bad line is damage, not a write cut short
      throw new TransferkitError('CORRUPT_RUN', `The run file ${path} is damaged at line ${i + 1}: ${(err as Error).message}`, {
        where: `${path}:${i + 1}`,
        hint: 'Delete the damaged lines (the history is rewritten from the last checkpoint on resume), or start a new run with another `out` folder.',
        cause: err,
      });
    }
  }
  return records;
}
