/**
 * File-system checks shared by the loaders, so every loader reports a missing or
 * wrong-kind path the same way.
 */
import { stat } from 'node:fs/promises';
import { TransferkitError } from '../errors.ts';

/**
 * What a path turned out to be.
 *
 * @example
 * ```ts
 * const kind: PathKind = await pathKind('data'); // 'directory'
 * ```
 */
export type PathKind = 'file' | 'directory';

/**
 * Returns whether `path` is a file or a directory, or throws `FILE_NOT_FOUND`.
 *
 * @example
 * ```ts
 * if ((await pathKind('data/photos')) === 'directory') { ... }
 * ```
 */
export async function pathKind(path: string, what = 'File'): Promise<PathKind> {
  let s;
  try {
    s = await stat(path);
  } catch (err) {
    throw new TransferkitError('FILE_NOT_FOUND', `${what} not found: ${path}`, {
      where: path,
      hint: 'Check the path (it is relative to the current directory) and that the file exists.',
      cause: err,
    });
  }
  if (s.isDirectory()) return 'directory';
  // a named pipe, a device (/dev/zero) or a socket would block or never end when read
  if (!s.isFile()) throw notRegular(path, what);
  return 'file';
}

/**
 * Throws `FILE_NOT_FOUND` unless `path` exists, and `NOT_A_FILE` if it is a directory, a named
 * pipe, a device or a socket.
 *
 * @example
 * ```ts
 * await requireFile('data/train.csv');
 * ```
 */
export async function requireFile(path: string, what = 'File'): Promise<void> {
  if ((await pathKind(path, what)) === 'directory') {
    throw new TransferkitError('NOT_A_FILE', `${what} is a directory, not a file: ${path}`, {
      where: path,
      hint: 'Pass the path of a file inside it.',
    });
  }
}

/**
 * Returns whether `path` exists (no error).
 *
 * @example
 * ```ts
 * if (await exists('labels.gz')) { ... }
 * ```
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function notRegular(path: string, what: string): TransferkitError {
  return new TransferkitError('NOT_A_FILE', `${what} is not a regular file (a named pipe, device or socket): ${path}`, {
    where: path,
    hint: 'Pass a regular file; copy the data into one first if it comes from a pipe or a device.',
  });
}
