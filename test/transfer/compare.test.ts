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
import { compareStrategies, type CompareOptions } from '../../src/choose/compare.ts';
import { learningCurve } from '../../src/choose/curve.ts';
import { runsProgress } from '../../src/engine/worker-pool.ts';

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
  const progress: number[] = [];
  const workers = await compareStrategies({
    ...small,
    out: join(root, 'workers'),
    threads: 2,
    onRun: (e) => e.accuracy !== undefined && events.push(`${e.strategy}-${e.seed}`),
    callbacks: { onStep: (task, done, total) => task === 'training runs' && total === 1000 && progress.push(done) },
  });
  assert.deepEqual(workers.results.map((r) => r.perSeed), here.results.map((r) => r.perSeed));
  assert.deepEqual(events.sort(), ['extract-1', 'extract-2', 'scratch-1', 'scratch-2']);
  // one progress figure for the four runs, rising to all done
  assert.ok(progress.length > 4, `step progress from the workers (${progress.length} reports)`);
  assert.ok(progress.every((v, i) => i === 0 || v >= progress[i - 1]), 'never goes back');
  assert.equal(progress.at(-1), 1000);
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

test('runsProgress: thousandths of all runs; the share of a run never goes back', () => {
  const seen: number[] = [];
  const p = runsProgress(4, (done, total) => {
    assert.equal(total, 1000);
    seen.push(done);
  });
  p.step(0, 50, 100); // 0.5 of run 0 → 125
  p.step(1, 25, 100); // + 0.25 → 187.5 → 188
  p.step(0, 10, 100); // a later phase restarts at 10%: no report, no step back
  p.finish(0); // run 0 done → 1.25 / 4
  p.finish(1);
  p.finish(2);
  p.finish(3);
  assert.deepEqual(seen, [125, 188, 313, 500, 750, 1000]);
});

test('one runner: the demo\'s comparison and a learning curve give the same numbers for the same protocol', async () => {
  const fit = { epochs: 3, finetuneEpochs: 1, batchSize: 10, learningRate: 1e-3, cutAt: 'flatten', headHidden: [16] };
  const strategies = ['scratch', 'extract', 'finetune'] as const;
  const cmp = await compareStrategies({ ...small, strategies: [...strategies], seeds: [1], fit, out: join(root, 'protocol-compare'), threads: 1 });
  const curve = await learningCurve({ base: 'fashion-cnn', train: pool, test: small.test, sizes: [2], seeds: [1], strategies: [...strategies], valPerClass: 0, measureShift: false, cutAt: 'flatten', fit, threads: 1 });
  for (const s of strategies) {
    const fromCompare = cmp.results.find((r) => r.strategy === s)!.perSeed;
    const fromCurve = curve.points[0].results.find((r) => r.strategy === s)!.perSeed;
    assert.deepEqual(fromCurve, fromCompare, `${s}: same accuracy from both`);
  }
});
