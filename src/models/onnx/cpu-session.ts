/**
 * The onnxruntime CPU session transferkit uses to run ONNX models frozen (feature extractors,
 * text encoders): full graph optimisation, sequential execution, a set number of intra-op
 * threads, and thread spinning off unless asked for (under load, spinning threads slow every
 * other process down).
 *
 * @module
 */
import * as ort from 'onnxruntime-node';
import { TransferkitError } from '../../errors.ts';

/**
 * Creates an inference session for model bytes; `where` names the model in errors.
 *
 * @throws TransferkitError `UNSUPPORTED_MODEL` when onnxruntime cannot load the model.
 * @example
 * ```ts
 * const session = await createCpuSession(bytes, { threads: 1, where: 'encoder.onnx' });
 * await session.release();
 * ```
 */
export async function createCpuSession(bytes: Uint8Array, opts: { threads: number; spinning?: boolean; where: string }): Promise<ort.InferenceSession> {
  const allow = opts.spinning ? '1' : '0';
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      extra: { 'session.intra_op.allow_spinning': allow, 'session.inter_op.allow_spinning': allow },
    });
  } catch (err) {
    throw new TransferkitError('UNSUPPORTED_MODEL', `onnxruntime could not load the model: ${(err as Error).message}`, {
      where: opts.where,
      hint: 'The model may use ops or an opset this onnxruntime-node version does not support.',
      cause: err,
    });
  }
}
