/**
 * The engine: which TensorFlow.js backend runs (tfjs-node when installed, else WebAssembly with
 * transferkit's training kernels, else pure JS), which engine runs training steps (`onnx` by
 * default, or `tfjs`: `initEngine({ training })`, `setTrainingEngine`, `TRANSFERKIT_ENGINE`) and
 * the worker threads that run jobs side by side (they inherit both choices).
 *
 * @example
 * ```ts
 * import { initEngine } from 'transferkit/engine';
 * const info = await initEngine();
 * console.log(info.backend); // 'wasm'
 * ```
 *
 * @module
 */
export { setTrainingEngine, trainingEngine, trainingSetting, TRAINING_ENGINES, type TrainingEngine, type TrainingEngineChoice } from './training-engine.ts';
export { initEngine, ensureEngine, engineInfo, type BackendName, type EngineInfo, type InitEngineOptions } from './backend.ts';
export { WorkerPool, serveJobs, runJobs, workerBeside, type WorkerPoolOptions, type RunJobsOptions } from './worker-pool.ts';
