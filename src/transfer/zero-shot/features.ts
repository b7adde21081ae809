/**
 * Features for zero-shot learning: a frozen base model's penultimate representation (the input
 * of its last Dense layer, e.g. fashion-cnn's 128-unit `dense1`), seeded per-class subsamples,
 * and a standardiser fitted on the seen classes' training features.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset.ts';
import { transformFeatures, type FeatureSpec } from '../../data/features.ts';
import { TransferkitError } from '../../errors.ts';
import type { Matrix } from '../../measures/linalg.ts';
import { headInput } from '../../models/surgery.ts';
import { createRng } from '../../util/random.ts';
import { forwardFeatures } from '../strategies.ts';

/**
 * The sub-model of `model` that outputs the input of its last Dense layer, and that layer's name.
 *
 * @throws TransferkitError `NO_HEAD` when the model has no Dense layer.
 * @example
 * ```ts
 * const { trunk, head } = penultimate(fashionCnn); // head 'head', trunk outputs 128 values
 * ```
 */
export function penultimate(model: tf.LayersModel): { trunk: tf.LayersModel; head: string } {
  const found = headInput(model);
  if (!found) {
    throw new TransferkitError('NO_HEAD', `Model ${model.name} has no Dense layer whose input could serve as features`, { where: model.name, hint: 'Pass a classifier base with a Dense head, e.g. fashion-cnn.' });
  }
  return { trunk: tf.model({ inputs: model.inputs, outputs: found.input.output as tf.SymbolicTensor }), head: found.head.name };
}

/**
 * Runs images through a feature model (on the training engine, see `forwardFeatures`).
 *
 * @example
 * ```ts
 * const X = await imageFeatures(trunk, { kind: 'image', height: 28, width: 28, channels: 1 }, test);
 * ```
 */
export async function imageFeatures(trunk: tf.LayersModel, spec: FeatureSpec, ds: Dataset): Promise<Matrix> {
  const input = transformFeatures(spec, ds);
  const f = await forwardFeatures(trunk, input);
  const n = f.shape[0];
  return { rows: n, cols: n ? f.x.length / n : 0, data: Float64Array.from(f.x) };
}

/**
 * Seeded indices of at most `perClass` examples of each of `classes` (indices into `ds.classes`),
 * in the dataset's order.
 *
 * @example
 * ```ts
 * const idx = perClassIndices(train, [0, 2, 5], 500, 1);
 * ```
 */
export function perClassIndices(ds: Dataset, classes: readonly number[], perClass: number, seed: number): number[] {
  const rng = createRng(`zeroshot:${seed}`);
  const keep = new Uint8Array(ds.size);
  for (const c of classes) {
    const idx: number[] = [];
    for (let i = 0; i < ds.size; i++) if (ds.labels[i] === c) idx.push(i);
    for (const i of rng.shuffle(idx).slice(0, perClass)) keep[i] = 1;
  }
  const out: number[] = [];
  for (let i = 0; i < ds.size; i++) if (keep[i]) out.push(i);
  return out;
}

/**
 * A per-column standardiser (mean 0, population std 1; constant columns only centred).
 *
 * @example
 * ```ts
 * const st = fitStandardiser(Xseen);
 * const Z = st.apply(Xtest);
 * ```
 */
export interface Standardiser {
  mean: Float64Array;
  std: Float64Array;
  apply(X: Matrix): Matrix;
}

/**
 * Fits a {@link Standardiser} on the rows of `X`.
 *
 * @example
 * ```ts
 * fitStandardiser({ rows: 2, cols: 1, data: Float64Array.of(0, 2) }).std; // [1]
 * ```
 */
export function fitStandardiser(X: Matrix): Standardiser {
  const { rows: n, cols: d, data } = X;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (data[i * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  return {
    mean,
    std,
    apply(M: Matrix): Matrix {
      if (M.cols !== d) throw new TransferkitError('SHAPE_MISMATCH', `Standardiser fitted on ${d} columns, got ${M.cols}`);
      const out = new Float64Array(M.data.length);
      for (let i = 0; i < M.rows; i++) for (let j = 0; j < d; j++) out[i * d + j] = (M.data[i * d + j] - mean[j]) / std[j];
      return { rows: M.rows, cols: d, data: out };
    },
  };
}
