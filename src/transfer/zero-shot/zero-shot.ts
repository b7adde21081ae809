/**
 * Zero-shot learning by attributes, end to end: load a frozen base model, the training and test
 * images and an attribute table; take the base's penultimate features of a seeded per-class
 * subsample; train on the seen classes; recognise the unseen ones (see `evaluate.ts`).
 *
 * @module
 */
import type { Dataset } from '../../data/dataset.ts';
import { subset } from '../../data/dataset.ts';
import type { FeatureSpec } from '../../data/features.ts';
import { loadDataset } from '../../data/load.ts';
import { ensureEngine } from '../../engine/backend.ts';
import { TransferkitError } from '../../errors.ts';
import { disposeModelWeights } from '../../models/dispose.ts';
import { loadModelRef, type ModelHandle } from '../../models/load.ts';
import { loadWordVectors, type WordVectors } from '../../models/text/word-vectors.ts';
import { readAttributeTable, type AttributeTable } from './attributes.ts';
import { classVectorTable, readClassDescriptions, type ClassVectorOptions } from './class-vectors.ts';
import { evaluateZeroShot, resolveSplit, type ZeroShotEvalOptions, type ZeroShotResult } from './evaluate.ts';
import { imageFeatures, penultimate, perClassIndices } from './features.ts';

/**
 * Options of {@link zeroShot}.
 *
 * @example
 * ```ts
 * const o: ZeroShotOptions = {
 *   base: 'fashion-cnn', train: 'builtin:fashion-mnist', test: 'builtin:fashion-mnist-test',
 *   attributes: 'datasets/fashion-attributes/attributes.csv', unseen: ['Pullover', 'Sandal', 'Bag'],
 * };
 * ```
 */
export interface ZeroShotOptions extends ZeroShotEvalOptions {
  /** Frozen base model: any `loadModelRef` reference, or a loaded handle (left to its owner). */
  base: string | ModelHandle;
  /** Training images (only the seen classes' are used). */
  train: string | Dataset;
  /** Test images. */
  test: string | Dataset;
  /** Attribute table: a CSV path or a parsed table. Give it or `classNames`. */
  attributes?: string | AttributeTable;
  /**
   * Describe the classes by the word vectors of their names instead (`glove-100d`, a `.tkwv`
   * path, or loaded vectors; see `class-vectors.ts`); use with `method: 'devise'` or `'eszsl'`.
   */
  classNames?: string | WordVectors;
  /** Class descriptions (a CSV path `class,description`, or a map), for `describeBy`. */
  descriptions?: string | ReadonlyMap<string, string>;
  /** With `classNames`: which words describe a class (default `name`). */
  describeBy?: ClassVectorOptions['use'];
  /** Training images per seen class (seeded subsample; default 1000). */
  perClass?: number;
  /** Test images per class (default: all). */
  testPerClass?: number;
  seed?: number;
  /** Progress: called with a short description of each step. */
  onStep?: (step: string) => void;
}

/**
 * The result of {@link zeroShot}: the measurements plus where they came from.
 *
 * @example
 * ```ts
 * const r: ZeroShotRun = await zeroShot(opts);
 * r.features; // 'input of fashion-cnn's layer "head" (128 values)'
 * ```
 */
export interface ZeroShotRun extends ZeroShotResult {
  base: string;
  features: string;
  train: string;
  test: string;
  attributes: string;
  testImages: number;
}

/**
 * Runs zero-shot learning by attributes on a frozen base's features.
 *
 * @throws TransferkitError from loading (model, data, table) and from `evaluateZeroShot`
 *   (`UNKNOWN_CLASS`, `BAD_OPTION`, `BAD_INPUT`), `KIND_MISMATCH` for non-image data.
 * @example
 * ```ts
 * const r = await zeroShot({ base: 'fashion-cnn', train: 'builtin:fashion-mnist', test: 'builtin:fashion-mnist-test',
 *   attributes: 'datasets/fashion-attributes/attributes.csv', unseen: ['Pullover', 'Sandal', 'Bag'], generalised: true });
 * console.log(r.zsl.accuracy, r.gzsl?.harmonic);
 * ```
 */
export async function zeroShot(opts: ZeroShotOptions): Promise<ZeroShotRun> {
  await ensureEngine();
  const step = opts.onStep ?? (() => {});
  if (!opts.attributes && !opts.classNames) {
    throw new TransferkitError('MISSING_OPTION', 'Zero-shot needs a description of the classes: an attribute table or the word vectors of their names', {
      where: '--attributes / --class-names',
      hint: 'Pass --attributes <csv>, or --class-names glove-100d --method devise.',
    });
  }
  let table = typeof opts.attributes === 'string' ? await readAttributeTable(opts.attributes) : opts.attributes;
  const vectors = typeof opts.classNames === 'string' ? await loadWordVectors(opts.classNames) : opts.classNames;
  const descriptions = typeof opts.descriptions === 'string' ? await readClassDescriptions(opts.descriptions) : opts.descriptions;
  /** DeViSE is the default with word vectors of class names, ESZSL with attributes. */
  const method = opts.method ?? (opts.attributes ? 'eszsl' : 'devise');
  step('loading the base model');
  const owned = typeof opts.base === 'string';
  const handle = typeof opts.base === 'string' ? await loadModelRef(opts.base) : opts.base;
  try {
    const spec = handle.features;
    if (spec?.kind !== 'image') {
      throw new TransferkitError('KIND_MISMATCH', `The base model ${handle.ref} does not take images; zero-shot by attributes here works on image features`, { where: handle.ref, hint: 'Pass an image base model, e.g. fashion-cnn.' });
    }
    const image = { height: spec.height, width: spec.width, channels: spec.channels };
    step('loading the data');
    const train = typeof opts.train === 'string' ? await loadDataset(opts.train, { image }) : opts.train;
    const test = typeof opts.test === 'string' ? await loadDataset(opts.test, { image }) : opts.test;
    const testOn = alignClasses(test, train.classes);
    if (!table) table = classVectorTable(vectors!, testOn.classes, { descriptions, use: opts.describeBy });
    const seed = opts.seed ?? 0;
    const { seen, unseen } = resolveSplit({ classes: testOn.classes, table, trainY: train.labels, testY: testOn.labels }, opts);
    const seenIdx = seen.map((c) => testOn.classes.indexOf(c));
    const trainSub = subset(train, perClassIndices(train, seenIdx, opts.perClass ?? 1000, seed));
    // only the generalised setting scores test images of seen classes: embed no others
    const unseenIdx = new Set(unseen.map((c) => testOn.classes.indexOf(c)));
    const drawn = opts.testPerClass ? perClassIndices(testOn, testOn.classes.map((_, i) => i), opts.testPerClass, seed + 1) : undefined;
    const testSub = opts.generalised
      ? drawn ? subset(testOn, drawn) : testOn
      : subset(testOn, (drawn ?? Array.from(testOn.labels, (_, i) => i)).filter((i) => unseenIdx.has(testOn.labels[i])));
    const { trunk, head } = penultimate(handle.model);
    step(`features of ${trainSub.size} training and ${testSub.size} test images`);
    const Xtrain = await imageFeatures(trunk, spec as FeatureSpec, trainSub);
    const Xtest = await imageFeatures(trunk, spec as FeatureSpec, testSub);
    step(`training ${method} on ${seenIdx.length} seen classes`);
    const result = evaluateZeroShot({ classes: testOn.classes, table, train: { X: Xtrain, y: trainSub.labels }, test: { X: Xtest, y: testSub.labels } }, { ...opts, method });
    return {
      ...result,
      base: handle.ref,
      features: `input of ${handle.ref}'s layer "${head}" (${Xtrain.cols} values)`,
      train: train.name,
      test: test.name,
      attributes: table.source,
      testImages: testSub.size,
    };
  } finally {
    if (owned) disposeModelWeights(handle.model);
  }
}

/** The test set with labels indexing the training classes (test classes the training data lacks are kept as extra classes). */
function alignClasses(test: Dataset, classes: string[]): Dataset {
  const names = [...classes, ...test.classes.filter((c) => !classes.includes(c))];
  const map = test.classes.map((c) => names.indexOf(c));
  return { ...test, classes: names, labels: Int32Array.from(test.labels, (l) => (l < 0 ? -1 : map[l])) };
}
