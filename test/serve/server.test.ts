import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { cp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { JobManager } from '../../src/serve/jobs.ts';
import { join } from 'node:path';
import { createServeApp, type ServeApp } from '../../src/serve/app.ts';
import { admit, isLoopback, newToken } from '../../src/serve/auth.ts';
import { safeParts } from '../../src/serve/safe-path.ts';
import { from, irisRuns, tempRoot } from './helpers.ts';

const TOKEN = newToken();
const LOCAL = from('127.0.0.1');
const REMOTE = from('10.0.0.5');
let root: string;
let outside: string;
let served: ServeApp;

before(async () => {
  root = await irisRuns();
  outside = await tempRoot('tk-serve-outside-');
  await writeFile(join(outside, 'secret.txt'), 'secret');
  await symlink(outside, join(root, 'escape'));
  await symlink(join(outside, 'secret.txt'), join(root, 'iris', 'secret-link.txt'));
  await writeFile(join(root, 'iris', 'notes.md'), '# notes');
  served = createServeApp({ root, token: TOKEN, open: true, cli: [] });
});
after(async () => {
  await served.close();
});

const get = (path: string, env: object = LOCAL, headers: Record<string, string> = {}) => served.app.request(path, { headers: { host: '127.0.0.1:7860', ...headers } }, env);

test('auth: loopback addresses, token comparison', () => {
  assert.ok(isLoopback('127.0.0.1') && isLoopback('127.8.0.1') && isLoopback('::1') && isLoopback('::ffff:127.0.0.1') && isLoopback('localhost'));
  assert.ok(!isLoopback('10.0.0.5') && !isLoopback('::ffff:10.0.0.5') && !isLoopback('0.0.0.0') && !isLoopback(undefined) && !isLoopback('127.evil.com'));
  const none = { authorization: null, query: null, cookie: null };
  assert.deepEqual(admit('t', true, { remote: '10.0.0.5', ...none }), { ok: false, setCookie: false });
  assert.deepEqual(admit('t', true, { remote: '127.0.0.1', ...none }), { ok: true, by: 'loopback', setCookie: false });
  assert.deepEqual(admit('t', false, { remote: '127.0.0.1', ...none }), { ok: false, setCookie: false }, 'bound to a public address: loopback needs the token too');
  assert.deepEqual(admit('t', false, { remote: '10.0.0.5', ...none, query: 't' }), { ok: true, by: 'token', setCookie: true });
  assert.deepEqual(admit('t', false, { remote: '10.0.0.5', ...none, authorization: 'Bearer tt' }), { ok: false, setCookie: false });
});

test('a request from another machine without the token gets 401; with it, 200', async () => {
  const denied = await get('/api/runs', REMOTE);
  assert.equal(denied.status, 401);
  assert.equal(((await denied.json()) as { error: { code: string } }).error.code, 'UNAUTHORIZED');
  assert.equal((await get('/', REMOTE)).status, 401);
  assert.equal((await get('/api/runs', REMOTE, { authorization: 'Bearer wrong' })).status, 401);
  assert.equal((await get('/api/runs', REMOTE, { authorization: `Bearer ${TOKEN}` })).status, 200);
  // ?token= once: a cookie, which lets the next request in
  const first = await get(`/api/runs?token=${TOKEN}`, REMOTE);
  assert.equal(first.status, 200);
  const cookie = first.headers.get('set-cookie') ?? '';
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=Strict/i);
  assert.equal((await get('/api/runs', REMOTE, { cookie: cookie.split(';')[0] })).status, 200);
  // loopback needs nothing, unless it names a host that is not loopback (DNS rebinding)
  assert.equal((await get('/api/runs')).status, 200);
  assert.equal((await get('/api/runs', LOCAL, { host: 'evil.example:7860' })).status, 401);
  assert.equal((await get('/api/runs', LOCAL, { host: 'evil.example:7860', authorization: 'Bearer wrong', cookie: 'transferkit_token=wrong' })).status, 401, 'a wrong token does not stand in for a loopback Host');
  assert.equal((await get('/api/runs', LOCAL, { host: 'evil.example:7860', authorization: `Bearer ${TOKEN}` })).status, 200, 'the token works under any name');
});

test('a server bound to a public address wants the token from loopback too', async () => {
  const strict = createServeApp({ root, token: TOKEN, open: false, cli: [] });
  const req = (headers: Record<string, string> = {}) => strict.app.request('/api/runs', { headers: { host: '127.0.0.1', ...headers } }, LOCAL);
  assert.equal((await req()).status, 401);
  assert.equal((await req({ authorization: `Bearer ${TOKEN}` })).status, 200);
  await strict.close();
});

test('writes from another origin are refused', async () => {
  const res = await served.app.request('/api/jobs', { method: 'POST', headers: { host: '127.0.0.1:7860', origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{}' }, LOCAL);
  assert.equal(res.status, 401);
});

test('only files inside the runs folder are served: traversal, encoded, absolute and symlinks out are 404', async () => {
  const ok = await get('/files/iris/config.json');
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as { strategy: string }).strategy, 'scratch');
  assert.equal((await get('/files/iris/notes.md')).headers.get('content-security-policy')?.startsWith('sandbox'), true);
  for (const p of [
    '/files/../' + 'etc/passwd',
    '/files/iris/../../etc/passwd',
    '/files/iris/%2e%2e/%2e%2e/etc/passwd',
    '/files/%2e%2e%2fetc%2fpasswd',
    '/files/%2Fetc%2Fpasswd',
    '/files//etc/passwd',
    '/files/iris/..%5c..%5cetc',
    '/files/escape/secret.txt',
    '/files/iris/secret-link.txt',
    '/files/iris/model',
    '/files/iris/nothing.json',
    '/files/iris/%00',
  ]) {
    const res = await get(p);
    assert.equal(res.status, 404, p);
  }
  assert.deepEqual(safeParts('a/b.json'), ['a', 'b.json']);
  for (const bad of ['..', 'a/../b', '%2e%2e/x', '/etc/passwd', '%2Fetc', 'C:/x', 'a\\b', '.hidden', '%E0%A4%A']) assert.equal(safeParts(bad), undefined, bad);
});

test('API: runs list, detail with charts, compare', async () => {
  const { runs } = (await (await get('/api/runs')).json()) as { runs: Array<Record<string, unknown>> };
  assert.equal(runs.length, 1, 'the symlink leading out is not a run');
  const r = runs[0];
  assert.equal(r.name, 'iris');
  assert.equal(r.status, 'finished');
  assert.equal(r.strategy, 'scratch');
  assert.equal(r.epochs, 3);
  assert.ok(typeof r.accuracy === 'number' && r.accuracy > 0.5 && r.accuracy <= 1);
  const d = (await (await get('/api/runs/iris')).json()) as { history: unknown[]; files: string[]; resumable: boolean; charts: { history?: { mark: unknown }; confusion?: object } };
  assert.equal(d.history.length, 3);
  assert.ok(d.files.includes('config.json') && d.files.includes('metrics.json'));
  assert.equal(d.resumable, false);
  assert.ok(d.charts.history && d.charts.confusion, 'loss curve and confusion matrix specs');
  const cmp = (await (await get('/api/compare?runs=iris,iris')).json()) as { rows: Array<{ name: string; accuracy: number }>; chart: object };
  assert.equal(cmp.rows.length, 2);
  assert.equal(cmp.rows[0].accuracy, r.accuracy);
  assert.equal((await get('/api/runs/nope')).status, 404);
  assert.equal((await get('/api/runs/..')).status, 404);
  assert.equal((await get('/api/compare?runs=')).status, 400);
});

test('API: stored predictions a page at a time, filtered and sampled', async () => {
  const dir = join(root, 'iris');
  const classes = ['setosa', 'versicolor', 'virginica'];
  const lines = Array.from({ length: 1234 }, (_, i) => JSON.stringify({ index: i, id: i, label: classes[i % 3], confidence: 0.9, probabilities: [0.9, 0.05, 0.05], actual: classes[i % 4 === 0 ? (i + 1) % 3 : i % 3] }));
  await writeFile(join(dir, 'predictions.jsonl'), lines.join('\n') + '\n');
  const page = (await (await get('/api/runs/iris/predictions?offset=100&limit=20')).json()) as { total: number; matching: number; offset: number; items: Array<{ id: number }>; accuracy: number; labelled: number };
  assert.equal(page.total, 1234);
  assert.equal(page.items.length, 20);
  assert.equal(page.items[0].id, 100);
  const wrong = Math.ceil(1234 / 4);
  assert.equal(page.accuracy, (1234 - wrong) / 1234);
  const w = (await (await get('/api/runs/iris/predictions?filter=wrong&limit=1000')).json()) as { matching: number; items: Array<{ id: number }> };
  assert.equal(w.matching, wrong);
  assert.equal(w.items.length, wrong);
  assert.ok(w.items.every((p) => p.id % 4 === 0));
  const big = (await (await get('/api/runs/iris/predictions?limit=1000')).json()) as { items: unknown[] };
  assert.equal(big.items.length, 500, 'pages are capped');
  const s = (await (await get('/api/runs/iris/predictions?sample=10&seed=3')).json()) as { items: Array<{ id: number }> };
  const s2 = (await (await get('/api/runs/iris/predictions?sample=10&seed=3')).json()) as { items: Array<{ id: number }> };
  assert.equal(s.items.length, 10);
  assert.deepEqual(s.items, s2.items, 'seeded');
  await mkdir(join(root, 'empty-run'));
  await writeFile(join(root, 'empty-run', 'config.json'), '{"strategy":"scratch"}');
  assert.equal((await get('/api/runs/empty-run/predictions')).status, 404);
  const listed = (await (await get('/api/runs')).json()) as { runs: Array<{ name: string; status: string }> };
  assert.equal(listed.runs.find((x) => x.name === 'empty-run')?.status, 'incomplete');
  // not a number: the default page, not an empty one
  const abc = (await (await get('/api/runs/iris/predictions?limit=abc&offset=abc')).json()) as { offset: number; items: Array<{ id: number }> };
  assert.equal(abc.offset, 0);
  assert.equal(abc.items.length, 50);
});

test('API: what-if prediction and Shapley values follow the edited row; counterfactuals reach the desired class', async () => {
  const schema = (await (await get('/api/runs/iris/whatif')).json()) as { kind: string; features: Array<{ name: string; value: number }> };
  assert.equal(schema.kind, 'tabular');
  assert.deepEqual(schema.features.map((f) => f.name), ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  const ask = async (values: Record<string, number>) => {
    const res = await served.app.request('/api/runs/iris/whatif', { method: 'POST', headers: { host: '127.0.0.1', 'content-type': 'application/json' }, body: JSON.stringify({ values }) }, LOCAL);
    assert.equal(res.status, 200);
    return (await res.json()) as { predicted: string; probabilities: Record<string, number>; shap: { baseValue: number; output: number; values: Array<{ shap: number; value: number }> } };
  };
  const small = await ask({ petal_length: 1.4, petal_width: 0.2 });
  const large = await ask({ petal_length: 6.5, petal_width: 2.3, sepal_width: 2.8, sepal_length: 7 });
  assert.equal(small.predicted, 'setosa');
  assert.notEqual(large.predicted, 'setosa');
  for (const a of [small, large]) {
    const sum = a.shap.baseValue + a.shap.values.reduce((s, v) => s + v.shap, 0);
    assert.ok(Math.abs(sum - a.shap.output) < 1e-4, 'efficiency: base + Σ values = output');
    assert.ok(Math.abs(a.shap.output - a.probabilities[a.predicted]) < 1e-4);
  }
  assert.equal(large.shap.values[2].value, 6.5);
  const bad = await served.app.request('/api/runs/iris/whatif', { method: 'POST', headers: { host: '127.0.0.1', 'content-type': 'application/json' }, body: JSON.stringify({ values: { petal_length: 'x' } }) }, LOCAL);
  assert.equal(bad.status, 400);
  const cf = await served.app.request('/api/runs/iris/counterfactuals', { method: 'POST', headers: { host: '127.0.0.1', 'content-type': 'application/json' }, body: JSON.stringify({ values: { petal_length: 1.4, petal_width: 0.2 }, desired: 'virginica' }) }, LOCAL);
  const r = (await cf.json()) as { desired: string; predicted: string; counterfactuals: Array<{ probability: number; changes: unknown[] }> };
  assert.equal(r.desired, 'virginica');
  assert.equal(r.predicted, 'setosa');
  assert.ok(r.counterfactuals.length >= 1);
  assert.ok(r.counterfactuals.every((c) => c.changes.length > 0 && c.probability >= 0.5));
});

test('run files are read only inside the runs folder: links out count as missing; odd files leave a run damaged, not the list broken', async () => {
  await writeFile(join(outside, 'secret.json'), JSON.stringify({ strategy: 'scratch', secret: 'hunter2', classes: ['a', 'b'] }));
  // config.json itself points out: no such run
  await mkdir(join(root, 'leak'));
  await symlink(join(outside, 'secret.json'), join(root, 'leak', 'config.json'));
  assert.equal((await get('/api/runs/leak')).status, 404);
  // other files point out: never read
  await mkdir(join(root, 'leak2'));
  await writeFile(join(root, 'leak2', 'config.json'), '{"strategy":"scratch","classes":["a","b"]}');
  await writeFile(join(outside, 'state.json'), JSON.stringify({ phase: 'train', epoch: 9, donePhases: [], finished: false }));
  await writeFile(join(outside, 'history.jsonl'), '{"secret":"hunter2","epoch":1}\n');
  await mkdir(join(root, 'leak2', 'checkpoints'));
  await symlink(join(outside, 'state.json'), join(root, 'leak2', 'checkpoints', 'state.json'));
  await symlink(join(outside, 'history.jsonl'), join(root, 'leak2', 'history.jsonl'));
  await symlink(join(outside, 'secret.json'), join(root, 'leak2', 'metrics.json'));
  const leak2 = await get('/api/runs/leak2');
  assert.equal(leak2.status, 200);
  const text = await leak2.text();
  assert.ok(!text.includes('hunter2'), text);
  const d = JSON.parse(text) as { status: string; state?: unknown; history: unknown[] };
  assert.equal(d.status, 'damaged');
  assert.equal(d.state, undefined);
  assert.deepEqual(d.history, []);
  await mkdir(join(root, 'leak3'));
  await writeFile(join(root, 'leak3', 'config.json'), '{"strategy":"scratch"}');
  await symlink(join(outside, 'secret.json'), join(root, 'leak3', 'predictions.jsonl'));
  assert.equal((await get('/api/runs/leak3/predictions')).status, 404);
  // a copy of the iris run whose weights file is a link out: the what-if explorer does not load it
  await cp(join(root, 'iris'), join(root, 'leak4'), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(root, 'leak4', 'model', 'model.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[] }> };
  const weights = manifest.weightsManifest[0].paths[0];
  await cp(join(root, 'leak4', 'model', weights), join(outside, 'weights.bin'));
  await rm(join(root, 'leak4', 'model', weights));
  await symlink(join(outside, 'weights.bin'), join(root, 'leak4', 'model', weights));
  const leak4 = await get('/api/runs/leak4/whatif');
  assert.equal(leak4.status, 404, 'a model whose weights lie outside the runs folder is not loaded');
  assert.equal(((await leak4.json()) as { error: { code: string } }).error.code, 'MODEL_NOT_FOUND');
  // config.json holding null or an array: listed as damaged, the list still answers
  for (const [name, body] of [['nulled', 'null'], ['listed', '[1]']]) {
    await mkdir(join(root, name));
    await writeFile(join(root, name, 'config.json'), body);
  }
  const res = await get('/api/runs');
  assert.equal(res.status, 200);
  const { runs } = (await res.json()) as { runs: Array<{ name: string; status: string }> };
  assert.equal(runs.find((r) => r.name === 'nulled')?.status, 'damaged');
  assert.equal(runs.find((r) => r.name === 'listed')?.status, 'damaged');
  assert.equal(runs.find((r) => r.name === 'iris')?.status, 'finished');
  assert.equal((await get('/api/runs/nulled')).status, 200);
  // a bad curve.json is left out of the list, and is an error (not a crash) on its own
  for (const [name, curve] of [['curve-null', { base: 'b', target: 't', seeds: [0], points: [null] }], ['curve-bare', { base: 'b', target: 't', seeds: [0], points: [{}] }]] as const) {
    await mkdir(join(root, name));
    await writeFile(join(root, name, 'curve.json'), JSON.stringify(curve));
    assert.equal((await get(`/api/curves/${name}`)).status, 400, name);
  }
  const curves = await get('/api/curves');
  assert.equal(curves.status, 200);
  assert.deepEqual(((await curves.json()) as { curves: unknown[] }).curves, []);
});

test('a fit releases its run lock when it returns', () => {
  assert.ok(!existsSync(join(root, 'iris', '.lock')));
});

test('at most 3 models stay loaded: the least recently used is released; none loads while closing', async () => {
  for (const n of ['iris2', 'iris3', 'iris4']) await cp(join(root, 'iris'), join(root, n), { recursive: true });
  const models = served.models;
  for (const n of ['iris', 'iris2', 'iris3']) await models.schema(n);
  assert.deepEqual(models.loaded(), ['iris', 'iris2', 'iris3']);
  const tensors = tf.memory().numTensors;
  await models.schema('iris');
  assert.deepEqual(models.loaded(), ['iris2', 'iris3', 'iris'], 'a hit is the most recently used');
  await models.schema('iris4');
  assert.deepEqual(models.loaded(), ['iris3', 'iris', 'iris4'], 'iris2 was evicted');
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(tf.memory().numTensors, tensors, 'its weights were released');
  const closing = createServeApp({ root, token: TOKEN, open: true, cli: [] });
  await closing.close();
  await assert.rejects(closing.models.schema('iris'), /shutting down/);
});

test('a job asked to stop that still exits 0 (no signal) is finished, not stopped', async () => {
  const jobs = new JobManager(await tempRoot('tk-serve-slow-'), [fileURLToPath(new URL('../fixtures/serve/slow-cli.mjs', import.meta.url))]);
  const job = jobs.startFit({ name: 'slow', train: 'builtin:iris' });
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(jobs.stop(job.id).status, 'stopping');
  const end = await jobs.wait(job.id);
  assert.equal(end.exitCode, 0);
  assert.equal(end.status, 'finished');
});
