import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

let counter = 0;

/**
 * Writes a file atomically: the bytes go to a temporary name beside the target,
 * which is then renamed over it, so a reader never sees a half-written file.
 *
 * @example
 * ```ts
 * await writeFileAtomic('runs/a/metrics.json', JSON.stringify(metrics, null, 2));
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${counter++}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
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
