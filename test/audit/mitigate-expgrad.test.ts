import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitExponentiatedGradient } from '../../src/audit/mitigate/expgrad.ts';
import { demographicParityDifference, encodeGroups, equalizedOddsDifference, groupRates } from '../../src/audit/mitigate/groups.ts';
import { solveLp } from '../../src/audit/mitigate/simplex.ts';
import { TransferkitError } from '../../src/errors.ts';
import { fitLogistic } from '../../src/measures/logistic.ts';
import { createRng } from '../../src/util/random.ts';

/** Group b (30%) has its main feature shifted down, so a plain classifier selects it far less often. */
function biased(n: number, seed: string) {
  const rng = createRng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  const groups: string[] = [];
  for (let i = 0; i < n; i++) {
    const b = rng.next() < 0.3;
    const x1 = rng.normal() - (b ? 1 : 0);
    const x2 = rng.normal();
    X.push([x1, x2, b ? 1 : 0]);
    y.push(x1 + 0.5 * x2 + 0.7 * rng.normal() > 0 ? 1 : 0);
    groups.push(b ? 'b' : 'a');
  }
  return { X, y, groups };
}

test('a small linear program and its duals, by hand', () => {
  // max x0 + x1 s.t. x0 + 2x1 ≤ 4, 3x0 + x1 ≤ 6: optimum (1.6, 1.2); duals from y1 + 3y2 = −1, 2y1 + y2 = −1
  const s = solveLp([-1, -1, 0, 0], [[1, 2, 1, 0], [3, 1, 0, 1]], [4, 6]);
  assert.ok(Math.abs(s.x[0] - 1.6) < 1e-12 && Math.abs(s.x[1] - 1.2) < 1e-12, `x = ${Array.from(s.x)}`);
  assert.ok(Math.abs(s.value + 2.8) < 1e-12);
  assert.ok(Math.abs(s.duals[0] + 0.4) < 1e-12 && Math.abs(s.duals[1] + 0.2) < 1e-12, `duals ${Array.from(s.duals)}`);
  // an equality row with a negative right-hand side, and a redundant row
  const t = solveLp([1, 1], [[1, -1], [-1, 1], [2, -2]], [-1, 1, -2]); // x1 − x0 = 1: min at (0, 1)
  assert.deepEqual(Array.from(t.x), [0, 1]);
  assert.throws(() => solveLp([1], [[1], [1]], [1, 2]), (e: unknown) => e instanceof TransferkitError && e.code === 'NO_CONVERGENCE');
});

for (const constraint of ['demographic_parity', 'equalized_odds'] as const) {
  test(`exponentiated gradient keeps the ${constraint} gap within eps where the plain model breaks it`, () => {
    const eps = 0.05;
    const train = biased(1500, 'eg-train');
    const g = encodeGroups(train.groups);
    const plain = fitLogistic(train.X, train.y);
    const plainPred = Array.from(plain.predictProba(train.X), (p) => (p >= 0.5 ? 1 : 0));
    const measure = constraint === 'demographic_parity' ? demographicParityDifference : equalizedOddsDifference;
    const before = measure(groupRates(plainPred, train.y, g));
    assert.ok(before > 3 * eps, `the plain model should violate the constraint (gap ${before})`);

    const eg = fitExponentiatedGradient(train.X, train.y, train.groups, { constraint, eps });
    const p = eg.predictProbability(train.X);
    const after = measure(groupRates(p, train.y, g));
    assert.ok(after <= eps + 0.005, `training gap ${after} > eps ${eps}`);
    assert.ok(Math.abs(after - eg.trainMaxGap) < 1e-9, 'the reported gap is the measured one');
    assert.ok(eg.gap <= eg.nu + 1e-8, `the game converged (gap ${eg.gap}, ν ${eg.nu})`);
    assert.ok(Math.abs(eg.weights.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    // the accuracy given up is moderate: not the trivial constant classifier
    const acc = p.reduce((s, v, i) => s + (train.y[i] ? v : 1 - v), 0) / p.length;
    const base = train.y.reduce((s: number, v) => s + v, 0) / train.y.length;
    assert.ok(acc > Math.max(base, 1 - base) + 0.1, `accuracy ${acc}`);

    // held-out rows from the same distribution: the gap generalises, up to sampling noise
    const test = biased(3000, 'eg-test');
    const q = eg.predictProbability(test.X);
    const held = measure(groupRates(q, test.y, encodeGroups(test.groups)));
    assert.ok(held <= eps + 0.05, `held-out gap ${held}`);
    // seeded draws
    assert.deepEqual(eg.predict(test.X, createRng(3)), eg.predict(test.X, createRng(3)));
  });
}

test('exponentiated gradient names bad input', () => {
  const d = biased(50, 'bad');
  const is = (code: string) => (e: unknown) => e instanceof TransferkitError && e.code === code && !!e.hint;
  assert.throws(() => fitExponentiatedGradient(d.X, d.y, d.groups, { eps: 0 }), is('BAD_OPTION'));
  assert.throws(() => fitExponentiatedGradient(d.X, d.y, d.groups.slice(1)), is('SHAPE_MISMATCH'));
  assert.throws(() => fitExponentiatedGradient(d.X, d.y, d.groups.map(() => 'a')), is('TOO_FEW_EXAMPLES'));
  const eg = fitExponentiatedGradient(d.X, d.y, d.groups, { maxIter: 3 });
  assert.throws(() => eg.predictProbability([[1, 2]]), is('SHAPE_MISMATCH'));
});
