import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLogistic } from '../../src/measures/logistic.ts';
import { proxyADistance } from '../../src/measures/proxy-a-distance.ts';
import { close, closeArrays, gaussian } from './helpers.ts';

const X = [[0.5, 1.2], [1.0, -0.3], [1.5, 0.8], [2.0, 2.1], [2.5, -1.0], [3.0, 0.4], [3.5, 1.7], [4.0, -0.6]];
const y = [0, 0, 1, 0, 1, 0, 1, 1];
// SciPy BFGS (gtol 1e-12) on mean log-loss + 0.1/2·‖w‖² over population-standardised X, mapped back:
const REF_W = [0.70342651, -0.35724903];
const REF_B = -1.381709480156888;
const REF_LOSS = 0.5616716599474612;

test('logistic regression (Newton and L-BFGS) matches an independent optimiser', () => {
  for (const method of ['newton', 'lbfgs'] as const) {
    const m = fitLogistic(X, y, { l2: 0.1, method });
    assert.ok(m.converged, method);
    closeArrays(m.w, REF_W, 1e-7, `${method} w`);
    close(m.b, REF_B, 1e-7, `${method} b`);
    close(m.loss, REF_LOSS, 1e-12, `${method} loss`);
    const p = m.predictProba([[2, 0]]);
    close(p[0], 1 / (1 + Math.exp(-(2 * m.w[0] + m.b))), 1e-15);
  }
});

test('logistic regression: example weights act like repeated rows; bad input is refused', () => {
  const w = [2, 1, 1, 1, 1, 1, 1, 3];
  const rep = X.flatMap((r, i) => new Array(w[i]).fill(r));
  const ry = y.flatMap((v, i) => new Array(w[i]).fill(v));
  const a = fitLogistic(X, y, { l2: 0.05, weights: w });
  // standardisation is unweighted (so the penalty differs between the two fits); with l2 ≈ 0 the
  // optimum does not depend on the scaling, and the predictions must agree
  const b = fitLogistic(rep, ry, { l2: 1e-9 });
  const c = fitLogistic(X, y, { l2: 1e-9, weights: w });
  closeArrays(c.predictProba(X), b.predictProba(X), 1e-5, 'weighted vs repeated');
  assert.ok(a.converged);
  assert.throws(() => fitLogistic(X, [0, 1]), (e: any) => e.code === 'SHAPE_MISMATCH');
  assert.throws(() => fitLogistic([[1], [2]], [0, 2]), (e: any) => e.code === 'BAD_LABEL');
});

test('proxy A-distance ≈ 0 for one distribution and ≈ 2 for separable domains', () => {
  const same = proxyADistance(gaussian(200, 4, 'p1'), gaussian(200, 4, 'p2'), { seed: 1 });
  assert.ok(same.pad < 0.3, `pad = ${same.pad}`);
  assert.ok(same.error > 0.4, `error = ${same.error}`);
  assert.ok(Math.abs(same.auc! - 0.5) < 0.1, `auc = ${same.auc}`);
  assert.equal(same.pad, Math.min(2, Math.max(0, same.padRaw)));

  const apart = proxyADistance(gaussian(150, 4, 'p1'), gaussian(100, 4, 'p3', 6), { seed: 1 });
  assert.ok(apart.pad > 1.95, `pad = ${apart.pad}`);
  assert.ok(apart.auc! > 0.999);
  assert.equal(apart.nSource, 150);

  const a = proxyADistance(gaussian(60, 3, 'q1'), gaussian(60, 3, 'q2', 0.5), { seed: 7, folds: 3 });
  const b = proxyADistance(gaussian(60, 3, 'q1'), gaussian(60, 3, 'q2', 0.5), { seed: 7, folds: 3 });
  assert.deepEqual(a, b);
  assert.ok(a.pad > 0 && a.pad < 2);
  assert.throws(() => proxyADistance(gaussian(3, 2, 'a'), gaussian(30, 2, 'b')), (e: any) => e.code === 'TOO_FEW_EXAMPLES');
});
