import type { Dataset } from '../data/dataset.ts';
import { transformFeatures } from '../data/features.ts';
import { checkInputShape } from '../models/io.ts';
import { predictProbs } from '../transfer/train.ts';
import { classificationMetrics, type ClassificationMetrics } from './metrics.ts';
import { loadDataFor, loadTrainedModel } from './trained-model.ts';

/** Options of {@link evaluateModel}. */
export interface EvaluateOptions {
  /** Run folder, model folder, model.json path or zoo name. */
  model: string;
  /** `builtin:NAME`, a path, or a loaded dataset. */
  data: string | Dataset;
  /** Label column of CSV data. */
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
}

/**
 * Scores a trained model on labelled data: accuracy, per-class precision/recall/F1, macro F1,
 * confusion matrix, ROC AUC and log loss.
 *
 * @example
 * ```ts
 * const m = await evaluateModel({ model: 'runs/mnist', data: 'builtin:mnist' });
 * console.log(m.accuracy, m.macroF1);
 * ```
 */
export async function evaluateModel(opts: EvaluateOptions): Promise<ClassificationMetrics & { model: string; data: string }> {
  const trained = await loadTrainedModel(opts.model);
  const ds = await loadDataFor(trained, opts.data, opts);
  const x = transformFeatures(trained.features, ds);
  checkInputShape(trained.model, x.shape.slice(1), ds.name);
  const probs = predictProbs(trained.model, x);
  trained.model.dispose();
  return { model: opts.model, data: ds.name, ...classificationMetrics(ds.labels, probs, trained.classes) };
}
