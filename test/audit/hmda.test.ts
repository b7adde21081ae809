/**
 * Real data with a sensitive attribute: the Boston HMDA mortgage decisions (builtin:hmda,
 * datasets/hmda/hmda.csv), grouped by afam (applicant is African-American). Every expected
 * number is counted in this file straight from the CSV text.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { auditModel, auditPredictions } from '../../src/audit/index.ts';
import { loadDataset } from '../../src/data/load.ts';
import { predictDataset } from '../../src/models/predict.ts';
import { fit, type FitResult } from '../../src/transfer/fit.ts';

const CSV = fileURLToPath(new URL('../../datasets/hmda/hmda.csv', import.meta.url));
const [header, ...lines] = readFileSync(CSV, 'utf8').trim().split('\n');
const cols = header.split(',');
const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, j) => [cols[j], v])));
const count = (pred: (r: Record<string, string>) => boolean) => rows.filter(pred).length;

describe('builtin:hmda', () => {
  it('is the 2,380 applications of AER::HMDA, label deny', async () => {
    assert.equal(rows.length, 2380);
    assert.deepEqual(cols, ['deny', 'pirat', 'hirat', 'lvrat', 'chist', 'mhist', 'phist', 'unemp', 'selfemp', 'insurance', 'condomin', 'afam', 'single', 'hschool']);
    const ds = await loadDataset('builtin:hmda');
    assert.equal(ds.size, 2380);
    assert.deepEqual(ds.classes, ['no', 'yes']);
    assert.equal(Array.from(ds.labels).filter((l) => l === 1).length, count((r) => r.deny === 'yes'));
    assert.equal(count((r) => r.deny === 'yes'), 285);
  });
});

describe('auditing HMDA by afam', () => {
  // denial counts by afam, from the CSV: yes 96 of 339, no 189 of 2041
  const n = { yes: count((r) => r.afam === 'yes'), no: count((r) => r.afam === 'no') };
  const denied = { yes: count((r) => r.afam === 'yes' && r.deny === 'yes'), no: count((r) => r.afam === 'no' && r.deny === 'yes') };

  it('the recorded decisions: denial rates by group, disparate impact and parity differences', async () => {
    assert.deepEqual([n.yes, denied.yes, n.no, denied.no], [339, 96, 2041, 189]);
    // the lenders' decisions audited as "predictions" of themselves
    const r = await auditPredictions({ rows: rows.map((x) => ({ y_true: x.deny, y_pred: x.deny, afam: x.afam })), sensitive: ['afam'], positive: 'yes', privileged: 'no', outcome: 'adverse', bootstrap: 1000, seed: 1 });
    const g = Object.fromEntries(r.groups.map((x) => [x.group, x]));
    assert.equal(g.yes.count, 339);
    assert.equal(g.no.count, 2041);
    assert.equal(g.yes.values.selection_rate, 96 / 339);
    assert.equal(g.no.values.selection_rate, 189 / 2041);
    const di = 96 / 339 / (189 / 2041);
    assert.ok(Math.abs(r.measures.disparate_impact.value! - di) < 1e-12, `disparate impact ${di}`);
    assert.ok(Math.abs(r.measures.statistical_parity_difference.value! - (96 / 339 - 189 / 2041)) < 1e-12);
    assert.ok(Math.abs(r.measures.demographic_parity_difference.value! - (96 / 339 - 189 / 2041)) < 1e-12);
    const m = r.measures.disparate_impact;
    assert.ok(m.low! < di && di < m.high! && m.low! > 1.25, `interval ${m.low}–${m.high} holds the estimate and lies above 1.25`);
    assert.ok(r.flags.some((f) => /afam=yes is predicted "yes" 3\.06× as often as afam=no \(28\.3% vs 9\.3%\)/.test(f.message)));
  });

  it('a simple rule: groups, selection rates and TPRs match counts made from the CSV', async () => {
    // deny when payments exceed 40% of income or mortgage insurance was denied
    const rule = (x: Record<string, string>) => Number(x.pirat) > 0.4 || x.insurance === 'yes';
    const preds = rows.map((x) => ({ y_true: x.deny, y_pred: rule(x) ? 'yes' : 'no', afam: x.afam, single: x.single }));
    const r = await auditPredictions({ rows: preds, sensitive: ['afam', 'single'], positive: 'yes', privileged: 'afam=no,single=no', bootstrap: 200 });
    for (const grp of r.groups) {
      const inG = (x: Record<string, string>) => x.afam === grp.key.afam && x.single === grp.key.single;
      assert.equal(grp.count, count(inG));
      assert.equal(grp.values.selection_rate, count((x) => inG(x) && rule(x)) / count(inG));
      assert.equal(grp.values.tpr, count((x) => inG(x) && rule(x) && x.deny === 'yes') / count((x) => inG(x) && x.deny === 'yes'));
    }
    assert.equal(r.groups.length, 4);
    assert.equal(r.groups.reduce((s, x) => s + x.count, 0), 2380);
  });

  describe('a logistic model trained with fit', () => {
    let res: FitResult;
    after(() => res?.model.dispose());

    it('auditModel reads afam from the raw CSV and lines it up with the predictions', async () => {
      res = await fit({ strategy: 'scratch', arch: 'logistic', train: 'builtin:hmda', epochs: 5, seed: 1, valFraction: 0 });
      const r = await auditModel({ model: res.model, data: CSV, label: 'deny', sensitive: ['afam'], positive: 'yes', privileged: 'no', outcome: 'adverse', bootstrap: 300 });
      // the same predictions, made and counted here by row
      const p = await predictDataset({ model: res.model, data: CSV, label: 'deny' });
      const predYes = (a: string) => p.predictions.filter((x) => rows[x.index].afam === a && x.label === 'yes').length;
      const g = Object.fromEntries(r.groups.map((x) => [x.group, x]));
      assert.equal(r.size, 2380);
      assert.equal(g.yes.count, 339);
      assert.equal(g.yes.values.base_rate, 96 / 339);
      assert.equal(g.no.values.base_rate, 189 / 2041);
      assert.equal(g.yes.values.selection_rate, predYes('yes') / 339);
      assert.equal(g.no.values.selection_rate, predYes('no') / 2041);
      assert.ok(predYes('yes') > 0 && predYes('no') > 0, 'the model denies some applicants of both groups');
      assert.ok(Math.abs(r.measures.disparate_impact.value! - predYes('yes') / 339 / (predYes('no') / 2041)) < 1e-12);
      assert.ok(g.yes.values.mean_score !== null && g.yes.values.ece !== null, 'scores are the model probabilities of "yes"');
      assert.equal(r.label, 'deny');
      assert.ok(r.flags.some((f) => f.message.startsWith('afam=yes is predicted deny=yes')));
    });

    it('names the columns that exist when the sensitive column is missing', async () => {
      await assert.rejects(
        auditModel({ model: res.model, data: 'builtin:hmda', sensitive: ['race'] }),
        (e: Error & { code?: string }) => e.code === 'MISSING_COLUMN' && /"race" is not in builtin:hmda; its columns are: pirat, hirat, .*afam/.test(e.message),
      );
    });
  });
});
