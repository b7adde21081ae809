/**
 * The optimiser and early-stopping state of a checkpoint ({@link TrainCheckpoint}) as two files
 * beside the checkpoint's weights: `train-state.json` (what is where, and which phase and epoch
 * it belongs to) and `train-state.bin` (the float32 moments and best weights, little-endian).
 * Weights are named by their index in the model's weights, which a resumed run rebuilds in the
 * same order (variable names can differ between processes).
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import type { TrainingEngine } from '../engine/training-engine.ts';
import type { AdamSlot } from '../models/onnx-train/index.ts';
import type { TrainCheckpoint } from './train.ts';

/** File names of the state inside a checkpoint folder. */
export const TRAIN_STATE_FILES = { json: 'train-state.json', bin: 'train-state.bin' } as const;

const FORMAT = 'transferkit-train-state@1';

/** What `train-state.json` holds. */
interface StateIndex {
  format: typeof FORMAT;
  phase: string;
  epoch: number;
  engine: TrainingEngine;
  best: { loss: number; epoch: number };
  stale: number;
  /** Per Adam slot: the weight's index in `model.weights`, its length, β powers. */
  adam: Array<{ weight: number; length: number; acc1: number; acc2: number }>;
  /** Lengths of the best weights (in the trained model's weight order), or null. */
  bestWeights: number[] | null;
}

/** The name a weight has in the engine's Adam state: the layer variable's (onnx) or the tf.Variable's (tfjs). */
function weightNames(model: tf.LayersModel, engine: TrainingEngine): string[] {
  return model.weights.map((w) => (engine === 'onnx' ? w.name : ((w as unknown as { val?: tf.Variable }).val?.name ?? w.name)));
}

/**
 * Encodes a checkpoint of `phase` epoch `epoch` as the two files (by name). `model` is the whole
 * model (a phase may train a sub-model sharing its layers).
 *
 * @example
 * ```ts
 * const files = encodeTrainState(info.checkpoint(), model, 'head', 3);
 * await saveModel(model, dir, meta, files);
 * ```
 */
export function encodeTrainState(c: TrainCheckpoint, model: tf.LayersModel, phase: string, epoch: number): Record<string, string | Uint8Array> {
  const names = weightNames(model, c.engine);
  const adam: StateIndex['adam'] = [];
  const arrays: Float32Array[] = [];
  for (const [name, slot] of c.adam) {
    const weight = names.indexOf(name);
    if (weight < 0 || slot.m.length !== slot.v.length) continue; // not a weight of this model: it restarts
    adam.push({ weight, length: slot.m.length, acc1: slot.acc1, acc2: slot.acc2 });
    arrays.push(slot.m, slot.v);
  }
  if (c.bestWeights) arrays.push(...c.bestWeights);
  const index: StateIndex = { format: FORMAT, phase, epoch, engine: c.engine, best: c.best, stale: c.stale, adam, bestWeights: c.bestWeights ? c.bestWeights.map((w) => w.length) : null };
  const total = arrays.reduce((s, a) => s + a.length, 0);
  const bin = new Float32Array(total);
  let at = 0;
  for (const a of arrays) {
    bin.set(a, at);
    at += a.length;
  }
  return { [TRAIN_STATE_FILES.json]: JSON.stringify(index), [TRAIN_STATE_FILES.bin]: new Uint8Array(bin.buffer) };
}

/**
 * Decodes the two files back into a checkpoint for `model`, if they belong to `phase` epoch
 * `epoch` and hold together; otherwise `undefined` with the reason (the phase then resumes with
 * a fresh optimiser, as a checkpoint without these files does).
 *
 * @example
 * ```ts
 * const { checkpoint } = decodeTrainState(jsonText, binBytes, model, 'head', 3);
 * ```
 */
export function decodeTrainState(json: string, bin: Uint8Array, model: tf.LayersModel, phase: string, epoch: number): { checkpoint?: TrainCheckpoint; problem?: string } {
  let index: StateIndex;
  try {
    index = JSON.parse(json) as StateIndex;
  } catch {
    return { problem: `${TRAIN_STATE_FILES.json} is not valid JSON` };
  }
  if (index.format !== FORMAT) return { problem: `${TRAIN_STATE_FILES.json} has format ${String(index.format)}, not ${FORMAT}` };
  if (index.phase !== phase || index.epoch !== epoch) return { problem: `the optimiser state is of ${index.phase} epoch ${index.epoch}, the checkpoint of ${phase} epoch ${epoch}` };
  const lengths = [...index.adam.flatMap((a) => [a.length, a.length]), ...(index.bestWeights ?? [])];
  const total = lengths.reduce((s, n) => s + n, 0);
  if (bin.byteLength !== total * 4) return { problem: `${TRAIN_STATE_FILES.bin} holds ${bin.byteLength} bytes, its index describes ${total * 4}` };
  const values = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const names = weightNames(model, index.engine);
  let at = 0;
  const take = (n: number) => values.subarray(at, (at += n));
  const adam = new Map<string, AdamSlot>();
  for (const a of index.adam) {
    const m = take(a.length);
    const v = take(a.length);
    const name = names[a.weight];
    if (name === undefined) return { problem: `the optimiser state names weight ${a.weight}, the model has ${names.length}` };
    adam.set(name, { m, v, acc1: a.acc1, acc2: a.acc2 });
  }
  const bestWeights = index.bestWeights ? index.bestWeights.map((n) => take(n)) : undefined;
  const best = { loss: index.best.loss ?? Infinity, epoch: index.best.epoch };
  return { checkpoint: { engine: index.engine, adam, best, stale: index.stale, ...(bestWeights ? { bestWeights } : {}) } };
}
