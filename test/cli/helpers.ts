/**
 * Running the `transferkit` binary from tests.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI entry point users run: it loads the compiled CLI in dist/. */
export const bin = fileURLToPath(new URL('../../bin/transferkit.js', import.meta.url));

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Newest modification time of the files under a folder (0 when it does not exist). */
function newest(dir: string): number {
  let t = 0;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      t = Math.max(t, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs);
    }
  } catch {
    return 0;
  }
  return t;
}

/**
 * How the tests start the CLI. `npm test` builds dist/ first, so the tests run what users run;
 * when dist/ is missing or older than src/ (a single test file run during development), the
 * sources run through tsx instead, so a test never checks stale JavaScript.
 */
const command: string[] = (() => {
  let built = 0;
  try {
    built = statSync(join(root, 'dist', 'cli', 'main.js')).mtimeMs;
  } catch {
    // not built
  }
  return built >= newest(join(root, 'src')) ? [bin] : ['--import', import.meta.resolve('tsx'), join(root, 'src', 'cli', 'main.ts')];
})();

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
