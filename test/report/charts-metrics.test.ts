import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  averagePrecision,
  binaryRocAuc,
  expectedCalibrationError,
  precisionRecallCurve,
  reliabilityBins,
  rocCurve,
  topKAccuracy,
} from '../../src/measures/metrics.ts';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('ECE by hand: 4 examples, 2 bins', () => {
  // confidences 0.9 (hit), 0.8 (miss), 0.6 (hit), 0.3→ top is class 1 with 0.7 (miss)
  const labels = [0, 1, 0, 0];
  const probs = [0.9, 0.1, 0.8, 0.2, 0.6, 0.4, 0.3, 0.7];
  // every confidence ≥ 0.5 → bin [0.5, 1]: mean conf (0.9+0.8+0.6+0.7)/4 = 0.75, accuracy 2/4
  close(expectedCalibrationError(labels, probs, 2, 2), 0.25);
  // 10 bins: [0.9]: conf .9 acc 1 → .1; [0.8]: .8 vs 0 → .8; [0.6]: .6 vs 1 → .4; [0.7]: .7 vs 0 → .7
  close(expectedCalibrationError(labels, probs, 2, 10), (0.1 + 0.8 + 0.4 + 0.7) / 4);
  const bins = reliabilityBins(labels, probs, 2, 10);
  assert.equal(bins.length, 10);
  assert.equal(bins[9].count, 1);
  assert.equal(bins[9].accuracy, 1);
  assert.ok(Number.isNaN(bins[0].confidence));
  assert.equal(bins.reduce((s, b) => s + b.count, 0), 4);
  // a perfectly calibrated model: confidence 1 and always right → 0; unlabelled rows skipped
  close(expectedCalibrationError([0, 1, -1], [1, 0, 0, 1, 0.5, 0.5], 2), 0);
});

test('top-k accuracy by hand, ties broken by class index (lower index ranks above)', () => {
  const labels = [2, 0, 1];
  const probs = [0.5, 0.3, 0.2, /**/ 0.1, 0.6, 0.3, /**/ 0.4, 0.4, 0.2];
  close(topKAccuracy(labels, probs, 3, 1), 0); // row 2: class 0 ties 0.4/0.4 with a lower index → ranks above
  close(topKAccuracy(labels, probs, 3, 2), 1 / 3);
  // uniform probabilities: top-1 is the accuracy of argmax-by-index (class 0), not 1
  const uniform = new Array(4 * 3).fill(1 / 3);
  close(topKAccuracy([0, 1, 2, 0], uniform, 3, 1), 0.5);
  close(topKAccuracy([0, 1, 2, 0], uniform, 3, 2), 0.75);
  close(topKAccuracy(labels, probs, 3, 3), 1);
  assert.throws(() => topKAccuracy(labels, probs, 3, 0), /topK/);
  assert.throws(() => topKAccuracy(labels, probs.slice(1), 3, 1), (e: { code?: string }) => e.code === 'SHAPE_MISMATCH');
});

test('ROC and PR curves: hand values, area equals the rank AUC', () => {
  const pos = [true, false, true, false, true];
  const s = [0.9, 0.8, 0.7, 0.3, 0.3];
  const roc = rocCurve(pos, s)!;
  assert.deepEqual(roc.map((p) => [p.x, p.y]), [[0, 0], [0, 1 / 3], [0.5, 1 / 3], [0.5, 2 / 3], [1, 1]]);
  let area = 0;
  for (let i = 1; i < roc.length; i++) area += ((roc[i].x - roc[i - 1].x) * (roc[i].y + roc[i - 1].y)) / 2;
  close(area, binaryRocAuc(pos, s)!);
  const pr = precisionRecallCurve([true, false, true], [0.9, 0.6, 0.4])!;
  assert.deepEqual(pr.map((p) => [p.x, p.y]), [[0.5, 1], [0.5, 0.5], [1, 2 / 3]]);
  close(averagePrecision(pr), 0.5 + 0.5 * (2 / 3));
  assert.equal(rocCurve([true, true], [0.1, 0.2]), null);
  assert.equal(precisionRecallCurve([false], [0.1]), null);
  for (const bad of [NaN, Infinity]) {
    assert.throws(() => rocCurve([true, false, true], [0.9, bad, 0.4]), (e: { code?: string; message: string }) => e.code === 'NON_FINITE_INPUT' && /row 1/.test(e.message));
    assert.throws(() => precisionRecallCurve([true, false], [bad, 0.1]), (e: { code?: string }) => e.code === 'NON_FINITE_INPUT');
  }
});
