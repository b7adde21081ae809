/**
 * Word tokens for pretrained word vectors (the tokenizer lives in the data layer, where the
 * saved preprocessing of text models runs; this is its home among the text models).
 *
 * @example
 * ```ts
 * import { wordTokens, wordTokenSpans } from 'transferkit/models';
 * wordTokens("Don't buy now!"); // ['do', 'not', 'buy', 'now', '!']
 * wordTokenSpans('Café')[0]; // { word: 'cafe', text: 'Café', start: 0, end: 4 }
 * ```
 *
 * @module
 */
export { wordTokens, wordTokenSpans, writtenWords, normaliseWord, vocabularyWords, type WordToken } from '../../data/word-tokens.ts';
