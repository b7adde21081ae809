/**
 * Running the `transferkit` binary from tests.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cliCommand } from '../../scripts/cli-command.ts';

/** The CLI entry point users run: it loads the compiled CLI in dist/. */
export const bin = fileURLToPath(new URL('../../bin/transferkit.js', import.meta.url));

/** How the CLI starts: dist/ when it is up to date, else the sources (see scripts/cli-command.ts). */
const command: string[] = cliCommand();

/** Runs `transferkit ...args` (not a TTY: plain progress lines) and collects its exit code and output. */
export function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...command, ...args], { env: { ...process.env, CI: '1' }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Runs `transferkit ...args` with `input` piped into its standard input. */
export function cliWithInput(input: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...command, ...args], { env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** `--json` must print exactly one JSON object on stdout: returns it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function oneJson(stdout: string): any {
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, `one line of JSON on stdout, got:\n${stdout}`);
  const value = JSON.parse(lines[0]);
  assert.equal(typeof value, 'object');
  return value;
}
