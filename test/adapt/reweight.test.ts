import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipWeights, effectiveSampleSize, importanceWeights, REWEIGHT_METHODS } from '../../src/adapt/reweight.ts';
import { createRng } from '../../src/util/random.ts';

/** N(0, 1) source and N(0.5, 0.8²) target, and the true density ratio at the source points. */
function gaussians(n: number, seed: number) {
  const rng = createRng(seed);
  const source = Array.from({ length: n }, () => [rng.normal()]);
  const target = Array.from({ length: n }, () => [0.5 + 0.8 * rng.normal()]);
  const pdf = (x: number, m: number, sd: number) => Math.exp(-((x - m) ** 2) / (2 * sd * sd)) / sd;
  const ratio = source.map(([x]) => pdf(x, 0.5, 0.8) / pdf(x, 0, 1));
  return { source, target, ratio };
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) (ma += a[i] / n), (mb += b[i] / n);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

const data = gaussians(500, 1);

for (const method of REWEIGHT_METHODS) {
  test(`${method} recovers the density ratio of N(0,1) → N(0.5, 0.8²)`, () => {
    const r = importanceWeights(data.source, data.target, { method, seed: 1 });
    assert.equal(r.weights.length, 500);
    const mean = r.weights.reduce((a, b) => a + b, 0) / 500;
    assert.ok(Math.abs(mean - 1) < 1e-9, 'weights have mean 1');
    // the true ratio, scaled to mean 1 over the same points
    const trueMean = data.ratio.reduce((a, b) => a + b, 0) / 500;
    const truth = data.ratio.map((v) => v / trueMean);
    const corr = correlation(r.weights, truth);
    assert.ok(corr > 0.9, `${method}: correlation with the true ratio ${corr.toFixed(3)} > 0.9`);
    // mean relative error in the bulk (|x| < 1.5, where both densities have mass)
    const bulk = data.source.map((_, i) => i).filter((i) => Math.abs(data.source[i][0]) < 1.5);
    const mre = bulk.reduce((a, i) => a + Math.abs(r.weights[i] - truth[i]) / truth[i], 0) / bulk.length;
    assert.ok(mre < 0.25, `${method}: mean relative error in the bulk ${mre.toFixed(3)} < 0.25`);
    assert.ok(r.ess > 0 && r.ess <= 500 && Math.abs(r.essFraction - r.ess / 500) < 1e-12);
  });
}

test('KMM weights respect the box 0 ≤ w ≤ B and the sum constraint |Σw − n| ≤ nε', () => {
  const small = gaussians(120, 2);
  const B = 3;
  const eps = 0.05;
  const r = importanceWeights(small.source, small.target, { method: 'kmm', B, eps, clipQuantile: 1 });
  // rawWeights are rescaled to mean 1, so recover the solver's scale from the sum constraint
  const raw = r.rawWeights;
  assert.ok(raw.every((w) => w >= 0));
  assert.ok(Math.max(...raw) <= (B / (1 - eps)) * 1.0001, 'box bound holds up to the mean-1 rescaling');
  assert.equal(r.clipped, 0);
  assert.equal(r.details.B, B);
});

test('clipping caps the largest weights at a quantile and keeps mean 1; ESS is (Σw)²/Σw²', () => {
  const w = Float64Array.from({ length: 100 }, (_, i) => (i === 99 ? 100 : 1));
  const c = clipWeights(w, { quantile: 0.98 });
  assert.equal(c.clipped, 1);
  assert.ok(Math.abs(c.weights.reduce((a, b) => a + b, 0) / 100 - 1) < 1e-12);
  assert.ok(Math.abs(c.weights[99] - c.weights[0]) < 1e-12, 'the outlier is clipped to the bulk value');
  // max applies to the mean-1 weights: the bulk sits at 1/1.99, the outlier (50.25) is capped at 2
  const m = clipWeights(w, { max: 2 });
  assert.ok(Math.abs(m.weights[99] / m.weights[0] - 2 * 1.99) < 1e-9);
  assert.equal(m.clippedAt, 2);
  assert.equal(effectiveSampleSize([1, 1, 1, 1]), 4);
  assert.equal(effectiveSampleSize([4, 0, 0, 0]), 1);
  assert.ok(Math.abs(effectiveSampleSize([1, 3]) - 16 / 10) < 1e-12);
});

test('clipping by default: heavy-tailed weights lose their top 1% and gain effective sample size', () => {
  const rng = createRng(3);
  const source = Array.from({ length: 300 }, () => [rng.normal()]);
  const target = Array.from({ length: 300 }, () => [2 + 0.5 * rng.normal()]);
  const r = importanceWeights(source, target, { method: 'discriminative' });
  assert.ok(r.clipped >= 1 && Number.isFinite(r.clippedAt));
  assert.ok(r.ess >= effectiveSampleSize(r.rawWeights), 'clipping never lowers the effective sample size here');
});

test('bad input: unknown method, mismatched widths, bad options', () => {
  assert.throws(() => importanceWeights([[0], [1]], [[0], [1]], { method: 'magic' as never }), { code: 'BAD_OPTION' });
  assert.throws(() => importanceWeights([[0], [1]], [[0, 1], [1, 2]]), { code: 'SHAPE_MISMATCH' });
  assert.throws(() => importanceWeights([[0]], [[0], [1]]), { code: 'TOO_FEW_EXAMPLES' });
  assert.throws(() => clipWeights([1, 2], { quantile: 0 }), { code: 'BAD_OPTION' });
  assert.throws(() => clipWeights([0, 0]), { code: 'DEGENERATE_WEIGHTS' });
  assert.throws(() => importanceWeights([[0], [1]], [[0], [1]], { method: 'kmm', bandwidth: -1 }), { code: 'BAD_OPTION' });
});
