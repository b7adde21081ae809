import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, TransferkitError } from '../../src/errors.ts';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('every documented error code is raised somewhere, and each has a meaning', () => {
  const code = sources(SRC)
    .filter((f) => !f.endsWith('errors.ts'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const unused = Object.keys(ERROR_CODES).filter((c) => !code.includes(`'${c}'`));
  assert.deepEqual(unused, [], 'codes listed in ERROR_CODES but never raised');
  for (const [c, meaning] of Object.entries(ERROR_CODES)) {
    assert.match(c, /^[A-Z][A-Z_]*[A-Z]$/, `${c} is UPPER_SNAKE`);
    assert.ok(meaning.length > 10, `${c} has a meaning`);
  }
});

test('an error carries its code, where and hint, and prints as JSON', () => {
  const e = new TransferkitError('BAD_OPTION', 'learningRate must be a number > 0, got -1', { where: 'learningRate option', hint: 'Use e.g. 0.001.' });
  assert.deepEqual(JSON.parse(JSON.stringify(e)), { code: 'BAD_OPTION', message: 'learningRate must be a number > 0, got -1', where: 'learningRate option', hint: 'Use e.g. 0.001.' });
});
