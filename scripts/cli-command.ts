/**
 * How tests and scripts start the `transferkit` CLI: as users run it (bin/ → the compiled dist/)
 * when dist/ is up to date, else from the TypeScript sources through tsx, so nothing ever checks
 * stale JavaScript. `npm test` builds dist/ first, so the suite runs what users run.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Newest modification time of the files under a folder (0 when it does not exist). */
function newest(dir: string): number {
  let t = 0;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) t = Math.max(t, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs);
  } catch {
    return 0;
  }
  return t;
}

/**
 * Whether dist/ was built after the last change to src/.
 *
 * @example
 * ```ts
 * if (!distIsFresh()) execFileSync(process.execPath, ['scripts/build.mjs']);
 * ```
 */
export function distIsFresh(): boolean {
  let built = 0;
  try {
    built = Math.min(statSync(join(ROOT, 'dist', 'cli', 'main.js')).mtimeMs, statSync(join(ROOT, 'dist', 'index.js')).mtimeMs);
  } catch {
    return false;
  }
  return built >= newest(join(ROOT, 'src'));
}

/**
 * The `node` arguments that start the CLI (append the command's own arguments).
 *
 * @example
 * ```ts
 * execFile(process.execPath, [...cliCommand(), 'models', '--json']);
 * ```
 */
export function cliCommand(): string[] {
  return distIsFresh() ? [join(ROOT, 'bin', 'transferkit.js')] : ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'cli', 'main.ts')];
}
