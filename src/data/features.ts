/**
 * Fitted preprocessing that turns a {@link Dataset} into model input. A {@link FeatureSpec} is
 * fitted on training data and saved with the model, so later data is transformed the same way.
 */
import { TransferkitError } from '../errors.ts';
import type { DataKind, Dataset } from './dataset.ts';
import { sortClasses } from './classes.ts';
import { checkImageSize, type ImageSize } from './images.ts';
import { convertChannels, resizeBilinear } from './resize.ts';
import { fitTextVectorizer, transformText, type TextVectorizerOptions, type TextVectorizerSpec } from './text-features.ts';
import { transformTokenIds, type TokenIdSpec } from './token-features.ts';

/**
 * Fitted preprocessing, by kind (JSON-serialisable):
 * - `image`: the model's input size; images are resized and channel-converted to it.
 * - `tabular`: numeric columns standardised with the training mean and std, categorical
 *   columns one-hot encoded over the training categories.
 * - `text`: a fitted hashed TF-IDF vectorizer, or (models on word vectors) token ids over a
 *   saved vocabulary (`tokens`).
 *
 * @example
 * ```ts
 * const spec: FeatureSpec = { kind: 'image', height: 28, width: 28, channels: 1 };
 * ```
 */
export type FeatureSpec =
  | { kind: 'image'; height: number; width: number; channels: number }
  | { kind: 'tabular'; numeric: Array<{ name: string; mean: number; std: number }>; categorical: Array<{ name: string; categories: string[] }> }
  | { kind: 'text'; vectorizer: TextVectorizerSpec; tokens?: undefined }
  | { kind: 'text'; tokens: TokenIdSpec; vectorizer?: undefined };

/**
 * Options for {@link fitFeatures}.
 *
 * @example
 * ```ts
 * fitFeatures(ds, { image: { height: 32, width: 32, channels: 3 }, text: { dims: 4096 } });
 * ```
 */
export interface FitFeaturesOptions {
  /** Image datasets: the model's input size (default: the dataset's own size). */
  image?: ImageSize;
  /** Text datasets: vectorizer options. */
  text?: TextVectorizerOptions;
}

/**
 * Model input: row-major floats and their full shape `[n, ...perExample]`.
 *
 * @example
 * ```ts
 * const { x, shape }: FeatureMatrix = transformFeatures(spec, ds); // shape [n, 28, 28, 1]
 * ```
 */
export interface FeatureMatrix {
  x: Float32Array;
  shape: number[];
}

/**
 * Fits preprocessing on a (training) dataset. Tabular: mean and population std of each
 * numeric column (a std of 0 is stored as 1), sorted distinct values of each categorical
 * column (`''`, i.e. missing, is not a category). Text: fits the TF-IDF vectorizer.
 * Image: records the target size.
 *
 * Throws `NAN_FEATURE` for a numeric NaN (impute or drop missing values when loading).
 *
 * @example
 * ```ts
 * const spec = fitFeatures(train);
 * const { x, shape } = transformFeatures(spec, train);
 * ```
 */
export function fitFeatures(ds: Dataset, opts: FitFeaturesOptions = {}): FeatureSpec {
  const f = ds.features;
  switch (f.kind) {
    case 'image': {
      const size = opts.image ?? { height: f.height, width: f.width, channels: f.channels };
      checkImageSize(size);
      return { kind: 'image', height: size.height, width: size.width, channels: size.channels };
    }
    case 'text':
      return { kind: 'text', vectorizer: fitTextVectorizer(f.texts, opts.text) };
    case 'tabular': {
      const numeric: Array<{ name: string; mean: number; std: number }> = [];
      const categorical: Array<{ name: string; categories: string[] }> = [];
      for (const col of f.columns) {
        if (col.type === 'categorical') {
          categorical.push({ name: col.name, categories: sortClasses(col.values.filter((v) => v !== '')) });
          continue;
        }
        col.values.forEach((v, i) => {
          if (!Number.isFinite(v)) throw nanError(ds, i, col.name, v);
        });
        const { mean, std } = meanStd(col.values);
        if (!Number.isFinite(mean) || !Number.isFinite(std) || !Number.isFinite(Math.fround(std > 0 ? 1 / std : 1))) {
          let big = 0;
          col.values.forEach((v, i) => {
            if (Math.abs(v) > Math.abs(col.values[big])) big = i;
          });
          throw new TransferkitError('NON_FINITE_INPUT', `Column "${col.name}" of ${ds.name} has values too large to standardise (e.g. ${col.values[big]} in row ${big + 1}): their mean or standard deviation is not a finite number`, {
            where: `${ds.name}, row ${big + 1}, column "${col.name}"`,
            hint: 'Check that value: it is probably a typo or a unit mistake. Rescale the column, or fix or remove the row. (Rows are counted from 1, after the header.)',
          });
        }
        numeric.push({ name: col.name, mean, std: std > 0 ? std : 1 });
      }
      return { kind: 'tabular', numeric, categorical };
    }
  }
}

/**
 * Mean and population std, computed without overflow: values are scaled by their largest
 * magnitude first, so `1e200` gives a finite std instead of `Infinity` (which JSON would save as
 * `null`). Values near `Number.MAX_VALUE` can still give a non-finite mean; the caller refuses those.
 */
function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, std: 0 };
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(values[i]));
  if (scale === 0) return { mean: 0, std: 0 };
  // plain sums when nothing can overflow: keeps results bit-identical to before for ordinary data
  const safe = scale < 1e150;
  const s = safe ? 1 : scale;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] / s;
  const m = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i] / s - m) ** 2;
  return { mean: m * s, std: Math.sqrt(sq / n) * s };
}

function nanError(ds: Dataset, i: number, column: string, v: unknown): TransferkitError {
  return new TransferkitError('NAN_FEATURE', `Row ${i + 1} of ${ds.name} has no number in column "${column}" (value ${String(v)})`, {
    where: `${ds.name}, row ${i + 1}, column "${column}"`,
    hint: 'Fill in missing values, or load the data with `impute: "mean"` or `impute: "drop"`. (Rows are counted from 1, after the header.)',
  });
}

const KIND_WORDS: Record<DataKind, string> = { image: 'images', tabular: 'a table', text: 'texts' };

/**
 * Applies fitted preprocessing to a dataset and returns model input.
 *
 * - Image: images are channel-converted (grey → RGB repeats, RGB → grey averages) and resized
 *   (bilinear) to the spec's size; shape `[n, height, width, channels]`.
 * - Tabular: columns are matched by name (extra columns are ignored); numeric values are
 *   standardised; categorical values one-hot encoded, where a category not seen in training
 *   (or a missing `''`) encodes as all zeros; shape `[n, features]`.
 * - Text: TF-IDF rows, shape `[n, dims]`; or token ids, shape `[n, maxLength]`.
 *
 * Errors: `KIND_MISMATCH` (e.g. texts into an image model), `MISSING_COLUMN`,
 * `NAN_FEATURE` (naming row and column), `BAD_CHANNELS`.
 *
 * @example
 * ```ts
 * const { x, shape } = transformFeatures(model.features, testSet);
 * const input = tf.tensor(x, shape);
 * ```
 */
export function transformFeatures(spec: FeatureSpec, ds: Dataset): FeatureMatrix {
  const f = ds.features;
  if (f.kind !== spec.kind) {
    throw new TransferkitError('KIND_MISMATCH', `The model takes ${KIND_WORDS[spec.kind]} (${spec.kind} data) but ${ds.name} holds ${KIND_WORDS[f.kind]} (${f.kind} data)`, {
      where: ds.name,
      hint: `Use ${spec.kind} data like the data the model was trained on, or train a model on this ${f.kind} dataset.`,
    });
  }
  const n = ds.size;
  if (spec.kind === 'image' && f.kind === 'image') {
    let px = convertChannels(f.pixels, n * f.height * f.width, f.channels, spec.channels);
    px = resizeBilinear(px, n, f.height, f.width, spec.channels, spec.height, spec.width);
    if (px === f.pixels) px = new Float32Array(px);
    checkFinitePixels(px, ds, spec.height * spec.width * spec.channels);
    return { x: px, shape: [n, spec.height, spec.width, spec.channels] };
  }
  if (spec.kind === 'text' && f.kind === 'text') {
    if (spec.tokens) return { x: transformTokenIds(spec.tokens, f.texts), shape: [n, spec.tokens.maxLength] };
    return { x: transformText(spec.vectorizer, f.texts), shape: [n, spec.vectorizer.options.dims] };
  }
  if (spec.kind === 'tabular' && f.kind === 'tabular') {
    const width = tabularWidth(spec);
    const x = new Float32Array(n * width);
    const find = (name: string) => {
      const col = f.columns.find((c) => c.name === name);
      if (!col) {
        throw new TransferkitError('MISSING_COLUMN', `${ds.name} has no column "${name}", which the model needs`, {
          where: `${ds.name}, column "${name}"`,
          hint: `The model needs columns: ${[...spec.numeric, ...spec.categorical].map((c) => c.name).join(', ')}. This data has: ${f.columns.map((c) => c.name).join(', ') || '(none)'}.`,
        });
      }
      return col;
    };
    spec.numeric.forEach(({ name, mean, std }, j) => {
      const col = find(name);
      for (let i = 0; i < n; i++) {
        const v = col.type === 'numeric' ? col.values[i] : Number(col.values[i].trim() === '' ? NaN : col.values[i]);
        if (!Number.isFinite(v)) throw nanError(ds, i, name, col.values[i]);
        const z = Math.fround((v - mean) / std);
        if (!Number.isFinite(z)) {
          throw new TransferkitError('NON_FINITE_INPUT', `Row ${i + 1} of ${ds.name} has a value too large for the model in column "${name}" (${v}: ${(v - mean) / std} standard deviations from the training mean)`, {
            where: `${ds.name}, row ${i + 1}, column "${name}"`,
            hint: 'Check that value: it is probably a typo or a unit mistake. (Rows are counted from 1, after the header.)',
          });
        }
        x[i * width + j] = z;
      }
    });
    let offset = spec.numeric.length;
    for (const { name, categories } of spec.categorical) {
      const col = find(name);
      const index = new Map(categories.map((c, k) => [c, k]));
      for (let i = 0; i < n; i++) {
        const k = index.get(col.type === 'categorical' ? col.values[i] : String(col.values[i]));
        if (k !== undefined) x[i * width + offset + k] = 1;
      }
      offset += categories.length;
    }
    return { x, shape: [n, width] };
  }
  throw new Error('unreachable');
}

/** Refuses image inputs with NaN or ±Infinity (a float32 IDX file can hold them), naming the first example. */
function checkFinitePixels(px: Float32Array, ds: Dataset, per: number): void {
  for (let i = 0; i < px.length; i++) {
    const v = px[i];
    // v - v is 0 for finite v, NaN for NaN and ±Infinity
    if (v - v !== 0) {
      const example = Math.floor(i / per);
      throw new TransferkitError('NON_FINITE_INPUT', `Image ${example} of ${ds.name} (0-based) has a pixel that is ${v}`, {
        where: `${ds.name}, example ${example}`,
        hint: 'Pixels must be finite numbers: fix or remove that image (a float IDX file may hold NaN or Infinity).',
      });
    }
  }
}

function tabularWidth(spec: Extract<FeatureSpec, { kind: 'tabular' }>): number {
  return spec.numeric.length + spec.categorical.reduce((a, c) => a + c.categories.length, 0);
}

/**
 * A name for every input feature, in input order: tabular `name` for numeric columns then
 * `column=category`; text `hash:i` (token ids: `token:i`, the i-th word slot); image `pixel[y,x,c]`.
 *
 * @example
 * ```ts
 * featureNames(spec); // ['bill_length_mm', …, 'island=Biscoe', 'island=Dream', …]
 * ```
 */
export function featureNames(spec: FeatureSpec): string[] {
  switch (spec.kind) {
    case 'tabular':
      return [...spec.numeric.map((c) => c.name), ...spec.categorical.flatMap((c) => c.categories.map((k) => `${c.name}=${k}`))];
    case 'text':
      if (spec.tokens) return Array.from({ length: spec.tokens.maxLength }, (_, i) => `token:${i}`);
      return Array.from({ length: spec.vectorizer.options.dims }, (_, i) => `hash:${i}`);
    case 'image': {
      const names: string[] = [];
      for (let y = 0; y < spec.height; y++) for (let x = 0; x < spec.width; x++) for (let c = 0; c < spec.channels; c++) names.push(`pixel[${y},${x},${c}]`);
      return names;
    }
  }
}

/**
 * The shape of one example's model input: `[height, width, channels]` for images,
 * `[features]` for tables and texts.
 *
 * @example
 * ```ts
 * const model = buildMlp(inputShape(spec)[0], ds.classes.length);
 * ```
 */
export function inputShape(spec: FeatureSpec): number[] {
  switch (spec.kind) {
    case 'image':
      return [spec.height, spec.width, spec.channels];
    case 'text':
      return [spec.tokens ? spec.tokens.maxLength : spec.vectorizer.options.dims];
    case 'tabular':
      return [tabularWidth(spec)];
  }
}
