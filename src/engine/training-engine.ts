/**
 * Which engine runs the training steps of `trainModel`: the ONNX training engine
 * (`src/models/onnx-train`, the step compiled to one ONNX graph and run on onnxruntime-node,
 * about 10× faster than TF.js wasm) or TensorFlow.js itself.
 *
 * The rule: a per-call `TrainOptions.engine`, else the setting of this thread
 * ({@link setTrainingEngine}, `initEngine({ training })`, the CLI's `--engine`), else env
 * `TRANSFERKIT_ENGINE`, else `'onnx'`. When the ONNX engine cannot train a model or an option
 * (a layer it does not compile, LoRA, a penalty other than L2-SP), training falls back to TF.js
 * silently if onnx was only the default, and fails with a clear error if onnx was asked for.
 *
 * Kept free of TensorFlow.js imports so the CLI can apply `--engine` before loading anything.
 * Module-level state, so per thread: worker threads get the setting with each job
 * (see `runJobs`).
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';

/**
 * The engines that can run training steps.
 *
 * @example
 * ```ts
 * const e: TrainingEngine = 'onnx';
 * ```
 */
export type TrainingEngine = 'onnx' | 'tfjs';

/** Every valid value of `--engine`, `initEngine({ training })` and `TRANSFERKIT_ENGINE`. */
export const TRAINING_ENGINES: readonly TrainingEngine[] = ['onnx', 'tfjs'];

/**
 * The engine training uses now and whether someone asked for it (`explicit`: a setting or the
 * env var) or it is the default. Only an explicit `'onnx'` turns a fallback into an error.
 *
 * @example
 * ```ts
 * const { engine, explicit } = trainingEngine();
 * ```
 */
export interface TrainingEngineChoice {
  engine: TrainingEngine;
  explicit: boolean;
  /** Where it came from. */
  source: 'setting' | 'env TRANSFERKIT_ENGINE' | 'default';
}

let setting: TrainingEngine | undefined;

/**
 * Checks an engine name.
 *
 * @throws TransferkitError `BAD_OPTION` for a name other than `onnx` or `tfjs`.
 * @example
 * ```ts
 * parseTrainingEngine('onnx', '--engine'); // 'onnx'
 * ```
 */
export function parseTrainingEngine(raw: string, where: string): TrainingEngine {
  const name = raw.trim();
  if (!(TRAINING_ENGINES as readonly string[]).includes(name)) {
    throw new TransferkitError('BAD_OPTION', `Unknown training engine "${raw}". Valid engines: ${TRAINING_ENGINES.join(', ')}.`, {
      where,
      hint: '"onnx" (the default: the compiled training step on onnxruntime) or "tfjs" (TensorFlow.js).',
    });
  }
  return name as TrainingEngine;
}

/**
 * Sets this thread's training engine (`undefined` goes back to env `TRANSFERKIT_ENGINE` or the
 * default).
 *
 * @example
 * ```ts
 * setTrainingEngine('tfjs'); // every trainModel on this thread trains on TF.js
 * ```
 */
export function setTrainingEngine(engine: TrainingEngine | undefined): void {
  setting = engine === undefined ? undefined : parseTrainingEngine(engine, 'setTrainingEngine');
}

/**
 * The training engine of this thread: the setting, else env `TRANSFERKIT_ENGINE`, else `'onnx'`.
 *
 * @throws TransferkitError `BAD_OPTION` when `TRANSFERKIT_ENGINE` names no engine.
 * @example
 * ```ts
 * if (trainingEngine().engine === 'onnx') console.log('training on onnxruntime');
 * ```
 */
export function trainingEngine(): TrainingEngineChoice {
  if (setting !== undefined) return { engine: setting, explicit: true, source: 'setting' };
  const env = process.env.TRANSFERKIT_ENGINE?.trim();
  if (env) return { engine: parseTrainingEngine(env, 'env TRANSFERKIT_ENGINE'), explicit: true, source: 'env TRANSFERKIT_ENGINE' };
  return { engine: 'onnx', explicit: false, source: 'default' };
}

/**
 * What a job sent to a worker thread carries so the worker trains on the same engine: the
 * setting only (`undefined` when there is none: the worker then reads the same env var).
 *
 * @example
 * ```ts
 * pool.run({ ...job, training: trainingSetting() });
 * ```
 */
export function trainingSetting(): TrainingEngine | undefined {
  return setting;
}
