import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reweigh } from '../../src/audit/mitigate/reweigh.ts';
import { TransferkitError } from '../../src/errors.ts';
import { createRng } from '../../src/util/random.ts';

test('reweighing weights of a tiny table, checked by hand', () => {
  // 10 rows. group m: 4 rows, 3 positive; group f: 6 rows, 2 positive. Overall 5 positive of 10.
  const groups = ['m', 'm', 'm', 'm', 'f', 'f', 'f', 'f', 'f', 'f'];
  const y = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0];
  const { weights, cells } = reweigh(y, groups);
  // w(a, y) = P(a)·P(y) / P(a, y)
  const expected = {
    'm:1': (0.4 * 0.5) / 0.3, // 2/3
    'm:0': (0.4 * 0.5) / 0.1, // 2
    'f:1': (0.6 * 0.5) / 0.2, // 1.5
    'f:0': (0.6 * 0.5) / 0.4, // 0.75
  };
  for (let i = 0; i < y.length; i++) {
    const want = expected[`${groups[i]}:${y[i]}` as keyof typeof expected];
    assert.ok(Math.abs(weights[i] - want) < 1e-12, `row ${i}: ${weights[i]} vs ${want}`);
  }
  assert.deepEqual(
    cells.map((c) => [c.group, c.label, c.count]),
    [
      ['f', 0, 4],
      ['f', 1, 2],
      ['m', 0, 1],
      ['m', 1, 3],
    ],
  );
  assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) - 10) < 1e-12, 'weights sum to n');
});

test('after reweighing, the weighted P(y = 1 | group) is P(y = 1) for every group', () => {
  const rng = createRng('rw');
  const n = 500;
  const groups = Array.from({ length: n }, () => ['a', 'b', 'c'][rng.int(3)]);
  const base: Record<string, number> = { a: 0.2, b: 0.5, c: 0.8 };
  const y = groups.map((g) => (rng.next() < base[g] ? 1 : 0));
  const { weights } = reweigh(y, groups);
  const overall = y.reduce((s: number, v) => s + v, 0) / n;
  for (const g of ['a', 'b', 'c']) {
    let w = 0;
    let wy = 0;
    for (let i = 0; i < n; i++) {
      if (groups[i] !== g) continue;
      w += weights[i];
      wy += weights[i] * y[i];
    }
    assert.ok(Math.abs(wy / w - overall) < 1e-12, `group ${g}: ${wy / w} vs ${overall}`);
    // and each group keeps its total weight (its share of the data)
    const count = groups.filter((v) => v === g).length;
    assert.ok(Math.abs(w - count) < 1e-9);
  }
});

test('reweighing names bad input', () => {
  assert.throws(() => reweigh([1, 2], ['a', 'b']), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_LABEL');
  assert.throws(() => reweigh([1, 1], ['a', 'b']), (e: unknown) => e instanceof TransferkitError && e.code === 'ONE_CLASS' && !!e.hint);
  assert.throws(() => reweigh([1, 0, 1], ['a', 'b']), (e: unknown) => e instanceof TransferkitError && e.code === 'LABEL_COUNT');
  assert.throws(() => reweigh([1, 0], ['a', '']), (e: unknown) => e instanceof TransferkitError && e.code === 'MISSING_VALUE');
});
