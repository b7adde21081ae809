/**
 * Training a multi-task model on TF.js: mini-batch AdamW on `Σ_t w_t · CE_t` (fixed weights)
 * or `Σ_t exp(−s_t) · CE_t + s_t` (uncertainty weighting), early stopping on the summed
 * validation cross-entropy. The ONNX training engine compiles single-softmax models only, so
 * multi-task training always runs on TF.js.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { createRng } from '../../util/random.ts';
import { AdamW, formatRate, nonFiniteWeight, restoreWeights, snapshotWeights } from '../train.ts';
import { predictTasks, taskLoss, type MultiTaskData } from './evaluate.ts';
import { checkWeights, fixedWeightLoss, taskWeights, uncertaintyLoss, type Weighting } from './loss.ts';

/** Options of {@link trainMultiTask}. */
export interface MultiTaskTrainOptions {
  epochs: number;
  /** Seeds the per-epoch shuffles. */
  seed: number;
  weighting: Weighting;
  /** Default 32. */
  batchSize?: number;
  /** AdamW learning rate of the network; default 1e-3. */
  learningRate?: number;
  /** Learning rate of the log-variances `s_t` (uncertainty weighting); default 10× `learningRate`, so the weights settle within a short training. */
  logVarLearningRate?: number;
  /** Decoupled weight decay of kernels; default 0. */
  weightDecay?: number;
  /** Validation data for early stopping on `Σ_t CE_t`; without it the last epoch's weights are kept. */
  val?: MultiTaskData;
  /** Epochs without a lower validation loss before stopping (default 5); the best weights are restored. */
  patience?: number;
  /** Called after every epoch. */
  onEpoch?: (record: MultiTaskEpoch) => void;
  /** Called after every step with the steps done in this epoch and per epoch. */
  onStep?: (done: number, total: number) => void;
}

/** One epoch of multi-task training. */
export interface MultiTaskEpoch {
  epoch: number;
  /** Mean training objective (the weighted sum, with the `+ s_t` terms under uncertainty weighting). */
  loss: number;
  /** Mean training cross-entropy per task. */
  taskLoss: number[];
  /** Validation cross-entropy and accuracy per task. */
  valTaskLoss?: number[];
  valAccuracy?: number[];
  /** `Σ_t valTaskLoss[t]`: what early stopping watches. */
  valLoss?: number;
  /** Effective loss weight of each task at the epoch's end (`exp(−s_t)` under uncertainty weighting). */
  weights: number[];
  seconds: number;
}

/** What {@link trainMultiTask} did. */
export interface MultiTaskTrainResult {
  history: MultiTaskEpoch[];
  /** Epoch whose weights the model holds now. */
  bestEpoch: number;
  stoppedEarly: boolean;
  steps: number;
  /** Effective task weights of the kept epoch (learned ones under uncertainty weighting). */
  weights: number[];
  /** The learned log-variances `s_t` of the kept epoch (uncertainty weighting only). */
  logVars?: number[];
  engine: 'tfjs';
}

/**
 * Trains a model with one softmax output per task (`model.outputs[t]` ↔ `data.labels[t]`).
 * Each task's cross-entropy is averaged over the batch's examples labelled for it. Every step
 * runs in `tf.tidy`; the live tensor count is flat across steps once AdamW has made its slots.
 * The same seed gives the same result.
 *
 * @throws TransferkitError `SHAPE_MISMATCH` (labels vs outputs), `BAD_LABEL`, `BAD_OPTION`
 *   (weights), `NOTHING_TO_TRAIN`, `TRAINING_DIVERGED`.
 * @example
 * ```ts
 * const res = await trainMultiTask(model, { x, shape, labels: [classY, groupY] }, { epochs: 20, seed: 1, weighting: { kind: 'uncertainty' }, val });
 * res.weights; // learned e.g. [0.71, 1.9]
 * ```
 */
export async function trainMultiTask(model: tf.LayersModel, data: MultiTaskData, opts: MultiTaskTrainOptions): Promise<MultiTaskTrainResult> {
  const ks = model.outputs.map((o) => Number(o.shape.at(-1)));
  const T = ks.length;
  checkData(data, ks, 'training data');
  if (opts.val) checkData(opts.val, ks, 'validation data');
  const names = model.outputs.map((_, t) => `task ${t + 1}`);
  if (opts.weighting.kind === 'fixed' && opts.weighting.weights) checkWeights(opts.weighting.weights, names);
  const n = data.shape[0];
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? 32, n));
  const lr = opts.learningRate ?? 1e-3;
  const patience = opts.patience ?? 5;
  const fixed = opts.weighting.kind === 'fixed' ? taskWeights(opts.weighting, T) : undefined;
  const vars = trainableVariables(model);
  if (vars.length === 0) throw new TransferkitError('NOTHING_TO_TRAIN', 'Every layer of the multi-task model is frozen', { hint: 'Let the heads (at least) train.' });
  const logVars = fixed ? undefined : tf.tidy(() => tf.variable(tf.zeros([T]) as tf.Tensor1D, true, `multitask_logvars_${Date.now()}_${Math.random()}`));
  const optimizer = new AdamW({ learningRate: lr, weightDecay: opts.weightDecay ?? 0 });
  const varLr = (opts.logVarLearningRate ?? 10 * lr) / lr;
  const per = n > 0 ? data.x.length / n : 0;
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const history: MultiTaskEpoch[] = [];
  let best = { loss: Infinity, epoch: 0, weights: undefined as Float32Array[] | undefined, logVars: undefined as number[] | undefined };
  let stale = 0;
  let steps = 0;
  let stoppedEarly = false;
  const readLogVars = () => (logVars ? Array.from(logVars.dataSync()) : undefined);
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const t0 = performance.now();
      const order = createRng(`${opts.seed}:multitask:${epoch}`).shuffle(Array.from({ length: n }, (_, i) => i));
      let lossSum = 0;
      const ceSum = new Array<number>(T).fill(0);
      for (let s = 0; s < stepsPerEpoch; s++) {
        const idx = order.slice(s * batchSize, (s + 1) * batchSize);
        const xb = new Float32Array(idx.length * per);
        idx.forEach((r, j) => xb.set(data.x.subarray(r * per, (r + 1) * per), j * per));
        const yb = data.labels.map((y) => Int32Array.from(idx, (r) => y[r]));
        const values = tf.tidy(() => {
          const xs = tf.tensor(xb, [idx.length, ...data.shape.slice(1)]);
          let ces: tf.Tensor | undefined;
          const { value, grads } = tf.variableGrads(() => {
            const out = model.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[];
            const probs = Array.isArray(out) ? out : [out];
            const each = probs.map((p, t) => maskedCrossEntropy(p, yb[t], ks[t]));
            ces = tf.keep(tf.stack(each));
            return fixed ? fixedWeightLoss(each, fixed) : uncertaintyLoss(each, logVars!);
          }, logVars ? [...vars, logVars] : vars);
          optimizer.applyGradients([...vars.map((v) => ({ variable: v, gradient: grads[v.name] })), ...(logVars ? [{ variable: logVars, gradient: grads[logVars.name], multiplier: varLr }] : [])]);
          const read = [value.dataSync()[0], ...ces!.dataSync()];
          ces!.dispose();
          return read;
        });
        if (!Number.isFinite(values[0])) throw diverged(`the training loss became ${values[0]}`, epoch, lr);
        lossSum += values[0] * idx.length;
        for (let t = 0; t < T; t++) ceSum[t] += values[1 + t] * idx.length;
        steps++;
        opts.onStep?.(s + 1, stepsPerEpoch);
      }
      const bad = nonFiniteWeight(model);
      if (bad) throw diverged(`weight "${bad}" holds NaN or infinite values`, epoch, lr);
      const record: MultiTaskEpoch = { epoch, loss: lossSum / n, taskLoss: ceSum.map((c) => c / n), weights: taskWeights(opts.weighting, T, readLogVars()), seconds: 0 };
      if (opts.val) {
        const probs = predictTasks(model, opts.val);
        const scored = probs.map((p, t) => taskLoss(p, opts.val!.labels[t], ks[t]));
        record.valTaskLoss = scored.map((v) => v.loss);
        record.valAccuracy = scored.map((v) => v.accuracy);
        record.valLoss = record.valTaskLoss.reduce((a, b) => a + b, 0);
        if (!Number.isFinite(record.valLoss)) throw diverged(`the validation loss became ${record.valLoss}`, epoch, lr);
      }
      record.seconds = (performance.now() - t0) / 1000;
      history.push(record);
      opts.onEpoch?.(record);
      const monitored = record.valLoss ?? record.loss;
      if (monitored < best.loss - 1e-6) {
        best = { loss: monitored, epoch, weights: opts.val ? snapshotWeights(model) : undefined, logVars: readLogVars() };
        stale = 0;
      } else if (opts.val && ++stale >= patience) {
        stoppedEarly = true;
        break;
      }
    }
    const last = history.at(-1)?.epoch ?? 0;
    if (best.weights && best.epoch !== last) restoreWeights(model, best.weights);
    const kept = best.weights ? best.logVars : readLogVars();
    const result: MultiTaskTrainResult = { history, bestEpoch: best.weights ? best.epoch : last, stoppedEarly, steps, weights: taskWeights(opts.weighting, T, kept), engine: 'tfjs' };
    if (kept) result.logVars = kept;
    return result;
  } finally {
    optimizer.dispose();
    logVars?.dispose();
  }
}

/**
 * Mean `−log p[y]` over the examples labelled for the task (label ≥ 0); 0 when the batch has none.
 *
 * @example
 * ```ts
 * const ce = maskedCrossEntropy(probs, Int32Array.from([2, -1, 0]), 3); // mean over examples 0 and 2
 * ```
 */
export function maskedCrossEntropy(probs: tf.Tensor, y: Int32Array, k: number): tf.Scalar {
  return tf.tidy(() => {
    const labelled = Array.from(y).filter((l) => l >= 0).length;
    // oneHot of −1 is a zero row, so unlabelled examples add nothing
    const oneHot = tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), k), 'float32');
    const picked = tf.sum(tf.mul(tf.log(tf.clipByValue(probs, 1e-7, 1)), oneHot));
    return tf.div(tf.neg(picked), Math.max(1, labelled)) as tf.Scalar;
  });
}

/** The variables behind the model's trainable weights (shared weights once). */
function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  const seen = new Set<tf.Variable>();
  for (const w of model.trainableWeights) seen.add((w as unknown as { val: tf.Variable }).val);
  return [...seen];
}

function checkData(d: MultiTaskData, ks: number[], what: string): void {
  if (d.labels.length !== ks.length) {
    throw new TransferkitError('SHAPE_MISMATCH', `The ${what} has labels for ${d.labels.length} tasks but the model has ${ks.length} heads`, { hint: 'Give one label array per task, in the order of the model\'s outputs.' });
  }
  d.labels.forEach((y, t) => {
    if (y.length !== d.shape[0]) throw new TransferkitError('LABEL_COUNT', `Task ${t + 1} of the ${what} has ${y.length} labels for ${d.shape[0]} examples`, { hint: 'Give one label per example (−1 for none).' });
    const i = y.findIndex((l) => l >= ks[t] || l < -1);
    if (i >= 0) throw new TransferkitError('BAD_LABEL', `Example ${i} of the ${what} has label index ${y[i]} for task ${t + 1}, outside its ${ks[t]} classes`, { hint: 'Every label is a class index of its task, or −1 for none.' });
  });
}

function diverged(what: string, epoch: number, lr: number): TransferkitError {
  return new TransferkitError('TRAINING_DIVERGED', `Multi-task training diverged in epoch ${epoch} at learning rate ${formatRate(lr)}: ${what}`, {
    where: `multitask, epoch ${epoch}`,
    hint: `Lower the learning rate (e.g. to ${formatRate(lr / 10)}), or check the inputs for extreme values.`,
  });
}
