import { TransferkitError } from '../errors.ts';
import { cliWording } from './wording.ts';

/** What a command produces: one JSON object for `--json`, and text for people. */
export interface CommandOutput {
  json: unknown;
  text: string;
}

/**
 * Runs a command body and prints its result: exactly one JSON object on stdout with
 * `--json`, human text otherwise. Errors become a clear message (or `{"error": …}`) and exit code 1.
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
    process.exitCode = 1;
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
