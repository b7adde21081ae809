/**
 * Saving and loading multi-task models. A multi-task model folder is an ordinary transferkit
 * model folder (`model.json` with several outputs, `weights.bin`, `transferkit.json`) whose
 * metadata adds `tasks: [{ name, classes }]` in output order; `classes` is the first task's.
 * Each head can also be saved as a plain single-output model (trunk + that head), which every
 * other command (`predict`, `evaluate`, `explain`, …) takes.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { TransferkitError } from '../../errors.ts';
import { loadModel, saveModel, type ModelMeta } from '../../models/io.ts';
import { predictTasks } from './evaluate.ts';
import type { TaskHead } from './model.ts';

/** What {@link saveMultiTaskModel} records besides the tasks. */
export interface MultiTaskMetaInput {
  /** The preprocessing (a FeatureSpec), as `saveModel` takes it. */
  features: unknown;
  name?: string;
  source?: { base?: string; strategy?: string };
  [k: string]: unknown;
}

/** A loaded multi-task model: the model, its tasks in output order, and its metadata. */
export interface LoadedMultiTaskModel {
  model: tf.LayersModel;
  tasks: TaskHead[];
  meta: ModelMeta;
  dir: string;
}

/**
 * Saves a multi-task model atomically (see `saveModel`), recording its tasks.
 *
 * @throws TransferkitError `SHAPE_MISMATCH` when the tasks do not match the model's outputs, and those of `saveModel`.
 * @example
 * ```ts
 * await saveMultiTaskModel(model, 'runs/mt/model', tasks, { features: spec, source: { base: 'digits04-cnn', strategy: 'multitask' } });
 * ```
 */
export async function saveMultiTaskModel(model: tf.LayersModel, dir: string, tasks: readonly TaskHead[], meta: MultiTaskMetaInput): Promise<ModelMeta> {
  checkHeads(model, tasks, dir, 'SHAPE_MISMATCH');
  return saveModel(model, dir, { ...meta, classes: tasks[0].classes, tasks: tasks.map((t) => ({ name: t.name, classes: t.classes })) });
}

/**
 * Saves every head as a plain single-output model `<dir>/<task>` (the shared trunk plus that
 * head; the weights are the same as the multi-task model's). Returns the folders written.
 *
 * @example
 * ```ts
 * await saveTaskHeads(model, 'runs/mt/heads', tasks, { features: spec }); // runs/mt/heads/class, runs/mt/heads/group
 * ```
 */
export async function saveTaskHeads(model: tf.LayersModel, dir: string, tasks: readonly TaskHead[], meta: MultiTaskMetaInput): Promise<string[]> {
  checkHeads(model, tasks, dir, 'SHAPE_MISMATCH');
  const out: string[] = [];
  for (const [t, task] of tasks.entries()) {
    const single = tf.model({ inputs: model.inputs, outputs: model.outputs[t], name: `${model.name}_${task.name}` });
    const path = join(dir, task.name);
    await saveModel(single, path, { ...meta, classes: task.classes, task: task.name });
    out.push(path);
  }
  return out;
}

/**
 * Loads a multi-task model folder (or a run folder's `model/`) saved by {@link saveMultiTaskModel}.
 *
 * @throws TransferkitError those of `loadModel`; `UNSUPPORTED_MODEL` when the folder holds a
 *   single-task model (no `tasks` in its metadata); `CORRUPT_MODEL` when the recorded tasks do
 *   not match the model's outputs.
 * @example
 * ```ts
 * const { model, tasks } = await loadMultiTaskModel('runs/mt/model');
 * ```
 */
export async function loadMultiTaskModel(dir: string): Promise<LoadedMultiTaskModel> {
  const loaded = await loadModel(dir);
  const raw = loaded.meta?.tasks;
  const valid = Array.isArray(raw) && raw.length > 0 && raw.every((t) => t && typeof t.name === 'string' && Array.isArray(t.classes) && t.classes.every((c: unknown) => typeof c === 'string'));
  if (!loaded.meta || !valid) {
    loaded.model.dispose();
    throw new TransferkitError('UNSUPPORTED_MODEL', `The model in ${loaded.dir} is not a multi-task model: its transferkit.json lists no tasks`, {
      where: loaded.dir,
      hint: 'Load it with loadModel (a single-task model), or pass the model/ folder of a `transferkit multitask` run.',
    });
  }
  const tasks = (raw as TaskHead[]).map((t) => ({ name: t.name, classes: [...t.classes] }));
  try {
    checkHeads(loaded.model, tasks, join(loaded.dir, 'transferkit.json'), 'CORRUPT_MODEL');
  } catch (err) {
    loaded.model.dispose();
    throw err;
  }
  return { model: loaded.model, tasks, meta: loaded.meta, dir: loaded.dir };
}

/**
 * Loads the multi-task model just saved in `dir` and checks that every head reproduces the
 * trained model's probabilities (max |Δp| < 1e-4) on up to 256 examples of `sample`.
 *
 * @throws TransferkitError `SAVED_MODEL_MISMATCH` naming the task and example that differ.
 * @example
 * ```ts
 * await verifyMultiTaskSave('runs/mt/model', model, splits.val);
 * ```
 */
export async function verifyMultiTaskSave(dir: string, model: tf.LayersModel, sample: { x: Float32Array; shape: number[] }): Promise<void> {
  const n = Math.min(sample.shape[0], 256);
  if (n === 0) return;
  const per = sample.x.length / sample.shape[0];
  const part = { x: sample.x.subarray(0, n * per), shape: [n, ...sample.shape.slice(1)] };
  const saved = await loadMultiTaskModel(dir);
  try {
    const a = predictTasks(model, part);
    const b = predictTasks(saved.model, part);
    a.forEach((p, t) => {
      const i = p.findIndex((v, j) => !(Math.abs(v - b[t][j]) < 1e-4));
      if (i >= 0) {
        const k = p.length / n;
        throw new TransferkitError('SAVED_MODEL_MISMATCH', `The model saved in ${dir} does not reproduce the trained model: task "${saved.tasks[t].name}", example ${Math.floor(i / k)} has probability ${b[t][i]} instead of ${p[i]}`, {
          where: dir,
          hint: 'Do not use this saved model; train again. If it happens again, report it with the run folder.',
        });
      }
    });
  } finally {
    saved.model.dispose();
  }
}

function checkHeads(model: tf.LayersModel, tasks: readonly TaskHead[], where: string, code: 'SHAPE_MISMATCH' | 'CORRUPT_MODEL'): void {
  const units = model.outputs.map((o) => Number(o.shape.at(-1)));
  const hint = code === 'CORRUPT_MODEL' ? 'The metadata belongs to another model; save the model again.' : 'Pass one task per model output, in output order, each with one class per unit.';
  if (units.length !== tasks.length) throw new TransferkitError(code, `The model has ${units.length} outputs but ${tasks.length} tasks are recorded`, { where, hint });
  tasks.forEach((t, i) => {
    if (units[i] !== t.classes.length) throw new TransferkitError(code, `Output ${i + 1} has ${units[i]} units but task "${t.name}" has ${t.classes.length} classes`, { where, hint });
  });
}
