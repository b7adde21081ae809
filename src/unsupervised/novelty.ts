/**
 * Novelty detection on transferred features: fit a detector on normal data only, score new data
 * (higher = more novel), and — when it is known which scored examples are novel — measure the
 * ranking by AUROC (the chance a random novel example outscores a random normal one).
 *
 * Which scored examples are novel is said in one of two ways, both without labels of the
 * normal data being needed:
 * - `novel`: a second dataset, all novel (e.g. clothing against digits); it is scored along with
 *   normal examples held out from `normal` (or `test`, when given);
 * - `novelClasses`: classes of the normal data that count as novel (e.g. one digit held out):
 *   they are removed from the fitting data, and their held-out examples are the novel ones.
 *
 * @module
 */
import { join } from 'node:path';
import { capRows, subset, type Dataset } from '../data/dataset.ts';
import { trainValTestSplit } from '../data/split.ts';
import { transformFeatures } from '../data/features.ts';
import { TransferkitError } from '../errors.ts';
import type { Matrix } from '../measures/linalg.ts';
import { binaryRocAuc } from '../measures/metrics.ts';
import { loadModel } from '../models/io.ts';
import { disposeModelWeights } from '../models/dispose.ts';
import { reconstructionErrors } from '../transfer/self-taught/autoencoder.ts';
import { AUTOENCODER_DIR } from '../transfer/self-taught/pretrain.ts';
import { knnDetector, mahalanobisDetector } from './detectors.ts';
import { modelFeatureSpace, rawFeatureSpace, type FeatureSpace } from './features.ts';

/** The detection methods. */
export type NoveltyMethod = 'knn' | 'mahalanobis' | 'autoencoder';
/**
 * Every {@link NoveltyMethod}, for validation and help texts.
 *
 * @example
 * ```ts
 * NOVELTY_METHODS.includes('knn'); // true
 * ```
 */
export const NOVELTY_METHODS: readonly NoveltyMethod[] = ['knn', 'mahalanobis', 'autoencoder'];

/** Options of {@link detectNovelty}. */
export interface NoveltyConfig {
  /** Normal data the detector is fitted on. */
  normal: string | Dataset;
  /**
   * Data to score; default: a held-out `holdout` share of `normal`. Its examples count as normal
   * when `novel` is given, as novel by class with `novelClasses`, and as unknown otherwise (scores only).
   */
  test?: string | Dataset;
  /** Known-novel data, scored too; its examples are the positives of the AUROC. */
  novel?: string | Dataset;
  /** Classes of the normal / test data that count as novel (removed from the fitting data). */
  novelClasses?: string[];
  /** Base model for features (`knn`, `mahalanobis`; raw inputs without it), or the self-taught encoder whose autoencoder scores (`autoencoder`). */
  base?: string;
  /** Layer of the base (default: the input of its head, e.g. fashion-cnn's 128-value `dense1`). */
  layer?: string | number;
  method?: NoveltyMethod;
  /** Neighbours of the k-NN detector (default 5). */
  k?: number;
  /** Mahalanobis shrinkage δ in [0, 1] (default Ledoit–Wolf). */
  shrinkage?: number;
  /** Share of `normal` held out as normal test examples when `test` is not given (default 0.2). */
  holdout?: number;
  /** Normal examples the detector is fitted on at most (a seeded sample; default 2000). */
  maxNormal?: number;
  /** Scored examples per set at most (a seeded sample; default all). */
  maxTest?: number;
  seed?: number;
}

/** One scored example. */
export interface NoveltyScore {
  /** `test` (from `test` or the held-out normal data) or `novel`. */
  set: 'test' | 'novel';
  /** Index of the example in its set as loaded. */
  index: number;
  score: number;
  /** Whether it is known novel; undefined when unknown. */
  novel?: boolean;
}

/** What {@link detectNovelty} returns. */
export interface NoveltyResult {
  method: NoveltyMethod;
  space: string;
  params: Record<string, number>;
  normalFitted: number;
  scored: { test: number; novel: number };
  /** AUROC of the scores for novel vs normal, when both are known among the scored examples. */
  auroc?: number;
  /** Mean score of the known-normal and known-novel examples. */
  meanScore: { normal?: number; novel?: number };
  scores: NoveltyScore[];
  seconds: number;
}

/**
 * Fits a novelty detector on normal data and scores test (and known-novel) data.
 *
 * @throws TransferkitError `BAD_OPTION` (unknown method, bad holdout, autoencoder without a
 *   self-taught base), `UNKNOWN_CLASS` for a novel class the data lacks, and loaders' errors.
 * @example
 * ```ts
 * const r = await detectNovelty({ base: 'fashion-cnn', normal: 'builtin:mnist', novel: 'builtin:fashion-mnist-test', method: 'mahalanobis' });
 * console.log(r.auroc);
 * const digit = await detectNovelty({ base: 'fashion-cnn', normal: 'builtin:mnist', novelClasses: ['7'], method: 'knn' });
 * ```
 */
export async function detectNovelty(config: NoveltyConfig): Promise<NoveltyResult> {
  const started = Date.now();
  const method = config.method ?? 'knn';
  if (!NOVELTY_METHODS.includes(method)) {
    throw new TransferkitError('UNKNOWN_METHOD', `Unknown novelty method "${method}"`, { hint: `Use one of: ${NOVELTY_METHODS.join(', ')}.` });
  }
  if (method === 'autoencoder' && !config.base) {
    throw new TransferkitError('MISSING_BASE', 'The autoencoder method scores by the reconstruction error of a self-taught autoencoder, but no base was given', {
      hint: 'Pretrain one with `transferkit pretrain --data <normal images> --out <folder>` and pass that folder as the base.',
    });
  }
  const holdout = config.holdout ?? 0.2;
  if (!(holdout > 0 && holdout < 1)) throw new TransferkitError('BAD_OPTION', `holdout must be in (0, 1), got ${holdout}`, { where: 'holdout option', hint: 'Use e.g. 0.2.' });
  const seed = config.seed ?? 0;
  const space: FeatureSpace = config.base ? await modelFeatureSpace(config.base, { layer: config.layer, prefer: 'head-input' }) : rawFeatureSpace();
  try {
    const load = (d: string | Dataset) => (typeof d === 'string' ? space.load(d) : Promise.resolve(d));
    let normal = await load(config.normal);
    let test: Dataset;
    if (config.test !== undefined) {
      test = await load(config.test);
    } else {
      const split = trainValTestSplit(normal, { val: 0, test: holdout, seed });
      normal = split.train;
      test = split.test;
    }
    const novelIds = novelClassIds(config.novelClasses, normal, test);
    if (novelIds) normal = subset(normal, indicesWhere(normal, (l) => !novelIds.test.has(l) && !novelIds.normal.has(l)));
    normal = capRows(normal, config.maxNormal ?? 2000, seed);
    test = config.maxTest === undefined ? test : capRows(test, config.maxTest, seed + 1);
    const novelAll = config.novel !== undefined ? await load(config.novel) : undefined;
    const novel = novelAll && config.maxTest !== undefined ? capRows(novelAll, config.maxTest, seed + 2) : novelAll;
    if (normal.size < 2) throw new TransferkitError('TOO_FEW_EXAMPLES', `Only ${normal.size} normal examples are left to fit the detector`, { where: normal.name, hint: 'Pass more normal data.' });

    let scoreSet: (ds: Dataset) => Promise<Float64Array>;
    let params: Record<string, number> = {};
    let spaceName = space.description;
    let release = () => {};
    if (method === 'autoencoder') {
      const ae = await loadModel(join(space.handle!.dir, AUTOENCODER_DIR)).catch((err) => {
        throw new TransferkitError('BAD_OPTION', `The base ${config.base} has no self-taught autoencoder (${AUTOENCODER_DIR}/ in its folder)`, { where: config.base, hint: 'Use a folder written by `transferkit pretrain`, or --method knn / mahalanobis.', cause: err });
      });
      release = () => disposeModelWeights(ae.model);
      const spec = space.handle!.features!;
      scoreSet = async (ds) => reconstructionErrors(ae.model, transformFeatures(spec, ds));
      spaceName = `reconstruction error of ${config.base}'s autoencoder`;
    } else {
      const fitted = await space.transform(normal);
      const det = method === 'knn' ? knnDetector(fitted, { k: config.k }) : mahalanobisDetector(fitted, { shrinkage: config.shrinkage });
      params = det.params;
      spaceName = space.description;
      scoreSet = async (ds) => det.score((await space.transform(ds)) as Matrix);
    }
    try {
      const scores: NoveltyScore[] = [];
      const testScores = await scoreSet(test);
      testScores.forEach((score, index) => {
        const known = novelIds ? novelIds.test.has(test.labels[index]) : novel ? false : undefined;
        scores.push({ set: 'test', index, score, ...(known === undefined ? {} : { novel: known }) });
      });
      if (novel) (await scoreSet(novel)).forEach((score, index) => scores.push({ set: 'novel', index, score, novel: true }));
      const known = scores.filter((s) => s.novel !== undefined);
      const auroc = binaryRocAuc(known.map((s) => s.novel!), known.map((s) => s.score)) ?? undefined;
      const meanOf = (v: NoveltyScore[]) => (v.length ? v.reduce((a, s) => a + s.score, 0) / v.length : undefined);
      return {
        method,
        space: spaceName,
        params,
        normalFitted: normal.size,
        scored: { test: test.size, novel: novel?.size ?? 0 },
        ...(auroc === undefined ? {} : { auroc }),
        meanScore: { normal: meanOf(known.filter((s) => !s.novel)), novel: meanOf(known.filter((s) => s.novel)) },
        scores,
        seconds: (Date.now() - started) / 1000,
      };
    } finally {
      release();
    }
  } finally {
    space.dispose();
  }
}

/** Label ids of the novel classes in the normal and test data. */
function novelClassIds(names: string[] | undefined, normal: Dataset, test: Dataset): { normal: Set<number>; test: Set<number> } | undefined {
  if (!names || names.length === 0) return undefined;
  for (const name of names) {
    if (!test.classes.includes(name)) {
      throw new TransferkitError('UNKNOWN_CLASS', `Novel class "${name}" is not a class of ${test.name}`, { where: 'novel classes', hint: `Classes: ${test.classes.join(', ') || '(none: the data is unlabelled)'}.` });
    }
  }
  const ids = (ds: Dataset) => new Set(names.map((n) => ds.classes.indexOf(n)).filter((i) => i >= 0));
  return { normal: ids(normal), test: ids(test) };
}

function indicesWhere(ds: Dataset, keep: (label: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < ds.size; i++) if (keep(ds.labels[i])) out.push(i);
  return out;
}

