import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliCommand } from '../../scripts/cli-command.ts';
import { startServer, type RunningServer } from '../../src/serve/server.ts';
import { tempRoot } from './helpers.ts';
import { irisModel } from '../choose/helpers.ts';

let server: RunningServer;
let base: string;

before(async () => {
  server = await startServer({ runs: await tempRoot('tk-serve-jobs-'), port: 0, cli: cliCommand() });
  base = `http://127.0.0.1:${server.port}`;
});
after(async () => {
  await server.close();
});

/** fetch with the server's token (every request needs it, on loopback too). */
const call = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { authorization: `Bearer ${server.token}`, ...(init.headers as Record<string, string> | undefined) } });
const post = async (path: string, body: unknown = {}) => call(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Reads a job's server-sent events, calling `onEvent` for each until it returns true or the stream ends. */
async function readEvents(id: string, onEvent: (type: string, data: Record<string, unknown>) => boolean | Promise<boolean>): Promise<void> {
  const res = await call(`${base}/api/jobs/${id}/events`);
  assert.equal(res.headers.get('content-type')?.split(';')[0], 'text/event-stream');
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let cut: number;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const type = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as Record<string, unknown>;
      if (await onEvent(type, data)) {
        await reader.cancel();
        return;
      }
    }
  }
}

test('the server listens on 127.0.0.1 and needs the token there too; the printed URL carries it; --no-token is for loopback only', async () => {
  assert.equal(server.host, '127.0.0.1');
  assert.equal(server.tokenRequired, true);
  assert.equal(server.url, `http://127.0.0.1:${server.port}/?token=${server.token}`);
  assert.equal((await fetch(`${base}/api/runs`)).status, 401, 'another local user without the token');
  assert.equal((await fetch(`${base}/`)).status, 401);
  const opened = await fetch(server.url.replace('/?', '/api/runs?'));
  assert.equal(opened.status, 200, 'the printed URL lets in');
  assert.equal((await fetch(`${base}/api/runs`, { headers: { cookie: (opened.headers.get('set-cookie') ?? '').split(';')[0] } })).status, 200, 'and sets the cookie');
  await assert.rejects(startServer({ runs: server.app.jobs.root, port: 0, host: '0.0.0.0', noToken: true }), (e: unknown) => (e as { code?: string }).code === 'BAD_OPTION');
  const open = await startServer({ runs: server.app.jobs.root, port: 0, noToken: true, cli: [] });
  try {
    assert.equal(open.tokenRequired, false);
    assert.match(open.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal((await fetch(`http://127.0.0.1:${open.port}/api/runs`)).status, 200);
  } finally {
    await open.close();
  }
  assert.throws(() => open.app.jobs.startFit({ name: 'late', train: 'builtin:iris' }), /shutting down/, 'no job starts once closed');
});

test('a fit started over HTTP streams its epochs; stopped, it stays resumable; resumed, it continues where it stopped and finishes', async () => {
  const bad = await post('/api/jobs', { name: '../x', train: 'builtin:iris' });
  assert.equal(bad.status, 400);
  assert.equal((await post('/api/jobs', { name: 'x', train: '--help' })).status, 400, 'values that read as flags are refused');
  const started = await post('/api/jobs', { name: 'iris-long', train: 'builtin:iris', strategy: 'scratch', arch: 'mlp', epochs: 40 });
  assert.equal(started.status, 201);
  const job = (await started.json()) as { id: string; status: string };
  assert.equal(job.status, 'running');
  assert.equal((await post('/api/jobs', { name: 'iris-long', train: 'builtin:iris' })).status, 409, 'the folder exists');

  let stoppedAt = 0;
  let end: Record<string, unknown> | undefined;
  await readEvents(job.id, async (type, data) => {
    if (type === 'epoch' && !stoppedAt) {
      stoppedAt = data.epoch as number;
      if (stoppedAt >= 2) {
        const training = (await (await call(`${base}/api/runs/iris-long`)).json()) as { job?: string; status: string; resumable: boolean };
        assert.equal((await post(`/api/jobs/${job.id}/stop`)).status, 200);
        assert.equal(training.job, job.id, 'the run shows the job training it');
        assert.equal(training.status, 'training', 'the child holds the run lock');
        assert.equal(training.resumable, false);
      }
      else stoppedAt = 0;
    }
    if (type === 'end') end = data;
    return type === 'end';
  });
  assert.equal(end?.status, 'stopped');
  const detail = (await (await call(`${base}/api/runs/iris-long`)).json()) as { status: string; resumable: boolean; history: Array<{ epoch: number }> };
  assert.equal(detail.status, 'incomplete');
  assert.equal(detail.resumable, true);
  assert.ok(detail.history.length >= 2 && detail.history.length < 40, `stopped part-way (${detail.history.length} epochs)`);
  assert.ok(!existsSync(join(server.app.jobs.root, 'iris-long', 'metrics.json')));

  const resumed = (await (await post('/api/runs/iris-long/resume')).json()) as { id: string; command: string };
  assert.equal(resumed.command, 'resume');
  let firstEpoch = 0;
  await readEvents(resumed.id, (type, data) => {
    if (type === 'epoch' && !firstEpoch) firstEpoch = data.epoch as number;
    if (type === 'end') end = data;
    return type === 'end';
  });
  assert.equal(end?.status, 'finished', JSON.stringify(end));
  assert.ok(firstEpoch > 1, `the resumed run continued at epoch ${firstEpoch}, not from 1`);
  assert.equal((end?.result as { resumed: boolean }).resumed, true);
  const history = (await readFile(join(server.app.jobs.root, 'iris-long', 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { epoch: number }).epoch);
  assert.deepEqual(history, Array.from({ length: 40 }, (_, i) => i + 1), 'each epoch once, in order');
  const { runs } = (await (await call(`${base}/api/runs`)).json()) as { runs: Array<{ name: string; status: string; epochs: number }> };
  assert.deepEqual(runs.map((r) => [r.name, r.status, r.epochs]), [['iris-long', 'finished', 40]]);
  const { jobs } = (await (await call(`${base}/api/jobs`)).json()) as { jobs: Array<{ status: string }> };
  assert.deepEqual(jobs.map((j) => j.status), ['finished', 'stopped']);
  assert.ok(!existsSync(join(server.app.jobs.root, 'iris-long', '.lock')), 'the finished fit released its lock');
  // a reconnecting EventSource (Last-Event-ID) gets only the events after the one it saw
  const all = await (await call(`${base}/api/jobs/${resumed.id}/events`)).text();
  const ids = [...all.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  const again = await (await call(`${base}/api/jobs/${resumed.id}/events`, { headers: { 'last-event-id': String(ids[5]) } })).text();
  assert.deepEqual([...again.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])), ids.slice(6));
});

test('a curve job stopped part-way is listed as a resumable curve; resumed, it finishes without retraining its finished runs', async () => {
  const model = await irisModel(await tempRoot('tk-serve-curve-base-'), 'iris-src', { epochs: 5 });
  const started = (await (await post('/api/jobs', { command: 'curve', name: 'iris-curve', base: model, train: 'builtin:iris', sizes: '3,6', seeds: 2, strategies: 'extract,scratch', epochs: 20 })).json()) as { id: string };
  let end: Record<string, unknown> | undefined;
  let points = 0;
  await readEvents(started.id, async (type, data) => {
    if (type === 'point' && ++points === 1) assert.equal((await post(`/api/jobs/${started.id}/stop`)).status, 200);
    if (type === 'end') end = data;
    return type === 'end';
  });
  assert.equal(end?.status, 'stopped', JSON.stringify(end));
  const listed = ((await (await call(`${base}/api/runs`)).json()) as { runs: Array<{ name: string; kind: string; status: string }> }).runs.find((r) => r.name === 'iris-curve');
  assert.deepEqual([listed?.kind, listed?.status], ['curve', 'incomplete']);
  assert.equal(((await (await call(`${base}/api/runs/iris-curve`)).json()) as { resumable: boolean }).resumable, true);

  // a run that finished before the stop (runs train side by side: any of them)
  const curveDir = join(server.app.jobs.root, 'iris-curve');
  const first = readdirSync(curveDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('metrics.json')).map((f) => join(curveDir, f))[0];
  assert.ok(first, 'one run had finished');
  const written = statSync(first).mtimeMs;
  const resumed = (await (await post('/api/runs/iris-curve/resume')).json()) as { id: string; command: string };
  assert.equal(resumed.command, 'resume');
  const seeds: string[] = [];
  await readEvents(resumed.id, (type, data) => {
    if (type === 'point') seeds.push(`${data.size} ${data.strategy} ${data.seed}`);
    if (type === 'end') end = data;
    return type === 'end';
  });
  assert.equal(end?.status, 'finished', JSON.stringify(end));
  assert.equal(seeds.length, 8, 'every run of the curve reported, the finished ones scored from their folders');
  assert.equal(statSync(first).mtimeMs, written, 'the run finished before the stop was not trained again');
  assert.ok(existsSync(join(server.app.jobs.root, 'iris-curve', 'curve.json')));
  const { curves } = (await (await call(`${base}/api/curves`)).json()) as { curves: Array<{ name: string }> };
  assert.deepEqual(curves.map((c) => c.name), ['iris-curve']);
  assert.equal((await post('/api/runs/iris-curve/resume')).status, 400, 'a finished curve is not resumed');
});

test('a curve whose folder a live process holds (a curve or resume training it) is listed as training, not resumable, and Resume refuses it', async () => {
  const dir = join(server.app.jobs.root, 'busy-curve');
  await mkdir(join(dir, 'n3'), { recursive: true });
  await writeFile(join(dir, 'curve-options.json'), JSON.stringify({ format: 'transferkit-curve-options@1', createdAt: new Date().toISOString(), options: { base: 'x', train: 'builtin:iris', sizes: [3], strategies: ['scratch'] }, inMemory: [], cut: { layer: null, reason: '' } }));
  // the curve process (here: a live process that is not this server's job, the test's parent) holds the curve folder's lock
  await writeFile(join(dir, '.lock'), String(process.ppid));
  const listed = ((await (await call(`${base}/api/runs`)).json()) as { runs: Array<{ name: string; kind: string; status: string }> }).runs.find((r) => r.name === 'busy-curve');
  assert.deepEqual([listed?.kind, listed?.status], ['curve', 'training']);
  assert.equal(((await (await call(`${base}/api/runs/busy-curve`)).json()) as { resumable: boolean }).resumable, false);
  const refused = await post('/api/runs/busy-curve/resume');
  assert.equal(refused.status, 409);
  const body = (await refused.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'RUN_LOCKED');
  assert.match(body.error.message, new RegExp(`learning curve "busy-curve" is being trained by another process \\(pid ${process.ppid}\\)`));
  assert.ok(!existsSync(join(dir, 'curve.json')), 'nothing was started');
});
