/**
 * ensureEngine: the library starts its engine on first use. Each scenario runs in a fresh Node
 * process (engine state is per process/thread), which imports the library and trains without
 * calling initEngine, then prints one JSON line; the test checks the backend used and that
 * nothing else was written — in particular not tfjs's "install tfjs-node" banner, which tfjs
 * prints when its pure-JS cpu backend gets its first tensor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const lib = JSON.stringify(join(repo, 'src', 'index.ts'));
const engine = JSON.stringify(join(repo, 'src', 'engine', 'index.ts'));

/** Runs `code` (an ES module) in a fresh `node --import tsx` process in the repository. */
async function runChild(code: string, env: Record<string, string | undefined> = {}): Promise<{ stdout: string; stderr: string }> {
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: repo, env: childEnv, timeout: 120_000 });
  return { stdout, stderr };
}

/** A tiny in-memory dataset and a fit on it, with no initEngine call. */
const TRAIN = `
import * as tf from '@tensorflow/tfjs';
import { datasetFromRows, engineInfo, fit } from ${lib};
const rows = Array.from({ length: 24 }, (_, i) => ({ a: (i % 2) + Math.sin(i) * 0.1, b: Math.cos(i), label: i % 2 ? 'odd' : 'even' }));
const before = tf.memory().numTensors;
const res = await fit({ strategy: 'scratch', arch: 'logistic', train: datasetFromRows(rows), epochs: 2, seed: 1 });
const backendDuring = tf.getBackend();
res.model.dispose();
`;

test('fit without initEngine starts the wasm engine itself and prints nothing (no tfjs banner)', async () => {
  const { stdout, stderr } = await runChild(
    `${TRAIN}
process.stdout.write(JSON.stringify({ backend: backendDuring, engine: engineInfo()?.backend, leaked: tf.memory().numTensors - before }) + '\\n');`,
    { TRANSFERKIT_BACKEND: undefined },
  );
  assert.doesNotMatch(stdout + stderr, /tfjs-node|looks like you are running TensorFlow\.js in Node/i, 'no tfjs banner');
  assert.equal(stderr, '', 'nothing on stderr');
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, `only the script's own line on stdout: ${stdout}`);
  assert.deepEqual(JSON.parse(lines[0]), { backend: 'wasm', engine: 'wasm', leaked: 0 });
});

test('an explicit initEngine({ backend }) is kept, even against TRANSFERKIT_BACKEND', async () => {
  const { stdout } = await runChild(
    `import { initEngine } from ${lib};
await initEngine({ backend: 'cpu' });
${TRAIN}
process.stdout.write(JSON.stringify({ backend: backendDuring, engine: engineInfo()?.backend }) + '\\n');`,
    { TRANSFERKIT_BACKEND: 'wasm' },
  );
  assert.deepEqual(JSON.parse(stdout.trim().split('\n').at(-1)!), { backend: 'cpu', engine: 'cpu' });
});

test('TRANSFERKIT_BACKEND picks the backend the engine starts with', async () => {
  const { stdout } = await runChild(`${TRAIN}\nprocess.stdout.write(JSON.stringify({ backend: backendDuring }) + '\\n');`, { TRANSFERKIT_BACKEND: 'cpu' });
  assert.deepEqual(JSON.parse(stdout.trim().split('\n').at(-1)!), { backend: 'cpu' });
});

test('ensureEngine is idempotent and brings tfjs back to the chosen backend', async () => {
  const { stdout, stderr } = await runChild(
    `import * as tf from '@tensorflow/tfjs';
import { ensureEngine, engineInfo } from ${engine};
const a = await ensureEngine();
const b = await ensureEngine();
const [c, d] = await Promise.all([ensureEngine(), ensureEngine()]);
await tf.setBackend('cpu');
const e = await ensureEngine();
process.stdout.write(JSON.stringify({ backend: a.backend, same: a === b && b === c && c === d && d === e && e === engineInfo(), now: tf.getBackend() }) + '\\n');`,
    { TRANSFERKIT_BACKEND: undefined },
  );
  assert.equal(stderr, '');
  assert.deepEqual(JSON.parse(stdout.trim()), { backend: 'wasm', same: true, now: 'wasm' });
});
