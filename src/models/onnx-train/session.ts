/**
 * onnxruntime sessions for the training engine, with the options measured to matter on these
 * machines: graph optimisation `extended` (`all` inserts layout reorders around convolutions
 * whose weights change every step, ~4% slower), sequential execution, and intra-op thread
 * spinning **off** (`session.intra_op.allow_spinning = 0`; under load spinning made 2 threads
 * 2× slower than 1). The Node binding takes config entries as flat `extra` keys with string
 * values.
 *
 * @module
 */
import * as ort from 'onnxruntime-node';
import { TransferkitError } from '../../errors.ts';

/**
 * Creates a session for a compiled graph.
 *
 * @example
 * ```ts
 * const session = await createTrainSession(step.bytes, 1);
 * ```
 */
export async function createTrainSession(bytes: Uint8Array, threads: number): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      logSeverityLevel: 3,
      graphOptimizationLevel: 'extended',
      extra: { 'session.intra_op.allow_spinning': '0', 'session.inter_op.allow_spinning': '0' },
    });
  } catch (err) {
    throw new TransferkitError('ONNX_RUN_FAILED', `onnxruntime could not load the compiled training graph: ${(err as Error).message}`, {
      hint: 'This is a bug in the ONNX training engine; train with the TF.js engine (--engine tfjs) meanwhile.',
      cause: err,
    });
  }
}

/**
 * Runs a session, turning onnxruntime's failures into ONNX_RUN_FAILED.
 *
 * @example
 * ```ts
 * const out = await runSession(session, feeds);
 * ```
 */
export async function runSession(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.ReturnType> {
  try {
    return await session.run(feeds);
  } catch (err) {
    throw new TransferkitError('ONNX_RUN_FAILED', `onnxruntime failed to run the training graph: ${(err as Error).message}`, {
      hint: 'Check the input shapes; train with the TF.js engine (--engine tfjs) meanwhile.',
      cause: err,
    });
  }
}
