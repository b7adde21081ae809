import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../errors.ts';
import { parseTrainingEngine, trainingEngine, type TrainingEngine } from '../engine/training-engine.ts';
import { OnnxTrainer, type AdamSlot } from '../models/onnx-train/index.ts';
import { createRng, seedMathRandom } from '../util/random.ts';
import { augmentBatch, checkAugment, type AugmentOptions } from './augment.ts';
import type { Penalty } from './regularizers.ts';
import { checkSchedule, lrFactor, type LrSchedule } from './schedules.ts';
import { outputClasses, predictProbs } from '../models/predict-probs.ts';

/** Model inputs and integer labels, as flat arrays. */
export interface TensorData {
  /** Row-major inputs, `shape[0]` examples. */
  x: Float32Array;
  /** Full shape, e.g. `[n, 28, 28, 1]` or `[n, features]`. */
  shape: number[];
  /** Class index per example. */
  y: Int32Array;
}

/**
 * Where a phase of {@link trainModel} stands after an epoch, beyond the weights: Adam's moments
 * and step counts per weight, and the early-stopping state. Saved with a checkpoint and given
 * back as `resume`, it makes a resumed phase continue exactly as the uninterrupted one would
 * (the batches, augmentation and dropout masks are seeded per epoch on both engines: the ONNX
 * engine's masks by its own generator, TF.js's through a seeded `Math.random`). Moments are in the layout of the engine that made them; another engine starts
 * Adam afresh.
 *
 * @example
 * ```ts
 * let saved: TrainCheckpoint | undefined;
 * await trainModel(model, data, { epochs: 10, seed: 1, onEpoch: (r, info) => void (saved = info.checkpoint()) });
 * ```
 */
export interface TrainCheckpoint {
  /** The engine whose optimiser state `adam` is. */
  engine: TrainingEngine;
  /** Adam state per weight name (moments in the engine's layout). */
  adam: Map<string, AdamSlot>;
  /** The best monitored loss so far in this phase, and its epoch. */
  best: { loss: number; epoch: number };
  /** Epochs since the best, counting the one just finished. */
  stale: number;
  /** The weights of the best epoch (in `model.weights` order), when they are not the current ones. */
  bestWeights?: Float32Array[];
}

/** One line of `history.jsonl`. */
export interface EpochRecord {
  /** Training phase, e.g. `head` or `finetune`. */
  phase: string;
  /** 1-based epoch within the phase. */
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Base learning rate at the epoch's last step (schedules change it within the phase; per-layer multipliers not included). */
  learningRate: number;
  /** Wall-clock seconds this epoch took. */
  seconds: number;
}

/** Options of {@link trainModel}. */
export interface TrainOptions {
  epochs: number;
  /** Default 32. */
  batchSize?: number;
  /** Base learning rate of Adam; default 1e-3. */
  learningRate?: number;
  /** Seeds the per-epoch shuffles (and the augmentation draws). */
  seed: number;
  /** Per-class loss weights (e.g. from {@link balancedClassWeights}). */
  classWeights?: number[];
  /** Validation data for early stopping; without it the last epoch's weights are kept. */
  val?: TensorData;
  /** Stop after this many epochs without a lower validation loss (default 5); the best weights are restored. */
  patience?: number;
  /** Name of this phase in the history. */
  phase?: string;
  /** First epoch to run (1-based), to resume an interrupted phase. */
  startEpoch?: number;
  /** How the learning rate changes over the phase (warm-up, cosine, step); default constant. */
  lrSchedule?: LrSchedule;
  /** Learning-rate multiplier per layer name (discriminative learning rates, see `layerMultipliers`); other layers: 1. */
  layerLr?: Map<string, number>;
  /** Decoupled weight decay (AdamW): each step shrinks kernels (weights of rank ≥ 2) by `lr · weightDecay`. Default 0. */
  weightDecay?: number;
  /** Label smoothing ε: targets become `(1 − ε)·onehot + ε/k`. Default 0. */
  labelSmoothing?: number;
  /** Image augmentation applied to every training batch (seeded). */
  augment?: AugmentOptions;
  /** Extra loss term over the trainable variables (e.g. L2-SP); not part of the reported loss. */
  penalty?: Penalty;
  /** Called before each epoch (e.g. to unfreeze more layers); the trainable weights are read again after it. */
  beforeEpoch?: (epoch: number) => void;
  /**
   * Called after every epoch, e.g. to write history and a checkpoint; `best` is true when the
   * monitored loss improved; `checkpoint()` gives the optimiser and early-stopping state to save
   * with it (see {@link TrainCheckpoint}).
   */
  onEpoch?: (record: EpochRecord, info: { best: boolean; checkpoint?: () => TrainCheckpoint }) => void | Promise<void>;
  /** The state saved with the checkpoint this phase resumes from (with `startEpoch`). */
  resume?: TrainCheckpoint;
  /** Called after every optimiser step with the number of steps done and in all. */
  onStep?: (done: number, total: number) => void;
  /**
   * Which engine runs the training steps: `'onnx'` (the step compiled to one ONNX graph on
   * onnxruntime-node, about 10× faster) or `'tfjs'`. Default: this thread's setting
   * (`initEngine({ training })`, `--engine`, env `TRANSFERKIT_ENGINE`), else `'onnx'`. A model
   * or option the ONNX engine cannot train (an uncompiled layer such as LoRA's, a penalty other
   * than L2-SP) falls back to TF.js — silently (the reason in `TrainResult.engineFallback`)
   * unless onnx was asked for here or by an explicit setting, which makes it an error.
   */
  engine?: TrainingEngine;
}

/** What {@link trainModel} did. */
export interface TrainResult {
  history: EpochRecord[];
  /** Epoch whose weights the model holds now. */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Number of optimiser steps taken. */
  steps: number;
  /** The engine that ran the training steps (of the last epoch, should it have changed). */
  engine: TrainingEngine;
  /** Why training fell back from the ONNX engine to TF.js (only when it did). */
  engineFallback?: string;
}

/**
 * Trains a softmax classifier with Adam(W) on mini-batches, minimising (class-weighted,
 * optionally label-smoothed) cross-entropy plus an optional penalty over the model's trainable
 * weights, with early stopping on validation loss. Learning rates follow the schedule and the
 * per-layer multipliers; batches are augmented on the fly when asked.
 *
 * The steps run on the ONNX training engine (`OnnxTrainer`) by default, or on TF.js (see
 * `engine`): the same batches, augmentation, learning rates, loss and AdamW update either way.
 * On onnx the weights live in onnxruntime during an epoch and are written back into the model
 * at its end (before validation, the divergence check, snapshots and `onEpoch`); a change of the
 * trainable set by `beforeEpoch` (gradual unfreezing) makes a new trainer that carries the Adam
 * state. On TF.js every step runs inside `tf.tidy`; either way the number of live tensors is the
 * same after each step once the optimiser has made its slots. Dropout is active and BatchNorm
 * layers follow their own mode (see `keepBatchNormInInference`). The same seed gives the same
 * result on the same engine.
 *
 * @example
 * ```ts
 * const model = buildMlp(4, 3, { seed: 1 });
 * const res = await trainModel(model, { x, shape: [n, 4], y }, { epochs: 20, seed: 1, val, lrSchedule: { kind: 'cosine', warmupEpochs: 1 } });
 * ```
 */
export async function trainModel(model: tf.LayersModel, data: TensorData, opts: TrainOptions): Promise<TrainResult> {
  const n = data.shape[0];
  const numClasses = outputClasses(model);
  checkLabels(data.y, numClasses, 'training data');
  if (opts.val) checkLabels(opts.val.y, numClasses, 'validation data');
  checkSchedule(opts.lrSchedule);
  checkAugment(opts.augment);
  const smoothing = opts.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing < 1)) throw new TransferkitError('BAD_OPTION', `Label smoothing must be in [0, 1), got ${smoothing}`, { hint: 'Typical values are 0.05 to 0.2.' });
  const weightDecay = opts.weightDecay ?? 0;
  if (!(weightDecay >= 0)) throw new TransferkitError('BAD_OPTION', `Weight decay must be ≥ 0, got ${weightDecay}`, { hint: 'Typical values are 1e-4 to 1e-2.' });
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? 32, n));
  const lr = opts.learningRate ?? 1e-3;
  const patience = opts.patience ?? 5;
  const phase = opts.phase ?? 'train';
  const startEpoch = opts.startEpoch ?? 1;

  const choice = opts.engine !== undefined ? { engine: parseTrainingEngine(opts.engine, 'trainModel({ engine })'), explicit: true, source: 'the engine option' } : trainingEngine();
  let engine: TrainingEngine = choice.engine;
  let engineFallback: string | undefined;
  /** The ONNX engine cannot do this: an error when onnx was asked for, else TF.js from now on. */
  const cannotOnnx = (reason: string, err?: unknown): void => {
    if (choice.explicit) {
      const code = err instanceof TransferkitError ? err.code : 'ONNX_TRAIN_UNSUPPORTED';
      throw new TransferkitError(code, `The ONNX training engine (asked for by ${choice.source}) cannot train this: ${reason}`, {
        where: err instanceof TransferkitError ? err.where : phase,
        hint: 'Train with the TF.js engine (`engine: \'tfjs\'`, --engine tfjs or TRANSFERKIT_ENGINE=tfjs), or leave the engine unset to fall back automatically.',
        cause: err,
      });
    }
    engine = 'tfjs';
    engineFallback = reason;
  };
  if (engine === 'onnx' && opts.penalty && !opts.penalty.l2sp) cannotOnnx('its penalty is not L2-SP (only L2-SP is compiled; other penalties are TF.js closures)');
  const l2sp = engine === 'onnx' ? opts.penalty?.l2sp?.() : undefined;
  let trainer: OnnxTrainer | undefined;
  let trainerKey = '';
  const adam = new Map<string, AdamSlot>();

  const optimizer = new AdamW({ learningRate: lr, weightDecay });
  const weightsPerClass = tf.tensor1d(opts.classWeights ?? new Array(numClasses).fill(1), 'float32');
  const per = n > 0 ? data.x.length / n : 0;
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const totalSteps = stepsPerEpoch * opts.epochs;
  const history: EpochRecord[] = [];
  let best = { loss: Infinity, epoch: 0, weights: undefined as Float32Array[] | undefined };
  let stale = 0;
  let steps = 0;
  let stoppedEarly = false;
  const resume = opts.resume;
  if (resume) {
    // the best epoch's weights: saved apart, or the checkpoint's own when it was the best
    const bestWeights = resume.bestWeights ?? (opts.val && resume.best.epoch === startEpoch - 1 ? snapshotWeights(model) : undefined);
    best = { loss: resume.best.loss, epoch: resume.best.epoch, weights: bestWeights };
    stale = resume.stale;
    if (resume.engine === engine) {
      if (engine === 'onnx') for (const [name, slot] of resume.adam) adam.set(name, slot);
      else optimizer.importState(model, resume.adam);
    }
  }
  /** The state to save with this epoch's checkpoint. */
  const checkpointOf = (improved: boolean, epoch: number): TrainCheckpoint => {
    return {
      engine: trainer ? 'onnx' : 'tfjs',
      // on onnx: the current trainer's slots over those carried from earlier trainers
      adam: trainer ? new Map([...adam, ...trainer.adamState()]) : optimizer.exportState(),
      best: { loss: best.loss, epoch: best.epoch },
      stale: improved ? 0 : stale + 1,
      ...(best.weights && best.epoch !== epoch ? { bestWeights: best.weights } : {}),
    };
  };

  try {
    // the interrupted run stopped early right after its checkpoint: so does the resumed one
    if (resume && opts.val && stale >= patience) stoppedEarly = true;
    for (let epoch = startEpoch; epoch <= opts.epochs && !stoppedEarly; epoch++) {
      const t0 = performance.now();
      opts.beforeEpoch?.(epoch);
      const groups = trainableGroups(model, opts.layerLr);
      if (groups.vars.length === 0) throw new TransferkitError('NOTHING_TO_TRAIN', 'Every layer of the model is frozen', { hint: 'Unfreeze at least the head.' });
      if (engine === 'onnx') {
        const key = trainableKey(model, groups);
        if (trainer && key === trainerKey) {
          trainer.reload(); // the model is the source of truth between epochs
        } else {
          if (trainer) {
            for (const [name, slot] of trainer.adamState()) adam.set(name, slot);
            await trainer.dispose();
            trainer = undefined;
          }
          try {
            const made = new OnnxTrainer(model, { batchSize, numClasses, classWeights: opts.classWeights, labelSmoothing: smoothing, weightDecay, layerLr: opts.layerLr, seed: `${opts.seed}:${phase}:${epoch}`, l2sp }, adam);
            try {
              await made.prepare(batchSize);
            } catch (err) {
              await made.dispose();
              throw err;
            }
            trainer = made;
            trainerKey = key;
          } catch (err) {
            cannotOnnx(err instanceof Error ? err.message : String(err), err);
          }
        }
      }
      trainer?.reseed(`${opts.seed}:${phase}:${epoch}`);
      const order = createRng(`${opts.seed}:${phase}:${epoch}`).shuffle(Array.from({ length: n }, (_, i) => i));
      let lossSum = 0;
      let correct = 0;
      let rate = lr;
      // TF.js draws dropout masks from Math.random: seeded per epoch, a resumed run draws the same
      // ones. Only on TF.js, whose steps never await: a window across awaits could interleave with
      // another fit's in the same thread and leave Math.random seeded (the ONNX engine seeds its own masks)
      const restoreRandom = trainer ? undefined : seedMathRandom(`${opts.seed}:${phase}:${epoch}:masks`);
      try {
        for (let s = 0; s < stepsPerEpoch; s++) {
          const idx = order.slice(s * batchSize, (s + 1) * batchSize);
          const xb = new Float32Array(idx.length * per);
          const yb = new Int32Array(idx.length);
          idx.forEach((r, j) => {
            xb.set(data.x.subarray(r * per, (r + 1) * per), j * per);
            yb[j] = data.y[r];
          });
          const batchShape = [idx.length, ...data.shape.slice(1)];
          if (opts.augment) augmentBatch(xb, batchShape, opts.augment, createRng(`${opts.seed}:${phase}:${epoch}:${s}:augment`));
          rate = lr * lrFactor(opts.lrSchedule, (epoch - 1) * stepsPerEpoch + s, totalSteps, stepsPerEpoch);
          optimizer.learningRate = rate;
          const [loss, hits] = trainer ? await onnxStep(trainer, xb, yb, rate) : tf.tidy(() => {
            const xs = tf.tensor(xb, batchShape);
            const ys = tf.tensor1d(yb, 'int32');
            let targets = tf.cast(tf.oneHot(ys, numClasses), 'float32');
            if (smoothing > 0) targets = tf.add(tf.mul(targets, 1 - smoothing), smoothing / numClasses);
            const sampleW = tf.gather(weightsPerClass, ys);
            let probs: tf.Tensor | undefined;
            let dataLoss: tf.Scalar | undefined;
            const { grads } = tf.variableGrads(() => {
              const p = model.apply(xs, { training: true }) as tf.Tensor;
              probs = tf.keep(p);
              const ce = weightedCrossEntropy(p, targets, sampleW);
              dataLoss = tf.keep(ce);
              const extra = opts.penalty?.loss(groups.vars);
              return extra ? tf.add(ce, extra) : ce;
            }, groups.vars);
            optimizer.applyGradients(groups.vars.map((v) => ({ variable: v, gradient: grads[v.name], multiplier: groups.multiplier.get(v) ?? 1 })));
            const hit = tf.sum(tf.cast(tf.equal(tf.argMax(probs!, 1), ys), 'float32'));
            const result = [dataLoss!.dataSync()[0], hit.dataSync()[0]];
            probs!.dispose();
            dataLoss!.dispose();
            return result;
          });
          if (!Number.isFinite(loss)) throw divergedError(`the training loss became ${loss}`, phase, epoch, lr);
          lossSum += loss * idx.length;
          correct += hits;
          steps++;
          opts.onStep?.(s + 1, stepsPerEpoch);
        }
      } finally {
        restoreRandom?.();
      }
      trainer?.writeBack();
      const record: EpochRecord = { phase, epoch, loss: lossSum / n, accuracy: correct / n, learningRate: rate, seconds: 0 };
      if (opts.val) {
        const v = trainer ? scoreProbs(await trainer.predict(opts.val.x, opts.val.y.length), opts.val.y, numClasses) : evaluateLoss(model, opts.val, numClasses);
        record.valLoss = v.loss;
        record.valAccuracy = v.accuracy;
      }
      record.seconds = (performance.now() - t0) / 1000;
      // Divergence can hide behind a finite-looking loss (e.g. the wasm backend's clipByValue
      // turns NaN into the clip bound), so the weights themselves are checked too: a model with
      // a non-finite weight never reaches onEpoch (which saves checkpoints) or the caller.
      if (!Number.isFinite(record.loss)) throw divergedError(`the training loss became ${record.loss}`, phase, epoch, lr);
      if (record.valLoss !== undefined && !Number.isFinite(record.valLoss)) throw divergedError(`the validation loss became ${record.valLoss}`, phase, epoch, lr);
      const bad = nonFiniteWeight(model);
      if (bad) throw divergedError(`weight "${bad}" holds NaN or infinite values`, phase, epoch, lr);
      history.push(record);

      const monitored = record.valLoss ?? record.loss;
      const improved = monitored < best.loss - 1e-6;
      if (improved) {
        best = { loss: monitored, epoch, weights: opts.val ? snapshotWeights(model) : undefined };
        stale = 0;
      }
      await opts.onEpoch?.(record, { best: improved, checkpoint: () => checkpointOf(improved, epoch) });
      if (!improved && opts.val && ++stale >= patience) {
        stoppedEarly = true;
        break;
      }
    }
    const lastEpoch = history.at(-1)?.epoch ?? startEpoch - 1;
    if (best.weights && best.epoch !== lastEpoch) restoreWeights(model, best.weights);
    const result: TrainResult = { history, bestEpoch: best.weights ? best.epoch : lastEpoch, stoppedEarly, steps, engine };
    if (engineFallback !== undefined) result.engineFallback = engineFallback;
    return result;
  } finally {
    optimizer.dispose();
    weightsPerClass.dispose();
    await trainer?.dispose();
  }
}

/** One step on the ONNX engine, as `[loss, correct]`. */
async function onnxStep(trainer: OnnxTrainer, xb: Float32Array, yb: Int32Array, rate: number): Promise<[number, number]> {
  const r = await trainer.step(xb, yb, rate);
  return [r.loss, r.correct];
}

/**
 * What an ONNX trainer compiles from the model besides its weights' values: which variables
 * train (with their learning-rate multipliers) and which BatchNorm layers are pinned in
 * inference mode. A new trainer is made when it changes (e.g. gradual unfreezing).
 */
function trainableKey(model: tf.LayersModel, groups: { vars: tf.Variable[]; multiplier: Map<tf.Variable, number> }): string {
  const pinned: string[] = [];
  const visit = (layers: tf.layers.Layer[]) => {
    for (const layer of layers) {
      if (layer instanceof tf.LayersModel) visit(layer.layers);
      else if ((layer as unknown as Record<symbol, unknown>)[Symbol.for('transferkit.bnInference')] === true) pinned.push(layer.name);
    }
  };
  visit(model.layers);
  return JSON.stringify([groups.vars.map((v) => [v.name, groups.multiplier.get(v) ?? 1]), pinned]);
}

/** The TRAINING_DIVERGED error: what became non-finite, where, and at which learning rate. */
function divergedError(what: string, phase: string, epoch: number, lr: number): TransferkitError {
  return new TransferkitError('TRAINING_DIVERGED', `Training diverged in ${phase} epoch ${epoch} at learning rate ${formatRate(lr)}: ${what}`, {
    where: `${phase} phase, epoch ${epoch}`,
    hint: `Lower \`learningRate\` (e.g. to ${formatRate(lr / 10)}), or check the inputs for extreme values. Nothing from the diverged epoch was saved.`,
  });
}

/**
 * A learning rate for messages: `0.001`, `1e+20`, `2.5e-7`.
 *
 * @example
 * ```ts
 * formatRate(1e20); // '1e+20'
 * ```
 */
export function formatRate(lr: number): string {
  const a = Math.abs(lr);
  return a !== 0 && (a >= 1e6 || a < 1e-4) ? Number(lr.toPrecision(3)).toExponential() : String(Number(lr.toPrecision(6)));
}

/**
 * The name of the first weight of the model (trainable or not, e.g. BatchNorm statistics) that
 * holds NaN or ±Infinity, or `undefined` when every weight is finite. One reduction per weight
 * and a single read back, so it is cheap enough to run after every epoch.
 *
 * @example
 * ```ts
 * if (nonFiniteWeight(model)) throw new Error('diverged');
 * ```
 */
export function nonFiniteWeight(model: tf.LayersModel): string | undefined {
  const weights = stableWeights(model);
  if (weights.length === 0) return undefined;
  const ok = tf.tidy(() => tf.stack(weights.map((w) => tf.all(tf.isFinite(w.read())))));
  const flags = ok.dataSync();
  ok.dispose();
  const i = flags.findIndex((f) => !f);
  return i < 0 ? undefined : weights[i].name;
}

/** The variables that train now, with each one's learning-rate multiplier (from its layer). */
function trainableGroups(model: tf.LayersModel, layerLr: Map<string, number> | undefined): { vars: tf.Variable[]; multiplier: Map<tf.Variable, number> } {
  const vars: tf.Variable[] = [];
  const multiplier = new Map<tf.Variable, number>();
  const seen = new Set<tf.Variable>();
  const visit = (layers: tf.layers.Layer[], factor: number | undefined) => {
    for (const layer of layers) {
      const f = layerLr?.get(layer.name) ?? factor;
      if (layer instanceof tf.LayersModel) {
        visit(layer.layers, f);
        continue;
      }
      for (const w of layer.trainableWeights) {
        const v = (w as unknown as { val: tf.Variable }).val;
        if (seen.has(v)) continue;
        seen.add(v);
        vars.push(v);
        if (f !== undefined && f !== 1) multiplier.set(v, f);
      }
    }
  };
  if (model.trainable) visit(model.layers, undefined);
  return { vars, multiplier };
}

/** One variable's update in {@link AdamW.applyGradients}. */
export interface VariableUpdate {
  variable: tf.Variable;
  /** Its gradient; `undefined` or `null` skips the variable this step. */
  gradient: tf.Tensor | null | undefined;
  /** Learning-rate multiplier (default 1). */
  multiplier?: number;
}

/**
 * Adam with decoupled weight decay (AdamW, Loshchilov & Hutter) and a learning rate per
 * variable. Moments are kept per variable, with their own step count, so variables can join
 * later (gradual unfreezing) with correct bias correction. Without weight decay and with
 * multiplier 1 it computes exactly what `tf.train.adam` does.
 *
 * @example
 * ```ts
 * const opt = new AdamW({ learningRate: 1e-3, weightDecay: 1e-2 });
 * const { grads } = tf.variableGrads(loss, vars);
 * opt.applyGradients(vars.map((v) => ({ variable: v, gradient: grads[v.name] })));
 * ```
 */
export class AdamW {
  /** Base learning rate; may change between steps (schedules). */
  learningRate: number;
  readonly weightDecay: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly slots = new Map<tf.Variable, { m: tf.Variable; v: tf.Variable; acc1: number; acc2: number }>();

  constructor(opts: { learningRate: number; weightDecay?: number; beta1?: number; beta2?: number; epsilon?: number }) {
    this.learningRate = opts.learningRate;
    this.weightDecay = opts.weightDecay ?? 0;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? tf.backend().epsilon();
  }

  /** One step over the given variables (in a `tf.tidy`). */
  applyGradients(updates: VariableUpdate[]): void {
    tf.tidy(() => {
      for (const { variable, gradient, multiplier } of updates) {
        if (gradient == null) continue;
        let slot = this.slots.get(variable);
        if (!slot) {
          slot = { m: tf.keep(tf.variable(tf.zerosLike(variable), false)), v: tf.keep(tf.variable(tf.zerosLike(variable), false)), acc1: Math.fround(this.beta1), acc2: Math.fround(this.beta2) };
          this.slots.set(variable, slot);
        }
        const lr = this.learningRate * (multiplier ?? 1);
        // the same operations, in the same order and precision, as tf.train.adam
        const oneMinusAcc1 = Math.fround(1 - slot.acc1);
        const oneMinusAcc2 = Math.fround(1 - slot.acc2);
        const m = tf.add(tf.mul(slot.m, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const v = tf.add(tf.mul(slot.v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        const mHat = tf.div(m, oneMinusAcc1);
        const vHat = tf.div(v, oneMinusAcc2);
        slot.m.assign(m);
        slot.v.assign(v);
        let value = tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -lr), variable);
        if (this.weightDecay > 0 && variable.rank >= 2) value = tf.sub(value, tf.mul(variable, lr * this.weightDecay));
        variable.assign(value);
        slot.acc1 = Math.fround(slot.acc1 * Math.fround(this.beta1));
        slot.acc2 = Math.fround(slot.acc2 * Math.fround(this.beta2));
      }
    });
  }

  /**
   * The moments and step counts per variable name (TF.js layout), as {@link TrainCheckpoint}
   * keeps them.
   *
   * @example
   * ```ts
   * const state = opt.exportState(); // Map { 'dense_Dense1/kernel' => { m, v, acc1, acc2 } }
   * ```
   */
  exportState(): Map<string, AdamSlot> {
    const out = new Map<string, AdamSlot>();
    for (const [variable, s] of this.slots) out.set(variable.name, { m: s.m.dataSync().slice() as Float32Array, v: s.v.dataSync().slice() as Float32Array, acc1: s.acc1, acc2: s.acc2 });
    return out;
  }

  /**
   * Restores moments saved by {@link exportState} for the model's weights of the same name and
   * size (others start afresh).
   *
   * @example
   * ```ts
   * opt.importState(model, saved);
   * ```
   */
  importState(model: tf.LayersModel, state: Map<string, AdamSlot>): void {
    for (const w of model.weights) {
      const variable = (w as unknown as { val?: tf.Variable }).val;
      const saved = variable && state.get(variable.name);
      if (!variable || !saved || saved.m.length !== variable.size) continue;
      this.slots.get(variable)?.m.dispose();
      this.slots.get(variable)?.v.dispose();
      const moments = tf.tidy(() => ({ m: tf.variable(tf.tensor(saved.m, variable.shape), false), v: tf.variable(tf.tensor(saved.v, variable.shape), false) }));
      this.slots.set(variable, { ...moments, acc1: saved.acc1, acc2: saved.acc2 });
    }
  }

  /** Frees the moment variables. */
  dispose(): void {
    for (const s of this.slots.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.slots.clear();
  }
}

/**
 * Mean of `−w_i · log p_i[y_i]`, with probabilities clipped away from 0.
 *
 * @example
 * ```ts
 * const loss = weightedCrossEntropy(probs, oneHotLabels, tf.onesLike(weights));
 * ```
 */
export function weightedCrossEntropy(probs: tf.Tensor, oneHot: tf.Tensor, sampleWeights: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.log(tf.clipByValue(probs, 1e-7, 1));
    const picked = tf.sum(tf.mul(logp, oneHot), 1);
    return tf.neg(tf.mean(tf.mul(picked, sampleWeights))) as tf.Scalar;
  });
}

/**
 * Class weights `n / (k · count_c)` (scikit-learn's "balanced"), so each class carries equal total weight.
 *
 * @example
 * ```ts
 * balancedClassWeights(Int32Array.from([0, 0, 0, 1]), 2); // [0.667, 2]
 * ```
 */
export function balancedClassWeights(y: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const c of y) counts[c]++;
  return counts.map((c) => (c ? y.length / (numClasses * c) : 0));
}

function evaluateLoss(model: tf.LayersModel, data: TensorData, k: number): { loss: number; accuracy: number } {
  return scoreProbs(predictProbs(model, data), data.y, k);
}

/** Mean cross-entropy (probabilities clipped to [1e-7, 1]) and accuracy of softmax outputs. */
function scoreProbs(probs: Float32Array, y: Int32Array, k: number): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    const label = y[i];
    loss -= Math.log(Math.min(1, Math.max(1e-7, probs[i * k + label])));
    let arg = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + arg]) arg = c;
    if (arg === label) correct++;
  }
  return { loss: loss / n, accuracy: correct / n };
}

function checkLabels(y: Int32Array, k: number, what: string): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0 || y[i] >= k) {
      throw new TransferkitError('BAD_LABEL', `Example ${i} of the ${what} has label index ${y[i]}, outside the model's ${k} classes`, {
        hint: 'Every training example needs a label from the model’s class list.',
      });
    }
  }
}

/**
 * Copies every weight of the model into plain arrays.
 *
 * @example
 * ```ts
 * const saved = snapshotWeights(model); // … train …
 * restoreWeights(model, saved);
 * ```
 */
export function snapshotWeights(model: tf.LayersModel): Float32Array[] {
  return stableWeights(model).map((w) => w.read().dataSync().slice() as Float32Array);
}

/**
 * Writes arrays taken by {@link snapshotWeights} back into the model.
 *
 * @example
 * ```ts
 * restoreWeights(model, snapshotWeights(model));
 * ```
 */
export function restoreWeights(model: tf.LayersModel, values: Float32Array[]): void {
  stableWeights(model).forEach((w, i) => {
    const t = tf.tensor(values[i], w.shape as number[]);
    w.write(t);
    t.dispose();
  });
}

/** The model's weights in creation order: `model.weights` lists trainable weights first, so its order changes when layers are (un)frozen. */
function stableWeights(model: tf.LayersModel): tf.LayerVariable[] {
  return [...model.weights].sort((a, b) => a.id - b.id);
}
