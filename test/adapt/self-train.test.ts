import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSoftmax, predictSoftmax } from '../../src/measures/logistic.ts';
import { denseRows } from '../../src/measures/rows.ts';
import { selectPseudoLabels, selfTrain } from '../../src/adapt/self-train.ts';
import { createRng } from '../../src/util/random.ts';

/** Two Gaussian classes at x₁ = ∓2 (source); the target is the same moved by +1.5 along x₁. */
function shifted(n: number, offset: number, seed: number) {
  const rng = createRng(seed);
  const x = new Float64Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    x[i * 2] = (y[i] ? 2 : -2) + offset + rng.normal();
    x[i * 2 + 1] = rng.normal();
  }
  return { X: denseRows(x, n, 2), y };
}

function accuracy(probs: Float64Array, y: Int32Array): number {
  let c = 0;
  for (let i = 0; i < y.length; i++) if ((probs[i * 2 + 1] > probs[i * 2] ? 1 : 0) === y[i]) c++;
  return c / y.length;
}

test('self-training moves the boundary into the target’s low-density gap', () => {
  const s = shifted(400, 0, 1);
  const t = shifted(400, 1.5, 2);
  const sourceOnly = accuracy(predictSoftmax(fitSoftmax(s.X, s.y, 2), t.X), t.y);
  const rounds: number[] = [];
  // the target's class mix is 50/50; balancing the pseudo-labels to it keeps the source-only
  // model's bias (it calls 69% of the target class 1) from feeding on itself
  const res = selfTrain(s.X, s.y, t.X, 2, { rounds: 6, prior: 'uniform', targetWeight: 3, onRound: (r) => rounds.push(r.selected) });
  const adapted = accuracy(predictSoftmax(res.model, t.X), t.y);
  assert.ok(sourceOnly < 0.88, `source-only is hurt by the shift (${sourceOnly})`);
  assert.ok(adapted > 0.93 && adapted > sourceOnly + 0.08, `self-training helps: ${sourceOnly} → ${adapted}`);
  assert.equal(res.rounds.length, 6);
  assert.ok(rounds.every((v, i) => i === 0 || v >= rounds[i - 1]), 'the pseudo-labelled share grows');
  assert.equal(res.pseudoLabels.length, 400);
  // confidence-weighted pseudo-labels: borderline ones count little, and the gain remains
  const weighted = selfTrain(s.X, s.y, t.X, 2, { rounds: 6, prior: 'uniform', targetWeight: 3, weighting: 'confidence' });
  assert.ok(accuracy(predictSoftmax(weighted.model, t.X), t.y) > sourceOnly + 0.05);
});

test('class-balanced selection takes the most confident examples of each class, within the quota and above the threshold', () => {
  // 6 examples: class-0 confidences .9 .8 .6, class-1 confidences .95 .7 .55
  const p = [0.9, 0.1, 0.8, 0.2, 0.6, 0.4, 0.05, 0.95, 0.3, 0.7, 0.45, 0.55];
  assert.deepEqual(Array.from(selectPseudoLabels(p, 6, 2, [0.5, 0.5], 1 / 3, 0)), [0, -1, -1, 1, -1, -1]);
  assert.deepEqual(Array.from(selectPseudoLabels(p, 6, 2, [0.5, 0.5], 1, 0.65)), [0, 0, -1, 1, 1, -1]);
  // a skewed prior gives class 1 a larger quota
  assert.deepEqual(Array.from(selectPseudoLabels(p, 6, 2, [1 / 6, 5 / 6], 1, 0)), [0, -1, -1, 1, 1, 1]);
});

test('labelled target examples and options are checked', () => {
  const s = shifted(40, 0, 3);
  const t = shifted(40, 1.5, 4);
  assert.throws(() => selfTrain(s.X, s.y, t.X, 2, { rounds: 0 }), { code: 'BAD_OPTION' });
  assert.throws(() => selfTrain(s.X, s.y, t.X, 2, { threshold: 1 }), { code: 'BAD_OPTION' });
  assert.throws(() => selfTrain(s.X, s.y, denseRows(new Float64Array(3), 1, 3), 2), { code: 'SHAPE_MISMATCH' });
  const res = selfTrain(s.X, s.y, t.X, 2, { rounds: 2, labelled: { X: t.X, y: t.y }, prior: 'uniform' });
  assert.ok(accuracy(predictSoftmax(res.model, t.X), t.y) > 0.9);
});
