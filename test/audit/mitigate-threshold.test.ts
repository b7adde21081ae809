import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeGroups, groupRates } from '../../src/audit/mitigate/groups.ts';
import { fitThresholdOptimizer, type FairnessConstraint, type ThresholdObjective } from '../../src/audit/mitigate/threshold.ts';
import { interpolate, upperHull } from '../../src/audit/mitigate/tradeoff.ts';
import { TransferkitError } from '../../src/errors.ts';
import { createRng } from '../../src/util/random.ts';

const T85 = (0.9 + 0.8) / 2; // the threshold half-way between 0.9 and 0.8, as computed
const close = (a: number, b: number, tol = 1e-9, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('the ROC hull of a group, by hand', () => {
  // scores 0.9 (y=1), 0.8 (0), 0.3 (1), 0.1 (0): threshold points (0,0) (0,½) (½,½) (½,1) (1,1);
  // (½,½) lies under the hull and (0,0) under (0,½) at the same FPR
  const h = upperHull([0.9, 0.8, 0.3, 0.1], [1, 0, 1, 0], 'roc');
  assert.deepEqual(h.x, [0, 0.5, 1]);
  assert.deepEqual(h.y, [0.5, 1, 1]);
  assert.deepEqual(h.thresholds, [T85, 0.2, -Infinity]);
  const at = interpolate(h, 0.25); // half way: threshold 0.85 or 0.2 with probability ½ each
  close(at.y, 0.75);
  assert.deepEqual(at.mix, { t0: T85, p0: 0.5, t1: 0.2, p1: 0.5 });
});

test('equalized odds on a set whose ROC curves are known: the overlap and the diagonal mix', () => {
  // group a: ROC hull (0,½) → (½,1) → (1,1); group b: perfectly ranked, hull (0,1) → (1,1).
  // Common points lie under a's hull; accuracy = (4·TPR + 4·(1 − FPR)) / 8 is ¾ all along
  // (0,½)–(½,1), and the first best point is FPR 0, TPR ½.
  const scores = [0.9, 0.8, 0.3, 0.1, 0.9, 0.6, 0.4, 0.2];
  const y = [1, 0, 1, 0, 1, 1, 0, 0];
  const groups = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'];
  const opt = fitThresholdOptimizer(scores, y, groups, { constraint: 'equalized_odds' });
  assert.deepEqual(opt.operatingPoint, { x: 0, y: 0.5 });
  close(opt.fittedObjective, 0.75);
  const [a, b] = opt.rules;
  assert.equal(a.pIgnore, 0); // a is on its hull already
  assert.deepEqual(a.mix, { t0: T85, p0: 1, t1: T85, p1: 0 });
  close(b.pIgnore, 0.5); // b: TPR 1 mixed half with the constant 0 → TPR ½
  assert.equal(b.constant, 0);
  const p = opt.predictProbability(scores, groups);
  assert.deepEqual(Array.from(p), [1, 0, 0, 0, 0.5, 0.5, 0, 0]);
});

test('equalized odds where the two ROC hulls cross: the optimum is the crossing point', () => {
  // a is good at low FPR, b at high FPR; with balanced accuracy (½TPR + ½(1 − FPR)) the best common
  // point is where the hulls cross, found exactly
  const a = { s: [0.95, 0.9, 0.85, 0.5, 0.45, 0.4, 0.3, 0.2], y: [1, 1, 0, 0, 1, 0, 1, 0] };
  const b = { s: [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2], y: [1, 0, 1, 1, 0, 1, 0, 0] };
  const scores = [...a.s, ...b.s];
  const y = [...a.y, ...b.y];
  const groups = [...a.s.map(() => 'a'), ...b.s.map(() => 'b')];
  const opt = fitThresholdOptimizer(scores, y, groups, { constraint: 'equalized_odds', objective: 'balanced_accuracy' });
  const ha = upperHull(a.s, a.y, 'roc');
  const hb = upperHull(b.s, b.y, 'roc');
  const { x, y: tpr } = opt.operatingPoint;
  close(tpr as number, Math.min(interpolate(ha, x).y, interpolate(hb, x).y), 1e-12, 'TPR is the lower hull');
  // brute force over a fine grid of FPRs never beats it
  for (let k = 0; k <= 2000; k++) {
    const f = k / 2000;
    const t = Math.min(interpolate(ha, f).y, interpolate(hb, f).y);
    assert.ok(0.5 * t + 0.5 * (1 - f) <= opt.fittedObjective + 1e-12, `FPR ${f} beats the optimum`);
  }
  const ya = interpolate(ha, x).y;
  const yb = interpolate(hb, x).y;
  close(ya, yb, 1e-9, 'at a crossing both hulls meet'); // this data's optimum is the crossing
  assert.ok(x > 0 && x < 1);
  const r = groupRates(opt.predictProbability(scores, groups), y, encodeGroups(groups));
  close(r.truePositiveRate[0], r.truePositiveRate[1], 1e-12, 'TPR');
  close(r.falsePositiveRate[0], r.falsePositiveRate[1], 1e-12, 'FPR');
});

/** The best P(ŷ = 1, y = 1 | g)·n_g (or TPR) at x by brute force over every pair of threshold points. */
function bestByPairs(scores: number[], y: number[], x: number, axes: 'roc' | 'selection'): number {
  const n = scores.length;
  const P = y.reduce((s, v) => s + v, 0);
  const ts = [Infinity, ...[...new Set(scores)].sort((a, b) => b - a).map((s) => s - 1e-9)];
  const pts = ts.map((t) => {
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < n; i++) if (scores[i] > t) (y[i] ? tp++ : fp++);
    return axes === 'roc' ? [fp / (n - P), tp / P] : [(tp + fp) / n, tp / n];
  });
  let best = -Infinity;
  for (const [x0, y0] of pts) {
    for (const [x1, y1] of pts) {
      if (x0 === x1) {
        if (Math.abs(x0 - x) < 1e-12) best = Math.max(best, y0, y1);
      } else if ((x0 - x) * (x1 - x) <= 0) {
        const p = (x1 - x) / (x1 - x0);
        best = Math.max(best, p * y0 + (1 - p) * y1);
      }
    }
  }
  return best;
}

for (const constraint of ['demographic_parity', 'equalized_odds'] as FairnessConstraint[]) {
  for (const objective of ['accuracy', 'balanced_accuracy'] as ThresholdObjective[]) {
    test(`${constraint} / ${objective}: the constraint holds exactly, no randomised threshold does better (brute force)`, () => {
      const rng = createRng(`${constraint}${objective}`);
      const groups: string[] = [];
      const y: number[] = [];
      const scores: number[] = [];
      const spec = { a: { n: 30, base: 0.6, sep: 1.5 }, b: { n: 22, base: 0.3, sep: 0.7 }, c: { n: 18, base: 0.45, sep: 1 } };
      for (const [g, s] of Object.entries(spec)) {
        for (let i = 0; i < s.n; i++) {
          const label = i < Math.round(s.n * s.base) ? 1 : 0;
          groups.push(g);
          y.push(label);
          scores.push(Math.round((1 / (1 + Math.exp(-(s.sep * (label - 0.5) + rng.normal())))) * 20) / 20); // ties on purpose
        }
      }
      const opt = fitThresholdOptimizer(scores, y, groups, { constraint, objective });
      const g = encodeGroups(groups);
      const pred = opt.predictProbability(scores, groups);
      const r = groupRates(pred, y, g);
      if (constraint === 'demographic_parity') {
        for (const s of r.selectionRate) close(s, opt.operatingPoint.x, 1e-9, 'selection rate');
      } else {
        for (const t of r.truePositiveRate) close(t, opt.operatingPoint.y as number, 1e-9, 'TPR');
        for (const f of r.falsePositiveRate) close(f, opt.operatingPoint.x, 1e-9, 'FPR');
      }
      // the fitted objective is what the rule achieves
      const n = y.length;
      const P = y.reduce((s, v) => s + v, 0);
      const tp = pred.reduce((s, p, i) => s + p * y[i], 0);
      const fp = pred.reduce((s, p, i) => s + p * (1 - y[i]), 0);
      const value = objective === 'accuracy' ? (tp + (n - P) - fp) / n : 0.5 * (tp / P) + 0.5 * (1 - fp / (n - P));
      close(value, opt.fittedObjective, 1e-9, 'objective');
      // brute force: at every operating point on a grid, the best each group can do
      const byGroup = ['a', 'b', 'c'].map((name) => {
        const rows = groups.map((v, i) => (v === name ? i : -1)).filter((i) => i >= 0);
        return { s: rows.map((i) => scores[i]), y: rows.map((i) => y[i]) };
      });
      for (let k = 0; k <= 400; k++) {
        const x = k / 400;
        let v: number;
        if (constraint === 'demographic_parity') {
          const tpx = byGroup.reduce((s, d) => s + d.s.length * bestByPairs(d.s, d.y, x, 'selection'), 0);
          const fpx = x * n - tpx;
          v = objective === 'accuracy' ? (tpx + (n - P) - fpx) / n : 0.5 * (tpx / P) + 0.5 * (1 - fpx / (n - P));
        } else {
          const t = Math.min(...byGroup.map((d) => bestByPairs(d.s, d.y, x, 'roc')));
          v = objective === 'accuracy' ? (P * t + (n - P) * (1 - x)) / n : 0.5 * t + 0.5 * (1 - x);
        }
        assert.ok(v <= opt.fittedObjective + 1e-9, `operating point ${x} gives ${v} > ${opt.fittedObjective}`);
      }
    });
  }
}

test('predict is seeded: the same seed gives the same draws, and draws follow the probabilities', () => {
  const rng = createRng('seeded');
  const n = 4000;
  const groups = Array.from({ length: n }, () => (rng.next() < 0.3 ? 'x' : 'y'));
  const y = groups.map((g) => (rng.next() < (g === 'x' ? 0.2 : 0.5) ? 1 : 0));
  const scores = y.map((v) => 1 / (1 + Math.exp(-(1.2 * (v - 0.5) + rng.normal()))));
  const opt = fitThresholdOptimizer(scores, y, groups);
  const a = opt.predict(scores, groups, createRng(7));
  const b = opt.predict(scores, groups, createRng(7));
  assert.deepEqual(a, b);
  const p = opt.predictProbability(scores, groups);
  const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, t) => s + t, 0) / v.length;
  close(mean(a), mean(p), 0.03, 'drawn vs expected selection rate');
});

test('threshold optimizer names bad input', () => {
  const is = (code: string) => (e: unknown) => e instanceof TransferkitError && e.code === code && !!e.hint;
  assert.throws(() => fitThresholdOptimizer([0.1, 0.2], [1, 0], ['a', 'b'], { constraint: 'nope' as FairnessConstraint }), is('BAD_OPTION'));
  assert.throws(() => fitThresholdOptimizer([0.1, NaN], [1, 0], ['a', 'b']), is('NON_FINITE_INPUT'));
  assert.throws(() => fitThresholdOptimizer([0.1, 0.2, 0.3], [1, 0, 1], ['a', 'a', 'b'], { constraint: 'equalized_odds' }), is('ONE_CLASS'));
  const opt = fitThresholdOptimizer([0.1, 0.2, 0.3, 0.4], [1, 0, 1, 0], ['a', 'a', 'b', 'b']);
  assert.throws(() => opt.predictProbability([0.5], ['z']), is('BAD_INPUT'));
});
