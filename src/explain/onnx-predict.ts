/**
 * Model-agnostic explanations through onnxruntime: a TF.js layers model compiled once to an ONNX
 * evaluation graph (the ONNX training engine's compiler, `src/models/onnx-train`) and run by one
 * persistent session, as a {@link PredictFn} with a flat fast path. On the 30-64-32-2 MLP of
 * `bench/explain.ts` this ran batch inference about 5–7× faster than TF.js wasm, matching its
 * outputs to about 2e-7 (float32).
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { TransferkitError } from '../errors.ts';
import { compileEval, createTrainSession, lowerModel, runSession, toOnnxLayout } from '../models/onnx-train/index.ts';
import { flatPredictFn } from './model-call.ts';
import type { PredictFn } from './types.ts';

/**
 * Options for {@link onnxPredictFn}.
 *
 * @example
 * ```ts
 * const opts: OnnxPredictOptions = { column: 1, transform: (p) => Math.log(p / (1 - p)) };
 * ```
 */
export interface OnnxPredictOptions {
  /** The output column explained (default 0; required in range when the model has several outputs). */
  column?: number;
  /** Applied to the selected output, e.g. a logit link (default none). */
  transform?: (value: number) => number;
  /** Rows per session run (default 4096). */
  batchSize?: number;
  /** onnxruntime intra-op threads (default 1). */
  threads?: number;
}

/**
 * A predictor on onnxruntime; call `release()` when done (the session holds native memory).
 *
 * @example
 * ```ts
 * const { predict, release } = await onnxPredictFn(model, { column: 1 });
 * try { await kernelShap(predict, x, background); } finally { await release(); }
 * ```
 */
export interface OnnxPredictor {
  /** One output column per row (row form and flat fast path). */
  predict: PredictFn;
  /** Outputs per row of the model. */
  outputs: number;
  /** Releases the onnxruntime session. */
  release(): Promise<void>;
}

/**
 * All output columns of a model on onnxruntime, for packed float32 rows; call `release()` when
 * done (the session holds native memory).
 *
 * @example
 * ```ts
 * const p = await onnxProbsFn(model);
 * try { const probs = await p.probs(rows, n); } finally { await p.release(); }
 * ```
 */
export interface OnnxProbs {
  /** The model's outputs (`n × outputs`, row-major) for `n` rows packed row-major in `flat`. */
  probs(flat: Float32Array, n: number): Promise<Float32Array>;
  /** Input values per row. */
  per: number;
  /** Outputs per row. */
  outputs: number;
  /** Releases the onnxruntime session (idempotent). */
  release(): Promise<void>;
}

/**
 * Compiles `model` (in inference mode; its weights as they are now) to an ONNX evaluation graph
 * and opens one session for it. Throws `ONNX_TRAIN_UNSUPPORTED` naming a layer the compiler
 * lacks (run the model through TF.js instead).
 *
 * @example
 * ```ts
 * const p = await onnxProbsFn(buildMlp(30, 2, { seed: 1 }));
 * const probs = await p.probs(new Float32Array(30), 1); // 2 values
 * await p.release();
 * ```
 */
export async function onnxProbsFn(model: tf.LayersModel, opts: Pick<OnnxPredictOptions, 'batchSize' | 'threads'> = {}): Promise<OnnxProbs> {
  const { ops, inputShape, output } = lowerModel(model);
  if (ops.length === 0) throw new TransferkitError('ONNX_TRAIN_UNSUPPORTED', `Model "${model.name}" has no layer to run`, { hint: 'Its output is its input.' });
  const k = model.outputs[0].shape.slice(1).reduce<number>((p, d) => p * (d ?? 1), 1);
  const batchSize = opts.batchSize ?? 4096;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new TransferkitError('BAD_OPTION', `batchSize must be a positive integer, got ${String(batchSize)}`, { where: 'batchSize' });
  }
  const per = inputShape.reduce((p, d) => p * d, 1);
  const graph = compileEval(ops, inputShape, output);
  const weights: Record<string, ort.Tensor> = {};
  for (const p of graph.params) weights[p.key] = new ort.Tensor('float32', toOnnxLayout(p.layout, p.variable.read().dataSync() as Float32Array, p.tfShape), p.onnxShape);
  const session = await createTrainSession(graph.bytes, opts.threads ?? 1);
  let released = false;
  const probs = async (flat: Float32Array, n: number): Promise<Float32Array> => {
    if (released) throw new TransferkitError('BAD_INPUT', 'this onnxruntime predictor was released', { where: 'predict' });
    if (flat.length !== n * per) {
      throw new TransferkitError('SHAPE_MISMATCH', `${n} rows of ${per} values need ${n * per} values, got ${flat.length}`, { where: 'predict' });
    }
    const out = new Float32Array(n * k);
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const x = new ort.Tensor('float32', flat.subarray(start * per, (start + m) * per), [m, ...inputShape]);
      const res = await runSession(session, { ...weights, x });
      out.set((res.probs.data as Float32Array).subarray(0, m * k), start * k);
      for (const t of Object.values(res)) t.dispose();
    }
    return out;
  };
  return {
    probs,
    per,
    outputs: k,
    release: async () => {
      if (released) return;
      released = true;
      await session.release();
    },
  };
}

/**
 * Compiles `model` (in inference mode; its weights as they are now) and opens one session.
 * Throws `ONNX_TRAIN_UNSUPPORTED` naming a layer the compiler lacks (explain through TF.js
 * instead), `BAD_TARGET` for a column out of range.
 *
 * @example
 * ```ts
 * const { predict, release } = await onnxPredictFn(buildMlp(30, 2, { seed: 1 }), { column: 1 });
 * ```
 */
export async function onnxPredictFn(model: tf.LayersModel, opts: OnnxPredictOptions = {}): Promise<OnnxPredictor> {
  const k = model.outputs[0].shape.slice(1).reduce<number>((p, d) => p * (d ?? 1), 1);
  const column = opts.column ?? 0;
  if (!Number.isInteger(column) || column < 0 || column >= k) {
    throw new TransferkitError('BAD_TARGET', `column ${String(column)} is not an output index in 0..${k - 1}`, { where: 'column' });
  }
  const core = await onnxProbsFn(model, opts);
  const { per } = core;
  const transform = opts.transform;
  let scratch = new Float32Array(0);
  const flat = async (batch: Float64Array, n: number): Promise<Float64Array> => {
    if (batch.length !== n * per) {
      throw new TransferkitError('SHAPE_MISMATCH', `${n} rows of ${per} values need ${n * per} values, got ${batch.length}`, { where: 'predict' });
    }
    if (scratch.length < batch.length) scratch = new Float32Array(batch.length);
    scratch.set(batch);
    const probs = await core.probs(scratch.subarray(0, batch.length), n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = probs[i * k + column];
      out[i] = transform === undefined ? v : transform(v);
    }
    return out;
  };
  return { predict: flatPredictFn(flat, per), outputs: k, release: core.release };
}
