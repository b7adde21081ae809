/**
 * Clustering a target domain on transferred features: k-means on a pretrained model's features
 * (and, as the baseline, on the raw inputs), with k given or chosen by the silhouette over a
 * range, scored by NMI and ARI against the labels when the data has them, by the silhouette always.
 *
 * @module
 */
import { capRows, type Dataset } from '../data/dataset.ts';
import { TransferkitError } from '../errors.ts';
import type { Matrix } from '../measures/linalg.ts';
import { adjustedRandIndex, normalizedMutualInfo, silhouetteScore } from './cluster-metrics.ts';
import { modelFeatureSpace, rawFeatureSpace, type FeatureSpace } from './features.ts';
import { kmeans } from './kmeans.ts';

/** Options of {@link clusterData}. */
export interface ClusterConfig {
  /** Data to cluster: `builtin:NAME`, a path, or a dataset in memory. Labels, if any, are used only to score. */
  data: string | Dataset;
  /** Pretrained model whose features to cluster on (any `loadModelRef` reference); omit for raw inputs only. */
  base?: string;
  /** Layer of the base (default: the top of a convolutional base's convolutional part, as `fit` cuts, e.g. fashion-cnn's `flatten`; else the input of its head). */
  layer?: string | number;
  /** Number of clusters; default: chosen by the silhouette over `kRange`. */
  k?: number;
  /** Range of k to choose from (default [2, 15]). */
  kRange?: [number, number];
  /** Also cluster the raw inputs, as the no-transfer baseline (default true when `base` is given). */
  compareRaw?: boolean;
  /** k-means restarts (default 5). */
  restarts?: number;
  /** Rows the silhouette is computed on (a seeded sample; default 2000). */
  silhouetteSample?: number;
  /** Use at most this many examples (a seeded random subset; default all). */
  maxRows?: number;
  seed?: number;
  /** Progress: called as each k-means fit starts. */
  onStep?: (task: string, done: number, total: number) => void;
}

/** The clustering in one feature space. */
export interface SpaceClustering {
  space: string;
  k: number;
  /** Silhouette of each k tried, when k was chosen. */
  silhouetteByK?: Array<{ k: number; silhouette: number }>;
  silhouette: number;
  /** Against the data's labels, when every example has one. */
  nmi?: number;
  ari?: number;
  inertia: number;
  /** Cluster of each example. */
  labels: Int32Array;
}

/** What {@link clusterData} returns. */
export interface ClusterResult {
  data: string;
  size: number;
  /** `given` or `silhouette` (chosen over `kRange`). */
  kChosenBy: 'given' | 'silhouette';
  /** On the base model's features (absent without `base`). */
  transferred?: SpaceClustering;
  /** On the raw inputs (absent with `compareRaw: false`). */
  raw?: SpaceClustering;
  /** Whether NMI/ARI could be computed (every example labelled). */
  labelled: boolean;
  seconds: number;
}

/**
 * Clusters a dataset on a base model's features and on its raw inputs.
 *
 * @throws TransferkitError `BAD_OPTION` for a bad k or range, and the loaders' errors.
 * @example
 * ```ts
 * const r = await clusterData({ base: 'fashion-cnn', data: 'builtin:mnist', k: 10 });
 * console.log(r.transferred?.nmi, r.raw?.nmi);
 * ```
 */
export async function clusterData(config: ClusterConfig): Promise<ClusterResult> {
  const started = Date.now();
  const seed = config.seed ?? 0;
  const range = config.kRange ?? [2, 15];
  checkK(config.k, range);
  if (!config.base && config.compareRaw === false) {
    throw new TransferkitError('BAD_OPTION', 'Nothing to cluster: no base model and the raw-input baseline switched off', { where: 'cluster', hint: 'Pass a base model (--base), or keep the raw baseline.' });
  }
  const spaces: Array<{ key: 'transferred' | 'raw'; space: FeatureSpace }> = [];
  if (config.base) spaces.push({ key: 'transferred', space: await modelFeatureSpace(config.base, { layer: config.layer }) });
  try {
    const loader = spaces[0]?.space ?? rawFeatureSpace();
    let ds = typeof config.data === 'string' ? await loader.load(config.data) : config.data;
    if (config.maxRows !== undefined && config.maxRows < ds.size) ds = capRows(ds, config.maxRows, seed);
    const imageSize = ds.features.kind === 'image' ? { height: ds.features.height, width: ds.features.width, channels: ds.features.channels } : undefined;
    if (config.compareRaw ?? true) spaces.push({ key: 'raw', space: rawFeatureSpace({ image: imageSize }) });
    const labelled = ds.size > 0 && ds.labels.every((l) => l >= 0);
    const result: ClusterResult = { data: ds.name, size: ds.size, kChosenBy: config.k === undefined ? 'silhouette' : 'given', labelled, seconds: 0 };
    for (const { key, space } of spaces) {
      const X = await space.transform(ds);
      result[key] = clusterSpace(X, space.description, ds, labelled, config, range, seed);
    }
    result.seconds = (Date.now() - started) / 1000;
    return result;
  } finally {
    for (const { space } of spaces) space.dispose();
  }
}

function clusterSpace(X: Matrix, description: string, ds: Dataset, labelled: boolean, config: ClusterConfig, range: [number, number], seed: number): SpaceClustering {
  const restarts = config.restarts ?? 5;
  const sample = config.silhouetteSample ?? 2000;
  if (X.rows < 3) throw new TransferkitError('TOO_FEW_EXAMPLES', `Clustering needs at least 3 examples, got ${X.rows}`, { where: ds.name, hint: 'Pass more data.' });
  let k = config.k;
  let silhouetteByK: SpaceClustering['silhouetteByK'];
  let chosen: { k: number; fit: ReturnType<typeof kmeans>; silhouette: number } | undefined;
  if (k === undefined) {
    // every candidate k is fitted and scored once; the winner's fit and score are kept
    silhouetteByK = [];
    const hi = Math.min(range[1], X.rows - 1);
    for (let c = range[0]; c <= hi; c++) {
      config.onStep?.(`choosing k (${description})`, c - range[0], hi - range[0] + 1);
      const fit = kmeans(X, c, { seed, restarts });
      const silhouette = silhouetteScore(X, fit.labels, { sampleSize: sample, seed });
      silhouetteByK.push({ k: c, silhouette });
      if (!chosen || silhouette > chosen.silhouette) chosen = { k: c, fit, silhouette };
    }
    k = chosen!.k;
  }
  config.onStep?.(`k-means (${description})`, 0, 1);
  const fit = chosen?.fit ?? kmeans(X, k, { seed, restarts });
  const silhouette = chosen?.silhouette ?? (k >= 2 && k < X.rows ? silhouetteScore(X, fit.labels, { sampleSize: sample, seed }) : NaN);
  const out: SpaceClustering = { space: description, k, silhouette, inertia: fit.inertia, labels: fit.labels };
  if (silhouetteByK) out.silhouetteByK = silhouetteByK;
  if (labelled) {
    out.nmi = normalizedMutualInfo(ds.labels, fit.labels);
    out.ari = adjustedRandIndex(ds.labels, fit.labels);
  }
  return out;
}

function checkK(k: number | undefined, range: [number, number]): void {
  if (k !== undefined && !(Number.isInteger(k) && k >= 1)) {
    throw new TransferkitError('BAD_OPTION', `k must be a whole number of at least 1, got ${k}`, { where: 'k option', hint: 'Use e.g. k: 10, or leave it out to choose k by the silhouette.' });
  }
  const [lo, hi] = range;
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 2 && hi >= lo)) {
    throw new TransferkitError('BAD_OPTION', `The k range must be two whole numbers 2 ≤ from ≤ to, got ${lo}..${hi}`, { where: 'k range', hint: 'Use e.g. 2..15 (the silhouette needs at least 2 clusters).' });
  }
}

