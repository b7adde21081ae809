/**
 * Kill-and-resume trials of `transferkit fit`: start a fit in a fresh run folder, SIGKILL it at a
 * chosen moment (a time after config.json appears, the k-th temporary file or folder it creates,
 * or the n-th epoch line it prints), resume it with `fit --resume`, and check what was left.
 * Shared by `npm run crash` (scripts/crash/run.ts) and test/runs/crash-sample.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliCommand as cliCommandArgs } from '../cli-command.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The CLI as users run it (bin/ → dist/) when dist/ is up to date, else the sources through tsx. */
export const cliCommand: string[] = cliCommandArgs();

/** Whether the CLI runs from dist/ (true) or from the sources (false). */
export const cliFromDist = !cliCommand.includes('--import');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Temporary names transferkit's writers leave while writing (what must not survive a resume). */
export const TEMP_NAME = /^\..+\.(?:tmp|old)-\d+-|\.tmp$/;

/** How a trial kills the fit. */
export type KillAt =
  | { mode: 'time'; ms: number } // ms after config.json appears
  | { mode: 'temp'; k: number; match?: string } // right after the k-th new temporary name (optionally containing `match`) appears
  | { mode: 'file'; name: string } // right after a file named `name` first appears in the run folder (e.g. history.jsonl: epoch 1 is being checkpointed)
  | { mode: 'epoch'; n: number } // right after the CLI prints epoch line n (its checkpoint and state are written by then)
  | { mode: 'none' };

/**
 * Runs the CLI with `args`; kills it with SIGKILL at `kill`. Watches `out` (and `out/checkpoints`)
 * for temporary names; `out` must exist and be empty (fit accepts an empty folder).
 */
export function runFit(args: string[], out: string, kill: KillAt, timeoutMs = 120_000): Promise<CliResult & { killed: boolean; temps: string[]; configAtMs?: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...cliCommand, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let killed = false;
    let configAtMs: number | undefined;
    const seen = new Set<string>();
    const temps: string[] = [];
    let matched = 0;
    const watchers: FSWatcher[] = [];
    let timer: NodeJS.Timeout | undefined;
    const doKill = () => {
      if (killed || child.exitCode !== null) return;
      killed = child.kill('SIGKILL');
    };
    const onName = (dir: string) => (_ev: string, name: string | Buffer | null) => {
      if (!name) return;
      const n = String(name);
      if (n === 'config.json' && configAtMs === undefined) {
        configAtMs = performance.now() - t0;
        if (kill.mode === 'time') timer = setTimeout(doKill, kill.ms);
      }
      if (n === 'checkpoints' && dir === out) addWatch(join(out, 'checkpoints'));
      if (kill.mode === 'file' && n === kill.name) doKill();
      if (!TEMP_NAME.test(n) || seen.has(`${dir}/${n}`)) return;
      seen.add(`${dir}/${n}`);
      temps.push(n);
      if (kill.mode === 'temp' && (kill.match === undefined || n.includes(kill.match)) && ++matched === kill.k) doKill();
    };
    const addWatch = (dir: string) => {
      if (watchers.some((w) => (w as FSWatcher & { _dir?: string })._dir === dir)) return;
      try {
        const w = watch(dir, onName(dir)) as FSWatcher & { _dir?: string };
        w._dir = dir;
        w.on('error', () => {});
        watchers.push(w);
      } catch {
        // gone already
      }
    };
    addWatch(out);
    if (existsSync(join(out, 'checkpoints'))) addWatch(join(out, 'checkpoints'));
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (kill.mode === 'epoch' && new RegExp(`epoch ${kill.n}:`).test(stderr)) doKill();
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0, killed: killed && signal === 'SIGKILL', temps, configAtMs });
    });
  });
}

/** Runs the CLI to completion. */
export function runCli(args: string[], timeoutMs = 180_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...cliCommand, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

interface EpochRecord {
  phase: string;
  epoch: number;
  [k: string]: unknown;
}
interface State {
  phase: string;
  epoch: number;
  donePhases: string[];
  finished: boolean;
}

export function readHistory(out: string): EpochRecord[] {
  const p = join(out, 'history.jsonl');
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EpochRecord);
}

export function readState(out: string): State | undefined {
  const p = join(out, 'checkpoints', 'state.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as State) : undefined;
}

/** Every path under `dir` (relative) whose name is a transferkit temporary. */
export function leakedTemps(dir: string, rel = ''): string[] {
  const found: string[] = [];
  let entries;
  try {
    entries = readdirSync(join(dir, rel), { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (TEMP_NAME.test(e.name)) found.push(r);
    if (e.isDirectory()) found.push(...leakedTemps(dir, r));
  }
  return found;
}

/** Problems with a history: per phase, epochs must be 1, 2, 3, … (strictly increasing, no duplicates or gaps). */
export function historyProblems(history: EpochRecord[]): string[] {
  const problems: string[] = [];
  const last = new Map<string, number>();
  const order: string[] = [];
  for (const r of history) {
    if (!last.has(r.phase)) {
      if (order.length && order.at(-1) !== r.phase && order.includes(r.phase)) problems.push(`phase ${r.phase} interleaved`);
      order.push(r.phase);
    } else if (order.at(-1) !== r.phase) problems.push(`phase ${r.phase} resumes after ${order.at(-1)}`);
    const prev = last.get(r.phase) ?? 0;
    if (r.epoch <= prev) problems.push(`${r.phase} epoch ${r.epoch} after ${prev} (duplicate or not increasing)`);
    else if (r.epoch !== prev + 1) problems.push(`${r.phase} epoch ${r.epoch} after ${prev} (gap)`);
    last.set(r.phase, r.epoch);
  }
  return problems;
}

/**
 * Epochs lost to a kill: history records written before the kill that the resume will not keep
 * (those after the state of the last checkpoint), i.e. trained again after resuming.
 */
export function epochsLost(before: EpochRecord[], state: State | undefined): number {
  if (!state) return before.length;
  const kept = before.filter((r) => state.donePhases.includes(r.phase) || (r.phase === state.phase && r.epoch <= state.epoch));
  return before.length - kept.length;
}

export interface TrialResult {
  trial: number;
  kill: KillAt;
  /** ms from spawn to the kill (process exit). */
  killedAtMs: number;
  /** ms from spawn to config.json's appearance. */
  configAtMs?: number;
  killed: boolean;
  /** What happened: resumed, finished-before-kill, killed-before-run (no config.json: nothing to resume), failed. */
  outcome: 'resumed' | 'finished-before-kill' | 'killed-before-run' | 'failed';
  lastEpochBeforeKill?: string;
  stateBeforeKill?: string;
  restartedFrom?: string;
  epochsLost?: number;
  tempsAtKill: string[];
  leakedTemps: string[];
  problems: string[];
  error?: string;
  finalVal?: { accuracy: number; logLoss: number };
  resumeMs?: number;
}

/** One kill-and-resume trial in the empty folder `out`. `check` may add problems (e.g. load and predict the model). */
export async function crashTrial(
  trial: number,
  fitArgs: string[],
  out: string,
  kill: KillAt,
  check?: (out: string) => Promise<string[]>,
  timeoutMs = 180_000,
): Promise<TrialResult> {
  const first = await runFit([...fitArgs, '--out', out, '--json'], out, kill, timeoutMs);
  const res: TrialResult = { trial, kill, killedAtMs: Math.round(first.ms), configAtMs: first.configAtMs && Math.round(first.configAtMs), killed: first.killed, outcome: 'failed', tempsAtKill: leakedTemps(out), leakedTemps: [], problems: [] };
  if (!first.killed) {
    if (first.code === 0) {
      res.outcome = 'finished-before-kill';
      res.leakedTemps = leakedTemps(out);
      if (res.leakedTemps.length) res.problems.push(`temporaries left by a finished fit: ${res.leakedTemps.join(', ')}`);
      return res;
    }
    res.error = `fit exited ${first.code ?? first.signal} without being killed: ${first.stderr.slice(-600)}`;
    res.problems.push(res.error);
    return res;
  }
  if (!existsSync(join(out, 'config.json'))) {
    res.outcome = 'killed-before-run';
    return res;
  }
  let before: EpochRecord[];
  let state: State | undefined;
  try {
    before = readHistory(out);
    state = readState(out);
  } catch (err) {
    res.error = `run files unreadable after the kill: ${(err as Error).message}`;
    res.problems.push(res.error);
    return res;
  }
  const lastRec = before.at(-1);
  res.lastEpochBeforeKill = lastRec ? `${lastRec.phase}:${lastRec.epoch}` : 'none';
  res.stateBeforeKill = state ? `${state.phase}:${state.epoch}${state.finished ? ' finished' : ''}${state.donePhases.length ? ` done=${state.donePhases.join('+')}` : ''}` : 'none';
  res.epochsLost = epochsLost(before, state);
  if (state?.finished) {
    // killed after the final state was written (only process exit left): nothing to resume
    res.outcome = 'finished-before-kill';
    res.restartedFrom = 'finished';
    res.epochsLost = 0;
    res.leakedTemps = leakedTemps(out);
    if (res.leakedTemps.length) res.problems.push(`temporaries left by a fit killed after finishing: ${res.leakedTemps.join(', ')}`);
    return res;
  }
  res.restartedFrom = state ? (state.donePhases.includes(state.phase) ? `after ${state.phase}` : `${state.phase}:${state.epoch + 1}`) : 'start';
  const resumed = await runCli(['fit', '--resume', out, '--json'], timeoutMs);
  res.resumeMs = Math.round(resumed.ms);
  if (resumed.code !== 0) {
    res.error = `resume exited ${resumed.code ?? resumed.signal}: ${(resumed.stdout + resumed.stderr).slice(-800)}`;
    res.problems.push(res.error);
  } else {
    try {
      const report = JSON.parse(resumed.stdout.trim().split('\n').at(-1)!) as { val?: { accuracy: number; logLoss: number } };
      if (report.val) res.finalVal = { accuracy: report.val.accuracy, logLoss: report.val.logLoss };
    } catch (err) {
      res.problems.push(`resume output is not one JSON object: ${(err as Error).message}`);
    }
  }
  try {
    const after = readHistory(out);
    res.problems.push(...historyProblems(after));
    const endState = readState(out);
    if (resumed.code === 0 && !endState?.finished) res.problems.push(`state.json not finished after the resume: ${JSON.stringify(endState)}`);
    // records the resume kept must be the ones written before the kill, unchanged
    const keptN = before.length - (res.epochsLost ?? 0);
    for (let i = 0; i < keptN; i++) {
      if (JSON.stringify(after[i]) !== JSON.stringify(before[i])) {
        res.problems.push(`history record ${i + 1} changed by the resume`);
        break;
      }
    }
  } catch (err) {
    res.problems.push(`run files unreadable after the resume: ${(err as Error).message}`);
  }
  if (resumed.code === 0 && check) res.problems.push(...(await check(out)));
  res.leakedTemps = leakedTemps(out);
  if (res.leakedTemps.length) res.problems.push(`temporaries left after the resume: ${res.leakedTemps.join(', ')}`);
  if ((res.epochsLost ?? 0) > 1) res.problems.push(`${res.epochsLost} epochs lost (> 1)`);
  res.outcome = res.problems.length ? 'failed' : 'resumed';
  return res;
}

/** Seeded random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
