/**
 * BatchNormalization over the channel axis. Training mode normalises with the batch's mean and
 * (biased) variance and moves the running statistics as TF.js does
 * (`stat − (stat − batch)·(1 − momentum)`); its input gradient is
 * `γ·inv·(dy − Σdy/M − x̂·Σ(dy·x̂)/M)`. Inference mode (the evaluation graph, and layers pinned by
 * `keepBatchNormInInference`) uses the running statistics as constants.
 *
 * @module
 */
import type { Value } from '../graph.ts';
import type { PrimOp } from '../lower.ts';
import type { RuleContext } from './types.ts';
import { trains, type Rule } from './types.ts';

function axes(x: Value): number[] {
  return x.shape.length === 4 ? [0, 2, 3] : x.shape.slice(0, -1).map((_, i) => i);
}

/** A [C] vector shaped to broadcast against x. */
function bcast(ctx: RuleContext, v: string, x: Value): string {
  if (x.shape.length !== 4) return v;
  return ctx.g.op('Reshape', [v, ctx.g.i64([x.shape[1], 1, 1])]);
}

function channels(x: Value): number {
  return x.shape.length === 4 ? x.shape[1] : x.shape[x.shape.length - 1];
}

function training(op: PrimOp, ctx: RuleContext): boolean {
  return ctx.training && op.attrs.inference !== true;
}

/**
 * The rule for `batchnorm` operations.
 *
 * @example
 * ```ts
 * const { y } = batchNormRule.forward(op, x, ctx);
 * ```
 */
export const batchNormRule: Rule = {
  forward(op, x, ctx) {
    const { g } = ctx;
    const eps = g.f32([op.attrs.epsilon as number], []);
    const gamma = op.params.gamma ? bcast(ctx, ctx.param(op.params.gamma), x) : undefined;
    const beta = op.params.beta ? bcast(ctx, ctx.param(op.params.beta), x) : undefined;
    let xhat: string;
    let inv: string;
    if (training(op, ctx)) {
      const ax = axes(x);
      const mean = g.op('ReduceMean', [x.name], { axes: ax, keepdims: 1 });
      const xc = g.op('Sub', [x.name, mean]);
      const variance = g.op('ReduceMean', [g.op('Mul', [xc, xc])], { axes: ax, keepdims: 1 });
      inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, eps])])]);
      xhat = g.op('Mul', [xc, inv]);
      const decay = g.f32([1 - (op.attrs.momentum as number)], []);
      const c = g.i64([channels(x)]);
      for (const [role, batch] of [['mean', mean], ['var', variance]] as const) {
        const spec = op.params[role];
        const old = ctx.param(spec);
        ctx.stateOut(spec, g.op('Sub', [old, g.op('Mul', [g.op('Sub', [old, g.op('Reshape', [batch, c])]), decay])]));
      }
    } else {
      inv = bcast(ctx, g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [ctx.param(op.params.var), eps])])]), x);
      xhat = g.op('Mul', [g.op('Sub', [x.name, bcast(ctx, ctx.param(op.params.mean), x)]), inv]);
    }
    let y = gamma ? g.op('Mul', [xhat, gamma]) : xhat;
    if (beta) y = g.op('Add', [y, beta]);
    return { y: { ...x, name: y }, saved: { xhat, inv, ...(gamma ? { gamma } : {}) } };
  },
  backward(op, x, fwd, dy, ctx, needDx) {
    const { g } = ctx;
    const { xhat, inv, gamma } = fwd.saved;
    const ax = g.i64(axes(x));
    const c = g.i64([channels(x)]);
    const grads: Record<string, string> = {};
    const train = training(op, ctx);
    const dbeta = trains(op, 'beta') || (needDx && train) ? g.op('ReduceSum', [dy, ax], { keepdims: 1 }) : undefined;
    const dgamma = trains(op, 'gamma') || (needDx && train) ? g.op('ReduceSum', [g.op('Mul', [dy, xhat]), ax], { keepdims: 1 }) : undefined;
    if (trains(op, 'beta')) grads.beta = g.op('Reshape', [dbeta!, c]);
    if (trains(op, 'gamma')) grads.gamma = g.op('Reshape', [dgamma!, c]);
    if (!needDx) return { grads };
    const scale = gamma ? g.op('Mul', [gamma, inv]) : inv;
    if (!train) return { dx: g.op('Mul', [dy, scale]), grads };
    const m = axes(x).reduce((p, a) => p * x.shape[a], 1);
    const invM = g.f32([1 / m], []);
    const centred = g.op('Sub', [g.op('Sub', [dy, g.op('Mul', [dbeta!, invM])]), g.op('Mul', [xhat, g.op('Mul', [dgamma!, invM])])]);
    return { dx: g.op('Mul', [centred, scale]), grads };
  },
};
