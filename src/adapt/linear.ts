/**
 * The TF.js side of the adaptation classifier: a fitted {@link LinearModel} (multinomial
 * logistic regression, fitted in `src/measures/logistic.ts`) copied into a `buildLogistic`
 * model, so that saving, `evaluate` and `predict` treat it like any other model.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { LinearModel } from '../measures/logistic.ts';
import { buildLogistic } from '../models/architectures.ts';

/**
 * A TF.js softmax model (one Dense layer, as `buildLogistic`) holding the linear model's weights,
 * ready for `saveModel`.
 *
 * @example
 * ```ts
 * await saveModel(toLayersModel(model), 'runs/a/model', { classes, features: spec });
 * ```
 */
export function toLayersModel(model: LinearModel): tf.LayersModel {
  const layers = buildLogistic(model.d, model.k, { seed: 0 });
  setHeadWeights(layers.getLayer('head'), model);
  return layers;
}

/**
 * Copies a linear model's `W` (`d × k`) and `b` into a Dense layer with d inputs and k units
 * (as float32), e.g. the new head of a base model.
 *
 * @example
 * ```ts
 * setHeadWeights(model.getLayer('adapt_head'), linear);
 * ```
 */
export function setHeadWeights(layer: tf.layers.Layer, model: LinearModel): void {
  const W = tf.tensor2d(Float32Array.from(model.W), [model.d, model.k]);
  const b = tf.tensor1d(Float32Array.from(model.b));
  layer.setWeights([W, b]);
  W.dispose();
  b.dispose();
}
