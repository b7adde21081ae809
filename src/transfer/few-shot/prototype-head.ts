/**
 * A prototype classifier as an ordinary, saveable TF.js model — what `fit --strategy prototypes`
 * trains. The frozen base cut at its embedding layer feeds one Dense softmax layer whose weights
 * make it the Euclidean nearest-prototype rule exactly:
 *
 *   −‖x − p_c‖² = 2·p_c·x − ‖p_c‖² − ‖x‖²,
 *
 * and ‖x‖² is the same for every class, so softmax((2·p_c·x − ‖p_c‖²) / T) ranks the classes as
 * the distances do. Kernel column c is 2·p_c / T, bias c is −‖p_c‖² / T: built-in layers only,
 * so `saveModel`, `predict`, `evaluate` and `explain` work on it as on any model. (Cosine
 * prototypes would need an L2-normalisation layer, which TF.js layers do not serialise.)
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { classificationMetrics } from '../../measures/metrics.ts';
import { predictProbs } from '../../models/predict-probs.ts';
import { linearHeadLayer } from '../linear-head.ts';
import { forwardFeatures, splitAtHead, type PreparedModel } from '../strategies.ts';
import type { TensorData } from '../train.ts';
import { classMeans, meanPairwiseSquared } from './prototypes.ts';

/**
 * Dense weights of the Euclidean prototype rule.
 *
 * @example
 * ```ts
 * const w: PrototypeWeights = prototypeDenseWeights(Float64Array.of(0, 0, 2, 0), 2, 2);
 * ```
 */
export interface PrototypeWeights {
  /** `d × k`, row-major (a Dense kernel). */
  kernel: Float32Array;
  bias: Float32Array;
  /** The softmax temperature T. */
  temperature: number;
}

/**
 * The Dense kernel and bias that compute (2·p_c·x − ‖p_c‖²) / T for `k × d` prototypes. The
 * default temperature is a quarter of the mean squared distance between prototypes (an example
 * on its own prototype then gets about e⁴ ≈ 55 times the odds of a typical other class), and 1
 * when there is a single class.
 *
 * @example
 * ```ts
 * prototypeDenseWeights(Float64Array.of(0, 0, 2, 0), 2, 2, 1); // kernel [0, 4, 0, 0], bias [0, -4]
 * ```
 */
export function prototypeDenseWeights(protos: ArrayLike<number>, k: number, d: number, temperature?: number): PrototypeWeights {
  const spread = meanPairwiseSquared(protos, k, d);
  const T = temperature ?? (spread > 0 ? spread / 4 : 1);
  if (!(T > 0 && Number.isFinite(T))) {
    throw new TransferkitError('BAD_OPTION', `The prototype temperature must be a positive number, got ${T}`, { hint: 'Leave it out for the default (a quarter of the mean squared distance between prototypes).' });
  }
  const kernel = new Float32Array(d * k);
  const bias = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const p = protos[c * d + j];
      kernel[j * k + c] = (2 * p) / T;
      norm += p * p;
    }
    bias[c] = -norm / T;
  }
  return { kernel, bias, temperature: T };
}

/**
 * What {@link fitPrototypeHead} measured: training (and validation) loss and accuracy of the
 * prototype model, the temperature, and the seconds it took.
 *
 * @example
 * ```ts
 * const r: PrototypeHeadResult = { train: { loss: 0.4, accuracy: 0.9 }, temperature: 12.5, seconds: 1.2 };
 * ```
 */
export interface PrototypeHeadResult {
  train: { loss: number; accuracy: number };
  val?: { loss: number; accuracy: number };
  temperature: number;
  seconds: number;
}

/**
 * Turns a prepared model (frozen base + a linear softmax head on the embedding layer) into the
 * Euclidean prototype classifier of the training data: embeds the training examples once, takes
 * the class means, and writes them into the head's Dense layer.
 *
 * @throws TransferkitError `BAD_OPTION` when the head is not a single Dense softmax layer (e.g.
 *   hidden layers were asked for), `TOO_FEW_EXAMPLES` when a class has no training example.
 * @example
 * ```ts
 * const prepared = await prepareModel({ strategy: 'prototypes', base, numClasses: 10, seed: 1, inputShape: [28, 28, 1], cutAt: 'flatten' });
 * const res = await fitPrototypeHead(prepared, train, classes);
 * ```
 */
export async function fitPrototypeHead(prepared: PreparedModel, train: TensorData, classes: string[], val?: TensorData, temperature?: number): Promise<PrototypeHeadResult> {
  const t0 = performance.now();
  const { base, head } = splitAtHead(prepared);
  const dense = linearHeadLayer(head);
  if (!dense) {
    throw new TransferkitError('BAD_OPTION', 'The prototypes strategy needs a head of one Dense softmax layer on the embeddings, but this head has hidden layers', {
      where: 'headHidden option',
      hint: 'Leave out `headHidden` with `strategy: "prototypes"`.',
    });
  }
  const feats = await forwardFeatures(base, train);
  const d = feats.x.length / Math.max(1, train.y.length);
  const k = classes.length;
  const counts = new Array<number>(k).fill(0);
  for (const c of train.y) counts[c]++;
  const empty = counts.findIndex((c) => c === 0);
  if (empty >= 0) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `Class "${classes[empty]}" has no training example, so it has no prototype`, {
      where: `class "${classes[empty]}"`,
      hint: 'Give every class at least one labelled example (one is enough: one-shot).',
    });
  }
  const protos = classMeans({ x: feats.x, d, y: train.y, k });
  const w = prototypeDenseWeights(protos, k, d, temperature);
  tf.tidy(() => dense.setWeights([tf.tensor2d(w.kernel, [d, k]), tf.tensor1d(w.bias)]));
  const score = async (data: TensorData, f?: { x: Float32Array; shape: number[] }) => {
    const m = classificationMetrics(data.y, predictProbs(head, f ?? (await forwardFeatures(base, data))), classes);
    return { loss: m.logLoss, accuracy: m.accuracy };
  };
  const trainScore = await score(train, feats);
  const valScore = val && val.y.length > 0 ? await score(val) : undefined;
  return { train: trainScore, ...(valScore ? { val: valScore } : {}), temperature: w.temperature, seconds: (performance.now() - t0) / 1000 };
}
