import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransferkitError } from '../../src/errors.ts';
import { resolveBackground, summariseBackground } from '../../src/explain/background.ts';
import { createRng } from '../../src/util/random.ts';
import { sum } from './helpers.ts';

/** Three well-separated blobs of 10, 20 and 30 rows around (0,0), (10,10), (−10,10). */
function blobs(): number[][] {
  const rng = createRng(3);
  const centres = [
    [0, 0],
    [10, 10],
    [-10, 10],
  ];
  return [10, 20, 30].flatMap((n, c) => Array.from({ length: n }, () => [centres[c][0] + 0.3 * rng.normal(), centres[c][1] + 0.3 * rng.normal()]));
}

describe('summariseBackground', () => {
  it('k-means finds the clusters with weights = cluster sizes / n', () => {
    const bg = summariseBackground(blobs(), { method: 'kmeans', k: 3, seed: 1, roundValues: false });
    assert.equal(bg.rows.length, 3);
    const byWeight = bg.rows.map((r, i) => ({ r, w: bg.weights[i] })).sort((a, b) => a.w - b.w);
    assert.deepEqual(
      byWeight.map((e) => e.w),
      [10 / 60, 20 / 60, 30 / 60],
    );
    const expected = [
      [0, 0],
      [10, 10],
      [-10, 10],
    ];
    byWeight.forEach((e, c) => assert.ok(Math.hypot(e.r[0] - expected[c][0], e.r[1] - expected[c][1]) < 0.3, `centre ${c}: ${e.r}`));
    assert.equal(bg.warning, undefined);
  });

  it('rounds centroid coordinates to values the data takes (one-hot columns stay 0/1)', () => {
    const rows = blobs().map((r, i) => [...r, i % 3 === 0 ? 1 : 0]);
    const bg = summariseBackground(rows, { k: 3, seed: 1 });
    const values = new Set(rows.flatMap((r) => r));
    for (const r of bg.rows) for (const v of r) assert.ok(values.has(v), `${v} is not a data value`);
    for (const r of bg.rows) assert.ok(r[2] === 0 || r[2] === 1);
  });

  it('samples k distinct rows with equal weights, seeded', () => {
    const rows = Array.from({ length: 50 }, (_, i) => [i, -i]);
    const a = summariseBackground(rows, { method: 'sample', k: 5, seed: 7 });
    const b = summariseBackground(rows, { method: 'sample', k: 5, seed: 7 });
    const c = summariseBackground(rows, { method: 'sample', k: 5, seed: 8 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.rows, c.rows);
    assert.equal(new Set(a.rows.map((r) => r[0])).size, 5);
    for (const r of a.rows) assert.equal(r[1], -r[0]);
    assert.deepEqual(a.weights, [0.2, 0.2, 0.2, 0.2, 0.2]);
  });

  it('returns (never prints) a warning when more than 100 rows remain', () => {
    const rows = Array.from({ length: 150 }, (_, i) => [i]);
    const all = summariseBackground(rows, { method: 'sample', k: 150 });
    assert.equal(all.rows.length, 150);
    assert.match(all.warning ?? '', /150 rows/);
    assert.equal(summariseBackground(rows, { method: 'sample', k: 100 }).warning, undefined);
    assert.match(resolveBackground(rows).warning ?? '', /summariseBackground/);
    assert.ok(Math.abs(sum(summariseBackground(rows, { k: 7 }).weights) - 1) < 1e-12);
  });

  it('validates rows and weights', () => {
    const cases: [() => unknown, string][] = [
      [() => resolveBackground({ rows: [[1], [2]], weights: [1] }), 'SHAPE_MISMATCH'],
      [() => resolveBackground({ rows: [[1], [2]], weights: [0, 0] }), 'BAD_WEIGHTS'],
      [() => resolveBackground([[1], [NaN]]), 'NON_FINITE_INPUT'],
      [() => summariseBackground([[1, 2], [3]]), 'SHAPE_MISMATCH'],
      [() => summariseBackground([[1]], { k: 0 }), 'BAD_OPTION'],
    ];
    for (const [run, code] of cases) {
      assert.throws(run, (e: unknown) => e instanceof TransferkitError && e.code === code);
    }
    assert.deepEqual(resolveBackground({ rows: [[0], [2]], weights: [1, 3] }).weights, [0.25, 0.75]);
  });
});
