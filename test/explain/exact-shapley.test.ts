import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransferkitError } from '../../src/errors.ts';
import { exactShapley, shapleyFromTable, shapleyWeights } from '../../src/explain/exact-shapley.ts';
import { batched, bruteForceShapley, linearModel, maxAbsDiff, randomNonlinear, randomRows, sum } from './helpers.ts';

describe('exactShapley', () => {
  it('has the textbook Shapley weights and table solution', () => {
    assert.deepEqual(Array.from(shapleyWeights(3)), [1 / 3, 1 / 6, 1 / 3]);
    const phi = shapleyFromTable(Float64Array.of(0, 1, 2, 4), 2);
    assert.ok(maxAbsDiff(phi, [1.5, 2.5]) < 1e-15, String(phi));
  });

  for (const M of [1, 2, 3, 4, 5, 6]) {
    it(`equals brute force over all ${M}! orderings on a random nonlinear function (M=${M})`, async () => {
      const f = randomNonlinear(M, 100 + M);
      const x = randomRows(1, M, 200 + M)[0];
      const bg = randomRows(5, M, 300 + M);
      const weights = [1, 2, 3, 0.5, 1.5];
      const res = await exactShapley(batched(f), x, { rows: bg, weights }, { batchSize: 7 });
      const ref = bruteForceShapley(f, x, bg, weights);
      assert.ok(maxAbsDiff(res.values, ref.phi) < 1e-10, `${res.values} vs ${ref.phi}`);
      assert.ok(Math.abs(res.baseValue - ref.base) < 1e-12);
      assert.ok(Math.abs(res.output - f(x)) < 1e-12);
      assert.ok(Math.abs(res.baseValue + sum(res.values) - res.output) < 1e-9);
    });
  }

  it('treats groups as single players (brute force over groups)', async () => {
    const f = randomNonlinear(6, 7);
    const x = randomRows(1, 6, 8)[0];
    const bg = randomRows(4, 6, 9);
    const groups = [[0, 3], [1], [2, 4, 5]];
    const res = await exactShapley(batched(f), x, bg, { groups });
    const ref = bruteForceShapley(f, x, bg, undefined, groups);
    assert.equal(res.values.length, 3);
    assert.ok(maxAbsDiff(res.values, ref.phi) < 1e-10);
  });

  it('is exact and efficient on a linear model: φ_i = w_i (x_i − E b_i)', async () => {
    const w = [0.5, -2, 3, 0, 1.25, -0.75, 4, 2];
    const x = randomRows(1, 8, 1)[0];
    const bg = randomRows(20, 8, 2);
    const res = await exactShapley(linearModel(w, 0.3), x, bg);
    const expected = w.map((wi, j) => wi * (x[j] - sum(bg.map((b) => b[j])) / bg.length));
    assert.ok(maxAbsDiff(res.values, expected) < 1e-12);
    assert.ok(Math.abs(res.baseValue + sum(res.values) - res.output) < 1e-6);
    assert.ok(Math.abs(res.values[3]) < 1e-12, 'a feature with weight 0 gets 0');
  });

  it('gives a null model Σ|φ| < 1e-8 and symmetric features equal values', async () => {
    const x = [0.7, 0.7, -1, 2];
    const bg = [
      [0.1, 0.1, 0.5, 1],
      [-1, -1, 2, 0],
      [3, 3, 0, -2],
    ];
    const wrongCount = await exactShapley(() => [42], x, bg).catch((e: unknown) => e);
    assert.ok(wrongCount instanceof TransferkitError && wrongCount.code === 'BAD_MODEL_OUTPUT', 'a model returning the wrong count is rejected');
    const constant = await exactShapley((rows) => rows.map(() => 42), x, bg);
    assert.ok(sum(constant.values.map(Math.abs)) < 1e-8);
    // f symmetric in features 0 and 1, which are equal in x and in every background row.
    const sym = (r: ArrayLike<number>) => Math.max(r[0], r[1]) * r[2] + r[0] * r[1] * r[3] + (r[0] + r[1] > 0 ? r[3] : 0);
    const res = await exactShapley(batched(sym), x, bg);
    assert.ok(Math.abs(res.values[0] - res.values[1]) < 1e-12, `${res.values}`);
    assert.ok(Math.abs(res.values[0]) > 1e-3, 'the symmetric features do matter');
  });

  it('weights background rows like duplicated rows', async () => {
    const f = randomNonlinear(4, 3);
    const x = [1, -1, 0.5, 2];
    const bg = randomRows(3, 4, 4);
    const weighted = await exactShapley(batched(f), x, { rows: bg, weights: [2, 1, 1] });
    const duplicated = await exactShapley(batched(f), x, [bg[0], bg[0], bg[1], bg[2]]);
    assert.ok(maxAbsDiff(weighted.values, duplicated.values) < 1e-12);
  });

  it('refuses too many features before calling the model, suggesting kernelShap', async () => {
    let called = false;
    const err = await exactShapley(
      (rows) => {
        called = true;
        return rows.map(() => 0);
      },
      new Array(15).fill(0),
      [new Array(15).fill(1)],
    ).catch((e: unknown) => e);
    assert.ok(err instanceof TransferkitError);
    assert.equal(err.code, 'TOO_MANY_FEATURES');
    assert.match(err.hint ?? '', /kernelShap/);
    assert.equal(called, false);
    // Grouping the 15 features into 5 players makes it feasible.
    const groups = [0, 1, 2, 3, 4].map((g) => [3 * g, 3 * g + 1, 3 * g + 2]);
    const ok = await exactShapley((rows) => rows.map((r) => r[0] + r[14]), new Array(15).fill(0), [new Array(15).fill(1)], { groups });
    assert.ok(Math.abs(ok.values[0] + 1) < 1e-12 && Math.abs(ok.values[4] + 1) < 1e-12);
  });

  it('rejects NaN, width mismatches and bad groups with TransferkitErrors', async () => {
    const f = linearModel([1, 1, 1]);
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => exactShapley(f, [1, NaN, 3], [[0, 0, 0]]), 'NON_FINITE_INPUT', /x\[1\]/],
      [() => exactShapley(f, [1, 2, 3], [[0, 0, Infinity]]), 'NON_FINITE_INPUT', /background row 0\[2\]/],
      [() => exactShapley(f, [1, 2], [[0, 0, 0]]), 'SHAPE_MISMATCH', /x has 2 features but 3/],
      [() => exactShapley(f, [1, 2, 3], [[0, 0, 0], [0, 0]]), 'SHAPE_MISMATCH', /background row 1/],
      [() => exactShapley(f, [1, 2, 3], [[0, 0, 0]], { groups: [[0, 1], [1, 2]] }), 'BAD_GROUPS', /feature 1 is in groups 0 and 1/],
      [() => exactShapley(f, [1, 2, 3], [[0, 0, 0]], { groups: [[0, 1]] }), 'BAD_GROUPS', /2 are in no group/],
      [() => exactShapley(f, [1, 2, 3], []), 'EMPTY_DATA', /background has no rows/],
      [() => exactShapley((rows) => rows.map(() => NaN), [1, 2, 3], [[0, 0, 0]]), 'BAD_MODEL_OUTPUT', /NaN/],
      [() => exactShapley(f, [1, 2, 3], { rows: [[0, 0, 0]], weights: [-1] }), 'BAD_WEIGHTS', /weight 0/],
    ];
    for (const [run, code, message] of cases) {
      const err = await run().catch((e: unknown) => e);
      assert.ok(err instanceof TransferkitError, `${code}: ${String(err)}`);
      assert.equal(err.code, code);
      assert.match(err.message, message);
    }
  });
});
