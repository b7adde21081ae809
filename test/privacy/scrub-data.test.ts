import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrubDataset, scrubFile } from '../../src/privacy/scrub-data.ts';
import { formatCsvText, parseCsvText } from '../../src/privacy/csv-text.ts';
import { datasetFromRows } from '../../src/data/from-memory.ts';
import { TransferkitError } from '../../src/errors.ts';

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tk-scrub-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const rejectsWith = (p: Promise<unknown>, code: string) => assert.rejects(p, (e: unknown) => e instanceof TransferkitError && e.code === code && Boolean(e.hint));

test('CSV: only the text column changes; other columns, quoting and row order are kept', () =>
  withDir(async (dir) => {
    const input = join(dir, 'in.csv');
    await writeFile(input, 'id,body,label\n1,"Mail jo@x.org, or call 415-555-0132",ham\n2,"no personal data here",spam\n3,"multi\nline from 10.0.0.7",ham\n');
    const r = await scrubFile({ data: input, out: join(dir, 'out.csv'), textColumn: 'body' });
    const out = parseCsvText(await readFile(join(dir, 'out.csv'), 'utf8'), 'out.csv');
    assert.deepEqual(out.header, ['id', 'body', 'label']);
    assert.deepEqual(out.rows, [['1', 'Mail [EMAIL], or call [PHONE]', 'ham'], ['2', 'no personal data here', 'spam'], ['3', 'multi\nline from [IP]', 'ham']]);
    assert.equal(r.summary.texts, 3);
    assert.equal(r.summary.changed, 2);
    assert.deepEqual(r.summary.counts, { email: 1, phone: 1, url: 0, ip: 1, card: 0, iban: 0, name: 0 });
    assert.deepEqual(await readdir(dir), ['in.csv', 'out.csv'], 'no temporary file left behind');
  }));

test('JSONL: every field of every line kept, the text field scrubbed, hash tokens shared by equal values', () =>
  withDir(async (dir) => {
    const input = join(dir, 'in.jsonl');
    await writeFile(input, '{"text":"from jo@x.org","label":"spam","id":7}\n\n{"text":"again JO@x.org","label":"ham"}\n');
    const r = await scrubFile({ data: input, out: join(dir, 'out.jsonl'), mode: 'hash', salt: 's', kinds: 'email' });
    const lines = (await readFile(join(dir, 'out.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.equal(lines[0].id, 7);
    assert.equal(lines[0].label, 'spam');
    const token = /\[EMAIL:[0-9a-f]{8}\]/.exec(lines[0].text)![0];
    assert.equal(lines[1].text, `again ${token}`);
    assert.deepEqual(r.summary.counts, { email: 2 });
  }));

test('builtin spam corpus: written as text/label lines, nearly every message changed', () =>
  withDir(async (dir) => {
    const r = await scrubFile({ data: 'builtin:spam-hard-ham', out: join(dir, 'hard.jsonl'), kinds: ['email', 'url'] });
    const lines = (await readFile(join(dir, 'hard.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 250);
    assert.equal(r.summary.texts, 250);
    assert.ok(lines.every((l) => l.label === 'ham' && typeof l.text === 'string'));
    assert.ok(lines.every((l) => !/[\w.+-]+@[\w-]+\.[\w.]+[a-z]/i.test(l.text) || /\[EMAIL\]/.test(l.text)));
    assert.ok(r.summary.counts.url! > 250, `URLs replaced: ${r.summary.counts.url}`);
  }));

test('scrubDataset returns a new text dataset with labels kept', () => {
  const ds = { name: 'mem', size: 2, features: { kind: 'text' as const, texts: ['hi jo@x.org', 'plain'] }, labels: Int32Array.from([0, 1]), classes: ['a', 'b'] };
  const { dataset, summary } = scrubDataset(ds);
  assert.deepEqual(dataset.features.kind === 'text' && dataset.features.texts, ['hi [EMAIL]', 'plain']);
  assert.deepEqual(Array.from(dataset.labels), [0, 1]);
  assert.equal(ds.features.texts[0], 'hi jo@x.org', 'the input is not changed');
  assert.equal(summary.changed, 1);
  assert.throws(() => scrubDataset(datasetFromRows([{ a: 1, label: 'x' }])), (e: unknown) => e instanceof TransferkitError && e.code === 'KIND_MISMATCH');
});

test('errors: output is the input (also through a link), wrong extension, missing column or field, empty data, unknown kind', () =>
  withDir(async (dir) => {
    const csv = join(dir, 'in.csv');
    await writeFile(csv, 'text,label\nhello,a\n');
    await rejectsWith(scrubFile({ data: csv, out: csv }), 'OUT_IS_INPUT');
    await symlink(csv, join(dir, 'link.csv'));
    await rejectsWith(scrubFile({ data: csv, out: join(dir, 'link.csv') }), 'OUT_IS_INPUT');
    await rejectsWith(scrubFile({ data: csv, out: join(dir, 'out.jsonl') }), 'BAD_OPTION');
    await rejectsWith(scrubFile({ data: csv, out: join(dir, 'out.csv'), textColumn: 'body' }), 'MISSING_COLUMN');
    await rejectsWith(scrubFile({ data: csv, out: join(dir, 'out.csv'), kinds: 'email,ssn' }), 'BAD_OPTION');
    await writeFile(join(dir, 'empty.csv'), 'text,label\n');
    await rejectsWith(scrubFile({ data: join(dir, 'empty.csv'), out: join(dir, 'out.csv') }), 'EMPTY_DATA');
    await writeFile(join(dir, 'in.jsonl'), '{"body":"x"}\n');
    await rejectsWith(scrubFile({ data: join(dir, 'in.jsonl'), out: join(dir, 'out.jsonl') }), 'MISSING_TEXT');
    await writeFile(join(dir, 'blank.jsonl'), '\n\n');
    await rejectsWith(scrubFile({ data: join(dir, 'blank.jsonl'), out: join(dir, 'out.jsonl') }), 'EMPTY_DATA');
    await rejectsWith(scrubFile({ data: join(dir, 'nope.jsonl'), out: join(dir, 'out.jsonl') }), 'FILE_NOT_FOUND');
    await rejectsWith(scrubFile({ data: join(dir, 'in.txt'), out: join(dir, 'out.jsonl') }), 'UNSUPPORTED_FORMAT');
    assert.ok(!(await readdir(dir)).some((f) => f.startsWith('out')), 'nothing written on error');
  }));

test('formatCsvText quotes what needs quoting and round-trips through parseCsvText', () => {
  const t = { header: ['a', 'b'], rows: [['x, "y"', ' lead'], ['multi\nline', 'plain']] };
  assert.equal(formatCsvText(t), 'a,b\n"x, ""y"""," lead"\n"multi\nline",plain\n');
  assert.deepEqual(parseCsvText(formatCsvText(t), 't.csv'), t);
});
