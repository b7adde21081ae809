/**
 * `npm run bench`: throughput of fine-tuning and feature extraction on the wasm backend
 * against the pure-JS cpu backend, measured in one process (ratios are what to compare:
 * these machines are noisy), plus the training kernels transferkit adds to wasm, ONNX feature
 * extraction, explanation timings, and training runs on one thread against every core; and the
 * two training engines side by side: the ONNX engine's training step and inference against TF.js
 * wasm (`./onnx-train.ts`), and the wall time of one small seeded `fit` on each (`./fit-engines.ts`).
 * The backend rows train with `engine: 'tfjs'` (they compare TF.js backends).
 *
 * Writes bench/results.json (machine-readable) and bench/RESULTS.md (the table in README).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { transformFeatures } from '../src/data/features.ts';
import { loadDataset } from '../src/data/load.ts';
import { samplePerClass } from '../src/data/split.ts';
import { initEngine, type BackendName } from '../src/engine/backend.ts';
import { loadModel } from '../src/models/io.ts';
import { resolveModelRef } from '../src/models/zoo.ts';
import { forward, forwardFeatures, prepareModel, applyPhase } from '../src/transfer/strategies.ts';
import { trainModel } from '../src/transfer/train.ts';
import { writeFileAtomic } from '../src/util/atomic.ts';
import { benchExplain } from './explain.ts';
import { benchFitEngines } from './fit-engines.ts';
import { benchOnnxTrain } from './onnx-train.ts';
import { trainingEngine } from '../src/engine/training-engine.ts';
import { benchKernels } from './kernels.ts';
import { benchOnnx } from './onnx.ts';
import { benchParallel } from './parallel.ts';
import { benchStartup, startupTable } from './startup.ts';

interface Row {
  task: string;
  backend: string;
  unit: string;
  throughput: number;
  /** Throughput relative to the cpu backend on the same task, in this run. */
  ratioToCpu?: number;
  peakRssMB: number;
}

tf.env().set('PROD', true);
const rows: Row[] = [];
const mnist = await loadDataset('builtin:mnist');
const sample = samplePerClass(mnist, 26, 1).sample; // 260 digits
const spec = { kind: 'image' as const, height: 28, width: 28, channels: 1 };
const data = { ...transformFeatures(spec, sample), y: sample.labels };

for (const backend of ['wasm', 'cpu'] as BackendName[]) {
  await initEngine({ backend });
  const base = await loadModel(resolveModelRef('fashion-cnn'));

  // Feature extraction: forward passes of the frozen base (batch 64).
  const n = backend === 'cpu' ? 256 : 1024;
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) x.set(data.x.subarray((i % data.y.length) * 784, ((i % data.y.length) + 1) * 784), i * 784);
  forward(base.model, { x: x.subarray(0, 64 * 784), shape: [64, 28, 28, 1] }, 64); // warm-up
  let t0 = performance.now();
  forward(base.model, { x, shape: [n, 28, 28, 1] }, 64);
  rows.push({ task: 'feature extraction (fashion-cnn, batch 64)', backend, unit: 'images/s', throughput: n / ((performance.now() - t0) / 1000), peakRssMB: rss() });
  if (backend === 'wasm') {
    // the same on the ONNX engine's evaluation graph (what fit's cached-feature heads use), session made inside
    await forwardFeatures(base.model, { x: x.subarray(0, 64 * 784), shape: [64, 28, 28, 1] }, 64); // warm-up
    t0 = performance.now();
    await forwardFeatures(base.model, { x, shape: [n, 28, 28, 1] }, 64);
    rows.push({ task: 'feature extraction (fashion-cnn, batch 64)', backend: 'onnxruntime (forwardFeatures)', unit: 'images/s', throughput: n / ((performance.now() - t0) / 1000), peakRssMB: rss() });
  }

  // Fine-tuning: every layer trainable, Adam, batch 32.
  const prepared = await prepareModel({ strategy: 'finetune', base: base.model, numClasses: 10, seed: 1, inputShape: [28, 28, 1] });
  applyPhase(prepared, { name: 'finetune', trainable: 'top-k', learningRate: 1e-4, epochs: 1 }, 4);
  const steps = backend === 'cpu' ? 2 : 8;
  const batch = { x: data.x.subarray(0, 32 * 784), shape: [32, 28, 28, 1], y: data.y.subarray(0, 32) };
  await trainModel(prepared.model, batch, { epochs: 1, seed: 1, batchSize: 32, engine: 'tfjs' }); // warm-up
  t0 = performance.now();
  await trainModel(prepared.model, batch, { epochs: steps, seed: 1, batchSize: 32, engine: 'tfjs' });
  rows.push({ task: 'fine-tuning (fashion-cnn, 4 layers unfrozen, batch 32)', backend, unit: 'samples/s', throughput: (32 * steps) / ((performance.now() - t0) / 1000), peakRssMB: rss() });
  prepared.model.dispose(); // shares its base layers with base.model
}
for (const r of rows) {
  const cpu = rows.find((c) => c.task === r.task && c.backend === 'cpu');
  if (cpu) r.ratioToCpu = r.throughput / cpu.throughput;
}

await initEngine({ backend: 'wasm' });
const kernels = await benchKernels();
const explain = await benchExplain();
const onnx = await benchOnnx();
const parallel = await benchParallel();
const onnxTrain = await benchOnnxTrain({ reps: 3 });
await initEngine({ backend: 'wasm' });
const fitEngines = await benchFitEngines({ pairs: 1 });
const startup = benchStartup();

const md = [
  '| task | backend | throughput | × cpu | peak RSS |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.task} | ${r.backend} | ${r.throughput.toFixed(1)} ${r.unit} | ${r.ratioToCpu?.toFixed(1) ?? ''} | ${r.peakRssMB.toFixed(0)} MB |`),
  '',
  '| kernel benchmark | wasm ms | cpu ms | cpu / wasm |',
  '|---|---|---|---|',
  ...kernels.map((k) => `| ${k.name} | ${k.wasmMs.toFixed(2)} | ${k.cpuMs.toFixed(2)} | ${k.ratio.toFixed(1)} |`),
  '',
  '| feature extraction, MobileNet-style 64×64×3 (batch 32) | threads | images/s |',
  '|---|---|---|',
  ...onnx.map((o) => `| ${o.engine}${o.spinning ? ' (spinning on)' : ''} | ${o.threads} | ${o.imagesPerSec.toFixed(0)} |`),
  '',
  '| explanation | model | time |',
  '|---|---|---|',
  ...explain.map((e) => `| ${e.task} | ${e.model} | ${e.msPerItem.toFixed(0)} ${e.unit} |`),
  '',
  `| 6 training runs (demo protocol, 20 epochs), ${trainingEngine().engine} engine | threads | wall time | runs/min | speed-up | same accuracies |`,
  '|---|---|---|---|---|---|',
  ...parallel.map((p) => `| compareStrategies | ${p.threads} | ${p.seconds.toFixed(1)} s | ${p.runsPerMinute.toFixed(1)} | ${p.speedup.toFixed(2)} | ${p.sameResults ? 'yes' : 'NO'} |`),
  '',
  '| training engine (fashion-cnn, every layer trainable) | engine | threads | batch | samples/s | × tfjs-wasm |',
  '|---|---|---|---|---|---|',
  ...onnxTrain.map((o) => `| ${o.task} | ${o.engine} | ${o.threads} | ${o.batch} | ${o.samplesPerSec === null ? (o.note ?? '–') : o.samplesPerSec.toFixed(0)} | ${o.ratioToTfjsWasm?.toFixed(2) ?? ''} |`),
  '',
  '| `fit` fashion-cnn finetune, 100 MNIST digits, seed 1 | wall time | held-out accuracy (1,000 digits) | speed-up vs tfjs |',
  '|---|---|---|---|',
  ...fitEngines.map((f) => `| ${f.engine} engine | ${f.seconds.toFixed(1)} s | ${f.heldOutAccuracy.toFixed(3)} | ${f.speedupVsTfjs.toFixed(2)} |`),
  '',
  startupTable(startup),
].join('\n');
const dir = fileURLToPath(new URL('.', import.meta.url));
await writeFile(`${dir}results.json`, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows, kernels, explain, onnx, parallel, onnxTrain, fitEngines, startup }, null, 2) + '\n');
await writeFile(`${dir}RESULTS.md`, md + '\n');
await updateReadme(`${dir}../README.md`, md);
console.log(md);

/** Replaces the table between the bench-table markers of README.md. */
async function updateReadme(path: string, table: string): Promise<void> {
  const readme = await readFile(path, 'utf8');
  const next = readme.replace(/<!-- bench-table -->[\s\S]*<!-- \/bench-table -->/, `<!-- bench-table -->\n${table}\n\n_${new Date().toISOString().slice(0, 10)}, Node ${process.version}, 2 CPU cores; ratios compare backends in the same run._\n<!-- /bench-table -->`);
  await writeFileAtomic(path, next);
}

/** Peak resident memory of this process so far, in MB. */
function rss(): number {
  return process.resourceUsage().maxRSS / 1024;
}
