import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransferkitError } from '../../src/errors.ts';
import { exactShapley } from '../../src/explain/exact-shapley.ts';
import { kernelShap, planCoalitions } from '../../src/explain/kernel-shap.ts';
import { createRng } from '../../src/util/random.ts';
import {
  batched,
  linearModel,
  loadBreastCancer,
  maxAbsDiff,
  randomNonlinear,
  randomRows,
  readGoldenJson,
  sum,
} from './helpers.ts';

interface GoldenRow {
  row_index: number;
  x: number[];
  fx_logodds: number;
  phi: number[];
}
interface GoldenBackground {
  base_value: number;
  mean: number[];
  rows: GoldenRow[];
}

describe('kernelShap', () => {
  it('plans SHAP-style coalitions: complete small sizes, paired samples, weights summing to 1', () => {
    const full = planCoalitions(5, 30, createRng(0));
    assert.equal(full.masks.length, 30, 'all 2^5 − 2 coalitions');
    assert.deepEqual(full.enumeratedSizes, [1, 2, 3, 4]);
    assert.ok(Math.abs(sum(full.weights) - 1) < 1e-12);
    const part = planCoalitions(12, 200, createRng(0));
    assert.ok(part.masks.length <= 200);
    assert.deepEqual(part.enumeratedSizes, [1, 11]);
    assert.ok(Math.abs(sum(part.weights) - 1) < 1e-12);
    const keys = new Set(part.masks.map((m) => m.join('')));
    assert.equal(keys.size, part.masks.length, 'no coalition twice');
    for (const m of part.masks) {
      const complement = Array.from(m, (b) => 1 - b).join('');
      const size = sum(m);
      if (size !== 6) assert.ok(keys.has(complement), `complement of ${m.join('')} (size ${size}) is missing`);
    }
  });

  it('is exact and efficient on a linear model (M=20, sampled coalitions)', async () => {
    const rng = createRng(5);
    const w = Array.from({ length: 20 }, () => rng.normal());
    const x = randomRows(1, 20, 6)[0];
    const bg = randomRows(10, 20, 7);
    const res = await kernelShap(linearModel(w, -1), x, bg, { nsamples: 300, seed: 1 });
    assert.equal(res.fullyEnumerated, false);
    const expected = w.map((wi, j) => wi * (x[j] - sum(bg.map((b) => b[j])) / bg.length));
    assert.ok(maxAbsDiff(res.values, expected) < 1e-9, `max err ${maxAbsDiff(res.values, expected)}`);
    assert.ok(Math.abs(res.baseValue + sum(res.values) - res.output) < 1e-6);
  });

  it('equals exact Shapley when every coalition is enumerated (nonlinear, M=7, groups too)', async () => {
    const f = randomNonlinear(7, 11);
    const x = randomRows(1, 7, 12)[0];
    const bg = randomRows(6, 7, 13);
    const k = await kernelShap(batched(f), x, bg);
    const e = await exactShapley(batched(f), x, bg);
    assert.equal(k.fullyEnumerated, true);
    assert.equal(k.coalitions, 2 ** 7 - 2);
    assert.ok(maxAbsDiff(k.values, e.values) < 1e-9, `max err ${maxAbsDiff(k.values, e.values)}`);
    const groups = [[0, 6], [1, 2], [3], [4, 5]];
    const kg = await kernelShap(batched(f), x, bg, { groups });
    const eg = await exactShapley(batched(f), x, bg, { groups });
    assert.ok(maxAbsDiff(kg.values, eg.values) < 1e-9);
  });

  it('sampled on a nonlinear model: efficiency within 1e-4 and close to exact; seeded', async () => {
    const f = randomNonlinear(10, 21);
    const x = randomRows(1, 10, 22)[0];
    const bg = randomRows(8, 10, 23);
    const a = await kernelShap(batched(f), x, bg, { nsamples: 400, seed: 3 });
    const b = await kernelShap(batched(f), x, bg, { nsamples: 400, seed: 3 });
    const c = await kernelShap(batched(f), x, bg, { nsamples: 400, seed: 4 });
    const e = await exactShapley(batched(f), x, bg);
    assert.equal(a.fullyEnumerated, false);
    assert.ok(Math.abs(a.baseValue + sum(a.values) - a.output) < 1e-4);
    assert.deepEqual(a.values, b.values, 'same seed, same values');
    assert.notDeepEqual(a.values, c.values, 'another seed samples other coalitions');
    const scale = Math.max(...e.values.map(Math.abs));
    assert.ok(maxAbsDiff(a.values, e.values) < 0.05 * scale, `err ${maxAbsDiff(a.values, e.values)} vs scale ${scale}`);
  });

  it('gives 0 to features that never vary from the background and handles M ≤ 1', async () => {
    const f = (r: ArrayLike<number>) => r[0] * r[1] + r[2] * 10;
    const bg = [
      [0, 1, 5],
      [2, 3, 5],
    ];
    const res = await kernelShap(batched(f), [1, 1, 5], bg);
    assert.equal(res.values[2], 0);
    const one = await kernelShap(batched(f), [1, 3, 5], [[0, 3, 5]]);
    assert.deepEqual(one.values.slice(1), [0, 0]);
    assert.ok(Math.abs(one.values[0] - 3) < 1e-12);
  });

  it('says when the samples cannot determine the values', async () => {
    const err = await kernelShap(linearModel(new Array(10).fill(1)), new Array(10).fill(1), [new Array(10).fill(0)], {
      nsamples: 4,
    }).catch((e: unknown) => e);
    assert.ok(err instanceof TransferkitError);
    assert.equal(err.code, 'UNDERDETERMINED');
    assert.match(err.hint ?? '', /nsamples/);
  });

  it('reproduces the golden breast-cancer Shapley values with both backgrounds', async (t) => {
    const golden = readGoldenJson('breast_cancer_shapley_logreg.json');
    const bc = loadBreastCancer();
    const f = linearModel(golden.model.w_raw, golden.model.b_raw);
    let maxErr = 0;
    for (const [key, idx] of [
      ['background_train', golden.train_idx as number[]],
      ['background_50', golden.background_50.idx as number[]],
    ] as const) {
      const ref = golden[key] as GoldenBackground;
      const bg = idx.map((i) => bc.X[i]);
      assert.ok(maxAbsDiff(bc.X[ref.rows[0].row_index], ref.rows[0].x) === 0, 'CSV row matches the golden x');
      for (const row of ref.rows) {
        const res = await kernelShap(f, row.x, bg, { seed: 0 });
        assert.equal(res.warnings.length, idx.length > 100 ? 1 : 0, 'a warning exactly when the background has > 100 rows');
        assert.ok(Math.abs(res.baseValue - ref.base_value) < 1e-6, `${key}: base ${res.baseValue} vs ${ref.base_value}`);
        assert.ok(Math.abs(res.output - row.fx_logodds) < 1e-6);
        const err = maxAbsDiff(res.values, row.phi);
        maxErr = Math.max(maxErr, err);
        assert.ok(err < 1e-6, `${key} row ${row.row_index}: max |Δφ| = ${err}`);
        assert.ok(Math.abs(res.baseValue + sum(res.values) - res.output) < 1e-6);
      }
    }
    t.diagnostic(`max |Δφ| vs golden over 10 explanations: ${maxErr.toExponential(2)}`);
  });
});
