/**
 * Whether two paths name the same file: the same absolute path, or the same file reached
 * through links. Used to refuse an output that would overwrite an input.
 *
 * @module
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * True when `a` and `b` are the same file (by path, or by their real paths when both exist).
 *
 * @example
 * ```ts
 * isSameFile('data/x.csv', './data/../data/x.csv'); // true
 * ```
 */
export function isSameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
