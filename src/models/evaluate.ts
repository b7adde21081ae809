import type { Dataset } from '../data/dataset.ts';
import { transformFeatures } from '../data/features.ts';
import { ensureEngine } from '../engine/backend.ts';
import { checkInputShape } from './io.ts';
import { predictProbs } from './predict-probs.ts';
import { classificationMetrics, type ClassificationMetrics } from '../measures/metrics.ts';
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
}

/**
 * Scores a trained model on labelled data: accuracy, per-class precision/recall/F1, macro F1,
 * confusion matrix, ROC AUC and log loss. `model` in the result names the model (its reference,
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
export async function evaluateModel(opts: EvaluateOptions): Promise<ClassificationMetrics & { model: string; data: string }> {
  await ensureEngine();
  const { trained, release } = await openModel(opts.model);
  try {
    const ds = await loadDataFor(trained, opts.data, opts);
    const x = transformFeatures(trained.features, ds);
    checkInputShape(trained.model, x.shape.slice(1), ds.name);
    const probs = predictProbs(trained.model, x);
    return { model: modelName(opts.model), data: ds.name, ...classificationMetrics(ds.labels, probs, trained.classes) };
  } finally {
    release();
  }
}
