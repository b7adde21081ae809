/**
 * The batched evaluation paths of the model-agnostic explainers give what evaluating one
 * coalition (or one row) at a time gives: the flat fast path, large batches, the closed form of
 * a model declared linear, the tfjs class-probability path; and they leave no tensors behind.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/engine/backend.ts';
import { TransferkitError } from '../../src/errors.ts';
import { createCoalitionGame } from '../../src/explain/coalition-game.ts';
import { exactShapley } from '../../src/explain/exact-shapley.ts';
import { kernelShap } from '../../src/explain/kernel-shap.ts';
import { limeTabular } from '../../src/explain/lime.ts';
import { callModelFlat, flatPredictFn, linearPredictFn } from '../../src/explain/model-call.ts';
import { classPredictFn, withOnnxProbs } from '../../src/explain/model/model-view.ts';
import { setTrainingEngine } from '../../src/engine/training-engine.ts';
import { onnxPredictFn } from '../../src/explain/onnx-predict.ts';
import { partialDependence } from '../../src/explain/partial-dependence.ts';
import type { PredictFn } from '../../src/explain/types.ts';
import { buildMlp } from '../../src/models/architectures.ts';
import type { TrainedModel } from '../../src/models/trained-model.ts';
import { createRng } from '../../src/util/random.ts';
import { batched, linearModel, loadBreastCancer, maxAbsDiff, randomNonlinear, randomRows, readGoldenJson, sum } from './helpers.ts';

/** A row-wise model that records each call's batch size. */
function counting(f: (r: ArrayLike<number>) => number): { predict: PredictFn; calls: number[] } {
  const calls: number[] = [];
  return { predict: (rows) => (calls.push(rows.length), rows.map(f)), calls };
}

describe('batched explanations equal one-at-a-time evaluation', () => {
  it('KernelSHAP: one big flat batch = one coalition per call = row views (float64, ≤ 1e-9)', async () => {
    const f = randomNonlinear(9, 31);
    const x = randomRows(1, 9, 32)[0];
    const bg = randomRows(12, 9, 33);
    const one = counting(f);
    const slow = await kernelShap(one.predict, x, bg, { seed: 2, nsamples: 300, batchSize: 1 });
    assert.ok(one.calls.slice(2).every((n) => n === 1), 'batchSize 1: one row per call (after f(x) and the background)');
    const perCoalition = counting(f);
    const byCoalition = await kernelShap(perCoalition.predict, x, bg, { seed: 2, nsamples: 300, batchSize: bg.length });
    assert.ok(perCoalition.calls.slice(2).every((n) => n === bg.length), 'one coalition (12 rows) per call');
    const views = counting(f);
    const big = await kernelShap(views.predict, x, bg, { seed: 2, nsamples: 300 });
    const flat = await kernelShap(flatPredictFn((b, n) => Float64Array.from({ length: n }, (_, i) => f(b.subarray(i * 9, (i + 1) * 9))), 9), x, bg, { seed: 2, nsamples: 300 });
    for (const r of [byCoalition, big, flat]) {
      assert.ok(maxAbsDiff(r.values, slow.values) <= 1e-9, `max |Δφ| ${maxAbsDiff(r.values, slow.values)}`);
      assert.equal(r.baseValue, slow.baseValue);
      assert.equal(r.evaluations, slow.evaluations);
    }
    assert.ok(views.calls.length < 10, `${views.calls.length} model calls for ${big.evaluations} rows`);
  });

  it('the coalition game: values of many masks at once = each mask alone (weighted background, groups)', async () => {
    const f = randomNonlinear(6, 41);
    const x = randomRows(1, 6, 42)[0];
    const rows = randomRows(7, 6, 43);
    const bg = { rows, weights: [1, 2, 3, 1, 0, 2, 5] };
    const groups = [[0, 3], [1], [2, 4], [5]];
    const rng = createRng(1);
    const masks = Array.from({ length: 40 }, () => Uint8Array.from({ length: 4 }, () => (rng.next() < 0.5 ? 1 : 0)));
    for (const predict of [batched(f), flatPredictFn((b, n) => Float64Array.from({ length: n }, (_, i) => f(b.subarray(i * 6, (i + 1) * 6))), 6)]) {
      const game = await createCoalitionGame(predict, x, bg, { groups, batchSize: 20 });
      const all = await game.values(masks);
      for (let i = 0; i < masks.length; i++) {
        const alone = await (await createCoalitionGame(batched(f), x, bg, { groups, batchSize: 1 })).values([masks[i]]);
        assert.ok(Math.abs(all[i] - alone[0]) <= 1e-12, `mask ${masks[i].join('')}: ${all[i]} vs ${alone[0]}`);
      }
    }
  });

  it('a model declared linear (closed form) = evaluating every masked row, on the breast-cancer golden values', async () => {
    const golden = readGoldenJson('breast_cancer_shapley_logreg.json');
    const bc = loadBreastCancer();
    const bg = (golden.background_50.idx as number[]).map((i) => bc.X[i]);
    const closed = linearPredictFn(golden.model.w_raw, golden.model.b_raw);
    const rowWise = linearModel(golden.model.w_raw, golden.model.b_raw);
    for (const row of golden.background_50.rows.slice(0, 2) as { x: number[]; phi: number[] }[]) {
      const a = await kernelShap(closed, row.x, bg, { seed: 0 });
      const b = await kernelShap(rowWise, row.x, bg, { seed: 0 });
      assert.equal(a.coalitions, 2108);
      assert.ok(maxAbsDiff(a.values, b.values) <= 1e-9, `closed form vs rows: ${maxAbsDiff(a.values, b.values)}`);
      assert.ok(maxAbsDiff(a.values, row.phi) <= 1e-6, `vs golden: ${maxAbsDiff(a.values, row.phi)}`);
      assert.ok(Math.abs(a.baseValue + sum(a.values) - a.output) <= 1e-9);
      assert.equal(a.evaluations, b.evaluations, 'evaluations count the rows the closed form stands for');
    }
    // groups, weights and a player that never varies
    const x = Float64Array.from(bc.X[300]);
    const small = bc.X.slice(0, 8).map((r) => {
      const c = Float64Array.from(r);
      c[4] = x[4];
      return c;
    });
    const groups = [[0, 1, 2], [3], [4], [5, 6, 7, 8, 9], ...Array.from({ length: 20 }, (_, i) => [10 + i])];
    const weighted = { rows: small, weights: [3, 1, 1, 2, 1, 1, 4, 1] };
    const a = await kernelShap(closed, x, weighted, { groups, seed: 1, nsamples: 600 });
    const b = await kernelShap(rowWise, x, weighted, { groups, seed: 1, nsamples: 600 });
    assert.equal(a.values[2], 0, 'non-varying player');
    assert.ok(maxAbsDiff(a.values, b.values) <= 1e-9);
    const e1 = await exactShapley(closed, x, weighted, { groups: groups.slice(0, 4).concat([Array.from({ length: 20 }, (_, i) => 10 + i)]) });
    const e2 = await exactShapley(rowWise, x, weighted, { groups: groups.slice(0, 4).concat([Array.from({ length: 20 }, (_, i) => 10 + i)]) });
    assert.ok(maxAbsDiff(e1.values, e2.values) <= 1e-9, 'exact Shapley through the closed form too');
  });

  it('partial dependence and LIME: the flat path = row-wise calls', async () => {
    const f = randomNonlinear(5, 51);
    const rows = randomRows(30, 5, 52);
    const flat = flatPredictFn((b, n) => Float64Array.from({ length: n }, (_, i) => f(b.subarray(i * 5, (i + 1) * 5))), 5);
    const p1 = await partialDependence(batched(f), rows, 2, { gridResolution: 9, batchSize: 7 });
    const p2 = await partialDependence(flat, rows, 2, { gridResolution: 9 });
    assert.deepEqual(p2.individual, p1.individual);
    assert.deepEqual(p2.average, p1.average);
    const l1 = await limeTabular(batched(f), rows[0], rows, { seed: 3, nsamples: 500, batchSize: 50 });
    const l2 = await limeTabular(flat, rows[0], rows, { seed: 3, nsamples: 500 });
    assert.deepEqual(l2.weights, l1.weights);
  });

  it('the flat path checks the model output like the row path', async () => {
    const wrong = flatPredictFn((_b, n) => new Float64Array(n + 1), 2);
    await assert.rejects(callModelFlat(wrong, new Float64Array(4), 2, 2, 'predict'), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_MODEL_OUTPUT');
    const nan = flatPredictFn((_b, n) => new Float32Array(n).fill(NaN), 2);
    await assert.rejects(kernelShap(nan, [1, 2], [[0, 0]]), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_MODEL_OUTPUT');
  });
});

describe('the tfjs class-probability path', () => {
  it('batched flat predictions = one row at a time (float32, ≤ 1e-6), and no tensor leaks', async () => {
    await initEngine({ backend: 'wasm' });
    const model = buildMlp(6, 3, { hidden: [8], seed: 4 });
    const trained = { model, classes: ['a', 'b', 'c'] } as unknown as TrainedModel;
    const x = randomRows(1, 6, 61)[0];
    const bg = randomRows(10, 6, 62);
    for (const link of ['identity', 'logit'] as const) {
      const fast = classPredictFn(trained, 1, link);
      assert.equal(typeof fast.flat, 'function');
      // One row per call, through the row form only.
      const oneRow: PredictFn = async (rows) => {
        const out: number[] = [];
        for (const r of rows) out.push((await fast([Float64Array.from(r)]))[0]);
        return out;
      };
      const a = await kernelShap(fast, x, bg, { seed: 1 });
      const b = await kernelShap(oneRow, x, bg, { seed: 1, batchSize: 1 });
      assert.equal(a.fullyEnumerated, true);
      assert.ok(maxAbsDiff(a.values, b.values) <= 1e-6, `${link}: max |Δφ| ${maxAbsDiff(a.values, b.values)}`);
      assert.ok(Math.abs(a.baseValue + sum(a.values) - a.output) <= 1e-6);
      const e = await exactShapley(fast, x, bg);
      assert.ok(maxAbsDiff(a.values, e.values) <= 1e-6, 'fully enumerated KernelSHAP = exact Shapley');
    }
    const f = classPredictFn(trained, 2, 'logit');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) {
      await kernelShap(f, randomRows(1, 6, 70 + i)[0], bg, { seed: i, batchSize: 64 });
      await partialDependence(f, bg, i, { gridResolution: 5 });
      await limeTabular(f, bg[i], bg, { seed: i, nsamples: 200 });
      assert.equal(tf.memory().numTensors, before, `tensors after explanation ${i + 1}`);
    }
    model.dispose();
  });
});

describe('explanations through onnxruntime', () => {
  it('onnxPredictFn matches the tfjs path (outputs ≤ 1e-6, KernelSHAP ≤ 1e-5) and releases its session', async () => {
    await initEngine({ backend: 'wasm' });
    const model = buildMlp(6, 3, { hidden: [8], seed: 5 });
    const trained = { model, classes: ['a', 'b', 'c'] } as unknown as TrainedModel;
    const ort = await onnxPredictFn(model, { column: 1 });
    try {
      assert.equal(ort.outputs, 3);
      const tfjs = classPredictFn(trained, 1, 'identity');
      const rows = randomRows(50, 6, 81);
      assert.ok(maxAbsDiff(await ort.predict(rows), await tfjs(rows)) <= 1e-6);
      const x = randomRows(1, 6, 82)[0];
      const a = await kernelShap(ort.predict, x, rows.slice(0, 10), { seed: 0 });
      const b = await kernelShap(tfjs, x, rows.slice(0, 10), { seed: 0 });
      assert.ok(maxAbsDiff(a.values, b.values) <= 1e-5, `max |Δφ| ${maxAbsDiff(a.values, b.values)}`);
      assert.ok(Math.abs(a.baseValue + sum(a.values) - a.output) <= 1e-6);
    } finally {
      await ort.release();
    }
    await assert.rejects(ort.predict([Float64Array.from({ length: 6 })]) as Promise<unknown>, /released/);
    await assert.rejects(onnxPredictFn(model, { column: 3 }), (e: unknown) => e instanceof TransferkitError && e.code === 'BAD_TARGET');
    model.dispose();
  });

  it('classPredictFn inside withOnnxProbs runs on onnxruntime: same values as tfjs (≤ 1e-6), released after, tfjs engine opts out', async () => {
    await initEngine({ backend: 'wasm' });
    const model = buildMlp(6, 3, { hidden: [8], seed: 6 });
    const trained = { model, classes: ['a', 'b', 'c'] } as unknown as TrainedModel;
    const rows = randomRows(40, 6, 91);
    for (const link of ['identity', 'logit'] as const) {
      const plain = await classPredictFn(trained, 2, link)(rows);
      let calls = 0;
      const inside = await withOnnxProbs(trained, async () => {
        const f = classPredictFn(trained, 2, link);
        const viaRows = await f(rows);
        const viaFlat = await f.flat!(Float64Array.from(rows.flatMap((r) => [...r])), rows.length);
        const pending = f([rows[0]]);
        assert.ok(pending instanceof Promise, 'inside: evaluated by onnxruntime (async)');
        await pending;
        calls++;
        return [viaRows, viaFlat];
      });
      assert.equal(calls, 1);
      for (const v of inside) assert.ok(maxAbsDiff(v, plain) <= 1e-6 * (link === 'logit' ? 10 : 1), `${link}: max |Δ| ${maxAbsDiff(v, plain)}`);
      assert.ok(!(classPredictFn(trained, 2, link)([rows[0]]) instanceof Promise), 'after: back on tfjs (synchronous)');
    }
    setTrainingEngine('tfjs');
    try {
      await withOnnxProbs(trained, async () => assert.ok(!(classPredictFn(trained, 0, 'identity')([rows[0]]) instanceof Promise), '--engine tfjs: stays on tfjs'));
    } finally {
      setTrainingEngine(undefined);
    }
    model.dispose();
  });
});
