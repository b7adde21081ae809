/**
 * Document vectors from word vectors: the mean, the SIF-weighted mean (Arora, Liang & Ma,
 * 2017: each word weighted by a / (a + p(w))), or the element-wise max of the vectors of a
 * text's known words. Out-of-vocabulary words are skipped; a text with no known word gets a
 * zero vector and is listed in `empty`.
 */
import { TransferkitError } from '../../errors.ts';
import { checkTexts } from '../../data/check-texts.ts';
import { vocabularyWords, wordTokens } from '../../data/word-tokens.ts';
import type { WordVectors } from './word-vectors.ts';

/**
 * How word vectors are pooled into a document vector.
 *
 * @example
 * ```ts
 * const p: Pooling = 'sif';
 * ```
 */
export type Pooling = 'mean' | 'sif' | 'max';

/**
 * The poolings {@link documentVectors} knows.
 *
 * @example
 * ```ts
 * POOLINGS.includes('max'); // true
 * ```
 */
export const POOLINGS: readonly Pooling[] = ['mean', 'sif', 'max'];

/**
 * Options of {@link sifWeights} and {@link documentVectors}.
 *
 * @example
 * ```ts
 * documentVectors(wv, texts, { pooling: 'sif', sifA: 1e-3, frequencies: trainTexts });
 * ```
 */
export interface DocumentVectorsOptions {
  /** Default `'mean'`. */
  pooling?: Pooling;
  /** SIF's a (default 1e-3, the value Arora et al. recommend). */
  sifA?: number;
  /**
   * Where SIF's word probabilities p(w) come from: `'rank'` (default) — Zipf's law on the
   * vectors' frequency order, p = 1 / ((rank + 1) · H_V) with H_V the harmonic number of the
   * table's size; or texts — the share of their known-word tokens that are w (a word absent
   * from them gets p = 0, weight 1).
   */
  frequencies?: 'rank' | readonly string[];
  /** Precomputed weights per row of the table (from {@link sifWeights}); overrides `sifA` and `frequencies`. */
  weights?: Float32Array;
}

/**
 * Document vectors and what was out of vocabulary.
 *
 * @example
 * ```ts
 * const { x, empty, known, tokens } = documentVectors(wv, texts);
 * if (empty.length) console.warn(`${empty.length} texts have no known word`);
 * ```
 */
export interface DocumentVectorsResult {
  /** Row-major `[texts.length, dims]`. */
  x: Float32Array;
  dims: number;
  /** Indices of the texts with no known word (their rows are zero). */
  empty: number[];
  /** Word tokens seen, and how many of them the table knows. */
  tokens: number;
  known: number;
}

/**
 * The SIF weight a / (a + p(w)) of every row of a word-vector table (see
 * {@link DocumentVectorsOptions.frequencies} for p).
 *
 * @example
 * ```ts
 * const w = sifWeights(wv, { frequencies: trainTexts });
 * w[wv.index.get('the')!]; // close to 0: 'the' is frequent
 * ```
 */
export function sifWeights(wv: WordVectors, opts: Pick<DocumentVectorsOptions, 'sifA' | 'frequencies'> = {}): Float32Array {
  const a = opts.sifA ?? 1e-3;
  if (!(a > 0 && Number.isFinite(a))) throw new TransferkitError('BAD_OPTION', `sifA must be a positive number, got ${a}`, { where: 'sifA option', hint: 'Arora et al. use 1e-3 (1e-4 to 1e-2 work).' });
  const n = wv.words.length;
  const w = new Float32Array(n);
  const freq = opts.frequencies ?? 'rank';
  if (freq === 'rank') {
    let h = 0;
    for (let k = 1; k <= n; k++) h += 1 / k;
    for (let r = 0; r < n; r++) w[r] = a / (a + 1 / ((r + 1) * h));
    return w;
  }
  const counts = new Float64Array(n);
  let total = 0;
  for (const text of checkTexts(freq, 'frequencies')) {
    for (const rows of knownRows(wv, text)) {
      counts[rows]++;
      total++;
    }
  }
  for (let r = 0; r < n; r++) w[r] = a / (a + (total > 0 ? counts[r] / total : 0));
  return w;
}


/** Rows of the known words of a text, in order (OOV tokens skipped, unknown compounds split). */
function knownRows(wv: WordVectors, text: string): number[] {
  const has = (w: string) => wv.index.has(w);
  return wordTokens(text).flatMap((t) => vocabularyWords(t, has).map((w) => wv.index.get(w)!));
}

/**
 * Pools the vectors of each text's known words (see {@link wordTokens} for tokenisation):
 * `mean` = (1/m) Σ v_w; `sif` = (1/m) Σ a/(a + p(w)) · v_w (Arora et al.'s weighted average,
 * without their first-principal-component removal); `max` = element-wise max. m counts the
 * known tokens (repeats count). Unknown words are skipped; a text with none gets zeros and is
 * listed in `empty`.
 *
 * @example
 * ```ts
 * const wv = await loadWordVectors('glove-100d');
 * const { x } = documentVectors(wv, ['cheap pills', 'meeting at noon'], { pooling: 'sif' }); // 2 × 100
 * ```
 */
export function documentVectors(wv: WordVectors, texts: readonly string[], opts: DocumentVectorsOptions = {}): DocumentVectorsResult {
  const pooling = opts.pooling ?? 'mean';
  if (!POOLINGS.includes(pooling)) throw new TransferkitError('BAD_OPTION', `pooling must be one of ${POOLINGS.join(', ')}, got ${JSON.stringify(pooling)}`, { where: 'pooling option', hint: 'Use "mean", "sif" or "max".' });
  checkTexts(texts, 'documentVectors');
  const weights = pooling === 'sif' ? (opts.weights ?? sifWeights(wv, opts)) : undefined;
  if (weights && weights.length !== wv.words.length) {
    throw new TransferkitError('SHAPE_MISMATCH', `${weights.length} weights for ${wv.words.length} words`, { where: 'documentVectors weights option', hint: 'Compute them with sifWeights on the same table.' });
  }
  const d = wv.dims;
  const x = new Float32Array(texts.length * d);
  const empty: number[] = [];
  let tokens = 0;
  let known = 0;
  texts.forEach((text, i) => {
    tokens += wordTokens(text).length;
    const rows = knownRows(wv, text);
    known += rows.length;
    if (rows.length === 0) {
      empty.push(i);
      return;
    }
    const acc = new Float64Array(d).fill(pooling === 'max' ? -Infinity : 0);
    for (const r of rows) {
      const off = r * d;
      if (pooling === 'max') for (let j = 0; j < d; j++) acc[j] = Math.max(acc[j], wv.vectors[off + j]);
      else {
        const s = weights ? weights[r] : 1;
        for (let j = 0; j < d; j++) acc[j] += s * wv.vectors[off + j];
      }
    }
    for (let j = 0; j < d; j++) x[i * d + j] = pooling === 'max' ? acc[j] : acc[j] / rows.length;
  });
  return { x, dims: d, empty, tokens, known };
}
