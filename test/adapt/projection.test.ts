import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shiftProjection } from '../../src/adapt/projection.ts';
import { denseRows, toSparse } from '../../src/measures/rows.ts';
import { createRng } from '../../src/util/random.ts';
import { diagnoseShift } from '../../src/adapt/diagnose.ts';
import type { Dataset } from '../../src/data/dataset.ts';

function cloud(n: number, d: number, shift: number, seed: number) {
  const rng = createRng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = rng.normal() * 0.3 + (j === 0 ? shift : 0);
  return denseRows(data, n, d);
}

test('shiftProjection: PC1 separates two shifted clouds, explains most variance, subsamples, dense = sparse', () => {
  const s = cloud(80, 5, 0, 1);
  const t = cloud(60, 5, 3, 2);
  const p = shiftProjection(s, t, { seed: 0 });
  assert.equal(p.source.length, 80);
  assert.equal(p.target.length, 60);
  const mean = (xs: Array<[number, number]>) => xs.reduce((a, x) => a + x[0], 0) / xs.length;
  assert.ok(Math.abs(mean(p.source) - mean(p.target)) > 2.5, `PC1 gap ${mean(p.source) - mean(p.target)}`);
  assert.ok(p.explained[0] > 0.7 && p.explained[1] < p.explained[0]);
  const small = shiftProjection(s, t, { maxRows: 20, seed: 0 });
  assert.equal(small.source.length, 20);
  assert.equal(small.target.length, 20);
  const sparse = shiftProjection(toSparse(s), toSparse(t), { seed: 0 });
  // sparse rows hold float32 values; a component's sign is arbitrary
  const sign = (k: 0 | 1) => Math.sign(sparse.source[0][k] * p.source[0][k]) || 1;
  sparse.source.forEach(([a, b], i) => assert.ok(Math.abs(sign(0) * a - p.source[i][0]) < 1e-4 && Math.abs(sign(1) * b - p.source[i][1]) < 1e-4, `row ${i}`));
  assert.throws(() => shiftProjection(cloud(2, 1, 0, 1), cloud(2, 1, 0, 2)), (e: { code?: string }) => e.code === 'TOO_FEW_EXAMPLES');
});

test('diagnoseShift projection: with > dims features (PCA view) a shift along one axis still separates on PC1', async () => {
  const d = 300;
  const side = (name: string, n: number, shift: number, seed: number): Dataset => {
    const rng = createRng(seed);
    const columns = Array.from({ length: d }, (_, j) => ({ name: `x${j}`, type: 'numeric' as const, values: new Float64Array(n) }));
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) columns[j].values[i] = rng.normal() + (j === 0 ? shift : 0);
    return { name, size: n, features: { kind: 'tabular', columns }, labels: new Int32Array(n).fill(-1), classes: [] };
  };
  const out = await diagnoseShift({ source: side('s', 150, 0, 1), target: side('t', 150, 4, 2), projection: true, permutations: 20, seed: 0 });
  assert.ok(out.features.viewDims < d, 'the view is a PCA projection');
  const p = out.projection!;
  const mean = (xs: Array<[number, number]>) => xs.reduce((a, x) => a + x[0], 0) / xs.length;
  const gap = Math.abs(mean(p.source) - mean(p.target));
  assert.ok(gap > 3, `PC1 gap ${gap.toFixed(2)} (whitened components flatten it to < 1)`);
  assert.ok(p.explained[0] > p.explained[1] && p.explained[0] < 1);
});
