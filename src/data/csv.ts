/**
 * Loading labelled tables from CSV files.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { TransferkitError } from '../errors.ts';
import type { Dataset, TabularColumn } from './dataset.ts';
import { encodeLabels, naturalCompare } from './classes.ts';
import { requireFile } from './files.ts';
import { isMissing, parseNumber } from './missing.ts';

/**
 * How to handle missing values (`''`, `NA`, `NaN`, `null`) in feature columns.
 *
 * @example
 * ```ts
 * const impute: Impute = 'mean';
 * ```
 */
export type Impute = 'none' | 'mean' | 'drop';

/**
 * Options for {@link loadCsv}.
 *
 * @example
 * ```ts
 * const opts: CsvOptions = { label: 'species', impute: 'drop' };
 * ```
 */
export interface CsvOptions {
  /** Name of the label column (as written in the header row). */
  label: string;
  /**
   * `none` (default): a missing value is an error. `mean`: numeric columns get the column
   * mean, categorical columns the most frequent value. `drop`: rows with a missing value are dropped.
   */
  impute?: Impute;
  /** Domain tag for the dataset. */
  domain?: string;
}

/** A parsed data row: its fields and the 1-based file line it starts on. */
interface Row {
  fields: string[];
  line: number;
}

/**
 * Loads a CSV file with a header row into a tabular {@link Dataset}.
 *
 * Every column other than the label is numeric when all its non-missing values are plain
 * numbers, and categorical otherwise. Classes are the distinct labels in natural order
 * (`'2'` before `'10'`).
 *
 * Errors: `FILE_NOT_FOUND`, `EMPTY_DATA` (no header or no data rows), `BAD_CSV` (malformed
 * quoting, duplicate header names, a row with the wrong number of fields), `MISSING_LABEL`
 * (no such label column), `EMPTY_LABEL` (a row without a label), `MISSING_VALUE`
 * (a missing feature value when `impute` is `none`).
 *
 * @example
 * ```ts
 * const ds = await loadCsv('data/penguins.csv', { label: 'species', impute: 'drop' });
 * ds.features.kind; // 'tabular'
 * ```
 */
export async function loadCsv(path: string, opts: CsvOptions): Promise<Dataset> {
  const impute = opts.impute ?? 'none';
  if (!['none', 'mean', 'drop'].includes(impute)) {
    throw new TransferkitError('BAD_OPTION', `Unknown impute mode "${impute}"`, {
      where: 'impute option',
      hint: 'Use one of: none, mean, drop.',
    });
  }
  await requireFile(path, 'CSV file');
  const buf = await readFile(path);
  const { header, headerLine, rows } = parseRows(buf, path);

  const labelIdx = header.indexOf(opts.label);
  if (labelIdx < 0) {
    const near = header.find((h) => h.toLowerCase() === opts.label.toLowerCase());
    throw new TransferkitError('MISSING_LABEL', `Label column "${opts.label}" is not in the CSV header (line ${headerLine}). Available columns: ${header.join(', ')}`, {
      where: `${path}:${headerLine}`,
      hint: near ? `Did you mean --label "${near}"? Column names are case-sensitive.` : `Pass --label with one of: ${header.join(', ')}.`,
    });
  }

  for (const row of rows) {
    if (isMissing(row.fields[labelIdx])) {
      throw new TransferkitError('EMPTY_LABEL', `Row at line ${row.line} has no label in column "${opts.label}" (value ${JSON.stringify(row.fields[labelIdx])})`, {
        where: `${path}:${row.line}, column "${opts.label}"`,
        hint: 'Every row needs a label: fill it in or remove the row. Missing labels are not imputed.',
      });
    }
  }

  const featureIdx = header.map((_, i) => i).filter((i) => i !== labelIdx);
  let kept = rows;
  if (impute === 'none') {
    const missing = countMissing(rows, featureIdx);
    if (missing.first) {
      const col = header[missing.first.col];
      throw new TransferkitError('MISSING_VALUE', `Missing value at line ${missing.first.line}, column "${col}" (${missing.count} missing value${missing.count === 1 ? '' : 's'} in all)`, {
        where: `${path}:${missing.first.line}, column "${col}"`,
        hint: 'Fill in the value, or pass --impute mean (numeric: column mean, categorical: most frequent value) or --impute drop (drop rows with missing values).',
      });
    }
  } else if (impute === 'drop') {
    kept = rows.filter((r) => featureIdx.every((i) => !isMissing(r.fields[i])));
    if (kept.length === 0) {
      throw new TransferkitError('EMPTY_DATA', `Every data row of the CSV has a missing value, so --impute drop left no rows`, {
        where: path,
        hint: 'Use --impute mean instead, or remove the columns that are mostly empty.',
      });
    }
  }

  const columns = featureIdx.map((i) => buildColumn(header[i], kept.map((r) => r.fields[i]), impute === 'mean', path));
  const { labels, classes } = encodeLabels(kept.map((r) => r.fields[labelIdx].trim()));
  const ds: Dataset = { name: path, size: kept.length, features: { kind: 'tabular', columns }, labels, classes };
  if (opts.domain !== undefined) ds.domain = opts.domain;
  return ds;
}

function parseRows(buf: Buffer, path: string): { header: string[]; headerLine: number; rows: Row[] } {
  if (buf.toString('utf8').trim() === '') {
    throw new TransferkitError('EMPTY_DATA', `The CSV file is empty`, { where: path, hint: 'A CSV needs a header row naming the columns, then one row per example.' });
  }
  let records: Array<{ record: string[]; info: { bytes: number } }>;
  try {
    records = parse(buf, { relax_column_count: true, skip_empty_lines: true, info: true, bom: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new TransferkitError('BAD_CSV', `Could not parse the CSV${line ? ` at line ${line}` : ''}: ${(err as Error).message}`, {
      where: line ? `${path}:${line}` : path,
      hint: 'Check the quoting near that line: a field containing commas, quotes or newlines must be wrapped in double quotes, with inner quotes doubled ("").',
      cause: err,
    });
  }
  const lines = lineStarts(buf, records);
  const header = records[0].record;
  const headerLine = lines[0];
  header.forEach((h, i) => {
    if (h === '') {
      throw new TransferkitError('BAD_CSV', `Column ${i + 1} of the header row (line ${headerLine}) has no name`, {
        where: `${path}:${headerLine}, column ${i + 1}`,
        hint: 'Give every column a name in the first row.',
      });
    }
    const j = header.indexOf(h);
    if (j !== i) {
      throw new TransferkitError('BAD_CSV', `The header row (line ${headerLine}) names column "${h}" twice (columns ${j + 1} and ${i + 1})`, {
        where: `${path}:${headerLine}`,
        hint: 'Rename one of them so every column name is unique.',
      });
    }
  });
  const rows: Row[] = [];
  for (let r = 1; r < records.length; r++) {
    const fields = records[r].record;
    if (fields.length !== header.length) {
      throw new TransferkitError('BAD_CSV', `Line ${lines[r]} has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header has ${header.length}`, {
        where: `${path}:${lines[r]}`,
        hint: 'Every row needs one value per header column; quote values that contain commas.',
      });
    }
    rows.push({ fields, line: lines[r] });
  }
  if (rows.length === 0) {
    throw new TransferkitError('EMPTY_DATA', `The CSV has a header row but no data rows`, { where: path, hint: 'Add one row per example below the header.' });
  }
  return { header, headerLine, rows };
}

/** 1-based line on which each record starts (csv-parse reports where records end). */
function lineStarts(buf: Buffer, records: Array<{ info: { bytes: number } }>): number[] {
  const out: number[] = [];
  let line = 1;
  let pos = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  for (const rec of records) {
    let start = line;
    let p = pos;
    // blank lines before the record belong to no record
    for (; p < rec.info.bytes; p++) {
      const c = buf[p];
      if (c === 0x0a) start++;
      else if (c !== 0x0d && c !== 0x20 && c !== 0x09) break;
    }
    out.push(start);
    for (let q = pos; q < rec.info.bytes; q++) if (buf[q] === 0x0a) line++;
    pos = rec.info.bytes;
  }
  return out;
}

function countMissing(rows: Row[], cols: number[]): { count: number; first?: { line: number; col: number } } {
  let count = 0;
  let first: { line: number; col: number } | undefined;
  for (const r of rows) {
    for (const c of cols) {
      if (isMissing(r.fields[c])) {
        count++;
        first ??= { line: r.line, col: c };
      }
    }
  }
  return { count, first };
}

function buildColumn(name: string, raw: string[], impute: boolean, path: string): TabularColumn {
  const present = raw.filter((v) => !isMissing(v));
  if (present.length === 0) {
    throw new TransferkitError('MISSING_VALUE', `Column "${name}" has no values at all, so there is nothing to impute from`, {
      where: `${path}, column "${name}"`,
      hint: 'Remove the column from the CSV or fill it in.',
    });
  }
  const numeric = present.every((v) => parseNumber(v) !== undefined);
  if (numeric) {
    const values = new Float64Array(raw.length);
    let sum = 0;
    for (const v of present) sum += parseNumber(v)!;
    const mean = sum / present.length;
    raw.forEach((v, i) => (values[i] = isMissing(v) ? (impute ? mean : NaN) : parseNumber(v)!));
    return { name, type: 'numeric', values };
  }
  const trimmed = raw.map((v) => v.trim());
  let fill = '';
  if (impute) {
    const counts = new Map<string, number>();
    for (const v of present) counts.set(v.trim(), (counts.get(v.trim()) ?? 0) + 1);
    fill = [...counts.entries()].sort((a, b) => b[1] - a[1] || naturalCompare(a[0], b[0]))[0][0];
  }
  return { name, type: 'categorical', values: trimmed.map((v) => (isMissing(v) ? fill : v)) };
}
