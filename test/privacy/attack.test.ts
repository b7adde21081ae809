import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attackMetrics, nullAucStdError } from '../../src/privacy/attack-roc.ts';
import { exampleLosses, logitConfidences, offlineLikelihoodScores } from '../../src/privacy/attack-scores.ts';
import { readAttackAuc } from '../../src/privacy/risk-reading.ts';
import { createRng } from '../../src/util/random.ts';
import { TransferkitError } from '../../src/errors.ts';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} ≈ ${b}`);

test('attackMetrics: hand-computed AUC with a tie, advantage and TPR at low FPR', () => {
  const m = attackMetrics([3, 2, 1], [0, 1, -1]);
  close(m.auc, 8.5 / 9); // 3 + 3 + (1 + 0.5 + 1) wins of 9 pairs
  close(m.advantage, 2 / 3); // threshold 2: TPR 2/3, FPR 0
  close(m.balancedAccuracy, 5 / 6);
  close(m.tprAtLowFpr, 2 / 3);
  assert.equal(m.members, 3);
  assert.equal(m.nonMembers, 3);
});

test('attackMetrics: perfect separation, reversed, and all tied', () => {
  const perfect = attackMetrics([5, 6, 7], [1, 2]);
  assert.equal(perfect.auc, 1);
  assert.equal(perfect.advantage, 1);
  assert.equal(perfect.tprAtLowFpr, 1);
  assert.equal(attackMetrics([1, 2], [5, 6, 7]).auc, 0);
  const tied = attackMetrics([1, 1, 1], [1, 1]);
  assert.equal(tied.auc, 0.5);
  assert.equal(tied.advantage, 0);
  assert.equal(tied.tprAtLowFpr, 0, 'the only threshold calls everyone a member: FPR 1');
});

test('attackMetrics: Gaussian scores N(1,1) against N(0,1) give AUC Φ(1/√2) = 0.7602', () => {
  const rng = createRng(3);
  const members = Array.from({ length: 4000 }, () => 1 + rng.normal());
  const non = Array.from({ length: 4000 }, () => rng.normal());
  const m = attackMetrics(members, non);
  assert.ok(Math.abs(m.auc - 0.7602) < 0.02, `AUC ${m.auc}`);
  // the best advantage of two unit Gaussians 1 apart is 2Φ(0.5) − 1 = 0.3829
  assert.ok(Math.abs(m.advantage - 0.3829) < 0.03, `advantage ${m.advantage}`);
  const same = attackMetrics(non.slice(0, 2000), non.slice(2000));
  assert.ok(Math.abs(same.auc - 0.5) < 3 * nullAucStdError(2000, 2000), `AUC ${same.auc}`);
});

test('attackMetrics refuses empty sides and NaN scores', () => {
  assert.throws(() => attackMetrics([], [1]), (e: unknown) => e instanceof TransferkitError && e.code === 'EMPTY_SAMPLE');
  assert.throws(() => attackMetrics([NaN], [1]), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_SCORE');
});

test('nullAucStdError: √((m + n + 1) / (12 m n))', () => {
  close(nullAucStdError(100, 100), Math.sqrt(201 / 120000));
});

test('exampleLosses and logitConfidences from probabilities', () => {
  const probs = [0.9, 0.1, 0.2, 0.8, 1, 0];
  const losses = exampleLosses(probs, [0, 0, 1], 2);
  close(losses[0], -Math.log(0.9));
  close(losses[1], -Math.log(0.2));
  close(losses[2], -Math.log(1e-12), 1e-6); // p = 0 floored
  const phi = logitConfidences([0.7, 0.2, 0.1], [0], 3);
  close(phi[0], Math.log(0.7 / 0.3), 1e-12);
  assert.throws(() => exampleLosses([0.5, 0.5], [2], 2), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_LABEL');
  assert.throws(() => exampleLosses([0.5], [0], 2), (e: unknown) => e instanceof TransferkitError && e.code === 'SHAPE_MISMATCH');
});

test('offlineLikelihoodScores: per-class z-scores, leave-one-out for non-members, global fallback for small classes', () => {
  // class 0 non-members φ = 1, 2, 3, 4 (mean 2.5, sd √(5/3)); class 1 has one non-member (φ = 10)
  const z = offlineLikelihoodScores([5, 4], [0, 1], [1, 2, 3, 4, 10], [0, 0, 0, 0, 1]);
  close(z.members[0], (5 - 2.5) / Math.sqrt(5 / 3));
  // class 1 has < 4 non-members: the Gaussian of all five (mean 4; squares 9 + 4 + 1 + 0 + 36 = 50, sd √12.5)
  close(z.members[1], (4 - 4) / Math.sqrt(12.5));
  // non-member φ = 1 against the other three of class 0 (2, 3, 4: mean 3, sd 1)
  close(z.nonMembers[0], (1 - 3) / 1);
  // the class-1 non-member against all the others (1, 2, 3, 4): the same fallback rule as its members
  close(z.nonMembers[4], (10 - 2.5) / Math.sqrt(5 / 3));
  // a class of exactly 3 non-members is too small for both sides: members fall back to all non-members too
  const three = offlineLikelihoodScores([5], [0], [1, 2, 3, 9], [0, 0, 0, 1]);
  close(three.members[0], (5 - 3.75) / Math.sqrt((7.5625 + 3.0625 + 0.5625 + 27.5625) / 3));
  assert.throws(() => offlineLikelihoodScores([1], [0], [1, 2], [0, 0]), (e: unknown) => e instanceof TransferkitError && e.code === 'TOO_FEW_EXAMPLES');
});

test('readAttackAuc: bands, and chance-level AUCs read as no leak', () => {
  assert.equal(readAttackAuc(0.5, 100, 100).level, 'none');
  assert.equal(readAttackAuc(0.62, 20, 20).level, 'none', '0.62 is within chance for 20 + 20');
  assert.equal(readAttackAuc(0.57, 2000, 2000).level, 'slight');
  assert.equal(readAttackAuc(0.65, 500, 500).level, 'some');
  assert.equal(readAttackAuc(0.75, 500, 500).level, 'high');
  assert.equal(readAttackAuc(0.92, 100, 100).level, 'very high');
  assert.match(readAttackAuc(0.75, 500, 500).text, /75% of the time/);
});
