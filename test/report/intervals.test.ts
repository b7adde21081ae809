import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapConfusion, macroF1FromConfusion, wilsonInterval } from '../../src/report/card/intervals.ts';
import { perClassRows, scoreMeasures } from '../../src/report/card/measures.ts';
import { classificationMetrics } from '../../src/measures/metrics.ts';
import { TransferkitError } from '../../src/errors.ts';
import { createRng } from '../../src/util/random.ts';

test('Wilson interval: hand-computed cases', () => {
  // 8 of 10, z = 1.959964 (z² = 3.841459): centre (0.8 + 0.192073) / 1.384146 = 0.716740;
  // half = 1.416010 · √(0.016 + 0.0096036) = 0.226578 → [0.490162, 0.943318]
  const a = wilsonInterval(8, 10);
  assert.ok(Math.abs(a.low - 0.490162) < 1e-6, `low ${a.low}`);
  assert.ok(Math.abs(a.high - 0.943318) < 1e-6, `high ${a.high}`);
  // 0 of 10: [0, z²/(n + z²)] = [0, 3.84146 / 13.84146]
  const b = wilsonInterval(0, 10);
  assert.equal(b.low, 0);
  assert.ok(Math.abs(b.high - 3.841459 / 13.841459) < 1e-6);
  // all correct mirrors none correct
  const c = wilsonInterval(10, 10);
  assert.ok(Math.abs(c.low - (1 - b.high)) < 1e-12);
  assert.equal(c.high, 1);
  // wider for fewer examples at the same accuracy
  const small = wilsonInterval(9, 10);
  const large = wilsonInterval(900, 1000);
  assert.ok(small.high - small.low > large.high - large.low);
});

test('Wilson interval: bad counts are a clear error', () => {
  for (const [x, n] of [[11, 10], [1, 0], [-1, 5], [2.5, 5]]) {
    assert.throws(() => wilsonInterval(x, n), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_INPUT' && /Wilson/.test(e.message));
  }
});

test('macro F1 from a confusion matrix equals classificationMetrics', () => {
  const rng = createRng(3);
  const k = 4;
  const n = 200;
  const labels = Int32Array.from({ length: n }, () => rng.int(k - 1)); // class 3 never true, sometimes predicted
  const probs = Float32Array.from({ length: n * k }, () => rng.next());
  const m = classificationMetrics(labels, probs, ['a', 'b', 'c', 'd']);
  assert.ok(Math.abs(macroF1FromConfusion(m.confusionMatrix) - m.macroF1) < 1e-12);
  const rows = perClassRows(m.confusionMatrix, m.classes);
  rows.forEach((r, c) => {
    assert.ok(Math.abs(r.precision - m.perClass[c].precision) < 1e-12);
    assert.ok(Math.abs(r.recall - m.perClass[c].recall) < 1e-12);
    assert.equal(r.support, m.perClass[c].support);
  });
});

test('bootstrap over the confusion matrix: seeded, brackets the estimate, degenerate when perfect', () => {
  const cm = [[40, 10], [5, 45]];
  const a = bootstrapConfusion(cm, macroF1FromConfusion, { seed: 1 });
  assert.deepEqual(a, bootstrapConfusion(cm, macroF1FromConfusion, { seed: 1 }));
  const f1 = macroF1FromConfusion(cm);
  assert.ok(a.low < f1 && f1 < a.high && a.high - a.low < 0.25, JSON.stringify(a));
  // accuracy's bootstrap and Wilson intervals roughly agree at n = 100
  const acc = bootstrapConfusion(cm, (m) => (m[0][0] + m[1][1]) / 100);
  const w = wilsonInterval(85, 100);
  assert.ok(Math.abs(acc.low - w.low) < 0.03 && Math.abs(acc.high - w.high) < 0.03, `${JSON.stringify(acc)} vs ${JSON.stringify(w)}`);
  assert.deepEqual(bootstrapConfusion([[5, 0], [0, 5]], macroF1FromConfusion), { low: 1, high: 1 });
  assert.throws(() => bootstrapConfusion([[0, 0], [0, 0]], macroF1FromConfusion), /no examples/);
});

test('scoreMeasures says how each interval was found', () => {
  const [accuracy, f1, auc, logLoss] = scoreMeasures({ accuracy: 0.8, macroF1: 0.8, rocAuc: 0.9, logLoss: 0.4, n: 10, confusionMatrix: [[4, 1], [1, 4]] });
  assert.deepEqual([accuracy.low, accuracy.high], [wilsonInterval(8, 10).low, wilsonInterval(8, 10).high]);
  assert.match(accuracy.interval, /Wilson score 95%, 8 of 10 correct/);
  assert.match(f1.interval, /bootstrap/);
  assert.equal(auc.low, null);
  assert.match(logLoss.interval, /per-example probabilities/);
});
