/**
 * Class attribute tables for zero-shot learning: a CSV `class,attr1,attr2,…` with one row per
 * class and a value in [0, 1] per attribute (1: the class has it, 0: it does not), parsed and
 * checked, and the per-class signature matrices the zero-shot classifiers take.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { TransferkitError } from '../../errors.ts';

/**
 * A parsed attribute table: `values` is `classes.length × attributes.length`, row-major.
 *
 * @example
 * ```ts
 * const t: AttributeTable = parseAttributeTable('class,legs\nTrouser,1\nBag,0\n');
 * t.values; // Float64Array [1, 0]
 * ```
 */
export interface AttributeTable {
  classes: string[];
  attributes: string[];
  values: Float64Array;
  /** Where it came from (a path, or `'(text)'`), named in errors. */
  source: string;
}

/**
 * Parses an attribute table from CSV text. The header's first column names the classes (any
 * name), the rest name the attributes; every value must be a number in [0, 1].
 *
 * @throws TransferkitError `BAD_CSV` naming the row and column of a bad value, a duplicated
 *   class or attribute, or a table without classes or attributes.
 * @example
 * ```ts
 * const t = parseAttributeTable('class,footwear,sleeves\nSandal,1,0\nShirt,0,1\n', 'attrs.csv');
 * t.attributes; // ['footwear', 'sleeves']
 * ```
 */
export function parseAttributeTable(text: string, source = '(text)'): AttributeTable {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, comment: '#', relax_column_count: true }) as string[][];
  } catch (err) {
    throw new TransferkitError('BAD_CSV', `Cannot read the attribute table: ${(err as Error).message}`, { where: source, hint: 'Write it as CSV: class,attr1,attr2,… then one row per class.', cause: err });
  }
  if (rows.length < 2 || rows[0].length < 2) {
    throw new TransferkitError('BAD_CSV', `The attribute table has ${Math.max(0, rows.length - 1)} class rows and ${Math.max(0, (rows[0]?.length ?? 1) - 1)} attribute columns`, {
      where: source,
      hint: 'It needs a header `class,attr1,attr2,…` and at least one class row with one or more attributes.',
    });
  }
  const attributes = rows[0].slice(1);
  const dupAttr = attributes.find((a, i) => attributes.indexOf(a) !== i);
  if (dupAttr !== undefined) throw new TransferkitError('BAD_CSV', `Attribute "${dupAttr}" appears twice in the header`, { where: source, hint: 'Give every attribute column its own name.' });
  const m = attributes.length;
  const classes: string[] = [];
  const values = new Float64Array((rows.length - 1) * m);
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    const name = row[0];
    if (row.length !== m + 1) {
      throw new TransferkitError('BAD_CSV', `Row ${r + 1} (${name}) has ${row.length - 1} attribute values, the header names ${m}`, { where: `${source}, row ${r + 1}`, hint: 'Give every class a value for every attribute.' });
    }
    if (classes.includes(name)) throw new TransferkitError('BAD_CSV', `Class "${name}" has two rows`, { where: `${source}, row ${r + 1}`, hint: 'Keep one row per class.' });
    classes.push(name);
    for (let j = 0; j < m; j++) {
      const v = Number(row[j + 1]);
      if (row[j + 1] === '' || !(v >= 0 && v <= 1)) {
        throw new TransferkitError('BAD_CSV', `Class "${name}", attribute "${attributes[j]}": "${row[j + 1]}" is not a number in [0, 1]`, {
          where: `${source}, row ${r + 1}, column ${attributes[j]}`,
          hint: 'Use 1 when the class has the attribute, 0 when it does not (or a share in between).',
        });
      }
      values[(r - 1) * m + j] = v;
    }
  }
  return { classes, attributes, values, source };
}

/**
 * Reads and parses an attribute table CSV file (see {@link parseAttributeTable}).
 *
 * @throws TransferkitError `FILE_NOT_FOUND`, or the parse errors.
 * @example
 * ```ts
 * const t = await readAttributeTable('datasets/fashion-attributes/attributes.csv');
 * ```
 */
export async function readAttributeTable(path: string): Promise<AttributeTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TransferkitError('FILE_NOT_FOUND', `Cannot read the attribute table ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      where: path,
      hint: 'Pass --attributes <file.csv>, e.g. datasets/fashion-attributes/attributes.csv.',
      cause: err,
    });
  }
  return parseAttributeTable(text, path);
}

/**
 * The signature matrix of `classes` (in that order): `classes.length × m`, row-major, one row
 * of the table per class.
 *
 * @throws TransferkitError `UNKNOWN_CLASS` naming the first class the table lacks.
 * @example
 * ```ts
 * const S = signatures(table, ['Sandal', 'Shirt']); // 2 × m
 * ```
 */
export function signatures(table: AttributeTable, classes: readonly string[]): Float64Array {
  const m = table.attributes.length;
  const S = new Float64Array(classes.length * m);
  classes.forEach((c, i) => {
    const r = table.classes.indexOf(c);
    if (r < 0) {
      throw new TransferkitError('UNKNOWN_CLASS', `The attribute table has no row for class "${c}"`, {
        where: table.source,
        hint: `Add a row "${c},…" to the table (its classes: ${table.classes.join(', ')}).`,
      });
    }
    S.set(table.values.subarray(r * m, (r + 1) * m), i * m);
  });
  return S;
}

/**
 * The attributes (column indices) whose value differs between some of the given signature rows:
 * only those can be learned from these classes' images.
 *
 * @example
 * ```ts
 * varyingAttributes(Float64Array.of(1, 0, 1, 1), 2, 2); // [1]
 * ```
 */
export function varyingAttributes(S: ArrayLike<number>, k: number, m: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < m; j++) {
    for (let c = 1; c < k; c++) {
      if (S[c * m + j] !== S[j]) {
        out.push(j);
        break;
      }
    }
  }
  return out;
}

/**
 * Checks that no two of `classes` have the same signature on the attributes `use` (default
 * all): otherwise no attribute-based classifier can tell them apart.
 *
 * @throws TransferkitError `BAD_INPUT` naming the two classes.
 * @example
 * ```ts
 * checkDistinct(table, ['Pullover', 'Sandal', 'Bag']);
 * ```
 */
export function checkDistinct(table: AttributeTable, classes: readonly string[], use?: readonly number[], context = 'the candidate classes'): void {
  const m = table.attributes.length;
  const S = signatures(table, classes);
  const cols = use ?? table.attributes.map((_, j) => j);
  const keys = classes.map((_, i) => cols.map((j) => S[i * m + j]).join(','));
  for (let a = 0; a < classes.length; a++) {
    for (let b = a + 1; b < classes.length; b++) {
      if (keys[a] === keys[b]) {
        throw new TransferkitError('BAD_INPUT', `"${classes[a]}" and "${classes[b]}" have identical attribute signatures among ${context}, so they cannot be told apart`, {
          where: table.source,
          hint: use
            ? 'Only attributes that vary among the seen classes can be learned: add an attribute that separates them and that some seen classes have, or choose other unseen classes.'
            : 'Add an attribute that separates them, or choose other unseen classes.',
        });
      }
    }
  }
}
