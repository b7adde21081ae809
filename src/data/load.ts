/**
 * One entry point that loads any supported dataset from a spec string, and mapping a
 * dataset onto a model's classes.
 */
import { basename, extname } from 'node:path';
import { TransferkitError } from '../errors.ts';
import type { Dataset } from './dataset.ts';
import { builtinNames, loadBuiltin } from './builtins.ts';
import { loadCsv, type ColumnType, type Impute } from './csv.ts';
import { pathKind } from './files.ts';
import { loadIdxPair } from './idx.ts';
import { loadImageFolder, type ImageSize } from './images.ts';
import { loadJsonl } from './jsonl.ts';

/**
 * Options for {@link loadDataset}; each applies to the formats that use it.
 *
 * @example
 * ```ts
 * await loadDataset('photos/', { image: { height: 32, width: 32, channels: 3 }, domain: 'phone' });
 * ```
 */
export interface LoadOptions {
  /** CSV: name of the label column (required for CSV). JSONL: name of the label field (default `label`). */
  label?: string;
  /** CSV: how to handle missing values (default `none`: an error). */
  impute?: Impute;
  /** CSV: declared column types by name, overriding inference (see {@link CsvOptions.columnTypes}). */
  columnTypes?: Record<string, ColumnType>;
  /** Image folders: size to resize to (default 28×28×1). */
  image?: Partial<ImageSize>;
  /** Domain tag, overriding any the source sets. */
  domain?: string;
}

/**
 * The forms {@link loadDataset} accepts, for help texts and error messages.
 *
 * @example
 * ```ts
 * console.log(SUPPORTED_DATASET_FORMS.join('\n'));
 * ```
 */
export const SUPPORTED_DATASET_FORMS: readonly string[] = Object.freeze([
  'builtin:NAME            a built-in dataset (see `transferkit datasets`)',
  'FILE.csv                a table with a header row (needs --label <column>)',
  'FILE.jsonl              one {"text": …, "label": …} object per line',
  'NAME-images-idx3-ubyte[.gz]  an IDX image file; its labels file is found beside it',
  'DIR/                    a folder of images with one subfolder per class',
]);

const IDX_NAME = /idx\d-ubyte/i;

/**
 * Loads a dataset from a spec: `builtin:NAME`, a `.csv` file, a `.jsonl` file, an IDX images
 * file (`*-idx3-ubyte`, optionally `.gz`; any `.gz` is read as IDX), or a folder of class subfolders.
 *
 * Errors: `FILE_NOT_FOUND`, `MISSING_OPTION` (a CSV without `label`),
 * `UNSUPPORTED_FORMAT` (listing the supported forms), plus those of each loader.
 *
 * @example
 * ```ts
 * const train = await loadDataset('data/penguins.csv', { label: 'species', impute: 'drop' });
 * const test = await loadDataset('builtin:fashion-mnist-test');
 * ```
 */
export async function loadDataset(spec: string, opts: LoadOptions = {}): Promise<Dataset> {
  let ds: Dataset;
  if (spec.startsWith('builtin:')) {
    ds = await loadBuiltin(spec.slice('builtin:'.length));
  } else {
    ds = await loadPath(spec, opts);
  }
  if (opts.domain !== undefined) ds.domain = opts.domain;
  return ds;
}

async function loadPath(path: string, opts: LoadOptions): Promise<Dataset> {
  let kind;
  try {
    kind = await pathKind(path, 'Dataset');
  } catch (err) {
    if (err instanceof TransferkitError && builtinNames().includes(path)) {
      throw new TransferkitError(err.code, err.message, { where: path, hint: `To use the built-in dataset, write builtin:${path}.` });
    }
    throw err;
  }
  if (kind === 'directory') return loadImageFolder(path, opts.image ?? {});
  const ext = extname(path).toLowerCase();
  const name = basename(path);
  if (ext === '.csv') {
    if (opts.label === undefined) {
      throw new TransferkitError('MISSING_OPTION', `Loading the CSV ${path} needs the name of its label column`, {
        where: path,
        hint: 'Pass `label`: the column that holds the class of each row.',
      });
    }
    return loadCsv(path, { label: opts.label, impute: opts.impute, columnTypes: opts.columnTypes });
  }
  if (ext === '.jsonl' || ext === '.ndjson') return loadJsonl(path, opts.label === undefined ? {} : { labelField: opts.label });
  if (IDX_NAME.test(name) || ext === '.gz' || ext === '.idx') {
    if (/labels/i.test(name) && !/images/i.test(name)) {
      throw new TransferkitError('UNSUPPORTED_FORMAT', `${path} looks like an IDX labels file; pass the images file instead`, {
        where: path,
        hint: `Pass ${name.replace(/labels/i, 'images').replace('idx1', 'idx3')}; the labels file beside it is found automatically.`,
      });
    }
    return loadIdxPair(path);
  }
  throw new TransferkitError('UNSUPPORTED_FORMAT', `Cannot tell how to load ${path} (extension "${ext || 'none'}")`, {
    where: path,
    hint: `Supported forms:\n  ${SUPPORTED_DATASET_FORMS.join('\n  ')}`,
  });
}

/**
 * Maps a dataset onto a model's class list by class name, so label `i` means `classes[i]`.
 * Unlabelled examples stay `-1`. Classes of the dataset that no example uses are ignored.
 *
 * Throws `UNKNOWN_LABEL` naming every label present in the data but missing from `classes`.
 *
 * @example
 * ```ts
 * const test = relabel(await loadDataset('new.csv', { label: 'species' }), model.classes);
 * ```
 */
export function relabel(ds: Dataset, classes: string[]): Dataset {
  const index = new Map(classes.map((c, i) => [c, i]));
  const map = ds.classes.map((c) => index.get(c) ?? -1);
  const used = new Set<number>();
  for (const l of ds.labels) if (l >= 0) used.add(l);
  const unknown = [...used].sort((a, b) => a - b).filter((l) => map[l] < 0).map((l) => ds.classes[l]);
  if (unknown.length > 0) {
    throw new TransferkitError('UNKNOWN_LABEL', `${ds.name} has label${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => JSON.stringify(u)).join(', ')} that the model does not know (its classes: ${classes.join(', ')})`, {
      where: ds.name,
      hint: 'Remove those examples, rename the labels to match the model, or train a model that includes those classes.',
    });
  }
  const labels = Int32Array.from(ds.labels, (l) => (l < 0 ? -1 : map[l]));
  return { ...ds, labels, classes: [...classes] };
}
