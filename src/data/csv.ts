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
  /**
   * Declared type of columns, by name, instead of inferring it: `numeric` (every non-missing
   * cell must be a number) or `categorical` (cells are categories, even when they look like
   * numbers, e.g. zip codes).
   */
  columnTypes?: Record<string, ColumnType>;
}

/**
 * The type of a CSV feature column.
 *
 * @example
 * ```ts
 * const t: ColumnType = 'categorical';
 * ```
 */
export type ColumnType = 'numeric' | 'categorical';

/**
 * A column whose non-missing cells are at least this share numbers, but not all, is taken for a
 * numeric column with typos (`4.7O`) and refused, instead of silently becoming categorical.
 */
export const MOSTLY_NUMERIC = 0.9;

/**
 * Options for {@link readCsv}: those of {@link loadCsv}, plus what reading data for an
 * already trained model needs.
 *
 * @example
 * ```ts
 * const opts: ReadCsvOptions = { label: 'species', labelOptional: true, columns: ['bill_length_mm'], fill: { bill_length_mm: 43.9 } };
 * ```
 */
export interface ReadCsvOptions extends Omit<CsvOptions, 'label'> {
  /** Name of the label column; absent: every row is unlabelled. */
  label?: string;
  /**
   * The label column may be missing from the header (every row is then unlabelled), and
   * label cells may be empty (those rows are unlabelled), instead of `MISSING_LABEL` / `EMPTY_LABEL`.
   */
  labelOptional?: boolean;
  /**
   * Read only these feature columns, in this order (other columns are ignored, and so are
   * their missing values); one absent from the header is `MISSING_COLUMN` naming it and the file.
   */
  columns?: string[];
  /**
   * `impute: 'mean'`: by column name, the value its missing cells get instead of the data's own
   * mean or most frequent value: a number for a numeric column (e.g. the training mean saved
   * with a model), a string for a categorical one (`''` keeps the cell missing, which a model's
   * one-hot encoding reads as an unseen category).
   */
  fill?: Record<string, number | string>;
}

/**
 * A data row of a CSV: its fields, the 1-based file line it starts on, and its 0-based index
 * among the data rows (the header not counted).
 *
 * @example
 * ```ts
 * const row: CsvRow = { fields: ['5.1', 'setosa'], line: 2, row: 0 };
 * ```
 */
export interface CsvRow {
  fields: string[];
  line: number;
  row: number;
}

/**
 * What {@link readCsv} returns: the dataset, the header, and the raw rows kept (after
 * `impute: 'drop'`), one per example, in order.
 *
 * @example
 * ```ts
 * const { ds, kept } = readCsv(buf, 'new.csv', { impute: 'drop' });
 * kept.map((r) => r.row); // source rows of the examples
 * ```
 */
export interface CsvTable {
  ds: Dataset;
  header: string[];
  headerLine: number;
  kept: CsvRow[];
  /** Data rows in the text, before `impute: 'drop'`. */
  total: number;
  /** Whether the label column was present (false also when no label was asked for). */
  labelled: boolean;
}

/**
 * Loads a CSV file with a header row into a tabular {@link Dataset}.
 *
 * Every column other than the label is numeric when all its non-missing values are plain
 * numbers, and categorical when fewer than 90% are; a column in between (mostly numbers, a few
 * cells not) is `BAD_CSV` naming the cells, unless `columnTypes` declares its type. Classes are the distinct labels in natural order
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
  checkImpute(opts.impute ?? 'none');
  await requireFile(path, 'CSV file');
  return readCsv(await readFile(path), path, opts).ds;
}

function checkImpute(impute: string): void {
  if (!['none', 'mean', 'drop'].includes(impute)) {
    throw new TransferkitError('BAD_OPTION', `Unknown impute mode "${impute}"`, {
      where: 'impute option',
      hint: 'Use one of: none, mean, drop.',
    });
  }
}

/**
 * Reads CSV text (a file's bytes, or standard input) named `path` in errors, like
 * {@link loadCsv}, with the options of reading new data for a trained model: an optional label
 * column, only the model's feature columns, and fill values for missing numbers.
 *
 * Errors: those of {@link loadCsv}, plus `MISSING_COLUMN` (a column of `columns` absent).
 *
 * @example
 * ```ts
 * const { ds, kept } = readCsv(await readFile('new.csv'), 'new.csv', { label: 'species', labelOptional: true, columns: ['a', 'b'] });
 * ```
 */
export function readCsv(buf: Buffer | string, path: string, opts: ReadCsvOptions = {}): CsvTable {
  const impute = opts.impute ?? 'none';
  checkImpute(impute);
  const { header, headerLine, rows } = parseRows(typeof buf === 'string' ? Buffer.from(buf, 'utf8') : buf, path);

  const labelIdx = opts.label === undefined ? -1 : header.indexOf(opts.label);
  if (opts.label !== undefined && labelIdx < 0 && !opts.labelOptional) {
    const near = header.find((h) => h.toLowerCase() === opts.label!.toLowerCase());
    throw new TransferkitError('MISSING_LABEL', `Label column "${opts.label}" is not in the CSV header (line ${headerLine}). Available columns: ${header.join(', ')}`, {
      where: `${path}:${headerLine}`,
      hint: near ? `Did you mean \`label: "${near}"\`? Column names are case-sensitive.` : `Pass \`label\` with one of: ${header.join(', ')}.`,
    });
  }
  if (labelIdx >= 0 && opts.columns?.includes(opts.label!)) {
    throw new TransferkitError('BAD_OPTION', `The label column "${opts.label}" is also a feature column the model needs`, {
      where: `${path}:${headerLine}, column "${opts.label}"`,
      hint: 'Name the column that holds the classes with `label`, not one of the model\'s input columns.',
    });
  }

  if (labelIdx >= 0 && !opts.labelOptional) {
    for (const row of rows) {
      if (isMissing(row.fields[labelIdx])) {
        throw new TransferkitError('EMPTY_LABEL', `Row at line ${row.line} has no label in column "${opts.label}" (value ${JSON.stringify(row.fields[labelIdx])})`, {
          where: `${path}:${row.line}, column "${opts.label}"`,
          hint: 'Every row needs a label: fill it in or remove the row. Missing labels are not imputed.',
        });
      }
    }
  }

  let featureIdx: number[];
  if (opts.columns) {
    featureIdx = opts.columns.map((c) => {
      const i = header.indexOf(c);
      if (i < 0) {
        const near = header.find((h) => h.toLowerCase() === c.toLowerCase());
        throw new TransferkitError('MISSING_COLUMN', `${path} has no column "${c}", which the model needs (its header, line ${headerLine}: ${header.join(', ')})`, {
          where: `${path}:${headerLine}, column "${c}"`,
          hint: near
            ? `Rename column "${near}" to "${c}": column names are case-sensitive.`
            : `Add the column "${c}". The model needs columns: ${opts.columns!.join(', ')}.`,
        });
      }
      return i;
    });
  } else {
    featureIdx = header.map((_, i) => i).filter((i) => i !== labelIdx);
  }
  let kept = rows;
  if (impute === 'none') {
    const missing = countMissing(rows, featureIdx);
    if (missing.first) {
      const col = header[missing.first.col];
      throw new TransferkitError('MISSING_VALUE', `Missing value at line ${missing.first.line}, column "${col}" (${missing.count} missing value${missing.count === 1 ? '' : 's'} in all)`, {
        where: `${path}:${missing.first.line}, column "${col}"`,
        hint: 'Fill in the value, or pass `impute: "mean"` (numeric: column mean, categorical: most frequent value) or `impute: "drop"` (drop rows with missing values).',
      });
    }
  } else if (impute === 'drop') {
    kept = rows.filter((r) => featureIdx.every((i) => !isMissing(r.fields[i])));
    if (kept.length === 0) {
      throw new TransferkitError('EMPTY_DATA', `Every data row of the CSV has a missing value, so dropping them left no rows`, {
        where: path,
        hint: 'Use `impute: "mean"` instead, or remove the columns that are mostly empty.',
      });
    }
  }

  const types = checkColumnTypes(opts.columnTypes, header, labelIdx, path, headerLine);
  const columns = featureIdx.map((i) => {
    const declared = types.get(header[i]);
    // reading new data for a model (columns given) leaves the types to the model's preprocessing
    if (declared !== undefined || !opts.columns) checkColumnCells(header[i], kept, i, declared, path);
    return buildColumn(header[i], kept.map((r) => r.fields[i]), impute === 'mean', path, opts.fill?.[header[i]], declared);
  });
  const { labels, classes } = encodeLabels(kept.map((r) => (labelIdx < 0 || isMissing(r.fields[labelIdx]) ? null : r.fields[labelIdx].trim())));
  const ds: Dataset = { name: path, size: kept.length, features: { kind: 'tabular', columns }, labels, classes };
  if (opts.domain !== undefined) ds.domain = opts.domain;
  return { ds, header, headerLine, kept, total: rows.length, labelled: labelIdx >= 0 };
}

function parseRows(buf: Buffer, path: string): { header: string[]; headerLine: number; rows: CsvRow[] } {
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
  const rows: CsvRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const fields = records[r].record;
    if (fields.length !== header.length) {
      throw new TransferkitError('BAD_CSV', `Line ${lines[r]} has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header has ${header.length}`, {
        where: `${path}:${lines[r]}`,
        hint: 'Every row needs one value per header column; quote values that contain commas.',
      });
    }
    rows.push({ fields, line: lines[r], row: r - 1 });
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

function countMissing(rows: CsvRow[], cols: number[]): { count: number; first?: { line: number; col: number } } {
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

export function buildColumn(name: string, raw: string[], impute: boolean, path: string, fillValue?: number | string, declared?: ColumnType): TabularColumn {
  const present = raw.filter((v) => !isMissing(v));
  const fixed = impute ? fillValue : undefined;
  if (present.length === 0 && fixed === undefined) {
    throw new TransferkitError('MISSING_VALUE', `Column "${name}" has no values at all, so there is nothing to impute from`, {
      where: `${path}, column "${name}"`,
      hint: 'Remove the column from the CSV or fill it in.',
    });
  }
  const numeric = declared ? declared === 'numeric' : present.every((v) => parseNumber(v) !== undefined) && (present.length > 0 || typeof fixed === 'number');
  if (numeric) {
    let fill = NaN;
    if (typeof fixed === 'number') fill = fixed;
    else if (impute) {
      let sum = 0;
      for (const v of present) sum += parseNumber(v)!;
      fill = sum / present.length;
    }
    return { name, type: 'numeric', values: Float64Array.from(raw, (v) => (isMissing(v) ? fill : parseNumber(v)!)) };
  }
  const trimmed = raw.map((v) => v.trim());
  let fill = '';
  if (typeof fixed === 'string') fill = fixed;
  else if (impute) {
    const counts = new Map<string, number>();
    for (const v of present) counts.set(v.trim(), (counts.get(v.trim()) ?? 0) + 1);
    fill = [...counts.entries()].sort((a, b) => b[1] - a[1] || naturalCompare(a[0], b[0]))[0][0];
  }
  return { name, type: 'categorical', values: trimmed.map((v) => (isMissing(v) ? fill : v)) };
}

function checkColumnTypes(types: Record<string, ColumnType> | undefined, header: string[], labelIdx: number, path: string, headerLine: number): Map<string, ColumnType> {
  const out = new Map<string, ColumnType>();
  if (types === undefined) return out;
  if (types === null || typeof types !== 'object' || Array.isArray(types)) {
    throw new TransferkitError('BAD_OPTION', `columnTypes must map column names to "numeric" or "categorical", got ${JSON.stringify(types)}`, {
      where: 'columnTypes option',
      hint: 'Pass e.g. `columnTypes: { zip: "categorical" }`.',
    });
  }
  for (const [name, type] of Object.entries(types)) {
    if (type !== 'numeric' && type !== 'categorical') {
      throw new TransferkitError('BAD_OPTION', `columnTypes gives column "${name}" the type ${JSON.stringify(type)}`, {
        where: 'columnTypes option',
        hint: 'A column type is "numeric" or "categorical".',
      });
    }
    const i = header.indexOf(name);
    if (i < 0 || i === labelIdx) {
      throw new TransferkitError('UNKNOWN_FEATURE', `columnTypes names column "${name}", which is not a feature column of ${path}`, {
        where: `${path}:${headerLine}`,
        hint: `The feature columns are: ${header.filter((_, j) => j !== labelIdx).join(', ')}.`,
      });
    }
    out.set(name, type);
  }
  return out;
}

/**
 * Refuses a column whose type is unclear: declared numeric with cells that are not numbers, or
 * (undeclared) mostly numbers ({@link MOSTLY_NUMERIC}) with a few cells that are not — almost
 * always typos, which would otherwise silently turn the column into a one-hot of every value.
 */
function checkColumnCells(name: string, rows: CsvRow[], col: number, declared: ColumnType | undefined, path: string): void {
  if (declared === 'categorical') return;
  let present = 0;
  const bad: CsvRow[] = [];
  for (const r of rows) {
    const v = r.fields[col];
    if (isMissing(v)) continue;
    present++;
    if (parseNumber(v) === undefined) bad.push(r);
  }
  if (bad.length === 0) return;
  if (declared === undefined && (present - bad.length) / present < MOSTLY_NUMERIC) return;
  const shown = bad.slice(0, 5).map((r) => `line ${r.line}: ${JSON.stringify(r.fields[col])}`).join(', ');
  const more = bad.length > 5 ? `, and ${bad.length - 5} more` : '';
  const why = declared === 'numeric'
    ? `is declared numeric, but ${bad.length} of its ${present} values ${bad.length === 1 ? 'is' : 'are'} not a (finite) number`
    : `is mostly numbers, but ${bad.length} of its ${present} values ${bad.length === 1 ? 'is' : 'are'} not a (finite) number`;
  throw new TransferkitError('BAD_CSV', `Column "${name}" ${why} (${shown}${more})`, {
    where: `${path}:${bad[0].line}, column "${name}"`,
    hint: `Fix those cells (or write NA for an unknown value and use \`impute: "mean"\` or \`impute: "drop"\`); if the column really holds categories, declare it: \`columnTypes: { ${JSON.stringify(name)}: "categorical" }\`.`,
  });
}
