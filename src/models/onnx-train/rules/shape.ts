/**
 * Layers that only move values: Flatten and Reshape (in TF.js's NHWC order, so a Dense kernel
 * after a convolution is reused unchanged: images are transposed to NHWC first), ZeroPadding2D
 * (`Pad`; backward `Slice`) and Dropout (a multiplication by a seeded mask fed as an input;
 * the identity in the evaluation graph).
 *
 * @module
 */
import type { Value } from '../graph.ts';
import { size } from '../graph.ts';
import { unsupported } from '../lower.ts';
import type { Forward, Rule, RuleContext } from './types.ts';

function toLogical(ctx: RuleContext, x: Value): string {
  return x.nchw ? ctx.g.op('Transpose', [x.name], { perm: [0, 2, 3, 1] }) : x.name;
}

function logicalShape(x: Value): number[] {
  return x.nchw ? [x.shape[0], x.shape[2], x.shape[3], x.shape[1]] : x.shape;
}

/** Shape for a Reshape whose batch dim is copied from the input (0), so it fits any batch size. */
function batchFree(shape: number[]): number[] {
  return [0, ...shape.slice(1)];
}

/**
 * The rule for `flatten` operations.
 *
 * @example
 * ```ts
 * const { y } = flattenRule.forward(op, x, ctx); // [n, h·w·c] in NHWC order
 * ```
 */
export const flattenRule: Rule = {
  forward(_op, x, ctx) {
    if (x.shape.length === 2) return { y: x, saved: {} };
    const y = ctx.g.op('Reshape', [toLogical(ctx, x), ctx.g.i64([0, -1])]);
    return { y: { name: y, shape: [x.shape[0], size(x.shape) / x.shape[0]], nchw: false }, saved: {} };
  },
  backward(_op, x, _fwd, dy, ctx) {
    if (x.shape.length === 2) return { dx: dy, grads: {} };
    const back = ctx.g.op('Reshape', [dy, ctx.g.i64(batchFree(logicalShape(x)))]);
    return { dx: x.nchw ? ctx.g.op('Transpose', [back], { perm: [0, 3, 1, 2] }) : back, grads: {} };
  },
};

/**
 * The rule for `reshape` operations (target shape in TF.js's NHWC terms).
 *
 * @example
 * ```ts
 * const { y } = reshapeRule.forward({ ...op, attrs: { target: [7, 7, 64] } }, x, ctx);
 * ```
 */
export const reshapeRule: Rule = {
  forward(op, x, ctx) {
    const target = (op.attrs.target as number[]).slice();
    const per = size(x.shape) / x.shape[0];
    const known = target.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    const full = target.map((d) => (d === -1 ? per / known : d));
    if (size(full) !== per) throw unsupported(op.layer, op.className, `target shape [${target.join(', ')}] does not hold ${per} values`);
    const r = ctx.g.op('Reshape', [toLogical(ctx, x), ctx.g.i64([0, ...full])]);
    if (full.length === 3) {
      const y = ctx.g.op('Transpose', [r], { perm: [0, 3, 1, 2] });
      return { y: { name: y, shape: [x.shape[0], full[2], full[0], full[1]], nchw: true }, saved: {} };
    }
    return { y: { name: r, shape: [x.shape[0], ...full], nchw: false }, saved: {} };
  },
  backward(_op, x, fwd, dy, ctx) {
    const logical = fwd.y.nchw ? ctx.g.op('Transpose', [dy], { perm: [0, 2, 3, 1] }) : dy;
    const back = ctx.g.op('Reshape', [logical, ctx.g.i64(batchFree(logicalShape(x)))]);
    return { dx: x.nchw ? ctx.g.op('Transpose', [back], { perm: [0, 3, 1, 2] }) : back, grads: {} };
  },
};

/**
 * The rule for `pad` (ZeroPadding2D) operations.
 *
 * @example
 * ```ts
 * const { y } = padRule.forward({ ...op, attrs: { top: 1, bottom: 1, left: 1, right: 1 } }, x, ctx);
 * ```
 */
export const padRule: Rule = {
  forward(op, x, ctx) {
    if (!x.nchw) throw unsupported(op.layer, op.className, `its input has shape [${x.shape.join(', ')}]; images (rank 4) are needed`);
    const { top, bottom, left, right } = op.attrs as Record<string, number>;
    const y = ctx.g.op('Pad', [x.name, ctx.g.i64([0, 0, top, left, 0, 0, bottom, right])]);
    const [n, c, h, w] = x.shape;
    return { y: { name: y, shape: [n, c, h + top + bottom, w + left + right], nchw: true }, saved: {} };
  },
  backward(op, x, _fwd, dy, ctx) {
    const { top, left } = op.attrs as Record<string, number>;
    const [, , h, w] = x.shape;
    return { dx: ctx.g.op('Slice', [dy, ctx.g.i64([top, left]), ctx.g.i64([top + h, left + w]), ctx.g.i64([2, 3])]), grads: {} };
  },
};

/**
 * The rule for `dropout` operations: `x · mask`, the mask (0 or 1/(1 − rate)) an input.
 *
 * @example
 * ```ts
 * const { y, saved } = dropoutRule.forward(op, x, ctx); // saved.mask names the input
 * ```
 */
export const dropoutRule: Rule = {
  forward(op, x, ctx): Forward {
    if (!ctx.training) return { y: x, saved: {} };
    const mask = ctx.extraInput(`mask:${op.layer}`, x.shape, op.attrs.rate as number);
    return { y: { ...x, name: ctx.g.op('Mul', [x.name, mask]) }, saved: { mask } };
  },
  backward(_op, _x, fwd, dy, ctx) {
    return { dx: ctx.g.op('Mul', [dy, fwd.saved.mask]), grads: {} };
  },
};
