/**
 * A plain table of strings read from a CSV file or given as rows: what the audits read
 * sensitive columns, labels, predictions and scores from, whether or not a model uses them.
 */
import { readFile } from 'node:fs/promises';
import { readCsv, type Impute } from '../data/csv.ts';
import type { Dataset } from '../data/dataset.ts';
import { requireFile } from '../data/files.ts';
import { loadDataset } from '../data/load.ts';
import { isMissing } from '../data/missing.ts';
import { TransferkitError } from '../errors.ts';

/**
 * Columns of strings by name; `null` marks a missing cell.
 *
 * @example
 * ```ts
 * const t: RawTable = { name: 'preds.csv', header: ['y_true', 'group'], size: 2, column: (c) => [['1', '0'], ['a', 'b']][['y_true', 'group'].indexOf(c)] };
 * ```
 */
export interface RawTable {
  /** Where it came from, for messages. */
  name: string;
  header: string[];
  size: number;
  /** The cells of a column (which must be in `header`), `null` where missing. */
  column(name: string): Array<string | null>;
  /** Source row number of each row (0-based data rows of a CSV), used to match model predictions. */
  rowIds?: number[];
}

/**
 * Reads every column of a CSV file as strings (missing cells `null`), keeping all rows.
 *
 * Errors: those of reading a CSV (`FILE_NOT_FOUND`, `BAD_CSV`, `EMPTY_DATA`).
 *
 * @example
 * ```ts
 * const t = await readRawCsv('preds.csv');
 * t.column('group'); // ['a', 'b', null, …]
 * ```
 */
export async function readRawCsv(path: string): Promise<RawTable> {
  await requireFile(path, 'CSV file');
  const { header, kept } = readCsv(await readFile(path), path, { columns: [] });
  return {
    name: path,
    header,
    size: kept.length,
    rowIds: kept.map((r) => r.row),
    column: (name) => {
      const j = header.indexOf(name);
      return kept.map((r) => (isMissing(r.fields[j]) ? null : r.fields[j]));
    },
  };
}

/**
 * A table over in-memory rows (objects by column name; the header is the union of their keys).
 *
 * @example
 * ```ts
 * rowsTable([{ y_true: 1, y_pred: 0, group: 'a' }]).column('y_true'); // ['1']
 * ```
 */
export function rowsTable(rows: ReadonlyArray<Record<string, string | number | boolean | null | undefined>>, name = 'rows'): RawTable {
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return {
    name,
    header,
    size: rows.length,
    column: (c) => rows.map((r) => {
      const v = r[c];
      return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) || (typeof v === 'string' && isMissing(v)) ? null : String(v);
    }),
  };
}

/**
 * A table over a tabular dataset's feature columns and its label (under `labelName`, default `label`).
 *
 * @example
 * ```ts
 * datasetTable(await loadDataset('builtin:hmda'), 'deny').column('afam');
 * ```
 */
export function datasetTable(ds: Dataset, labelName = 'label'): RawTable {
  if (ds.features.kind !== 'tabular') {
    throw new TransferkitError('KIND_MISMATCH', `${ds.name} holds ${ds.features.kind} data, which has no columns to take sensitive groups from`, {
      where: ds.name,
      hint: 'Audit a table (CSV or a tabular built-in dataset) that has the sensitive column, or audit predictions with auditPredictions and a group column.',
    });
  }
  const cols = ds.features.columns;
  return {
    name: ds.name,
    header: [...cols.map((c) => c.name), labelName],
    size: ds.size,
    column: (name) => {
      if (name === labelName && !cols.some((c) => c.name === name)) return Array.from(ds.labels, (l) => (l >= 0 ? ds.classes[l] : null));
      const c = cols.find((x) => x.name === name)!;
      return c.type === 'numeric' ? Array.from(c.values, (v) => (Number.isNaN(v) ? null : String(v))) : c.values.map((v) => (v === '' ? null : v));
    },
  };
}

/**
 * Checks that `columns` are in the table; a missing one is `MISSING_COLUMN` naming the columns
 * that exist (and a near spelling).
 *
 * @example
 * ```ts
 * requireColumns(t, ['afam'], 'sensitive column', '--sensitive');
 * ```
 */
export function requireColumns(t: RawTable, columns: readonly string[], what: string, option: string): void {
  for (const c of columns) {
    if (t.header.includes(c)) continue;
    const near = t.header.find((h) => h.toLowerCase() === c.toLowerCase());
    throw new TransferkitError('MISSING_COLUMN', `The ${what} "${c}" is not in ${t.name}; its columns are: ${t.header.join(', ')}`, {
      where: t.name,
      hint: near ? `Did you mean ${option} ${near}? Column names are case-sensitive.` : `Pass ${option} with one of: ${t.header.join(', ')}.`,
    });
  }
}

/**
 * The data of an audit as a raw table (every column as written, sensitive ones included) and
 * what the model is run on: a CSV file is read raw and handed on by path (the model's own
 * loader reads it), anything else is loaded once as a dataset.
 *
 * @example
 * ```ts
 * const { table, data } = await readAuditData('builtin:hmda', 'deny');
 * requireColumns(table, ['afam'], 'sensitive column', '`sensitive`');
 * ```
 */
export async function readAuditData(input: string | Dataset, label?: string, impute?: Impute): Promise<{ table: RawTable; data: string | Dataset }> {
  if (typeof input === 'string' && input.toLowerCase().endsWith('.csv')) return { table: await readRawCsv(input), data: input };
  const ds = typeof input === 'string' ? await loadDataset(input, { label, impute }) : input;
  return { table: datasetTable(ds, label), data: ds };
}

