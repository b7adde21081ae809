import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_PORT, startServer } from '../../serve/server.ts';
import { runCommand } from '../output.ts';
import { intAtLeast } from '../parsers.ts';

interface ServeFlags {
  port: number;
  host: string;
  /** false with --no-token */
  token?: string | false;
  json?: boolean;
}

/** `transferkit serve [runs-dir]`: the local web dashboard over a runs folder. */
export function registerServe(program: Command): void {
  program
    .command('serve [runs-dir]')
    .description('a local web dashboard over a runs folder: runs and their metrics side by side, fits and learning curves started, watched, stopped and resumed from the browser, a what-if explorer (prediction, Shapley values, counterfactuals) and Grad-CAM')
    .option('--port <n>', `port to listen on (0: any free port)`, intAtLeast(0), DEFAULT_PORT)
    .option('--host <address>', 'address to listen on (every request needs the printed token)', '127.0.0.1')
    .option('--token <text>', 'the access token (default: a fresh random one, printed in the URL; opening that URL once sets a cookie)')
    .option('--no-token', 'no token for requests from this machine (loopback --host only): anyone on this machine, other users included, can then use the dashboard')
    .option('--json', 'print exactly one JSON object on stdout once listening (url, host, port, token)')
    .addHelpText(
      'after',
      `
The runs folder (default ./runs, made if missing) holds one folder per run, as \`transferkit fit --out runs/<name>\`
writes them. Only its files are served. Training started from the dashboard runs the CLI in a
child process (\`transferkit fit --out runs/<name>\`); stopping it leaves a resumable run.
Ctrl-C stops the server and any training it started.

Examples:
  $ transferkit serve
  $ transferkit serve runs --port 8080
  $ transferkit serve experiments --host 0.0.0.0 --port 8080     (prints a URL with ?token=…)
  $ transferkit serve --no-token     (loopback only: anyone on this machine can use it)`,
    )
    .action((runsDir: string | undefined, flags: ServeFlags) =>
      runCommand(flags, async () => {
        // the default folder is made on first use (a folder named on the command line must exist)
        if (runsDir === undefined) mkdirSync('runs', { recursive: true });
        // training jobs start the CLI the way this process was started (bin/ or the sources)
        const server = await startServer({ runs: runsDir ?? 'runs', port: flags.port, host: flags.host, token: flags.token || undefined, noToken: flags.token === false, cli: [...process.execArgv, process.argv[1]] });
        const stop = () => {
          void server.close().then(() => process.exit(0));
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        const text = [
          `dashboard on ${server.url}`,
          `runs folder: ${runsDir ?? 'runs'}`,
          server.tokenRequired ? `listening on ${server.host}: every request needs the token (open the URL above; or send Authorization: Bearer ${server.token}); press Ctrl-C to stop` : 'listening on loopback without a token (--no-token): anyone on this machine can use it; press Ctrl-C to stop',
        ].join('\n');
        return { json: { url: server.url, host: server.host, port: server.port, token: server.token, tokenRequired: server.tokenRequired }, text };
      }),
    );
}
