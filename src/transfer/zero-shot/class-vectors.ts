/**
 * Classes described by the meaning of their names: each class name (optionally with a short
 * description, from a CSV `class,description`) becomes the mean of the unit-length word
 * vectors of its words, and the vectors form an {@link AttributeTable} whose "attributes" are
 * the embedding's dimensions — so the zero-shot methods that take attribute signatures (DeViSE,
 * ESZSL) take word vectors too.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { TransferkitError } from '../../errors.ts';
import { vocabularyWords, wordTokens } from '../../models/text/tokenize.ts';
import type { WordVectors } from '../../models/text/word-vectors.ts';
import type { AttributeTable } from './attributes.ts';

/**
 * The words of a class name or description that `wv` knows: its `wordTokens` (so `/` and
 * spaces split it), each kept whole when known, else the known parts of a hyphenated compound
 * (`vocabularyWords`).
 *
 * @example
 * ```ts
 * knownWords(glove, 'T-shirt/top'); // ['t-shirt', 'top']
 * knownWords(glove, 'Ankle boot'); // ['ankle', 'boot']
 * ```
 */
export function knownWords(wv: WordVectors, text: string): string[] {
  const known = (w: string) => wv.index.has(w);
  return wordTokens(text).flatMap((t) => vocabularyWords(t, known));
}

/**
 * The mean of the unit-length vectors of `words` (all known to `wv`), or `null` for none.
 *
 * @example
 * ```ts
 * meanWordVector(glove, ['ankle', 'boot']); // Float64Array(100)
 * ```
 */
export function meanWordVector(wv: WordVectors, words: readonly string[]): Float64Array | null {
  const d = wv.dims;
  const out = new Float64Array(d);
  let k = 0;
  for (const w of words) {
    const r = wv.index.get(w);
    if (r === undefined) continue;
    let s = 0;
    for (let j = 0; j < d; j++) s += wv.vectors[r * d + j] ** 2;
    if (!(s > 0)) continue;
    const f = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) out[j] += wv.vectors[r * d + j] * f;
    k++;
  }
  if (!k) return null;
  for (let j = 0; j < d; j++) out[j] /= k;
  return out;
}

/**
 * Options of {@link classVectorTable}.
 *
 * @example
 * ```ts
 * const o: ClassVectorOptions = { descriptions: new Map([['artifact', 'man-made objects']]), use: 'both' };
 * ```
 */
export interface ClassVectorOptions {
  /** Short descriptions by class name. */
  descriptions?: ReadonlyMap<string, string>;
  /** Which words describe a class: its `name` (default), its `description`, or `both`. */
  use?: 'name' | 'description' | 'both';
}

/**
 * The semantic vectors of `classes` as an attribute table (`classes.length × wv.dims`;
 * attributes named `<vectors>[j]`, values unbounded) whose source names the vectors.
 *
 * @throws TransferkitError `UNKNOWN_WORD` naming a class none of whose words `wv` knows;
 *   `UNKNOWN_CLASS` when `use` asks for a description a class lacks.
 * @example
 * ```ts
 * const table = classVectorTable(glove, ['Sandal', 'Ankle boot', 'Bag']);
 * table.values.length; // 3 × 100
 * ```
 */
export function classVectorTable(wv: WordVectors, classes: readonly string[], opts: ClassVectorOptions = {}): AttributeTable {
  const use = opts.use ?? 'name';
  const values = new Float64Array(classes.length * wv.dims);
  classes.forEach((c, i) => {
    const description = opts.descriptions?.get(c);
    if (use !== 'name' && description === undefined) {
      throw new TransferkitError('UNKNOWN_CLASS', `Class "${c}" has no description`, { where: 'class descriptions', hint: `Add a row "${c},<a few words>" to the descriptions CSV.` });
    }
    const text = use === 'name' ? c : use === 'description' ? description! : `${c} ${description ?? ''}`;
    const v = meanWordVector(wv, knownWords(wv, text));
    if (!v) {
      throw new TransferkitError('UNKNOWN_WORD', `No word of class "${c}" (${JSON.stringify(text)}) is in the word vectors ${wv.name}, so the class has no vector`, {
        where: `class "${c}"`,
        hint: 'Describe the class in other words: a descriptions CSV (class,description) used with --describe-by description or both (API: descriptions, use), or rename the class.',
      });
    }
    values.set(v, i * wv.dims);
  });
  return { classes: [...classes], attributes: Array.from({ length: wv.dims }, (_, j) => `${wv.name}[${j}]`), values, source: `word vectors ${wv.name}` };
}

/** Whether a CSV row is a descriptions header: `class,description` (or label/name, descriptions), any case. */
function isDescriptionsHeader(row: readonly string[]): boolean {
  return row.length === 2 && /^(class|label|name)$/i.test(row[0]) && /^descriptions?$/i.test(row[1]);
}

/**
 * Parses class descriptions from CSV text `class,description` (a header row `class,description`
 * is skipped; without it the first row is a class).
 *
 * @throws TransferkitError `BAD_CSV` for a row without two fields, an empty description or a class given twice.
 * @example
 * ```ts
 * parseClassDescriptions('class,description\nfood,foods and drinks\n').get('food'); // 'foods and drinks'
 * parseClassDescriptions('food,foods and drinks\n').size; // 1 (no header: the row is a class)
 * ```
 */
export function parseClassDescriptions(text: string, source = '(text)'): Map<string, string> {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, comment: '#', relax_column_count: true }) as string[][];
  } catch (err) {
    throw new TransferkitError('BAD_CSV', `Cannot read the class descriptions: ${(err as Error).message}`, { where: source, hint: 'Write it as CSV: class,description then one row per class.', cause: err });
  }
  const out = new Map<string, string>();
  // a header row only when it is literally one (class,description); otherwise row 1 is a class
  const skip = rows.length > 0 && isDescriptionsHeader(rows[0]) ? 1 : 0;
  rows.slice(skip).forEach((row, r) => {
    const where = `${source}, row ${r + 1 + skip}`;
    if (row.length < 2 || !row[1]) throw new TransferkitError('BAD_CSV', `Row ${r + 1 + skip} has no description`, { where, hint: 'Give every class a description: class,description.' });
    if (out.has(row[0])) throw new TransferkitError('BAD_CSV', `Class "${row[0]}" has two rows`, { where, hint: 'Keep one row per class.' });
    out.set(row[0], row.slice(1).join(', '));
  });
  if (!out.size) throw new TransferkitError('BAD_CSV', 'The class descriptions hold no class row', { where: source, hint: 'Write a header class,description and one row per class.' });
  return out;
}

/**
 * Reads a class-descriptions CSV file (see {@link parseClassDescriptions}).
 *
 * @throws TransferkitError `FILE_NOT_FOUND`, or the parse errors.
 * @example
 * ```ts
 * const d = await readClassDescriptions('datasets/wordnet-topics/classes.csv');
 * ```
 */
export async function readClassDescriptions(path: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TransferkitError('FILE_NOT_FOUND', `Cannot read the class descriptions ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      where: path,
      hint: 'Pass --descriptions <file.csv>, e.g. datasets/wordnet-topics/classes.csv.',
      cause: err,
    });
  }
  return parseClassDescriptions(text, path);
}
