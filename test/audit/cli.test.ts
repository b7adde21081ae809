/**
 * `transferkit audit` from the command line: a model on HMDA (text and --json, --out written),
 * predictions from a file, and the errors a person meets.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fit } from '../../src/transfer/fit.ts';
import { cli, oneJson } from '../cli/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tk-audit-cli-'));
const run = join(dir, 'hmda-run');
const preds = join(dir, 'preds.csv');

before(async () => {
  const res = await fit({ strategy: 'scratch', arch: 'logistic', train: 'builtin:hmda', epochs: 5, seed: 1, valFraction: 0, out: run });
  res.model.dispose();
  writeFileSync(preds, 'label,pred,group\n1,1,a\n0,1,a\n1,0,a\n0,0,a\n1,1,b\n1,1,b\n0,0,b\n0,1,b\n0,1,c\n0,0,c\n');
});

describe('transferkit audit', () => {
  it('audits a model on HMDA by afam: table, measures, plain-language flags, and --out', async () => {
    const out = join(dir, 'audit.json');
    const { code, stdout, stderr } = await cli('audit', '--model', run, '--data', 'builtin:hmda', '--label', 'deny', '--sensitive', 'afam', '--positive', 'yes', '--privileged', 'no', '--outcome', 'adverse', '--bootstrap', '200', '--out', out);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /positive outcome: deny=yes \(adverse\); privileged group: afam=no/);
    assert.match(stdout, /afam=no \*\s+2041\s+0\.093/);
    assert.match(stdout, /afam=yes\s+339\s+0\.283/);
    assert.match(stdout, /disparate impact\s+\d+\.\d{3}\s+\d+\.\d{3}–\d+\.\d{3}\s+0\.80–1\.25\s+FLAG/);
    assert.match(stdout, /afam=yes is predicted deny=yes [\d.]+× as often as afam=no/);
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(saved.sensitive, ['afam']);
    assert.equal(saved.groups.find((g: { group: string }) => g.group === 'yes').count, 339);
    assert.deepEqual(Object.keys(saved.measures.disparate_impact).slice(0, 3), ['value', 'low', 'high']);
  });

  it('--mitigate threshold: fits on 70%, reports accuracy cost and a demographic parity difference at least halved on the held-out 30%', async () => {
    const { code, stdout, stderr } = await cli('audit', '--model', run, '--data', 'builtin:hmda', '--sensitive', 'afam', '--positive', 'yes', '--bootstrap', '0', '--mitigate', 'threshold', '--json');
    assert.equal(code, 0, stderr);
    const m = oneJson(stdout).mitigation;
    assert.equal(m.method, 'threshold');
    assert.equal(m.constraint, 'demographic_parity');
    assert.equal(m.trainRows + m.testRows, 2380);
    assert.ok(m.after.demographicParityDifference <= 0.5 * m.before.demographicParityDifference, `DP ${m.before.demographicParityDifference} → ${m.after.demographicParityDifference}`);
    assert.ok(Math.abs(m.accuracyCost - (m.before.accuracy - m.after.accuracy)) < 1e-3, 'the accuracy cost is before − after');
    const text = await cli('audit', '--model', run, '--data', 'builtin:hmda', '--sensitive', 'afam', '--positive', 'yes', '--bootstrap', '0', '--mitigate', 'reweigh');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /mitigation: reweigh for demographic parity/);
    assert.match(text.stdout, /accuracy\s+0\.\d{3}\s+0\.\d{3}\s+[−+]0\.\d{3} \(the accuracy cost\)/);
    const two = await cli('audit', '--model', run, '--data', 'builtin:hmda', '--sensitive', 'afam,single', '--mitigate', 'threshold', '--json');
    assert.notEqual(two.code, 0);
    assert.match(oneJson(two.stdout).error.message, /one sensitive column, got 2/);
  });

  it('audits a predictions file with --json, and says which group has no positives', async () => {
    const { code, stdout } = await cli('audit', '--predictions', preds, '--sensitive', 'group', '--y-true', 'label', '--y-pred', 'pred', '--positive', '1', '--bootstrap', '50', '--json');
    assert.equal(code, 0);
    const r = oneJson(stdout);
    assert.deepEqual(r.groups.map((g: { group: string; values: { selection_rate: number } }) => [g.group, g.values.selection_rate]), [['a', 0.5], ['b', 0.75], ['c', 0.5]]);
    assert.equal(r.groups[2].values.tpr, null);
    assert.ok(r.warnings.some((w: string) => /group=c has no actual positives/.test(w)));
    assert.equal(r.measures.equal_opportunity_difference.value, 0.5);
  });

  it('names the columns that exist when the sensitive column is missing (exit 3)', async () => {
    const { code, stderr } = await cli('audit', '--model', run, '--data', 'builtin:hmda', '--label', 'deny', '--sensitive', 'race', '--bootstrap', '0');
    assert.equal(code, 3);
    assert.match(stderr, /error: The sensitive column "race" is not in builtin:hmda; its columns are: pirat, hirat, lvrat, .*afam, single, hschool/);
    assert.match(stderr, /fix:\s+Pass --sensitive with one of/);
  });

  it('refuses a predictions file without y_true, in JSON too (exit 3)', async () => {
    const { code, stdout } = await cli('audit', '--predictions', preds, '--sensitive', 'group', '--json');
    assert.equal(code, 3);
    const { error } = oneJson(stdout);
    assert.equal(error.code, 'MISSING_COLUMN');
    assert.match(error.message, /no true-class column \(looked for "y_true" and "actual"\); its columns are: label, pred, group/);
    assert.match(error.hint, /--y-true <column>/);
  });

  it('refuses --predictions together with --model, and nothing to audit', async () => {
    const both = await cli('audit', '--predictions', preds, '--model', run, '--sensitive', 'group');
    assert.equal(both.code, 3);
    assert.match(both.stderr, /takes neither --model nor --data/);
    const self = await cli('audit', '--predictions', preds, '--sensitive', 'group', '--y-true', 'label', '--y-pred', 'pred', '--out', preds);
    assert.equal(self.code, 3);
    assert.match(self.stderr, /is the input file/);
    assert.match(readFileSync(preds, 'utf8'), /^label,pred,group\n/, 'the input is untouched');
    const none = await cli('audit', '--sensitive', 'group');
    assert.equal(none.code, 3);
    assert.match(none.stderr, /Nothing to audit/);
  });
});
