/**
 * Dashboard API response times on a synthetic run holding 10,000 stored predictions: the runs
 * list, a run's details, pages of predictions (first page cold: the file is parsed; then warm
 * pages deep in the file, only-wrong filtering, a seeded sample of 500), and the what-if explorer
 * (first call loads the model; then prediction + exact Shapley values per edit, counterfactuals).
 * Each request is timed end to end over HTTP on 127.0.0.1 (fetch → server → JSON), `repeats`
 * times; medians, 95th percentiles and maxima in milliseconds.
 *
 * Run: `node --import tsx bench/dashboard.ts` (writes results/bench/dashboard.json).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../src/serve/server.ts';
import { fit } from '../src/transfer/fit.ts';
import { writeJsonAtomic } from '../src/util/atomic.ts';
import { quantileSorted } from '../src/util/quantile.ts';
import { createRng } from '../src/util/random.ts';

/** One timed request. */
export interface DashboardTiming {
  request: string;
  /** How many times it was timed (1 for cold requests). */
  n: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** Bytes of the response body. */
  bytes: number;
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PREDICTIONS = 10_000;

/** Writes `n` seeded synthetic predictions of the iris classes (about 1 in 5 wrong). */
async function writePredictions(dir: string, n: number): Promise<void> {
  const classes = ['setosa', 'versicolor', 'virginica'];
  const rng = createRng('dashboard-bench');
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const actual = rng.int(3);
    const raw = classes.map((_, c) => rng.next() + (c === actual ? 0.5 : 0));
    const sum = raw.reduce((a, b) => a + b, 0);
    const probabilities = raw.map((v) => v / sum);
    const label = probabilities.indexOf(Math.max(...probabilities));
    lines.push(JSON.stringify({ index: i, id: i, label: classes[label], confidence: probabilities[label], probabilities, actual: classes[actual] }));
  }
  await writeFile(join(dir, 'predictions.jsonl'), lines.join('\n') + '\n');
}

/**
 * Times the dashboard's API on a run with {@link PREDICTIONS} stored predictions.
 *
 * @example
 * ```ts
 * const rows = await benchDashboard(20);
 * ```
 */
export async function benchDashboard(repeats = 20): Promise<DashboardTiming[]> {
  const runs = await mkdtemp(join(tmpdir(), 'tk-dashboard-bench-'));
  const server = await startServer({ runs, port: 0 });
  try {
    const res = await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', epochs: 5, out: join(runs, 'synthetic') });
    res.model.dispose();
    await writePredictions(join(runs, 'synthetic'), PREDICTIONS);
    const base = `http://127.0.0.1:${server.port}`;
    const one = async (path: string, body?: unknown): Promise<{ ms: number; bytes: number }> => {
      const t0 = performance.now();
      // every request carries the token (needed on loopback too)
      const auth = { authorization: `Bearer ${server.token}` };
      const r = await fetch(base + path, body === undefined ? { headers: auth } : { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await r.text();
      const ms = performance.now() - t0;
      if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${text}`);
      return { ms, bytes: Buffer.byteLength(text) };
    };
    const rows: DashboardTiming[] = [];
    const timed = async (request: string, times: number, call: (i: number) => Promise<{ ms: number; bytes: number }>) => {
      const ms: number[] = [];
      let bytes = 0;
      for (let i = 0; i < times; i++) {
        const r = await call(i);
        ms.push(r.ms);
        bytes = r.bytes;
      }
      ms.sort((a, b) => a - b);
      const round = (x: number) => Math.round(x * 100) / 100;
      rows.push({ request, n: times, medianMs: round(quantileSorted(ms, 0.5)), p95Ms: round(quantileSorted(ms, 0.95)), maxMs: round(ms.at(-1)!), bytes });
    };
    const row = (i: number) => ({ petal_length: 1 + (i % 12) * 0.5, petal_width: 0.1 + (i % 10) * 0.24 });
    await timed('GET /api/runs/synthetic/predictions?limit=50 (cold: parses 10,000 lines)', 1, () => one('/api/runs/synthetic/predictions?limit=50'));
    await timed('POST /api/runs/synthetic/whatif (cold: loads the model and background)', 1, () => one('/api/runs/synthetic/whatif', { values: row(0) }));
    await timed('GET /api/runs', repeats, () => one('/api/runs'));
    await timed('GET /api/runs/synthetic (details + chart specs)', repeats, () => one('/api/runs/synthetic'));
    await timed('GET /api/runs/synthetic/predictions?offset=k*500&limit=50', repeats, (i) => one(`/api/runs/synthetic/predictions?offset=${(i * 500) % PREDICTIONS}&limit=50`));
    await timed('GET /api/runs/synthetic/predictions?filter=wrong&limit=50', repeats, (i) => one(`/api/runs/synthetic/predictions?filter=wrong&offset=${i * 50}&limit=50`));
    await timed('GET /api/runs/synthetic/predictions?sample=500', repeats, (i) => one(`/api/runs/synthetic/predictions?sample=500&seed=${i}`));
    await timed('POST /api/runs/synthetic/whatif (prediction + exact Shapley, 50 background rows)', repeats, (i) => one('/api/runs/synthetic/whatif', { values: row(i + 1) }));
    await timed('POST /api/runs/synthetic/counterfactuals (3)', Math.min(repeats, 5), (i) => one('/api/runs/synthetic/counterfactuals', { values: row(i) }));
    return rows;
  } finally {
    await server.close();
    await rm(runs, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await benchDashboard();
  const out = join(ROOT, 'results', 'bench', 'dashboard.json');
  await writeJsonAtomic(out, { predictions: PREDICTIONS, node: process.version, cpus: (await import('node:os')).cpus().length, measuredAt: new Date().toISOString(), rows });
  for (const r of rows) console.log(`${r.request}: median ${r.medianMs} ms, p95 ${r.p95Ms} ms, max ${r.maxMs} ms (${r.n}×, ${r.bytes} bytes)`);
  console.log(`written: ${out}`);
}
