/**
 * Registers the training kernels the wasm backend lacks (or has only slowly).
 *
 * Registration lives in tfjs's kernel registry, which is per thread (per
 * `globalThis`): every worker_thread that trains on wasm registers them itself, which
 * `initEngine()` does.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.ts';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.ts';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-conv2d-backprop-input.ts';
import { CONV_PADDING_PATCHES } from './conv-padding-fix.ts';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';

/**
 * The kernels transferkit registers on the wasm backend, in registration order.
 *
 * @example
 * ```ts
 * WASM_TRAINING_KERNELS.map((k) => k.kernelName); // ['Conv2DBackpropFilter', …]
 * ```
 */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/** Kernels wasm already had before we replaced or wrapped them. */
const originals = new Map<string, KernelConfig>();
/** The patched kernel configs we registered, by name (built once from wasm's originals). */
const patched = new Map<string, KernelConfig>();
/** Backends on which an original kernel's `setupFunc` has run (it binds wasm functions). */
const setUpOn = new Map<string, WeakSet<object>>();

/**
 * Registers {@link WASM_TRAINING_KERNELS} for the `wasm` backend, replacing any kernel
 * of the same name, and wraps wasm's forward convolutions with the padding fixes
 * (`CONV_PADDING_PATCHES`). Replaced configs are kept, see {@link originalWasmKernel}.
 * Idempotent; call it before or after `tf.setBackend('wasm')`.
 *
 * @returns the names of the kernels now provided by transferkit.
 * @example
 * ```ts
 * registerWasmTrainingKernels();
 * await tf.setBackend('wasm');
 * ```
 */
export function registerWasmTrainingKernels(): string[] {
  for (const config of WASM_TRAINING_KERNELS) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current != null) {
      if (!originals.has(config.kernelName)) originals.set(config.kernelName, current);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
  for (const patch of CONV_PADDING_PATCHES) {
    const name = patch.kernelName;
    const current = tf.getKernel(name, 'wasm');
    let mine = patched.get(name);
    if (current == null || current.kernelFunc === mine?.kernelFunc) continue;
    if (!originals.has(name)) originals.set(name, current);
    // The original's setupFunc runs lazily inside originalWasmKernel().
    mine ??= { kernelName: name, backendName: 'wasm', kernelFunc: patch.wrap(originalWasmKernel(name) as KernelFunc) };
    patched.set(name, mine);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(mine);
  }
  return registeredKernelNames();
}

/**
 * Names of the kernels transferkit provides on wasm: the training kernels, then the
 * forward convolutions whose padding it corrects (see `conv-padding-fix.ts`).
 *
 * @example
 * ```ts
 * registeredKernelNames(); // ['Conv2DBackpropFilter', …, 'Conv2D', …]
 * ```
 */
export function registeredKernelNames(): string[] {
  return [...WASM_TRAINING_KERNELS.map((k) => k.kernelName), ...CONV_PADDING_PATCHES.map((p) => p.kernelName)];
}

/**
 * Puts back what wasm had before {@link registerWasmTrainingKernels} (kernels it lacked
 * are removed again). For tests and benchmarks.
 *
 * @example
 * ```ts
 * unregisterWasmTrainingKernels(); // wasm's own Conv2DBackpropInput is active again
 * ```
 */
export function unregisterWasmTrainingKernels(): void {
  // A restored original may never have been set up (we replaced it before wasm started).
  const wasm = tf.findBackend('wasm') as object | null;
  const restore = (original: KernelConfig) => {
    tf.registerKernel(original);
    if (wasm != null) setUpOriginal(original.kernelName, wasm);
  };
  for (const config of WASM_TRAINING_KERNELS) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc !== config.kernelFunc) continue;
    tf.unregisterKernel(config.kernelName, 'wasm');
    const original = originals.get(config.kernelName);
    if (original != null) restore(original);
  }
  for (const patch of CONV_PADDING_PATCHES) {
    const current = tf.getKernel(patch.kernelName, 'wasm');
    const original = originals.get(patch.kernelName);
    if (current == null || original == null || current.kernelFunc !== patched.get(patch.kernelName)?.kernelFunc) continue;
    tf.unregisterKernel(patch.kernelName, 'wasm');
    restore(original);
  }
}

/**
 * The kernel function wasm itself registered under `kernelName` before transferkit
 * replaced it (e.g. `'Conv2DBackpropInput'`), or `undefined`. It runs the original's
 * `setupFunc` on first use with each backend, so it is safe to call at any time after
 * the wasm backend is ready. It returns a `TensorInfo` owned by the backend: release it
 * with `tf.backend().disposeData(info.dataId)`.
 *
 * @example
 * ```ts
 * const orig = originalWasmKernel('Conv2DBackpropInput')!;
 * const info = orig({ inputs: { dy, filter }, backend: tf.backend(), attrs });
 * tf.backend().disposeData(info.dataId);
 * ```
 */
export function originalWasmKernel(kernelName: string): KernelFunc | undefined {
  const original = originals.get(kernelName);
  if (original == null) return undefined;
  return (args) => {
    setUpOriginal(kernelName, args.backend as object);
    return original.kernelFunc(args);
  };
}

/** Runs an original kernel's `setupFunc` once per backend instance (it binds wasm functions). */
function setUpOriginal(kernelName: string, backend: object): void {
  const original = originals.get(kernelName);
  if (original?.setupFunc == null) return;
  let done = setUpOn.get(kernelName);
  if (done == null) setUpOn.set(kernelName, (done = new WeakSet()));
  if (done.has(backend)) return;
  original.setupFunc(backend as Parameters<NonNullable<KernelConfig['setupFunc']>>[0]);
  done.add(backend);
}
