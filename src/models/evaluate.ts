import type { Dataset } from '../data/dataset.ts';
import { transformFeatures } from '../data/features.ts';
import { ensureEngine } from '../engine/backend.ts';
import { checkInputShape } from './io.ts';
import { predictProbs } from './predict-probs.ts';
import { classificationMetrics, expectedCalibrationError, topKAccuracy, type ClassificationMetrics } from '../measures/metrics.ts';
import { evaluationCurves, type EvaluationCurves } from '../measures/evaluation-curves.ts';
import { modelName, openModel, type ModelInput } from './model-handle.ts';
import { loadDataFor } from './trained-model.ts';

/** Options of {@link evaluateModel}. */
export interface EvaluateOptions {
  /**
   * Run folder, model folder, model.json path or zoo name — or a trained model in memory
   * (`fit`'s `result.model`), which is used and left undisposed.
   */
  model: ModelInput;
  /** `builtin:NAME`, a path, or a loaded dataset. */
  data: string | Dataset;
  /** Label column of CSV data. */
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  /** Also return the ROC / precision–recall curves per class and the reliability bins (for charts). */
  curves?: boolean;
}

/**
 * What {@link evaluateModel} returns: the classification report, the top-class expected
 * calibration error (15 bins) and top-k accuracies (k = 2, 3, 5 below the number of classes).
 *
 * @example
 * ```ts
 * const m: Evaluation = await evaluateModel({ model: 'runs/iris', data: 'builtin:iris' });
 * console.log(m.ece, m.topK);
 * ```
 */
export type Evaluation = ClassificationMetrics & {
  model: string;
  data: string;
  /** Expected calibration error of the top class, 15 equal-width bins (see `expectedCalibrationError`). */
  ece: number;
  /** Top-k accuracy for k = 2, 3, 5 where k is below the number of classes. */
  topK: Array<{ k: number; accuracy: number }>;
  /** With `curves: true`. */
  curves?: EvaluationCurves;
};

/**
 * Scores a trained model on labelled data: accuracy, per-class precision/recall/F1, macro F1,
 * confusion matrix, ROC AUC, log loss, top-class calibration error (ECE) and top-k accuracy. `model` in the result names the model (its reference,
 * or `'(in memory)'`).
 *
 * @example
 * ```ts
 * const m = await evaluateModel({ model: 'runs/mnist', data: 'builtin:mnist' });
 * console.log(m.accuracy, m.macroF1);
 *
 * const { model } = await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris' });
 * console.log((await evaluateModel({ model, data: 'builtin:iris' })).accuracy);
 * model.dispose();
 * ```
 */
export async function evaluateModel(opts: EvaluateOptions): Promise<Evaluation> {
  await ensureEngine();
  const { trained, release } = await openModel(opts.model);
  try {
    const ds = await loadDataFor(trained, opts.data, opts);
    const x = transformFeatures(trained.features, ds);
    checkInputShape(trained.model, x.shape.slice(1), ds.name);
    const probs = predictProbs(trained.model, x);
    const k = trained.classes.length;
    const m = classificationMetrics(ds.labels, probs, trained.classes);
    const topK = [2, 3, 5].filter((t) => t < k).map((t) => ({ k: t, accuracy: topKAccuracy(ds.labels, probs, k, t) }));
    const result: Evaluation = { model: modelName(opts.model), data: ds.name, ...m, ece: expectedCalibrationError(ds.labels, probs, k), topK };
    if (opts.curves) result.curves = evaluationCurves(ds.labels, probs, trained.classes);
    return result;
  } finally {
    release();
  }
}
