import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransferkitError } from '../../src/errors.ts';
import { limeMasked, limeTabular } from '../../src/explain/lime.ts';
import { limeKernel, weightedR2 } from '../../src/explain/lime-surrogate.ts';
import { linearModel, loadBreastCancer, maxAbsDiff, randomRows, readGoldenJson } from './helpers.ts';

const order = (v: ArrayLike<number>) => Array.from(v, (_, j) => j).sort((a, b) => v[b] - v[a]);

describe('limeTabular', () => {
  const w = [3, -2, 1, 0.5, -0.25, 0];
  const train = randomRows(300, 6, 1); // ~N(0, 1) features: per-std weights ≈ w
  const f = linearModel(w, 1);

  it('gaussian sampling on a linear model recovers the weights’ signs and order, R² > 0.9', async () => {
    const x = [0.3, -0.2, 1, 0.5, 0.1, -1];
    const r = await limeTabular(f, x, train, { discretize: false, seed: 0, nsamples: 2000 });
    assert.deepEqual(order(r.weights), order(w));
    w.forEach((wj, j) => wj !== 0 && assert.equal(Math.sign(r.weights[j]), Math.sign(wj), `feature ${j}`));
    assert.ok(r.r2 > 0.9, `R² ${r.r2}`);
    assert.ok(Math.abs(r.localPrediction - r.output) < 0.05, `${r.localPrediction} vs ${r.output}`);
    assert.ok(Math.abs(r.output - 3.525) < 1e-12, 'output is f(x)');
  });

  it('quartile discretisation (LIME’s default): x in the top quartile → signs of w, bin descriptions', async () => {
    const seen: Float64Array[] = [];
    const spy = async (rows: Float64Array[]) => {
      if (seen.length === 0) seen.push(Float64Array.from(rows[0]));
      return f(rows);
    };
    const x = [1.5, 1.5, 1.5, 1.5, 1.5, 1.5];
    const r = await limeTabular(spy, x, train, { seed: 0, nsamples: 2000, featureNames: ['a', 'b', 'c', 'd', 'e', 'f'] });
    assert.deepEqual(Array.from(seen[0]), x, 'sample 0 is x itself');
    w.forEach((wj, j) => wj !== 0 && assert.equal(Math.sign(r.weights[j]), Math.sign(wj), `feature ${j}`));
    assert.match(r.descriptions[0], /^a > 0\.\d\d$/);
    assert.ok(r.r2 > 0.3 && r.r2 < 1, `R² ${r.r2}`);
  });

  it('matches the standardised logistic-regression coefficients on breast cancer (gaussian mode)', async () => {
    const golden = readGoldenJson('breast_cancer_shapley_logreg.json');
    const bc = loadBreastCancer();
    const train = (golden.train_idx as number[]).map((i) => bc.X[i]);
    const f = linearModel(golden.model.w_raw, golden.model.b_raw);
    const coef = golden.model.coef_standardised as number[];
    const x = golden.background_train.rows[0].x as number[];
    // Per-std surrogate weights of a linear model are w_j·std_j, i.e. the standardised
    // coefficients (LIME's StandardScaler = the pipeline's scaler): exact without the ridge penalty…
    const plain = await limeTabular(f, x, train, { discretize: false, seed: 0, nsamples: 2000, alpha: 0 });
    assert.ok(maxAbsDiff(plain.weights, coef) < 1e-8, `alpha 0: max |Δ| = ${maxAbsDiff(plain.weights, coef)}`);
    // …and shrunk by a few per cent with LIME's Ridge(alpha=1) (30 features, small kernel weights).
    const r = await limeTabular(f, x, train, { discretize: false, seed: 0, nsamples: 2000 });
    coef.forEach((cj, j) => assert.equal(Math.sign(r.weights[j]), Math.sign(cj), `feature ${j}`));
    const scale = Math.max(...coef.map(Math.abs));
    assert.ok(maxAbsDiff(r.weights, coef) < 0.15 * scale, `alpha 1: max |Δ| = ${maxAbsDiff(r.weights, coef)} vs max |coef| ${scale}`);
    assert.ok(r.r2 > 0.99);
  });

  it('same seed → identical output; another seed → different', async () => {
    const x = [0.3, -0.2, 1, 0.5, 0.1, -1];
    for (const discretize of ['quartile', false] as const) {
      const a = await limeTabular(f, x, train, { seed: 5, nsamples: 500, discretize });
      const b = await limeTabular(f, x, train, { seed: 5, nsamples: 500, discretize });
      const c = await limeTabular(f, x, train, { seed: 6, nsamples: 500, discretize });
      assert.deepEqual(a, b);
      assert.notDeepEqual(a.weights, c.weights);
    }
  });

  it('rejects bad rows', async () => {
    for (const [x, tr, code] of [
      [[1, NaN, 0, 0, 0, 0], train, 'NON_FINITE_INPUT'],
      [[1, 2], train, 'SHAPE_MISMATCH'],
      [[0, 0, 0, 0, 0, 0], [...train.slice(0, 3), [0, 0]], 'SHAPE_MISMATCH'],
    ] as const) {
      const err = await limeTabular(f, x, tr).catch((e: unknown) => e);
      assert.ok(err instanceof TransferkitError && err.code === code, String(err));
    }
  });
});

describe('limeMasked', () => {
  const c = [2, -1, 0.5, 0, 1.5];
  const additive = (masks: Uint8Array[]) => masks.map((m) => c.reduce((s, cj, j) => s + cj * m[j], 0));

  it('recovers an additive mask model with both samplers, seeded', async () => {
    for (const sampling of ['uniform-count', 'bernoulli'] as const) {
      const r = await limeMasked(5, additive, { seed: 0, nsamples: 1000, sampling, batchSize: 300 });
      assert.ok(maxAbsDiff(r.weights, c) < 0.05, `${sampling}: ${r.weights}`);
      const exact = await limeMasked(5, additive, { seed: 0, nsamples: 200, sampling, alpha: 0 });
      assert.ok(maxAbsDiff(exact.weights, c) < 1e-9 && Math.abs(exact.intercept) < 1e-9, 'unpenalised fit of an additive model is exact');
      assert.ok(r.r2 > 0.9);
      assert.equal(r.output, 3);
      const again = await limeMasked(5, additive, { seed: 0, nsamples: 1000, sampling, batchSize: 300 });
      assert.deepEqual(r, again);
    }
  });

  it('keeps the top numFeatures parts (LIME highest_weights)', async () => {
    const r = await limeMasked(5, additive, { seed: 1, nsamples: 500, numFeatures: 2 });
    assert.deepEqual(r.selected, [0, 4]);
    assert.equal(r.weights[1], 0);
  });

  it('uses LIME’s kernel and weighted R²', () => {
    assert.equal(limeKernel(0, 0.25), 1);
    assert.ok(Math.abs(limeKernel(0.25, 0.25) - Math.exp(-0.5)) < 1e-15);
    assert.equal(weightedR2([1, 2, 3], [1, 2, 3], [1, 1, 1]), 1);
    assert.ok(Math.abs(weightedR2([0, 2], [1, 1], [1, 1]) - 0) < 1e-15);
  });

  it('rejects a predictMask returning the wrong count', async () => {
    const err = await limeMasked(3, () => [1], { nsamples: 10 }).catch((e: unknown) => e);
    assert.ok(err instanceof TransferkitError && err.code === 'BAD_MODEL_OUTPUT');
  });
});
