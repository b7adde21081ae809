/**
 * `npm run fuzz`: seeded mutation fuzzing of every loader. Each case runs in a child process
 * (a pool of 2, each with `--max-old-space-size=512`, a batch of cases per child, restarted after
 * a hang or crash); outcomes per loader go to results/fuzz/summary.json and a table.
 *
 *   npm run fuzz -- --cases 1000 --seed 1 [--loaders csv,onnx] [--timeout 10] [--jobs 2] [--out results/fuzz/summary.json]
 *
 * Reproduce one case: `node --import tsx scripts/fuzz/worker.ts <loader> <seed> <case>`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOADERS } from './cases.ts';

export const OUTCOMES = ['ok', 'clear-error', 'wrong-success', 'internal', 'hang', 'oom', 'crash', 'skipped'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const BAD_OUTCOMES: Outcome[] = ['wrong-success', 'internal', 'hang', 'oom', 'crash'];

export interface CaseResult { loader: string; id: number; outcome: Outcome; mutation: string; code?: string; message?: string }
export interface Example { case: number; mutation: string; code?: string; message?: string; reproduce: string }
export interface LoaderSummary { cases: number; counts: Record<Outcome, number>; mutations: Record<string, Partial<Record<Outcome, number>>>; examples: Partial<Record<Outcome, Example[]>> }
export interface FuzzSummary { seed: number; casesPerLoader: number; timeoutS: number; memoryMb: number; jobs: number; seconds: number; node: string; loaders: Record<string, LoaderSummary> }

export interface FuzzOptions {
  loaders?: readonly string[];
  cases?: number;
  seed?: number;
  timeoutS?: number;
  memoryMb?: number;
  jobs?: number;
  batch?: number;
  /** Only these case ids per loader (instead of 0..cases-1). */
  ids?: Record<string, number[]>;
  /** Per loader, regexes of mutations whose cases are built but not run (counted as `skipped`): the test's known failures. */
  skip?: Record<string, string[]>;
  onProgress?: (done: number, total: number) => void;
}

const here = dirname(fileURLToPath(import.meta.url));
const workerPath = join(here, 'worker.ts');
const EXAMPLES_PER_OUTCOME = 5;

function compress(ids: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j] + 1) j++;
    parts.push(j > i ? `${ids[i]}-${ids[j]}` : String(ids[i]));
    i = j + 1;
  }
  return parts.join(',');
}

/** Runs one batch in a child; resolves with the results and the ids still to run. */
function runBatch(loader: string, ids: number[], o: Required<Pick<FuzzOptions, 'seed' | 'timeoutS' | 'memoryMb'>> & { skip?: Record<string, string[]>; fifo?: string }, onResult: (r: CaseResult) => void): Promise<number[]> {
  return new Promise((resolve) => {
    const env = { ...process.env, FUZZ_SKIP: JSON.stringify(o.skip ?? {}), ...(o.fifo ? { FUZZ_FIFO: o.fifo } : {}) };
    const child = spawn(process.execPath, [`--max-old-space-size=${o.memoryMb}`, '--import', 'tsx', workerPath, loader, String(o.seed), compress(ids)], { stdio: ['ignore', 'pipe', 'pipe'], env });
    const done = new Set<number>();
    let current: number | null = null;
    let mutation = '?';
    let phase = '';
    let stderr = '';
    let buf = '';
    let timer: NodeJS.Timeout | null = null;
    let hung = false;
    const arm = (ms: number) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, ms);
    };
    arm(120_000); // start-up: tsx + tfjs + seeds
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
    child.stdout.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let msg: Record<string, unknown>;
        try { msg = JSON.parse(line); } catch { continue; }
        if (typeof msg.start === 'number') { current = msg.start; mutation = '?'; phase = ''; arm(o.timeoutS * 1000); }
        else if (typeof msg.built === 'number') mutation = String(msg.mutation);
        else if (typeof msg.loaded === 'number') phase = ' (after loading: in the sanity check of the loaded model)';
        else if (typeof msg.id === 'number') {
          done.add(msg.id);
          current = null;
          onResult({ loader, id: msg.id, outcome: msg.outcome as Outcome, mutation: String(msg.mutation), code: msg.code as string | undefined, message: msg.message as string | undefined });
        }
      }
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (current !== null && !done.has(current)) {
        const oom = /heap out of memory|Allocation failed|Reached heap limit|ERR_MEMORY|RangeError: Array buffer allocation failed/i.test(stderr);
        const outcome: Outcome = hung ? 'hang' : oom ? 'oom' : 'crash';
        const why = hung ? `no result within ${o.timeoutS} s${phase}` : `child exited (code ${code}, signal ${signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
        onResult({ loader, id: current, outcome, mutation, message: why.slice(0, 600) });
        done.add(current);
      } else if (done.size === 0 && (code !== 0 || hung)) {
        // the child died before any case: report it on the first id so it is not silently skipped
        onResult({ loader, id: ids[0], outcome: 'crash', mutation: '?', message: `worker failed to start (code ${code}): ${stderr.slice(-600)}` });
        done.add(ids[0]);
      }
      resolve(ids.filter((i) => !done.has(i)));
    });
  });
}

/** Runs the fuzzer and returns the summary. */
export async function runFuzz(opts: FuzzOptions = {}): Promise<FuzzSummary> {
  const loaders = opts.loaders ?? LOADERS;
  // one FIFO made here, hard-linked by the workers' FIFO cases (see fsTrick in cases.ts)
  const fifoDir = await mkdtemp(join(tmpdir(), 'tk-fuzz-fifo-'));
  const fifo = join(fifoDir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const o = { seed: opts.seed ?? 1, timeoutS: opts.timeoutS ?? 10, memoryMb: opts.memoryMb ?? 512, skip: opts.skip, fifo };
  const cases = opts.cases ?? 10_000;
  const jobs = opts.jobs ?? 2;
  const batch = opts.batch ?? 500;
  const t0 = Date.now();
  const summary: FuzzSummary = { seed: o.seed, casesPerLoader: cases, timeoutS: o.timeoutS, memoryMb: o.memoryMb, jobs, seconds: 0, node: process.version, loaders: {} };
  const queue: { loader: string; ids: number[] }[] = [];
  let total = 0;
  for (const l of loaders) {
    summary.loaders[l] = { cases: 0, counts: Object.fromEntries(OUTCOMES.map((k) => [k, 0])) as Record<Outcome, number>, mutations: {}, examples: {} };
    const ids = opts.ids?.[l] ?? Array.from({ length: cases }, (_, i) => i);
    total += ids.length;
    for (let i = 0; i < ids.length; i += batch) queue.push({ loader: l, ids: ids.slice(i, i + batch) });
  }
  let done = 0;
  const onResult = (r: CaseResult) => {
    const s = summary.loaders[r.loader];
    s.cases++;
    s.counts[r.outcome]++;
    const mk = r.mutation.replace(/[=@].*$/, '');
    (s.mutations[mk] ??= {})[r.outcome] = (s.mutations[mk][r.outcome] ?? 0) + 1;
    if (BAD_OUTCOMES.includes(r.outcome)) {
      const ex = (s.examples[r.outcome] ??= []);
      if (ex.length < EXAMPLES_PER_OUTCOME) ex.push({ case: r.id, mutation: r.mutation, code: r.code, message: r.message, reproduce: `node --max-old-space-size=${o.memoryMb} --import tsx scripts/fuzz/worker.ts ${r.loader} ${o.seed} ${r.id}` });
    }
    opts.onProgress?.(++done, total);
  };
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const rest = await runBatch(job.loader, job.ids, o, onResult);
      if (rest.length > 0) queue.unshift({ loader: job.loader, ids: rest });
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, worker));
  } finally {
    await rm(fifoDir, { recursive: true, force: true });
  }
  for (const s of Object.values(summary.loaders)) for (const ex of Object.values(s.examples)) ex!.sort((a, b) => a.case - b.case);
  summary.seconds = Math.round((Date.now() - t0) / 100) / 10;
  return summary;
}

/** The outcome table, one row per loader. */
export function formatTable(s: FuzzSummary): string {
  const shown = OUTCOMES.filter((k) => k !== 'skipped' || Object.values(s.loaders).some((v) => v.counts.skipped > 0));
  const head = ['loader', 'cases', ...shown];
  const rows = Object.entries(s.loaders).map(([l, v]) => [l, String(v.cases), ...shown.map((k) => String(v.counts[k]))]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ')} |`;
  return [fmt(head), `|${w.map((n, i) => (i === 0 ? ':' : '') + '-'.repeat(n + 1) + (i === 0 ? '' : ':')).join('|')}|`, ...rows.map(fmt)].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const get = (name: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
  const out = get('out') ?? join(here, '..', '..', 'results', 'fuzz', 'summary.json');
  const s = await runFuzz({
    cases: get('cases') ? Number(get('cases')) : 10_000,
    seed: get('seed') ? Number(get('seed')) : 1,
    loaders: get('loaders')?.split(','),
    timeoutS: get('timeout') ? Number(get('timeout')) : 10,
    jobs: get('jobs') ? Number(get('jobs')) : 2,
    onProgress: (d, t) => { if (d % 500 === 0 || d === t) process.stderr.write(`\r${d}/${t} cases`); },
  });
  process.stderr.write('\n');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(s, null, 2) + '\n');
  console.log(`fuzz: seed ${s.seed}, ${s.casesPerLoader} cases per loader, ${s.seconds} s → ${out}`);
  console.log(formatTable(s));
  for (const [l, v] of Object.entries(s.loaders)) for (const [k, ex] of Object.entries(v.examples)) for (const e of ex!.slice(0, 2)) console.log(`  ${l} ${k} #${e.case} ${e.mutation}: ${(e.code ? e.code + ': ' : '') + (e.message ?? '').split('\n')[0].slice(0, 160)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
