import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Impute } from '../data/csv.ts';
import type { Dataset } from '../data/dataset.ts';
import { transformFeatures } from '../data/features.ts';
import { applyRecordedEncoder, recordedEncoder } from './text/encoder-features.ts';
import { loadNewData, type NewData } from '../data/new-data.ts';
import { checkInputShape } from './io.ts';
import { predictProbs } from './predict-probs.ts';
import { argmaxRow } from '../measures/metrics.ts';
import { ensureEngine } from '../engine/backend.ts';
import { modelName, openModel, type ModelInput } from './model-handle.ts';
import type { TrainedModel } from './trained-model.ts';

/** One prediction. */
export interface Prediction {
  /** Row of the input data (0-based; rows skipped by `impute: 'drop'` keep their numbers). */
  index: number;
  /**
   * The example's id: the value of the data's id column or field (`id` option, default a
   * column literally named `id`), an image's path relative to the data folder, else `index`.
   */
  id: string | number;
  /** Predicted class name. */
  label: string;
  /** Probability of the predicted class. */
  confidence: number;
  /** Probability per class, in `classes` order. */
  probabilities: number[];
  /** The true label, when the data has one. */
  actual?: string;
}

/**
 * Options of {@link predictDataset}.
 *
 * @example
 * ```ts
 * const opts: PredictOptions = { model: 'runs/penguins', data: 'new.csv', impute: 'mean' };
 * ```
 */
export interface PredictOptions {
  /** Run folder, model folder, `model.json` or zoo name, or a trained model in memory (left undisposed). */
  model: ModelInput;
  /**
   * `builtin:NAME`, a CSV or JSONL file (labels optional), an IDX file, a folder of images
   * (flat, or one subfolder per class), one image file, a pattern such as `photos/*.png`,
   * `-` for standard input (JSON lines or CSV), or a loaded dataset.
   */
  data: string | Dataset;
  /** Label column (CSV) or field (JSONL); default: the one the model was trained with, when the data has it. */
  label?: string;
  /** Id column or field (default: one literally named `id`, when present). */
  id?: string;
  /** Missing CSV values: `none` (an error), `mean` (the training means saved with the model), `drop`. */
  impute?: Impute;
  /** What `data: '-'` reads (default `process.stdin`). */
  stdin?: AsyncIterable<string | Uint8Array> & { isTTY?: boolean };
}

/**
 * What {@link predictDataset} returns.
 *
 * @example
 * ```ts
 * const res: PredictResult = await predictDataset({ model: 'runs/iris', data: 'new.csv' });
 * ```
 */
export interface PredictResult {
  classes: string[];
  predictions: Prediction[];
  /** The model that predicted. */
  model: string;
  /** The data predicted on. */
  data: string;
  /** Label column or field the `actual` labels come from (`'class folder'` for images in class subfolders; absent: the data has no labels). */
  labelColumn?: string;
  /** Id column or field the ids come from. */
  idColumn?: string;
  /** Rows skipped by `impute: 'drop'`. */
  dropped: number;
  /** Notes, e.g. a `label` column the data does not have. */
  warnings: string[];
}

/**
 * The label column (CSV) or field (JSONL) a model was trained with, as its model metadata, its
 * run's `config.json` or (in memory) its training data records it; `undefined` when nothing records one (e.g. built-in data).
 *
 * @example
 * ```ts
 * await trainedLabelOf(await loadTrainedModel('runs/penguins')); // 'species'
 * ```
 */
export async function trainedLabelOf(trained: TrainedModel): Promise<string | undefined> {
  const meta = trained.meta as Record<string, unknown> | undefined;
  const features = trained.features as unknown as Record<string, unknown>;
  const training = (trained as { training?: { label?: unknown } }).training;
  for (const v of [meta?.label, meta?.labelColumn, features.label, training?.label]) if (typeof v === 'string' && v !== '') return v;
  // a run folder's model: <run>/model, beside <run>/config.json
  if (basename(trained.dir) !== 'model') return undefined;
  const config = join(dirname(trained.dir), 'config.json');
  if (!existsSync(config)) return undefined;
  try {
    const cfg = JSON.parse(await readFile(config, 'utf8')) as { label?: unknown };
    return typeof cfg.label === 'string' && cfg.label !== '' ? cfg.label : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads new data for a trained model (see `loadNewData`): the label column the model was
 * trained with is used when the data has it, `label` overrides it, and the model's columns,
 * training means and image size shape the rest; texts for a model trained on an ONNX text
 * encoder go through that encoder (unless `keepTexts`: to explain such a model over words).
 *
 * @example
 * ```ts
 * const { ds, ids } = await loadDataForPrediction(trained, 'photos/', {});
 * ```
 */
export async function loadDataForPrediction(
  trained: TrainedModel,
  data: string | Dataset,
  opts: { label?: string; id?: string; autoId?: boolean; impute?: Impute; stdin?: PredictOptions['stdin']; keepTexts?: boolean } = {},
): Promise<NewData> {
  const input = await loadNewData(data, { ...opts, features: trained.features, trainedLabel: await trainedLabelOf(trained) });
  // a model trained on an ONNX text encoder's features: texts go through the encoder first
  return opts.keepTexts ? input : { ...input, ds: await applyRecordedEncoder(recordedEncoder(trained.meta), input.ds) };
}

/**
 * Predicts a class for every example of a dataset; labels in the data are optional.
 *
 * @example
 * ```ts
 * const { predictions } = await predictDataset({ model: 'runs/mnist', data: 'digits/' });
 * predictions[0].label; // '7'
 * predictions[0].id;    // '7/img-001.png'
 * ```
 */
export async function predictDataset(opts: PredictOptions): Promise<PredictResult> {
  await ensureEngine();
  const { trained, release } = await openModel(opts.model);
  try {
    const input = await loadDataForPrediction(trained, opts.data, opts);
    const { ds } = input;
    const x = transformFeatures(trained.features, ds);
    checkInputShape(trained.model, x.shape.slice(1), ds.name);
    const probs = predictProbs(trained.model, x);
    const k = trained.classes.length;
    const predictions = Array.from({ length: ds.size }, (_, i) => {
      const best = argmaxRow(probs, i, k);
      const index = input.rows[i];
      const p: Prediction = {
        index,
        id: input.ids?.[i] ?? index,
        label: trained.classes[best],
        confidence: probs[i * k + best],
        probabilities: Array.from(probs.subarray(i * k, (i + 1) * k)),
      };
      if (ds.labels[i] >= 0) p.actual = ds.classes[ds.labels[i]];
      return p;
    });
    const res: PredictResult = { classes: trained.classes, predictions, model: modelName(opts.model), data: ds.name, dropped: input.dropped, warnings: input.warnings };
    if (input.labelColumn !== undefined && predictions.some((p) => p.actual !== undefined)) res.labelColumn = input.labelColumn;
    if (input.idColumn !== undefined) res.idColumn = input.idColumn;
    return res;
  } finally {
    release();
  }
}

/**
 * Predictions as CSV: a header `id,predicted,confidence,p_<class>…[,actual]` (`actual` when
 * any example has a label), then one row per prediction; fields are quoted where needed.
 *
 * @example
 * ```ts
 * await writeFileAtomic('predictions.csv', predictionsCsv(res));
 * ```
 */
export function predictionsCsv(res: Pick<PredictResult, 'classes' | 'predictions'>): string {
  const labelled = res.predictions.some((p) => p.actual !== undefined);
  const header = ['id', 'predicted', 'confidence', ...res.classes.map((c) => `p_${c}`), ...(labelled ? ['actual'] : [])];
  const lines = [header.map(csvField).join(',')];
  for (const p of res.predictions) {
    const cells = [String(p.id), p.label, String(p.confidence), ...p.probabilities.map(String), ...(labelled ? [p.actual ?? ''] : [])];
    lines.push(cells.map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * Predictions as JSON lines: one prediction object per line.
 *
 * @example
 * ```ts
 * await writeFileAtomic('predictions.jsonl', predictionsJsonl(res));
 * ```
 */
export function predictionsJsonl(res: Pick<PredictResult, 'predictions'>): string {
  return res.predictions.map((p) => JSON.stringify(p)).join('\n') + (res.predictions.length ? '\n' : '');
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}
