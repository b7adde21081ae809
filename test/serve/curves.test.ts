import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createServeApp } from '../../src/serve/app.ts';
import { newToken } from '../../src/serve/auth.ts';
import type { JobEvent } from '../../src/serve/jobs.ts';
import { from, tempRoot } from './helpers.ts';

/** Stands in for the CLI: prints curve's progress lines and writes the fixture curve.json. */
const FAKE_CLI = fileURLToPath(new URL('../fixtures/serve/fake-cli.mjs', import.meta.url));

test('a learning curve started over HTTP streams its points, and is listed and drawn when done', async () => {
  const served = createServeApp({ root: await tempRoot('tk-serve-curve-'), token: newToken(), open: true, cli: [FAKE_CLI] });
  const req = (path: string, body?: unknown) =>
    served.app.request(path, body === undefined ? { headers: { host: '127.0.0.1' } } : { method: 'POST', headers: { host: '127.0.0.1', 'content-type': 'application/json' }, body: JSON.stringify(body) }, from('127.0.0.1'));
  try {
    assert.equal((await req('/api/jobs', { command: 'curve', name: 'c', train: 'builtin:mnist' })).status, 400, 'a curve needs a base');
    assert.equal((await req('/api/jobs', { command: 'curve', name: 'c', base: 'fashion-mlp', train: 'builtin:mnist', strategies: 'extract,bogus' })).status, 400);
    assert.equal((await req('/api/jobs', { command: 'curve', name: 'c', base: 'fashion-mlp', train: 'builtin:mnist', sizes: '1;rm' })).status, 400);
    assert.equal((await req('/api/jobs', { command: 'evaluate', name: 'c' })).status, 400);
    const started = await req('/api/jobs', { command: 'curve', name: 'mnist-curve', base: 'fashion-mlp', train: 'builtin:mnist', sizes: '1, 3', seeds: 1, strategies: 'extract,scratch', epochs: 2 });
    assert.equal(started.status, 201);
    const job = (await started.json()) as { id: string; command: string };
    assert.equal(job.command, 'curve');
    const end = await served.jobs.wait(job.id);
    assert.equal(end.status, 'finished');
    const events: JobEvent[] = [];
    served.jobs.subscribe(job.id, (e) => events.push(e));
    const args = JSON.parse(String(events.find((e) => e.type === 'log' && String(e.data.line).startsWith('args: '))!.data.line).slice(6)) as string[];
    assert.deepEqual(args.slice(0, 5), ['curve', '--base', 'fashion-mlp', '--train', 'builtin:mnist']);
    for (const [flag, value] of [['--sizes', '1,3'], ['--seeds', '1'], ['--strategies', 'extract,scratch'], ['--epochs', '2']]) assert.equal(args[args.indexOf(flag) + 1], value, flag);
    const points = events.filter((e) => e.type === 'point').map((e) => [e.data.size, e.data.strategy, e.data.accuracy]);
    assert.deepEqual(points, [[1, 'extract', 0.363], [1, 'scratch', 0.237], [3, 'extract', 0.442], [3, 'scratch', 0.357]]);
    const { curves } = (await (await req('/api/curves')).json()) as { curves: Array<{ name: string; sizes: number[]; strategies: string[]; verdict: string[] }> };
    assert.equal(curves.length, 1);
    assert.equal(curves[0].name, 'mnist-curve');
    assert.deepEqual(curves[0].sizes, [1, 3]);
    assert.ok(curves[0].verdict.length >= 1);
    const detail = (await (await req('/api/curves/mnist-curve')).json()) as { chart: { $schema: string }; curve: { points: unknown[] } };
    assert.match(detail.chart.$schema, /vega-lite/);
    assert.equal(detail.curve.points.length, 2);
    assert.equal((await req('/api/curves/nope')).status, 404);
    // a curve folder is not a run
    assert.deepEqual(((await (await req('/api/runs')).json()) as { runs: unknown[] }).runs, []);
  } finally {
    await served.close();
  }
});
