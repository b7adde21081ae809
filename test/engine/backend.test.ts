/**
 * initEngine: explicit choice, auto (tfjs-node is not installed here → wasm), the
 * TRANSFERKIT_BACKEND env var, idempotence, unknown names, per-thread state in a
 * worker_thread, and the wasm → cpu fallback.
 *
 * Tests run in order in one process (engine state is per thread); the fallback test
 * removes the wasm backend and therefore runs last.
 */
import { after, before, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { engineInfo, initEngine, type BackendName, type EngineInfo } from '../../src/engine/backend.ts';
import { registeredKernelNames } from '../../src/engine/kernels/register.ts';
import { TransferkitError } from '../../src/errors.ts';

const savedEnv = process.env.TRANSFERKIT_BACKEND;
before(() => {
  delete process.env.TRANSFERKIT_BACKEND;
});
after(() => {
  if (savedEnv === undefined) delete process.env.TRANSFERKIT_BACKEND;
  else process.env.TRANSFERKIT_BACKEND = savedEnv;
});

test('engineInfo() is undefined before initEngine', () => {
  assert.equal(engineInfo(), undefined);
});

test('explicit cpu', async () => {
  const info = await initEngine({ backend: 'cpu' });
  assert.equal(info.backend, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.equal(info.tfjsVersion, tf.version_core);
  assert.deepEqual(info.kernelsRegistered, []);
  assert.equal(info.fallbackReason, undefined);
  assert.equal(engineInfo(), info);
  assert.equal(await initEngine({ backend: 'cpu' }), info, 'second call returns the same info');
  assert.equal(await initEngine(), info, 'a call without options keeps the explicit choice');
});

test('auto picks wasm because @tensorflow/tfjs-node is not installed', async () => {
  const info = await initEngine({ backend: 'auto' });
  assert.equal(info.backend, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(info.kernelsRegistered, registeredKernelNames());
  for (const k of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter',
    'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']) {
    assert.ok(info.kernelsRegistered.includes(k), k);
  }
  assert.equal(info.fallbackReason, undefined, 'wasm is the default on Node, not a fallback');
  assert.equal(await initEngine(), info, 'no option and no env var keeps what runs: same info');
  assert.equal(await initEngine({ backend: 'auto' }), info, 'auto again: same info');
  assert.equal(await initEngine({ backend: 'wasm' }), info, 'asking for the current backend: same info');
  await tf.setBackend('cpu');
  assert.equal(await initEngine(), info);
  assert.equal(tf.getBackend(), 'wasm', 're-activated after someone switched tfjs away');
});

test('concurrent calls are serialised and agree', async () => {
  const [a, b] = await Promise.all([initEngine({ backend: 'cpu' }), initEngine({ backend: 'cpu' })]);
  assert.equal(a, b);
  assert.equal(tf.getBackend(), 'cpu');
});

test('env TRANSFERKIT_BACKEND chooses when no option is given; the option wins over it', async () => {
  process.env.TRANSFERKIT_BACKEND = 'wasm';
  try {
    assert.equal((await initEngine()).backend, 'wasm');
    process.env.TRANSFERKIT_BACKEND = 'cpu';
    assert.equal((await initEngine()).backend, 'cpu');
    assert.equal((await initEngine({ backend: 'wasm' })).backend, 'wasm');
  } finally {
    delete process.env.TRANSFERKIT_BACKEND;
  }
});

test('unknown backend names are a TransferkitError listing the valid ones', async () => {
  const check = (err: unknown) => {
    assert.ok(err instanceof TransferkitError);
    assert.equal(err.code, 'UNKNOWN_BACKEND');
    for (const name of ['auto', 'tensorflow', 'wasm', 'cpu']) assert.match(err.message, new RegExp(name));
    return true;
  };
  await assert.rejects(initEngine({ backend: 'webgpu' as BackendName }), check);
  process.env.TRANSFERKIT_BACKEND = 'gpu';
  try {
    await assert.rejects(initEngine(), (err: unknown) => check(err) && /TRANSFERKIT_BACKEND/.test(String((err as TransferkitError).where)));
  } finally {
    delete process.env.TRANSFERKIT_BACKEND;
  }
  assert.equal(engineInfo()?.backend, 'wasm', 'a rejected call leaves the engine as it was');
});

test('explicit tensorflow without @tensorflow/tfjs-node is a clear error', async () => {
  await assert.rejects(initEngine({ backend: 'tensorflow' }), (err: unknown) => {
    assert.ok(err instanceof TransferkitError);
    assert.equal(err.code, 'BACKEND_UNAVAILABLE');
    assert.match(err.message, /tfjs-node/);
    return true;
  });
});

test('each worker_thread has its own engine state and starts its own engine', async () => {
  assert.notEqual(engineInfo(), undefined, 'the main thread has an engine');
  const fixture = new URL('./fixtures/engine-worker.ts', import.meta.url).href;
  // Workers do not inherit tsx's loader hooks on Node 20: register them inside the worker.
  const worker = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(fixture)}); });`,
    { eval: true },
  );
  try {
    const msg = await new Promise<{ before: unknown; info: EngineInfo; backend: string; grad: number[] }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(msg.before, null, 'a fresh worker has no engine yet');
    assert.equal(msg.info.backend, 'wasm');
    assert.equal(msg.backend, 'wasm');
    assert.deepEqual(msg.info.kernelsRegistered, registeredKernelNames());
    assert.deepEqual(msg.grad, [1, 2, 2, 2, 4, 4, 2, 4, 4]);
  } finally {
    await worker.terminate();
  }
});

test('when wasm cannot start, the engine falls back to cpu and says why (runs last)', async () => {
  await initEngine({ backend: 'cpu' });
  tf.removeBackend('wasm');
  const info = await initEngine({ backend: 'wasm' });
  assert.equal(info.backend, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.match(info.fallbackReason ?? '', /wasm/);
  const auto = await initEngine({ backend: 'auto' });
  assert.equal(auto.backend, 'cpu');
});
