/**
 * Golden values: Fairlearn's documented example arrays and the values its documentation prints
 * for them (test/fixtures/fairlearn/common-example.json says where each comes from). Printed
 * values carry 6 significant digits, so they are compared to within 1e-6.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { auditOutcomes } from '../../src/audit/audit-outcomes.ts';
import {
  ACCURACY,
  binarize,
  COUNT,
  demographicParityDifference,
  demographicParityRatio,
  equalizedOddsDifference,
  equalizedOddsRatio,
  FALSE_POSITIVE_RATE,
  MetricFrame,
  PRECISION,
  SELECTION_RATE,
  TRUE_POSITIVE_RATE,
  type MetricInput,
} from '../../src/measures/fairness/index.ts';

const fx = JSON.parse(readFileSync(new URL('../fixtures/fairlearn/common-example.json', import.meta.url), 'utf8'));
const near = (actual: number, expected: number, tol = 1e-6) => assert.ok(Math.abs(actual - expected) <= tol, `${actual} ≉ ${expected} (published)`);
const outcomes = binarize(fx.y_true, fx.y_pred, 1);
// the names Fairlearn's guide gives its metrics
const metrics: Record<string, MetricInput> = { tpr: TRUE_POSITIVE_RATE, fpr: FALSE_POSITIVE_RATE, sel: SELECTION_RATE, count: COUNT };

describe("Fairlearn's MetricFrame example (perform_fairness_assessment.rst)", () => {
  const mf = new MetricFrame({ metrics, outcomes, sensitive: { sensitive_feature_0: fx.sf_data } });
  const pub = fx.metric_frame;

  it('overall and by_group', () => {
    for (const [k, v] of Object.entries(pub.overall)) near(mf.overall[k], v as number);
    assert.deepEqual(mf.byGroup.map((r) => r.group), ['a', 'b', 'c']);
    for (const r of mf.byGroup) for (const [k, v] of Object.entries(pub.by_group[r.group])) near(r.values[k], v as number);
  });

  it('group_min, group_max, difference and ratio (between_groups and to_overall)', () => {
    for (const k of Object.keys(metrics)) {
      near(mf.groupMin(k), pub.group_min[k]);
      near(mf.groupMax(k), pub.group_max[k]);
      near(mf.difference(k), pub.difference[k]);
      near(mf.ratio(k), pub.ratio[k]);
      near(mf.difference(k, 'to_overall'), pub.difference_to_overall[k]);
      near(mf.ratio(k, 'to_overall'), pub.ratio_to_overall[k]);
    }
  });
});

describe("Fairlearn's predefined measures (common_fairness_metrics.rst)", () => {
  const mf = new MetricFrame({ metrics: [SELECTION_RATE, TRUE_POSITIVE_RATE, FALSE_POSITIVE_RATE], outcomes, sensitive: { sf: fx.sf_data } });
  it('demographic parity difference 0.25 and ratio 0.66666…', () => {
    near(demographicParityDifference(mf), fx.demographic_parity_difference);
    near(demographicParityRatio(mf), 2 / 3, 1e-12);
    assert.ok(String(demographicParityRatio(mf)).startsWith(String(fx.demographic_parity_ratio)));
  });
  it('equalized odds difference 1.0 and ratio 0.0', () => {
    near(equalizedOddsDifference(mf), fx.equalized_odds_difference);
    near(equalizedOddsRatio(mf), fx.equalized_odds_ratio);
  });
  it('the audit reports the same values', () => {
    const r = auditOutcomes({ yTrue: fx.y_true.map(String), yPred: fx.y_pred.map(String), sensitive: { sf: fx.sf_data }, bootstrap: 0 });
    assert.equal(r.positive, '1');
    near(r.measures.demographic_parity_difference.value!, 0.25);
    near(r.measures.equalized_odds_difference.value!, 1);
    near(r.measures.equalized_odds_ratio.value!, 0);
    assert.equal(r.bootstrap, null);
    assert.equal(r.measures.demographic_parity_difference.low, null);
  });
});

describe("Fairlearn's intersecting groups (intersecting_groups.rst)", () => {
  it('precision, recall and count by the intersection of sf_data and g_2', () => {
    const mf = new MetricFrame({ metrics: { precision: PRECISION, recall: TRUE_POSITIVE_RATE, count: COUNT }, outcomes, sensitive: { 'SF 0': fx.sf_data, 'SF 1': fx.g_2 } });
    const pub = fx.intersections_sf_data_g_2;
    for (const [k, v] of Object.entries(pub.overall)) near(mf.overall[k], v as number);
    assert.deepEqual(mf.byGroup.map((r) => r.group), Object.keys(pub.by_group));
    for (const r of mf.byGroup) for (const [k, v] of Object.entries(pub.by_group[r.group])) near(r.values[k], v as number);
    // "a & 6" = rows 8 (y 1, ŷ 0) and 11 (y 0, ŷ 1): precision 0/1 and recall 0/1, both defined
    assert.deepEqual(mf.undefinedIn('precision'), []);
  });
});

describe("Fairlearn's MetricFrame docstring example", () => {
  it('accuracy and selection rate by sex', () => {
    const d = fx.metric_frame_docstring;
    const mf = new MetricFrame({ metrics: [ACCURACY, SELECTION_RATE], outcomes: binarize(d.y_true, d.y_pred, 1), sensitive: { sex: d.sex } });
    for (const r of mf.byGroup) for (const [k, v] of Object.entries(d.by_group[r.group])) near(r.values[k], v as number);
    near(mf.difference('accuracy'), d.difference.accuracy);
    near(mf.difference('selection_rate'), d.difference.selection_rate);
    near(mf.ratio('selection_rate'), d.ratio.selection_rate);
    near(mf.groupMax('selection_rate'), d.group_max.selection_rate);
  });
});
