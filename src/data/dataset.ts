/**
 * The one dataset type transferkit uses for image, tabular and text data.
 *
 * A dataset holds raw-ish examples (pixels in [0, 1], table columns, texts), integer
 * labels into `classes`, and an optional domain tag. Turning examples into model
 * inputs is the job of a fitted {@link FeatureSpec} (see `features.ts`), which is saved
 * with a trained model so predictions later see the same preprocessing.
 */
import { createRng } from '../util/random.ts';

/** Images, stored NHWC with values scaled to [0, 1]. */
export interface ImageFeatures {
  kind: 'image';
  /** `size × height × width × channels` floats in [0, 1]. */
  pixels: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** One table column. Numeric missing values are `NaN`; categorical missing values are `''`. */
export type TabularColumn =
  | { name: string; type: 'numeric'; values: Float64Array }
  | { name: string; type: 'categorical'; values: string[] };

/** A table of feature columns (the label column is not among them). */
export interface TabularFeatures {
  kind: 'tabular';
  columns: TabularColumn[];
}

/** Raw texts, one per example. */
export interface TextFeatures {
  kind: 'text';
  texts: string[];
}

/** The examples of a dataset, by kind. */
export type Features = ImageFeatures | TabularFeatures | TextFeatures;

/** The kind of data a dataset holds. */
export type DataKind = Features['kind'];

/**
 * A labelled (or unlabelled) dataset.
 *
 * @example
 * ```ts
 * const ds = await loadDataset('builtin:iris');
 * console.log(ds.size, ds.classes); // 150 [ 'setosa', 'versicolor', 'virginica' ]
 * ```
 */
export interface Dataset {
  /** Where it came from: `builtin:mnist`, a file path, … */
  name: string;
  /** Number of examples. */
  size: number;
  features: Features;
  /** Class index per example into `classes`; `-1` means unlabelled. */
  labels: Int32Array;
  /** Class names, in label-index order. */
  classes: string[];
  /** Optional domain tag (e.g. `spam-2002`), used by domain adaptation. */
  domain?: string;
}

/**
 * Returns a new dataset with the examples at `indices`, in that order.
 *
 * @example
 * ```ts
 * const first10 = subset(ds, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * ```
 */
export function subset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const n = indices.length;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = ds.labels[indices[i]];
  return { ...ds, size: n, labels, features: subsetFeatures(ds.features, indices) };
}

function subsetFeatures(f: Features, indices: ArrayLike<number>): Features {
  const n = indices.length;
  switch (f.kind) {
    case 'image': {
      const per = f.height * f.width * f.channels;
      const pixels = new Float32Array(n * per);
      for (let i = 0; i < n; i++) pixels.set(f.pixels.subarray(indices[i] * per, (indices[i] + 1) * per), i * per);
      return { ...f, pixels };
    }
    case 'tabular':
      return {
        kind: 'tabular',
        columns: f.columns.map((c) => {
          if (c.type === 'numeric') {
            const values = new Float64Array(n);
            for (let i = 0; i < n; i++) values[i] = c.values[indices[i]];
            return { ...c, values };
          }
          return { ...c, values: Array.from({ length: n }, (_, i) => c.values[indices[i]]) };
        }),
      };
    case 'text':
      return { kind: 'text', texts: Array.from({ length: n }, (_, i) => f.texts[indices[i]]) };
  }
}

/**
 * Counts examples per class (unlabelled examples are not counted).
 *
 * @example
 * ```ts
 * classCounts(ds); // [50, 50, 50]
 * ```
 */
export function classCounts(ds: Dataset): number[] {
  const counts = new Array<number>(ds.classes.length).fill(0);
  for (const l of ds.labels) if (l >= 0) counts[l]++;
  return counts;
}

/**
 * A seeded random subset of at most `max` rows (all rows when there are fewer), in original order.
 *
 * @example
 * ```ts
 * const few = capRows(ds, 1000, 0);
 * ```
 */
export function capRows(ds: Dataset, max: number, seed: number | string = 0): Dataset {
  if (ds.size <= max) return ds;
  const idx = createRng(seed).shuffle(Array.from({ length: ds.size }, (_, i) => i)).slice(0, max).sort((a, b) => a - b);
  return subset(ds, idx);
}
