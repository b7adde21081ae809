/**
 * Independent training runs on every core: a pool of worker_threads, each with its own
 * TensorFlow.js engine (engine state is per thread, see `./backend.ts`), that takes jobs —
 * plain, structured-cloneable data — and returns their results in order.
 *
 * The wasm backend runs one thread per engine, so on a 2-core machine two runs side by side
 * take about half the wall time of running them one after the other. Each worker loads its own
 * copy of the model and data it is sent (a few hundred MB of memory per worker).
 *
 * A worker module calls {@link serveJobs} with the function that does one job; the main thread
 * creates a {@link WorkerPool} over that module and calls {@link WorkerPool.run}.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { parentPort, Worker } from 'node:worker_threads';
import { TransferkitError, type ErrorCode } from '../errors.ts';
import { engineInfo } from './backend.ts';
import { trainingSetting } from './training-engine.ts';

/** How a job's failure crosses the thread boundary. */
interface JobError {
  name: string;
  message: string;
  code?: string;
  where?: string;
  hint?: string;
  stack?: string;
}

type Reply = { id: number; result?: unknown; error?: JobError } | { id: number; event: unknown };

/**
 * Options of {@link WorkerPool}.
 *
 * @example
 * ```ts
 * const opts: WorkerPoolOptions = { size: 2 };
 * ```
 */
export interface WorkerPoolOptions {
  /** Number of worker threads (default: the number of cores, at least 1). */
  size?: number;
}

/**
 * The URL of a worker module that sits beside the calling module: `name.js` when the caller
 * runs compiled (dist/), `name.ts` when it runs from source (tests, scripts under tsx).
 *
 * @param here the caller's `import.meta.url`.
 * @param name the worker module's file name without extension.
 * @example
 * ```ts
 * const pool = new WorkerPool(workerBeside(import.meta.url, 'experiment-worker'));
 * ```
 */
export function workerBeside(here: string, name: string): URL {
  return new URL(`./${name}${here.endsWith('.ts') ? '.ts' : '.js'}`, here);
}

/**
 * Starts a worker thread on a module. Compiled modules load directly; TypeScript sources need
 * tsx's loader, which workers do not inherit on Node 20, so it is registered inside the worker
 * (located from here, so it works whatever the current directory is).
 */
function startWorker(moduleUrl: URL): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}); });`, { eval: true });
}

/**
 * A fixed set of worker threads running one module's job function.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool(new URL('./train-worker.ts', import.meta.url), { size: 2 });
 * try {
 *   const results = await Promise.all(jobs.map((job) => pool.run(job)));
 * } finally {
 *   await pool.close();
 * }
 * ```
 */
export class WorkerPool {
  readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<() => void> = [];
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; onEvent?: (event: unknown) => void }>();
  private nextId = 0;
  private closed = false;
  /** Set when a worker died: every pending and later job fails with it instead of waiting forever. */
  private broken?: Error;

  constructor(moduleUrl: URL, opts: WorkerPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.size ?? availableParallelism()));
    for (let i = 0; i < this.size; i++) {
      const worker = startWorker(moduleUrl);
      worker.on('message', (reply: Reply) => {
        if ('event' in reply) {
          this.pending.get(reply.id)?.onEvent?.(reply.event);
          return;
        }
        const p = this.pending.get(reply.id);
        if (!p) return;
        this.pending.delete(reply.id);
        if (reply.error) p.reject(reviveError(reply.error));
        else p.resolve(reply.result);
      });
      worker.on('error', (err: Error) => this.fail(err));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new TransferkitError('WORKER_FAILED', `A training worker thread stopped (exit code ${code})`, { hint: 'Run again with `threads: 1` to train in the main thread and see the underlying error.' }));
      });
      worker.unref();
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /**
   * Runs one job on the next free worker and resolves with its result (or rejects with its
   * error); `onEvent` receives what this job emits.
   */
  async run<Job, Result>(job: Job, onEvent?: (event: unknown) => void): Promise<Result> {
    if (this.closed) throw new TransferkitError('POOL_CLOSED', 'The worker pool is closed');
    while (this.idle.length === 0 && !this.broken) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.broken) throw this.broken;
    const worker = this.idle.pop()!;
    const id = this.nextId++;
    try {
      return await new Promise<Result>((resolve, reject) => {
        this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onEvent });
        worker.ref();
        worker.postMessage({ id, job });
      });
    } finally {
      worker.unref();
      this.idle.push(worker);
      this.waiting.shift()?.();
    }
  }

  /** The thread ids of the workers (as `worker_threads.threadId` reads inside each). */
  get threadIds(): number[] {
    return this.workers.map((w) => w.threadId);
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private fail(err: Error): void {
    this.broken ??= err;
    for (const p of this.pending.values()) p.reject(this.broken);
    this.pending.clear();
    for (const wake of this.waiting.splice(0)) wake();
  }
}

/**
 * The worker side of {@link WorkerPool}: answers every job the pool sends with `handle(job)`.
 * `emit` sends an event (e.g. progress) to the pool's `onEvent`.
 *
 * @example
 * ```ts
 * // train-worker.ts
 * serveJobs(async (job: { seed: number }, emit) => {
 *   emit({ started: job.seed });
 *   return { seed: job.seed, accuracy: 0.9 };
 * });
 * ```
 */
export function serveJobs<Job, Result>(handle: (job: Job, emit: (event: unknown) => void) => Promise<Result>): void {
  const port = parentPort;
  if (!port) throw new TransferkitError('NOT_A_WORKER', 'serveJobs must run inside a worker thread');
  // One job at a time per worker, in arrival order.
  let queue = Promise.resolve();
  port.on('message', ({ id, job }: { id: number; job: Job }) => {
    queue = queue.then(async () => {
      try {
        const result = await handle(job, (event) => port.postMessage({ id, event }));
        port.postMessage({ id, result });
      } catch (err) {
        port.postMessage({ id, error: describeError(err) });
      }
    });
  });
}

function describeError(err: unknown): JobError {
  if (err instanceof TransferkitError) return { name: err.name, message: err.message, code: err.code, where: err.where, hint: err.hint, stack: err.stack };
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: String(err) };
}

function reviveError(e: JobError): Error {
  const err = e.code ? new TransferkitError(e.code as ErrorCode, e.message, { where: e.where, hint: e.hint }) : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

/**
 * One progress figure for many runs going on at once: each run reports its steps (`step`) and
 * its end (`finish`); `report` gets the share done of all runs, in thousandths. A run's share
 * never goes back (a run's later phase restarting its step count does not lower it).
 *
 * @example
 * ```ts
 * const progress = runsProgress(9, (done, total) => bar.update('training runs', done, total));
 * progress.step(0, 50, 300);
 * progress.finish(0);
 * ```
 */
export function runsProgress(runs: number, report: (done: number, total: number) => void): { step(run: number, done: number, total: number): void; finish(run: number): void } {
  const share = new Map<number, number>();
  const emit = () => {
    let sum = 0;
    for (const v of share.values()) sum += v;
    report(Math.round((1000 * sum) / Math.max(1, runs)), 1000);
  };
  return {
    step(run, done, total) {
      const v = Math.min(1, done / Math.max(1, total));
      if (v > (share.get(run) ?? 0)) {
        share.set(run, v);
        emit();
      }
    },
    finish(run) {
      share.set(run, 1);
      emit();
    },
  };
}

/**
 * Options of {@link runJobs}.
 *
 * @example
 * ```ts
 * const opts: RunJobsOptions<Job, Result> = { threads: 2, worker: new URL('./job-worker.ts', import.meta.url), here: runJob };
 * ```
 */
export interface RunJobsOptions<Job, Result> {
  /** Worker threads (default 1: every job in this thread, one after the other). */
  threads?: number;
  /** The worker module: it calls {@link serveJobs} with a handler that starts its engine (`initEngine({ backend: job.backend, training: job.training })`), runs the job and emits `{ done, total }` steps. */
  worker: URL;
  /** Runs job `i` in this thread (used when `threads` is 1). */
  here: (job: Job, i: number) => Promise<Result>;
  /** Called as each job finishes. */
  onDone?: (result: Result, i: number) => void;
  /** With workers: the share of all jobs done, in thousandths ({@link runsProgress}). */
  onProgress?: (done: number, total: number) => void;
  /**
   * With workers: called once they are all terminated (after the last job, or after a failure
   * cut the others short), with their thread ids — e.g. to release the run-folder locks that
   * jobs stopped mid-way left behind (`releaseThreadLocks`).
   */
  afterWorkers?: (threadIds: number[]) => Promise<void>;
}

/**
 * Runs independent jobs, in this thread or side by side on a {@link WorkerPool}, and returns
 * their results in job order. Jobs must be plain data; each is sent with this thread's backend
 * (`backend`) and training-engine setting (`training`, see `setTrainingEngine`) so the workers
 * compute on the same ones.
 *
 * @example
 * ```ts
 * const results = await runJobs(jobs, { threads: 2, worker: new URL('./compare-worker.ts', import.meta.url), here: (job) => runCompareJob(job) });
 * ```
 */
export async function runJobs<Job extends object, Result>(jobs: Job[], opts: RunJobsOptions<Job, Result>): Promise<Result[]> {
  const threads = Math.min(opts.threads ?? 1, jobs.length);
  if (threads <= 1) {
    const results: Result[] = [];
    for (const [i, job] of jobs.entries()) {
      const r = await opts.here(job, i);
      opts.onDone?.(r, i);
      results.push(r);
    }
    return results;
  }
  const backend = engineInfo()?.backend;
  const training = trainingSetting();
  const pool = new WorkerPool(opts.worker, { size: threads });
  const threadIds = pool.threadIds;
  const progress = runsProgress(jobs.length, (done, total) => opts.onProgress?.(done, total));
  try {
    return await Promise.all(
      jobs.map(async (job, i) => {
        const r = await pool.run<Job & { backend?: string; training?: string }, Result>({ ...job, backend, training }, (e) => {
          const { done, total } = e as { done: number; total: number };
          progress.step(i, done, total);
        });
        progress.finish(i);
        opts.onDone?.(r, i);
        return r;
      }),
    );
  } finally {
    await pool.close();
    await opts.afterWorkers?.(threadIds);
  }
}
