/**
 * Reading and writing CSV as plain rows of strings, every column kept as written, for tools
 * that rewrite one column of a file (the scrubber).
 */
import { parse } from 'csv-parse/sync';
import { TransferkitError } from '../errors.ts';

/**
 * A CSV as strings: the header and the data rows.
 *
 * @example
 * ```ts
 * const t: CsvText = { header: ['text', 'label'], rows: [['hi', 'ham']] };
 * ```
 */
export interface CsvText {
  header: string[];
  rows: string[][];
}

/**
 * Parses CSV text (RFC 4180 quoting, a header row, blank lines skipped, a BOM dropped; cells
 * kept as written, spaces included). Errors: `BAD_CSV` (malformed quoting, a row with another
 * number of fields than the header, naming the line), `EMPTY_DATA` (no header).
 *
 * @example
 * ```ts
 * parseCsvText('text,label\n"hi, you",ham\n', 'in.csv').rows; // [['hi, you', 'ham']]
 * ```
 */
export function parseCsvText(content: string, path: string): CsvText {
  let records: string[][];
  try {
    records = parse(content, { skip_empty_lines: true, bom: true, relax_column_count: false }) as string[][];
  } catch (err) {
    throw new TransferkitError('BAD_CSV', `The CSV cannot be parsed: ${(err as Error).message}`, {
      where: path,
      hint: 'Quote fields that hold commas, quotes or line breaks ("a ""quoted"" word"), and give every row as many fields as the header.',
      cause: err,
    });
  }
  if (records.length === 0) throw new TransferkitError('EMPTY_DATA', 'The CSV has no header row', { where: path, hint: 'Add a header row naming the columns, then one row per example.' });
  return { header: records[0], rows: records.slice(1) };
}

/**
 * Writes rows as CSV text: fields holding a comma, quote, line break or leading/trailing space
 * are quoted (quotes doubled); lines end with `\n`.
 *
 * @example
 * ```ts
 * formatCsvText({ header: ['text'], rows: [['a, "b"']] }); // 'text\n"a, ""b"""\n'
 * ```
 */
export function formatCsvText(t: CsvText): string {
  const cell = (s: string) => (/[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [t.header, ...t.rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}
