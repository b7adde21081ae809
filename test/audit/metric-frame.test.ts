/**
 * The MetricFrame core and the fairness measures on a tiny example worked out by hand.
 *
 * Rows (y = true class, ŷ = prediction, s = score):
 *
 *   i  y  ŷ  sex race  s
 *   0  1  1  f   a     0.80   TP
 *   1  0  1  f   a     0.60   FP
 *   2  1  0  f   b     0.40   FN
 *   3  0  0  f   b     0.20   TN
 *   4  1  1  m   a     0.90   TP
 *   5  1  1  m   a     0.95   TP
 *   6  0  0  m   b     0.10   TN
 *   7  0  1  m   b     0.55   FP
 *
 * By sex:  f: TP 1 FP 1 FN 1 TN 1 → n 4, SR 2/4, acc 2/4, TPR 1/2, FPR 1/2, FNR 1/2, TNR 1/2, precision 1/2
 *          m: TP 2 FP 1 FN 0 TN 1 → n 4, SR 3/4, acc 3/4, TPR 2/2, FPR 1/2, FNR 0,   TNR 1/2, precision 2/3
 *   DP difference 0.75 − 0.5 = 0.25, DP ratio 0.5/0.75 = 2/3, TPR difference 0.5, FPR difference 0,
 *   EO difference max(0.5, 0) = 0.5, EO ratio min(0.5/1, 0.5/0.5) = 0.5;
 *   privileged m: disparate impact 0.5/0.75 = 2/3 (< 0.8: flagged), SPD 0.5 − 0.75 = −0.25.
 * Calibration: f mean score 0.5; ECE: one score per bin, |0.8−1| + |0.6−0| + |0.4−1| + |0.2−0| = 1.6, /4 = 0.4.
 *   m mean score 2.5/4 = 0.625; ECE: bin 9 {0.9, 0.95} mean 0.925 vs 1 → 0.075·2/4 = 0.0375,
 *   bin 1 {0.1} vs 0 → 0.1/4 = 0.025, bin 5 {0.55} vs 0 → 0.55/4 = 0.1375; total 0.2.
 * By sex & race (intersections):
 *   f & a: TP, FP → SR 1, TPR 1, FPR 1, precision 1/2
 *   f & b: FN, TN → SR 0, TPR 0, FPR 0, precision undefined (nothing predicted positive)
 *   m & a: TP, TP → SR 1, TPR 1, FPR undefined (no actual negatives)
 *   m & b: TN, FP → SR 1/2, TPR undefined (no actual positives), FPR 1/2
 *   DP difference 1 − 0 = 1, DP ratio 0; TPR difference over defined groups 1 − 0 = 1.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  binarize,
  demographicParityDifference,
  demographicParityRatio,
  equalizedOddsDifference,
  equalizedOddsRatio,
  equalOpportunityDifference,
  groupBy,
  findGroup,
  MetricFrame,
  privilegedComparison,
  quantile,
  SCORE_METRICS,
  SELECTION_RATE,
  STANDARD_METRICS,
  stratifiedBootstrap,
} from '../../src/measures/fairness/index.ts';

const y = [1, 0, 1, 0, 1, 1, 0, 0];
const yHat = [1, 1, 0, 0, 1, 1, 0, 1];
const sex = ['f', 'f', 'f', 'f', 'm', 'm', 'm', 'm'];
const race = ['a', 'a', 'b', 'b', 'a', 'a', 'b', 'b'];
const score = [0.8, 0.6, 0.4, 0.2, 0.9, 0.95, 0.1, 0.55];
const outcomes = binarize(y, yHat, 1, score);
const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} ≉ ${b}`);

describe('MetricFrame on a hand-computed example', () => {
  const mf = new MetricFrame({ metrics: [...STANDARD_METRICS, ...SCORE_METRICS], outcomes, sensitive: { sex } });

  it('matches the per-group table worked out by hand', () => {
    const expected = {
      f: { count: 4, base_rate: 0.5, selection_rate: 0.5, accuracy: 0.5, tpr: 0.5, fpr: 0.5, fnr: 0.5, tnr: 0.5, precision: 0.5, mean_score: 0.5, ece: 0.4 },
      m: { count: 4, base_rate: 0.5, selection_rate: 0.75, accuracy: 0.75, tpr: 1, fpr: 0.5, fnr: 0, tnr: 0.5, precision: 2 / 3, mean_score: 0.625, ece: 0.2 },
    };
    assert.deepEqual(mf.byGroup.map((r) => r.group), ['f', 'm']);
    for (const row of mf.byGroup) for (const [k, v] of Object.entries(expected[row.group as 'f' | 'm'])) close(row.values[k], v);
    close(mf.overall.selection_rate, 5 / 8);
    close(mf.overall.tpr, 3 / 4);
    close(mf.overall.count, 8);
  });

  it('aggregates: min, max, difference and ratio, between groups and to overall', () => {
    close(mf.groupMin('selection_rate'), 0.5);
    close(mf.groupMax('selection_rate'), 0.75);
    assert.equal(mf.argMax('selection_rate'), 'm');
    close(mf.difference('selection_rate'), 0.25);
    close(mf.ratio('selection_rate'), 2 / 3);
    // to overall: |0.5 − 0.625| = |0.75 − 0.625| = 0.125; ratios 0.8 and 1/1.2
    close(mf.difference('selection_rate', 'to_overall'), 0.125);
    close(mf.ratio('selection_rate', 'to_overall'), 0.8);
  });

  it('gives the named fairness measures', () => {
    close(demographicParityDifference(mf), 0.25);
    close(demographicParityRatio(mf), 2 / 3);
    close(equalOpportunityDifference(mf), 0.5);
    close(equalizedOddsDifference(mf), 0.5);
    close(equalizedOddsRatio(mf), 0.5);
    const c = privilegedComparison(mf, 'm');
    assert.equal(c.unprivileged, 'f');
    close(c.disparateImpact, 2 / 3);
    close(c.statisticalParityDifference, -0.25);
  });

  it('accepts any metric function', () => {
    const positives = new MetricFrame({ metrics: { positives: (o, rows) => Array.from(rows).filter((i) => o.yTrue[i]).length }, outcomes, sensitive: { sex } });
    assert.deepEqual(positives.byGroup.map((r) => r.values.positives), [2, 2]);
    assert.equal(positives.difference('positives'), 0);
  });
});

describe('intersections and undefined rates', () => {
  const mf = new MetricFrame({ metrics: STANDARD_METRICS, outcomes, sensitive: { sex, race } });

  it('groups by tuples, labelled "f & a"', () => {
    assert.deepEqual(mf.byGroup.map((r) => r.group), ['f & a', 'f & b', 'm & a', 'm & b']);
    assert.deepEqual(mf.byGroup.map((r) => r.values.selection_rate), [1, 0, 1, 0.5]);
    assert.equal(findGroup(mf.grouping, 'sex=m,race=b')?.label, 'm & b');
    assert.equal(findGroup(mf.grouping, 'm & b')?.label, 'm & b');
    assert.equal(findGroup(mf.grouping, 'sex=x,race=b'), undefined);
  });

  it('reports NaN where a rate has no denominator, and the aggregates skip it', () => {
    assert.ok(Number.isNaN(mf.value('tpr', 'm & b')), 'no actual positives: TPR undefined');
    assert.ok(Number.isNaN(mf.value('fpr', 'm & a')), 'no actual negatives: FPR undefined');
    assert.ok(Number.isNaN(mf.value('precision', 'f & b')), 'nothing predicted positive: precision undefined');
    assert.deepEqual(mf.undefinedIn('tpr'), ['m & b']);
    close(mf.difference('tpr'), 1);
    close(demographicParityDifference(mf), 1);
    close(demographicParityRatio(mf), 0);
  });

  it('is NaN with fewer than two defined groups', () => {
    const one = new MetricFrame({ metrics: STANDARD_METRICS, outcomes: binarize([1, 0, 0, 0], [1, 0, 1, 0], 1), sensitive: { g: ['a', 'a', 'b', 'b'] } });
    assert.ok(Number.isNaN(one.value('tpr', 'b')));
    assert.ok(Number.isNaN(equalOpportunityDifference(one)));
    close(equalizedOddsDifference(one), 0.5, 1e-12); // FPR 0 (a) vs 1/2 (b) still defined
  });

  it('sorts numeric group values naturally', () => {
    assert.deepEqual(groupBy({ age: ['10', '9', '100', '9'] }).groups.map((g) => g.label), ['9', '10', '100']);
  });
});

describe('stratified bootstrap', () => {
  const grouping = groupBy({ sex });

  it('keeps every group its size and draws only from its own rows', () => {
    const member = new Map(grouping.groups.flatMap((g) => Array.from(g.rows, (i) => [i, g.label] as const)));
    const ci = stratifiedBootstrap(
      grouping,
      (g) => ({
        sizeF: g.groups[0].rows.length,
        own: g.groups.every((x) => Array.from(x.rows).every((i) => member.get(i) === x.label)) ? 1 : 0,
      }),
      { resamples: 200, seed: 3 },
    );
    assert.deepEqual(ci.sizeF, { low: 4, high: 4, defined: 200 });
    assert.deepEqual(ci.own, { low: 1, high: 1, defined: 200 });
  });

  it('is repeatable with a seed, differs with another, and brackets the estimate', () => {
    const stat = (g: typeof grouping) => ({ dp: new MetricFrame({ metrics: [SELECTION_RATE], outcomes, grouping: g }).difference('selection_rate') });
    const a = stratifiedBootstrap(grouping, stat, { resamples: 300, seed: 1 });
    const b = stratifiedBootstrap(grouping, stat, { resamples: 300, seed: 1 });
    const c = stratifiedBootstrap(grouping, stat, { resamples: 300, seed: 2 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.ok(a.dp.low <= 0.25 && 0.25 <= a.dp.high && a.dp.low >= 0 && a.dp.high <= 1);
  });

  it('gives a zero-width interval when no resample can change the statistic', () => {
    const all = binarize([1, 0, 1, 0], [1, 1, 1, 1], 1);
    const g = groupBy({ s: ['a', 'a', 'b', 'b'] });
    const ci = stratifiedBootstrap(g, (r) => ({ dp: new MetricFrame({ metrics: [SELECTION_RATE], outcomes: all, grouping: r }).difference('selection_rate') }), { resamples: 50 });
    assert.deepEqual(ci.dp, { low: 0, high: 0, defined: 50 });
  });

  it('quantile interpolates like numpy.percentile', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    close(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.025), 1.225);
    close(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.975), 9.775);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });
});

describe('binarize', () => {
  it('is one-vs-rest for the positive class', () => {
    const o = binarize(['a', 'b', 'c', 'a'], ['a', 'a', 'c', 'b'], 'a');
    assert.deepEqual(Array.from(o.yTrue), [1, 0, 0, 1]);
    assert.deepEqual(Array.from(o.yPred), [1, 1, 0, 0]);
  });
  it('refuses arrays of different lengths and scores that are not probabilities', () => {
    assert.throws(() => binarize([1, 0], [1], 1), { code: 'LABEL_COUNT' });
    assert.throws(() => binarize([1, 0], [1, 0], 1, [0.5, 1.5]), { code: 'NOT_PROBABILITIES' });
  });
});
