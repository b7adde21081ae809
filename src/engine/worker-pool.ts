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
import { TransferkitError } from '../errors.ts';

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
 * const opts: WorkerPoolOptions = { size: 2, onEvent: (e) => console.log(e) };
 * ```
 */
export interface WorkerPoolOptions {
  /** Number of worker threads (default: the number of cores, at least 1). */
  size?: number;
  /** Receives what jobs send with the `emit` function {@link serveJobs} gives them (e.g. progress). */
  onEvent?: (event: unknown) => void;
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

  constructor(moduleUrl: URL, opts: WorkerPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.size ?? availableParallelism()));
    // Workers do not inherit tsx's loader hooks on Node 20: register them inside each worker
    // (tsx located from here, so it works whatever the current directory is).
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const source = `import(${tsx}).then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(source, { eval: true });
      worker.on('message', (reply: Reply) => {
        if ('event' in reply) {
          this.pending.get(reply.id)?.onEvent?.(reply.event);
          opts.onEvent?.(reply.event);
          return;
        }
        const p = this.pending.get(reply.id);
        if (!p) return;
        this.pending.delete(reply.id);
        if (reply.error) p.reject(reviveError(reply.error));
        else p.resolve(reply.result);
      });
      worker.on('error', (err: Error) => this.failAll(err));
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
    while (this.idle.length === 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
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

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
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
  const err = e.code ? new TransferkitError(e.code, e.message, { where: e.where, hint: e.hint }) : new Error(e.message);
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
