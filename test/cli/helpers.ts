/**
 * Running the `transferkit` binary from tests.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI entry point. */
export const bin = fileURLToPath(new URL('../../bin/transferkit.js', import.meta.url));

/** Runs `transferkit ...args` (not a TTY: plain progress lines) and collects its exit code and output. */
export function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, CI: '1' }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
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
