/**
 * Explanation timings, for a side-by-side with the Python SHAP library later: KernelSHAP per row
 * (30 features, 100-row background, default budget 2·M + 2048 coalitions) and permutation
 * importance (10 repeats), on the breast-cancer golden data with its logistic-regression model,
 * and the same KernelSHAP through a TF.js MLP on the wasm backend.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../src/engine/backend.ts';
import { kernelShap } from '../src/explain/kernel-shap.ts';
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
  const { model } = JSON.parse(readFileSync(fileURLToPath(new URL('breast_cancer_shapley_logreg.json', golden)), 'utf8')) as { model: { w_raw: number[]; b_raw: number } };
  const lines = readFileSync(fileURLToPath(new URL('breast_cancer.csv', golden)), 'utf8').trim().split('\n').slice(1);
  const X = lines.map((l) => Float64Array.from(l.split(',').slice(0, 30).map(Number)));
  const y = lines.map((l) => Number(l.split(',')[30]));
  const background = X.slice(0, 100);
  const rows = X.slice(200, 210);
  const linear: PredictFn = (rs) => rs.map((r) => r.reduce((s, v, i) => s + v * model.w_raw[i], model.b_raw));

  await initEngine({ backend: 'wasm' });
  const mlp = buildMlp(30, 2, { hidden: [64, 32], seed: 1 });
  const mlpFn: PredictFn = (rs) =>
    tf.tidy(() => {
      const flat = new Float32Array(rs.length * 30);
      rs.forEach((r, i) => flat.set(r, i * 30));
      return (mlp.predict(tf.tensor2d(flat, [rs.length, 30])) as tf.Tensor).slice([0, 1], [rs.length, 1]).dataSync();
    });

  const out: ExplainBenchRow[] = [];
  for (const [name, f] of [['logistic regression (JS)', linear], ['MLP 64-32 (tfjs wasm)', mlpFn]] as const) {
    await kernelShap(f, rows[0], background, { seed: 0 }); // warm-up
    const t0 = performance.now();
    for (const r of rows) await kernelShap(f, r, background, { seed: 0 });
    out.push({ task: 'KernelSHAP (30 features, 100-row background, 2108 coalitions)', model: name, msPerItem: (performance.now() - t0) / rows.length, unit: 'ms/row' });
  }
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
  mlp.dispose();
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await benchExplain());
