import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, oneJson } from '../cli/helpers.ts';
import { fit } from '../../src/transfer/fit.ts';
import { noisyIrisRows, toCsv } from './noisy-iris.ts';

test('scrub and privacy --help show examples', async () => {
  for (const cmd of ['scrub', 'privacy']) {
    const r = await cli(cmd, '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:\n {2}\$ transferkit /);
  }
});

test('scrub: writes the clean copy and reports counts per kind (text and --json)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-scrub-cli-'));
  try {
    const input = join(dir, 'm.jsonl');
    await writeFile(input, '{"text":"Dear Grace, mail jo@x.org or call +44 20 7946 0958","label":"ham"}\n{"text":"card 4111 1111 1111 1111","label":"spam"}\n');
    const j = await cli('scrub', '--data', input, '--out', join(dir, 'clean.jsonl'), '--json');
    assert.equal(j.code, 0, j.stderr);
    const out = oneJson(j.stdout);
    assert.deepEqual(out.summary, { texts: 2, changed: 2, counts: { email: 1, phone: 1, url: 0, ip: 0, card: 1, iban: 0, name: 1 } });
    const lines = (await readFile(join(dir, 'clean.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines, [{ text: 'Dear [NAME], mail [EMAIL] or call [PHONE]', label: 'ham' }, { text: 'card [CARD]', label: 'spam' }]);
    const t = await cli('scrub', '--data', input, '--out', join(dir, 'red.jsonl'), '--mode', 'redact', '--redact-char', '*', '--kinds', 'card');
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /2 texts changed|1 of 2 texts changed/);
    assert.match(t.stdout, /card\s+1/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('scrub: clear errors for overwriting the input, an unknown kind, a missing column, hash without salt, a bad mode', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-scrub-cli-'));
  try {
    const csv = join(dir, 'in.csv');
    await writeFile(csv, 'text,label\nhello,a\n');
    const cases: Array<[string[], string]> = [
      [['--out', csv], 'OUT_IS_INPUT'],
      [['--out', join(dir, 'o.csv'), '--kinds', 'email,ssn'], 'BAD_OPTION'],
      [['--out', join(dir, 'o.csv'), '--text-column', 'body'], 'MISSING_COLUMN'],
      [['--out', join(dir, 'o.csv'), '--mode', 'hash'], 'MISSING_OPTION'],
    ];
    for (const [args, code] of cases) {
      const r = await cli('scrub', '--data', csv, ...args, '--json');
      assert.equal(r.code, 3, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      const e = oneJson(r.stdout).error;
      assert.equal(e.code, code);
      assert.ok(e.hint, 'says how to fix it');
    }
    const human = await cli('scrub', '--data', csv, '--out', join(dir, 'o.csv'), '--kinds', 'ssn');
    assert.match(human.stderr, /Unknown kind of personal data: ssn/);
    assert.match(human.stderr, /email, phone, url, ip, card, iban, name/);
    const bad = await cli('scrub', '--data', csv, '--out', join(dir, 'o.csv'), '--mode', 'blur');
    assert.equal(bad.code, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('privacy: attack AUCs of a run, with members rebuilt from the run and a plain reading', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tk-privacy-cli-'));
  try {
    const rows = noisyIrisRows(2);
    await writeFile(join(dir, 'train.csv'), toCsv(rows.slice(0, 60)));
    await writeFile(join(dir, 'heldout.csv'), toCsv(rows.slice(60)));
    const res = await fit({ strategy: 'scratch', arch: 'mlp', train: join(dir, 'train.csv'), label: 'species', seed: 2, epochs: 300, learningRate: 0.01, out: join(dir, 'run') });
    res.model.dispose();
    const j = await cli('privacy', '--model', join(dir, 'run'), '--members', join(dir, 'train.csv'), '--non-members', join(dir, 'heldout.csv'), '--label', 'species', '--json');
    assert.equal(j.code, 0, j.stderr);
    const out = oneJson(j.stdout);
    assert.equal(out.members.n, 60);
    assert.equal(out.nonMembers.n, 90);
    assert.ok(out.attacks.loss.auc > 0.75 && out.attacks.likelihood.auc > 0.75, JSON.stringify(out.attacks));
    assert.ok(['high', 'very high'].includes(out.reading.level));
    const t = await cli('privacy', '--model', join(dir, 'run'), '--members', join(dir, 'train.csv'), '--non-members', join(dir, 'heldout.csv'), '--label', 'species');
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /loss threshold\s+0\.\d{3}/);
    assert.match(t.stdout, /likelihood ratio\s+0\.\d{3}/);
    assert.match(t.stdout, /leak/);
    // the run trained on every row of train.csv: no held-out rows to rebuild
    const e = await cli('privacy', '--model', join(dir, 'run'), '--json');
    assert.equal(e.code, 3);
    assert.equal(oneJson(e.stdout).error.code, 'MISSING_OPTION');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
