import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerPool } from '../../src/engine/worker-pool.ts';
import { TransferkitError } from '../../src/errors.ts';

const fixture = new URL('./fixtures/jobs-worker.ts', import.meta.url);

test('a worker pool runs jobs, passes their events, keeps error codes, and fails (not hangs) when a worker dies', async () => {
  const pool = new WorkerPool(fixture, { size: 2 });
  try {
    const events: unknown[] = [];
    const results = await Promise.all([1, 2, 3].map((x) => pool.run<{ x: number }, number>({ x }, (e) => events.push(e))));
    assert.deepEqual(results, [2, 4, 6]);
    assert.equal(events.length, 3);
    const failed = await pool.run({ x: 9, fail: true }).catch((e: unknown) => e);
    assert.ok(failed instanceof TransferkitError);
    assert.equal(failed.code, 'BAD_INPUT');
    assert.equal(failed.hint, 'a hint');
    assert.equal(await pool.run<{ x: number }, number>({ x: 5 }), 10, 'a failed job leaves the pool usable');

    const crashed = await pool.run({ x: 1, crash: true }).catch((e: unknown) => e);
    assert.ok(crashed instanceof TransferkitError);
    assert.equal(crashed.code, 'WORKER_FAILED');
    const after = await pool.run({ x: 1 }).catch((e: unknown) => e);
    assert.ok(after instanceof TransferkitError && after.code === 'WORKER_FAILED', 'later jobs fail at once instead of waiting');
  } finally {
    await pool.close();
  }
});
