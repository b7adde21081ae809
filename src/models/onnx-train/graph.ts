/**
 * A thin layer over {@link OnnxGraphBuilder} for the training compiler: one-output nodes,
 * anonymous float/int64 constants, and values that carry their static shape.
 *
 * @module
 */
import { OnnxGraphBuilder, type BuilderAttr } from '../onnx/builder.ts';

/**
 * A value of the graph with its static (physical) shape. Rank-4 values are NCHW inside the
 * graph; `nchw` says so (their logical TF.js shape is NHWC).
 *
 * @example
 * ```ts
 * const v: Value = { name: 'x_nchw', shape: [32, 1, 28, 28], nchw: true };
 * ```
 */
export interface Value {
  name: string;
  shape: number[];
  nchw: boolean;
}

/**
 * Builds one graph: `op` adds a node with one output, `f32` / `i64` add constants.
 *
 * @example
 * ```ts
 * const g = new Graph('step');
 * const x = g.builder.input('x', [2, 3]);
 * const y = g.op('Mul', [x, g.f32([2], [])]);
 * g.builder.output(y);
 * ```
 */
export class Graph {
  readonly builder: OnnxGraphBuilder;
  private consts = 0;
  private readonly cache = new Map<string, string>();

  constructor(name: string) {
    this.builder = new OnnxGraphBuilder({ opset: 17, name });
  }

  /** Adds a node and returns its single output's name (`out` names it, e.g. for a graph output). */
  op(type: string, inputs: string[], attrs: Record<string, BuilderAttr> = {}, out?: string): string {
    return this.builder.node(type, inputs, attrs, out ? { outputs: [out] } : {})[0];
  }

  /** Adds a node with `n` outputs. */
  opN(type: string, inputs: string[], n: number, attrs: Record<string, BuilderAttr> = {}): string[] {
    return this.builder.node(type, inputs, attrs, { outputs: n });
  }

  /** A float32 constant (small ones are shared). */
  f32(values: ArrayLike<number>, dims: number[]): string {
    return this.constant(values, dims, 'float32');
  }

  /** An int64 constant (shapes, axes, indices; small ones are shared). */
  i64(values: ArrayLike<number>, dims: number[] = [values.length]): string {
    return this.constant(values, dims, 'int64');
  }

  private constant(values: ArrayLike<number>, dims: number[], dtype: 'float32' | 'int64'): string {
    const key = values.length <= 16 ? `${dtype}:${dims.join('x')}:${Array.from(values).join(',')}` : undefined;
    const hit = key ? this.cache.get(key) : undefined;
    if (hit) return hit;
    const name = this.builder.initializer(`c${this.consts++}`, dims, values, dtype);
    if (key) this.cache.set(key, name);
    return name;
  }
}

/**
 * Number of elements of a shape.
 *
 * @example
 * ```ts
 * size([2, 3, 4]); // 24
 * ```
 */
export function size(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}
