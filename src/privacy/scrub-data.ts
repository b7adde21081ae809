/**
 * Scrubbing whole datasets and files: the texts of a text dataset, the text column of a CSV,
 * the text field of a JSON Lines file, or a built-in text corpus written out clean.
 */
import { realpath, readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { requireFile } from '../data/files.ts';
import { loadDataset } from '../data/load.ts';
import { TransferkitError } from '../errors.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { formatCsvText, parseCsvText } from './csv-text.ts';
import { parseKinds, PII_KINDS, type PiiKind } from './kinds.ts';
import { checkReplaceOptions } from './replace.ts';
import { scrubWith, type ScrubOptions } from './scrub-text.ts';

/**
 * Totals of scrubbing many texts.
 *
 * @example
 * ```ts
 * const s: ScrubSummary = { texts: 3000, changed: 2710, counts: { email: 5210, url: 4033 } };
 * ```
 */
export interface ScrubSummary {
  /** Texts looked at. */
  texts: number;
  /** Texts in which something was replaced. */
  changed: number;
  /** Matches per kind asked for. */
  counts: Partial<Record<PiiKind, number>>;
}

/** Scrubs many texts with one set of checked options, adding up the counts. */
function scrubMany(texts: readonly string[], opts: ScrubOptions): { texts: string[]; summary: ScrubSummary } {
  const kinds = opts.kinds === undefined ? [...PII_KINDS] : parseKinds(opts.kinds);
  checkReplaceOptions(opts);
  const counts: Partial<Record<PiiKind, number>> = Object.fromEntries(kinds.map((k) => [k, 0]));
  let changed = 0;
  const out = texts.map((t) => {
    const r = scrubWith(t, kinds, { ...opts, keepOriginal: false });
    if (r.found.length > 0) changed++;
    for (const m of r.found) counts[m.kind] = (counts[m.kind] ?? 0) + 1;
    return r.text;
  });
  return { texts: out, summary: { texts: texts.length, changed, counts } };
}

/**
 * Scrubs every text of a text dataset (see `scrubText` for the options) and returns a new
 * dataset with the clean texts (labels, classes and domain kept) and the totals.
 *
 * Errors: `KIND_MISMATCH` (not text data), `EMPTY_DATA`, and those of `scrubText`.
 *
 * @example
 * ```ts
 * const { dataset, summary } = scrubDataset(await loadDataset('builtin:spam-2002'), { mode: 'mask' });
 * summary.counts.email; // e-mail addresses replaced
 * ```
 */
export function scrubDataset(ds: Dataset, opts: ScrubOptions = {}): { dataset: Dataset; summary: ScrubSummary } {
  if (ds.features.kind !== 'text') {
    throw new TransferkitError('KIND_MISMATCH', `Scrubbing needs text data, but ${ds.name} is ${ds.features.kind} data`, { where: ds.name, hint: 'Pass a JSON Lines file with a "text" field, a CSV with a text column, or builtin:spam-2002 / spam-2003 / spam-hard-ham.' });
  }
  if (ds.size === 0) throw new TransferkitError('EMPTY_DATA', `${ds.name} has no texts to scrub`, { where: ds.name, hint: 'Pass data with at least one text.' });
  const { texts, summary } = scrubMany(ds.features.texts, opts);
  return { dataset: { ...ds, features: { kind: 'text', texts } }, summary };
}

/**
 * Options of {@link scrubFile}.
 *
 * @example
 * ```ts
 * const opts: ScrubFileOptions = { data: 'messages.csv', out: 'clean.csv', textColumn: 'body', mode: 'mask' };
 * ```
 */
export interface ScrubFileOptions extends ScrubOptions {
  /** `.jsonl`, `.csv` or `builtin:NAME` of a text dataset (spam-2002, spam-2003, spam-hard-ham). */
  data: string;
  /** The file to write: `.csv` for CSV data, `.jsonl` for JSON Lines, either for a built-in corpus. Never the input. */
  out: string;
  /** The CSV column or JSON field holding the text (default `text`). */
  textColumn?: string;
}

/**
 * What {@link scrubFile} returns.
 *
 * @example
 * ```ts
 * const r: ScrubFileResult = await scrubFile({ data: 'in.jsonl', out: 'out.jsonl' });
 * console.log(r.summary.counts);
 * ```
 */
export interface ScrubFileResult {
  data: string;
  out: string;
  format: 'csv' | 'jsonl';
  textColumn: string;
  kinds: PiiKind[];
  mode: NonNullable<ScrubOptions['mode']>;
  summary: ScrubSummary;
}

/**
 * Scrubs a file or built-in corpus and writes the clean copy atomically (a temporary file
 * renamed into place: a failure leaves no half-written `out`). A CSV keeps every column and
 * row, with only the text column scrubbed; a JSON Lines file keeps every field of every line;
 * a built-in corpus is written as `{"text", "label"}` lines (or a `text,label` CSV).
 *
 * Errors: `OUT_IS_INPUT` (`out` is the input), `BAD_OPTION` (an `out` extension that does not
 * fit the input, unknown kind or mode), `MISSING_OPTION` (`hash` without `salt`),
 * `MISSING_COLUMN` (no such CSV column), `MISSING_TEXT` (a JSON line without the text field),
 * `EMPTY_DATA`, `UNSUPPORTED_FORMAT`, `FILE_NOT_FOUND`, `BAD_CSV`, `BAD_JSONL`, `WRITE_FAILED`.
 *
 * @example
 * ```ts
 * const r = await scrubFile({ data: 'builtin:spam-2002', out: 'spam-clean.jsonl', kinds: 'email,url,phone' });
 * console.log(r.summary.changed, 'of', r.summary.texts, 'messages changed');
 * ```
 */
export async function scrubFile(opts: ScrubFileOptions): Promise<ScrubFileResult> {
  const kinds = opts.kinds === undefined ? [...PII_KINDS] : parseKinds(opts.kinds);
  checkReplaceOptions(opts);
  const textColumn = opts.textColumn ?? 'text';
  const outExt = extname(opts.out).toLowerCase();
  const isBuiltin = opts.data.startsWith('builtin:');
  const inExt = isBuiltin ? '' : extname(opts.data).toLowerCase();
  const inFormat = isBuiltin ? undefined : inExt === '.csv' ? 'csv' : inExt === '.jsonl' || inExt === '.ndjson' ? 'jsonl' : null;
  if (inFormat === null) {
    throw new TransferkitError('UNSUPPORTED_FORMAT', `Cannot scrub ${opts.data}: only .csv, .jsonl and builtin text corpora are read`, { where: opts.data, hint: 'Convert the texts to a CSV with a text column, or to JSON Lines with a "text" field.' });
  }
  const outFormat = outExt === '.csv' ? 'csv' : outExt === '.jsonl' || outExt === '.ndjson' ? 'jsonl' : null;
  if (outFormat === null || (inFormat !== undefined && inFormat !== outFormat)) {
    const want = inFormat === undefined ? '.jsonl or .csv' : inFormat === 'csv' ? '.csv' : '.jsonl';
    throw new TransferkitError('BAD_OPTION', `The output ${opts.out} must be a ${want} file${inFormat ? `, like its input ${opts.data}` : ''}`, { where: 'out option', hint: `Name the output file with the ${want} extension.` });
  }
  if (!isBuiltin) {
    await requireFile(opts.data, 'Data file');
    await refuseOverwrite(opts.data, opts.out);
  }
  const scrubOpts = { ...opts, kinds };
  let content: string;
  let summary: ScrubSummary;
  if (isBuiltin) {
    const ds = await loadDataset(opts.data);
    const r = scrubDataset(ds, scrubOpts);
    summary = r.summary;
    const texts = r.dataset.features.kind === 'text' ? r.dataset.features.texts : [];
    const label = (i: number) => (ds.labels[i] >= 0 ? ds.classes[ds.labels[i]] : null);
    content =
      outFormat === 'csv'
        ? formatCsvText({ header: ['text', 'label'], rows: texts.map((t, i) => [t, label(i) ?? '']) })
        : texts.map((t, i) => JSON.stringify({ text: t, label: label(i) })).join('\n') + '\n';
  } else if (inFormat === 'csv') {
    const table = parseCsvText(await readFile(opts.data, 'utf8'), opts.data);
    const col = table.header.indexOf(textColumn);
    if (col < 0) {
      throw new TransferkitError('MISSING_COLUMN', `The CSV has no column "${textColumn}" to scrub. Columns: ${table.header.join(', ')}`, { where: opts.data, hint: 'Name the column that holds the texts with --text-column (textColumn).' });
    }
    if (table.rows.length === 0) throw new TransferkitError('EMPTY_DATA', 'The CSV has no data rows', { where: opts.data, hint: 'Add one row per text below the header.' });
    const r = scrubMany(table.rows.map((row) => row[col]), scrubOpts);
    summary = r.summary;
    content = formatCsvText({ header: table.header, rows: table.rows.map((row, i) => row.map((v, j) => (j === col ? r.texts[i] : v))) });
  } else {
    const records = parseJsonlRecords(await readFile(opts.data, 'utf8'), opts.data, textColumn);
    const r = scrubMany(records.map((rec) => rec[textColumn] as string), scrubOpts);
    summary = r.summary;
    content = records.map((rec, i) => JSON.stringify({ ...rec, [textColumn]: r.texts[i] })).join('\n') + '\n';
  }
  await writeFileAtomic(opts.out, content);
  return { data: opts.data, out: opts.out, format: outFormat, textColumn, kinds, mode: opts.mode ?? 'mask', summary };
}

/** The objects of a JSON Lines text, each with a string in `field`; blank lines skipped. */
function parseJsonlRecords(content: string, path: string, field: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  content.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      throw new TransferkitError('BAD_JSONL', `Line ${i + 1} is not valid JSON: ${(err as Error).message}`, { where: `${path}:${i + 1}`, hint: `Each line must be one JSON object such as {"${field}": "…"}.`, cause: err });
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new TransferkitError('BAD_JSONL', `Line ${i + 1} is not a JSON object`, { where: `${path}:${i + 1}`, hint: `Each line must be one JSON object such as {"${field}": "…"}.` });
    }
    const rec = obj as Record<string, unknown>;
    if (typeof rec[field] !== 'string') {
      throw new TransferkitError('MISSING_TEXT', `Line ${i + 1} has ${rec[field] === undefined ? `no "${field}" field` : `a "${field}" that is not a string`}`, {
        where: `${path}:${i + 1}, field "${field}"`,
        hint: `Give every line a "${field}" string, or name the text field with --text-column (textColumn). Fields on this line: ${Object.keys(rec).join(', ') || '(none)'}.`,
      });
    }
    out.push(rec);
  });
  if (out.length === 0) throw new TransferkitError('EMPTY_DATA', 'The JSON Lines file has no lines', { where: path, hint: `Add one JSON object per line: {"${field}": "…"}.` });
  return out;
}

/** `OUT_IS_INPUT` when `out` names the input file (by path, or by a link to it). */
async function refuseOverwrite(data: string, out: string): Promise<void> {
  const real = async (p: string) => realpath(p).catch(() => resolve(p));
  if ((await real(data)) === (await real(out))) {
    throw new TransferkitError('OUT_IS_INPUT', `The output ${out} is the input file, which scrubbing would overwrite`, { where: 'out option', hint: 'Write the clean copy to another file, e.g. clean.jsonl; check it, then replace the original yourself if you want to.' });
  }
}
