/**
 * Running a multi-task model: class probabilities of every head, and per-task metrics.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { classificationMetrics } from '../../measures/metrics.ts';
import type { Task } from './tasks.ts';

/** Inputs and one label array per task (`-1`: that task has no label for the example). */
export interface MultiTaskData {
  /** Row-major inputs, `shape[0]` examples. */
  x: Float32Array;
  shape: number[];
  /** `labels[t][i]`: class index of example i for task t. */
  labels: Int32Array[];
}

/** One task's scores on held-out data. */
export interface TaskScore {
  task: string;
  accuracy: number;
  macroF1: number;
  /** Mean cross-entropy (probabilities clipped to [1e-15, 1]). */
  logLoss: number;
  /** Examples with a label for this task. */
  n: number;
}

/**
 * Class probabilities of every head, in batches (no tensors left behind): `probs[t]` holds
 * `n × k_t` floats for task t.
 *
 * @example
 * ```ts
 * const [classProbs, groupProbs] = predictTasks(model, { x, shape: [n, 28, 28, 1] });
 * ```
 */
export function predictTasks(model: tf.LayersModel, data: { x: Float32Array; shape: number[] }, batchSize = 256): Float32Array[] {
  const n = data.shape[0];
  const per = n > 0 ? data.x.length / n : 0;
  const ks = model.outputs.map((o) => Number(o.shape.at(-1)));
  const out = ks.map((k) => new Float32Array(n * k));
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const parts = tf.tidy(() => {
      const xs = tf.tensor(data.x.subarray(start * per, end * per), [end - start, ...data.shape.slice(1)]);
      const ys = model.predict(xs);
      return (Array.isArray(ys) ? ys : [ys]).map((y) => y.dataSync() as Float32Array);
    });
    parts.forEach((p, t) => out[t].set(p, start * ks[t]));
  }
  return out;
}

/**
 * Accuracy, macro F1 and log loss of every task on labelled data (examples unlabelled for a
 * task are skipped for that task).
 *
 * @example
 * ```ts
 * const scores = evaluateTasks(model, test, tasks); // [{ task: 'class', accuracy: 0.81, … }, …]
 * ```
 */
export function evaluateTasks(model: tf.LayersModel, data: MultiTaskData, tasks: readonly Pick<Task, 'name' | 'classes'>[]): TaskScore[] {
  const probs = predictTasks(model, data);
  return tasks.map((t, i) => {
    const m = classificationMetrics(data.labels[i], probs[i], t.classes);
    return { task: t.name, accuracy: m.accuracy, macroF1: m.macroF1, logLoss: m.logLoss, n: m.n };
  });
}

/**
 * Mean cross-entropy of one task's probabilities over its labelled examples (clipped at 1e-7, as in training), and its accuracy.
 *
 * @example
 * ```ts
 * const { loss, accuracy } = taskLoss(probs[0], labels[0], 10);
 * ```
 */
export function taskLoss(probs: Float32Array, y: Int32Array, k: number): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    const label = y[i];
    if (label < 0) continue;
    n++;
    loss -= Math.log(Math.min(1, Math.max(1e-7, probs[i * k + label])));
    let arg = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + arg]) arg = c;
    if (arg === label) correct++;
  }
  return n === 0 ? { loss: 0, accuracy: 0 } : { loss: loss / n, accuracy: correct / n };
}
