/**
 * Penalties added to the training loss. L2-SP (Li, Grandvalet & Davoine, 2018) pulls the
 * pretrained weights toward their starting point instead of toward zero:
 *
 *   Ω(w) = α · Σ_base ‖w − w₀‖²  +  β · Σ_new ‖w‖²
 *
 * where w₀ are the pretrained values and "new" are weights with no pretrained value (the new
 * head, LoRA adapters). Only weights that are being trained contribute (the others are constant).
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../errors.ts';

/** A loss term over the variables being trained; built inside the gradient tape every step. */
export interface Penalty {
  /** The penalty for these trainable variables (a scalar), or `null` when none applies. */
  loss(vars: tf.Variable[]): tf.Scalar | null;
  /** Frees the tensors the penalty holds (e.g. the pretrained anchors). */
  dispose(): void;
  /**
   * The penalty as data, when it is L2-SP (what {@link l2spPenalty} returns): the ONNX training
   * engine computes it in its compiled step from this description. A penalty without it (any
   * other closure) trains on TF.js.
   */
  l2sp?: () => L2spDescription;
}

/**
 * L2-SP as data: `α‖w − w₀‖²` over every trainable weight with an anchor w₀ (TF.js layout, by
 * weight name such as `conv1/kernel`), `β‖w‖²` over the other trainable weights.
 *
 * @example
 * ```ts
 * const { alpha, beta, anchors } = penalty.l2sp!();
 * ```
 */
export interface L2spDescription {
  alpha: number;
  beta: number;
  anchors: Map<string, Float32Array>;
}

/** Strengths of {@link l2spPenalty}. */
export interface L2spOptions {
  /** Weight α of ‖w − w₀‖² over the pretrained weights. */
  alpha: number;
  /** Weight β of ‖w‖² over weights without a pretrained value (default α / 10). */
  beta?: number;
}

/**
 * L2-SP over the first `baseLayerCount` layers of `model`, anchored at their current values
 * (call it before training) or at `anchors`: values by weight name such as `conv1/kernel` (e.g. the
 * pretrained model's weights, when a resumed run's weights have already moved).
 *
 * @throws TransferkitError `BAD_OPTION` for a negative strength.
 * @example
 * ```ts
 * const penalty = l2spPenalty(model, prepared.baseLayerCount, { alpha: 0.01 });
 * try { await trainModel(model, data, { epochs: 10, seed: 1, penalty }); } finally { penalty.dispose(); }
 * ```
 */
export function l2spPenalty(model: tf.LayersModel, baseLayerCount: number, opts: L2spOptions, anchors?: Map<string, Float32Array>): Penalty {
  const alpha = opts.alpha;
  const beta = opts.beta ?? alpha / 10;
  if (!(alpha >= 0) || !(beta >= 0)) {
    throw new TransferkitError('BAD_OPTION', `L2-SP strengths must be ≥ 0, got α = ${alpha}, β = ${beta}`, { hint: 'For example `l2sp: 0.01` (β defaults to α/10).' });
  }
  const anchorOf = new Map<tf.Variable, tf.Tensor>();
  const names = new Map<tf.Variable, string>();
  for (const layer of model.layers.slice(0, baseLayerCount)) {
    for (const w of layer.weights) {
      const v = (w as unknown as { val: tf.Variable }).val;
      names.set(v, w.name);
      const stored = anchors?.get(w.originalName);
      const size = w.shape.reduce((p: number, d) => p * (d ?? 1), 1);
      anchorOf.set(v, stored && stored.length === size ? tf.tensor(stored, w.shape as number[]) : tf.clone(v));
    }
  }
  return {
    loss(vars) {
      const terms: tf.Scalar[] = [];
      for (const v of vars) {
        const a = anchorOf.get(v);
        if (a && alpha > 0) terms.push(tf.mul(alpha, tf.sum(tf.square(tf.sub(v, a)))));
        else if (!a && beta > 0) terms.push(tf.mul(beta, tf.sum(tf.square(v))));
      }
      return terms.length ? (tf.addN(terms) as tf.Scalar) : null;
    },
    dispose() {
      for (const t of anchorOf.values()) t.dispose();
      anchorOf.clear();
      names.clear();
    },
    l2sp() {
      const out = new Map<string, Float32Array>();
      for (const [v, a] of anchorOf) out.set(names.get(v) ?? v.name, a.dataSync() as Float32Array);
      return { alpha, beta, anchors: out };
    },
  };
}

/**
 * Values of every weight of a model by weight name, e.g. `conv1/kernel` (the anchors of {@link l2spPenalty}).
 *
 * @example
 * ```ts
 * const anchors = weightValues(pretrained); // before anything trains
 * ```
 */
export function weightValues(model: tf.LayersModel): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const w of model.weights) out.set(w.originalName, w.read().dataSync().slice() as Float32Array);
  return out;
}

/**
 * Joins penalties into one (their sum).
 *
 * @example
 * ```ts
 * const both = combinePenalties([l2sp, other]);
 * ```
 */
export function combinePenalties(penalties: Penalty[]): Penalty | undefined {
  if (penalties.length === 0) return undefined;
  if (penalties.length === 1) return penalties[0];
  return {
    loss(vars) {
      const parts = penalties.map((p) => p.loss(vars)).filter((t): t is tf.Scalar => t !== null);
      return parts.length ? (tf.addN(parts) as tf.Scalar) : null;
    },
    dispose() {
      for (const p of penalties) p.dispose();
    },
  };
}
