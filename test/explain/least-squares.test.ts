import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weightedLeastSquares } from '../../src/explain/least-squares.ts';
import { createRng } from '../../src/util/random.ts';
import { maxAbsDiff, randomRows } from './helpers.ts';

/** Independent reference: normal equations of the centred weighted ridge problem, Gauss–Jordan. */
function normalEquations(X: Float64Array[], y: number[], w: number[], alpha: number): { coef: number[]; intercept: number } {
  const p = X[0].length;
  const W = w.reduce((a, b) => a + b, 0);
  const xm = Array.from({ length: p }, (_, j) => X.reduce((s, r, k) => s + w[k] * r[j], 0) / W);
  const ym = y.reduce((s, v, k) => s + w[k] * v, 0) / W;
  const A = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p + 1 }, (_, j) =>
      j < p
        ? X.reduce((s, r, k) => s + w[k] * (r[i] - xm[i]) * (r[j] - xm[j]), 0) + (i === j ? alpha : 0)
        : X.reduce((s, r, k) => s + w[k] * (r[i] - xm[i]) * (y[k] - ym), 0),
    ),
  );
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    [A[c], A[piv]] = [A[piv], A[c]];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      for (let j = c; j <= p; j++) A[r][j] -= f * A[c][j];
    }
  }
  const coef = A.map((row, i) => row[p] / row[i]);
  return { coef, intercept: ym - coef.reduce((s, c, j) => s + c * xm[j], 0) };
}

describe('weightedLeastSquares', () => {
  it('matches the normal equations with ridge and intercept', () => {
    const rng = createRng(1);
    const X = randomRows(40, 5, 2);
    const y = X.map((r) => 2 * r[0] - r[3] + 0.5 + 0.1 * rng.normal());
    const w = X.map(() => rng.next() + 0.1);
    for (const alpha of [0, 1]) {
      const fit = weightedLeastSquares(X, y, w, { ridge: alpha, fitIntercept: true });
      assert.ok(fit);
      const ref = normalEquations(X, y, w, alpha);
      assert.ok(maxAbsDiff(fit.coef, ref.coef) < 1e-10, `alpha ${alpha}`);
      assert.ok(Math.abs(fit.intercept - ref.intercept) < 1e-10);
    }
  });

  it('reports rank deficiency as null', () => {
    const X = [Float64Array.of(1, 2), Float64Array.of(2, 4), Float64Array.of(3, 6)];
    assert.equal(weightedLeastSquares(X, [1, 2, 3], [1, 1, 1]), null);
    assert.ok(weightedLeastSquares(X, [1, 2, 3], [1, 1, 1], { ridge: 1 }));
  });
});
