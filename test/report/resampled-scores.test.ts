import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationMetrics } from '../../src/measures/metrics.ts';
import { prepareResampling, resampledScores } from '../../src/report/card/resampled-scores.ts';
import { createRng } from '../../src/util/random.ts';

/** Random predictions with ties (probabilities rounded to 0.1) and a missing class when k > 2. */
function predictions(n: number, k: number, seed: number): { labels: Int32Array; probs: Float64Array } {
  const rng = createRng(seed);
  const labels = Int32Array.from({ length: n }, () => rng.int(k > 2 ? k - 1 : k));
  const probs = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const raw = Array.from({ length: k }, (_, c) => 0.05 + Math.round(10 * rng.next()) / 10 + (c === labels[i] ? 0.5 : 0));
    const s = raw.reduce((a, b) => a + b, 0);
    raw.forEach((v, c) => (probs[i * k + c] = v / s));
  }
  return { labels, probs };
}

test('the scores of a weighted resample equal classificationMetrics on the materialised resample', () => {
  for (const [n, k, seed] of [[60, 2, 1], [80, 4, 2], [7, 3, 3]] as const) {
    const { labels, probs } = predictions(n, k, seed);
    const classes = Array.from({ length: k }, (_, c) => `c${c}`);
    const prepared = prepareResampling(labels, probs, k);
    const rng = createRng(seed + 10);
    for (let b = 0; b < 20; b++) {
      const weights = new Int32Array(n);
      const drawn: number[] = [];
      for (let i = 0; i < n; i++) {
        const j = rng.int(n);
        weights[j]++;
        drawn.push(j);
      }
      const got = resampledScores(prepared, weights);
      const want = classificationMetrics(
        Int32Array.from(drawn, (j) => labels[j]),
        Float64Array.from(drawn.flatMap((j) => Array.from(probs.subarray(j * k, (j + 1) * k)))),
        classes,
      );
      assert.equal(got.accuracy, want.accuracy);
      assert.ok(Math.abs(got.macroF1 - want.macroF1) < 1e-12, `macro F1 ${got.macroF1} vs ${want.macroF1}`);
      assert.ok(Math.abs(got.logLoss - want.logLoss) < 1e-12);
      if (want.rocAuc === null) assert.equal(got.rocAuc, null);
      else assert.ok(Math.abs(got.rocAuc! - want.rocAuc) < 1e-12, `ROC AUC ${got.rocAuc} vs ${want.rocAuc} (n ${n}, k ${k})`);
    }
  }
});
