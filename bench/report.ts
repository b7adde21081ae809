/**
 * How long `transferkit report` takes, and how big the page gets, on a run folder with 10,000
 * labelled stored test predictions (`predictions.jsonl`, as `transferkit predict --out` writes
 * it): a synthetic 10-class fit run (config.json, metrics.json, history.jsonl of two phases of
 * 40 epochs, model/transferkit.json; no weights — the report reads no weights without --data).
 * The report bootstraps every metric over the stored predictions (the card's code, 500
 * resamples), thins the ROC / PR curves to 200 points a class and bins the reliability diagram.
 *
 * Run: `npm run bench:report` (writes results/bench/report.json).
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classificationMetrics } from '../src/measures/metrics.ts';
import { buildRunReport, gatherReport } from '../src/report/index.ts';
import { writeJsonAtomic } from '../src/util/atomic.ts';
import { createRng } from '../src/util/random.ts';

const OUT = fileURLToPath(new URL('../results/bench/report.json', import.meta.url));
const PREDICTIONS = 10_000;
const CLASSES = Array.from({ length: 10 }, (_, i) => `class ${i}`);
const REPEATS = Number(process.env.REPEATS ?? 3);

/** Writes the synthetic run folder; returns its path. */
async function syntheticRun(dir: string): Promise<void> {
  const k = CLASSES.length;
  const rng = createRng(7);
  const labels = new Int32Array(PREDICTIONS);
  const probs = new Float64Array(PREDICTIONS * k);
  const lines: string[] = [];
  for (let i = 0; i < PREDICTIONS; i++) {
    const y = i % k;
    const logits = CLASSES.map((_, c) => rng.normal() + (c === y ? 2.5 : 0));
    const max = Math.max(...logits);
    const e = logits.map((v) => Math.exp(v - max));
    const s = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / s);
    labels[i] = y;
    probs.set(p, i * k);
    const top = p.indexOf(Math.max(...p));
    lines.push(JSON.stringify({ index: i, id: i, label: CLASSES[top], confidence: p[top], probabilities: p, actual: CLASSES[y] }));
  }
  const m = classificationMetrics(labels, probs, CLASSES);
  await mkdir(join(dir, 'model'), { recursive: true });
  await writeFile(join(dir, 'predictions.jsonl'), lines.join('\n') + '\n');
  await writeFile(join(dir, 'config.json'), JSON.stringify({ strategy: 'scratch', arch: 'mlp', train: 'synthetic.csv', val: 'synthetic-val.csv', epochs: 40, seed: 0, createdAt: '2026-01-01T00:00:00.000Z', classes: CLASSES }));
  await writeFile(join(dir, 'metrics.json'), JSON.stringify({ train: m, val: m, seconds: 1, warnings: [], engines: { head: 'onnx', finetune: 'onnx' } }));
  const history: string[] = [];
  for (const phase of ['head', 'finetune']) {
    for (let e = 1; e <= 40; e++) history.push(JSON.stringify({ phase, epoch: e, loss: 2 / (e + 1), accuracy: 0.5, valLoss: 2.2 / (e + 1), valAccuracy: 0.5, learningRate: 0.001, seconds: 0.1 }));
  }
  await writeFile(join(dir, 'history.jsonl'), history.join('\n') + '\n');
  await writeFile(
    join(dir, 'model', 'transferkit.json'),
    JSON.stringify({ format: 'transferkit-model@1', classes: CLASSES, features: { kind: 'tabular', numeric: [{ name: 'x', mean: 0, std: 1 }], categorical: [] } }),
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const dir = await mkdtemp(join(tmpdir(), 'tk-bench-report-'));
try {
  await syntheticRun(dir);
  const gather: number[] = [];
  const total: number[] = [];
  let report: Awaited<ReturnType<typeof buildRunReport>> | undefined;
  for (let r = 0; r < REPEATS; r++) {
    let t = performance.now();
    await gatherReport(dir);
    gather.push((performance.now() - t) / 1000);
    t = performance.now();
    report = await buildRunReport(dir);
    total.push((performance.now() - t) / 1000);
  }
  const result = {
    what: `buildRunReport on a synthetic 10-class fit run with ${PREDICTIONS} labelled stored predictions and 80 epochs of history (no --data)`,
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
    repeats: REPEATS,
    medianSeconds: median(total),
    seconds: total,
    gatherMedianSeconds: median(gather),
    gatherNote: 'reading the run and building its card, incl. the 500-resample bootstrap over the stored predictions',
    htmlBytes: Buffer.byteLength(report!.html),
    charts: report!.charts,
    sections: report!.sections,
  };
  await writeJsonAtomic(OUT, result);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await rm(dir, { recursive: true, force: true });
}
