/**
 * The README's "Using the library" example is a test: its code block (after
 * `<!-- api-example -->`) is extracted, pointed at this checkout instead of the `transferkit`
 * package, and run in a fresh Node process, which must exit 0 and print a good accuracy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The fenced code block that follows `<!-- api-example -->` in README.md. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(join(repo, 'README.md'), 'utf8');
  const m = /<!-- api-example -->\s*\n```ts\n([\s\S]*?)\n```/.exec(readme);
  assert.ok(m, 'README.md has a ```ts block right after <!-- api-example -->');
  return m[1];
}

test('the README API example runs as written: in-memory dataset, fit without out or initEngine, evaluate, explain, dispose', async () => {
  const code = await readmeExample();
  const statements = code.replace(/\/\/.*$/gm, ''); // without its comments
  assert.match(statements, /from 'transferkit'/, 'it imports the package as a user would');
  assert.doesNotMatch(statements, /initEngine/, 'it does not need initEngine');
  assert.doesNotMatch(statements, /\bout\s*:/, 'fit writes no run folder');
  assert.match(statements, /datasetFromRows|datasetFromTensors/, 'it builds its dataset in memory');
  assert.match(statements, /\.dispose\(\)/, 'it disposes the model it owns');
  const dir = await mkdtemp(join(tmpdir(), 'tk-readme-'));
  try {
    // a .ts file in a folder of its own, as an ES module, importing this checkout's sources
    await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const file = join(dir, 'example.ts');
    await writeFile(file, code.replaceAll("from 'transferkit'", `from ${JSON.stringify(join(repo, 'src', 'index.ts'))}`));
    const env = { ...process.env };
    delete env.TRANSFERKIT_BACKEND;
    const started = performance.now();
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: repo, env, timeout: 60_000 });
    const seconds = (performance.now() - started) / 1000;
    assert.doesNotMatch(stdout + stderr, /tfjs-node|looks like you are running TensorFlow\.js/i, 'no tfjs banner');
    assert.equal(stderr, '', 'nothing on stderr');
    const acc = /accuracy on builtin:iris: ([\d.]+)/.exec(stdout);
    assert.ok(acc, `it prints its accuracy:\n${stdout}`);
    assert.ok(Number(acc[1]) >= 0.8, `accuracy ${acc[1]}`);
    assert.match(stdout, /exact-shap \(local\) of row 5/, 'it prints the explanation header');
    assert.match(stdout, /predicted (setosa|versicolor|virginica): sepal_length [+-]\d/, 'and the explanation of the row');
    assert.ok(seconds < 20, `the example runs in ${seconds.toFixed(1)} s`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
