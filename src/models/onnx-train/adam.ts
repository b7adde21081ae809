/**
 * The AdamW update as graph nodes, in the same operations and order as transferkit's `AdamW`
 * (src/transfer/train.ts): `m ← β1·m + (1 − β1)·g`, `v ← β2·v + (1 − β2)·g²`,
 * `w ← (m / c1) / (√(v / c2) + ε) · (−lr) + w`, then `w ← w − w_old·lr·decay` for kernels. The
 * per-weight input `adam:<weight>` = `[lr · multiplier, 1 − β1^t, 1 − β2^t]` carries the
 * learning rate and each weight's own bias correction (weights that join later keep their own
 * step count, as in `AdamW`).
 *
 * @module
 */
import type { Graph } from './graph.ts';
import type { ParamSpec } from './lower.ts';

/** Adam's constants. */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Decoupled weight decay of kernels (rank ≥ 2). */
  weightDecay: number;
}

/**
 * Graph names of a weight's optimiser inputs and outputs.
 *
 * @example
 * ```ts
 * adamNames(spec).newW; // 'new:conv1/kernel'
 * ```
 */
export function adamNames(spec: ParamSpec): { m: string; v: string; hyper: string; newW: string; newM: string; newV: string } {
  return { m: `m:${spec.tfName}`, v: `v:${spec.tfName}`, hyper: `adam:${spec.tfName}`, newW: `new:${spec.tfName}`, newM: `new_m:${spec.tfName}`, newV: `new_v:${spec.tfName}` };
}

/**
 * Emits one weight's update; declares its `m`, `v` and `adam:` inputs and its three outputs.
 *
 * @example
 * ```ts
 * emitAdam(g, spec, 'w:dense/kernel', gradName, { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 });
 * ```
 */
export function emitAdam(g: Graph, spec: ParamSpec, weight: string, grad: string, c: AdamConstants): void {
  const names = adamNames(spec);
  const m = g.builder.input(names.m, spec.onnxShape);
  const v = g.builder.input(names.v, spec.onnxShape);
  const hyper = g.builder.input(names.hyper, [3]);
  const [lr, c1, c2] = g.opN('Split', [hyper], 3, { axis: 0 });
  const newM = g.op('Add', [g.op('Mul', [m, g.f32([c.beta1], [])]), g.op('Mul', [grad, g.f32([1 - c.beta1], [])])], {}, names.newM);
  const newV = g.op('Add', [g.op('Mul', [v, g.f32([c.beta2], [])]), g.op('Mul', [g.op('Mul', [grad, grad]), g.f32([1 - c.beta2], [])])], {}, names.newV);
  const step = g.op('Div', [g.op('Div', [newM, c1]), g.op('Add', [g.op('Sqrt', [g.op('Div', [newV, c2])]), g.f32([c.epsilon], [])])]);
  const decays = c.weightDecay > 0 && spec.decay;
  const moved = g.op('Add', [g.op('Mul', [step, g.op('Neg', [lr])]), weight], {}, decays ? undefined : names.newW);
  if (decays) g.op('Sub', [moved, g.op('Mul', [weight, g.op('Mul', [lr, g.f32([c.weightDecay], [])])])], {}, names.newW);
  g.builder.output(names.newW);
  g.builder.output(names.newM);
  g.builder.output(names.newV);
}
