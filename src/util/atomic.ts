import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TransferkitError } from '../errors.ts';

let counter = 0;

/**
 * Temporary names that transferkit's atomic writers leave beside a target while writing:
 * `<name>.<pid>.<n>.tmp` (files, here) and `.<name>.tmp-<pid>-…` / `.<name>.old-<pid>-…`
 * (model folders, `saveModel`). The pid says which process made it; {@link removeStaleTemps}
 * deletes those whose process is gone.
 */
const TEMP_PATTERNS: RegExp[] = [/^.+\.(\d+)\.\d+\.tmp$/, /^\..+\.(?:tmp|old)-(\d+)-/];

/** The pid recorded in a temporary name made by transferkit, or undefined for any other name. */
export function tempOwner(name: string): number | undefined {
  for (const re of TEMP_PATTERNS) {
    const m = re.exec(name);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Whether a process with this pid is running (a process we may not signal counts as running). */
export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes, in `dir`, the temporary files and folders left by transferkit processes that are no
 * longer running (killed mid-write). Names that are not transferkit temporaries, and temporaries
 * of running processes, are left alone. Returns the names removed. A missing `dir` removes nothing.
 *
 * @example
 * ```ts
 * await removeStaleTemps('runs/mnist/checkpoints'); // ['.last.tmp-4242-1733550000000-3']
 * ```
 */
export async function removeStaleTemps(dir: string, keep: (name: string) => boolean = () => false): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const pid = tempOwner(name);
    if (pid === undefined || pidAlive(pid) || keep(name)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Errno codes of writes that mean the machine refused, with what to say about them. */
const WRITE_ERRNO: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
};

/**
 * Turns a Node file-system error met while writing `path` into a clear TransferkitError:
 * `WRITE_FAILED` (permission denied, read-only file system, disk full), `NOT_A_DIRECTORY` (a
 * folder on the way is a file), `NOT_A_FILE` (the path is a folder). Other errors, and
 * TransferkitErrors, are returned as they are.
 *
 * @example
 * ```ts
 * try { await writeFile(p, data); } catch (err) { throw writeError(err, p); }
 * ```
 */
export function writeError(err: unknown, path: string): unknown {
  if (err instanceof TransferkitError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && WRITE_ERRNO[code]) {
    return new TransferkitError('WRITE_FAILED', `Cannot write ${path}: ${WRITE_ERRNO[code]} (${code}).`, {
      where: (err as NodeJS.ErrnoException).path ?? path,
      hint: code === 'ENOSPC' || code === 'EDQUOT' ? 'Free some disk space, or write to another disk.' : 'Choose an output path you can write to, or change the permissions of its folder.',
      cause: err,
    });
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return new TransferkitError('NOT_A_DIRECTORY', `Cannot write ${path}: a folder on its path is a file.`, { where: path, hint: 'Choose an output path whose folders are folders, or remove that file.', cause: err });
  }
  if (code === 'EISDIR') {
    return new TransferkitError('NOT_A_FILE', `Cannot write ${path}: it is a folder.`, { where: path, hint: 'Name a file inside it, or another output path.', cause: err });
  }
  return err;
}

/**
 * Writes a file atomically and durably: the bytes go to a temporary name beside the target
 * (`<name>.<pid>.<n>.tmp`), are flushed to disk, and the file is renamed over the target, so a
 * reader (or a run resumed after a crash) never sees a half-written file.
 *
 * @throws TransferkitError `WRITE_FAILED` (permission denied, read-only, disk full),
 *   `NOT_A_DIRECTORY` (a parent is a file), `NOT_A_FILE` (the target is a folder).
 * @example
 * ```ts
 * await writeFileAtomic('runs/a/metrics.json', JSON.stringify(metrics, null, 2));
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `${basename(path)}.${process.pid}.${counter++}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(err, path);
  }
}

/**
 * Writes `value` as pretty JSON, atomically.
 *
 * @example
 * ```ts
 * await writeJsonAtomic('runs/a/config.json', { seed: 1 });
 * ```
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Flushes a folder's entries (names created, renamed or removed in it) to disk, where the
 * platform allows it (Windows cannot open a folder: skipped).
 *
 * @example
 * ```ts
 * await syncDir('runs/a/checkpoints');
 * ```
 */
export async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // not supported here (Windows, some file systems): the renames are still atomic
  } finally {
    await fh?.close();
  }
}
