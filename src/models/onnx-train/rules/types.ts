/**
 * The contract of a gradient rule: one per primitive operation kind, each emitting plain ONNX
 * nodes for its forward pass and, from the upstream gradient, its backward pass (the input
 * gradient when asked, and the gradient of every trainable weight) — the shape of onnxruntime's
 * `gradient_builder`.
 *
 * @module
 */
import type { Graph, Value } from '../graph.ts';
import type { ParamSpec, PrimOp } from '../lower.ts';

/** What a rule may use while it emits nodes. */
export interface RuleContext {
  g: Graph;
  /** Building the training step (batch statistics, dropout on) rather than the evaluation graph. */
  training: boolean;
  /** The graph input that holds a weight. */
  param(spec: ParamSpec): string;
  /** Declares an extra float input (a dropout mask) and returns its name. */
  extraInput(name: string, shape: number[], rate: number): string;
  /** Records a new value of a state weight (BatchNorm running statistics). */
  stateOut(spec: ParamSpec, value: string): void;
}

/** A forward pass: the output and the values the backward pass reuses. */
export interface Forward {
  y: Value;
  saved: Record<string, string>;
}

/** A backward pass: the input gradient (when asked) and gradients by weight role. */
export interface Backward {
  dx?: string;
  grads: Record<string, string>;
}

/**
 * A gradient rule.
 *
 * @example
 * ```ts
 * const rule: Rule = { forward: (op, x, ctx) => ({ y: x, saved: {} }), backward: (op, x, f, dy) => ({ dx: dy, grads: {} }) };
 * ```
 */
export interface Rule {
  forward(op: PrimOp, x: Value, ctx: RuleContext): Forward;
  backward(op: PrimOp, x: Value, fwd: Forward, dy: string, ctx: RuleContext, needDx: boolean): Backward;
}

/**
 * Whether a weight of an operation is there and trains.
 *
 * @example
 * ```ts
 * if (trains(op, 'bias')) grads.bias = g.op('ReduceSum', [dy, g.i64([0])], { keepdims: 0 });
 * ```
 */
export function trains(op: PrimOp, role: string): boolean {
  return op.params[role]?.trainable === true;
}
