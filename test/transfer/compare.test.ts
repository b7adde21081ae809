import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../src/data/load.ts';
import { subset } from '../../src/data/dataset.ts';
import { trainValTestSplit } from '../../src/data/split.ts';
import { initEngine } from '../../src/engine/backend.ts';
import { TransferkitError } from '../../src/errors.ts';
import { compareStrategies, type CompareOptions } from '../../src/transfer/compare.ts';

tf.env().set('PROD', true);
await initEngine({ backend: 'wasm' });
const root = await mkdtemp(join(tmpdir(), 'tk-compare-'));
process.on('exit', () => void rm(root, { recursive: true, force: true }));
const mnist = await loadDataset('builtin:mnist');
const { train: pool, test: heldOut } = trainValTestSplit(mnist, { val: 0, test: 0.25, seed: 0 });
const small: Omit<CompareOptions, 'out'> = {
  base: 'fashion-cnn',
  pool,
  test: subset(heldOut, Array.from({ length: 300 }, (_, i) => i)),
  strategies: ['scratch', 'extract'],
  seeds: [1, 2],
  perClass: 2,
  fit: { epochs: 3, batchSize: 10 },
};

test('runs in worker threads give exactly the results of runs one after the other', async () => {
  const here = await compareStrategies({ ...small, out: join(root, 'here'), threads: 1 });
  const events: string[] = [];
  const workers = await compareStrategies({ ...small, out: join(root, 'workers'), threads: 2, onRun: (e) => e.accuracy !== undefined && events.push(`${e.strategy}-${e.seed}`) });
  assert.deepEqual(workers.results.map((r) => r.perSeed), here.results.map((r) => r.perSeed));
  assert.deepEqual(events.sort(), ['extract-1', 'extract-2', 'scratch-1', 'scratch-2']);
});

test('a run that fails in a worker fails the comparison with the same clear error', async () => {
  const bad = { ...small, base: 'no-such-model', strategies: ['extract' as const] };
  const inThread = await compareStrategies({ ...bad, out: join(root, 'bad-here'), threads: 1 }).catch((e: unknown) => e);
  const inWorker = await compareStrategies({ ...bad, out: join(root, 'bad-workers'), threads: 2 }).catch((e: unknown) => e);
  assert.ok(inThread instanceof TransferkitError);
  assert.ok(inWorker instanceof TransferkitError);
  assert.equal(inWorker.code, inThread.code);
  assert.equal(inWorker.message, inThread.message);
});
