/**
 * A fast, deterministic sample of the mutation fuzzer (scripts/fuzz): every loader gets the same
 * seeded cases each run, each in a child process with a time and memory cap, and none may hang,
 * run out of memory, crash, throw a non-TransferkitError (or INTERNAL) or return an impossible
 * result. `npm run fuzz` runs the full 10,000 cases per loader.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BAD_OUTCOMES, formatTable, runFuzz } from '../../scripts/fuzz/run.ts';

const CASES_PER_LOADER = 40; // 8 loaders × 40 = 320 cases

test('fuzz sample: no hang, OOM, crash, internal error or wrong success in any loader', { timeout: 180_000 }, async () => {
  const s = await runFuzz({ cases: CASES_PER_LOADER, seed: 20261207, jobs: 2, batch: 40, timeoutS: 10 });
  const bad: string[] = [];
  for (const [loader, v] of Object.entries(s.loaders)) {
    assert.equal(v.cases, CASES_PER_LOADER, `${loader}: every case reports an outcome`);
    for (const k of BAD_OUTCOMES) for (const e of v.examples[k] ?? []) bad.push(`${loader} ${k} #${e.case} (${e.mutation}): ${e.code ?? ''} ${(e.message ?? '').split('\n')[0]}\n    ${e.reproduce}`);
    assert.ok(v.counts['clear-error'] > 0 && v.counts.ok + v.counts['clear-error'] > CASES_PER_LOADER / 2, `${loader}: the sample exercises the loader\n${formatTable(s)}`);
  }
  assert.deepEqual(bad, [], `bad outcomes (seed ${s.seed}):\n${formatTable(s)}`);
});
