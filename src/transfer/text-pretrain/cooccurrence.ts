/**
 * Word–context co-occurrence counts from unlabelled text: a vocabulary of the most frequent
 * words, and for every pair of vocabulary words the number of times one occurs within `window`
 * positions of the other — the raw material of count-based word embeddings (PPMI + SVD).
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import type { Rows } from '../../measures/rows.ts';

/**
 * Options of {@link buildVocabulary}.
 *
 * @example
 * ```ts
 * buildVocabulary(docs, { minCount: 5, maxWords: 20000 });
 * ```
 */
export interface VocabularyOptions {
  /** Words seen fewer times are left out (default 5). */
  minCount?: number;
  /** Keep at most this many of the most frequent words (default 20,000). */
  maxWords?: number;
}

/**
 * A vocabulary: words by descending count (ties alphabetical), their counts, and the index.
 *
 * @example
 * ```ts
 * const v: Vocabulary = buildVocabulary([['a', 'b', 'a']], { minCount: 1 });
 * v.words; // ['a', 'b']
 * ```
 */
export interface Vocabulary {
  words: string[];
  counts: Float64Array;
  index: Map<string, number>;
}

/**
 * Counts the tokens of tokenised documents and keeps the frequent ones.
 *
 * @throws TransferkitError `BAD_INPUT` when no word reaches `minCount`.
 * @example
 * ```ts
 * buildVocabulary([['the', 'cat'], ['the', 'dog']], { minCount: 2 }).words; // ['the']
 * ```
 */
export function buildVocabulary(docs: readonly (readonly string[])[], opts: VocabularyOptions = {}): Vocabulary {
  const minCount = opts.minCount ?? 5;
  const maxWords = opts.maxWords ?? 20_000;
  const counts = new Map<string, number>();
  for (const doc of docs) for (const w of doc) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts.entries()]
    .filter(([, c]) => c >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxWords)
    .map(([w]) => w);
  if (!words.length) {
    throw new TransferkitError('BAD_INPUT', `No word occurs ${minCount} or more times in the ${docs.length} documents (${counts.size} distinct words)`, {
      where: 'buildVocabulary',
      hint: 'Give more unlabelled text, or lower minCount.',
    });
  }
  return { words, counts: Float64Array.from(words, (w) => counts.get(w)!), index: new Map(words.map((w, i) => [w, i])) };
}

/**
 * Options of {@link cooccurrenceCounts}.
 *
 * @example
 * ```ts
 * cooccurrenceCounts(docs, vocab, { window: 5, weighting: 'harmonic' });
 * ```
 */
export interface CooccurrenceOptions {
  /** Context words on each side (default 5). */
  window?: number;
  /** `uniform` (default): every context word counts 1; `harmonic`: a word at distance t counts 1/t (GloVe's weighting). */
  weighting?: 'uniform' | 'harmonic';
  /** Progress: documents counted so far and their total (every 1,000 documents and at the end). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The symmetric word–context count matrix (`V × V`, sparse CSR, rows sorted by column): entry
 * (w, c) sums over every occurrence of w the weight of each occurrence of c within `window`
 * positions of it, in the same document. Words outside the vocabulary keep their positions
 * (they count for the distance) but are not counted. A word next to itself ("very very") adds 2
 * to its diagonal entry: each of the two occurrences has the other as context (as GloVe's
 * `cooccur` counts), so every row sums to the context weight of that word's occurrences.
 *
 * @throws TransferkitError `BAD_OPTION` for a window that is not a whole number ≥ 1.
 * @example
 * ```ts
 * const C = cooccurrenceCounts([['a', 'b', 'c']], vocab, { window: 1 }); // a–b, b–c: 1 each
 * ```
 */
export function cooccurrenceCounts(docs: readonly (readonly string[])[], vocab: Vocabulary, opts: CooccurrenceOptions = {}): Extract<Rows, { kind: 'sparse' }> {
  const window = opts.window ?? 5;
  if (!Number.isInteger(window) || window < 1) {
    throw new TransferkitError('BAD_OPTION', `window must be a whole number ≥ 1, got ${window}`, { where: 'cooccurrenceCounts', hint: 'Use e.g. window: 5 (five context words on each side).' });
  }
  const harmonic = opts.weighting === 'harmonic';
  const V = vocab.words.length;
  const rows: Array<Map<number, number>> = Array.from({ length: V }, () => new Map());
  docs.forEach((doc, k) => {
    if (opts.onProgress && (k % 1000 === 0 || k === docs.length - 1)) opts.onProgress(k + 1, docs.length);
    const ids = doc.map((w) => vocab.index.get(w) ?? -1);
    for (let i = 0; i < ids.length; i++) {
      const a = ids[i];
      if (a < 0) continue;
      const stop = Math.min(ids.length, i + window + 1);
      for (let j = i + 1; j < stop; j++) {
        const b = ids[j];
        if (b < 0) continue;
        const w = harmonic ? 1 / (j - i) : 1;
        rows[a].set(b, (rows[a].get(b) ?? 0) + w);
        rows[b].set(a, (rows[b].get(a) ?? 0) + w);
      }
    }
  });
  let nnz = 0;
  for (const r of rows) nnz += r.size;
  const indptr = new Int32Array(V + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  rows.forEach((r, i) => {
    const cols = [...r.keys()].sort((x, y) => x - y);
    for (const c of cols) {
      indices[p] = c;
      values[p++] = r.get(c)!;
    }
    indptr[i + 1] = p;
  });
  return { kind: 'sparse', n: V, d: V, indptr, indices, values };
}
