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
