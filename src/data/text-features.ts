/**
 * Hashed n-gram TF-IDF features for text: no vocabulary to store, only the options and one
 * IDF weight per hash bucket.
 */
import { TransferkitError } from '../errors.ts';
import { checkTexts } from './check-texts.ts';

/**
 * Options for {@link fitTextVectorizer}.
 *
 * @example
 * ```ts
 * fitTextVectorizer(texts, { dims: 1 << 14, charNgrams: [3, 5], sublinearTf: true });
 * ```
 */
export interface TextVectorizerOptions {
  /** Number of hash buckets, i.e. feature dimensions (default 2^13 = 8192). */
  dims?: number;
  /** Word n-gram lengths `[min, max]` (default `[1, 2]`); `null` turns word n-grams off. */
  wordNgrams?: [number, number] | null;
  /** Character n-gram lengths `[min, max]` within words (e.g. `[3, 5]`); default `null` (off). */
  charNgrams?: [number, number] | null;
  /** Give each n-gram a hash-derived sign of ±1 so collisions tend to cancel (default false). */
  signHash?: boolean;
  /** Use `1 + ln(tf)` instead of the raw count (default false). */
  sublinearTf?: boolean;
}

/**
 * Options with every default filled in.
 *
 * @example
 * ```ts
 * const o: ResolvedTextVectorizerOptions = spec.options; // every option filled in
 * ```
 */
export type ResolvedTextVectorizerOptions = Required<TextVectorizerOptions>;

/**
 * A fitted text vectorizer: JSON-serialisable, saved with a model.
 *
 * @example
 * ```ts
 * const spec: TextVectorizerSpec = JSON.parse(await readFile('vectorizer.json', 'utf8'));
 * ```
 */
export interface TextVectorizerSpec {
  /** Hash function: FNV-1a 32-bit over UTF-8, finalised with murmur3's fmix32. */
  hash: 'fnv1a32-fmix';
  options: ResolvedTextVectorizerOptions;
  /** Number of documents the IDF was fitted on. */
  nDocs: number;
  /** Per-bucket smooth IDF `ln((1 + n) / (1 + df)) + 1`, rounded to 6 decimals. */
  idf: number[];
}

/**
 * The defaults {@link fitTextVectorizer} uses.
 *
 * @example
 * ```ts
 * TEXT_VECTORIZER_DEFAULTS.dims; // 8192
 * ```
 */
export const TEXT_VECTORIZER_DEFAULTS: Readonly<ResolvedTextVectorizerOptions> = Object.freeze({
  dims: 8192,
  wordNgrams: [1, 2] as [number, number],
  charNgrams: null,
  signHash: false,
  sublinearTf: false,
});

/**
 * 32-bit hash of a string: FNV-1a over its UTF-8 bytes, then murmur3's fmix32 so every bit
 * is well mixed. Unsigned.
 *
 * @example
 * ```ts
 * hashString('w:hello'); // a number in [0, 2^32)
 * ```
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  const mix = (b: number) => {
    h = Math.imul(h ^ b, 0x01000193);
  };
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) mix(c);
    else if (c < 0x800) {
      mix(0xc0 | (c >> 6));
      mix(0x80 | (c & 63));
    } else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00) + 0x10000;
      mix(0xf0 | (c >> 18));
      mix(0x80 | ((c >> 12) & 63));
      mix(0x80 | ((c >> 6) & 63));
      mix(0x80 | (c & 63));
    } else {
      mix(0xe0 | (c >> 12));
      mix(0x80 | ((c >> 6) & 63));
      mix(0x80 | (c & 63));
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Lower-cases `text` and splits it into runs of letters and digits (any script).
 *
 * @example
 * ```ts
 * tokenize("Don't STOP-me now!"); // ['don', 't', 'stop', 'me', 'now']
 * ```
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((t) => t !== '');
}

/**
 * The n-gram terms of a text before hashing: word n-grams as `w:` + words joined by a space,
 * character n-grams as `c:` + n characters of a word padded with one space on each side.
 *
 * @example
 * ```ts
 * textTerms('Hi there', { wordNgrams: [1, 2] }); // ['w:hi', 'w:there', 'w:hi there']
 * ```
 */
export function textTerms(text: string, opts: TextVectorizerOptions = {}): string[] {
  const o = resolveOptions(opts);
  const tokens = tokenize(text);
  const terms: string[] = [];
  if (o.wordNgrams) {
    const [lo, hi] = o.wordNgrams;
    for (let n = lo; n <= hi; n++) for (let i = 0; i + n <= tokens.length; i++) terms.push('w:' + tokens.slice(i, i + n).join(' '));
  }
  if (o.charNgrams) {
    const [lo, hi] = o.charNgrams;
    for (const t of tokens) {
      const chars = Array.from(` ${t} `);
      for (let n = lo; n <= hi; n++) for (let i = 0; i + n <= chars.length; i++) terms.push('c:' + chars.slice(i, i + n).join(''));
    }
  }
  return terms;
}

/**
 * The bucket and sign of a term: `hash % dims`, and (with sign hashing) the sign from the
 * hash's top bit, else +1.
 *
 * @example
 * ```ts
 * const { index, sign } = termBucket('w:hello', 8192, false);
 * ```
 */
export function termBucket(term: string, dims: number, signHash: boolean): { index: number; sign: number } {
  const h = hashString(term);
  return { index: h % dims, sign: signHash && h >>> 31 ? -1 : 1 };
}

function resolveOptions(opts: TextVectorizerOptions): ResolvedTextVectorizerOptions {
  const o: ResolvedTextVectorizerOptions = {
    dims: opts.dims ?? TEXT_VECTORIZER_DEFAULTS.dims,
    wordNgrams: opts.wordNgrams === undefined ? [1, 2] : opts.wordNgrams,
    charNgrams: opts.charNgrams ?? null,
    signHash: opts.signHash ?? false,
    sublinearTf: opts.sublinearTf ?? false,
  };
  if (!Number.isInteger(o.dims) || o.dims < 1 || o.dims > 1 << 24) {
    throw new TransferkitError('BAD_OPTION', `Text feature dims must be a whole number from 1 to 2^24, got ${o.dims}`, { where: 'text dims option', hint: 'Use a power of two such as 8192 (2^13).' });
  }
  for (const key of ['wordNgrams', 'charNgrams'] as const) {
    const r = o[key];
    if (r !== null && !(Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && Number.isInteger(r[1]) && r[0] >= 1 && r[0] <= r[1] && r[1] <= 10)) {
      throw new TransferkitError('BAD_OPTION', `${key} must be [min, max] with 1 ≤ min ≤ max ≤ 10, got ${JSON.stringify(r)}`, { where: `${key} option`, hint: key === 'wordNgrams' ? 'E.g. [1, 2] for words and word pairs.' : 'E.g. [3, 5].' });
    }
  }
  if (!o.wordNgrams && !o.charNgrams) {
    throw new TransferkitError('BAD_OPTION', 'Both word and character n-grams are off, so there would be no features', { where: 'text vectorizer options', hint: 'Turn on wordNgrams (e.g. [1, 2]) or charNgrams (e.g. [3, 5]).' });
  }
  return { ...o, wordNgrams: o.wordNgrams && [...o.wordNgrams], charNgrams: o.charNgrams && [...o.charNgrams] };
}

/** Signed term counts per bucket of one text. */
function countBuckets(text: string, o: ResolvedTextVectorizerOptions): Map<number, number> {
  const counts = new Map<number, number>();
  for (const term of textTerms(text, o)) {
    const { index, sign } = termBucket(term, o.dims, o.signHash);
    counts.set(index, (counts.get(index) ?? 0) + sign);
  }
  return counts;
}

/**
 * Fits TF-IDF weights on `texts`: document frequency per hash bucket, smooth IDF
 * `ln((1 + n) / (1 + df)) + 1` (as scikit-learn's `smooth_idf`), rounded to 6 decimals.
 *
 * @example
 * ```ts
 * const spec = fitTextVectorizer(trainTexts, { charNgrams: [3, 5] });
 * await writeFile('vectorizer.json', JSON.stringify(spec));
 * ```
 */
export function fitTextVectorizer(texts: readonly string[], opts: TextVectorizerOptions = {}): TextVectorizerSpec {
  const o = resolveOptions(opts);
  checkTexts(texts, 'fitTextVectorizer');
  if (texts.length === 0) {
    throw new TransferkitError('EMPTY_DATA', 'Cannot fit a text vectorizer on no texts', { where: 'fitTextVectorizer', hint: 'Pass the training texts.' });
  }
  const df = new Float64Array(o.dims);
  for (const t of texts) for (const index of countBuckets(t, { ...o, signHash: false }).keys()) df[index]++;
  const n = texts.length;
  const idf = Array.from(df, (d) => Math.round((Math.log((1 + n) / (1 + d)) + 1) * 1e6) / 1e6);
  return { hash: 'fnv1a32-fmix', options: o, nDocs: n, idf };
}

/**
 * Turns texts into TF-IDF rows (`n × dims`, row-major): per-bucket term counts (signed when
 * sign hashing is on; `1 + ln(tf)` when sublinear), times the fitted IDF, each row scaled to
 * unit L2 norm (an empty text stays all zeros).
 *
 * @example
 * ```ts
 * const x = transformText(spec, ['free money now', 'meeting at noon']); // 2 × 8192 floats
 * ```
 */
export function transformText(spec: TextVectorizerSpec, texts: readonly string[]): Float32Array {
  const o = resolveOptions(spec.options);
  if (spec.hash !== 'fnv1a32-fmix' || !Array.isArray(spec.idf) || spec.idf.length !== o.dims) {
    throw new TransferkitError('CORRUPT_MODEL', `The text vectorizer spec is invalid: hash "${spec.hash}", ${Array.isArray(spec.idf) ? spec.idf.length : 'no'} IDF weights for ${o.dims} dims`, {
      where: 'text vectorizer spec',
      hint: 'The saved model files may be corrupt or from an incompatible version; retrain the model.',
    });
  }
  checkTexts(texts, 'transformText');
  const dims = o.dims;
  const out = new Float32Array(texts.length * dims);
  texts.forEach((t, r) => {
    const weights: Array<[number, number]> = [];
    let sq = 0;
    for (const [index, tf] of countBuckets(t, o)) {
      if (tf === 0) continue;
      const w = (o.sublinearTf ? Math.sign(tf) * (1 + Math.log(Math.abs(tf))) : tf) * spec.idf[index];
      weights.push([index, w]);
      sq += w * w;
    }
    const norm = Math.sqrt(sq);
    if (norm > 0) for (const [index, w] of weights) out[r * dims + index] = w / norm;
  });
  return out;
}
