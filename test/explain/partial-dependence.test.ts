import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransferkitError } from '../../src/errors.ts';
import { partialDependence, pdGrid } from '../../src/explain/partial-dependence.ts';
import { batched, maxAbsDiff, randomNonlinear, randomRows } from './helpers.ts';

describe('partialDependence', () => {
  it('PD is the mean of the ICE curves, and ICE is the model with the feature set', async () => {
    const f = randomNonlinear(4, 51);
    const rows = randomRows(30, 4, 52);
    const r = await partialDependence(batched(f), rows, 2, { gridResolution: 7, batchSize: 20 });
    assert.equal(r.grid.length, 7);
    assert.equal(r.individual.length, 30);
    r.grid.forEach((v, g) => {
      const mean = r.individual.reduce((s, ice) => s + ice[g], 0) / rows.length;
      assert.ok(Math.abs(r.average[g] - mean) < 1e-12);
      const z = Array.from(rows[4]);
      z[2] = v;
      assert.ok(Math.abs(r.individual[4][g] - f(z)) < 1e-12);
    });
  });

  it('has slope w for a linear feature and parallel ICE curves for an additive model', async () => {
    const f = (x: ArrayLike<number>) => 3 * x[0] + Math.sin(x[1]);
    const rows = randomRows(20, 2, 53);
    const r = await partialDependence(batched(f), rows, 0, { grid: [-1, 0, 2] });
    assert.deepEqual(r.grid, [-1, 0, 2]);
    assert.ok(Math.abs(r.average[2] - r.average[0] - 9) < 1e-12);
    for (const ice of r.individual) assert.ok(Math.abs(ice[1] - ice[0] - 3) < 1e-12);
  });

  it('builds quantile or uniform grids within the percentiles; few distinct values → the values', () => {
    const values = Array.from({ length: 101 }, (_, i) => i);
    const q = pdGrid(values, { gridResolution: 5 });
    assert.ok(maxAbsDiff(q, [5, 27.5, 50, 72.5, 95]) < 1e-9, String(q));
    const skewed = values.map((v) => v ** 2);
    const qs = pdGrid(skewed, { gridResolution: 3 });
    const us = pdGrid(skewed, { gridResolution: 3, gridMethod: 'uniform' });
    assert.ok(maxAbsDiff(qs, [25, 2500, 9025]) < 1e-9, String(qs));
    assert.ok(maxAbsDiff(us, [25, 4525, 9025]) < 1e-9, String(us));
    assert.deepEqual(pdGrid([3, 1, 1, 2, 3]), [1, 2, 3]);
  });

  it('rejects a bad feature index or grid', async () => {
    const f = batched((x) => x[0]);
    for (const [run, code] of [
      [() => partialDependence(f, [[1, 2]], 2), 'BAD_FEATURE'],
      [() => partialDependence(f, [[1, 2]], 0, { grid: [0, NaN] }), 'NON_FINITE_INPUT'],
      [() => partialDependence(f, [[1, 2]], 0, { percentiles: [0.9, 0.1] }), 'BAD_OPTION'],
    ] as const) {
      const err = await run().catch((e: unknown) => e);
      assert.ok(err instanceof TransferkitError && err.code === code, String(err));
    }
  });
});
