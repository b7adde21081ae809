/**
 * Shared helpers for the data tests.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TransferkitError } from '../../src/errors.ts';

/**
 * Path of a fixture file under test/fixtures/data.
 *
 * @example
 * ```ts
 * fixture('flowers.csv');
 * ```
 */
export function fixture(name: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'data', name);
}

/**
 * Asserts that `fn` throws (or rejects with) a TransferkitError with `code` whose message
 * matches every pattern in `message` and whose `where` matches `where` (when given).
 *
 * @example
 * ```ts
 * await expectError(() => loadCsv(f, { label: 'x' }), 'MISSING_LABEL', [/available columns/i]);
 * ```
 */
export async function expectError(fn: () => unknown, code: string, message: RegExp[] = [], where?: RegExp): Promise<TransferkitError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof TransferkitError, `expected a TransferkitError ${code}, got ${caught === undefined ? 'no error' : String(caught)}`);
  assert.equal(caught.code, code, `wrong code; message: ${caught.message}`);
  for (const re of message) assert.match(caught.message, re);
  if (where) assert.match(caught.where ?? '', where);
  assert.ok(caught.hint && caught.hint.length > 0, 'error has a hint');
  return caught;
}

/** Asserts that `p` rejects with `code` within `ms` milliseconds (a hang fails instead of blocking). */
export async function refusedFast(p: () => Promise<unknown>, code: string, message: RegExp, ms = 5000): Promise<TransferkitError> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([p(), timeout]);
  } catch (err) {
    assert.ok(err instanceof TransferkitError, `expected TransferkitError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    assert.ok(err.hint && err.hint.length > 0, 'has a hint');
    assert.ok(Date.now() - t0 < ms, 'refused fast');
    return err;
  } finally {
    clearTimeout(timer);
  }
  assert.fail(`expected ${code}`);
}
