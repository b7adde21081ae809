/**
 * Zero-shot text classification by label meaning: documents and class names (or short class
 * descriptions) are embedded in the same space — pooled word vectors — and each document goes
 * to the class whose vector is nearest by cosine. No labelled example is used; labels, when the
 * data has them, only measure top-1 and top-k accuracy against chance.
 *
 * @module
 */
import type { Dataset } from '../../data/dataset.ts';
import { loadDataset } from '../../data/load.ts';
import { TransferkitError } from '../../errors.ts';
import { documentVectors, type Pooling } from '../../models/text/document-vectors.ts';
import { loadWordVectors, type WordVectors } from '../../models/text/word-vectors.ts';
import { classVectorTable, readClassDescriptions, type ClassVectorOptions } from './class-vectors.ts';
import { cosineScores } from './devise.ts';

/**
 * Options of {@link textZeroShot}.
 *
 * @example
 * ```ts
 * const o: TextZeroShotOptions = { classes: ['animal', 'food'], pooling: 'mean', top: 3 };
 * ```
 */
export interface TextZeroShotOptions extends ClassVectorOptions {
  /** Candidate class names (their order is the order of the score columns). */
  classes: readonly string[];
  /** How documents pool their word vectors (default `mean`). */
  pooling?: Pooling;
  /** k of the top-k accuracy (default 3, at most the number of classes). */
  top?: number;
}

/**
 * Scores, predictions and (with labels) accuracies of {@link textZeroShot}.
 *
 * @example
 * ```ts
 * const r: TextZeroShotResult = textZeroShot(glove, texts, labels, { classes });
 * r.top1.accuracy; // vs r.top1.chance
 * ```
 */
export interface TextZeroShotResult {
  classes: string[];
  describeBy: 'name' | 'description' | 'both';
  pooling: Pooling;
  vectors: string;
  documents: number;
  /** Documents with no word the vectors know: they count as misses. */
  emptyDocuments: number;
  /** Share of the documents' word tokens the vectors know. */
  coverage: number;
  /** `documents × classes` cosine similarities, row-major. */
  scores: Float64Array;
  /** Predicted class index per document (−1 for an empty document). */
  predictions: Int32Array;
  /** Present when labels were given: over the labelled documents. */
  top1?: { accuracy: number; chance: number };
  topK?: { k: number; accuracy: number; chance: number };
  /** Top-1 accuracy on each class's labelled documents. */
  perClass?: Array<{ class: string; accuracy: number; documents: number }>;
  labelled?: number;
}

/**
 * Classifies texts by the cosine between their pooled word vectors and the class vectors.
 *
 * @param labels class index per text into `opts.classes` (−1: unlabelled), or omitted
 * @throws TransferkitError `BAD_INPUT` when there is no text or no text has a known word,
 *   `UNKNOWN_WORD` for a class without a known word, `BAD_OPTION` for fewer than 2 classes or a bad `top`.
 * @example
 * ```ts
 * const r = textZeroShot(glove, ['a small furry pet that purrs'], [0], { classes: ['animal', 'food'] });
 * r.predictions[0]; // 0
 * ```
 */
export function textZeroShot(wv: WordVectors, texts: readonly string[], labels: ArrayLike<number> | undefined, opts: TextZeroShotOptions): TextZeroShotResult {
  const classes = [...opts.classes];
  const k = classes.length;
  if (k < 2) throw new TransferkitError('BAD_OPTION', `Zero-shot classification needs at least 2 classes, got ${k}`, { where: 'classes', hint: 'Give data labelled with two or more classes named by words.' });
  const top = opts.top ?? Math.min(3, k);
  if (!Number.isInteger(top) || top < 1 || top > k) throw new TransferkitError('BAD_OPTION', `top must be a whole number from 1 to ${k} (the number of classes), got ${top}`, { where: '--top', hint: 'E.g. --top 3.' });
  if (!texts.length) throw new TransferkitError('BAD_INPUT', 'There are no documents to classify', { where: 'texts', hint: 'Give text data with at least one document.' });
  const pooling = opts.pooling ?? 'mean';
  const table = classVectorTable(wv, classes, opts);
  const docs = documentVectors(wv, texts, { pooling });
  const n = texts.length;
  if (docs.empty.length === n) {
    throw new TransferkitError('BAD_INPUT', `None of the ${n} documents holds a word the vectors ${wv.name} know (${docs.tokens} tokens)`, {
      where: 'documents',
      hint: 'Check that the data is text in the language of the word vectors (e.g. English for glove-100d).',
    });
  }
  const scores = cosineScores(docs.x, n, table.values, k, wv.dims);
  const empty = new Set(docs.empty);
  const predictions = new Int32Array(n).fill(-1);
  const ranks = new Int32Array(n).fill(k); // rank of the true class (0 = top), k for a miss
  for (let i = 0; i < n; i++) {
    if (empty.has(i)) continue;
    let best = 0;
    for (let c = 1; c < k; c++) if (scores[i * k + c] > scores[i * k + best]) best = c;
    predictions[i] = best;
    const t = labels?.[i];
    if (t !== undefined && t >= 0) {
      let rank = 0;
      for (let c = 0; c < k; c++) if (c !== t && scores[i * k + c] > scores[i * k + t]) rank++;
      ranks[i] = rank;
    }
  }
  const result: TextZeroShotResult = {
    classes,
    describeBy: opts.use ?? 'name',
    pooling,
    vectors: wv.name,
    documents: n,
    emptyDocuments: docs.empty.length,
    coverage: docs.tokens ? docs.known / docs.tokens : 0,
    scores,
    predictions,
  };
  if (labels) {
    const hits = new Array<number>(k).fill(0);
    const counts = new Array<number>(k).fill(0);
    let labelled = 0;
    let top1 = 0;
    let topK = 0;
    for (let i = 0; i < n; i++) {
      const t = labels[i];
      if (t < 0) continue;
      if (t >= k) throw new TransferkitError('BAD_LABEL', `Label ${t} of document ${i} is not a class index 0…${k - 1}`, { where: `document ${i}` });
      labelled++;
      counts[t]++;
      if (ranks[i] === 0) (top1++, hits[t]++);
      if (ranks[i] < top) topK++;
    }
    if (labelled) {
      result.labelled = labelled;
      result.top1 = { accuracy: top1 / labelled, chance: 1 / k };
      result.topK = { k: top, accuracy: topK / labelled, chance: top / k };
      result.perClass = classes.map((c, t) => ({ class: c, accuracy: counts[t] ? hits[t] / counts[t] : 0, documents: counts[t] }));
    }
  }
  return result;
}

/**
 * Options of {@link zeroShotText}: {@link textZeroShot}'s, with data and vectors to load.
 *
 * @example
 * ```ts
 * const o: ZeroShotTextOptions = { data: 'builtin:wordnet-topics', vectors: 'glove-100d' };
 * ```
 */
export interface ZeroShotTextOptions extends Omit<TextZeroShotOptions, 'classes' | 'descriptions'> {
  /** Text data, labelled (accuracy is then reported) or not. */
  data: string | Dataset;
  /** The candidate class names (default: the keys of `descriptions` when given, else the data's classes). */
  classes?: readonly string[];
  /** Word vectors: `glove-100d`, a `.tkwv` file (e.g. from `pretrain-text`), or loaded vectors. */
  vectors: string | WordVectors;
  /** Class descriptions: a CSV path (`class,description`) or a map. */
  descriptions?: string | ReadonlyMap<string, string>;
}

/**
 * Loads text data and word vectors and runs {@link textZeroShot} on the candidate classes: `classes`,
 * else the keys of `descriptions`, else the data's own classes (unlabelled data needs one of the
 * first two).
 *
 * @throws TransferkitError `KIND_MISMATCH` for data that is not text; `MISSING_OPTION` when no
 *   classes are named; `UNKNOWN_CLASS` for a data label that is not a candidate; and the errors of loading and of {@link textZeroShot}.
 * @example
 * ```ts
 * const r = await zeroShotText({ data: 'builtin:wordnet-topics', vectors: 'glove-100d', descriptions: 'datasets/wordnet-topics/classes.csv', use: 'both' });
 * console.log(r.top1, r.topK);
 * ```
 */
export async function zeroShotText(opts: ZeroShotTextOptions): Promise<TextZeroShotResult & { data: string }> {
  const ds = typeof opts.data === 'string' ? await loadDataset(opts.data) : opts.data;
  if (ds.features.kind !== 'text') {
    throw new TransferkitError('KIND_MISMATCH', `Zero-shot by label meaning on documents needs text data; ${ds.name} holds ${ds.features.kind} data`, {
      where: ds.name,
      hint: 'For images, pass --base, --train and --unseen as well: the unseen classes are then recognised by DeViSE on the base\'s features.',
    });
  }
  const wv = typeof opts.vectors === 'string' ? await loadWordVectors(opts.vectors) : opts.vectors;
  const descriptions = typeof opts.descriptions === 'string' ? await readClassDescriptions(opts.descriptions) : opts.descriptions;
  const classes = opts.classes ?? (descriptions ? [...descriptions.keys()] : ds.classes);
  if (classes.length === 0) {
    throw new TransferkitError('MISSING_OPTION', `${ds.name} is not labelled, so it names no classes to choose from`, {
      where: ds.name,
      hint: 'Name the candidate classes: --classes sports,politics,science, or --descriptions <csv> of class,description rows.',
    });
  }
  // the data's labels, as indices into the candidates (a label that is no candidate cannot be scored)
  const at = new Map(classes.map((c, i) => [c, i]));
  const missing = ds.classes.filter((c, i) => !at.has(c) && ds.labels.some((l) => l === i));
  if (missing.length) {
    throw new TransferkitError('UNKNOWN_CLASS', `The data's class${missing.length > 1 ? 'es' : ''} ${missing.map((c) => `"${c}"`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not among the candidate classes ${classes.join(', ')}`, {
      where: ds.name,
      hint: 'Add them to --classes (or to the --descriptions file), or leave --classes out to use the data\'s classes.',
    });
  }
  const labels = Int32Array.from(ds.labels, (l) => (l >= 0 ? (at.get(ds.classes[l]) ?? -1) : -1));
  const r = textZeroShot(wv, ds.features.texts, labels, { ...opts, classes, descriptions });
  return { ...r, data: ds.name };
}
