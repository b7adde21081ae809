/**
 * The dashboard's HTTP application (Hono): the page and its scripts, a JSON API over the runs
 * folder (runs, comparisons, stored predictions a page at a time, what-if, Grad-CAM), training
 * jobs with their progress as server-sent events, and the files of the runs folder (only those).
 * Every request passes the token check of ./auth.ts first.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { TransferkitError } from '../errors.ts';
import { asset } from './assets.ts';
import { admit, isLoopback, TOKEN_COOKIE } from './auth.ts';
import { compareRuns, runCharts } from './run-charts.ts';
import { curveDetail, listCurves } from './curves.ts';
import { JobManager, type CurveRequest, type FitRequest, type JobEvent } from './jobs.ts';
import { predictionsPage } from './predictions.ts';
import { listRuns, runDetail, runDir, type RunSummary } from './run-list.ts';
import { fileInside } from './safe-path.ts';
import { ModelCache } from './what-if.ts';

/**
 * Options of {@link createServeApp}.
 *
 * @example
 * ```ts
 * const opts: ServeAppOptions = { root: 'runs', token: newToken(), open: true, cli: ['bin/transferkit.js'] };
 * ```
 */
export interface ServeAppOptions {
  /** The runs folder: the only folder whose files are served. */
  root: string;
  /** The token that lets a request in (see ./auth.ts). */
  token: string;
  /** Whether loopback clients need no token (`--no-token`, a loopback server only; otherwise every request needs it). */
  open: boolean;
  /** The `node` arguments that start the `transferkit` CLI, for training jobs. */
  cli: string[];
}

/**
 * The dashboard application and what it holds (jobs, loaded models), with `close` to stop the
 * jobs and release the models.
 *
 * @example
 * ```ts
 * const { app, close } = createServeApp(opts);
 * const res = await app.request('/api/runs', {}, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
 * await close();
 * ```
 */
export interface ServeApp {
  app: Hono;
  jobs: JobManager;
  models: ModelCache;
  close(): Promise<void>;
}

/** Content types of files served from the runs folder (others as plain bytes). */
const FILE_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.csv': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The page's policy: its own scripts (Vega compiles expressions, hence eval), images inline. */
const PAGE_CSP = "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'self'";
/** Files of the runs folder: shown, never run (a sandbox without scripts). */
const FILE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:";

/**
 * Builds the dashboard application over the runs folder `opts.root`.
 *
 * @example
 * ```ts
 * const { app } = createServeApp({ root: 'runs', token, open: true, cli: [process.argv[1]] });
 * ```
 */
export function createServeApp(opts: ServeAppOptions): ServeApp {
  const root = resolve(opts.root);
  const jobs = new JobManager(root, opts.cli);
  const models = new ModelCache(root);
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof TransferkitError) {
      const status = err.code === 'UNAUTHORIZED' ? 401 : /NOT_FOUND$/.test(err.code) ? 404 : err.code === 'RUN_EXISTS' || err.code === 'RUN_LOCKED' ? 409 : 400;
      return c.json({ error: err.toJSON() }, status);
    }
    return c.json({ error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: 'FILE_NOT_FOUND', message: 'Not found' } }, 404));

  // who may come in
  app.use('*', async (c, next) => {
    const remote = remoteAddress(c);
    const { ok, by, setCookie: set } = admit(opts.token, opts.open, {
      remote,
      authorization: c.req.header('authorization'),
      query: c.req.query('token'),
      cookie: getCookie(c, TOKEN_COOKIE),
    });
    // let in without the token: the page must also be asked for by a loopback name (a DNS-rebinding page cannot)
    if (!ok || (by === 'loopback' && !isLoopback(hostName(c.req.header('host'))))) {
      throw new TransferkitError('UNAUTHORIZED', 'This dashboard needs its token', { hint: 'Open the address `transferkit serve` printed (it ends in ?token=…), or send Authorization: Bearer <token>.' });
    }
    if (set) setCookie(c, TOKEN_COOKIE, opts.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
    // writes come from this page only: JSON bodies, same origin
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = c.req.header('origin');
      if (origin && hostOf(origin) !== c.req.header('host')) throw new TransferkitError('UNAUTHORIZED', `A request from another site (${origin}) was refused`, { hint: 'Use the dashboard page itself.' });
    }
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });

  // the page and its scripts
  const page = async (c: Context, name: string) => {
    const a = await asset(name);
    if (!a) return c.notFound();
    c.header('Content-Security-Policy', PAGE_CSP);
    c.header('Cache-Control', 'no-cache');
    return c.body(a.body, 200, { 'Content-Type': a.type });
  };
  app.get('/', (c) => page(c, 'index.html'));
  app.get('/app/:file', (c) => page(c, c.req.param('file')));
  app.get('/vendor/:file', (c) => page(c, c.req.param('file')));

  // runs
  const withJob = <R extends RunSummary>(r: R): R => {
    const job = jobs.activeJob(r.name);
    // a run in training is not resumable until its job ends
    return job ? { ...r, job: job.id, ...('resumable' in r ? { resumable: false } : {}) } : r;
  };
  app.get('/api/runs', async (c) => c.json({ runs: (await listRuns(root)).map(withJob) }));
  app.get('/api/runs/:name', async (c) => {
    const d = await runDetail(root, c.req.param('name'));
    return c.json({ ...withJob(d), charts: runCharts(d) });
  });
  app.get('/api/compare', async (c) => {
    const names = (c.req.query('runs') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (names.length < 1 || names.length > 8) throw new TransferkitError('BAD_OPTION', `runs must name 1 to 8 runs, comma-separated, got ${names.length}`, { where: 'runs' });
    return c.json(compareRuns(await Promise.all(names.map((n) => runDetail(root, n)))));
  });
  app.get('/api/runs/:name/predictions', async (c) => {
    const dir = await runDir(root, c.req.param('name'));
    // a value that is not a number (?limit=abc) takes the default
    const num = (k: string) => {
      const v = Number(c.req.query(k) ?? NaN);
      return Number.isFinite(v) ? v : undefined;
    };
    const filter = c.req.query('filter') === 'wrong' ? 'wrong' : 'all';
    const page = await predictionsPage(dir, { offset: num('offset'), limit: num('limit'), sample: num('sample'), seed: num('seed'), filter });
    if (!page) throw new TransferkitError('FILE_NOT_FOUND', `The run "${c.req.param('name')}" has no stored predictions (predictions.jsonl)`, { hint: 'Write them with `transferkit predict --model <run> --data <labelled data> --out <run>/predictions.jsonl`.' });
    return c.json(page);
  });

  // learning curves
  app.get('/api/curves', async (c) => c.json({ curves: await listCurves(root) }));
  app.get('/api/curves/:name', async (c) => c.json(await curveDetail(root, c.req.param('name'))));

  // what-if and Grad-CAM
  app.get('/api/runs/:name/whatif', async (c) => c.json(await models.schema(c.req.param('name'))));
  app.post('/api/runs/:name/whatif', async (c) => {
    const body = await jsonBody(c);
    return c.json(await models.predict(c.req.param('name'), (body.values ?? {}) as Record<string, unknown>));
  });
  app.post('/api/runs/:name/counterfactuals', async (c) => {
    const body = await jsonBody(c);
    const immutable = Array.isArray(body.immutable) ? body.immutable.map(String) : undefined;
    return c.json(await models.counterfactuals(c.req.param('name'), (body.values ?? {}) as Record<string, unknown>, { desired: typeof body.desired === 'string' && body.desired ? body.desired : undefined, immutable, count: typeof body.count === 'number' ? body.count : undefined }));
  });
  app.get('/api/runs/:name/gradcam', async (c) => c.json(await models.gradCam(c.req.param('name'), Number(c.req.query('count') ?? 4) || 4)));

  // training jobs
  app.get('/api/jobs', (c) => c.json({ jobs: jobs.list() }));
  app.post('/api/jobs', async (c) => {
    const body = await jsonBody(c);
    const { command, ...req } = body;
    if (command === 'curve') return c.json(jobs.startCurve(req as unknown as CurveRequest), 201);
    if (command !== undefined && command !== 'fit') throw new TransferkitError('BAD_OPTION', `command must be fit or curve, got ${JSON.stringify(command)}`, { where: 'command' });
    return c.json(jobs.startFit(req as unknown as FitRequest), 201);
  });
  app.get('/api/jobs/:id', (c) => c.json(jobs.get(c.req.param('id'))));
  app.post('/api/jobs/:id/stop', (c) => c.json(jobs.stop(c.req.param('id'))));
  app.post('/api/runs/:name/resume', async (c) => c.json(await jobs.resume(c.req.param('name')), 201));
  app.get('/api/jobs/:id/events', (c) => {
    const id = c.req.param('id');
    jobs.get(id); // unknown job: an error before the stream starts
    // a reconnecting EventSource sends the last id it saw: events up to it are not sent again
    const lastSeen = Number(c.req.header('last-event-id') ?? NaN);
    const after = Number.isFinite(lastSeen) ? lastSeen : -Infinity;
    return streamSSE(c, async (stream) => {
      const queue: JobEvent[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = jobs.subscribe(id, (e) => {
        queue.push(e);
        wake?.();
      });
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      try {
        while (!closed) {
          const e = queue.shift();
          if (!e) {
            await new Promise<void>((r) => (wake = r));
            wake = undefined;
            continue;
          }
          if (e.id > after || e.type === 'end') await stream.writeSSE({ id: String(e.id), event: e.type, data: JSON.stringify(e.data) });
          if (e.type === 'end') break;
        }
      } finally {
        unsubscribe();
      }
    });
  });

  // files of the runs folder, and nothing else
  app.get('/files/*', async (c) => {
    const rel = c.req.path.slice('/files/'.length);
    const file = await fileInside(root, rel);
    if (!file) throw new TransferkitError('FILE_NOT_FOUND', 'No such file in the runs folder', { where: 'files' });
    c.header('Content-Security-Policy', FILE_CSP);
    return c.body(new Uint8Array(await readFile(file)), 200, { 'Content-Type': FILE_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' });
  });

  return {
    app,
    jobs,
    models,
    close: async () => {
      await jobs.closeAll();
      await models.close();
    },
  };
}

/** The client's address: the socket's, as @hono/node-server passes it (`env.incoming`). */
function remoteAddress(c: Context): string | undefined {
  return (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
}

/** The host name of a Host header (`127.0.0.1:8080` → `127.0.0.1`, `[::1]:80` → `::1`). */
function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(host) ?? /^([^:]+)(?::\d+)?$/.exec(host);
  return m?.[1];
}

/** `host:port` of an origin URL. */
function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** The request's JSON object body; anything else is a `BAD_OPTION` error. */
async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  if (!(c.req.header('content-type') ?? '').includes('application/json')) throw new TransferkitError('BAD_OPTION', 'The request body must be JSON (Content-Type: application/json)');
  const body = (await c.req.json().catch(() => undefined)) as unknown;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TransferkitError('BAD_OPTION', 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}
