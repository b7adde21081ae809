/**
 * `npm run soak`: long-running leak checks.
 *
 *   node --import tsx scripts/soak.ts [--steps 10000] [--cli-runs 20]
 *
 * 1. API: repeated in-memory `fit` on iris (the returned model disposed), then `trainModel`
 *    on one small model, until `--steps` optimiser steps each; `tf.memory().numTensors` after
 *    each iteration must be flat (no growth after the first iterations) and RSS bounded.
 * 2. CLI: `--cli-runs` `transferkit fit --out` runs, then checks that no temporary files or
 *    folders are left in the run folders or in the parent folder.
 * Writes results/soak/summary.json.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fit, loadDataset } from '../src/index.ts';
import { trainModel, type TensorData } from '../src/transfer/train.ts';
import { cliFromDist, leakedTemps, runCli } from './crash/lib.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '10000' },
    'cli-runs': { type: 'string', default: '20' },
    out: { type: 'string', default: fileURLToPath(new URL('../results/soak/summary.json', import.meta.url)) },
  },
});
const targetSteps = Number(values.steps);
const cliRuns = Number(values['cli-runs']);
const mb = (n: number) => Math.round(n / 2 ** 20);
const gc = () => (globalThis as { gc?: () => void }).gc?.();

interface Sample {
  iteration: number;
  steps: number;
  numTensors: number;
  numBytes: number;
  rssMB: number;
  heapMB: number;
}

/** Flat: the tensor count after the warm-up iterations never exceeds the count at the end of warm-up. */
function tensorVerdict(samples: Sample[], warm = 3) {
  const after = samples.slice(Math.min(warm, samples.length - 1));
  const ref = after[0].numTensors;
  const max = Math.max(...after.map((s) => s.numTensors));
  return { atWarmup: ref, max, end: samples.at(-1)!.numTensors, flat: max === ref && samples.at(-1)!.numTensors === ref };
}

function rssVerdict(samples: Sample[]) {
  const rss = samples.map((s) => s.rssMB);
  const half = rss.slice(Math.floor(rss.length / 2));
  // bounded: the second half grows by less than 64 MB over its own minimum
  return { startMB: rss[0], maxMB: Math.max(...rss), endMB: rss.at(-1)!, secondHalfGrowthMB: Math.max(...half) - Math.min(...half), bounded: Math.max(...half) - Math.min(...half) < 64 };
}

const t0 = performance.now();
const rss0 = process.memoryUsage().rss;
const iris = await loadDataset('builtin:iris');

// 1a. repeated fit() in memory
const fitSamples: Sample[] = [];
let fitSteps = 0;
let iteration = 0;
const tensorsBeforeFit = tf.memory().numTensors;
while (fitSteps < targetSteps) {
  iteration++;
  const res = await fit(
    { strategy: 'scratch', arch: 'mlp', train: iris, epochs: 30, patience: 1000, seed: iteration },
    { onStep: () => void fitSteps++ },
  );
  res.model.dispose();
  gc();
  const m = process.memoryUsage();
  fitSamples.push({ iteration, steps: fitSteps, numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes, rssMB: mb(m.rss), heapMB: mb(m.heapUsed) });
  if (iteration % 10 === 0) console.log(`fit ${iteration}: ${fitSteps} steps, ${tf.memory().numTensors} tensors, rss ${mb(m.rss)} MB`);
}
const fitSeconds = (performance.now() - t0) / 1000;

// 1b. trainModel on one model, many calls
const t1 = performance.now();
const n = 120;
const x = new Float32Array(n * 4).map((_, i) => Math.sin(i));
const y = new Int32Array(n).map((_, i) => i % 3);
const data: TensorData = { x, shape: [n, 4], y };
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 16, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
const trainSamples: Sample[] = [];
let trainSteps = 0;
iteration = 0;
while (trainSteps < targetSteps) {
  iteration++;
  const r = await trainModel(model, data, { epochs: 10, seed: iteration, batchSize: 16, learningRate: 1e-3 });
  trainSteps += r.steps;
  gc();
  const m = process.memoryUsage();
  trainSamples.push({ iteration, steps: trainSteps, numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes, rssMB: mb(m.rss), heapMB: mb(m.heapUsed) });
}
model.dispose();
const trainSeconds = (performance.now() - t1) / 1000;
console.log(`trainModel: ${iteration} calls, ${trainSteps} steps, ${tf.memory().numTensors} tensors`);

// 2. CLI loop
const t2 = performance.now();
const root = mkdtempSync(join(tmpdir(), 'tk-soak-'));
const cliFailures: string[] = [];
const cliLeaks: string[] = [];
for (let i = 1; i <= cliRuns; i++) {
  const out = join(root, `run${i}`);
  const r = await runCli(['fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', 'builtin:iris', '--epochs', '10', '--seed', String(i), '--out', out, '--json']);
  if (r.code !== 0) cliFailures.push(`run ${i}: exit ${r.code}: ${r.stderr.slice(-300)}`);
  cliLeaks.push(...leakedTemps(out).map((p) => `run${i}/${p}`));
}
const strayInParent = readdirSync(root).filter((nm) => !/^run\d+$/.test(nm));
rmSync(root, { recursive: true, force: true });
const cliSeconds = (performance.now() - t2) / 1000;

const summary = {
  date: new Date().toISOString(),
  command: `node --expose-gc --import tsx scripts/soak.ts --steps ${targetSteps} --cli-runs ${cliRuns}`,
  backend: tf.getBackend(),
  gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
  rssAtStartMB: mb(rss0),
  fit: {
    what: 'fit({ strategy: scratch, arch: mlp, train: iris (loaded once), epochs: 30, patience: 1000, seed: i }) in memory, result.model.dispose()',
    iterations: fitSamples.length,
    steps: fitSteps,
    seconds: +fitSeconds.toFixed(1),
    tensorsBefore: tensorsBeforeFit,
    tensors: tensorVerdict(fitSamples),
    rss: rssVerdict(fitSamples),
    samples: fitSamples.filter((_, i) => i < 3 || i % 10 === 0 || i === fitSamples.length - 1),
  },
  trainModel: {
    what: 'trainModel on one 4-16-3 dense model, 120 examples, batch 16, 10 epochs per call',
    iterations: trainSamples.length,
    steps: trainSteps,
    seconds: +trainSeconds.toFixed(1),
    tensors: tensorVerdict(trainSamples),
    rss: rssVerdict(trainSamples),
    samples: trainSamples.filter((_, i) => i < 3 || i % 20 === 0 || i === trainSamples.length - 1),
  },
  cli: {
    what: `transferkit fit --strategy scratch --arch mlp --train builtin:iris --epochs 10 --seed i --out runI (${cliFromDist ? 'dist/' : 'src/ via tsx'})`,
    runs: cliRuns,
    seconds: +cliSeconds.toFixed(1),
    failures: cliFailures,
    leakedTemps: cliLeaks,
    strayInParent,
  },
  ok: false,
};
summary.ok = summary.fit.tensors.flat && summary.trainModel.tensors.flat && summary.fit.rss.bounded && summary.trainModel.rss.bounded && !cliFailures.length && !cliLeaks.length && !strayInParent.length;
mkdirSync(join(values.out!, '..'), { recursive: true });
writeFileSync(values.out!, JSON.stringify(summary, null, 2) + '\n');
console.log(JSON.stringify({ ok: summary.ok, fit: { steps: fitSteps, tensors: summary.fit.tensors, rss: summary.fit.rss, seconds: summary.fit.seconds }, trainModel: { steps: trainSteps, tensors: summary.trainModel.tensors, rss: summary.trainModel.rss, seconds: summary.trainModel.seconds }, cli: summary.cli }, null, 1));
console.log(`wrote ${values.out}`);
process.exit(summary.ok ? 0 : 1);
