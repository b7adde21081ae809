/**
 * A pretrained base for text made from word vectors: token ids → an `Embedding` layer holding
 * the vectors of a bounded vocabulary (the training texts' words, optionally plus the most
 * frequent words of the set) → masked mean or max pooling. `fit` puts a head on it
 * (`--base glove-100d`): `extract` trains the head on the frozen pooled vectors, `finetune` then
 * unfreezes the embedding at a low rate. The vocabulary and maximum length are saved as the
 * model's token-id preprocessing, the vectors as the embedding's weights, so a saved model
 * needs no word-vector file.
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import type { Dataset } from '../../data/dataset.ts';
import { DEFAULT_MAX_TOKENS, type TokenIdSpec } from '../../data/token-features.ts';
import { vocabularyWords, wordTokens } from '../../data/word-tokens.ts';
import { MODEL_META_FORMAT } from '../io.ts';
import type { ModelHandle } from '../load.ts';
import { POOLINGS, sifWeights, type Pooling } from './document-vectors.ts';
import { MaskedPooling } from './pooling-layer.ts';
import { loadWordVectors, WORD_VECTOR_SOURCES, type WordVectors } from './word-vectors.ts';

/**
 * Options of {@link wordVectorBase}.
 *
 * @example
 * ```ts
 * const opts: WordVectorBaseOptions = { pooling: 'sif', maxTokens: 256, vocabTop: 0 };
 * ```
 */
export interface WordVectorBaseOptions {
  /**
   * How word vectors become a document vector: `sif` (default) scales each word's row by
   * a/(a + p(w)), a = 1e-3, p from the frequency rank (see `sifWeights`), then takes the masked
   * mean; `mean` the plain mean; `max` the element-wise max. SIF is the default because it beat
   * the plain mean on spam with 20 labels (scripts/text-transfer.ts, results/text/glove-spam.md).
   */
  pooling?: Pooling;
  /** Word slots per text (default {@link DEFAULT_MAX_TOKENS}); longer texts are truncated at the end. */
  maxTokens?: number;
  /** Also give the N most frequent words of the set a row, so words first seen after training are known (default 0: the training texts' words only). */
  vocabTop?: number;
  /** Most rows the vocabulary may have (default 50,000): every training word is kept, the `vocabTop` words fill up to it. */
  maxVocab?: number;
}

/**
 * The names of the layers a word-vector base is made of; the head goes on {@link WORD_POOL_LAYER}.
 *
 * @example
 * ```ts
 * model.getLayer(WORD_EMBEDDING_LAYER); // the tf.layers.Embedding
 * ```
 */
export const WORD_EMBEDDING_LAYER = 'word_embedding';

/**
 * The pooling layer of a word-vector base: the cut a new head goes on.
 *
 * @example
 * ```ts
 * replaceHead(base.model, 2, { cutAt: WORD_POOL_LAYER });
 * ```
 */
export const WORD_POOL_LAYER = 'word_pool';

/**
 * Whether a base reference names word vectors (a built-in set such as `glove-100d`, or a
 * `.tkwv` cache file) rather than a model.
 *
 * @example
 * ```ts
 * isWordVectorsRef('glove-100d'); // true
 * isWordVectorsRef('fashion-cnn'); // false
 * ```
 */
export function isWordVectorsRef(ref: string): boolean {
  return WORD_VECTOR_SOURCES[ref] !== undefined || ref.toLowerCase().endsWith('.tkwv');
}

function checkOptions(opts: WordVectorBaseOptions): Required<WordVectorBaseOptions> {
  const o = { pooling: opts.pooling ?? 'sif', maxTokens: opts.maxTokens ?? DEFAULT_MAX_TOKENS, vocabTop: opts.vocabTop ?? 0, maxVocab: opts.maxVocab ?? 50_000 };
  if (!POOLINGS.includes(o.pooling)) throw new TransferkitError('BAD_OPTION', `pooling must be one of ${POOLINGS.join(', ')}, got ${JSON.stringify(o.pooling)}`, { where: 'pooling option', hint: 'Use "mean", "sif" or "max".' });
  for (const [key, v, min] of [['maxTokens', o.maxTokens, 1], ['vocabTop', o.vocabTop, 0], ['maxVocab', o.maxVocab, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new TransferkitError('BAD_OPTION', `${key} must be a whole number ≥ ${min}, got ${v}`, { where: `${key} option`, hint: key === 'maxTokens' ? 'E.g. 256 word slots per text.' : 'E.g. 0 or 20000.' });
  }
  return o;
}

/**
 * Builds a word-vector base from a loaded table and the training texts (see the module
 * description). Vocabulary: the known words of `texts` (unknown words skipped, unknown
 * hyphenated compounds split), all kept, plus the `vocabTop` most frequent words while the
 * vocabulary has fewer than `maxVocab` rows, in frequency order (`warnings` says when `vocabTop`
 * is above `maxVocab`). Throws `EMPTY_TEXT` when no training text has a known word.
 *
 * @example
 * ```ts
 * const wv = await loadWordVectors('test/fixtures/glove-mini/glove-mini.json');
 * const base = buildWordVectorBase(wv, ['free money now', 'lunch meeting'], { pooling: 'mean' });
 * base.features; // { kind: 'text', tokens: { vocabulary: [...], maxLength: 256, … } }
 * ```
 */
export function buildWordVectorBase(wv: WordVectors, texts: readonly string[], opts: WordVectorBaseOptions = {}): Pick<ModelHandle, 'model' | 'features' | 'classes'> & { vocabulary: string[]; emptyTexts: number; warnings: string[] } {
  const o = checkOptions(opts);
  const rows = new Set<number>();
  const known = (w: string) => wv.index.has(w);
  let emptyTexts = 0;
  for (const text of texts) {
    const words = wordTokens(text).flatMap((t) => vocabularyWords(t, known));
    if (words.length === 0) emptyTexts++;
    for (const w of words) rows.add(wv.index.get(w)!);
  }
  if (rows.size === 0) {
    throw new TransferkitError('EMPTY_TEXT', `None of the ${texts.length} training texts has a word the word vectors "${wv.name}" know, so there is nothing to transfer`, {
      where: 'training texts',
      hint: 'Check that the texts are English prose (the vectors are lower-cased English words); empty texts cannot be trained on.',
    });
  }
  // every training word is kept; the most frequent other words fill the rest, up to maxVocab
  for (let r = 0; r < Math.min(o.vocabTop, wv.words.length) && rows.size < o.maxVocab; r++) rows.add(r);
  const kept = [...rows].sort((a, b) => a - b);
  const d = wv.dims;
  const weights = o.pooling === 'sif' ? sifWeights(wv) : undefined;
  const matrix = new Float32Array((kept.length + 1) * d); // row 0: padding, zeros
  kept.forEach((r, i) => {
    const s = weights ? weights[r] : 1;
    for (let j = 0; j < d; j++) matrix[(i + 1) * d + j] = s * wv.vectors[r * d + j];
  });
  const vocabulary = kept.map((r) => wv.words[r]);
  const init = tf.tensor2d(matrix, [kept.length + 1, d]);
  let model: tf.LayersModel;
  try {
    const ids = tf.input({ shape: [o.maxTokens], name: 'token_ids' });
    const emb = tf.layers.embedding({ name: WORD_EMBEDDING_LAYER, inputDim: kept.length + 1, outputDim: d, maskZero: true, weights: [init] });
    const pooled = new MaskedPooling({ name: WORD_POOL_LAYER, pooling: o.pooling === 'max' ? 'max' : 'mean' }).apply(emb.apply(ids)) as tf.SymbolicTensor;
    model = tf.model({ inputs: ids, outputs: pooled, name: `${wv.name.replace(/[^\w-]/g, '_')}_${o.pooling}` });
  } finally {
    init.dispose();
  }
  const tokens: TokenIdSpec = { tokenizer: 'words@1', vocabulary, maxLength: o.maxTokens, vectors: wv.name };
  return { model, features: { kind: 'text', tokens }, classes: Array.from({ length: d }, (_, j) => `dim${j}`), vocabulary, emptyTexts, warnings: vocabTopWarnings(o) };
}

/**
 * Warns when `vocabTop` asks for more words than `maxVocab` (default 50,000) rows allow: the
 * training words are all kept, the top words fill only up to `maxVocab`.
 *
 * @example
 * ```ts
 * vocabTopWarnings({ vocabTop: 100_000 }); // ['vocabTop 100000 is above maxVocab 50000: …']
 * ```
 */
export function vocabTopWarnings(opts: Pick<WordVectorBaseOptions, 'vocabTop' | 'maxVocab'>): string[] {
  const maxVocab = opts.maxVocab ?? 50_000;
  return (opts.vocabTop ?? 0) > maxVocab ? [`vocabTop ${opts.vocabTop} is above maxVocab ${maxVocab}: every training word is kept and the most frequent other words fill the vocabulary only up to ${maxVocab} rows`] : [];
}

/**
 * Loads word vectors (`ref`: `glove-100d` or a `.tkwv` file, see `loadWordVectors`) and builds
 * a base on the training data's texts, as a {@link ModelHandle} `fit` can put a head on.
 * Throws `KIND_MISMATCH` for data that is not text.
 *
 * @example
 * ```ts
 * const base = await wordVectorBase('glove-100d', train, { pooling: 'sif' });
 * ```
 */
export async function wordVectorBase(ref: string, train: Dataset, opts: WordVectorBaseOptions = {}): Promise<ModelHandle> {
  checkOptions(opts);
  if (train.features.kind !== 'text') {
    throw new TransferkitError('KIND_MISMATCH', `Word vectors ("${ref}") are a base for text, but ${train.name} holds ${train.features.kind} data`, {
      where: train.name,
      hint: 'Use a text dataset (JSON Lines with a "text" field, a CSV text column, builtin:spam-2002), or a model base for this data.',
    });
  }
  const wv = await loadWordVectors(ref);
  const made = buildWordVectorBase(wv, train.features.texts, opts);
  return { model: made.model, features: made.features, classes: made.classes, ref, dir: '', meta: { format: MODEL_META_FORMAT, classes: made.classes, features: made.features, createdAt: new Date().toISOString() } };
}
