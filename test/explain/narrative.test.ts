import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransferkitError } from '../../src/errors.ts';
import type { CounterfactualResult } from '../../src/explain/counterfactual/types.ts';
import { fmtNumber, fmtPercent } from '../../src/explain/narrative/format.ts';
import { narrate } from '../../src/explain/narrative/narrate.ts';
import type { Audience, NarrativeInput } from '../../src/explain/narrative/types.ts';

const AUDIENCES: Audience[] = ['technical', 'business', 'regulatory', 'end-user'];
const features = ['income', 'debt', 'age', 'years_employed', 'housing'];
/** Exact interventional Shapley values of a linear logit model (logit of "approved"). */
const values = [-0.4, -1.1000000000000001, -0.1, 0.5, -0.3];
const baseValue = -0.7;
const output = baseValue + values.reduce((a, b) => a + b, 0); // -2.1000000000000005

const cf: CounterfactualResult = {
  counterfactuals: [
    { row: [40_000, 2_100, 35, 8, 'rent'], changes: [{ feature: 'debt', from: 30_000, to: 2_100 }], probability: 0.5012345678901234, distance: 0.0558 },
    {
      row: [84_000, 30_000, 35, 5.359999999999999, 'rent'],
      changes: [
        { feature: 'income', from: 40_000, to: 84_000 },
        { feature: 'years_employed', from: 8, to: 5.359999999999999 },
      ],
      probability: 0.5000000000000001,
      distance: 0.0572,
    },
  ],
  metrics: { validity: 1, proximity: 0.0565, proximityNumeric: 0.0706, proximityCategorical: 0, sparsity: 1.5, diversity: 0.1234567891234 },
  evaluations: 812,
  query: { row: [40_000, 30_000, 35, 8, 'rent'], probability: 0.10909682119561293 },
  threshold: 0.5,
  heldFixed: ['age'],
  warnings: [],
};

const base = (audience: Audience): NarrativeInput => ({
  audience,
  subject: 'application',
  prediction: { label: 'declined', probability: 0.8909031788043871, classes: ['approved', 'declined'] },
  attributions: { features, values, baseValue, output, link: 'logit', method: 'kernel-shap', explains: 'approved', backgroundSize: 100, inputs: [40_000, 30_000, 35, 8, 'rent'] },
  counterfactuals: cf,
  desiredLabel: 'approved',
  globalImportance: { features, mean: [0.12, 0.09, 0.01, 0.04, 0.02], std: [0.011, 0.02, 0.002, 0.005, 0.003] },
  model: { name: 'credit-mlp', strategy: 'finetune', trainedOn: 'loans-2023', accuracy: 0.9134 },
  protectedFeatures: ['age'],
});

/** A float printed with 6+ decimals, or 10+ digits in a row, is not "formatted sensibly". */
const LONG_NUMBER = /\d\.\d{6,}|\d{10,}/;

describe('narrate', () => {
  it('mentions the top feature for every audience, with sensible numbers and no undefined', () => {
    for (const audience of AUDIENCES) {
      const n = narrate(base(audience));
      assert.equal(n.audience, audience);
      assert.match(n.sections.why, /debt/i, `${audience}: top feature missing`);
      assert.ok(n.text.includes(n.sections.why) && n.text.includes(n.sections.how) && n.text.includes(n.sections.whatIf));
      assert.doesNotMatch(n.text, /undefined|NaN|null|\[object/, audience);
      assert.doesNotMatch(n.text, LONG_NUMBER, `${audience}: ${n.text.match(LONG_NUMBER)?.[0]}`);
      assert.equal(n.numbers['attribution.debt'], -1.1);
      assert.equal(n.numbers.probability, 0.890903);
    }
  });

  it('technical: method, link, efficiency check numbers, signed top-k, global ranking ± std, metrics', () => {
    const n = narrate(base('technical'));
    const t = n.text;
    for (const s of ['KernelSHAP', 'kernel-shap', 'logit', fmtNumber(baseValue, 4), fmtNumber(output, 4), `Σφ ${fmtNumber(output - baseValue, 4)}`, 'holds']) {
      assert.ok(t.includes(s), `missing ${s}`);
    }
    assert.match(t, /debt = 30,000: φ = -1\.1 /);
    assert.match(t, /years_employed = 8: φ = \+0\.5 /);
    assert.match(t, /1\. income: 0\.12 ± 0\.011\n2\. debt: 0\.09 ± 0\.02/);
    assert.match(t, /validity 1, proximity 0\.0565 .*diversity 0\.123/);
    assert.match(t, /debt 30,000 → 2,100 \(p = 0\.5012/);
    assert.ok(Math.abs(n.numbers.efficiencyGap) < 1e-12);
    const broken = narrate({ ...base('technical'), attributions: { ...base('technical').attributions!, output: output + 0.5 } });
    assert.match(broken.text, /does NOT hold/);
  });

  it('business: plain drivers towards outcomes, confidence %, the flip in units', () => {
    const t = narrate(base('business')).text;
    assert.ok(t.includes(`with ${fmtPercent(0.8909)} confidence`), t);
    assert.match(t, /Debt \(30,000\) pushed the decision towards declined/);
    assert.match(t, /Years employed \(8\) pushed the decision towards approved/);
    assert.match(t, /flip to approved with debt down by 27,900 \(from 30,000 to 2,100\)/);
    assert.match(t, /years employed down by 2\.64 \(from 8 to 5\.36\)/);
    assert.doesNotMatch(t, /Shapley|logit/i);
  });

  it('regulatory: definition, additivity, reasons in order of |φ|, limitations, fixed features', () => {
    const t = narrate(base('regulatory')).text;
    const order = ['debt', 'years_employed', 'income', 'housing'].map((f) => t.indexOf(`. ${f} = `));
    assert.ok(order.every((i) => i > 0), `${order}`);
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'reasons in rank order');
    assert.ok(!t.includes('. age = '), 'only the top 4 reasons');
    assert.match(t, /1\. debt = 30,000: contribution -1\.1 log-odds, supporting the outcome "declined"/);
    assert.match(t, /years_employed = 8: contribution \+0\.5 log-odds, opposing/);
    assert.match(t, /interventional Shapley values/i);
    assert.match(t, /background of 100 rows/);
    assert.match(t, /sum to the model output/);
    assert.match(t, /correlated features/);
    assert.match(t, /Monte Carlo/);
    assert.match(t, /held fixed in every scenario: age/);
    assert.match(t, /Protected attributes held fixed: age/);
    const leaked = narrate({ ...base('regulatory'), protectedFeatures: ['income'] }).text;
    assert.match(leaked, /WARNING: protected attribute income was changed in scenario 2/);
  });

  it('end-user: second person, no jargon, short sections, what-if in units', () => {
    const n = narrate(base('end-user'));
    assert.doesNotMatch(n.text, /shapley|logit|shap|coefficient|log-odds|attribution/i);
    assert.match(n.sections.why, /^Your application was assessed as \*\*declined\*\*\. The system was 89% sure/);
    assert.match(n.sections.why, /The main reasons were your debt \(30,000\), your income \(40,000\) and your housing \(rent\)\./);
    assert.match(n.sections.whatIf, /^If your debt were 27,900 lower, the result would likely be approved\./);
    assert.match(n.sections.whatIf, /your income were 44,000 higher and your years employed were 2\.64 lower/);
    for (const s of Object.values(n.sections)) assert.ok(s.split(/(?<=[.!?])\s+/).length <= 5, s);
  });

  it('handles missing pieces with a sentence and rejects bad input', () => {
    for (const audience of AUDIENCES) {
      const n = narrate({ audience, prediction: { label: 'approved', probability: 0.66 } });
      assert.doesNotMatch(n.text, /undefined|NaN|null/, audience);
      assert.ok(n.sections.whatIf.length > 10 && n.sections.why.length > 10, audience);
      assert.deepEqual(n.numbers, { probability: 0.66 });
      const none = narrate({ ...base(audience), counterfactuals: { ...cf, counterfactuals: [], metrics: { ...cf.metrics, validity: 0, proximity: NaN, sparsity: NaN }, reason: 'No counterfactual reached probability ≥ 0.5 within 400 model evaluations.' } });
      assert.doesNotMatch(none.text, /undefined|NaN/, audience);
    }
    assert.match(narrate({ audience: 'end-user', prediction: { label: 'approved', probability: 0.66 } }).sections.whatIf, /did not check/);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as TransferkitError).code;
      }
      return 'none';
    };
    assert.equal(code(() => narrate({ ...base('technical'), audience: 'press' as Audience })), 'BAD_OPTION');
    assert.equal(code(() => narrate({ ...base('technical'), prediction: { label: 'x', probability: 1.5 } })), 'BAD_OPTION');
    assert.equal(code(() => narrate({ ...base('technical'), attributions: { ...base('technical').attributions!, values: [1] } })), 'BAD_OPTION');
  });
});
