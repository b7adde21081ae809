/**
 * Freeing the weights a model no longer needs. Model surgery (a new head, LoRA, re-initialised
 * copies) leaves layers behind whose weights tfjs never frees on its own.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';

/** The tfjs variable behind a layer weight (shared weights share it). */
function variableOf(w: tf.LayerVariable): tf.Variable {
  return (w as unknown as { val: tf.Variable }).val;
}

/**
 * Disposes every weight of the models in `candidates` that no model in `keep` uses (weights
 * shared with a kept model survive; weights already disposed are skipped). Returns how many
 * weights it disposed.
 *
 * @example
 * ```ts
 * const model = replaceHead(base, 3);
 * disposeWeightsNotIn([base], [model]); // frees the base's old head, keeps the shared layers
 * ```
 */
export function disposeWeightsNotIn(candidates: ReadonlyArray<tf.LayersModel | undefined>, keep: ReadonlyArray<tf.LayersModel | undefined>): number {
  const kept = new Set<tf.Variable>();
  for (const m of keep) if (m) for (const w of m.weights) kept.add(variableOf(w));
  let n = 0;
  const seen = new Set<tf.Variable>();
  for (const m of candidates) {
    if (!m) continue;
    for (const w of m.weights) {
      const v = variableOf(w);
      if (kept.has(v) || seen.has(v)) continue;
      seen.add(v);
      if (v.isDisposed) continue;
      v.dispose();
      n++;
    }
  }
  return n;
}

/**
 * Disposes every weight of a model, whatever tfjs's layer reference counts say (`model.dispose()`
 * keeps the weights of layers that were also applied elsewhere, e.g. in a head-only model made
 * for training, and throws on weights already freed). Safe to call twice. Returns how many
 * weights it disposed.
 *
 * @example
 * ```ts
 * disposeModelWeights(model); // tf.memory().numTensors drops by model.weights.length
 * ```
 */
export function disposeModelWeights(model: tf.LayersModel): number {
  return disposeWeightsNotIn([model], []);
}
