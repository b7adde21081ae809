/**
 * Word tokens in the conventions of GloVe-style vocabularies (lower-cased, accents stripped,
 * hyphenated compounds kept whole, English contractions split the Penn Treebank way), each with
 * the span of the text it came from, so explanations can show words as the user wrote them.
 */

/**
 * One word token: `word` is the normalised form looked up in a vocabulary; `text` is the span
 * as written, `text === source.slice(start, end)`. A contraction gives two tokens with the same
 * span (`"Don't"` → `do`, `not`).
 *
 * @example
 * ```ts
 * const t: WordToken = { word: 'cafe', text: 'Café', start: 0, end: 4 };
 * ```
 */
export interface WordToken {
  word: string;
  text: string;
  start: number;
  end: number;
}

/**
 * Runs of letters and digits joined by inner hyphens or apostrophes, or one symbol that word
 * vectors usually know (`! ? $ % & @ # * + = < > £ € ¥`).
 */
const TOKEN = /[\p{L}\p{N}\p{M}]+(?:[-'’][\p{L}\p{N}\p{M}]+)*|[!?$%&@#*+=<>£€¥]/gu;

/** Contraction endings (after the Penn Treebank split) and the word each stands for; `'s` (is / has / possessive) is dropped. */
const CLITICS: ReadonlyArray<[string, string | null]> = [
  ["n't", 'not'],
  ["'s", null],
  ["'m", 'am'],
  ["'re", 'are'],
  ["'ll", 'will'],
  ["'ve", 'have'],
  ["'d", 'would'],
];
/** Stems the Penn Treebank split leaves for irregular negations: ca(n't), wo(n't), sha(n't), ai(n't). */
const NEGATION_STEMS: Readonly<Record<string, string>> = { ca: 'can', wo: 'will', sha: 'shall', ai: 'is' };

/**
 * Lower-cases a word and strips its accents (NFD, combining marks removed), with `’` as `'`.
 *
 * @example
 * ```ts
 * normaliseWord('Café'); // 'cafe'
 * ```
 */
export function normaliseWord(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/’/g, "'");
}

function wordsOf(norm: string): string[] {
  if (!norm.includes("'")) return [norm];
  for (const [ending, meaning] of CLITICS) {
    if (norm.endsWith(ending) && norm.length > ending.length) {
      let stem = norm.slice(0, -ending.length);
      if (ending === "n't") stem = NEGATION_STEMS[stem] ?? stem;
      const words = stem.split("'").filter((w) => w !== '');
      return meaning ? [...words, meaning] : words;
    }
  }
  return norm.split("'").filter((w) => w !== '');
}

/**
 * The word tokens of a text with their spans (see {@link WordToken}). Digits are kept as
 * tokens (a vocabulary may not know them); other punctuation is dropped.
 *
 * @example
 * ```ts
 * wordTokenSpans("Don't e-mail Zoë!").map((t) => t.word); // ['do', 'not', 'e-mail', 'zoe', '!']
 * ```
 */
export function wordTokenSpans(text: string): WordToken[] {
  const out: WordToken[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    for (const word of wordsOf(normaliseWord(m[0]))) out.push({ word, text: m[0], start, end });
  }
  return out;
}

/**
 * The normalised word tokens of a text, in order (see {@link wordTokenSpans}).
 *
 * @example
 * ```ts
 * wordTokens('The CAT can’t sleep.'); // ['the', 'cat', 'can', 'not', 'sleep']
 * ```
 */
export function wordTokens(text: string): string[] {
  return wordTokenSpans(text).map((t) => t.word);
}

/**
 * The written pieces of a text that masking-based explanations switch on and off: one per
 * distinct span of {@link wordTokenSpans} (a contraction is one piece), as the user wrote it.
 *
 * @example
 * ```ts
 * writtenWords("Don't BUY now"); // [{ text: "Don't", start: 0, end: 5 }, { text: 'BUY', … }, { text: 'now', … }]
 * ```
 */
export function writtenWords(text: string): Array<{ text: string; start: number; end: number }> {
  const out: Array<{ text: string; start: number; end: number }> = [];
  for (const t of wordTokenSpans(text)) if (out.at(-1)?.start !== t.start) out.push({ text: t.text, start: t.start, end: t.end });
  return out;
}

/**
 * The vocabulary words a token stands for: itself when known, else the known parts of a
 * hyphenated compound the vocabulary lacks (`'spam-filter'` → `['spam', 'filter']`), else none
 * (out of vocabulary: skipped).
 *
 * @example
 * ```ts
 * vocabularyWords('spam-filter', (w) => w === 'spam' || w === 'filter'); // ['spam', 'filter']
 * ```
 */
export function vocabularyWords(word: string, known: (w: string) => boolean): string[] {
  if (known(word)) return [word];
  return word.includes('-') ? word.split('-').filter((w) => w !== '' && known(w)) : [];
}
