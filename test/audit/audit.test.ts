/**
 * The audit workflow on predictions: choices (positive class, privileged group, threshold),
 * warnings for small groups and groups without positives, errors, and the model-card JSON.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { auditCard, auditOutcomes, auditPredictions } from '../../src/audit/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'tk-audit-'));

// hand-computed (see test/audit/metric-frame.test.ts): sex f SR 0.5, m SR 0.75; TPR f 0.5, m 1
const rows = [
  { y_true: 1, y_pred: 1, sex: 'f', score: 0.8 },
  { y_true: 0, y_pred: 1, sex: 'f', score: 0.6 },
  { y_true: 1, y_pred: 0, sex: 'f', score: 0.4 },
  { y_true: 0, y_pred: 0, sex: 'f', score: 0.2 },
  { y_true: 1, y_pred: 1, sex: 'm', score: 0.9 },
  { y_true: 1, y_pred: 1, sex: 'm', score: 0.95 },
  { y_true: 0, y_pred: 0, sex: 'm', score: 0.1 },
  { y_true: 0, y_pred: 1, sex: 'm', score: 0.55 },
];

describe('auditPredictions', () => {
  it('reports the hand-computed table and measures, with the positive class and privileged group it chose', async () => {
    const r = await auditPredictions({ rows, sensitive: ['sex'], bootstrap: 200 });
    assert.equal(r.positive, '1');
    assert.equal(r.positiveChosen, 'default');
    assert.equal(r.privileged, 'm');
    assert.equal(r.privilegedChosen, 'most favourable selection rate');
    assert.deepEqual(r.groups.map((g) => [g.name, g.count, g.values.selection_rate, g.values.tpr, g.privileged]), [
      ['sex=f', 4, 0.5, 0.5, false],
      ['sex=m', 4, 0.75, 1, true],
    ]);
    assert.equal(r.measures.demographic_parity_difference.value, 0.25);
    assert.ok(Math.abs(r.measures.disparate_impact.value! - 2 / 3) < 1e-12);
    assert.equal(r.measures.statistical_parity_difference.value, -0.25);
    assert.equal(r.measures.disparate_impact.flagged, true, '2/3 < 0.8: four-fifths rule');
    assert.deepEqual(r.measures.disparate_impact.compared, { unprivileged: 'f', privileged: 'm' });
    // the score column is picked up: ECE by hand f 0.4, m 0.2
    assert.ok(Math.abs(r.groups[0].values.ece! - 0.4) < 1e-12 && Math.abs(r.groups[1].values.ece! - 0.2) < 1e-12);
    assert.ok(Math.abs(r.measures.ece_difference.value! - 0.2) < 1e-12);
    for (const m of Object.values(r.measures)) if (m.value !== null && m.low !== null) assert.ok(m.low <= m.high!);
    assert.ok(r.flags.some((f) => f.measure === 'disparate_impact' && /sex=f is predicted "1" only 0\.67× as often as sex=m \(50\.0% vs 75\.0%\)/.test(f.message)));
    assert.ok(r.warnings.some((w) => /sex=f has only 4 examples/.test(w)));
    assert.ok(r.definitions.disparate_impact.includes('SR_u / SR_p'));
  });

  it('uses the privileged group, positive class and threshold it is given', async () => {
    // threshold 0.7 on the scores: f predicts [1,0,0,0] (SR 0.25), m [1,1,0,0] (SR 0.5)
    const r = await auditPredictions({ rows, sensitive: ['sex'], positive: '1', privileged: 'f', threshold: 0.7, bootstrap: 0 });
    assert.equal(r.privilegedChosen, 'given');
    assert.deepEqual(r.groups.map((g) => g.values.selection_rate), [0.25, 0.5]);
    assert.equal(r.measures.disparate_impact.value, 2);
    assert.equal(r.measures.statistical_parity_difference.value, 0.25);
    assert.equal(r.measures.disparate_impact.flagged, true, '2 > 1.25');
  });

  it('reads a CSV file with other column names, and leaves out rows with missing values', async () => {
    const file = join(dir, 'preds.csv');
    writeFileSync(file, 'label,pred,grp\nyes,yes,a\nno,yes,a\nyes,no,b\nno,no,b\n,no,b\nyes,yes,\n');
    const r = await auditPredictions({ file, sensitive: ['grp'], yTrue: 'label', yPred: 'pred', bootstrap: 0 });
    assert.equal(r.positive, 'yes');
    assert.equal(r.size, 4);
    assert.equal(r.excluded, 2);
    assert.deepEqual(r.groups.map((g) => g.values.selection_rate), [1, 0]);
    assert.ok(r.warnings.some((w) => /2 rows left out/.test(w)));
  });

  it('says clearly when a group has no actual positives, and when a measure is undefined because of it', async () => {
    const noPos = [
      { y_true: 1, y_pred: 1, g: 'a' }, { y_true: 0, y_pred: 0, g: 'a' },
      { y_true: 1, y_pred: 0, g: 'b' }, { y_true: 0, y_pred: 0, g: 'b' },
      { y_true: 0, y_pred: 1, g: 'c' }, { y_true: 0, y_pred: 0, g: 'c' },
    ];
    const r = await auditPredictions({ rows: noPos, sensitive: ['g'], positive: '1', bootstrap: 100 });
    assert.equal(r.groups[2].values.tpr, null);
    assert.ok(r.warnings.some((w) => /Group g=c has no actual positives \(no example whose true class is "1"\): its true and false negative rates are undefined/.test(w)));
    // TPR a = 1, b = 0: still defined over the two groups that have positives
    assert.equal(r.measures.equal_opportunity_difference.value, 1);
    // only one group with positives: undefined, and why
    const one = await auditPredictions({ rows: noPos.filter((x) => x.g !== 'b'), sensitive: ['g'], positive: '1', bootstrap: 0 });
    assert.equal(one.measures.equal_opportunity_difference.value, null);
    assert.match(one.measures.equal_opportunity_difference.undefinedBecause!, /only 1 group has actual positives \(g=c has none\)/);
    assert.ok(one.warnings.some((w) => /equal opportunity difference is undefined/.test(w)));
  });

  it('leaves disparate impact undefined, and says why, when the privileged group is never selected', async () => {
    const zero = [{ y_true: 1, y_pred: 0, g: 'a' }, { y_true: 0, y_pred: 0, g: 'a' }, { y_true: 1, y_pred: 1, g: 'b' }, { y_true: 0, y_pred: 0, g: 'b' }];
    const r = await auditPredictions({ rows: zero, sensitive: ['g'], positive: '1', privileged: 'a', bootstrap: 0 });
    assert.equal(r.measures.disparate_impact.value, null);
    assert.equal(r.measures.disparate_impact.flagged, false);
    assert.match(r.measures.disparate_impact.undefinedBecause!, /privileged group g=a has selection rate 0/);
    assert.equal(r.measures.statistical_parity_difference.value, 0.5);
  });

  it('audits a multi-class problem one-vs-rest for the positive class it is told', async () => {
    const mc = [
      { y_true: 'cat', y_pred: 'cat', g: 'a' }, { y_true: 'dog', y_pred: 'cat', g: 'a' },
      { y_true: 'bird', y_pred: 'bird', g: 'b' }, { y_true: 'cat', y_pred: 'dog', g: 'b' },
    ];
    await assert.rejects(auditPredictions({ rows: mc, sensitive: ['g'] }), (e: Error & { code?: string }) => e.code === 'MISSING_OPTION' && /3 classes \(bird, cat, dog\)/.test(e.message));
    const r = await auditPredictions({ rows: mc, sensitive: ['g'], positive: 'cat', bootstrap: 0 });
    assert.equal(r.oneVsRest, true);
    assert.deepEqual(r.groups.map((g) => g.values.selection_rate), [1, 0]);
    assert.ok(r.warnings.some((w) => /one-vs-rest, "cat" against the other 2 \(bird, dog\)/.test(w)));
  });

  it('audits intersections of several sensitive columns', async () => {
    const race = ['a', 'a', 'b', 'b', 'a', 'a', 'b', 'b'];
    const r = await auditPredictions({ rows: rows.map((x, i) => ({ ...x, race: race[i] })), sensitive: ['sex', 'race'], privileged: 'sex=m,race=a', bootstrap: 0 });
    assert.deepEqual(r.groups.map((g) => g.name), ['sex=f & race=a', 'sex=f & race=b', 'sex=m & race=a', 'sex=m & race=b']);
    assert.equal(r.privileged, 'm & a');
    // SR: f&a 1, f&b 0, m&a 1, m&b 0.5 → farthest from 1 against m&a is f&b (ratio 0)
    assert.deepEqual(r.measures.disparate_impact.compared, { unprivileged: 'f & b', privileged: 'm & a' });
    assert.equal(r.measures.disparate_impact.value, 0);
  });

  it('names what is wrong: a missing column, a missing y_true, an unknown privileged group', async () => {
    await assert.rejects(auditPredictions({ rows, sensitive: ['race'] }), (e: Error & { code?: string }) => e.code === 'MISSING_COLUMN' && /"race" is not in rows; its columns are: y_true, y_pred, sex, score/.test(e.message));
    await assert.rejects(auditPredictions({ rows: rows.map(({ y_true: _, ...x }) => x), sensitive: ['sex'] }), (e: Error & { code?: string }) => e.code === 'MISSING_COLUMN' && /no true-class column/.test(e.message));
    await assert.rejects(auditPredictions({ rows, sensitive: ['sex'], privileged: 'x' }), (e: Error & { code?: string; hint?: string }) => e.code === 'BAD_OPTION' && /f; m/.test(e.hint!));
    await assert.rejects(auditPredictions({ rows, sensitive: ['sex'], positive: 'maybe' }), { code: 'UNKNOWN_CLASS' });
    await assert.rejects(auditPredictions({ rows: rows.map((x) => ({ ...x, sex: 'f' })), sensitive: ['sex'] }), { code: 'TOO_FEW_EXAMPLES' });
    await assert.rejects(auditPredictions({ rows: rows.map(({ score: _, ...x }) => x), sensitive: ['sex'], threshold: 0.5 }), { code: 'BAD_OPTION' });
  });
});

describe('auditCard', () => {
  it('is the plain JSON a model card embeds, with nulls for undefined values', () => {
    const r = auditOutcomes({ yTrue: ['1', '0', '0', '0'], yPred: ['1', '0', '1', '0'], sensitive: { g: ['a', 'a', 'b', 'b'] }, bootstrap: 20 });
    const card = auditCard(r);
    assert.deepEqual(Object.keys(card), ['sensitive', 'positive', 'privileged', 'groups', 'measures', 'flags', 'warnings']);
    assert.deepEqual(card.groups.map((g) => [g.group, g.count, g.tpr]), [['g=a', 2, 1], ['g=b', 2, null]]);
    assert.deepEqual(Object.keys(card.measures.demographic_parity_difference), ['value', 'low', 'high']);
    assert.equal(JSON.parse(JSON.stringify(card)).groups[1].tpr, null);
    assert.ok(card.flags.every((f) => typeof f === 'string'));
  });
});
