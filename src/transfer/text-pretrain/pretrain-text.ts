/**
 * Self-supervised word embeddings from unlabelled text, the classic count-based way (Levy,
 * Goldberg & Dagan 2015): tokenise, keep the frequent words, count co-occurrences within a
 * window, weigh them by positive PMI with smoothed context probabilities, and factor the PPMI
 * matrix by truncated SVD — word w's vector is row w of U·diag(S)^p. Deterministic for a seed
 * and fast on a CPU: a million tokens take seconds. The result is a {@link WordVectors} table,
 * saved with `saveWordVectors` and usable wherever pretrained word vectors are.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { randomizedSvd } from '../../measures/randomized-svd.ts';
import type { WordVectors } from '../../models/text/word-vectors.ts';
import { wordTokens } from '../../models/text/tokenize.ts';
import { buildVocabulary, cooccurrenceCounts, type CooccurrenceOptions, type VocabularyOptions } from './cooccurrence.ts';
import { ppmi, type PpmiOptions } from './ppmi.ts';

/**
 * Options of {@link pretrainWordVectors}; the defaults are `TEXT_PRETRAIN_DEFAULTS`.
 *
 * @example
 * ```ts
 * const o: TextPretrainOptions = { dims: 100, window: 5, minCount: 5, maxWords: 20000, alpha: 0.75 };
 * ```
 */
export interface TextPretrainOptions extends VocabularyOptions, CooccurrenceOptions, PpmiOptions {
  /** Embedding width: singular vectors kept (default 100). */
  dims?: number;
  /** Exponent p of the singular values in U·diag(S)^p (default 0.5, Levy et al.'s symmetric weighting). */
  eigenWeight?: number;
  /** Scale every word vector to length 1 (default true). */
  normalize?: boolean;
  /** Power iterations of the randomized SVD (default 3). */
  powerIterations?: number;
  seed?: number;
  /** Name stored with the vectors (default `ppmi-svd-<dims>d`). */
  name?: string;
  /** Progress: a short description of each step. */
  onStep?: (step: string) => void;
}

/**
 * The defaults of {@link pretrainWordVectors}.
 *
 * @example
 * ```ts
 * TEXT_PRETRAIN_DEFAULTS.window; // 5
 * ```
 */
export const TEXT_PRETRAIN_DEFAULTS = Object.freeze({ dims: 100, window: 5, weighting: 'uniform' as const, minCount: 5, maxWords: 20_000, alpha: 0.75, shift: 1, eigenWeight: 0.5, normalize: true, powerIterations: 3, seed: 0 });

/**
 * What {@link pretrainWordVectors} made and measured.
 *
 * @example
 * ```ts
 * const { vectors, stats } = pretrainWordVectors(texts);
 * stats.tokens; // tokens read
 * ```
 */
export interface TextPretrainResult {
  vectors: WordVectors;
  stats: {
    documents: number;
    tokens: number;
    vocabulary: number;
    /** Stored entries of the co-occurrence and PPMI matrices. */
    cooccurrences: number;
    ppmiEntries: number;
    /** The top singular values of the PPMI matrix. */
    singularValues: number[];
    seconds: number;
  };
}

/**
 * Learns word vectors from unlabelled texts by PPMI + truncated SVD (see the module doc).
 * Tokenisation is `wordTokens`, the same as `documentVectors` uses, so the vectors fit its
 * documents.
 *
 * @throws TransferkitError `BAD_INPUT` with no text or too few frequent words; `BAD_OPTION` for a bad setting.
 * @example
 * ```ts
 * const austen = await loadDataset('builtin:austen');
 * const { vectors } = pretrainWordVectors(austen.features.kind === 'text' ? austen.features.texts : [], { dims: 100 });
 * await saveWordVectors(vectors, 'austen.tkwv');
 * ```
 */
export function pretrainWordVectors(texts: readonly string[], opts: TextPretrainOptions = {}): TextPretrainResult {
  const o = { ...TEXT_PRETRAIN_DEFAULTS, ...definedOnly(opts) };
  const step = opts.onStep ?? (() => {});
  const t0 = Date.now();
  if (!Number.isInteger(o.dims) || o.dims < 1) throw new TransferkitError('BAD_OPTION', `dims must be a whole number ≥ 1, got ${o.dims}`, { where: 'pretrainWordVectors dims', hint: 'E.g. dims: 100.' });
  if (!(o.eigenWeight >= 0 && o.eigenWeight <= 1)) throw new TransferkitError('BAD_OPTION', `eigenWeight must be in [0, 1], got ${o.eigenWeight}`, { where: 'pretrainWordVectors eigenWeight', hint: 'Use 0.5 (default), 0 or 1.' });
  step(`tokenising ${texts.length} documents`);
  const docs = texts.map((t) => wordTokens(t));
  const tokens = docs.reduce((s, d) => s + d.length, 0);
  if (!tokens) throw new TransferkitError('BAD_INPUT', `The ${texts.length} documents hold no words`, { where: 'pretrainWordVectors', hint: 'Give unlabelled text data, e.g. --data builtin:austen.' });
  const vocab = buildVocabulary(docs, o);
  step(`counting co-occurrences of ${vocab.words.length} words in ${tokens} tokens (window ${o.window})`);
  const counts = cooccurrenceCounts(docs, vocab, o);
  const P = ppmi(counts, o);
  const r = Math.min(o.dims, vocab.words.length);
  step(`SVD of the ${vocab.words.length}×${vocab.words.length} PPMI matrix (${P.values.length} entries) to ${r} dimensions`);
  const svd = randomizedSvd(P, r, { seed: o.seed, powerIterations: o.powerIterations });
  const V = vocab.words.length;
  const vectors = new Float32Array(V * r);
  const scale = Float64Array.from(svd.S, (s) => s ** o.eigenWeight);
  for (let i = 0; i < V; i++) {
    let norm = 0;
    for (let q = 0; q < r; q++) norm += (svd.U[i * svd.r + q] * scale[q]) ** 2;
    const f = o.normalize && norm > 0 ? 1 / Math.sqrt(norm) : 1;
    for (let q = 0; q < r; q++) vectors[i * r + q] = svd.U[i * svd.r + q] * scale[q] * f;
  }
  return {
    vectors: { name: opts.name ?? `ppmi-svd-${r}d`, words: vocab.words, dims: r, vectors, index: vocab.index },
    stats: {
      documents: texts.length,
      tokens,
      vocabulary: V,
      cooccurrences: counts.values.length,
      ppmiEntries: P.values.length,
      singularValues: Array.from(svd.S.subarray(0, Math.min(10, r))),
      seconds: (Date.now() - t0) / 1000,
    },
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
