import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TransferkitError } from '../errors.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';

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

  private constructor(dir: string, history: unknown[]) {
    this.dir = dir;
    this.history = history;
  }

  /**
   * Starts a new run in `dir`. Refuses a folder that already holds a run, so nothing a user
   * trained is overwritten by accident.
   */
  static async create(dir: string, config: unknown): Promise<RunFolder> {
    if (existsSync(join(dir, 'config.json'))) {
      throw new TransferkitError('RUN_EXISTS', `The folder ${dir} already holds a run`, {
        where: dir,
        hint: 'Continue it (`resumeFit`, or `transferkit fit --resume`), or choose another `out` folder.',
      });
    }
    if (existsSync(dir) && (await readdir(dir)).length > 0) {
      throw new TransferkitError('OUT_NOT_EMPTY', `The output folder ${dir} is not empty`, { where: dir, hint: 'Choose an empty or new `out` folder.' });
    }
    const run = new RunFolder(dir, []);
    await writeJsonAtomic(join(dir, 'config.json'), config);
    return run;
  }

  /** Opens an existing run to resume it. */
  static async open(dir: string): Promise<RunFolder> {
    if (!existsSync(join(dir, 'config.json'))) {
      throw new TransferkitError('RUN_NOT_FOUND', `No run found in ${dir} (config.json is missing)`, {
        where: dir,
        hint: 'Pass the `out` folder of an earlier fit.',
      });
    }
    const historyPath = join(dir, 'history.jsonl');
    const history = existsSync(historyPath)
      ? (await readFile(historyPath, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown)
      : [];
    return new RunFolder(dir, history);
  }

  /** Path of a file or folder inside the run. */
  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** Reads `config.json`. */
  async config<T>(): Promise<T> {
    return JSON.parse(await readFile(this.path('config.json'), 'utf8')) as T;
  }

  /** The state saved with the last checkpoint, if any. */
  async state(): Promise<RunState | undefined> {
    const p = this.path('checkpoints', 'state.json');
    return existsSync(p) ? (JSON.parse(await readFile(p, 'utf8')) as RunState) : undefined;
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
