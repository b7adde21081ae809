/**
 * Loading new data for a trained model: labels optional, the model's own columns and
 * preprocessing, ids for every example, and the forms that only make sense for prediction
 * (a flat folder of images, one image, a file pattern, standard input).
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { TransferkitError } from '../errors.ts';
import { naturalCompare } from './classes.ts';
import { readCsv, type Impute } from './csv.ts';
import type { Dataset } from './dataset.ts';
import type { FeatureSpec } from './features.ts';
import { exists, pathKind } from './files.ts';
import { DEFAULT_IMAGE_SIZE, IMAGE_EXTENSIONS, isImageName, listClassFolders, loadImageFiles, type ImageSize } from './images.ts';
import { readJsonl } from './jsonl.ts';
import { loadDataset } from './load.ts';

/**
 * Options for {@link loadNewData}.
 *
 * @example
 * ```ts
 * const opts: NewDataOptions = { features: trained.features, trainedLabel: 'species', impute: 'mean' };
 * ```
 */
export interface NewDataOptions {
  /** The model's fitted preprocessing: its columns, training means and image size. */
  features: FeatureSpec;
  /**
   * Label column (CSV) or field (JSONL) given by the user; overrides `trainedLabel`. When the
   * data has no such column the examples are unlabelled and a warning says so.
   */
  label?: string;
  /** Label column or field the model was trained with: used when the data has it. */
  trainedLabel?: string;
  /** Id column (CSV) or field (JSONL); one the data lacks is `MISSING_ID`. */
  id?: string;
  /** Use a column or field literally named `id` as the ids when every example has one (default true). */
  autoId?: boolean;
  /**
   * Missing CSV values: `none` (default, an error), `mean` (numeric columns get the training
   * mean saved in `features`; a categorical cell stays missing, which the one-hot encoding
   * reads as an unseen category), `drop` (rows with a missing value in a column the model
   * uses are skipped; {@link NewData.rows} keeps their source row numbers).
   */
  impute?: Impute;
  /** What `-` reads (default `process.stdin`). */
  stdin?: AsyncIterable<string | Uint8Array> & { isTTY?: boolean };
}

/**
 * What {@link loadNewData} returns.
 *
 * @example
 * ```ts
 * const { ds, rows, ids } = await loadNewData('new.csv', { features: trained.features });
 * ```
 */
export interface NewData {
  /** The examples; labels index into `ds.classes` (the data's own label names), `-1` unlabelled. */
  ds: Dataset;
  /** 0-based source row (CSV/JSONL data row, image number) of every example. */
  rows: number[];
  /** The id of every example: an id column's value, or an image's path relative to the data folder. */
  ids?: string[];
  /** Id column or field the ids come from (absent for images and row numbers). */
  idColumn?: string;
  /** Label column or field the labels come from, when the data has one (`'class folder'` for images in class subfolders). */
  labelColumn?: string;
  /** Rows skipped by `impute: 'drop'`. */
  dropped: number;
  /** Things the user should know (e.g. a `--label` column the data does not have). */
  warnings: string[];
}

/** Name of standard input in errors and outputs. */
export const STDIN_NAME = '<stdin>';

/**
 * Loads data to run a trained model on. Accepts everything `loadDataset` does, plus:
 *
 * - a CSV without the label column (unlabelled); the label column is `label`, else
 *   `trainedLabel` when present; only the model's feature columns are read (matched by name;
 *   one missing is `MISSING_COLUMN` naming it and the file);
 * - JSONL lines without labels;
 * - a flat folder of images (each one an unlabelled example), a single image file, or a
 *   pattern with `*` / `?` in its last segment (`photos/*.png`); a folder with one subfolder
 *   per class still gives labelled examples;
 * - `-`: standard input, JSON Lines when its first non-blank character is `{`, CSV otherwise.
 *
 * Images are resized to the model's input size. Labels are not mapped onto the model's
 * classes (a label the model does not know is kept as it is).
 *
 * Errors: those of the loaders, `MISSING_COLUMN`, `MISSING_ID`, `NO_IMAGES`, `NO_MATCH`,
 * `BAD_PATTERN`, `NO_STDIN`.
 *
 * @example
 * ```ts
 * const { ds, ids } = await loadNewData('photos/*.jpg', { features: { kind: 'image', height: 28, width: 28, channels: 1 } });
 * ```
 */
export async function loadNewData(data: string | Dataset, opts: NewDataOptions): Promise<NewData> {
  if (typeof data !== 'string') return whole(data);
  if (data === '-') return loadStdin(opts);
  if (data.startsWith('builtin:')) return whole(await loadDataset(data, { image: imageSize(opts.features) }));
  if (isPattern(basename(data))) return loadImageList(data, await globImages(data), opts, dirname(data));
  if (!(await exists(data)) && isPattern(data)) {
    throw new TransferkitError('BAD_PATTERN', `The pattern ${data} has a wildcard in a folder name; only the last part of the path may have * or ?`, {
      where: data,
      hint: 'Put the wildcard in the file name only, e.g. `data: "photos/*.png"`.',
    });
  }
  // a missing path: loadDataset's error (it also suggests builtin:NAME)
  if (!(await exists(data))) return whole(await loadDataset(data, {}));
  if ((await pathKind(data, 'Dataset')) === 'directory') return loadImageDir(data, opts);
  const ext = extname(data).toLowerCase();
  if (ext === '.csv') return fromCsv(await readFile(data), data, opts);
  if (ext === '.jsonl' || ext === '.ndjson') return fromJsonl(await readFile(data, 'utf8'), data, opts);
  if (isImageName(basename(data))) return loadImageList(data, [data], opts, dirname(data));
  return whole(await loadDataset(data, { label: opts.label, image: imageSize(opts.features) }));
}

function whole(ds: Dataset): NewData {
  return { ds, rows: Array.from({ length: ds.size }, (_, i) => i), dropped: 0, warnings: [] };
}

function imageSize(spec: FeatureSpec): ImageSize {
  return spec.kind === 'image' ? { height: spec.height, width: spec.width, channels: spec.channels } : { ...DEFAULT_IMAGE_SIZE };
}

// ---- standard input ---------------------------------------------------------------------------

async function loadStdin(opts: NewDataOptions): Promise<NewData> {
  const stream = opts.stdin ?? process.stdin;
  if (stream.isTTY) {
    throw new TransferkitError('NO_STDIN', 'Data "-" is read from standard input, but nothing is piped in', {
      where: STDIN_NAME,
      hint: 'Pipe CSV or JSON lines in, e.g. `cat new.csv | transferkit predict --model runs/x --data -`, or pass a file as `data`.',
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  const buf = Buffer.concat(chunks);
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') {
    throw new TransferkitError('EMPTY_DATA', 'Standard input is empty', {
      where: STDIN_NAME,
      hint: 'Pipe CSV (a header row, then one row per example) or JSON lines ({"text": "…"} per line) into `data: "-"`.',
    });
  }
  return text.trimStart().startsWith('{') ? fromJsonl(text, STDIN_NAME, opts) : fromCsv(buf, STDIN_NAME, opts);
}

// ---- CSV --------------------------------------------------------------------------------------

function fromCsv(buf: Buffer, name: string, opts: NewDataOptions): NewData {
  const spec = opts.features.kind === 'tabular' ? opts.features : undefined;
  const columns = spec ? [...spec.numeric, ...spec.categorical].map((c) => c.name) : undefined;
  const impute = opts.impute ?? 'none';
  const fill = spec && impute === 'mean' ? Object.fromEntries<number | string>([...spec.numeric.map((c) => [c.name, c.mean] as const), ...spec.categorical.map((c) => [c.name, ''] as const)]) : undefined;
  const label = opts.label ?? opts.trainedLabel;
  let table;
  try {
    table = readCsv(buf, name, { label, labelOptional: true, columns, impute, fill });
  } catch (err) {
    if (err instanceof TransferkitError && err.code === 'MISSING_VALUE' && spec) {
      throw new TransferkitError(err.code, err.message, {
        where: err.where,
        hint: 'Fill in the value, or pass `impute: "mean"` (numeric columns get the mean of the training data, saved with the model; a missing category counts as one the model has not seen) or `impute: "drop"` (skip rows with a missing value).',
        cause: err.cause,
      });
    }
    throw err;
  }
  const out: NewData = { ds: table.ds, rows: table.kept.map((r) => r.row), dropped: 0, warnings: [] };
  out.dropped = table.total - table.kept.length;
  if (table.labelled) out.labelColumn = label;
  else if (opts.label !== undefined) out.warnings.push(`${name} has no column "${opts.label}" (\`label\`), so its rows are predicted without labels`);
  const idColumn = opts.id ?? (opts.autoId !== false && table.header.includes('id') ? 'id' : undefined);
  if (idColumn !== undefined) {
    const j = table.header.indexOf(idColumn);
    if (j < 0) {
      throw new TransferkitError('MISSING_ID', `${name} has no column "${idColumn}" to take the ids from (its columns: ${table.header.join(', ')})`, {
        where: `${name}:${table.headerLine}`,
        hint: `Pass \`id\` with one of: ${table.header.join(', ')}; without it the rows are numbered from 0.`,
      });
    }
    const blank = table.kept.find((r) => r.fields[j].trim() === '');
    if (blank && opts.id !== undefined) {
      throw new TransferkitError('MISSING_ID', `Row at line ${blank.line} has no id in column "${idColumn}"`, {
        where: `${name}:${blank.line}, column "${idColumn}"`,
        hint: 'Give every row an id, or leave `id` out to number the rows from 0.',
      });
    }
    if (!blank) {
      out.ids = table.kept.map((r) => r.fields[j].trim());
      out.idColumn = idColumn;
    }
  }
  return out;
}

// ---- JSONL ------------------------------------------------------------------------------------

function fromJsonl(text: string, name: string, opts: NewDataOptions): NewData {
  const labelField = opts.label ?? opts.trainedLabel ?? 'label';
  const { ds, records, lines } = readJsonl(text, name, { labelField });
  const out = whole(ds);
  if (records.some((r) => r[labelField] !== undefined && r[labelField] !== null)) out.labelColumn = labelField;
  else if (opts.label !== undefined) out.warnings.push(`No line of ${name} has a "${opts.label}" field (\`label\`), so its lines are predicted without labels`);
  const idField = opts.id ?? (opts.autoId !== false && records.some((r) => 'id' in r) ? 'id' : undefined);
  if (idField !== undefined) {
    const missing = records.findIndex((r) => r[idField] === undefined || r[idField] === null || String(r[idField]).trim() === '');
    if (missing >= 0 && opts.id !== undefined) {
      throw new TransferkitError('MISSING_ID', `Line ${lines[missing]} has no "${idField}" field to take its id from`, {
        where: `${name}:${lines[missing]}, field "${idField}"`,
        hint: `Give every line an "${idField}", or leave \`id\` out to number the lines from 0.`,
      });
    }
    if (missing < 0) {
      out.ids = records.map((r) => (typeof r[idField] === 'object' ? JSON.stringify(r[idField]) : String(r[idField])));
      out.idColumn = idField;
    }
  }
  return out;
}

// ---- images -----------------------------------------------------------------------------------

async function loadImageDir(dir: string, opts: NewDataOptions): Promise<NewData> {
  const { classes, files } = await listClassFolders(dir);
  const loose = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && isImageName(e.name)).map((e) => e.name).sort(naturalCompare);
  if (classes.length === 0) {
    if (loose.length === 0) {
      throw new TransferkitError('NO_IMAGES', `${dir} has no image files and no class subfolders`, {
        where: dir,
        hint: `Pass a folder of images (${IMAGE_EXTENSIONS.join(', ')}), a folder with one subfolder of images per class, one image file, or a pattern such as \`data: "photos/*.png"\`.`,
      });
    }
    return loadImageList(dir, loose.map((n) => join(dir, n)), opts, dir);
  }
  const size = imageSize(opts.features);
  const pixels = await loadImageFiles(files.map((f) => f.path), size);
  const ds: Dataset = { name: dir, size: files.length, features: { kind: 'image', pixels, ...size }, labels: Int32Array.from(files, (f) => f.label), classes };
  const out: NewData = { ...whole(ds), ids: files.map((f) => f.name), labelColumn: 'class folder' };
  if (loose.length > 0) {
    out.warnings.push(`${dir} has class subfolders, so the ${loose.length} image file${loose.length === 1 ? '' : 's'} directly inside ${loose.length === 1 ? 'was' : 'were'} left out (predict them with \`data: "${join(dir, '*')}"\`)`);
  }
  return out;
}

async function loadImageList(name: string, paths: string[], opts: NewDataOptions, root: string): Promise<NewData> {
  const size = imageSize(opts.features);
  const pixels = await loadImageFiles(paths, size);
  const ds: Dataset = { name, size: paths.length, features: { kind: 'image', pixels, ...size }, labels: new Int32Array(paths.length).fill(-1), classes: [] };
  return { ...whole(ds), ids: paths.map((p) => relativeName(root, p)) };
}

function relativeName(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/** True when a path segment has a wildcard. */
function isPattern(s: string): boolean {
  return /[*?]/.test(s);
}

/**
 * A pattern's last segment as a regular expression: `*` any run of characters, `?` one
 * character, everything else literal. A leading wildcard does not match hidden files.
 *
 * @example
 * ```ts
 * patternToRegExp('*.png').test('cat.png'); // true
 * ```
 */
export function patternToRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, process.platform === 'win32' || process.platform === 'darwin' ? 'i' : '');
}

async function globImages(pattern: string): Promise<string[]> {
  const dir = dirname(pattern);
  const last = basename(pattern);
  if (isPattern(dir)) {
    throw new TransferkitError('BAD_PATTERN', `The pattern ${pattern} has a wildcard in a folder name; only the last part of the path may have * or ?`, {
      where: pattern,
      hint: 'Put the wildcard in the file name only, e.g. `data: "photos/*.png"`.',
    });
  }
  if ((await pathKind(dir, 'Folder of the pattern')) !== 'directory') {
    throw new TransferkitError('NOT_A_DIRECTORY', `${dir} is a file, not a folder, so the pattern ${pattern} matches nothing`, { where: pattern, hint: 'Point the pattern at a folder of images.' });
  }
  const re = patternToRegExp(last);
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isFile() && re.test(e.name) && !(e.name.startsWith('.') && !last.startsWith('.'))).map((e) => e.name);
  const images = names.filter((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase())).sort(naturalCompare);
  if (images.length === 0) {
    throw new TransferkitError('NO_MATCH', `No image file matches ${pattern}${names.length ? ` (${names.length} other file${names.length === 1 ? '' : 's'} did: ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})` : ''}`, {
      where: pattern,
      hint: `* and ? match within the file name; images are ${IMAGE_EXTENSIONS.join(', ')}. On the command line, quote the pattern so the shell passes it on unchanged: \`data: "${pattern}"\`.`,
    });
  }
  return images.map((n) => join(dir, n));
}
