/**
 * The ONNX training engine against PyTorch on this machine: samples/s of one training step of the
 * fashion-cnn network (every layer trainable, Adam), at batch 32 and 64, on 1 and 2 threads,
 * interleaved (ORT, then PyTorch, repeated) so the ratios compare like with like on a noisy
 * machine. PyTorch runs `bench/pytorch_step.py` in Debian's `python3-torch` (or any `python3`
 * that imports torch); without it the script says so and exits.
 *
 *   node --import tsx bench/vs-pytorch.ts [--reps 3]
 *
 * Writes results/bench/vs-pytorch.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { initEngine } from '../src/engine/backend.ts';
import { loadModel } from '../src/models/io.ts';
import { OnnxTrainer } from '../src/models/onnx-train/index.ts';
import { resolveModelRef } from '../src/models/zoo.ts';
import { writeFileAtomic } from '../src/util/atomic.ts';
import { createRng } from '../src/util/random.ts';

const { values: args } = parseArgs({ options: { reps: { type: 'string', default: '3' } } });
const reps = Number(args.reps);
const python = ['python3', '/usr/bin/python3'].find((p) => {
  try {
    execFileSync(p, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
});
if (!python) {
  console.log('PyTorch is not installed (python3 -c "import torch" fails); apt-get install python3-torch to compare.');
  process.exit(0);
}
const script = new URL('./pytorch_step.py', import.meta.url).pathname;
const steps = 40;
const pytorch = (threads: number, batch: number): number =>
  JSON.parse(execFileSync(python, [script, '--threads', String(threads), '--batch', String(batch), '--steps', String(steps)], { encoding: 'utf8' })).samplesPerSec;

await initEngine({ backend: 'wasm' });
const model = (await loadModel(resolveModelRef('fashion-cnn'))).model;
const rng = createRng('vs-pytorch');
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const rows = [];
for (const batch of [32, 64]) {
  for (const threads of [1, 2]) {
    const trainer = new OnnxTrainer(model, { batchSize: batch, numClasses: 10, seed: 0, threads });
    const x = Float32Array.from({ length: batch * 784 }, () => rng.next());
    const y = Int32Array.from({ length: batch }, () => rng.int(10));
    for (let i = 0; i < 5; i++) await trainer.step(x, y, 1e-3);
    const ort: number[] = [];
    const pt: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) await trainer.step(x, y, 1e-3);
      ort.push((steps * batch) / ((performance.now() - t0) / 1000));
      pt.push(pytorch(threads, batch));
    }
    await trainer.dispose();
    const row = { batch, threads, onnxSamplesPerSec: median(ort), pytorchSamplesPerSec: median(pt), ratio: median(ort.map((v, i) => v / pt[i])) };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
}
const torch = execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();
await mkdir('results/bench', { recursive: true });
await writeFileAtomic('results/bench/vs-pytorch.json', JSON.stringify({ createdAt: new Date().toISOString(), torch, reps, stepsPerRep: steps, rows }, null, 2) + '\n');
