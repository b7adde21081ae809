import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kendallTau, meanStd, pairedDifference, quantileSorted, regularizedBeta, studentTCdf, studentTQuantile } from '../../src/measures/stats.ts';
import { createRng } from '../../src/util/random.ts';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} expected ${b} ± ${tol}, got ${a}`);

test("Kendall's τ matches hand counts, with and without ties", () => {
  // x increasing; y = [3,1,2,5,4]: discordant pairs (1,2), (1,3), (4,5) → C = 7, D = 3 → τ = 4/10
  close(kendallTau([1, 2, 3, 4, 5], [3, 1, 2, 5, 4]), 0.4, 1e-15, 'tau-a');
  assert.equal(kendallTau([1, 2, 3], [1, 2, 3]), 1);
  assert.equal(kendallTau([1, 2, 3], [3, 2, 1]), -1);
  // one tie in x (pair 2,3) and one in y (pair 2,4): C = 4, D = 0, τ_b = 4 / √(5·5) = 0.8 (scipy.stats.kendalltau)
  close(kendallTau([1, 2, 2, 3], [1, 3, 2, 3]), 0.8, 1e-15, 'tau-b');
  assert.ok(Number.isNaN(kendallTau([1, 1, 1], [1, 2, 3])), 'constant list → NaN');
  assert.throws(() => kendallTau([1], [1]), /at least 2/);
  assert.throws(() => kendallTau([1, 2], [1]), /paired/);
});

test('incomplete beta and Student t agree with closed forms and published quantiles', () => {
  close(regularizedBeta(0.5, 2, 2), 0.5, 1e-14);
  close(regularizedBeta(0.37, 1, 1), 0.37, 1e-14);
  // I_x(2, 3) = P(Bin(4, x) ≥ 2) = 1 − (1−x)^4 − 4x(1−x)^3
  close(regularizedBeta(0.3, 2, 3), 1 - 0.7 ** 4 - 4 * 0.3 * 0.7 ** 3, 1e-13);
  close(regularizedBeta(0.9, 2, 3), 1 - 0.1 ** 4 - 4 * 0.9 * 0.1 ** 3, 1e-13);
  // df = 2 has a closed form: F(t) = 1/2 + t / (2√(2 + t²))
  for (const t of [-3, -0.5, 0, 1, 5.196]) close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-12, `F(${t})`);
  // quantiles (scipy.stats.t.ppf)
  close(studentTQuantile(0.975, 2), 4.302652729911275, 1e-9, 't(0.975, 2)');
  close(studentTQuantile(0.975, 9), 2.2621571627409915, 1e-9, 't(0.975, 9)');
  close(studentTQuantile(0.975, 30), 2.0422724563012373, 1e-9, 't(0.975, 30)');
  close(studentTQuantile(0.95, 1), 6.313751514675041, 1e-8, 't(0.95, 1)');
  close(studentTQuantile(0.025, 4), -2.7764451051977987, 1e-9, 't(0.025, 4)');
});

test('paired t interval on a hand example', () => {
  // d = [2, 3, 4]: mean 3, s = 1, se = 1/√3, t(0.975, 2) = 4.302653 → ± 2.484138; t = 3√3, p = 2(1 − F(3√3)) with F closed form
  const r = pairedDifference([3, 5, 7], [1, 2, 3]);
  assert.equal(r.method, 't');
  assert.equal(r.n, 3);
  close(r.mean, 3, 1e-15);
  close(r.std, 1, 1e-15);
  close(r.halfWidth, 4.302652729911275 / Math.sqrt(3), 1e-9, 'half-width');
  close(r.low, 3 - 2.484138, 1e-6);
  close(r.high, 3 + 2.484138, 1e-6);
  const t = 3 * Math.sqrt(3);
  close(r.pValue, 2 * (0.5 - t / (2 * Math.sqrt(2 + t * t))), 1e-12, 'p');
  // identical differences collapse the interval; one pair gives none
  const same = pairedDifference([2, 3, 4], [1, 2, 3]);
  assert.deepEqual([same.low, same.high, same.halfWidth, same.pValue], [1, 1, 0, 0]);
  const one = pairedDifference([0.9], [0.8]);
  assert.equal(one.halfWidth, Infinity);
  assert.equal(one.pValue, 1);
});

test('percentile bootstrap: reproducible, and close to the normal-theory interval on many pairs', () => {
  const rng = createRng(5);
  const a = Array.from({ length: 400 }, () => 1 + 2 * rng.normal());
  const b = new Array(400).fill(0);
  const r1 = pairedDifference(a, b, { seed: 3 });
  const r2 = pairedDifference(a, b, { seed: 3 });
  assert.equal(r1.method, 'bootstrap', 'auto picks the bootstrap from 10 pairs on');
  assert.deepEqual(r1, r2, 'same seed, same interval');
  const { mean, std } = meanStd(a);
  const se = (std / Math.sqrt(400)) * Math.sqrt(399 / 400); // the bootstrap's plug-in standard error
  close(r1.low, mean - 1.959964 * se, 0.03, 'low');
  close(r1.high, mean + 1.959964 * se, 0.03, 'high');
  assert.ok(r1.pValue < 0.001, `mean 1 with n = 400 is significant, p = ${r1.pValue}`);
  // a hand-checkable bootstrap: all differences equal → every resample has the same mean
  const flat = pairedDifference(new Array(12).fill(0.5), new Array(12).fill(0.25), { method: 'bootstrap' });
  assert.deepEqual([flat.low, flat.high], [0.25, 0.25]);
  // forcing t on many pairs gives mean ± t·s/√n
  const t = pairedDifference(a, b, { method: 't' });
  close(t.halfWidth, studentTQuantile(0.975, 399) * (std / Math.sqrt(400)), 1e-9);
});

test('quantiles and mean/std helpers', () => {
  assert.equal(quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5), 2.5);
  assert.equal(quantileSorted([10, 20], 0), 10);
  assert.equal(quantileSorted([10, 20], 1), 20);
  assert.deepEqual(meanStd([1, 2, 3]), { mean: 2, std: 1 });
});
