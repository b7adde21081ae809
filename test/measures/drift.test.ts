import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chiSquareSf, kolmogorovSf, logGamma, regularizedGammaQ } from '../../src/measures/distributions.ts';
import { chiSquareHomogeneity, ksTwoSample } from '../../src/measures/two-sample-tests.ts';
import { featureDrift } from '../../src/measures/feature-drift.ts';
import type { TabularColumn } from '../../src/data/dataset.ts';
import { createRng } from '../../src/util/random.ts';
import { close } from './helpers.ts';

// Reference values: SciPy 1.17 (stats.chi2.sf, stats.kstwobign.sf, stats.chi2_contingency(correction=False)).

test('χ² survival function matches SciPy and closed forms', () => {
  close(chiSquareSf(3.84, 1), 0.05004352124870519, 1e-12, 'chi2.sf(3.84, 1)');
  close(chiSquareSf(10, 4), 0.04042768199451279, 1e-12, 'chi2.sf(10, 4)');
  close(chiSquareSf(10, 4), 6 * Math.exp(-5), 1e-14, 'even df closed form e^{-x/2}(1 + x/2)');
  close(chiSquareSf(0.5, 3), 0.9188914116546758, 1e-12, 'chi2.sf(0.5, 3)');
  close(chiSquareSf(2, 7), 0.9598403687301016, 1e-12, 'chi2.sf(2, 7)');
  close(chiSquareSf(150, 100) / 0.0009039320423540184, 1, 1e-9, 'chi2.sf(150, 100)');
  close(chiSquareSf(40, 2.5) / 4.866942891198467e-9, 1, 1e-9, 'chi2.sf(40, 2.5)');
  close(regularizedGammaQ(1, 2), Math.exp(-2), 1e-15);
  close(logGamma(10), Math.log(362880), 1e-12);
  close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13);
  assert.equal(chiSquareSf(0, 3), 1);
});

test('Kolmogorov survival function matches SciPy kstwobign.sf and the alternating series', () => {
  const ref: [number, number][] = [
    [0.2, 0.999999999999495],
    [0.5, 0.9639452436648751],
    [1.0, 0.26999967167735456],
    [1.18, 0.1234538094297657],
    [1.3581, 0.0499996304316674],
    [1.5811388300841898, 0.013475889875863678],
    [3, 3.045995948942526e-8],
  ];
  for (const [l, p] of ref) close(kolmogorovSf(l), p, 1e-11 * p, `kstwobign.sf(${l})`);
  // both representations agree away from the switch point
  for (const l of [0.9, 1.1, 1.3]) {
    let series = 0;
    for (let k = 1; k <= 200; k++) series += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * l * l);
    close(kolmogorovSf(l), series, 1e-13, `series(${l})`);
  }
});

test('KS statistic is exact (with ties) and the p-value is the asymptotic formula', () => {
  const r = ksTwoSample([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
  assert.equal(r.statistic, 1);
  // asymptotic: Q_KS(√(25/10)·1) = 2 Σ (−1)^{k−1} e^{−2k²·2.5}; SciPy's exact p would be 0.00794
  const lam = Math.sqrt(2.5);
  let series = 0;
  for (let k = 1; k <= 50; k++) series += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lam * lam);
  close(r.pValue, series, 1e-15);
  close(r.pValue, 0.013475889875863678, 1e-12);

  // ties across samples: F_a = .25,.75,1,1 and F_b = 0,.25,.75,1 at 1,2,3,4 → D = 0.5 (SciPy: 0.5)
  assert.equal(ksTwoSample([1, 2, 2, 3], [2, 3, 3, 4]).statistic, 0.5);
  const a = [0.1, 0.5, 0.5, 1.3, 2.2, 2.2, 2.2, 3.0, 4.4];
  const b = [0.5, 0.9, 2.2, 2.2, 3.1, 3.5, 5.0];
  const r2 = ksTwoSample(a, b);
  close(r2.statistic, 0.31746031746031744, 1e-15, 'ks_2samp D');
  close(r2.pValue, 0.822335333649151, 1e-12, 'kstwobign.sf(√en·D)');
  assert.equal(ksTwoSample([NaN, 1, 2], [1, 2, NaN]).statistic, 0);
  assert.throws(() => ksTwoSample([NaN], [1]), /both sides/);
});

test('χ² homogeneity matches SciPy chi2_contingency(correction=False)', () => {
  const rep = (v: string, k: number) => new Array<string>(k).fill(v);
  const r = chiSquareHomogeneity([...rep('a', 10), ...rep('b', 20), ...rep('c', 30)], [...rep('c', 10), ...rep('b', 20), ...rep('a', 20), '']);
  close(r.statistic, 12.52777777777778, 1e-12);
  assert.equal(r.df, 2);
  close(r.pValue, 0.0019038276076954943, 1e-12);
  assert.deepEqual(r.categories, ['a', 'b', 'c']);
  assert.equal(r.nB, 50);
  const r2 = chiSquareHomogeneity([...rep('x', 3), ...rep('y', 5)], [...rep('x', 6), ...rep('y', 1)]);
  close(r2.statistic, 3.616071428571428, 1e-12);
  close(r2.pValue, 0.05722385087767782, 1e-12);
  // a category seen only in the target still counts
  assert.equal(chiSquareHomogeneity(['a', 'a'], ['a', 'z']).df, 1);
  assert.equal(chiSquareHomogeneity(['a'], ['a']).pValue, 1);
});

test('featureDrift ranks the shifted features first and checks columns', () => {
  const rng = createRng(3);
  const n = 300;
  const num = (shift: number) => Float64Array.from({ length: n }, () => rng.normal() + shift);
  const cat = (pB: number) => Array.from({ length: n }, () => (rng.next() < pB ? 'b' : 'a'));
  const source: TabularColumn[] = [
    { name: 'stable', type: 'numeric', values: num(0) },
    { name: 'moved', type: 'numeric', values: num(0) },
    { name: 'colour', type: 'categorical', values: cat(0.5) },
    { name: 'same', type: 'categorical', values: cat(0.5) },
  ];
  const movedTarget = num(1);
  movedTarget[0] = NaN;
  const target: TabularColumn[] = [
    { name: 'same', type: 'categorical', values: cat(0.5) },
    { name: 'colour', type: 'categorical', values: cat(0.8) },
    { name: 'moved', type: 'numeric', values: movedTarget },
    { name: 'stable', type: 'numeric', values: num(0) },
  ];
  const drift = featureDrift(source, target);
  assert.deepEqual(drift.slice(0, 2).map((d) => d.name).sort(), ['colour', 'moved']);
  for (const d of drift.slice(0, 2)) assert.ok(d.pValue < 1e-6, `${d.name} p = ${d.pValue}`);
  for (const d of drift.slice(2)) assert.ok(d.pValue > 0.01, `${d.name} p = ${d.pValue}`);
  const moved = drift.find((d) => d.name === 'moved')!;
  assert.equal(moved.test, 'ks');
  assert.equal(moved.nTarget, n - 1);
  close(moved.missingTarget, 1 / n, 1e-15);
  const colour = drift.find((d) => d.name === 'colour')!;
  assert.equal(colour.test, 'chi2');
  assert.equal(colour.df, 1);
  assert.deepEqual(drift, featureDrift(source, target));

  assert.throws(() => featureDrift(source, target.slice(1)), (e: any) => e.code === 'MISSING_COLUMN' && /same/.test(e.message));
  assert.throws(
    () => featureDrift([{ name: 'x', type: 'numeric', values: Float64Array.of(1) }], [{ name: 'x', type: 'categorical', values: ['1'] }]),
    (e: any) => e.code === 'TYPE_MISMATCH',
  );
  const empty = featureDrift(
    [{ name: 'gone', type: 'numeric', values: Float64Array.of(NaN) }, source[0]],
    [{ name: 'gone', type: 'numeric', values: Float64Array.of(1) }, target[3]],
  );
  assert.equal(empty[1].name, 'gone');
  assert.ok(Number.isNaN(empty[1].pValue));
});
