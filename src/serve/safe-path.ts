/**
 * Paths the dashboard may serve: only files inside the runs folder it was pointed at. A request
 * path is decoded once, split on `/`, and refused when it is absolute, holds `..`, `.`-prefixed
 * (hidden) parts, backslashes or NUL; the resolved file's real path (symbolic links followed)
 * must still lie inside the runs folder's real path.
 *
 * @module
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';

/**
 * The parts of a request path below the runs folder, or undefined when the path is unsafe:
 * absolute (`/etc/passwd` after decoding, `C:`), with `..`, `.` or hidden parts, backslashes,
 * NUL, or not decodable.
 *
 * @example
 * ```ts
 * safeParts('iris/report.html'); // ['iris', 'report.html']
 * safeParts('iris/%2e%2e/%2e%2e/etc/passwd'); // undefined
 * ```
 */
export function safeParts(requested: string): string[] | undefined {
  let path: string;
  try {
    path = decodeURIComponent(requested);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\') || isAbsolute(path) || /^[a-zA-Z]:/.test(path)) return undefined;
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 0 || parts.some((p) => p === '..' || p.startsWith('.'))) return undefined;
  return parts;
}

/**
 * The real path of an existing regular file inside `root` named by a request path, or undefined
 * (unsafe path, missing file, a folder, or a symbolic link leading out of `root`).
 *
 * @example
 * ```ts
 * const file = await fileInside('/home/me/runs', 'iris/MODEL_CARD.md'); // '/home/me/runs/iris/MODEL_CARD.md'
 * ```
 */
export async function fileInside(root: string, requested: string): Promise<string | undefined> {
  const parts = safeParts(requested);
  if (!parts) return undefined;
  try {
    const base = await realpath(root);
    const real = await realpath(join(base, ...parts));
    if (!within(base, real)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The real path of an existing folder directly inside `root` (a run folder), or undefined.
 *
 * @example
 * ```ts
 * const dir = await folderInside('/home/me/runs', 'iris');
 * ```
 */
export async function folderInside(root: string, name: string): Promise<string | undefined> {
  const parts = safeParts(name);
  if (!parts || parts.length !== 1) return undefined;
  try {
    const base = await realpath(root);
    const real = await realpath(join(base, parts[0]));
    if (!within(base, real) || real === base) return undefined;
    return (await stat(real)).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The real path of the regular file `rel` of the run folder `dir`, or undefined when it is
 * missing or its real path (symbolic links followed) lies outside the run folder: every file of a
 * run folder the dashboard reads goes through this, so a link pointing out counts as missing.
 *
 * @example
 * ```ts
 * const file = await runFile('/home/me/runs/iris', 'config.json');
 * ```
 */
export async function runFile(dir: string, rel: string): Promise<string | undefined> {
  try {
    const base = await realpath(dir);
    const real = await realpath(join(base, rel));
    if (!within(base, real) || real === base) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text of the file `rel` of the run folder `dir` (read through {@link runFile}), or undefined
 * when it is missing or points out of the run folder.
 *
 * @example
 * ```ts
 * const history = (await readRunText('/home/me/runs/iris', 'history.jsonl')) ?? '';
 * ```
 */
export async function readRunText(dir: string, rel: string): Promise<string | undefined> {
  const file = await runFile(dir, rel);
  return file === undefined ? undefined : readFile(file, 'utf8').catch(() => undefined);
}

/** Whether `path` lies inside (or is) `base`; both absolute and real. */
function within(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}
