/**
 * Explanation timings. KernelSHAP per row on the breast-cancer golden data (30 features, default
 * budget 2·M + 2048 = 2,108 coalitions):
 *
 * - its logistic-regression model in log-odds with the golden 50-row background and its 5 rows
 *   (the setting of issue 13, where Python shap 0.51's `KernelExplainer`, l1_reg off, took
 *   21–24 ms/row on these machines: a reference figure from the issue, not measured here), as
 *   `linearPredictFn` (coalition values in closed form), as a flat JS function (every one of the
 *   105,400 masked rows evaluated) and as a row-wise JS function;
 * - a TF.js MLP 30-64-32-2 on the wasm backend with a 100-row background (rows 200–204), through
 *   the flat fast path: one float32 tensor and one `predict` per 4,096 rows; and the same MLP
 *   compiled to ONNX and run by one onnxruntime session (`onnxPredictFn`).
 *
 * Plus permutation importance (10 repeats) of the logistic model.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../src/engine/backend.ts';
import { kernelShap } from '../src/explain/kernel-shap.ts';
import { onnxPredictFn } from '../src/explain/onnx-predict.ts';
import { flatPredictFn, linearPredictFn } from '../src/explain/model-call.ts';
import { permutationImportance } from '../src/explain/permutation-importance.ts';
import type { PredictFn } from '../src/explain/types.ts';
import { buildMlp } from '../src/models/architectures.ts';

/** One timing row. */
export interface ExplainBenchRow {
  task: string;
  model: string;
  msPerItem: number;
  unit: string;
}

/** Python shap's KernelExplainer on the logistic model, ms/row: the figure, not measured here. */
export const SHAP_REFERENCE_MS_PER_ROW: readonly [number, number] = [21, 24];

/** Median ms per row of `runs` timed passes over `rows` (after one warm-up explanation). */
async function msPerRow(f: PredictFn, rows: readonly Float64Array[], background: readonly Float64Array[], runs: number): Promise<number> {
  await kernelShap(f, rows[0], background, { seed: 0 });
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    for (const r of rows) await kernelShap(f, r, background, { seed: 0 });
    times.push((performance.now() - t0) / rows.length);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

/**
 * Times KernelSHAP and permutation importance.
 *
 * @example
 * ```ts
 * const rows = await benchExplain();
 * ```
 */
export async function benchExplain(): Promise<ExplainBenchRow[]> {
  const golden = new URL('../test/fixtures/golden/', import.meta.url);
  const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('breast_cancer_shapley_logreg.json', golden)), 'utf8')) as {
    model: { w_raw: number[]; b_raw: number };
    background_50: { idx: number[]; rows: { x: number[] }[] };
  };
  const { model } = fixture;
  const lines = readFileSync(fileURLToPath(new URL('breast_cancer.csv', golden)), 'utf8').trim().split('\n').slice(1);
  const X = lines.map((l) => Float64Array.from(l.split(',').slice(0, 30).map(Number)));
  const y = lines.map((l) => Number(l.split(',')[30]));

  const out: ExplainBenchRow[] = [];
  const task50 = 'KernelSHAP (30 features, 50-row background, 2108 coalitions)';
  const bg50 = fixture.background_50.idx.map((i) => X[i]);
  const rows50 = fixture.background_50.rows.map((r) => Float64Array.from(r.x));
  const closedForm = linearPredictFn(model.w_raw, model.b_raw);
  const flat = flatPredictFn(closedForm.flat!, 30); // the same function, not declared linear
  const rowWise: PredictFn = (rs) => rs.map((r) => r.reduce((s, v, i) => s + v * model.w_raw[i], model.b_raw));
  for (const [name, f, runs] of [
    ['logistic regression (linearPredictFn: closed form)', closedForm, 9],
    ['logistic regression (flat JS, every masked row)', flat, 5],
    ['logistic regression (row-wise JS)', rowWise, 3],
  ] as const) {
    out.push({ task: task50, model: name, msPerItem: await msPerRow(f, rows50, bg50, runs), unit: 'ms/row' });
  }

  await initEngine({ backend: 'wasm' });
  const mlp = buildMlp(30, 2, { hidden: [64, 32], seed: 1 });
  let scratch = new Float32Array(0);
  const mlpFlat = flatPredictFn((batch, n) => {
    if (scratch.length !== batch.length) scratch = new Float32Array(batch.length);
    scratch.set(batch);
    return tf.tidy(() => (mlp.predict(tf.tensor2d(scratch, [n, 30]), { batchSize: n }) as tf.Tensor).slice([0, 1], [n, 1]).dataSync());
  }, 30);
  out.push({
    task: 'KernelSHAP (30 features, 100-row background, 2108 coalitions)',
    model: 'MLP 64-32 (tfjs wasm, flat batches of 4096)',
    msPerItem: await msPerRow(mlpFlat, X.slice(200, 205), X.slice(0, 100), 1),
    unit: 'ms/row',
  });
  const ort = await onnxPredictFn(mlp, { column: 1 });
  try {
    out.push({
      task: 'KernelSHAP (30 features, 100-row background, 2108 coalitions)',
      model: 'MLP 64-32 (onnxruntime, 1 thread, flat batches of 4096)',
      msPerItem: await msPerRow(ort.predict, X.slice(200, 205), X.slice(0, 100), 1),
      unit: 'ms/row',
    });
  } finally {
    await ort.release();
  }
  mlp.dispose();

  const t0 = performance.now();
  const scorer = (rs: readonly ArrayLike<number>[], ys: readonly number[]) => {
    const f = rs.map((r) => {
      let s = model.b_raw;
      for (let i = 0; i < 30; i++) s += r[i] * model.w_raw[i];
      return s;
    });
    return f.reduce((acc, v, i) => acc + ((v > 0 ? 1 : 0) === ys[i] ? 1 : 0), 0) / ys.length;
  };
  await permutationImportance(scorer, X, y, { repeats: 10, seed: 0 });
  out.push({ task: 'permutation importance (569 rows, 30 features, 10 repeats)', model: 'logistic regression (JS)', msPerItem: performance.now() - t0, unit: 'ms/run' });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await benchExplain();
  console.table(rows);
  const [lo, hi] = SHAP_REFERENCE_MS_PER_ROW;
  for (const r of rows.filter((r) => r.task.includes('50-row'))) {
    console.log(`${r.model}: ${(lo / r.msPerItem).toFixed(1)}–${(hi / r.msPerItem).toFixed(1)}× the speed of shap's KernelExplainer at ${lo}–${hi} ms/row (the issue's reference figure, not measured here)`);
  }
}
