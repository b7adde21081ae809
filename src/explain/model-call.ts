/**
 * Calling a {@link PredictFn} safely: await it, check one finite output per row.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import type { PredictFn } from './types.ts';

/**
 * Calls `predict` on `rows` and returns its outputs as a Float64Array, throwing
 * `BAD_MODEL_OUTPUT` when the model returns the wrong number of outputs or a non-finite one.
 *
 * @example
 * ```ts
 * const out = await callModel((rows) => rows.map((r) => r[0] * 2), [Float64Array.of(1)]); // [2]
 * ```
 */
export async function callModel(predict: PredictFn, rows: Float64Array[], where = 'model'): Promise<Float64Array> {
  const out = await predict(rows);
  if (out === null || typeof out !== 'object' || typeof out.length !== 'number') {
    throw new TransferkitError('BAD_MODEL_OUTPUT', `${where} returned ${typeof out}, not an array of numbers`, {
      where,
      hint: 'The predict function must return one number per input row (pick the class/output to explain).',
    });
  }
  if (out.length !== rows.length) {
    throw new TransferkitError('BAD_MODEL_OUTPUT', `${where} returned ${out.length} outputs for ${rows.length} rows`, {
      where,
      hint: 'Return exactly one number per row; for multi-output models, select the output to explain.',
    });
  }
  const res = new Float64Array(out.length);
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TransferkitError('BAD_MODEL_OUTPUT', `${where} returned ${String(v)} for row ${i}`, {
        where,
        hint: 'The model produced a non-finite value; check its inputs and the chosen output/link.',
      });
    }
    res[i] = v;
  }
  return res;
}

/**
 * Calls `predict` on `rows` in chunks of at most `batchSize` rows and concatenates the outputs.
 *
 * @example
 * ```ts
 * const out = await callModelBatched(predict, rows, 1024);
 * ```
 */
export async function callModelBatched(
  predict: PredictFn,
  rows: Float64Array[],
  batchSize: number,
  where = 'model',
): Promise<Float64Array> {
  if (rows.length <= batchSize) return callModel(predict, rows, where);
  const out = new Float64Array(rows.length);
  for (let start = 0; start < rows.length; start += batchSize) {
    const part = await callModel(predict, rows.slice(start, start + batchSize), where);
    out.set(part, start);
  }
  return out;
}
