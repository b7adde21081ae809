/**
 * The engine: which TensorFlow.js backend runs (tfjs-node when installed, else WebAssembly with
 * transferkit's training kernels, else pure JS) and the worker threads that run jobs side by side.
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
export { initEngine, ensureEngine, engineInfo, type BackendName, type EngineInfo, type InitEngineOptions } from './backend.ts';
export { WorkerPool, serveJobs, runJobs, workerBeside, type WorkerPoolOptions, type RunJobsOptions } from './worker-pool.ts';
