import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitTextVectorizer, termBucket, textTerms, tokenize, transformText } from '../../src/data/text-features.ts';
import { expectError } from './helpers.ts';

const DOCS = ['The cat sat.', 'the DOG sat', 'the cat, the cat'];
const DIMS = 1 << 20;

/** Bucket of a word unigram. */
const at = (word: string) => termBucket(`w:${word}`, DIMS, false).index;

test('tokenize lower-cases and splits on non letters/digits', () => {
  assert.deepEqual(tokenize("Don't STOP-me now! 42x café"), ['don', 't', 'stop', 'me', 'now', '42x', 'café']);
});

test('textTerms: word 1–2-grams by default, char n-grams within padded words when asked', () => {
  assert.deepEqual(textTerms('Hi there you'), ['w:hi', 'w:there', 'w:you', 'w:hi there', 'w:there you']);
  assert.deepEqual(textTerms('ab', { wordNgrams: null, charNgrams: [3, 4] }), ['c: ab', 'c:ab ', 'c: ab ']);
});

test('TF-IDF on a 3-document corpus equals the smooth-idf formula worked by hand', () => {
  const spec = fitTextVectorizer(DOCS, { dims: DIMS, wordNgrams: [1, 1] });
  assert.equal(new Set(['the', 'cat', 'sat', 'dog'].map(at)).size, 4, 'no hash collisions in this test');
  // df: the 3, cat 2, sat 2, dog 1; n = 3; idf = ln((1 + n) / (1 + df)) + 1
  const idf = { the: 1, cat: Math.log(4 / 3) + 1, sat: Math.log(4 / 3) + 1, dog: Math.log(2) + 1 };
  assert.equal(spec.idf[at('the')], 1);
  assert.equal(spec.idf[at('cat')], 1.287682); // ln(4/3) + 1 = 1.2876820724…, rounded to 6 decimals
  assert.equal(spec.idf[at('dog')], 1.693147); // ln 2 + 1 = 1.6931471805…
  assert.equal(spec.idf[0 === at('the') ? 1 : 0], Math.round((Math.log(4 / 1) + 1) * 1e6) / 1e6, 'unused bucket: df 0');
  const x = transformText(spec, DOCS);
  const row = (r: number, w: string) => x[r * DIMS + at(w)];
  // doc 0: tf 1 each of the, cat, sat
  const n0 = Math.sqrt(idf.the ** 2 + idf.cat ** 2 + idf.sat ** 2);
  assert.ok(Math.abs(row(0, 'the') - idf.the / n0) < 1e-6);
  assert.ok(Math.abs(row(0, 'cat') - idf.cat / n0) < 1e-6);
  assert.ok(Math.abs(row(0, 'cat') - 0.619805) < 1e-6); // 1.287682 / sqrt(1 + 2 × 1.287682²)
  assert.equal(row(0, 'dog'), 0);
  // doc 2: tf 2 of the, 2 of cat
  const n2 = Math.sqrt((2 * idf.the) ** 2 + (2 * idf.cat) ** 2);
  assert.ok(Math.abs(row(2, 'the') - (2 * idf.the) / n2) < 1e-6);
  assert.ok(Math.abs(row(2, 'cat') - 0.789807) < 1e-6);
  // rows have unit L2 norm
  for (let r = 0; r < 3; r++) {
    let s = 0;
    for (let j = r * DIMS; j < (r + 1) * DIMS; j++) s += x[j] * x[j];
    assert.ok(Math.abs(s - 1) < 1e-5);
  }
});

test('sublinear tf uses 1 + ln(tf)', () => {
  const spec = fitTextVectorizer(DOCS, { dims: DIMS, wordNgrams: [1, 1], sublinearTf: true });
  const x = transformText(spec, ['cat cat cat cat dog']);
  const cat = (1 + Math.log(4)) * 1.287682;
  const dog = 1 * 1.693147;
  assert.ok(Math.abs(x[at('cat')] - cat / Math.hypot(cat, dog)) < 1e-6);
});

test('sign hashing gives some negative weights; spec survives JSON; empty text is all zeros', () => {
  const texts = ['alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu'];
  const spec = fitTextVectorizer(texts, { dims: 64, signHash: true, charNgrams: [3, 5] });
  const again = JSON.parse(JSON.stringify(spec));
  const x = transformText(again, [...texts, '']);
  assert.deepEqual(x, transformText(spec, [...texts, '']));
  assert.ok(x.subarray(0, 64).some((v) => v < 0));
  assert.ok(x.subarray(64).every((v) => v === 0));
  for (const v of spec.idf) assert.equal(v, Math.round(v * 1e6) / 1e6);
});

test('vectorizer option and spec errors', async () => {
  await expectError(() => fitTextVectorizer(['a'], { dims: 0 }), 'BAD_OPTION', [/dims/]);
  await expectError(() => fitTextVectorizer(['a'], { wordNgrams: null }), 'BAD_OPTION', [/no features/]);
  await expectError(() => fitTextVectorizer([]), 'EMPTY_DATA', [/no texts/]);
  const spec = fitTextVectorizer(['a b'], { dims: 16 });
  await expectError(() => transformText({ ...spec, idf: spec.idf.slice(1) }, ['a']), 'CORRUPT_MODEL', [/15 IDF weights for 16 dims/]);
});
