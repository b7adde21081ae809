import type { Dataset } from '../data/dataset.ts';
import { transformFeatures } from '../data/features.ts';
import { checkInputShape } from '../models/io.ts';
import { predictProbs } from '../transfer/train.ts';
import { argmaxRow } from './metrics.ts';
import { loadDataFor, loadTrainedModel } from './trained-model.ts';

/** One prediction. */
export interface Prediction {
  /** Row of the input data (0-based). */
  index: number;
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
 * Predicts a class for every example of a dataset.
 *
 * @example
 * ```ts
 * const { predictions } = await predictDataset({ model: 'runs/mnist', data: 'digits/' });
 * predictions[0].label; // '7'
 * ```
 */
export async function predictDataset(opts: { model: string; data: string | Dataset; label?: string }): Promise<{ classes: string[]; predictions: Prediction[] }> {
  const trained = await loadTrainedModel(opts.model);
  const ds = await loadDataFor(trained, opts.data, { label: opts.label, labelled: false });
  const x = transformFeatures(trained.features, ds);
  checkInputShape(trained.model, x.shape.slice(1), ds.name);
  const probs = predictProbs(trained.model, x);
  trained.model.dispose();
  const k = trained.classes.length;
  const predictions = Array.from({ length: ds.size }, (_, i) => {
    const best = argmaxRow(probs, i, k);
    const p: Prediction = {
      index: i,
      label: trained.classes[best],
      confidence: probs[i * k + best],
      probabilities: Array.from(probs.subarray(i * k, (i + 1) * k)),
    };
    if (ds.labels[i] >= 0) p.actual = ds.classes[ds.labels[i]];
    return p;
  });
  return { classes: trained.classes, predictions };
}
