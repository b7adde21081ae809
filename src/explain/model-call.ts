/**
 * Calling a {@link PredictFn} safely: await it, check one finite output per row. Rows can go to
 * the model as row views or, when the model has a {@link FlatPredictFn} fast path, packed in one
 * reused Float64Array, in a few large calls.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import type { FlatPredictFn, PredictFn } from './types.ts';

/**
 * Checks a model's raw output (one finite number per row) and copies it into `into` at `offset`
 * (a new Float64Array when `into` is not given). Throws `BAD_MODEL_OUTPUT` on a wrong length or a
 * non-finite value.
 *
 * @example
 * ```ts
 * const out = checkModelOutput([1, 2], 2, 'predict'); // Float64Array [1, 2]
 * ```
 */
export function checkModelOutput(out: unknown, n: number, where: string, into?: Float64Array, offset = 0): Float64Array {
  if (out === null || typeof out !== 'object' || typeof (out as ArrayLike<number>).length !== 'number') {
    throw new TransferkitError('BAD_MODEL_OUTPUT', `${where} returned ${typeof out}, not an array of numbers`, {
      where,
      hint: 'The predict function must return one number per input row (pick the class/output to explain).',
    });
  }
  const arr = out as ArrayLike<number>;
  if (arr.length !== n) {
    throw new TransferkitError('BAD_MODEL_OUTPUT', `${where} returned ${arr.length} outputs for ${n} rows`, {
      where,
      hint: 'Return exactly one number per row; for multi-output models, select the output to explain.',
    });
  }
  const res = into ?? new Float64Array(n);
  if (arr instanceof Float64Array || arr instanceof Float32Array) {
    // Typed arrays hold numbers: only finiteness to check (NaN fails v − v === 0, as do ±∞).
    let bad = -1;
    for (let i = 0; i < n; i++) {
      const v = arr[i];
      if (v - v !== 0) {
        bad = i;
        break;
      }
      res[offset + i] = v;
    }
    if (bad < 0) return res;
  }
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TransferkitError('BAD_MODEL_OUTPUT', `${where} returned ${String(v)} for row ${i}`, {
        where,
        hint: 'The model produced a non-finite value; check its inputs and the chosen output/link.',
      });
    }
    res[offset + i] = v;
  }
  return res;
}

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
  return checkModelOutput(await predict(rows), rows.length, where);
}

/**
 * Calls `predict` on `n` rows packed row-major in `batch` (`n · width` values): through its
 * {@link FlatPredictFn} fast path when it has one, else on row views. `views` may hold reusable
 * row views over `batch` (at least `n`); outputs are checked and written to `into` at `offset`.
 *
 * @example
 * ```ts
 * const out = await callModelFlat(predict, Float64Array.of(1, 2, 3, 4), 2, 2); // 2 outputs
 * ```
 */
export async function callModelFlat(
  predict: PredictFn,
  batch: Float64Array,
  n: number,
  width: number,
  where = 'model',
  into?: Float64Array,
  offset = 0,
  views?: Float64Array[],
): Promise<Float64Array> {
  const used = batch.length === n * width ? batch : batch.subarray(0, n * width);
  if (predict.flat !== undefined) return checkModelOutput(await predict.flat(used, n), n, where, into, offset);
  let rows: Float64Array[];
  if (views !== undefined && views.length >= n) rows = views.length === n ? views : views.slice(0, n);
  else rows = Array.from({ length: n }, (_, i) => used.subarray(i * width, (i + 1) * width));
  return checkModelOutput(await predict(rows), n, where, into, offset);
}

/**
 * Calls `predict` on `rows` in chunks of at most `batchSize` rows and concatenates the outputs.
 * A model with a flat fast path gets the rows packed into one reused buffer per chunk.
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
  const out = new Float64Array(rows.length);
  if (predict.flat !== undefined && rows.length > 0) {
    const width = rows[0].length;
    const buffer = new Float64Array(Math.min(batchSize, rows.length) * width);
    for (let start = 0; start < rows.length; start += batchSize) {
      const count = Math.min(batchSize, rows.length - start);
      for (let r = 0; r < count; r++) {
        const row = rows[start + r];
        if (row.length !== width) {
          throw new TransferkitError('SHAPE_MISMATCH', `row ${start + r} has ${row.length} values, not ${width}`, { where });
        }
        buffer.set(row, r * width);
      }
      await callModelFlat(predict, buffer, count, width, where, out, start);
    }
    return out;
  }
  if (rows.length <= batchSize) return callModel(predict, rows, where);
  for (let start = 0; start < rows.length; start += batchSize) {
    checkModelOutput(await predict(rows.slice(start, start + batchSize)), Math.min(batchSize, rows.length - start), where, out, start);
  }
  return out;
}

/**
 * A {@link PredictFn} from a model over packed rows of `width` values: the row form packs its
 * rows and calls `flat`; explainers call `flat` directly on their own reused buffers.
 *
 * @example
 * ```ts
 * const f = flatPredictFn((batch, n) => Float64Array.from({ length: n }, (_, i) => batch[2 * i] + batch[2 * i + 1]), 2);
 * await f([Float64Array.of(1, 2)]); // [3]
 * ```
 */
export function flatPredictFn(flat: FlatPredictFn, width: number): PredictFn {
  if (!Number.isInteger(width) || width < 1) {
    throw new TransferkitError('BAD_OPTION', `width must be a positive integer, got ${String(width)}`, { where: 'width' });
  }
  const rowsFn = (rows: Float64Array[]) => {
    const batch = new Float64Array(rows.length * width);
    rows.forEach((r, i) => {
      if (r.length !== width) {
        throw new TransferkitError('SHAPE_MISMATCH', `row ${i} has ${r.length} values, not ${width}`, { where: 'predict' });
      }
      batch.set(r, i * width);
    });
    return flat(batch, rows.length);
  };
  return Object.assign(rowsFn, { flat });
}

/**
 * A linear model f(x) = w·x + b (e.g. a logistic regression explained in log-odds) as a
 * {@link PredictFn} with a flat fast path, evaluated in float64.
 *
 * @example
 * ```ts
 * const f = linearPredictFn([0.5, -2], 1);
 * await f([Float64Array.of(2, 1)]); // [0]
 * ```
 */
export function linearPredictFn(weights: ArrayLike<number>, bias = 0): PredictFn {
  const w = Float64Array.from(weights);
  const d = w.length;
  if (d === 0 || !w.every(Number.isFinite) || !Number.isFinite(bias)) {
    throw new TransferkitError('BAD_INPUT', 'linear model weights and bias must be finite (at least one weight)', { where: 'weights' });
  }
  const f = flatPredictFn((batch, n) => {
    const out = new Float64Array(n);
    for (let i = 0, off = 0; i < n; i++, off += d) {
      let s = bias;
      for (let j = 0; j < d; j++) s += w[j] * batch[off + j];
      out[i] = s;
    }
    return out;
  }, d);
  return Object.assign(f, { linear: { weights: w, bias } });
}
