/**
 * The one check that a text dataset's examples are strings (`BAD_TEXT`), shared by the TF-IDF
 * vectoriser, token ids, word-vector pooling and the ONNX text encoder.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';

/**
 * Throws `BAD_TEXT` naming the first example that is not a string; returns the texts.
 *
 * @param where what was reading them (e.g. `'transformText'`), put before `text <i>` in the error's `where`.
 * @throws TransferkitError `BAD_TEXT`.
 * @example
 * ```ts
 * checkTexts(['good film', 'bad'], 'transformText'); // the texts
 * checkTexts(['good', null as unknown as string]); // throws BAD_TEXT: Text 1 is null, not a string
 * ```
 */
export function checkTexts(texts: readonly string[], where?: string): readonly string[] {
  texts.forEach((t, i) => {
    if (typeof t !== 'string') {
      throw new TransferkitError('BAD_TEXT', `Text ${i} is ${t === null ? 'null' : typeof t}, not a string`, { where: where ? `${where}, text ${i}` : `text ${i}`, hint: 'Every example of a text dataset must be a string.' });
    }
  });
  return texts;
}
