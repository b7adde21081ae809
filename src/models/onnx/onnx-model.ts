/**
 * What a loaded ONNX model is (the types `read.ts` produces and the rest of the ONNX code reads).
 *
 * @module
 */
import type { Onnx } from './proto.ts';

/** Dims in ONNX order; `null` for a symbolic or unknown dim (e.g. the batch). */
export type Shape = (number | null)[];

/** A graph input or output. */
export interface OnnxValueInfo {
  name: string;
  /** Dims in ONNX order; `null` for a symbolic or unknown dim. Undefined when the file gives no shape. */
  shape?: Shape;
  /** Symbolic dim names (`dim_param`, e.g. `batch`), `''` for fixed dims. */
  dimNames: string[];
  /** Element type, e.g. `float32`. */
  dtype: string;
}

/** A loaded and checked ONNX model. */
export interface OnnxModel {
  /** Absolute path of the file (or the `where` given to {@link parseOnnx}). */
  path: string;
  /** The decoded protobuf; external tensor data is already read in. */
  proto: Onnx.ModelProto;
  /** File size in bytes. */
  bytes: number;
  irVersion: number;
  /** Opset version of the default (`ai.onnx`) domain. */
  opset: number;
  producer: string;
  /** Graph inputs that are not initializers: what a caller feeds. */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Initializers (weights, constants) by name. */
  initializers: Map<string, Onnx.ITensorProto>;
  /** The nodes in topological order. */
  nodes: Onnx.INodeProto[];
}
