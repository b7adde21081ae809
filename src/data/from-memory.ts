/**
 * Datasets built from data already in memory: rows of a table (`datasetFromRows`, typed and
 * encoded exactly like a CSV file) and numeric matrices or tensors (`datasetFromTensors`).
 * Either result can be passed wherever a dataset spec is taken (`fit({ train })`,
 * `evaluateModel({ data })`, `explain({ data })`, …).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../errors.ts';
import { encodeLabels, sortClasses } from './classes.ts';
import { buildColumn, type Impute } from './csv.ts';
import type { Dataset, TabularColumn } from './dataset.ts';
import { checkImageSize } from './images.ts';
import { isMissing } from './missing.ts';

/**
 * One row of a table in memory: column name → value. `null` (and `NaN`, `''`, `'NA'`, as in CSV
 * files) is a missing value.
 *
 * @example
 * ```ts
 * const row: DataRow = { sepal_length: 5.1, petal_width: 0.2, species: 'setosa' };
 * ```
 */
export type DataRow = Record<string, number | string | null>;

/**
 * Options of {@link datasetFromRows}.
 *
 * @example
 * ```ts
 * const opts: RowsOptions = { label: 'species', name: 'my-flowers', impute: 'mean' };
 * ```
 */
export interface RowsOptions {
  /** The column holding each row's class (default `'label'`); `null`: the rows are unlabelled (labels −1). */
  label?: string | null;
  /** Name of the dataset in messages and results (default `'rows'`). */
  name?: string;
  /**
   * Missing feature values: `'none'` (default) makes one an error naming its row and column,
   * `'mean'` fills numeric columns with their mean and categorical ones with their most frequent
   * value, `'drop'` drops the rows that have one.
   */
  impute?: Impute;
  /** The class list, in label-index order (default: the distinct labels in natural order); a label not in it is an error. */
  classes?: string[];
  /** Domain tag (domain adaptation). */
  domain?: string;
}

/**
 * A tabular dataset from rows of plain objects, with the typing and encoding rules of the CSV
 * loader: every column but the label is numeric when all its present values are numbers (or
 * numeric strings), categorical otherwise; classes are the distinct labels in natural order
 * (`'2'` before `'10'`). Every row must have the same columns as the first one.
 *
 * Errors (`TransferkitError`, naming the row index, from 0, and the column): `EMPTY_DATA` (no
 * rows), `BAD_ROW` (not an object), `RAGGED_ROWS` (a column missing or extra), `BAD_VALUE` (a
 * value that is not a number, string or null; ±Infinity), `MISSING_LABEL` (no label column),
 * `EMPTY_LABEL` (a row without a label), `UNKNOWN_LABEL` (a label not in `classes`),
 * `MISSING_VALUE` (a missing feature value — `null`, `NaN` — with `impute: 'none'`).
 *
 * @example
 * ```ts
 * import { datasetFromRows, fit } from 'transferkit';
 * const ds = datasetFromRows([
 *   { length: 5.1, width: 3.5, species: 'setosa' },
 *   { length: 7.0, width: 3.2, species: 'versicolor' },
 * ], { label: 'species', name: 'flowers' });
 * ds.classes; // ['setosa', 'versicolor']
 * ```
 */
export function datasetFromRows(rows: readonly DataRow[], opts: RowsOptions = {}): Dataset {
  const name = opts.name ?? 'rows';
  const impute = opts.impute ?? 'none';
  if (!['none', 'mean', 'drop'].includes(impute)) {
    throw new TransferkitError('BAD_OPTION', `Unknown impute mode "${String(impute)}"`, { where: 'impute option', hint: "Use impute: 'none', 'mean' or 'drop'." });
  }
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new TransferkitError('EMPTY_DATA', `${name} has no rows`, { where: name, hint: 'Pass an array with one object per example, e.g. [{ x: 1, label: "a" }, …].' });
  }
  const isRow = (r: unknown): r is DataRow => typeof r === 'object' && r !== null && !Array.isArray(r);
  if (!isRow(rows[0])) throw badRow(name, 0, rows[0]);
  const header = Object.keys(rows[0]);
  const label = opts.label === undefined ? 'label' : opts.label;
  if (label !== null && !header.includes(label)) {
    const near = header.find((h) => h.toLowerCase() === label.toLowerCase());
    throw new TransferkitError('MISSING_LABEL', `Row 0 of ${name} has no label column "${label}". Its columns: ${header.join(', ')}`, {
      where: `${name}, row 0`,
      hint: near
        ? `Did you mean label: '${near}'? Column names are case-sensitive.`
        : `Pass label: '<column>' naming the column that holds each row's class (one of: ${header.join(', ')}), or label: null for unlabelled rows.`,
    });
  }
  const featureNames = header.filter((h) => h !== label);
  if (featureNames.length === 0) {
    throw new TransferkitError('EMPTY_DATA', `${name} has no feature columns, only the label "${label}"`, { where: name, hint: 'Each row needs at least one feature besides the label.' });
  }

  // check the shape and the values, turning each into the text a CSV file would hold
  const known = new Set(header);
  const text: string[][] = [];
  const labelText: Array<string | null> = [];
  rows.forEach((row, i) => {
    if (!isRow(row)) throw badRow(name, i, row);
    for (const key of Object.keys(row)) {
      if (!known.has(key)) {
        throw new TransferkitError('RAGGED_ROWS', `Row ${i} of ${name} has a column "${key}" that row 0 does not have`, {
          where: `${name}, row ${i}, column "${key}"`,
          hint: `Every row needs the same columns as row 0 (${header.join(', ')}); use null for a missing value.`,
        });
      }
    }
    for (const key of header) {
      if (!(key in row)) {
        throw new TransferkitError('RAGGED_ROWS', `Row ${i} of ${name} has no column "${key}" (row 0 has: ${header.join(', ')})`, {
          where: `${name}, row ${i}, column "${key}"`,
          hint: 'Every row needs the same columns as row 0; use null for a missing value.',
        });
      }
    }
    text.push(featureNames.map((key) => cellText(row[key], name, i, key)));
    if (label !== null) {
      const v = cellText(row[label], name, i, label);
      if (isMissing(v)) {
        throw new TransferkitError('EMPTY_LABEL', `Row ${i} of ${name} has no label in column "${label}" (value ${show(row[label])})`, {
          where: `${name}, row ${i}, column "${label}"`,
          hint: 'Every row needs a label: fill it in or remove the row (missing labels are not imputed), or pass label: null for unlabelled data.',
        });
      }
      labelText.push(v.trim());
    } else {
      labelText.push(null);
    }
  });

  let kept = rows.map((_, i) => i);
  if (impute === 'none') {
    const missing = firstMissing(text);
    if (missing) {
      const col = featureNames[missing.col];
      throw new TransferkitError('MISSING_VALUE', `Row ${missing.row} of ${name} has no value in column "${col}" (${show(rows[missing.row][col])}; ${missing.count} missing value${missing.count === 1 ? '' : 's'} in all)`, {
        where: `${name}, row ${missing.row}, column "${col}"`,
        hint: "Fill in the value, or pass impute: 'mean' (numeric: column mean, categorical: most frequent value) or impute: 'drop' (drop rows with missing values).",
      });
    }
  } else {
    featureNames.forEach((col, j) => {
      if (text.every((r) => isMissing(r[j]))) {
        throw new TransferkitError('MISSING_VALUE', `Column "${col}" of ${name} has no values at all, so there is nothing to ${impute === 'drop' ? 'keep' : 'impute from'}`, {
          where: `${name}, column "${col}"`,
          hint: 'Leave the column out of the rows, or fill it in.',
        });
      }
    });
    if (impute === 'drop') {
      kept = kept.filter((i) => text[i].every((v) => !isMissing(v)));
      if (kept.length === 0) {
        throw new TransferkitError('EMPTY_DATA', `Every row of ${name} has a missing value, so impute: 'drop' left no rows`, { where: name, hint: "Use impute: 'mean' instead, or leave out the columns that are mostly empty." });
      }
    }
  }

  const columns: TabularColumn[] = featureNames.map((col, j) => buildColumn(col, kept.map((i) => text[i][j]), impute === 'mean', name));
  const labelsKept = kept.map((i) => labelText[i]);
  if (opts.classes) {
    const index = new Set(opts.classes);
    kept.forEach((i) => {
      const l = labelText[i];
      if (l !== null && !index.has(l)) throw unknownLabel(name, i, l, opts.classes!, label ?? 'label');
    });
  }
  const { labels, classes } = encodeLabels(labelsKept, opts.classes ? [...opts.classes] : undefined);
  const ds: Dataset = { name, size: kept.length, features: { kind: 'tabular', columns }, labels, classes };
  if (opts.domain !== undefined) ds.domain = opts.domain;
  return ds;
}

/**
 * Options of {@link datasetFromTensors}.
 *
 * @example
 * ```ts
 * const opts: TensorsOptions = { kind: 'image', imageShape: [28, 28, 1], classes: ['cat', 'dog'] };
 * ```
 */
export interface TensorsOptions {
  /** The class list in label-index order. Default: for string labels their distinct values in natural order, for numbers `'0'` … `String(max)`. */
  classes?: string[];
  /** `'tabular'` (rows of numbers) or `'image'` (pixels in [0, 1], NHWC). Default: `'image'` for a rank-3/4 tensor or with `imageShape`, else `'tabular'`. */
  kind?: 'tabular' | 'image';
  /** `[height, width, channels]` of each image (channels 1 or 3), for flat inputs; a rank-4 tensor brings its own. */
  imageShape?: [number, number, number] | readonly number[];
  /** Tabular: names of the columns (default `x0`, `x1`, …). */
  columns?: string[];
  /** Name of the dataset in messages and results (default `'tensors'`). */
  name?: string;
  /** Domain tag (domain adaptation). */
  domain?: string;
}

/**
 * A dataset from a numeric matrix — a `tf.Tensor` (`[n, features]`, `[n, h, w]` or
 * `[n, h, w, c]`), rows of numbers, or a flat `Float32Array` — and one label per row: class
 * indices (`-1`: unlabelled) or class names. Tabular data gets numeric columns `x0`, `x1`, …
 * (standardised by `fit` like any table); images are stored as they are (NHWC, values in [0, 1]).
 * The tensor is read, not kept or disposed. (Make tensors after `await ensureEngine()`: a tensor
 * made before the engine starts puts tfjs on its slow cpu backend.)
 *
 * Errors (`TransferkitError`, naming the row index from 0): `EMPTY_DATA`, `LABEL_COUNT` (labels ≠
 * rows), `RAGGED_ROWS`, `NAN_FEATURE` (NaN or ±Infinity, naming row and column), `BAD_SHAPE`,
 * `BAD_PIXELS` (an image value outside [0, 1]), `BAD_LABEL` (not a class index),
 * `UNKNOWN_LABEL` (a name not in `classes`), `BAD_OPTION`.
 *
 * @example
 * ```ts
 * import { datasetFromTensors } from 'transferkit';
 * const xor = datasetFromTensors([[0, 0], [0, 1], [1, 0], [1, 1]], ['no', 'yes', 'yes', 'no']);
 * const digits = datasetFromTensors(images, labels, { kind: 'image', imageShape: [28, 28, 1], classes: ['0', '1'] });
 * ```
 */
export function datasetFromTensors(
  x: tf.Tensor | ReadonlyArray<ArrayLike<number>> | Float32Array,
  labels: ReadonlyArray<number> | ReadonlyArray<string> | Int32Array,
  opts: TensorsOptions = {},
): Dataset {
  const name = opts.name ?? 'tensors';
  if (opts.kind !== undefined && opts.kind !== 'tabular' && opts.kind !== 'image') {
    throw new TransferkitError('BAD_OPTION', `Unknown kind "${String(opts.kind)}"`, { where: `${name}, kind option`, hint: "Use kind: 'tabular' or kind: 'image'." });
  }
  const n = labels?.length ?? 0;
  let values: Float32Array;
  let perShape: number[];
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) throw new TransferkitError('BAD_SHAPE', `The tensor given for ${name} is already disposed`, { where: name, hint: 'Build the dataset before disposing the tensor.' });
    if (x.rank < 2) throw new TransferkitError('BAD_SHAPE', `The tensor of ${name} has shape [${x.shape.join(', ')}]; it needs one row per example: [n, features], [n, height, width] or [n, height, width, channels]`, { where: name, hint: 'Reshape it, e.g. x.reshape([n, -1]).' });
    values = Float32Array.from(x.dataSync() as ArrayLike<number>);
    perShape = x.shape.slice(1);
    if (x.shape[0] !== n) throw labelCount(name, x.shape[0], n);
  } else if (x instanceof Float32Array) {
    if (n === 0) throw emptyData(name);
    if (x.length % n !== 0) {
      throw new TransferkitError('LABEL_COUNT', `${name} has ${x.length} values, which do not split into ${n} rows (one per label)`, { where: name, hint: 'Pass one label per row; the values are the rows one after another.' });
    }
    values = x;
    perShape = [x.length / n];
  } else if (Array.isArray(x)) {
    if (x.length !== n) throw labelCount(name, x.length, n);
    if (n === 0) throw emptyData(name);
    const width = x[0]?.length;
    if (typeof width !== 'number') throw new TransferkitError('BAD_SHAPE', `Row 0 of ${name} is not an array of numbers`, { where: `${name}, row 0`, hint: 'Pass rows of numbers: [[1, 2], [3, 4], …].' });
    values = new Float32Array(n * width);
    x.forEach((row, i) => {
      if (row?.length !== width) {
        throw new TransferkitError('RAGGED_ROWS', `Row ${i} of ${name} has ${row?.length ?? 'no'} values, row 0 has ${width}`, { where: `${name}, row ${i}`, hint: 'Every row needs the same number of values.' });
      }
      for (let j = 0; j < width; j++) {
        if (typeof row[j] !== 'number') throw nanFeature(name, i, `x${j}`, row[j]);
        values[i * width + j] = row[j];
      }
    });
    perShape = [width];
  } else {
    throw new TransferkitError('BAD_SHAPE', `${name}: x must be a tf.Tensor, an array of rows or a Float32Array`, { where: name, hint: 'For example datasetFromTensors([[1, 2], [3, 4]], [0, 1]).' });
  }
  if (n === 0) throw emptyData(name);
  const per = perShape.reduce((a, b) => a * b, 1);
  if (per === 0) throw new TransferkitError('BAD_SHAPE', `The examples of ${name} have no values (shape [${perShape.join(', ')}])`, { where: name, hint: 'Each example needs at least one value.' });

  const kind = opts.kind ?? (opts.imageShape !== undefined || perShape.length >= 2 ? 'image' : 'tabular');
  let imageShape: [number, number, number] | undefined;
  if (kind === 'image') {
    const given = opts.imageShape ?? (perShape.length === 3 ? perShape : perShape.length === 2 ? [...perShape, 1] : undefined);
    if (!given || given.length !== 3) {
      throw new TransferkitError('BAD_OPTION', `${name} holds flat rows of ${per} values; image data needs imageShape: [height, width, channels]`, { where: `${name}, imageShape option`, hint: 'Pass imageShape, e.g. [28, 28, 1], or a rank-4 tensor [n, height, width, channels].' });
    }
    imageShape = [given[0], given[1], given[2]];
    checkImageSize({ height: imageShape[0], width: imageShape[1], channels: imageShape[2] }, `${name}, imageShape`);
    if (imageShape[0] * imageShape[1] * imageShape[2] !== per) {
      throw new TransferkitError('BAD_SHAPE', `imageShape [${imageShape.join(', ')}] holds ${imageShape[0] * imageShape[1] * imageShape[2]} values, but each example of ${name} has ${per}`, { where: `${name}, imageShape option`, hint: 'Give the height, width and channels of one image.' });
    }
  } else if (perShape.length !== 1) {
    throw new TransferkitError('BAD_SHAPE', `Tabular data needs rows of numbers ([n, features]), but each example of ${name} has shape [${perShape.join(', ')}]`, { where: name, hint: "Flatten the examples, or pass kind: 'image'." });
  }
  const columnNames = opts.columns ?? Array.from({ length: per }, (_, j) => `x${j}`);
  if (kind === 'tabular' && (columnNames.length !== per || new Set(columnNames).size !== per)) {
    throw new TransferkitError('BAD_OPTION', `columns names ${columnNames.length} column${columnNames.length === 1 ? '' : 's'}${new Set(columnNames).size !== columnNames.length ? ' (with repeats)' : ''}, but the rows of ${name} have ${per} values`, { where: `${name}, columns option`, hint: 'Give one distinct name per value of a row.' });
  }
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    const i = Math.floor(k / per);
    if (!Number.isFinite(v)) throw nanFeature(name, i, kind === 'image' ? pixelName(k % per, imageShape!) : columnNames[k % per], v);
    if (kind === 'image' && (v < 0 || v > 1)) {
      throw new TransferkitError('BAD_PIXELS', `Row ${i} of ${name} has the pixel value ${v} at ${pixelName(k % per, imageShape!)}; image values must be in [0, 1]`, {
        where: `${name}, row ${i}`,
        hint: 'Scale the pixels to [0, 1] (e.g. divide 8-bit values by 255).',
      });
    }
  }

  const { labels: y, classes } = encodeGivenLabels(labels, opts.classes, name);
  const ds: Dataset =
    kind === 'image'
      ? { name, size: n, features: { kind: 'image', pixels: values === x ? new Float32Array(values) : values, height: imageShape![0], width: imageShape![1], channels: imageShape![2] }, labels: y, classes }
      : {
          name,
          size: n,
          features: { kind: 'tabular', columns: columnNames.map((c, j) => ({ name: c, type: 'numeric' as const, values: Float64Array.from({ length: n }, (_, i) => values[i * per + j]) })) },
          labels: y,
          classes,
        };
  if (opts.domain !== undefined) ds.domain = opts.domain;
  return ds;
}

function encodeGivenLabels(labels: ReadonlyArray<number> | ReadonlyArray<string> | Int32Array, given: string[] | undefined, name: string): { labels: Int32Array; classes: string[] } {
  const list = Array.from(labels as ArrayLike<number | string>);
  if (list.every((l) => typeof l === 'string')) {
    const names = list as string[];
    if (given) {
      const known = new Set(given);
      names.forEach((l, i) => {
        if (!known.has(l)) throw unknownLabel(name, i, l, given, 'labels');
      });
    }
    const classes = given ? [...given] : sortClasses(names);
    return encodeLabels(names, classes);
  }
  const out = new Int32Array(list.length);
  let max = -1;
  list.forEach((l, i) => {
    if (typeof l !== 'number' || !Number.isInteger(l) || l < -1 || (given !== undefined && l >= given.length)) {
      throw new TransferkitError('BAD_LABEL', `Label ${i} of ${name} is ${JSON.stringify(l)}, not a class index${given ? ` from 0 to ${given.length - 1}` : ''} (or -1 for unlabelled)`, {
        where: `${name}, row ${i}`,
        hint: given ? `classes has ${given.length} names, so labels are 0 … ${given.length - 1}.` : 'Pass whole-number class indices, or the class names as strings (not a mix).',
      });
    }
    out[i] = l;
    max = Math.max(max, l);
  });
  return { labels: out, classes: given ? [...given] : Array.from({ length: max + 1 }, (_, c) => String(c)) };
}

function cellText(v: unknown, name: string, row: number, col: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) {
      throw new TransferkitError('BAD_VALUE', `Row ${row} of ${name} has ${v} in column "${col}"`, { where: `${name}, row ${row}, column "${col}"`, hint: 'Use finite numbers; null (or NaN) marks a missing value.' });
    }
    return String(v);
  }
  if (typeof v === 'string') return v;
  throw new TransferkitError('BAD_VALUE', `Row ${row} of ${name} has a ${Array.isArray(v) ? 'array' : typeof v} in column "${col}" (${safeJson(v)})`, {
    where: `${name}, row ${row}, column "${col}"`,
    hint: 'Values must be numbers, strings or null (missing).',
  });
}

function firstMissing(text: string[][]): { row: number; col: number; count: number } | undefined {
  let first: { row: number; col: number } | undefined;
  let count = 0;
  text.forEach((r, i) =>
    r.forEach((v, j) => {
      if (!isMissing(v)) return;
      count++;
      first ??= { row: i, col: j };
    }),
  );
  return first && { ...first, count };
}

function badRow(name: string, i: number, row: unknown): TransferkitError {
  return new TransferkitError('BAD_ROW', `Row ${i} of ${name} is ${Array.isArray(row) ? 'an array' : safeJson(row)}, not an object of column values`, {
    where: `${name}, row ${i}`,
    hint: 'Pass one object per row, e.g. { length: 5.1, species: "setosa" }; for arrays of numbers use datasetFromTensors.',
  });
}

function unknownLabel(name: string, i: number, l: string, classes: string[], column: string): TransferkitError {
  return new TransferkitError('UNKNOWN_LABEL', `Row ${i} of ${name} has the label ${JSON.stringify(l)}, which is not one of the classes (${classes.join(', ')})`, {
    where: `${name}, row ${i}, column "${column}"`,
    hint: 'Fix the label, remove the row, or add the class to the classes option.',
  });
}

function labelCount(name: string, rows: number, labels: number): TransferkitError {
  return new TransferkitError('LABEL_COUNT', `${name} has ${rows} row${rows === 1 ? '' : 's'} but ${labels} label${labels === 1 ? '' : 's'}`, {
    where: name,
    hint: 'Pass exactly one label per row (-1 for an unlabelled row).',
  });
}

function emptyData(name: string): TransferkitError {
  return new TransferkitError('EMPTY_DATA', `${name} has no rows`, { where: name, hint: 'Pass at least one example and its label.' });
}

function nanFeature(name: string, i: number, column: string, v: unknown): TransferkitError {
  return new TransferkitError('NAN_FEATURE', `Row ${i} of ${name} has no number in ${column.startsWith('pixel') ? column : `column "${column}"`} (value ${String(v)})`, {
    where: `${name}, row ${i}, ${column.startsWith('pixel') ? column : `column "${column}"`}`,
    hint: 'Every value must be a finite number; fill in or drop the rows with missing values before building the dataset.',
  });
}

function pixelName(k: number, [, w, c]: [number, number, number]): string {
  const p = Math.floor(k / c);
  return `pixel[${Math.floor(p / w)},${p % w},${k % c}]`;
}

/** A value as the user wrote it: numbers as numbers (`NaN`, not JSON's `null`), the rest as JSON. */
function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : v === undefined ? 'undefined' : safeJson(v);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
