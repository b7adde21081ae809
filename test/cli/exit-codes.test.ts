import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { TransferkitError } from '../../src/errors.ts';
import { EXIT_CODES, exitCodeFor, failCommand } from '../../src/cli/output.ts';
import { wantsJson } from '../../src/cli/program.ts';
import { cli, oneJson } from './helpers.ts';

const root = await mkdtemp(join(tmpdir(), 'tk-exit-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));

/** Runs `fn` with process.stdout/stderr writes captured. */
function capture(fn: () => number): { code: number; stdout: string; stderr: string } {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  try {
    return { code: fn(), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

test('exitCodeFor: usage 2, bad input 3, the machine 1, a bug 4, help and version 0', () => {
  assert.deepEqual(EXIT_CODES, { OK: 0, ENVIRONMENT: 1, USAGE: 2, BAD_INPUT: 3, INTERNAL: 4 });
  assert.equal(exitCodeFor(new CommanderError(1, 'commander.invalidArgument', "error: option '--epochs <n>' argument 'x' is invalid.")), 2);
  assert.equal(exitCodeFor(new CommanderError(1, 'commander.help', '(outputHelp)')), 2);
  assert.equal(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)')), 0);
  assert.equal(exitCodeFor(new CommanderError(0, 'commander.version', '0.1.0')), 0);
  assert.equal(exitCodeFor(new TransferkitError('FILE_NOT_FOUND', 'no such file')), 3);
  assert.equal(exitCodeFor(new TransferkitError('CORRUPT_RUN', 'damaged')), 3);
  assert.equal(exitCodeFor(new TransferkitError('WRITE_FAILED', 'disk full')), 1);
  assert.equal(exitCodeFor(new TransferkitError('BACKEND_UNAVAILABLE', 'no wasm')), 1);
  assert.equal(exitCodeFor(new TypeError("Cannot read properties of undefined (reading 'shape')")), 4);
  assert.equal(exitCodeFor('a thrown string'), 4);
});

test('failCommand: an internal error is INTERNAL JSON with exit 4; a usage error adds a USAGE object under --json only', () => {
  const internal = capture(() => failCommand(new TypeError('boom'), true, 'fit'));
  assert.equal(internal.code, 4);
  const e = oneJson(internal.stdout).error;
  assert.equal(e.code, 'INTERNAL');
  assert.equal(e.message, 'boom');
  assert.match(e.hint, /bug/);
  const usage = capture(() => failCommand(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--nope'"), true, 'fit'));
  assert.equal(usage.code, 2);
  assert.deepEqual(oneJson(usage.stdout), { error: { code: 'USAGE', message: "unknown option '--nope'", hint: 'Run `transferkit fit --help` for usage and examples.' } });
  const quiet = capture(() => failCommand(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--nope'"), false, 'fit'));
  assert.deepEqual(quiet, { code: 2, stdout: '', stderr: '' }, 'commander printed the text itself');
  assert.equal(wantsJson(['fit', '--json']), true);
  assert.equal(wantsJson(['fit', '--', '--json']), false);
});

test('a bad option value: exit 2, and with --json one USAGE object on stdout and nothing on stderr', async () => {
  const json = await cli('fit', '--strategy', 'scratch', '--train', 'builtin:iris', '--epochs', 'x', '--out', join(root, 'never'), '--json');
  assert.equal(json.code, 2, json.stderr);
  const e = oneJson(json.stdout).error;
  assert.equal(e.code, 'USAGE');
  assert.match(e.message, /--epochs.*'x' is invalid/);
  assert.match(e.hint, /transferkit fit --help/);
  assert.equal(json.stderr, '');
  const text = await cli('fit', '--epochs', 'x');
  assert.equal(text.code, 2);
  assert.equal(text.stdout, '');
  assert.match(text.stderr, /error: option '--epochs <n>' argument 'x' is invalid/);
  const unknown = await cli('nope', '--json');
  assert.equal(unknown.code, 2);
  assert.deepEqual(oneJson(unknown.stdout).error, { code: 'USAGE', message: "unknown command 'nope'", hint: 'Run `transferkit --help` for usage and examples.' });
  const option = await cli('models', '--bogus');
  assert.equal(option.code, 2);
  assert.match(option.stderr, /unknown option '--bogus'/);
});

test('help and version exit 0, and --help shows the exit-code table', async () => {
  const help = await cli('--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Exit codes:\n\s+0\s+success\n\s+1\s.*\n\s+2\s+usage.*\n\s+3\s+bad input.*\n\s+4\s+internal/);
  assert.equal((await cli('--version')).code, 0);
  assert.equal((await cli('fit', '--help')).code, 0);
});

test('bad input exits 3: a missing data file, an output path that is a file', async () => {
  const missing = await cli('fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', join(root, 'missing.csv'), '--out', join(root, 'run'), '--json');
  assert.equal(missing.code, 3, missing.stderr);
  assert.equal(oneJson(missing.stdout).error.code, 'FILE_NOT_FOUND');
  const file = join(root, 'a-file');
  await writeFile(file, 'mine\n');
  const onFile = await cli('fit', '--strategy', 'scratch', '--arch', 'mlp', '--train', 'builtin:iris', '--epochs', '1', '--out', file, '--json');
  assert.equal(onFile.code, 3, onFile.stderr);
  const e = oneJson(onFile.stdout).error;
  assert.equal(e.code, 'NOT_A_DIRECTORY');
  assert.equal(e.where, file);
});
