import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leep } from '../../src/measures/leep.ts';
import { nce } from '../../src/measures/nce.ts';
import { hScore } from '../../src/measures/h-score.ts';
import { logME } from '../../src/measures/logme.ts';
import { cholesky, choleskySolve, covariance, solve, type Matrix } from '../../src/measures/linalg.ts';
import { createRng } from '../../src/util/random.ts';
import { close, gaussian, mix } from './helpers.ts';

test('LEEP on a hand-computed example', () => {
  // joint P(y, z) = [[.375, .125], [.125, .375]], P(z) = [.5, .5], P(y|z) = [[.75, .25], [.25, .75]]
  // EEPs: .75·.9 + .25·.1 = .7, .75·.6 + .25·.4 = .55, .25·.2 + .75·.8 = .65, .25·.3 + .75·.7 = .6
  const P = [[0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.3, 0.7]];
  const expected = (Math.log(0.7) + Math.log(0.55) + Math.log(0.65) + Math.log(0.6)) / 4;
  close(leep(P, [0, 0, 1, 1], 2), expected, 1e-15);
  close(leep({ rows: 4, cols: 2, data: Float32Array.from(P.flat()) }, [0, 0, 1, 1], 2), expected, 1e-7);
  // a source class with no mass is skipped; a perfect one-to-one mapping scores 0
  close(leep([[1, 0, 0], [0, 1, 0]], [1, 0], 2), 0, 1e-15);
  assert.throws(() => leep([[2, -1]], [0], 2), (e: any) => e.code === 'NOT_PROBABILITIES');
  assert.throws(() => leep([[0.3, 0.3]], [0], 2), /sums to 0.6/);
  assert.throws(() => leep([[0.5, 0.5]], [2], 2), (e: any) => e.code === 'BAD_LABEL');
});

test('NCE on hand-computed examples', () => {
  // joint: (y0,z0) = 2/6, (y1,z0) = 1/6, (y1,z1) = 2/6, (y0,z1) = 1/6 → −H(Y|Z) = ⅔ ln ⅔ + ⅓ ln ⅓
  close(nce([0, 0, 1, 1, 1, 0], [0, 0, 1, 1, 0, 1]), (2 / 3) * Math.log(2 / 3) + (1 / 3) * Math.log(1 / 3), 1e-15);
  close(nce([0, 0, 1, 1], [1, 1, 0, 0]), 0, 1e-15);
  close(nce([0, 0, 0, 0], [0, 1, 0, 1]), -Math.log(2), 1e-15);
  close(nce([2, 2, 0, 0, 1, 1], [0, 1, 2, 0, 1, 2]), -Math.log(2), 1e-15);
});

test('H-score on hand-computed examples, invariance and the pseudo-inverse', () => {
  // 1-D: var(F) = 101/3, var(E[F|y]) = 100/3
  close(hScore([[0], [1], [10], [11]], [0, 0, 1, 1]), 100 / 101, 1e-12);
  // 2-D, against a direct solve of cov(F) · X = cov(G)
  const F = gaussian(40, 2, 'h1');
  const y = Array.from({ length: 40 }, (_, i) => i % 3);
  for (let i = 0; i < 40; i++) F.data[i * 2] += y[i];
  const G: Matrix = { rows: 40, cols: 2, data: new Float64Array(80) };
  for (let c = 0; c < 3; c++) {
    const rows = y.flatMap((v, i) => (v === c ? [i] : []));
    for (let j = 0; j < 2; j++) {
      const m = rows.reduce((s, i) => s + F.data[i * 2 + j], 0) / rows.length;
      for (const i of rows) G.data[i * 2 + j] = m;
    }
  }
  const cf = covariance(F);
  const cg = covariance(G);
  const col0 = solve(cf, [cg.data[0], cg.data[2]])!;
  const col1 = solve(cf, [cg.data[1], cg.data[3]])!;
  const direct = col0[0] + col1[1];
  close(hScore(F, y), direct, 1e-12);
  // invariant under an invertible linear map of the features
  close(hScore(mix(F, [[2, 1], [0.5, -3]]), y), direct, 1e-10);
  // a duplicated (perfectly collinear) feature adds nothing thanks to the pseudo-inverse
  const dup = mix(F, [[1, 0, 1], [0, 1, 0]]);
  close(hScore(dup, y), direct, 1e-8);
  assert.ok(Number.isFinite(hScore(dup, y, { ridge: 1e-6 })));
});

/** Log evidence / n computed directly: A = αI + βFᵀF, m = βA⁻¹Fᵀy, log|A| from Cholesky. */
function directEvidence(F: Matrix, yc: number[], alpha: number, beta: number): number {
  const { rows: n, cols: d } = F;
  const A = new Float64Array(d * d);
  for (let p = 0; p < d; p++) {
    for (let q = 0; q < d; q++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += F.data[i * d + p] * F.data[i * d + q];
      A[p * d + q] = beta * s + (p === q ? alpha : 0);
    }
  }
  const Fty = Array.from({ length: d }, (_, p) => yc.reduce((s, v, i) => s + v * F.data[i * d + p], 0));
  const L = cholesky({ rows: d, cols: d, data: A });
  const m = choleskySolve(L, Fty).map((v) => v * beta);
  let logDet = 0;
  for (let p = 0; p < d; p++) logDet += 2 * Math.log(L.data[p * d + p]);
  let res = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let p = 0; p < d; p++) f += F.data[i * d + p] * m[p];
    res += (yc[i] - f) ** 2;
  }
  const m2 = m.reduce((s, v) => s + v * v, 0);
  const ev = (d / 2) * Math.log(alpha) + (n / 2) * Math.log(beta) - (n / 2) * Math.log(2 * Math.PI) - (beta / 2) * res - (alpha / 2) * m2 - logDet / 2;
  return ev / n;
}

/** The deterministic data set of the SciPy reference: F_ij = 0.8 sin(1.3i + 0.7j) + 0.1 j cos i + [j mod 3 = y_i], y_i = i mod 3. */
function formulaData(n: number, d: number): { F: Matrix; y: number[] } {
  const y = Array.from({ length: n }, (_, i) => i % 3);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) data[i * d + j] = 0.8 * Math.sin(1.3 * i + 0.7 * j) + 0.1 * j * Math.cos(i) + (j % 3 === y[i] ? 1 : 0);
  }
  return { F: { rows: n, cols: d, data }, y };
}

test('LogME equals the directly computed log evidence at its (α, β), which is a maximum', () => {
  for (const [n, d] of [[30, 5], [8, 12]]) {
    const F = gaussian(n, d, `lm${n}`);
    const y = Array.from({ length: n }, (_, i) => i % 3);
    for (let i = 0; i < n; i++) F.data[i * d + y[i]] += 1.5;
    const r = logME(F, y, 3);
    let mean = 0;
    r.perClass.forEach((c, k) => {
      assert.ok(c.converged, `class ${k} converged`);
      const yc = y.map((v) => (v === k ? 1 : 0));
      const ev = directEvidence(F, yc, c.alpha, c.beta);
      close(c.evidence, ev, 1e-10, `n=${n} d=${d} class ${k}`);
      for (const [fa, fb] of [[1.05, 1], [1 / 1.05, 1], [1, 1.05], [1, 1 / 1.05]]) {
        assert.ok(directEvidence(F, yc, c.alpha * fa, c.beta * fb) < ev, `not a maximum at ×(${fa}, ${fb})`);
      }
      mean += c.evidence / 3;
    });
    close(r.score, mean, 1e-15);
  }
});

test('LogME matches the maximum evidence found by a generic optimiser (SciPy Nelder–Mead)', () => {
  // /tmp reference: scipy.optimize.minimize over (log α, log β) of the exact evidence, per class
  const a = formulaData(24, 4);
  const ra = logME(a.F, a.y, 3);
  close(ra.score, -0.4399834042790725, 1e-8, 'n > d');
  close(ra.perClass[0].evidence, -0.11568313714812306, 1e-8);
  close(ra.perClass[0].alpha / 8.9652082, 1, 1e-5);
  close(ra.perClass[0].beta / 25.11381488, 1, 1e-5);
  const b = formulaData(6, 9); // d > n: the FFᵀ route and the (d − n)·log α term
  close(logME(b.F, b.y, 3).score, -0.8173495175221236, 1e-8, 'd > n');
});

test('LogME ranks a more informative feature set higher and is deterministic', () => {
  const rng = createRng(21);
  const n = 120;
  const y = Array.from({ length: n }, () => rng.int(4));
  const make = (signal: number, seed: string) => {
    const F = gaussian(n, 8, seed);
    for (let i = 0; i < n; i++) F.data[i * 8 + y[i]] += signal;
    return F;
  };
  const strong = logME(make(3, 'a'), y, 4).score;
  const weak = logME(make(0.7, 'a'), y, 4).score;
  const none = logME(make(0, 'a'), y, 4).score;
  assert.ok(strong > weak && weak > none, `${strong} > ${weak} > ${none}`);
  assert.deepEqual(logME(make(1, 'b'), y, 4), logME(make(1, 'b'), y, 4));
  assert.throws(() => logME(make(1, 'b'), y, 3), (e: any) => e.code === 'BAD_LABEL');
  // dead features: only the noise model is left, β = n / ‖y_c‖²
  const zero = logME({ rows: n, cols: 3, data: new Float64Array(n * 3) }, y, 4);
  const c0 = y.filter((v) => v === 0).length;
  const beta = n / c0;
  close(zero.perClass[0].evidence, (0.5 * Math.log(beta) - 0.5 * Math.log(2 * Math.PI)) - (beta * c0) / (2 * n), 1e-12);
  assert.ok(zero.score < none);
});
