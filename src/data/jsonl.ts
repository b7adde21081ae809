/**
 * Loading labelled texts from JSON Lines files.
 */
import { readFile } from 'node:fs/promises';
import { TransferkitError } from '../errors.ts';
import type { Dataset } from './dataset.ts';
import { encodeLabels } from './classes.ts';
import { requireFile } from './files.ts';

/**
 * Options for {@link loadJsonl}.
 *
 * @example
 * ```ts
 * await loadJsonl('tweets.jsonl', { textField: 'body', labelField: 'sentiment' });
 * ```
 */
export interface JsonlOptions {
  /** Field holding the text (default `text`). */
  textField?: string;
  /** Field holding the label (default `label`). */
  labelField?: string;
  /** Domain tag for the dataset. */
  domain?: string;
}

/**
 * Loads a JSON Lines file, one object per line such as `{"text": "win money", "label": "spam"}`,
 * into a text {@link Dataset}. Blank lines are skipped. The label may be a string or a number;
 * a line without one (absent or `null`) is unlabelled (label `-1`). Classes are the distinct
 * labels in natural order.
 *
 * Errors: `FILE_NOT_FOUND`, `EMPTY_DATA`, `BAD_JSONL` (a line that is not a JSON object),
 * `MISSING_TEXT` (no text string on a line), `EMPTY_LABEL` (a label of `""`).
 *
 * @example
 * ```ts
 * const ds = await loadJsonl('data/reviews.jsonl', { domain: 'books' });
 * ds.features.kind; // 'text'
 * ```
 */
export async function loadJsonl(path: string, opts: JsonlOptions = {}): Promise<Dataset> {
  await requireFile(path, 'JSONL file');
  return readJsonl(await readFile(path, 'utf8'), path, opts).ds;
}

/**
 * What {@link readJsonl} returns: the dataset, and per example its JSON object and its 1-based
 * line.
 *
 * @example
 * ```ts
 * const { ds, records, lines } = readJsonl('{"text": "hi"}\n', 'inline');
 * ```
 */
export interface JsonlTable {
  ds: Dataset;
  records: Array<Record<string, unknown>>;
  lines: number[];
}

/**
 * Reads JSON Lines text (a file's contents, or standard input) named `path` in errors, exactly
 * as {@link loadJsonl} reads a file, also returning each example's object (for id fields).
 *
 * @example
 * ```ts
 * const { ds } = readJsonl('{"text": "win money"}\n{"text": "lunch?"}\n', '<stdin>');
 * ds.labels; // Int32Array [-1, -1]: unlabelled
 * ```
 */
export function readJsonl(content: string, path: string, opts: JsonlOptions = {}): JsonlTable {
  const textField = opts.textField ?? 'text';
  const labelField = opts.labelField ?? 'label';
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const texts: string[] = [];
  const raw: Array<string | null> = [];
  const records: Array<Record<string, unknown>> = [];
  const lineNumbers: number[] = [];
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      throw new TransferkitError('BAD_JSONL', `Line ${n} is not valid JSON: ${(err as Error).message}`, {
        where: `${path}:${n}`,
        hint: `Each line must be one JSON object such as {"${textField}": "…", "${labelField}": "…"}; strings need double quotes and no raw newlines.`,
        cause: err,
      });
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new TransferkitError('BAD_JSONL', `Line ${n} is ${Array.isArray(obj) ? 'an array' : JSON.stringify(obj)}, not a JSON object`, {
        where: `${path}:${n}`,
        hint: `Each line must be one JSON object such as {"${textField}": "…", "${labelField}": "…"}.`,
      });
    }
    const rec = obj as Record<string, unknown>;
    const text = rec[textField];
    if (typeof text !== 'string') {
      throw new TransferkitError('MISSING_TEXT', `Line ${n} has ${text === undefined ? `no "${textField}" field` : `a non-string "${textField}" field (${JSON.stringify(text)})`}`, {
        where: `${path}:${n}, field "${textField}"`,
        hint: `Give every line a "${textField}" string. Fields present on this line: ${Object.keys(rec).join(', ') || '(none)'}.`,
      });
    }
    const label = rec[labelField];
    if (label === undefined || label === null) raw.push(null);
    else if (typeof label === 'string' || typeof label === 'number' || typeof label === 'boolean') {
      const s = String(label).trim();
      if (s === '') {
        throw new TransferkitError('EMPTY_LABEL', `Line ${n} has an empty "${labelField}"`, {
          where: `${path}:${n}, field "${labelField}"`,
          hint: `Give it a class name, or leave "${labelField}" out (or null) to mark the line unlabelled.`,
        });
      }
      raw.push(s);
    } else {
      throw new TransferkitError('BAD_JSONL', `Line ${n} has a "${labelField}" that is not a string or number (${JSON.stringify(label)})`, {
        where: `${path}:${n}, field "${labelField}"`,
        hint: 'Use a class name such as "spam" or a class number such as 1.',
      });
    }
    texts.push(text);
    records.push(rec);
    lineNumbers.push(n);
  });
  if (texts.length === 0) {
    throw new TransferkitError('EMPTY_DATA', 'The JSONL file has no lines', { where: path, hint: 'Add one JSON object per line: {"text": "…", "label": "…"}.' });
  }
  const { labels, classes } = encodeLabels(raw);
  const ds: Dataset = { name: path, size: texts.length, features: { kind: 'text', texts }, labels, classes };
  if (opts.domain !== undefined) ds.domain = opts.domain;
  return { ds, records, lines: lineNumbers };
}
