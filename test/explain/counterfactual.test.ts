import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransferkitError } from '../../src/errors.ts';
import { counterfactuals } from '../../src/explain/counterfactual/counterfactuals.ts';
import { resolveSearchSpace, isPermitted } from '../../src/explain/counterfactual/space.ts';
import type { FeatureDomain, RawRow } from '../../src/explain/counterfactual/types.ts';

/** A known linear-logistic credit model over 4 numeric + 1 categorical raw features. */
const domains: FeatureDomain[] = [
  { name: 'income', kind: 'numeric', min: 0, max: 200_000, step: 100 },
  { name: 'debt', kind: 'numeric', min: 0, max: 100_000, step: 100 },
  { name: 'age', kind: 'numeric', min: 18, max: 90, step: 1 },
  { name: 'years_employed', kind: 'numeric', min: 0, max: 40 },
  { name: 'housing', kind: 'categorical', categories: ['own', 'rent', 'other'] },
];
const HOUSING: Record<string, number> = { own: 0.8, rent: 0, other: -0.5 };
const logit = (r: RawRow) =>
  -4 + (r[0] as number) / 20_000 - (r[1] as number) / 25_000 + 0.02 * ((r[2] as number) - 40) + 0.1 * (r[3] as number) + HOUSING[r[4] as string];
const prob = (r: RawRow) => 1 / (1 + Math.exp(-logit(r)));
let calls = 0;
const predict = (rows: RawRow[]) => {
  calls += rows.length;
  return rows.map(prob);
};
const x: RawRow = [40_000, 30_000, 35, 3, 'rent']; // logit −3.0, p ≈ 0.047

describe('counterfactuals', () => {
  it('returns valid, constrained, diverse counterfactuals, deterministically per seed', async () => {
    const opts = {
      count: 3,
      immutable: ['age'],
      permittedRanges: { income: [30_000, 120_000] as [number, number], housing: ['own', 'rent'] },
      seed: 11,
      maxEvaluations: 2000,
    };
    calls = 0;
    const r = await counterfactuals(predict, x, domains, opts);
    assert.ok(calls <= 2000 && r.evaluations === calls, `${calls} model rows, ${r.evaluations} reported`);
    assert.equal(r.counterfactuals.length, 3, r.reason ?? "");
    assert.equal(r.reason, undefined);
    assert.deepEqual(r.heldFixed, ['age']);
    assert.ok(Math.abs(r.query.probability - prob(x)) < 1e-15);
    for (const cf of r.counterfactuals) {
      assert.ok(prob(cf.row) >= 0.5, `recomputed probability ${prob(cf.row)} for ${JSON.stringify(cf.row)}`);
      assert.equal(cf.probability, prob(cf.row));
      assert.equal(cf.row[2], 35, 'age is immutable');
      const income = cf.row[0] as number;
      assert.ok(income === 40_000 || (income >= 30_000 && income <= 120_000 && income % 100 === 0), `income ${income}`);
      assert.ok(['own', 'rent'].includes(cf.row[4] as string), `housing ${cf.row[4]}`);
      const debt = cf.row[1] as number;
      assert.ok(debt >= 0 && debt <= 100_000 && debt % 100 === 0, `debt ${debt}`);
      assert.ok((cf.row[3] as number) >= 0 && (cf.row[3] as number) <= 40);
      assert.ok(cf.changes.length > 0);
      for (const ch of cf.changes) {
        const j = domains.findIndex((d) => d.name === ch.feature);
        assert.equal(ch.from, x[j]);
        assert.equal(ch.to, cf.row[j]);
      }
    }
    assert.equal(r.metrics.validity, 1);
    assert.ok(r.metrics.diversity > 0, `diversity ${r.metrics.diversity}`);
    assert.ok(r.metrics.proximity > 0 && Number.isFinite(r.metrics.proximityNumeric) && Number.isFinite(r.metrics.proximityCategorical));
    const again = await counterfactuals(predict, x, domains, opts);
    assert.deepEqual(again, r);
  });

  it('prefers sparse, non-redundant changes when one feature suffices (async model)', async () => {
    const r = await counterfactuals(async (rows) => rows.map(prob), x, domains, { count: 3, seed: 3, immutable: ['age'], maxEvaluations: 2000 });
    assert.equal(r.counterfactuals.length, 3, r.reason ?? '');
    assert.ok(r.metrics.sparsity <= 2, `mean changed features ${r.metrics.sparsity}`);
    assert.ok(r.counterfactuals.every((c) => prob(c.row) >= 0.5));
    const singles = r.counterfactuals.filter((c) => c.changes.length === 1).map((c) => c.changes[0].feature);
    assert.equal(new Set(singles).size, singles.length, `two one-feature counterfactuals change the same feature: ${singles}`);
    // Refinement pulls numeric changes to the boundary: one grid step less would not reach the target.
    const single = r.counterfactuals.find((c) => c.changes.length === 1 && c.changes[0].feature === 'income');
    if (single) {
      const back = [...single.row];
      back[0] = (back[0] as number) - 100;
      assert.ok(prob(back) < 0.5, `income ${single.row[0]} is not minimal`);
    }
  });

  it('returns an empty list with a reason when the target is unreachable under the constraints', async () => {
    const r = await counterfactuals(predict, x, domains, {
      immutable: ['income', 'age'],
      permittedRanges: { years_employed: [0, 10], housing: ['rent', 'other'] },
      maxEvaluations: 400,
      seed: 1,
    });
    assert.deepEqual(r.counterfactuals, []);
    assert.equal(r.metrics.validity, 0);
    assert.match(r.reason ?? '', /No counterfactual reached probability ≥ 0.5/);
    assert.match(r.reason ?? '', /income, age/);
    assert.ok(r.evaluations <= 400);

    const done = await counterfactuals(predict, [150_000, 0, 40, 10, 'own'], domains);
    assert.equal(done.counterfactuals.length, 0);
    assert.match(done.reason ?? '', /already reaches the target/);

    const frozen = await counterfactuals(predict, x, domains, { immutable: domains.map((d) => d.name) });
    assert.match(frozen.reason ?? '', /Every feature is held fixed/);
    assert.equal(frozen.evaluations, 1);
  });

  it('validates its inputs and the model output', async () => {
    const code = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as TransferkitError).code;
    assert.equal(await code(counterfactuals(predict, x, domains, { immutable: ['salary'] })), 'UNKNOWN_FEATURE');
    assert.equal(await code(counterfactuals(predict, x, domains, { permittedRanges: { income: [5, 1] } })), 'BAD_OPTION');
    assert.equal(await code(counterfactuals(predict, x, domains, { permittedRanges: { housing: ['castle'] } })), 'BAD_OPTION');
    assert.equal(await code(counterfactuals(predict, x.slice(1), domains)), 'SHAPE_MISMATCH');
    assert.equal(await code(counterfactuals(predict, [40_000, 30_000, 35, 3, 2], domains)), 'BAD_INPUT');
    assert.equal(await code(counterfactuals(() => [NaN], x, domains)), 'BAD_MODEL_OUTPUT');
    assert.equal(await code(counterfactuals(predict, x, domains, { count: 0 })), 'BAD_OPTION');
  });

  it('resolves steps and permitted ranges into a grid', () => {
    const space = resolveSearchSpace(domains, x, { permittedRanges: { income: [30_050, 30_420], housing: ['rent'] } });
    const income = space.axes[0];
    assert.ok(income.kind === 'numeric');
    assert.deepEqual([income.lo, income.hi, income.kMin, income.kMax], [30_050, 30_420, 301, 304]);
    assert.ok(isPermitted(income, 30_100) && !isPermitted(income, 30_150) && !isPermitted(income, 30_000));
    assert.deepEqual(space.heldFixed, ['housing']);
    assert.match(space.warnings.join(' '), /housing has no permitted category/);
    const years = space.axes[3];
    assert.ok(years.kind === 'numeric' && years.unit === 0.02, `unit ${years.kind === 'numeric' ? years.unit : ''}`);
  });
});
