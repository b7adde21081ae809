/**
 * LIME for text (as `lime_text.LimeTextExplainer`): the parts are the words of the text (the
 * tokens of `tokenize` in `data/text-features.ts`: runs of letters and digits), a perturbed text
 * removes some of them and keeps everything else (spaces, punctuation) as it was; the model scores
 * the perturbed texts through a callback, and {@link limeMasked} fits LIME's weighted ridge
 * surrogate (5000 samples, "remove a uniform number of words" sampling, cosine kernel width 0.25).
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { selectTarget } from './gradients/batch-predict.ts';
import { limeMasked, type LimeMaskedOptions } from './lime-masked.ts';

/**
 * The model seen by {@link limeText}: the probability of the explained class for each text (or
 * `n × k` class probabilities with `opts.target`).
 *
 * @example
 * ```ts
 * const predict: TextPredictFn = (texts) => texts.map((t) => (/\bterrible\b/i.test(t) ? 0.9 : 0.1));
 * ```
 */
export type TextPredictFn = (texts: string[]) => ArrayLike<number> | Promise<ArrayLike<number>>;

/**
 * Options for {@link limeText}.
 *
 * @example
 * ```ts
 * const opts: LimeTextOptions = { nsamples: 1000, seed: 3, bow: true };
 * ```
 */
export interface LimeTextOptions extends LimeMaskedOptions {
  /**
   * Bag of words (default true, as LIME): one part per distinct word (case-insensitive), removed
   * everywhere at once. `false`: one part per occurrence.
   */
  bow?: boolean;
  /** What replaces a removed word (default `''`, LIME's removal). */
  maskString?: string;
  /** Class column when `predict` returns `n × k` probabilities. */
  target?: number;
}

/**
 * The weight of one word (or one occurrence, with `bow: false`).
 *
 * @example
 * ```ts
 * const t: TokenWeight = { token: 'Terrible', weight: 0.71, positions: [3] };
 * ```
 */
export interface TokenWeight {
  /** The word as first written in the text. */
  token: string;
  /** Surrogate coefficient: how much having the word raises the class probability. */
  weight: number;
  /** Indices of its occurrences among the text's words. */
  positions: number[];
}

/**
 * A LIME text explanation. `tokens` are in order of first appearance; sort by |weight| to rank.
 *
 * @example
 * ```ts
 * const top = [...r.tokens].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))[0].token;
 * ```
 */
export interface LimeTextResult {
  tokens: TokenWeight[];
  /** Weighted R² of the surrogate. */
  r2: number;
  intercept: number;
  /** The surrogate at the full text. */
  localPrediction: number;
  /** The model's probability for the full text. */
  output: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * LIME explanation of a text classifier's probability for one text.
 *
 * @example
 * ```ts
 * const r = await limeText((texts) => texts.map((t) => (/terrible/i.test(t) ? 0.9 : 0.2)), 'A terrible, boring film', { seed: 1 });
 * // r.tokens: [{ token: 'A', … }, { token: 'terrible', weight ≈ 0.7 }, …]
 * ```
 */
export async function limeText(predict: TextPredictFn, text: string, opts: LimeTextOptions = {}): Promise<LimeTextResult> {
  if (typeof text !== 'string') throw new TransferkitError('BAD_INPUT', `text must be a string, got ${typeof text}`, { where: 'text' });
  const words = [...text.matchAll(WORD)].map((m) => ({ word: m[0], start: m.index ?? 0, end: (m.index ?? 0) + m[0].length }));
  if (words.length === 0) {
    throw new TransferkitError('EMPTY_TEXT', 'the text has no words to explain', { where: 'text', hint: 'Explain a text with at least one word (letters or digits).' });
  }
  const bow = opts.bow ?? true;
  const maskString = opts.maskString ?? '';
  // part of each word occurrence; parts listed in order of first appearance.
  const partOf = new Int32Array(words.length);
  const parts: TokenWeight[] = [];
  const byKey = new Map<string, number>();
  words.forEach((w, i) => {
    const key = bow ? w.word.toLowerCase() : String(i);
    let p = byKey.get(key);
    if (p === undefined) {
      p = parts.length;
      byKey.set(key, p);
      parts.push({ token: w.word, weight: 0, positions: [] });
    }
    parts[p].positions.push(i);
    partOf[i] = p;
  });

  const perturb = (mask: Uint8Array): string => {
    let out = '';
    let last = 0;
    words.forEach((w, i) => {
      out += text.slice(last, w.start) + (mask[partOf[i]] === 1 ? w.word : maskString);
      last = w.end;
    });
    return out + text.slice(last);
  };

  const res = await limeMasked(
    parts.length,
    async (masks) => {
      const texts = masks.map(perturb);
      return selectTarget(await predict(texts), texts.length, opts.target, 'predict');
    },
    opts,
  );
  res.weights.forEach((v, p) => {
    parts[p].weight = v;
  });
  return { tokens: parts, r2: res.r2, intercept: res.intercept, localPrediction: res.localPrediction, output: res.output };
}
