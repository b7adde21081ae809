/**
 * Recall on personal data planted into real SpamAssassin messages, and false positives on
 * texts that hold none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRng } from '../../src/util/random.ts';
import { findPii } from '../../src/privacy/scrub-text.ts';
import { PII_KINDS, type PiiKind } from '../../src/privacy/kinds.ts';
import { cleanSentences, GENERATORS, plant, spamMessages, type Planted } from './corpus.ts';

const PER_KIND = 250;

test(`planted corpus: every one of ${PER_KIND} planted items of each kind is found, with its kind and exact span`, (t) => {
  const rng = createRng(20261207);
  const messages = spamMessages();
  const items: Planted[] = rng.shuffle(PII_KINDS.flatMap((k) => Array.from({ length: PER_KIND }, () => GENERATORS[k](rng))));
  const planted: Array<{ kind: PiiKind; start: number; end: number; text: string }> = [];
  for (let i = 0; i < items.length; ) {
    const take = items.slice(i, i + 1 + rng.int(3));
    const p = plant(rng, messages[rng.int(messages.length)], take);
    for (const s of p.spans) planted.push({ ...s, text: p.text });
    i += p.spans.length;
    // a message too short to hold them all: the items left go into the next one
  }
  const perKind = Object.fromEntries(PII_KINDS.map((k) => [k, { planted: 0, found: 0 }]));
  const missed: string[] = [];
  const cache = new Map<string, ReturnType<typeof findPii>>();
  for (const p of planted) {
    if (!cache.has(p.text)) cache.set(p.text, findPii(p.text));
    perKind[p.kind].planted++;
    if (cache.get(p.text)!.some((m) => m.kind === p.kind && m.start === p.start && m.end === p.end)) perKind[p.kind].found++;
    else missed.push(`${p.kind}: ${JSON.stringify(p.text.slice(p.start, p.end))} in ${JSON.stringify(p.text.slice(p.start - 30, p.end + 30))}`);
  }
  t.diagnostic(`planted per kind: ${JSON.stringify(perKind)}`);
  for (const k of PII_KINDS) assert.ok(perKind[k].planted >= 200, `${k}: at least 200 planted, got ${perKind[k].planted}`);
  assert.deepEqual(missed, [], 'recall 100%');
});

test('clean control: 1,000 synthetic sentences full of numbers, dates, prices, versions and name-like words give at most 1 false positive per 100 texts', (t) => {
  const texts = cleanSentences(createRng(5), 1000);
  const hits = texts.flatMap((s) => findPii(s).map((m) => `${m.kind}: ${JSON.stringify(s.slice(m.start, m.end))} in ${JSON.stringify(s)}`));
  const textsHit = texts.filter((s) => findPii(s).length > 0).length;
  t.diagnostic(`synthetic control: ${textsHit} of ${texts.length} texts with a false positive (${hits.length} matches)`);
  assert.ok(textsHit <= texts.length / 100, `at most 1 per 100 texts, got ${textsHit}:\n${hits.slice(0, 20).join('\n')}`);
});

test('clean control: 1,000 Jane Austen sentences hold no e-mail, phone, URL, IP, card or IBAN (names are counted, not failures)', (t) => {
  const sentences = readFileSync(new URL('../fixtures/privacy/austen-sentences.txt', import.meta.url), 'utf8').split('\n').filter(Boolean);
  assert.equal(sentences.length, 1000);
  const notNames = PII_KINDS.filter((k) => k !== 'name');
  const hits = sentences.flatMap((s) => findPii(s, notNames).map((m) => `${m.kind}: ${JSON.stringify(s.slice(m.start, m.end))}`));
  const names = sentences.reduce((n, s) => n + findPii(s, ['name']).length, 0);
  t.diagnostic(`Austen control: ${hits.length} matches of the six non-name kinds; ${names} person names (Austen's characters) found`);
  assert.ok(hits.length <= sentences.length / 100, `at most 1 per 100 sentences, got ${hits.length}:\n${hits.join('\n')}`);
});
