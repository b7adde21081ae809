/**
 * Token-id features for models whose first layer is a word embedding: each text becomes the ids
 * of its first `maxLength` known words (vocabulary position + 1; 0 pads), a saved, synchronous
 * preprocessing step like the TF-IDF vectorizer.
 */
import { TransferkitError } from '../errors.ts';
import { checkTexts } from './check-texts.ts';
import { vocabularyWords, wordTokens } from './word-tokens.ts';

/**
 * Saved token-id preprocessing (JSON). Words are tokenised with `wordTokens`; a word not in
 * `vocabulary` is skipped (an unknown hyphenated compound contributes its known parts), so the
 * `maxLength` slots hold known words only; texts with more are truncated at the end, shorter
 * ones padded with 0 at the end. A text with no known word is all padding.
 *
 * @example
 * ```ts
 * const spec: TokenIdSpec = { tokenizer: 'words@1', vocabulary: ['free', 'money'], maxLength: 256, vectors: 'glove-100d' };
 * ```
 */
export interface TokenIdSpec {
  tokenizer: 'words@1';
  /** The words the model has an embedding row for; word `vocabulary[i]` has id `i + 1`. */
  vocabulary: string[];
  /** Token slots per text. */
  maxLength: number;
  /** The word vectors the embedding was initialised from (e.g. `glove-100d`): informational. */
  vectors: string;
}

/**
 * Default token slots per text: 256 known words (longer texts are truncated at the end).
 *
 * @example
 * ```ts
 * DEFAULT_MAX_TOKENS; // 256
 * ```
 */
export const DEFAULT_MAX_TOKENS = 256;

const indexCache = new WeakMap<TokenIdSpec, Map<string, number>>();

function vocabularyIndex(spec: TokenIdSpec): Map<string, number> {
  let index = indexCache.get(spec);
  if (!index) {
    if (spec.tokenizer !== 'words@1' || !Array.isArray(spec.vocabulary) || !Number.isInteger(spec.maxLength) || spec.maxLength < 1) {
      throw new TransferkitError('CORRUPT_MODEL', `The token-id preprocessing is invalid (tokenizer "${spec.tokenizer}", maxLength ${spec.maxLength})`, {
        where: 'token-id spec',
        hint: 'The saved model files may be corrupt or from an incompatible version; retrain the model.',
      });
    }
    index = new Map(spec.vocabulary.map((w, i) => [w, i + 1]));
    indexCache.set(spec, index);
  }
  return index;
}

/**
 * The ids of a text's known words, all of them (before truncation).
 *
 * @example
 * ```ts
 * textTokenIds(spec, 'Free money!'); // [1, 2]
 * ```
 */
export function textTokenIds(spec: TokenIdSpec, text: string): number[] {
  const index = vocabularyIndex(spec);
  const known = (w: string) => index.has(w);
  return wordTokens(text).flatMap((t) => vocabularyWords(t, known).map((w) => index.get(w)!));
}

/**
 * Turns texts into token-id rows `[texts.length, maxLength]` (float32, as model input).
 *
 * @example
 * ```ts
 * const x = transformTokenIds(spec, ['free money', 'see you at lunch']); // 2 × 256 ids
 * ```
 */
export function transformTokenIds(spec: TokenIdSpec, texts: readonly string[]): Float32Array {
  const L = spec.maxLength;
  vocabularyIndex(spec);
  const out = new Float32Array(texts.length * L);
  checkTexts(texts);
  texts.forEach((t, i) => {
    const ids = textTokenIds(spec, t);
    for (let j = 0; j < Math.min(L, ids.length); j++) out[i * L + j] = ids[j];
  });
  return out;
}
