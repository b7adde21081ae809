import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset.ts';
import { featureNames, transformFeatures, type FeatureSpec } from '../../data/features.ts';
import { tokenize } from '../../data/text-features.ts';
import { TransferkitError } from '../../errors.ts';
import type { TrainedModel } from '../../models/trained-model.ts';
import type { PredictFn } from '../types.ts';

/** The output space explanations are computed in: class probability, or its log-odds. */
export type Link = 'identity' | 'logit';

/**
 * Class probabilities of model-input rows, batched, with no tensors left behind.
 *
 * @example
 * ```ts
 * const probs = modelProbs(trained, rows); // rows.length × classes
 * ```
 */
export function modelProbs(trained: TrainedModel, rows: ArrayLike<number>[], batchSize = 512): Float32Array {
  const per = rows[0]?.length ?? 0;
  const k = trained.classes.length;
  const shape = trained.model.inputs[0].shape.slice(1) as number[];
  const out = new Float32Array(rows.length * k);
  for (let start = 0; start < rows.length; start += batchSize) {
    const end = Math.min(rows.length, start + batchSize);
    const flat = new Float32Array((end - start) * per);
    for (let i = start; i < end; i++) flat.set(rows[i], (i - start) * per);
    const probs = tf.tidy(() => (trained.model.predict(tf.tensor(flat, [end - start, ...shape])) as tf.Tensor).dataSync() as Float32Array);
    out.set(probs, start * k);
  }
  return out;
}

/**
 * A {@link PredictFn} giving one class's probability (`identity`) or log-odds (`logit`) for
 * model-input rows.
 *
 * @example
 * ```ts
 * const f = classPredictFn(trained, 1, 'logit');
 * const values = await f([row]);
 * ```
 */
export function classPredictFn(trained: TrainedModel, classIndex: number, link: Link): PredictFn {
  const k = trained.classes.length;
  return (rows) => {
    const probs = modelProbs(trained, rows);
    const out = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = applyLink(probs[i * k + classIndex], link);
    return out;
  };
}

/**
 * Applies a link to a probability (clipped to [1e-7, 1 − 1e-7] for `logit`).
 *
 * @example
 * ```ts
 * applyLink(0.5, 'logit'); // 0
 * ```
 */
export function applyLink(p: number, link: Link): number {
  if (link === 'identity') return p;
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return Math.log(q / (1 - q));
}

/** Model-input rows of a dataset, one Float64Array per example. */
export function inputRows(spec: FeatureSpec, ds: Dataset): Float64Array[] {
  const { x, shape } = transformFeatures(spec, ds);
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) => Float64Array.from(x.subarray(i * per, (i + 1) * per)));
}

/**
 * How a tabular model's inputs map to the user's columns: one feature per numeric column, one
 * group of one-hot inputs per categorical column.
 *
 * @example
 * ```ts
 * const { names, groups } = tabularFeatures(spec); // names: ['bill_length_mm', …, 'Island']
 * ```
 */
export function tabularFeatures(spec: FeatureSpec): { names: string[]; groups: number[][] } {
  if (spec.kind !== 'tabular') throw new TransferkitError('KIND_MISMATCH', `This method explains tabular models, and this model takes ${spec.kind} data`);
  const names: string[] = [];
  const groups: number[][] = [];
  let col = 0;
  for (const n of spec.numeric) {
    names.push(n.name);
    groups.push([col++]);
  }
  for (const c of spec.categorical) {
    names.push(c.name);
    groups.push(c.categories.map(() => col++));
  }
  if (col !== featureNames(spec).length) throw new TransferkitError('CORRUPT_MODEL', 'The saved preprocessing does not match its feature names');
  return { names, groups };
}

/**
 * The words of a text and a function that rebuilds the text from a keep/drop mask, for
 * explaining text models token by token (the SHAP "text masker" idea).
 *
 * @example
 * ```ts
 * const { tokens, textFor } = textMasker('cheap pills now');
 * textFor(Float64Array.of(1, 0, 1)); // 'cheap now'
 * ```
 */
export function textMasker(text: string): { tokens: string[]; textFor: (mask: ArrayLike<number>) => string } {
  const tokens = tokenize(text);
  return { tokens, textFor: (mask) => tokens.filter((_, i) => mask[i] > 0.5).join(' ') };
}
