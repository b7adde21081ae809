/**
 * The whole few-shot evaluation behind `transferkit fewshot`: load a base and a labelled
 * dataset, embed the data once at the base's feature layer, draw seeded N-way K-shot episodes
 * for each K, and score every method on the same episodes — with prototypes on raw,
 * L2-normalised pixels as the no-transfer baseline.
 *
 * @module
 */
import { capRows, type Dataset } from '../../data/dataset.ts';
import { loadDataset } from '../../data/load.ts';
import { ensureEngine } from '../../engine/backend.ts';
import { TransferkitError } from '../../errors.ts';
import { disposeModelWeights } from '../../models/dispose.ts';
import { loadModelRef, type ModelHandle } from '../../models/load.ts';
import type { LayerRef } from '../../models/surgery.ts';
import { embedDataset, labelledOnly, meanEmbedding, rawEmbeddings } from '../../transfer/few-shot/embed.ts';
import { checkFewShotMethod, FEW_SHOT_METHODS, type FewShotMethod, type FewShotOptions } from '../../transfer/few-shot/methods.ts';
import { evaluateOnEpisodes, sampleEpisodes, type Episode, type EpisodeContender, type EpisodeScore } from '../episodes.ts';

/**
 * Name of the baseline row: prototypes on raw, L2-normalised pixels.
 *
 * @example
 * ```ts
 * const raw = table.rows.find((r) => r.name === RAW_BASELINE);
 * ```
 */
export const RAW_BASELINE = 'raw-pixel prototypes';

/**
 * How embeddings are normalised before the methods see them: `l2` scales each to unit length
 * (cosine; the default), `cl2n` first subtracts the mean embedding of the base's own training
 * data (`baseData`), then scales to unit length (SimpleShot's CL2N, Wang et al. 2019). The
 * raw-pixel baseline gets the same treatment (with the mean base image), so rows compare like
 * with like.
 *
 * @example
 * ```ts
 * const n: FewShotNormalisation = 'cl2n';
 * ```
 */
export type FewShotNormalisation = 'l2' | 'cl2n';

/**
 * The normalisations, for validation and help texts.
 *
 * @example
 * ```ts
 * FEW_SHOT_NORMALISATIONS.includes('cl2n'); // true
 * ```
 */
export const FEW_SHOT_NORMALISATIONS: readonly FewShotNormalisation[] = ['l2', 'cl2n'];

/** Images of the base's training data CL2N averages over, by default (a seeded subset). */
const BASE_ROWS = 10000;

/**
 * Options of {@link evaluateFewShot}.
 *
 * @example
 * ```ts
 * const o: FewShotEvalOptions = { base: 'fashion-cnn', data: 'builtin:mnist', ways: 5, shots: [1, 5], queries: 15, episodes: 600 };
 * ```
 */
export interface FewShotEvalOptions {
  /** The frozen base: a model reference (zoo name, run or model folder, .onnx) or a loaded handle (left to its owner). */
  base: string | ModelHandle;
  /** Labelled data whose classes make the episodes: `builtin:NAME`, a path, or a dataset in memory. */
  data: string | Dataset;
  /** Layer to embed at (default: the top of a convolutional base's convolutional part, else the old head's input). */
  layer?: LayerRef;
  /** Classes per episode (default 5). */
  ways?: number;
  /** Support sizes to evaluate, one table each (default [1, 5]). */
  shots?: number[];
  /** Queries per class (default 15). */
  queries?: number;
  /** Episodes per table (default 600). */
  episodes?: number;
  /** Methods on the base's embeddings (default all: prototypes, prototypes-transductive, knn, probe). */
  methods?: FewShotMethod[];
  /** Add the raw-pixel prototype baseline row (default true; image data only). */
  baseline?: boolean;
  seed?: number;
  /** Method knobs (metric, neighbours, C, …). */
  options?: FewShotOptions;
  /**
   * `l2` (default) or `cl2n` (centre by the mean embedding of `baseData`, then L2-normalise);
   * see {@link FewShotNormalisation}. On 5-way MNIST from fashion-cnn, CL2N changed 1-shot
   * prototypes by less than the interval, so it is not the default.
   */
  normalise?: FewShotNormalisation;
  /** With `normalise: 'cl2n'`: the base's own training data (labels not needed), e.g. `builtin:fashion-mnist` for fashion-cnn. */
  baseData?: string | Dataset;
  /** With `normalise: 'cl2n'`: images of `baseData` averaged over (seeded subset; default 10,000). */
  baseRows?: number;
  /** Keep every episode's accuracy in the result rows (default false). */
  keepAccuracies?: boolean;
  onProgress?: (task: string, done: number, total: number) => void;
}

/**
 * What {@link evaluateFewShot} returns: one table per shots, every row on the same episodes.
 *
 * @example
 * ```ts
 * for (const t of res.tables) for (const r of t.rows) console.log(t.shots, r.name, r.mean, r.interval);
 * ```
 */
export interface FewShotEvalResult {
  base: string;
  data: string;
  /** The embedding space, e.g. `fashion-cnn at "flatten" (3136-d)`. */
  space: string;
  ways: number;
  queries: number;
  episodes: number;
  seed: number;
  /** The normalisation used, and for `cl2n` the data whose mean embedding was subtracted and how many of its images. */
  normalise: FewShotNormalisation;
  baseData?: { name: string; rows: number };
  tables: Array<{ shots: number; rows: EpisodeScore[] }>;
  /** Seconds spent embedding the data, and in total. */
  seconds: { embed: number; total: number };
}

/**
 * Evaluates few-shot methods on a frozen base's embeddings over seeded episodes.
 *
 * @throws TransferkitError `TOO_FEW_EXAMPLES` (ways > classes, or a class with fewer than
 *   shots + queries examples: named with its count) before anything is embedded; `BAD_OPTION`
 *   for bad episode sizes; `UNKNOWN_METHOD`; those of loading the base and the data.
 * @example
 * ```ts
 * const res = await evaluateFewShot({ base: 'fashion-cnn', data: 'builtin:mnist', shots: [1, 5], episodes: 600 });
 * ```
 */
export async function evaluateFewShot(opts: FewShotEvalOptions): Promise<FewShotEvalResult> {
  const t0 = performance.now();
  const ways = opts.ways ?? 5;
  const shotsList = opts.shots ?? [1, 5];
  const queries = opts.queries ?? 15;
  const count = opts.episodes ?? 600;
  const seed = opts.seed ?? 1;
  const methods = (opts.methods ?? [...FEW_SHOT_METHODS]).map((m) => checkFewShotMethod(m));
  if (shotsList.length === 0) throw new TransferkitError('BAD_OPTION', 'No shots given', { where: 'shots option', hint: 'Pass e.g. shots: [1, 5].' });
  const normalise = opts.normalise ?? 'l2';
  if (!FEW_SHOT_NORMALISATIONS.includes(normalise)) {
    throw new TransferkitError('BAD_OPTION', `No normalisation is called "${normalise}"`, { where: 'normalise option', hint: `Use one of: ${FEW_SHOT_NORMALISATIONS.join(', ')}.` });
  }
  if (normalise === 'cl2n' && opts.baseData === undefined) {
    throw new TransferkitError('BAD_OPTION', 'CL2N normalisation subtracts the mean embedding of the base\'s training data, but no baseData was given', {
      where: 'baseData option',
      hint: 'Pass the data the base was trained on as baseData (e.g. builtin:fashion-mnist for fashion-cnn), or use normalise: "l2".',
    });
  }
  if (methods.length === 0 && opts.baseline === false) throw new TransferkitError('BAD_OPTION', 'No method to evaluate: the methods list is empty and the baseline is off', { where: 'methods option', hint: `Use some of: ${FEW_SHOT_METHODS.join(', ')}.` });
  await ensureEngine();
  const handle = typeof opts.base === 'string' ? await loadModelRef(opts.base) : opts.base;
  try {
    const features = handle.features;
    if (!features) {
      throw new TransferkitError('NO_PREPROCESSING', `The base ${handle.ref} records no preprocessing, so data cannot be turned into its inputs`, {
        where: handle.ref,
        hint: 'Use a base saved by transferkit (it records its preprocessing), or an image model with a fixed input size.',
      });
    }
    const ds = labelledOnly(typeof opts.data === 'string' ? await loadDataset(opts.data, { image: features.kind === 'image' ? features : undefined }) : opts.data);
    // draw every episode first: impossible sizes fail before the slow part
    const episodes = new Map<number, Episode[]>();
    for (const shots of shotsList) episodes.set(shots, sampleEpisodes(ds.labels, ds.classes, { ways, shots, queries }, count, `${seed}:${shots}`));
    opts.onProgress?.('embedding', 0, 1);
    const te = performance.now();
    const emb = await embedDataset(handle.model, features, ds, { layer: opts.layer, name: handle.ref });
    const embedSeconds = (performance.now() - te) / 1000;
    opts.onProgress?.('embedding', 1, 1);
    const raw = opts.baseline !== false && features.kind === 'image' ? rawEmbeddings(features, ds) : undefined;
    let means: { emb: Float64Array; raw?: Float64Array; name: string; rows: number } | undefined;
    if (normalise === 'cl2n') {
      opts.onProgress?.('embedding the base data', 0, 1);
      const source = typeof opts.baseData === 'string' ? await loadDataset(opts.baseData, { image: features.kind === 'image' ? features : undefined }) : opts.baseData!;
      const capped = capRows(source, opts.baseRows ?? BASE_ROWS, seed);
      // labels are not needed: every row counts
      const unlabelled = { ...capped, labels: new Int32Array(capped.size), classes: ['any'] };
      const baseEmb = await embedDataset(handle.model, features, unlabelled, { layer: opts.layer, name: handle.ref });
      means = { emb: meanEmbedding(baseEmb, opts.options?.power), raw: raw && meanEmbedding(rawEmbeddings(features, unlabelled)), name: source.name, rows: capped.size };
      opts.onProgress?.('embedding the base data', 1, 1);
    }
    const contenders: EpisodeContender[] = methods.map((m) => ({ name: m, method: m, embeddings: emb, options: { ...opts.options, mean: means?.emb ?? opts.options?.mean } }));
    if (raw) contenders.push({ name: RAW_BASELINE, method: 'prototypes', embeddings: raw, options: { metric: 'cosine', mean: means?.raw } });
    const tables = shotsList.map((shots) => ({
      shots,
      rows: evaluateOnEpisodes(contenders, episodes.get(shots)!, {
        keepAccuracies: opts.keepAccuracies,
        onEpisode: (done, total) => opts.onProgress?.(`${ways}-way ${shots}-shot episodes`, done, total),
      }),
    }));
    return {
      base: handle.ref,
      data: ds.name,
      space: emb.space,
      ways,
      queries,
      episodes: count,
      seed,
      normalise,
      ...(means ? { baseData: { name: means.name, rows: means.rows } } : {}),
      tables,
      seconds: { embed: embedSeconds, total: (performance.now() - t0) / 1000 },
    };
  } finally {
    if (typeof opts.base === 'string') disposeModelWeights(handle.model);
  }
}
