import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadJsonl } from '../../src/data/jsonl.ts';
import { expectError, fixture } from './helpers.ts';

test('loadJsonl reads texts, labels (string or number) and unlabelled lines', async () => {
  const ds = await loadJsonl(fixture('texts.jsonl'), { domain: 'mail' });
  assert.equal(ds.size, 5);
  assert.equal(ds.domain, 'mail');
  assert.deepEqual(ds.classes, ['2', 'ham', 'spam']);
  assert.deepEqual([...ds.labels], [2, 1, 2, -1, 0]);
  assert.equal(ds.features.kind, 'text');
  if (ds.features.kind === 'text') assert.deepEqual(ds.features.texts, ['Win money now', 'Meeting at noon', 'Cheap pills', 'Unlabelled note', 'Numbered class']);
});

test('loadJsonl: bad JSON names the line', async () => {
  await expectError(() => loadJsonl(fixture('bad.jsonl')), 'BAD_JSONL', [/Line 3 is not valid JSON/], /bad\.jsonl:3$/);
});

test('loadJsonl: a line without text names the line and the fields it has', async () => {
  const err = await expectError(() => loadJsonl(fixture('no-text.jsonl')), 'MISSING_TEXT', [/Line 2 has no "text" field/], /no-text\.jsonl:2/);
  assert.match(err.hint ?? '', /body, label/);
});

test('loadJsonl: missing file', async () => {
  await expectError(() => loadJsonl(fixture('missing.jsonl')), 'FILE_NOT_FOUND', [/missing\.jsonl/]);
});
