/**
 * Starting and stopping the dashboard: listens on 127.0.0.1 by default; every request needs the
 * token (printed in the URL the server returns; opening that URL once sets a cookie), on loopback
 * too, since other users of a shared machine can reach loopback. `noToken` (loopback only) turns
 * the token off: then anyone on this machine can use the dashboard.
 *
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { TransferkitError } from '../errors.ts';
import { createServeApp, type ServeApp } from './app.ts';
import { isLoopback, newToken } from './auth.ts';

/**
 * Options of {@link startServer}.
 *
 * @example
 * ```ts
 * const opts: ServeOptions = { runs: 'runs', port: 0 };
 * ```
 */
export interface ServeOptions {
  /** The runs folder to show (created runs go there too). */
  runs: string;
  /** Port (default 7860; 0 picks a free one). */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Let requests from this machine in without the token (loopback `host` only): anyone on this machine, other users included, can then use the dashboard. */
  noToken?: boolean;
  /** The token (default: a fresh random one). */
  token?: string;
  /** The `node` arguments that start the `transferkit` CLI for training jobs (default: this package's bin/transferkit.js). */
  cli?: string[];
}

/**
 * A running dashboard.
 *
 * @example
 * ```ts
 * const s = await startServer({ runs: 'runs' });
 * console.log(s.url);
 * await s.close();
 * ```
 */
export interface RunningServer {
  /** The address to open (with `?token=` when the token is needed). */
  url: string;
  host: string;
  port: number;
  token: string;
  /** Whether requests need the token (always, unless `noToken` was given). */
  tokenRequired: boolean;
  app: ServeApp;
  /** Stops the jobs, releases the models and closes the server. */
  close(): Promise<void>;
}

/** The default port. */
export const DEFAULT_PORT = 7860;

/**
 * Starts the dashboard on the runs folder `opts.runs`.
 *
 * @throws TransferkitError `RUN_NOT_FOUND` (no such folder), `NOT_A_DIRECTORY`, `PORT_IN_USE`, `BAD_OPTION` (`noToken` with a host that is not loopback).
 * @example
 * ```ts
 * const server = await startServer({ runs: 'runs', port: 0 });
 * const res = await fetch(`${server.url.split('?')[0]}api/runs`);
 * await server.close();
 * ```
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const root = resolve(opts.runs);
  if (!existsSync(root)) throw new TransferkitError('RUN_NOT_FOUND', `The runs folder ${opts.runs} does not exist`, { where: root, hint: 'Create it, or pass the folder your runs are in (`transferkit fit --out <folder>/<name>` writes one run there).' });
  if (!statSync(root).isDirectory()) throw new TransferkitError('NOT_A_DIRECTORY', `${opts.runs} is a file, not a runs folder`, { where: root, hint: 'Pass the folder that holds the run folders.' });
  const host = opts.host ?? '127.0.0.1';
  if (opts.noToken && !isLoopback(host)) {
    throw new TransferkitError('BAD_OPTION', `noToken is allowed only on a loopback host (127.0.0.1, ::1), not on ${host}`, { where: 'noToken', hint: 'Leave out --no-token (open the printed URL with ?token=), or listen on --host 127.0.0.1.' });
  }
  const open = opts.noToken === true;
  const token = opts.token ?? newToken();
  const cli = opts.cli ?? [fileURLToPath(new URL('../../bin/transferkit.js', import.meta.url))];
  const app = createServeApp({ root, token, open, cli });
  const server = await new Promise<ServerType>((ok, fail) => {
    const s = serve({ fetch: app.app.fetch, port: opts.port ?? DEFAULT_PORT, hostname: host }, () => ok(s));
    s.once('error', (err: NodeJS.ErrnoException) =>
      fail(new TransferkitError('PORT_IN_USE', `Cannot listen on ${host}:${opts.port ?? DEFAULT_PORT}: ${err.code ?? err.message}`, { where: `${host}:${opts.port ?? DEFAULT_PORT}`, hint: 'Pick another --port (0: any free one), or a --host of this machine.', cause: err })),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? DEFAULT_PORT);
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${shown}:${port}/${open ? '' : `?token=${token}`}`;
  return {
    url,
    host,
    port,
    token,
    tokenRequired: !open,
    app,
    close: async () => {
      await app.close();
      await new Promise<void>((ok) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => ok());
      });
    },
  };
}
