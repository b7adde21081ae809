/**
 * Training started from the dashboard: each job is the `transferkit` CLI in a child process
 * (`fit --out <runs>/<name>`, `fit --resume <runs>/<name>`, `curve --out` / `curve --resume`), so a crash or a stop cannot take the
 * server down and a stopped run is exactly what a killed CLI leaves: a resumable run folder
 * (checkpoints are written atomically each epoch). Its progress lines (stderr) become events that
 * the server streams to browsers; its `--json` result (stdout) ends the job.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TransferkitError } from '../errors.ts';
import { describeBounds, inBounds, trainingSetting, type TrainingSettingKey } from '../transfer/settings.ts';
import { STRATEGIES } from '../transfer/strategies.ts';
import { runLockOwner } from '../runs/run-folder.ts';
import { readRunText } from './safe-path.ts';
import { CURVE_OPTIONS_FILE } from '../choose/curve.ts';

/**
 * A fit to start from the dashboard's form.
 *
 * @example
 * ```ts
 * const req: FitRequest = { name: 'iris-mlp', train: 'builtin:iris', strategy: 'scratch', arch: 'mlp', epochs: 5 };
 * ```
 */
export interface FitRequest {
  /** The run folder's name inside the runs folder (letters, digits, `.`, `_`, `-`). */
  name: string;
  /** Training data as `fit` takes it (builtin:NAME, a file or folder). */
  train: string;
  base?: string;
  strategy?: string;
  arch?: string;
  label?: string;
  epochs?: number;
  perClass?: number;
  learningRate?: number;
  batchSize?: number;
  seed?: number;
}

/**
 * A learning curve to start from the dashboard: transfer against scratch over target sizes
 * (`transferkit curve`), kept in `<runs>/<name>` (its runs and curve.json).
 *
 * @example
 * ```ts
 * const req: CurveRequest = { name: 'mnist-curve', base: 'fashion-cnn', train: 'builtin:mnist', sizes: '1,10', seeds: 2 };
 * ```
 */
export interface CurveRequest {
  name: string;
  base: string;
  train: string;
  /** Labelled examples per class, comma-separated (`all` for the whole pool; default 1,10,100). */
  sizes?: string;
  seeds?: number;
  /** Comma-separated strategies (default extract,finetune,scratch). */
  strategies?: string;
  label?: string;
  epochs?: number;
}

/** What a job is doing. */
export type JobStatus = 'running' | 'stopping' | 'finished' | 'failed' | 'stopped';

/**
 * One event of a job, as streamed to the browser (server-sent events of these types).
 *
 * @example
 * ```ts
 * const e: JobEvent = { id: 3, type: 'epoch', data: { phase: 'train', epoch: 2, loss: 0.64 } };
 * ```
 */
export interface JobEvent {
  id: number;
  type: 'start' | 'log' | 'epoch' | 'step' | 'point' | 'end';
  data: Record<string, unknown>;
}

/**
 * A job as the API shows it.
 *
 * @example
 * ```ts
 * const j: JobInfo = { id: 'j1', command: 'fit', run: 'iris', status: 'running', started: '2026-12-07T10:00:00Z' };
 * ```
 */
export interface JobInfo {
  id: string;
  command: 'fit' | 'resume' | 'curve';
  run: string;
  status: JobStatus;
  started: string;
  ended?: string;
  exitCode?: number | null;
  /** The error the CLI reported, when it failed. */
  error?: { code: string; message: string; hint?: string };
}

interface Job extends JobInfo {
  child: ChildProcess;
  events: JobEvent[];
  listeners: Set<(e: JobEvent) => void>;
  done: Promise<void>;
}

/** Names a run folder may have in the dashboard. */
const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Numeric settings the form may send, by API name. */
const FORM_SETTINGS: readonly TrainingSettingKey[] = ['epochs', 'perClass', 'learningRate', 'batchSize', 'seed'];

/** `phase epoch N: loss X[, val loss Y, val accuracy Z] (S s)`, as `fit` logs each epoch. */
const EPOCH_LINE = /^(\S+) epoch (\d+): loss ([\d.e+-]+|n\/a)(?:, val loss ([\d.e+-]+|n\/a), val accuracy ([\d.e+-]+|n\/a))?/;
/** `  10 per class  extract  seed 0: test accuracy 0.812 (1.2 s)`, as `curve` logs each trained run. */
const CURVE_LINE = /^\s*(\S+) per class\s+(\S+)\s+seed (\d+): test accuracy ([\d.]+)/;
/** `task: done/total`, as plain progress reports steps. */
const STEP_LINE = /^(.+): (\d+)\/(\d+)$/;

/** Events kept per job (older log lines are dropped from the replay; epochs and the end are kept). */
const MAX_EVENTS = 2000;

/**
 * Starts, stops and resumes training jobs in child processes, and keeps their events.
 *
 * @example
 * ```ts
 * const jobs = new JobManager('/home/me/runs', ['/usr/lib/node_modules/transferkit/bin/transferkit.js']);
 * const job = jobs.startFit({ name: 'iris', train: 'builtin:iris', strategy: 'scratch', arch: 'mlp', epochs: 5 });
 * jobs.subscribe(job.id, (e) => console.log(e.type, e.data));
 * ```
 */
export class JobManager {
  private readonly jobs = new Map<string, Job>();
  private counter = 0;
  /** Set by {@link JobManager.closeAll}: no job starts once the server is closing. */
  private closing = false;

  /**
   * @param root The runs folder (absolute).
   * @param cli The `node` arguments that start the `transferkit` CLI (the command's arguments follow).
   */
  constructor(
    readonly root: string,
    readonly cli: string[],
  ) {}

  /**
   * Starts `fit` for a new run folder `<root>/<name>`.
   *
   * @throws TransferkitError `BAD_OPTION` (a bad name or value), `MISSING_OPTION` (no `train`), `RUN_EXISTS` (the folder exists).
   */
  startFit(req: FitRequest): JobInfo {
    const name = checkName(req.name);
    if (typeof req.train !== 'string' || !req.train.trim()) throw new TransferkitError('MISSING_OPTION', 'train is required: the training data (e.g. builtin:iris)', { where: 'train' });
    const dir = join(this.root, name);
    if (existsSync(dir) || this.busy(name)) throw new TransferkitError('RUN_EXISTS', `The runs folder already holds "${name}"`, { where: name, hint: 'Choose another name, or resume that run.' });
    const args = ['fit', '--train', text(req.train, 'train'), '--out', dir, '--json'];
    const strategy = req.strategy ?? (req.base ? 'finetune' : 'scratch');
    if (!STRATEGIES.includes(strategy as (typeof STRATEGIES)[number])) throw bad('strategy', strategy, STRATEGIES.join(', '));
    args.push('--strategy', strategy);
    if (req.base) args.push('--base', text(req.base, 'base'));
    if (req.arch) {
      if (!['mlp', 'logistic', 'cnn'].includes(req.arch)) throw bad('arch', req.arch, 'mlp, logistic, cnn');
      args.push('--arch', req.arch);
    }
    if (req.label) args.push('--label', text(req.label, 'label'));
    for (const key of FORM_SETTINGS) {
      const v = req[key as keyof FitRequest];
      if (v === undefined || v === null || v === '') continue;
      const s = trainingSetting(key);
      if (!inBounds(s, Number(v))) throw bad(key, String(v), describeBounds(s));
      args.push(s.flag, String(Number(v)));
    }
    return this.launch('fit', name, args);
  }

  /**
   * Starts a learning curve (`curve --out <root>/<name>`): its runs and curve.json go there.
   *
   * @throws TransferkitError `BAD_OPTION` (a bad name or value), `MISSING_OPTION` (no `base` or `train`), `RUN_EXISTS` (the folder exists).
   */
  startCurve(req: CurveRequest): JobInfo {
    const name = checkName(req.name);
    for (const key of ['base', 'train'] as const) {
      if (typeof req[key] !== 'string' || !req[key].trim()) throw new TransferkitError('MISSING_OPTION', `${key} is required for a learning curve`, { where: key, hint: 'A curve compares transfer from a base model with scratch, e.g. base fashion-cnn, train builtin:mnist.' });
    }
    const dir = join(this.root, name);
    if (existsSync(dir) || this.busy(name)) throw new TransferkitError('RUN_EXISTS', `The runs folder already holds "${name}"`, { where: name, hint: 'Choose another name.' });
    const args = ['curve', '--base', text(req.base, 'base'), '--train', text(req.train, 'train'), '--out', dir, '--json'];
    if (req.sizes !== undefined && req.sizes !== '') {
      if (!/^(\d+|all)(,(\d+|all))*$/.test(String(req.sizes).replace(/\s/g, ''))) throw bad('sizes', String(req.sizes), 'examples per class, comma-separated (e.g. 1,10,100 or all)');
      args.push('--sizes', String(req.sizes).replace(/\s/g, ''));
    }
    if (req.strategies !== undefined && req.strategies !== '') {
      const list = String(req.strategies).split(',').map((x) => x.trim()).filter(Boolean);
      const unknown = list.find((x) => !STRATEGIES.includes(x as (typeof STRATEGIES)[number]));
      if (unknown !== undefined || list.length === 0) throw bad('strategies', String(req.strategies), STRATEGIES.join(', '));
      args.push('--strategies', list.join(','));
    }
    if (req.seeds !== undefined && req.seeds !== null) {
      if (!(Number.isInteger(Number(req.seeds)) && Number(req.seeds) >= 1 && Number(req.seeds) <= 20)) throw bad('seeds', String(req.seeds), 'a whole number in [1, 20]');
      args.push('--seeds', String(Number(req.seeds)));
    }
    if (req.label) args.push('--label', text(req.label, 'label'));
    if (req.epochs !== undefined && req.epochs !== null) {
      const s = trainingSetting('epochs');
      if (!inBounds(s, Number(req.epochs))) throw bad('epochs', String(req.epochs), describeBounds(s));
      args.push(s.flag, String(Number(req.epochs)));
    }
    return this.launch('curve', name, args);
  }

  /**
   * Resumes the interrupted run `<root>/<name>` (`fit --resume`), or the interrupted learning
   * curve there (`curve --resume`: a folder with curve-options.json and no curve.json yet).
   *
   * @throws TransferkitError `RUN_NOT_FOUND` (no such run), `RUN_FINISHED` (a curve that finished), `BAD_OPTION` (a job already trains it), `RUN_LOCKED` (another process trains it).
   */
  async resume(name: string): Promise<JobInfo> {
    const dir = join(this.root, checkName(name));
    const curve = !existsSync(join(dir, 'config.json')) && existsSync(join(dir, CURVE_OPTIONS_FILE));
    if (curve && existsSync(join(dir, 'curve.json'))) throw new TransferkitError('RUN_FINISHED', `The learning curve "${name}" has finished`, { where: name, hint: 'See it in the curves list, or start a new curve.' });
    if (!curve && !existsSync(join(dir, 'config.json'))) throw new TransferkitError('RUN_NOT_FOUND', `No run "${name}" to resume`, { where: name, hint: 'Pick an interrupted run from the runs list.' });
    // a live process (not a job of this server, which launch refuses itself) holds the run's or the curve's lock
    const pid = this.busy(name) ? undefined : await runLockOwner(dir, (rel) => readRunText(dir, rel));
    const what = curve ? 'learning curve' : 'run';
    if (pid !== undefined) throw new TransferkitError('RUN_LOCKED', `The ${what} "${name}" is being trained by another process (pid ${pid})`, { where: name, hint: `Wait for process ${pid} to finish, then resume it.` });
    return this.launch('resume', name, curve ? ['curve', '--resume', dir, '--json'] : ['fit', '--resume', dir, '--json']);
  }

  /**
   * Stops a running job (SIGTERM): its run folder keeps its last checkpoint and can be resumed.
   *
   * @throws TransferkitError `BAD_OPTION` when there is no such job.
   */
  stop(id: string): JobInfo {
    const job = this.job(id);
    if (job.status === 'running') {
      job.status = 'stopping';
      job.child.kill('SIGTERM');
    }
    return info(job);
  }

  /** The job training run `run` now, if any. */
  activeJob(run: string): JobInfo | undefined {
    const job = this.busy(run);
    return job && info(job);
  }

  /** Every job, newest first. */
  list(): JobInfo[] {
    return [...this.jobs.values()].reverse().map(info);
  }

  /**
   * One job.
   *
   * @throws TransferkitError `BAD_OPTION` when there is no such job.
   */
  get(id: string): JobInfo {
    return info(this.job(id));
  }

  /** Resolves when the job has ended. */
  async wait(id: string): Promise<JobInfo> {
    const job = this.job(id);
    await job.done;
    return info(job);
  }

  /**
   * Calls `listener` with every event of the job so far, then with each new one; returns the
   * function that unsubscribes.
   */
  subscribe(id: string, listener: (e: JobEvent) => void): () => void {
    const job = this.job(id);
    for (const e of job.events) listener(e);
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /** Stops every running job and waits for them to end (when the server closes). */
  async closeAll(): Promise<void> {
    this.closing = true;
    for (const job of this.jobs.values()) if (job.status === 'running') this.stop(job.id);
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }

  /** The job training run `run` now, if any. */
  private busy(run: string): Job | undefined {
    return [...this.jobs.values()].find((j) => j.run === run && (j.status === 'running' || j.status === 'stopping'));
  }

  private job(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new TransferkitError('BAD_OPTION', `No job "${id}"`, { where: 'job', hint: 'List the jobs with GET /api/jobs.' });
    return job;
  }

  private launch(command: JobInfo['command'], run: string, args: string[]): JobInfo {
    if (this.closing) throw new TransferkitError('BAD_OPTION', 'The dashboard is shutting down: no job starts now', { where: run, hint: 'Start `transferkit serve` again.' });
    const busy = this.busy(run);
    if (busy) throw new TransferkitError('BAD_OPTION', `The run "${run}" is already training (job ${busy.id})`, { where: run, hint: 'Stop that job first, or wait for it to end.' });
    const id = `j${++this.counter}`;
    const child = spawn(process.execPath, [...this.cli, ...args], { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let resolveDone!: () => void;
    const job: Job = { id, command, run, status: 'running', started: new Date().toISOString(), child, events: [], listeners: new Set(), done: new Promise((r) => (resolveDone = r)) };
    this.jobs.set(id, job);
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => emitLine(job, line));
    emit(job, 'start', { command, run, pid: child.pid });
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (job.ended) return;
      const result = lastJson(stdout);
      const error = spawnError ? { code: 'INTERNAL', message: spawnError.message } : (result?.error as JobInfo['error'] | undefined);
      job.exitCode = code;
      // a job that was asked to stop but got to the end anyway (exit 0, no signal) finished
      job.status = code === 0 && !signal ? 'finished' : job.status === 'stopping' || signal ? 'stopped' : 'failed';
      job.ended = new Date().toISOString();
      if (error) job.error = error;
      emit(job, 'end', { status: job.status, exitCode: code, signal, ...(error ? { error } : {}), ...(result && !error ? { result } : {}) });
      job.listeners.clear();
      resolveDone();
    };
    child.on('error', (err) => finish(null, null, err));
    // 'close': stdout and stderr are drained
    child.on('close', (code, signal) => finish(code, signal));
    return info(job);
  }
}

function emitLine(job: Job, line: string): void {
  const e = EPOCH_LINE.exec(line);
  if (e) {
    const num = (s: string | undefined) => (s === undefined || s === 'n/a' ? undefined : Number(s));
    emit(job, 'epoch', { phase: e[1], epoch: Number(e[2]), loss: num(e[3]), valLoss: num(e[4]), valAccuracy: num(e[5]), line });
    return;
  }
  const p = CURVE_LINE.exec(line);
  if (p) {
    emit(job, 'point', { size: p[1] === 'all' ? 'all' : Number(p[1]), strategy: p[2], seed: Number(p[3]), accuracy: Number(p[4]), line });
    return;
  }
  const s = STEP_LINE.exec(line);
  if (s) emit(job, 'step', { task: s[1], done: Number(s[2]), total: Number(s[3]) });
  else emit(job, 'log', { line });
}

function emit(job: Job, type: JobEvent['type'], data: Record<string, unknown>): void {
  const event: JobEvent = { id: job.events.length ? job.events.at(-1)!.id + 1 : 0, type, data };
  job.events.push(event);
  if (job.events.length > MAX_EVENTS) {
    const drop = job.events.findIndex((x) => x.type === 'log' || x.type === 'step');
    job.events.splice(drop >= 0 ? drop : 0, 1);
  }
  for (const l of job.listeners) l(event);
}

function info(job: Job): JobInfo {
  const { id, command, run, status, started, ended, exitCode, error } = job;
  return { id, command, run, status, started, ...(ended ? { ended, exitCode } : {}), ...(error ? { error } : {}) };
}

/** The last line of stdout that parses as a JSON object (`--json` prints one). */
function lastJson(stdout: string): Record<string, unknown> | undefined {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      const v = JSON.parse(line) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // not JSON
    }
  }
  return undefined;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !RUN_NAME.test(name)) {
    throw new TransferkitError('BAD_OPTION', `name must be 1-64 letters, digits, ".", "_" or "-" (not first), got ${JSON.stringify(name)}`, { where: 'name', hint: 'Use e.g. iris-mlp.' });
  }
  return name;
}

/** A text value the form passes to the CLI: not empty, and not something that reads as a flag. */
function text(v: unknown, where: string): string {
  if (typeof v !== 'string' || !v.trim() || v.trim().startsWith('-')) throw bad(where, String(v), 'a value that does not start with "-"');
  return v.trim();
}

function bad(where: string, got: string, allowed: string): TransferkitError {
  return new TransferkitError('BAD_OPTION', `${where} must be ${allowed.includes(',') ? `one of ${allowed}` : allowed}, got "${got}"`, { where });
}
