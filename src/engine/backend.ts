/**
 * Chooses and starts the TensorFlow.js backend transferkit trains on.
 *
 * Order of preference (see DESIGN.md, "Ground rules for the engine"):
 * 1. `tensorflow` — `@tensorflow/tfjs-node`, only when the user has installed it (it is
 *    never a dependency and never `require`d; a dynamic import is tried in try/catch);
 * 2. `wasm` — `@tensorflow/tfjs-backend-wasm` (SIMD), the default on Node, with the
 *    training kernels of `./kernels/` registered;
 * 3. `cpu` — pure JS, ~150× slower for CNN training; a fallback only.
 *
 * Separately, which engine runs *training steps* (`initEngine({ training: 'onnx' | 'tfjs' })`,
 * default onnx: the ONNX training engine on onnxruntime-node, falling back to TF.js for what it
 * cannot compile) is chosen in `./training-engine.ts` and re-exported here.
 *
 * All state here is module-level, which in Node means *per thread*: tfjs's engine and
 * kernel registry live on each worker_thread's own `globalThis`, so a worker that trains
 * a data-parallel shard must call {@link initEngine} itself; nothing is shared.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../errors.ts';
import { registerWasmTrainingKernels } from './kernels/register.ts';
import { setTrainingEngine, type TrainingEngine } from './training-engine.ts';

export { setTrainingEngine, trainingEngine, trainingSetting, parseTrainingEngine, TRAINING_ENGINES, type TrainingEngine, type TrainingEngineChoice } from './training-engine.ts';

/**
 * The backends transferkit knows how to run on.
 *
 * @example
 * ```ts
 * const name: BackendName = 'wasm';
 * ```
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Every valid value of `initEngine({ backend })` and `TRANSFERKIT_BACKEND`. */
const VALID_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/**
 * What {@link initEngine} chose and set up.
 *
 * @example
 * ```ts
 * const info: EngineInfo = await initEngine();
 * console.log(`${info.backend} (tfjs ${info.tfjsVersion})`);
 * if (info.fallbackReason) console.warn(info.fallbackReason);
 * ```
 */
export interface EngineInfo {
  /** The backend tfjs now runs on. */
  backend: BackendName;
  /** The tfjs-core version, e.g. `'4.22.0'`. */
  tfjsVersion: string;
  /** Kernels transferkit registered for this backend (empty except for `wasm`). */
  kernelsRegistered: string[];
  /** Set when the backend is not the one asked for (or preferred), with the reason. */
  fallbackReason?: string;
}

/**
 * Options of {@link initEngine}.
 *
 * @example
 * ```ts
 * const opts: InitEngineOptions = { backend: 'cpu' };
 * await initEngine(opts);
 * ```
 */
export interface InitEngineOptions {
  /**
   * Which backend to use. Default: env `TRANSFERKIT_BACKEND`, else `'auto'`
   * (tensorflow if installed, else wasm, else cpu).
   */
  backend?: BackendName | 'auto';
  /**
   * Which engine runs the training steps of `trainModel` on this thread: `'onnx'` (the
   * compiled training step on onnxruntime-node, about 10× faster) or `'tfjs'`. Default: env
   * `TRANSFERKIT_ENGINE`, else `'onnx'`, falling back to TF.js for a model or option the ONNX
   * engine cannot train. Set explicitly to `'onnx'`, such a fallback is an error instead.
   * See `./training-engine.ts`.
   */
  training?: TrainingEngine;
}

// Per-thread engine state (module-level; see the module comment on worker_threads).
let current: EngineInfo | undefined;
/** What the call that produced `current` asked for ('auto' or a backend name). */
let currentRequest: BackendName | 'auto' | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Starts the engine: picks a backend, registers the wasm training kernels when needed,
 * and makes it tfjs's active backend. Idempotent: a second call returns the same
 * `EngineInfo` object unless a different backend is asked for (a call with no option and
 * no env var keeps whatever is running; an explicit `'auto'` re-resolves unless the
 * running engine came from `'auto'` too). Concurrent calls are serialised.
 *
 * - `opts.backend`, else env `TRANSFERKIT_BACKEND`, else `'auto'`.
 * - An unknown name rejects with `TransferkitError('UNKNOWN_BACKEND')`.
 * - `'tensorflow'` asked explicitly but not installed rejects with
 *   `TransferkitError('BACKEND_UNAVAILABLE')`.
 * - If wasm cannot start, the engine falls back to cpu and says why in `fallbackReason`.
 *
 * @example
 * ```ts
 * import { initEngine } from './engine/backend.ts';
 * const info = await initEngine();                       // auto
 * await initEngine({ backend: 'cpu' });                   // force the JS backend
 * await initEngine({ training: 'tfjs' });                 // train on TF.js, not onnxruntime
 * // TRANSFERKIT_BACKEND=cpu transferkit fit …          // same, from the shell
 * ```
 */
export async function initEngine(opts: InitEngineOptions = {}): Promise<EngineInfo> {
  if (opts.training !== undefined) setTrainingEngine(opts.training);
  const run = queue.then(() => initEngineNow(opts));
  queue = run.catch(() => undefined);
  return run;
}

/**
 * The `EngineInfo` of the last successful {@link initEngine} on this thread, or
 * `undefined` if the engine was not started yet.
 *
 * @example
 * ```ts
 * if (engineInfo() === undefined) await initEngine();
 * console.log(engineInfo()!.backend);
 * ```
 */
export function engineInfo(): EngineInfo | undefined {
  return current;
}

/**
 * Makes sure the engine runs before tfjs is touched, and returns it: the first call on a thread
 * starts it exactly as `initEngine()` would (env `TRANSFERKIT_BACKEND`, else the fastest
 * backend available: tensorflow if installed, else wasm); later calls return the running
 * engine, so an earlier explicit `initEngine({ backend })` is kept (even when
 * `TRANSFERKIT_BACKEND` says otherwise) and re-activated if tfjs was switched away from it.
 *
 * Every public entry point that runs tfjs (`fit`, `evaluateModel`, `explain`, `adapt`, …) calls
 * it first, so a program need not call {@link initEngine} at all. Without it, tfjs would start
 * on its first tensor with the pure-JS `cpu` backend (20–150× slower) and print its "install
 * tfjs-node" banner; here the chosen backend is active before any tensor exists, so the banner
 * never prints. Cheap after the first call (no await on the engine queue).
 *
 * @example
 * ```ts
 * import { ensureEngine } from './engine/backend.ts';
 * export async function myEntryPoint(): Promise<void> {
 *   await ensureEngine(); // first thing, before any tensor
 *   // … tfjs work …
 * }
 * ```
 */
export function ensureEngine(): Promise<EngineInfo> {
  if (current !== undefined && tf.getBackend() === current.backend) return Promise.resolve(current);
  const run = queue.then(async () => {
    if (current === undefined) return initEngineNow({});
    // started before, but tfjs was switched to another backend since: back to the chosen one
    if (tf.getBackend() === current.backend || (await trySetBackend(current.backend))) return current;
    return initEngineNow({ backend: current.backend });
  });
  queue = run.catch(() => undefined);
  return run;
}

async function initEngineNow(opts: InitEngineOptions): Promise<EngineInfo> {
  const fromEnv = process.env.TRANSFERKIT_BACKEND?.trim();
  const raw: string = opts.backend ?? (fromEnv ? fromEnv : 'auto');
  const where = opts.backend !== undefined ? 'initEngine({ backend })' : 'env TRANSFERKIT_BACKEND';
  if (!(VALID_CHOICES as readonly string[]).includes(raw)) {
    throw new TransferkitError(
      'UNKNOWN_BACKEND',
      `Unknown backend "${raw}". Valid backends: ${VALID_CHOICES.join(', ')}.`,
      { where, hint: `Use one of ${VALID_CHOICES.map((c) => `"${c}"`).join(', ')} ("auto" picks the fastest available).` },
    );
  }
  const choice = raw as BackendName | 'auto';
  const unspecified = opts.backend === undefined && !fromEnv;

  // Idempotence: nothing asked (just "make sure it runs"), the same request again, or the
  // backend we are already on → the same info (re-activated if someone switched tfjs away).
  if (current !== undefined && (unspecified || choice === currentRequest || choice === current.backend)) {
    if (tf.getBackend() === current.backend) return current;
    if (await trySetBackend(current.backend)) return current;
  }

  let info: EngineInfo;
  if (choice === 'cpu') {
    info = await startCpu();
  } else if (choice === 'wasm') {
    info = await startWasm();
  } else if (choice === 'tensorflow') {
    const reason = await startTensorflow();
    if (reason !== undefined) {
      throw new TransferkitError('BACKEND_UNAVAILABLE', `The "tensorflow" backend is not available: ${reason}`, {
        where,
        hint: 'Install @tensorflow/tfjs-node yourself (its install downloads libtensorflow), or use "wasm" / "auto".',
      });
    }
    info = makeInfo('tensorflow', []);
  } else {
    const reason = await startTensorflow();
    if (reason === undefined) {
      info = makeInfo('tensorflow', []);
    } else if (reason === NOT_INSTALLED) {
      // The normal case on Node without tfjs-node: wasm is the default, not a fallback.
      info = await startWasm();
    } else {
      info = await startWasm();
      info.fallbackReason = [`tensorflow backend failed: ${reason}`, info.fallbackReason].filter(Boolean).join('; ');
    }
  }
  current = info;
  currentRequest = choice;
  return info;
}

const NOT_INSTALLED = '@tensorflow/tfjs-node is not installed';

function makeInfo(backend: BackendName, kernelsRegistered: string[], fallbackReason?: string): EngineInfo {
  const info: EngineInfo = { backend, tfjsVersion: tf.version_core, kernelsRegistered };
  if (fallbackReason !== undefined) info.fallbackReason = fallbackReason;
  return info;
}

async function trySetBackend(name: string): Promise<boolean> {
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

async function startCpu(reason?: string): Promise<EngineInfo> {
  if (!(await trySetBackend('cpu'))) {
    throw new TransferkitError('BACKEND_UNAVAILABLE', 'Could not start even the cpu backend of TensorFlow.js.', {
      where: 'initEngine',
      hint: 'Check that @tensorflow/tfjs is installed and not duplicated (npm ls @tensorflow/tfjs-core).',
    });
  }
  return makeInfo('cpu', [], reason);
}

async function startWasm(): Promise<EngineInfo> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    return startCpu(`wasm backend could not be loaded (${errorText(err)}); using cpu`);
  }
  let kernels: string[];
  try {
    kernels = registerWasmTrainingKernels();
  } catch (err) {
    return startCpu(`wasm training kernels could not be registered (${errorText(err)}); using cpu`);
  }
  let failure: string | undefined;
  try {
    if (!(await tf.setBackend('wasm')) || tf.getBackend() !== 'wasm') failure = 'tf.setBackend("wasm") returned false';
  } catch (err) {
    failure = errorText(err);
  }
  if (failure !== undefined) return startCpu(`wasm backend failed to initialise (${failure}); using cpu`);
  return makeInfo('wasm', kernels);
}

/** Tries tfjs-node; returns `undefined` on success, else why not. */
async function startTensorflow(): Promise<string | undefined> {
  // A variable specifier: tfjs-node is optional and never resolved at type-check or bundle time.
  const specifier = '@tensorflow/tfjs-node';
  try {
    await import(specifier);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return NOT_INSTALLED;
    return `@tensorflow/tfjs-node could not be loaded (${errorText(err)})`;
  }
  if (!(await trySetBackend('tensorflow'))) return 'tf.setBackend("tensorflow") failed';
  return undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
