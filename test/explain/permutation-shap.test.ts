import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exactShapley } from '../../src/explain/exact-shapley.ts';
import { permutationShap } from '../../src/explain/permutation-shap.ts';
import { createRng } from '../../src/util/random.ts';
import { batched, maxAbsDiff, randomNonlinear, randomRows, sum, type ScalarFn } from './helpers.ts';

/** Main effects plus pairwise interactions only (no term couples three features). */
function pairwiseOnly(M: number, seed: number): ScalarFn {
  const rng = createRng(seed);
  const a = Array.from({ length: M }, () => rng.normal());
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < M; i++) for (let j = i + 1; j < M; j++) if (rng.next() < 0.6) pairs.push([i, j, rng.normal()]);
  return (r) => {
    let s = 0;
    for (let i = 0; i < M; i++) s += a[i] * Math.sin(r[i]) + (r[i] > 0 ? 0.5 : 0);
    for (const [i, j, c] of pairs) s += c * r[i] * Math.max(r[j], 0) + (r[i] > r[j] ? c : 0);
    return s;
  };
}

describe('permutationShap', () => {
  it('is exact (1e-9) for a function with only pairwise interactions, even with one antithetic pair', async () => {
    const f = pairwiseOnly(7, 1);
    const x = randomRows(1, 7, 2)[0];
    const bg = randomRows(6, 7, 3);
    const exact = await exactShapley(batched(f), x, bg);
    for (const npermutations of [1, 3]) {
      const res = await permutationShap(batched(f), x, bg, { npermutations, seed: npermutations });
      assert.ok(maxAbsDiff(res.values, exact.values) < 1e-9, `n=${npermutations}: ${maxAbsDiff(res.values, exact.values)}`);
      assert.ok(Math.max(...(res.stderr ?? [1])) < 1e-9, 'every pair gives the same exact values');
    }
  });

  it('is not exact for three-way interactions with few permutations, but efficient and converging', async () => {
    const f = randomNonlinear(8, 31);
    const x = randomRows(1, 8, 32)[0];
    const bg = randomRows(5, 8, 33);
    const exact = await exactShapley(batched(f), x, bg);
    const few = await permutationShap(batched(f), x, bg, { npermutations: 2, seed: 0 });
    const many = await permutationShap(batched(f), x, bg, { npermutations: 200, seed: 0 });
    assert.ok(Math.abs(few.baseValue + sum(few.values) - few.output) < 1e-4);
    assert.ok(Math.abs(many.baseValue + sum(many.values) - many.output) < 1e-4);
    const errFew = maxAbsDiff(few.values, exact.values);
    const errMany = maxAbsDiff(many.values, exact.values);
    assert.ok(errFew > 1e-6, 'the three-way terms make a single pair inexact');
    assert.ok(errMany < errFew, `${errMany} < ${errFew}`);
    // Errors are within 5 reported standard errors (max seen over 20 seeds: 3.3).
    many.values.forEach((v, i) => assert.ok(Math.abs(v - exact.values[i]) <= 5 * (many.stderr?.[i] ?? 0) + 1e-12, `feature ${i}`));
  });

  it('is seeded', async () => {
    const f = randomNonlinear(6, 41);
    const x = randomRows(1, 6, 42)[0];
    const bg = randomRows(3, 6, 43);
    const a = await permutationShap(batched(f), x, bg, { npermutations: 3, seed: 9 });
    const b = await permutationShap(batched(f), x, bg, { npermutations: 3, seed: 9 });
    const c = await permutationShap(batched(f), x, bg, { npermutations: 3, seed: 10 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.values, c.values);
  });
});
