import { CommanderError } from 'commander';
import { TransferkitError, type ErrorCode } from '../errors.ts';
import { cliWording } from './wording.ts';

/**
 * The exit codes of `transferkit`, one per kind of failure, so scripts can tell them apart
 * (README "Errors" and `transferkit --help` show this table).
 */
export const EXIT_CODES = Object.freeze({
  /** The command did what was asked. */
  OK: 0,
  /** The input was fine but the machine failed: a file could not be written (permission, read-only, disk full), the backend or a worker failed, an optional package is missing. */
  ENVIRONMENT: 1,
  /** The command line is wrong: unknown command or option, a missing or malformed option value (`USAGE`). */
  USAGE: 2,
  /** The command line parsed but its data, model, files or option values are wrong: any other TransferkitError. */
  BAD_INPUT: 3,
  /** A bug in transferkit: an error that is not a TransferkitError (`INTERNAL`). */
  INTERNAL: 4,
} as const);

/** The exit-code table as `transferkit --help` prints it. */
export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  the machine failed: cannot write (permission, read-only, disk full), backend or worker failed
  2  usage: unknown command or option, bad or missing option value (JSON code USAGE)
  3  bad input: the data, model, files or option values are wrong (a TransferkitError code)
  4  internal error: a bug in transferkit (JSON code INTERNAL)`;

/** TransferkitError codes that blame the machine, not the input: exit code 1. */
const ENVIRONMENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['WRITE_FAILED', 'BACKEND_UNAVAILABLE', 'WORKER_FAILED', 'DATASET_NOT_INSTALLED']);

/**
 * The exit code for an error (see {@link EXIT_CODES}): commander's parse errors are usage
 * errors (2; its help and version displays are 0), TransferkitErrors are bad input (3) unless
 * their code blames the machine (1), anything else is a bug (4).
 *
 * @example
 * ```ts
 * exitCodeFor(new TransferkitError('FILE_NOT_FOUND', 'No file data.csv')); // 3
 * exitCodeFor(new TypeError('x is undefined')); // 4
 * ```
 */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_CODES.OK : EXIT_CODES.USAGE;
  if (err instanceof TransferkitError) return ENVIRONMENT_CODES.has(err.code) ? EXIT_CODES.ENVIRONMENT : EXIT_CODES.BAD_INPUT;
  return EXIT_CODES.INTERNAL;
}

/**
 * Handles an error that reached the top of the CLI and returns the exit code. Commander has
 * already printed its own text for a usage error (silenced under `--json`), so only the JSON
 * object `{"error": {"code": "USAGE", …}}` is added; any other error is reported by {@link reportError}.
 *
 * @example
 * ```ts
 * process.exitCode = failCommand(err, args.includes('--json'), 'fit');
 * ```
 */
export function failCommand(err: unknown, json: boolean, command?: string): number {
  const exit = exitCodeFor(err);
  if (err instanceof CommanderError) {
    if (exit !== EXIT_CODES.OK && json) {
      const message = err.code === 'commander.help' ? 'No command given.' : err.message.replace(/^error:\s*/, '');
      const hint = `Run \`transferkit ${command ? `${command} ` : ''}--help\` for usage and examples.`;
      process.stdout.write(JSON.stringify({ error: { code: 'USAGE', message, hint } }) + '\n');
    }
    return exit;
  }
  reportError(err, json);
  return exit;
}

/** What a command produces: one JSON object for `--json`, and text for people. */
export interface CommandOutput {
  json: unknown;
  text: string;
}

/**
 * Runs a command body and prints its result: exactly one JSON object on stdout with
 * `--json`, human text otherwise. Errors become a clear message (or `{"error": …}`) and the
 * exit code of {@link exitCodeFor}.
 *
 * @example
 * ```ts
 * await runCommand({ json: true }, async () => ({ json: { ok: true }, text: 'ok' }));
 * ```
 */
export async function runCommand(opts: { json?: boolean }, body: () => Promise<CommandOutput>): Promise<void> {
  try {
    const out = await body();
    process.stdout.write(opts.json ? JSON.stringify(out.json, jsonReplacer) + '\n' : out.text.replace(/\n?$/, '\n'));
  } catch (err) {
    reportError(err, Boolean(opts.json));
    process.exitCode = exitCodeFor(err);
  }
}

/**
 * Prints an error for people (stderr) or scripts (`{"error": …}` on stdout).
 *
 * @example
 * ```ts
 * reportError(new TransferkitError('BAD_CSV', 'Row 3 has 4 fields, expected 5'), false);
 * ```
 */
export function reportError(err: unknown, json: boolean): void {
  const known = err instanceof TransferkitError;
  // INTERNAL marks an error that is not a TransferkitError: a bug, not bad input
  const info: { code: string; message: string; where?: string; hint?: string } = known
    ? err.toJSON()
    : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), hint: 'This looks like a bug in transferkit; set TRANSFERKIT_DEBUG=1 for the stack trace.' };
  info.message = cliWording(info.message);
  if (info.hint) info.hint = cliWording(info.hint);
  if (json) {
    process.stdout.write(JSON.stringify({ error: info }) + '\n');
  } else {
    const lines = [`error: ${info.message}`];
    if (info.where) lines.push(`  where: ${info.where}`);
    if (info.hint) lines.push(`  fix:   ${info.hint}`);
    process.stderr.write(lines.join('\n') + '\n');
  }
  if (process.env.TRANSFERKIT_DEBUG && err instanceof Error) process.stderr.write((err.stack ?? '') + '\n');
}

/** Rounds floats to 6 significant digits and turns typed arrays into plain arrays in JSON output. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isInteger(value) && Number.isFinite(value)) return Number(value.toPrecision(6));
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/**
 * Formats rows as an aligned plain-text table.
 *
 * @example
 * ```ts
 * table(['strategy', 'accuracy'], [['extract', '0.871']]);
 * ```
 */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Formats a fraction as a fixed 3-decimal number (`0.873`).
 *
 * @example
 * ```ts
 * fmt(0.87321); // '0.873'
 * ```
 */
export function fmt(x: number | null | undefined, digits = 3): string {
  return x == null || Number.isNaN(x) ? 'n/a' : x.toFixed(digits);
}
