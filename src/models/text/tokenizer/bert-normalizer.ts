/**
 * Hugging Face's `BertNormalizer` (clean text, Chinese characters, accents, lower case) that
 * keeps, for every character of the normalised text, where it came from in the original, so
 * tokens can be mapped back to the user's words.
 *
 * @module
 */

/**
 * The settings of a `BertNormalizer` (the `normalizer` field of `tokenizer.json`).
 *
 * @example
 * ```ts
 * const o: BertNormalizerOptions = { cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true };
 * ```
 */
export interface BertNormalizerOptions {
  /** Drop control characters and turn every whitespace character into a space. */
  cleanText: boolean;
  /** Put spaces around CJK ideographs, so each becomes a word. */
  handleChineseChars: boolean;
  /** Decompose (NFD) and drop combining marks. */
  stripAccents: boolean;
  lowercase: boolean;
}

/**
 * A normalised text with, per UTF-16 unit of it, the `[start, end)` range in the original text
 * that produced it.
 *
 * @example
 * ```ts
 * const n: Normalized = normalizeBert('Café', opts); // n.text 'cafe', n.start[3] 3, n.end[3] 4
 * ```
 */
export interface Normalized {
  text: string;
  start: Int32Array;
  end: Int32Array;
}

/**
 * Whitespace as BERT sees it (Rust's `char::is_whitespace`, the Unicode White_Space property):
 * space, tab, newline, carriage return, `Zs`, line and paragraph separators.
 *
 * @example
 * ```ts
 * isBertWhitespace('\t'); // true
 * ```
 */
export function isBertWhitespace(ch: string): boolean {
  return ch === '\u0085' || (ch !== '\ufeff' && /^\s$/u.test(ch));
}

/** "Other" characters (`Cc`, `Cf`, `Cn`, `Co`, `Cs`) but tab, newline and carriage return: what clean text removes. */
function isControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return /^[\p{Cc}\p{Cf}\p{Cn}\p{Co}\p{Cs}]$/u.test(ch);
}

/** CJK Unified Ideographs and their extensions (the ranges BERT's tokenizer pads). */
function isChinese(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/**
 * Normalises `text` as Hugging Face's `BertNormalizer` does (clean text, then Chinese
 * characters, then accents, then lower case), character by character, recording where each
 * output unit came from.
 *
 * @example
 * ```ts
 * normalizeBert('Héllo\tWORLD', { cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true }).text; // 'hello world'
 * ```
 */
export function normalizeBert(text: string, o: BertNormalizerOptions): Normalized {
  const out: string[] = [];
  const start: number[] = [];
  const end: number[] = [];
  let i = 0;
  for (const ch of text) {
    const s = i;
    const e = i + ch.length;
    i = e;
    const cp = ch.codePointAt(0) ?? 0;
    let pieces: string;
    if (o.cleanText && (cp === 0 || cp === 0xfffd || isControl(ch))) continue;
    if (o.cleanText && isBertWhitespace(ch)) pieces = ' ';
    else pieces = ch;
    if (o.handleChineseChars && isChinese(cp)) pieces = ` ${pieces} `;
    if (o.stripAccents) pieces = Array.from(pieces.normalize('NFD')).filter((c) => !/^\p{Mn}$/u.test(c)).join('');
    if (o.lowercase) pieces = pieces.toLowerCase();
    for (let k = 0; k < pieces.length; k++) {
      out.push(pieces[k]);
      start.push(s);
      end.push(e);
    }
  }
  return { text: out.join(''), start: Int32Array.from(start), end: Int32Array.from(end) };
}

/**
 * Punctuation as BERT sees it: every non-alphanumeric ASCII symbol, and Unicode `P*`.
 *
 * @example
 * ```ts
 * isBertPunctuation('$'); // true
 * ```
 */
export function isBertPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return /^\p{P}$/u.test(ch);
}

/**
 * `BertPreTokenizer`: splits a normalised text on whitespace and makes every punctuation
 * character a word of its own. Returns each word with its `[start, end)` in `text`.
 *
 * @example
 * ```ts
 * preTokenizeBert("don't stop"); // [{ word: 'don', start: 0, end: 3 }, { word: "'", … }, { word: 't', … }, { word: 'stop', … }]
 * ```
 */
export function preTokenizeBert(text: string): Array<{ word: string; start: number; end: number }> {
  const words: Array<{ word: string; start: number; end: number }> = [];
  let from = -1;
  const flush = (to: number) => {
    if (from >= 0 && to > from) words.push({ word: text.slice(from, to), start: from, end: to });
    from = -1;
  };
  let i = 0;
  for (const ch of text) {
    if (isBertWhitespace(ch)) flush(i);
    else if (isBertPunctuation(ch)) {
      flush(i);
      words.push({ word: ch, start: i, end: i + ch.length });
    } else if (from < 0) from = i;
    i += ch.length;
  }
  flush(i);
  return words;
}
