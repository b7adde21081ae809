/**
 * Benchmarks the engine's convolution training path: wasm (with transferkit's kernels)
 * vs tfjs's pure-JS cpu backend, and transferkit's `Conv2DBackpropInput` vs the one
 * wasm ships (a scalar loop), on Fashion-MNIST-sized batches.
 *
 * Run alone: `node --import tsx bench/kernels.ts`; bench/run.ts calls {@link benchKernels}.
 *
 * @module
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { initEngine } from '../src/engine/backend.ts';
import { originalWasmKernel } from '../src/engine/kernels/register.ts';
import { createRng } from '../src/util/random.ts';

/**
 * One benchmark row. Times are the median wall-clock milliseconds of one call.
 *
 * @example
 * ```ts
 * const row: KernelBenchRow = { name: 'conv2d fwd+bwd …', wasmMs: 52, cpuMs: 2945, ratio: 56.6 };
 * ```
 */
export interface KernelBenchRow {
  /** What was timed, with shapes. */
  name: string;
  /** On wasm with transferkit's kernels. */
  wasmMs: number;
  /**
   * On tfjs's pure-JS cpu backend. For the training rows it is measured on a batch of
   * `cpuBatchMeasured` and scaled linearly to the full batch (conv cost is linear in the
   * batch; the full 64-batch step of the second layer takes ~45 s on cpu here).
   */
  cpuMs: number;
  /** Training rows only: the batch the cpu time was measured on, when smaller than the row's. */
  cpuBatchMeasured?: number;
  /** `cpuMs / wasmMs`: how many times faster wasm is. */
  ratio: number;
  /** Kernel rows only: wasm's own (replaced) kernel, for comparison. */
  originalWasmMs?: number;
  /** Kernel rows only: `originalWasmMs / wasmMs`. */
  speedupVsOriginal?: number;
  /** Kernel rows only: max |transferkit − original| over the output (a sanity check). */
  maxAbsDiffVsOriginal?: number;
}

/**
 * Options of {@link benchKernels}.
 *
 * @example
 * ```ts
 * await benchKernels({ wasmRuns: 3, cpuBatch: 4, log: console.error });
 * ```
 */
export interface BenchKernelsOptions {
  /** Timed runs per measurement on wasm (after one warm-up run). Default 5. */
  wasmRuns?: number;
  /** Timed runs per measurement on cpu and for the original wasm kernel. Default 1. */
  slowRuns?: number;
  /** Batch the cpu training step is measured on (then scaled to the row's batch). Default 8. */
  cpuBatch?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

type Shape4 = [number, number, number, number];

interface ConvCase {
  name: string;
  x: Shape4;
  filter: Shape4;
  stride: number;
}

const TRAIN_CASES: ConvCase[] = [
  { name: 'conv2d fwd+bwd 64×28×28×1 → 32 3×3 same', x: [64, 28, 28, 1], filter: [3, 3, 1, 32], stride: 1 },
  { name: 'conv2d fwd+bwd 64×14×14×32 → 64 3×3 same', x: [64, 14, 14, 32], filter: [3, 3, 32, 64], stride: 1 },
];

const BACKPROP_INPUT_CASES: ConvCase[] = [
  { name: 'Conv2DBackpropInput 64×14×14×32 ← 64 3×3 s1 same', x: [64, 14, 14, 32], filter: [3, 3, 32, 64], stride: 1 },
  { name: 'Conv2DBackpropInput 64×28×28×16 ← 32 3×3 s2 same', x: [64, 28, 28, 16], filter: [3, 3, 16, 32], stride: 2 },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median ms of `runs` calls of `fn` after one warm-up call (of `warmUp`, default `fn`). */
function time(fn: () => void, runs: number, warmUp: () => void = fn): number {
  warmUp();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const round = (v: number) => Math.round(v * 10) / 10;

function randomData(shape: number[], seed: string): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = rng.normal() * 0.1;
  return out;
}

/** One forward + backward step of a conv layer (dx and dfilter) on the first `batch` rows, data read back. */
function trainStep(c: ConvCase, xData: Float32Array, fData: Float32Array, batch = c.x[0]): () => void {
  const xShape: Shape4 = [batch, c.x[1], c.x[2], c.x[3]];
  const xs = xData.subarray(0, xShape.reduce((a, b) => a * b, 1));
  return () =>
    tf.tidy(() => {
      const x = tf.tensor4d(xs, xShape);
      const f = tf.tensor4d(fData, c.filter);
      const loss = (a: tf.Tensor, b: tf.Tensor) =>
        tf.mean(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, 'same')));
      const [dx, df] = tf.grads(loss)([x, f]);
      dx.dataSync();
      df.dataSync();
    });
}

function convOutShape(c: ConvCase): Shape4 {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, 'same').outShape as Shape4;
}

/**
 * Times conv2d training steps and `Conv2DBackpropInput` on wasm and cpu.
 *
 * Leaves the engine on wasm (it calls `initEngine({ backend: 'wasm' })` first and switches
 * tfjs to cpu only for the cpu timings).
 *
 * @example
 * ```ts
 * import { benchKernels } from './kernels.ts';
 * for (const r of await benchKernels()) console.log(`${r.name}: wasm ${r.wasmMs} ms, cpu ${r.cpuMs} ms (×${r.ratio})`);
 * ```
 */
export async function benchKernels(opts: BenchKernelsOptions = {}): Promise<KernelBenchRow[]> {
  const wasmRuns = opts.wasmRuns ?? 5;
  const slowRuns = opts.slowRuns ?? 1;
  const cpuBatch = opts.cpuBatch ?? 8;
  const log = opts.log ?? (() => {});
  const info = await initEngine({ backend: 'wasm' });
  if (info.backend !== 'wasm') throw new Error(`benchKernels needs the wasm backend: ${info.fallbackReason}`);
  const rows: KernelBenchRow[] = [];

  for (const c of TRAIN_CASES) {
    const xData = randomData(c.x, `${c.name}/x`);
    const fData = randomData(c.filter, `${c.name}/f`);
    await tf.setBackend('wasm');
    const wasmMs = time(trainStep(c, xData, fData), wasmRuns);
    await tf.setBackend('cpu');
    const batch = Math.min(cpuBatch, c.x[0]);
    const cpuMs = time(trainStep(c, xData, fData, batch), slowRuns, trainStep(c, xData, fData, 1)) * (c.x[0] / batch);
    await tf.setBackend('wasm');
    const row: KernelBenchRow = { name: c.name, wasmMs: round(wasmMs), cpuMs: round(cpuMs), ratio: round(cpuMs / wasmMs) };
    if (batch < c.x[0]) row.cpuBatchMeasured = batch;
    rows.push(row);
    log(`${c.name}: wasm ${row.wasmMs} ms, cpu ${row.cpuMs} ms${batch < c.x[0] ? ` (from batch ${batch})` : ''}`);
  }

  const original = originalWasmKernel('Conv2DBackpropInput');
  for (const c of BACKPROP_INPUT_CASES) {
    const dyShape = convOutShape(c);
    const dyData = randomData(dyShape, `${c.name}/dy`);
    const fData = randomData(c.filter, `${c.name}/f`);
    const attrs = { strides: c.stride, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: c.x };
    const viaEngine = () =>
      tf.tidy(() => {
        const out = tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor4d(dyData, dyShape), filter: tf.tensor4d(fData, c.filter) }, attrs as never) as tf.Tensor;
        out.dataSync();
      });

    await tf.setBackend('wasm');
    const wasmMs = time(viaEngine, wasmRuns);
    let originalWasmMs: number | undefined;
    let maxAbsDiffVsOriginal: number | undefined;
    if (original !== undefined) {
      const dy = tf.tensor4d(dyData, dyShape);
      const filter = tf.tensor4d(fData, c.filter);
      const runOriginal = (keep: boolean): Float32Array | undefined => {
        const out = original({ inputs: { dy, filter }, backend: tf.backend(), attrs: attrs as never }) as TensorInfo;
        const values = keep ? (tf.backend().readSync(out.dataId) as Float32Array).slice() : undefined;
        tf.backend().disposeData(out.dataId);
        return values;
      };
      originalWasmMs = time(() => runOriginal(false), slowRuns);
      const reference = runOriginal(true) as Float32Array;
      const mine = tf.tidy(() => (tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs as never) as tf.Tensor).dataSync());
      maxAbsDiffVsOriginal = reference.reduce((m, v, i) => Math.max(m, Math.abs(v - mine[i])), 0);
      tf.dispose([dy, filter]);
    }
    await tf.setBackend('cpu');
    const cpuMs = time(viaEngine, slowRuns);
    await tf.setBackend('wasm');
    const row: KernelBenchRow = { name: c.name, wasmMs: round(wasmMs), cpuMs: round(cpuMs), ratio: round(cpuMs / wasmMs) };
    if (originalWasmMs !== undefined) {
      row.originalWasmMs = round(originalWasmMs);
      row.speedupVsOriginal = round(originalWasmMs / wasmMs);
      row.maxAbsDiffVsOriginal = Number(maxAbsDiffVsOriginal?.toExponential(2));
    }
    rows.push(row);
    log(`${c.name}: wasm ${row.wasmMs} ms, original wasm ${row.originalWasmMs ?? '–'} ms, cpu ${row.cpuMs} ms`);
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchKernels({ log: (line) => console.error(line) });
  console.table(rows);
}
