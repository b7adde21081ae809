import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { encodeGroups, groupRates } from '../../src/audit/mitigate/groups.ts';
import { fitThresholdOptimizer, type FairnessConstraint } from '../../src/audit/mitigate/threshold.ts';

interface Fixture {
  scores: number[];
  labels: number[];
  groups: string[];
  cases: Array<{ constraint: FairnessConstraint; objective: 'accuracy_score' | 'balanced_accuracy_score'; positiveProbability: number[] }>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/mitigate/threshold-optimizer.json', import.meta.url), 'utf8')) as Fixture;

for (const c of fixture.cases) {
  test(`threshold optimisation matches Fairlearn's ThresholdOptimizer: ${c.constraint}, ${c.objective}`, () => {
    const { scores, labels, groups } = fixture;
    const objective = c.objective === 'accuracy_score' ? 'accuracy' : 'balanced_accuracy';
    const opt = fitThresholdOptimizer(scores, labels, groups, { constraint: c.constraint, objective });
    const mine = opt.predictProbability(scores, groups);
    const theirs = c.positiveProbability;
    const n = labels.length;
    const P = labels.reduce((s, v) => s + v, 0);
    const value = (p: ArrayLike<number>) => {
      let tp = 0;
      let fp = 0;
      for (let i = 0; i < n; i++) (labels[i] ? (tp += p[i]) : (fp += p[i]));
      return objective === 'accuracy' ? (tp + (n - P) - fp) / n : 0.5 * (tp / P) + 0.5 * (1 - fp / (n - P));
    };
    // exact vertices vs Fairlearn's grid of 1001 operating points: never worse, and within the grid's resolution
    assert.ok(value(mine) >= value(theirs) - 1e-12, `objective ${value(mine)} < Fairlearn's ${value(theirs)}`);
    assert.ok(value(mine) - value(theirs) < 2e-4, `objective ${value(mine)} vs Fairlearn's ${value(theirs)}`);
    const g = encodeGroups(groups);
    const rm = groupRates(mine, labels, g);
    const rt = groupRates(theirs, labels, g);
    const rates = c.constraint === 'demographic_parity' ? (['selectionRate'] as const) : (['truePositiveRate', 'falsePositiveRate'] as const);
    for (const r of rates) {
      rm[r].forEach((v, a) => assert.ok(Math.abs(v - rt[r][a]) < 1e-3, `${r} of ${g.names[a]}: ${v} vs ${rt[r][a]}`));
    }
    // row by row: the same rule, up to how the grid point splits a tie block
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(mine[i] - theirs[i]));
    assert.ok(worst < (c.constraint === 'demographic_parity' ? 0.05 : 0.01), `largest per-row difference ${worst}`);
  });
}
