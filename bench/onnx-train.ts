/**
 * Training-step throughput of the ONNX training engine (`OnnxTrainer`, onnxruntime-node with 1
 * and 2 intra-op threads, spinning off) against TF.js on the wasm backend (`trainModel`), on the
 * zoo's fashion-cnn with every layer trainable, at batch 32 and 64, plus two independent
 * 1-thread runs side by side (samples/s of both together); and inference throughput at batch
 * 256. Repetitions are interleaved (each repetition runs every engine once, in turn) so that
 * load from other processes hits all of them alike; the table gives medians, and each
 * ratio is the median of the per-repetition ratios to tfjs-wasm. PyTorch is measured only when
 * `python3 -c "import torch"` works (otherwise a note says so). Also measures where the input's
 * NHWC → NCHW transposition is cheaper: in JS or as the graph's first node.
 *
 * Run alone: `node --import tsx bench/onnx-train.ts` (writes `results/bench/onnx-train.json`).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { initEngine } from '../src/engine/backend.ts';
import { loadModel } from '../src/models/io.ts';
import { Graph } from '../src/models/onnx-train/graph.ts';
import { createTrainSession, nhwcToNchw, OnnxTrainer } from '../src/models/onnx-train/index.ts';
import { predictProbs } from '../src/models/predict-probs.ts';
import { resolveModelRef } from '../src/models/zoo.ts';
import { trainModel } from '../src/transfer/train.ts';
import { createRng } from '../src/util/random.ts';

/** One row of the benchmark. */
export interface OnnxTrainBenchRow {
  task: 'train-step' | 'inference' | 'input-transpose';
  /** `onnxruntime`, `onnxruntime, 2 runs side by side`, `tfjs-wasm`, `pytorch`, or for the transposition `js` / `graph`. */
  engine: string;
  threads: number;
  batch: number;
  /** Median samples per second (`null` when not measured; see `note`). */
  samplesPerSec: number | null;
  /** Median of the per-repetition ratios to tfjs-wasm in the same run (1 for tfjs-wasm itself). */
  ratioToTfjsWasm: number | null;
  reps: number;
  note?: string;
}

/** Options of {@link benchOnnxTrain}. */
export interface BenchOnnxTrainOptions {
  /** Interleaved repetitions (default 5). */
  reps?: number;
  /** TF.js steps per repetition (default 6). */
  tfjsSteps?: number;
  /** onnxruntime steps per repetition (default 24). */
  onnxSteps?: number;
}

/** Key of the side-by-side measurement among the thread counts. */
const SIDE_BY_SIDE = -1;

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function batchOf(x: Float32Array, y: Int32Array, idx: number[], per: number): { xb: Float32Array; yb: Int32Array } {
  const xb = new Float32Array(idx.length * per);
  const yb = new Int32Array(idx.length);
  idx.forEach((r, j) => {
    xb.set(x.subarray(r * per, (r + 1) * per), j * per);
    yb[j] = y[r];
  });
  return { xb, yb };
}

/**
 * Runs the benchmark and returns its rows.
 *
 * @example
 * ```ts
 * for (const r of await benchOnnxTrain()) console.log(r.task, r.engine, r.threads, r.batch, r.samplesPerSec, r.ratioToTfjsWasm);
 * ```
 */
export async function benchOnnxTrain(opts: BenchOnnxTrainOptions = {}): Promise<OnnxTrainBenchRow[]> {
  const reps = opts.reps ?? 5;
  const tfjsSteps = opts.tfjsSteps ?? 6;
  const onnxSteps = opts.onnxSteps ?? 24;
  await initEngine({ backend: 'wasm' });
  const ref = resolveModelRef('fashion-cnn');
  const tfModel = (await loadModel(ref)).model;
  const onnxModel = (await loadModel(ref)).model;
  const per = 784;
  const pool = 64 * Math.max(tfjsSteps, onnxSteps);
  const rng = createRng('bench-onnx-train');
  const x = Float32Array.from({ length: pool * per }, () => rng.next());
  const y = Int32Array.from({ length: pool }, () => rng.int(10));
  const rows: OnnxTrainBenchRow[] = [];

  for (const batch of [32, 64]) {
    const trainers = await Promise.all([1, 2].map(async (threads) => {
      const t = new OnnxTrainer(onnxModel, { batchSize: batch, numClasses: 10, seed: 0, threads });
      await t.prepare(batch);
      return { threads, t };
    }));
    // two independent runs side by side, one thread each (e.g. two configurations of a sweep)
    const pair = [trainers[0].t, new OnnxTrainer(onnxModel, { batchSize: batch, numClasses: 10, seed: 1, threads: 1 })];
    await pair[1].prepare(batch);
    const tfjsRun = async () => {
      const n = batch * tfjsSteps;
      const t0 = performance.now();
      await trainModel(tfModel, { x: x.subarray(0, n * per), shape: [n, 28, 28, 1], y: y.subarray(0, n) }, { epochs: 1, batchSize: batch, seed: 0, learningRate: 1e-4, engine: 'tfjs' });
      return n / ((performance.now() - t0) / 1000);
    };
    const onnxRun = async (t: OnnxTrainer) => {
      const order = createRng('order').shuffle(Array.from({ length: batch * onnxSteps }, (_, i) => i));
      const t0 = performance.now();
      for (let s = 0; s < onnxSteps; s++) {
        const { xb, yb } = batchOf(x, y, order.slice(s * batch, (s + 1) * batch), per);
        await t.step(xb, yb, 1e-4);
      }
      return (batch * onnxSteps) / ((performance.now() - t0) / 1000);
    };
    // warm-up: kernels, optimiser slots, first-run allocations
    await tfjsRun();
    for (const { t } of trainers) await onnxRun(t);
    const sideBySide = async () => {
      const t0 = performance.now();
      await Promise.all(pair.map((t) => onnxRun(t)));
      return (2 * batch * onnxSteps) / ((performance.now() - t0) / 1000);
    };
    await sideBySide();
    const tf: number[] = [];
    const on = new Map<number, { sps: number[]; ratio: number[] }>([...trainers.map(({ threads }) => [threads, { sps: [], ratio: [] }] as [number, { sps: number[]; ratio: number[] }]), [SIDE_BY_SIDE, { sps: [], ratio: [] }]]);
    for (let r = 0; r < reps; r++) {
      const got = new Map<number, number>();
      for (const { threads, t } of trainers) got.set(threads, await onnxRun(t));
      got.set(SIDE_BY_SIDE, await sideBySide());
      const base = await tfjsRun();
      tf.push(base);
      for (const [threads, v] of got) {
        on.get(threads)!.sps.push(v);
        on.get(threads)!.ratio.push(v / base);
      }
    }
    rows.push({ task: 'train-step', engine: 'tfjs-wasm', threads: 1, batch, samplesPerSec: median(tf), ratioToTfjsWasm: 1, reps });
    for (const [threads, m] of on) {
      if (threads === SIDE_BY_SIDE) rows.push({ task: 'train-step', engine: 'onnxruntime, 2 runs side by side', threads: 1, batch, samplesPerSec: median(m.sps), ratioToTfjsWasm: median(m.ratio), reps, note: 'two independent trainings at once, one thread each; samples/s of both together' });
      else rows.push({ task: 'train-step', engine: 'onnxruntime', threads, batch, samplesPerSec: median(m.sps), ratioToTfjsWasm: median(m.ratio), reps });
    }
    for (const { t } of trainers) await t.dispose();
    await pair[1].dispose();
  }

  // inference at batch 256
  const n = 1024;
  const xi = x.subarray(0, n * per);
  const inf = await Promise.all([1, 2].map(async (threads) => ({ threads, t: new OnnxTrainer(onnxModel, { batchSize: 32, numClasses: 10, seed: 0, threads, evalBatch: 256 }) })));
  for (const { t } of inf) await t.predict(xi.subarray(0, 256 * per), 256);
  predictProbs(tfModel, { x: xi.subarray(0, 256 * per), shape: [256, 28, 28, 1] }, 256);
  const tfi: number[] = [];
  const oni = new Map<number, { sps: number[]; ratio: number[] }>(inf.map(({ threads }) => [threads, { sps: [], ratio: [] }]));
  for (let r = 0; r < reps; r++) {
    const got = new Map<number, number>();
    for (const { threads, t } of inf) {
      const t0 = performance.now();
      await t.predict(xi, n);
      got.set(threads, n / ((performance.now() - t0) / 1000));
    }
    const t0 = performance.now();
    predictProbs(tfModel, { x: xi, shape: [n, 28, 28, 1] }, 256);
    const base = n / ((performance.now() - t0) / 1000);
    tfi.push(base);
    for (const [threads, v] of got) {
      oni.get(threads)!.sps.push(v);
      oni.get(threads)!.ratio.push(v / base);
    }
  }
  rows.push({ task: 'inference', engine: 'tfjs-wasm', threads: 1, batch: 256, samplesPerSec: median(tfi), ratioToTfjsWasm: 1, reps });
  for (const [threads, m] of oni) rows.push({ task: 'inference', engine: 'onnxruntime', threads, batch: 256, samplesPerSec: median(m.sps), ratioToTfjsWasm: median(m.ratio), reps });
  for (const { t } of inf) await t.dispose();

  rows.push(...(await transposeRows(reps)));
  rows.push(pytorchRow());
  return rows;
}

/** NHWC → NCHW of a 64×32×32×3 batch: in JS (`nhwcToNchw`) or as a graph's Transpose node. */
async function transposeRows(reps: number): Promise<OnnxTrainBenchRow[]> {
  const shape = [64, 32, 32, 3];
  const data = Float32Array.from({ length: 64 * 32 * 32 * 3 }, (_, i) => i % 251);
  const g = new Graph('transpose');
  g.builder.input('x', shape);
  g.builder.output(g.op('Transpose', ['x'], { perm: [0, 3, 1, 2] }, 'y'));
  const session = await createTrainSession(g.builder.toBytes(), 1);
  const feeds = () => ({ x: new ort.Tensor('float32', data, shape) });
  const times = { js: [] as number[], graph: [] as number[] };
  const rounds = 50;
  for (let r = 0; r <= reps; r++) {
    let t0 = performance.now();
    for (let i = 0; i < rounds; i++) nhwcToNchw(data, shape);
    if (r > 0) times.js.push(performance.now() - t0);
    t0 = performance.now();
    for (let i = 0; i < rounds; i++) await session.run(feeds());
    if (r > 0) times.graph.push(performance.now() - t0);
  }
  await session.release();
  const sps = (ms: number[]) => (64 * rounds) / (median(ms) / 1000);
  const note = 'samples/s of the transposition alone (64×32×32×3 batch); the graph figure includes one session.run';
  return [
    { task: 'input-transpose', engine: 'js', threads: 1, batch: 64, samplesPerSec: sps(times.js), ratioToTfjsWasm: null, reps, note },
    { task: 'input-transpose', engine: 'graph', threads: 1, batch: 64, samplesPerSec: sps(times.graph), ratioToTfjsWasm: null, reps, note },
  ];
}

function pytorchRow(): OnnxTrainBenchRow {
  try {
    execFileSync('python3', ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
  } catch {
    return { task: 'train-step', engine: 'pytorch', threads: 1, batch: 32, samplesPerSec: null, ratioToTfjsWasm: null, reps: 0, note: 'PyTorch not installed (python3 -c "import torch" fails)' };
  }
  return { task: 'train-step', engine: 'pytorch', threads: 1, batch: 32, samplesPerSec: null, ratioToTfjsWasm: null, reps: 0, note: 'PyTorch is installed but this benchmark does not drive it yet' };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchOnnxTrain();
  console.table(rows.map((r) => ({ ...r, samplesPerSec: r.samplesPerSec === null ? null : Math.round(r.samplesPerSec), ratioToTfjsWasm: r.ratioToTfjsWasm === null ? null : Number(r.ratioToTfjsWasm.toFixed(2)) })));
  const dir = fileURLToPath(new URL('../results/bench/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}onnx-train.json`, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadAverageAtEnd: os.loadavg(), rows }, null, 2) + '\n');
}
