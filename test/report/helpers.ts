/**
 * Shared pieces of the model-card tests: the fixture run folder and copies of it to change.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Fixture files of the model-card tests. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/report/', import.meta.url));

/** A finished scratch run on builtin:iris (config.json, metrics.json, model/transferkit.json; no weights). */
export const IRIS_RUN = join(FIXTURES, 'iris-scratch');

/** A temporary folder removed when the process exits. */
export async function tempRoot(prefix: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  process.on('exit', () => void rm(root, { recursive: true, force: true }));
  return root;
}

/** Copies the fixture run to `dir` (to add or damage files). */
export async function copyIrisRun(dir: string): Promise<string> {
  await cp(IRIS_RUN, dir, { recursive: true });
  return dir;
}
