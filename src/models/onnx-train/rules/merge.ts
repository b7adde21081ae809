/**
 * Layers that join branches: Add (`Sum`; every input gets the output gradient) and
 * Concatenate (`Concat` on the channel axis or any other; backward `Split`). The compiler sums
 * the gradients of a value that feeds several layers.
 *
 * @module
 */
import type { Value } from '../graph.ts';
import type { PrimOp } from '../lower.ts';
import { unsupported } from '../lower.ts';
import type { Forward, RuleContext } from './types.ts';

/**
 * A rule for an operation with several inputs.
 *
 * @example
 * ```ts
 * const { y } = addRule.forward(op, [a, b], ctx);
 * ```
 */
export interface MergeRule {
  forward(op: PrimOp, xs: Value[], ctx: RuleContext): Forward;
  /** The gradient of each input (`undefined` where not needed). */
  backward(op: PrimOp, xs: Value[], fwd: Forward, dy: string, ctx: RuleContext, needDx: boolean[]): (string | undefined)[];
}

/**
 * The rule for `add` operations (inputs of equal shape).
 *
 * @example
 * ```ts
 * const { y } = addRule.forward(op, [a, b], ctx);
 * ```
 */
export const addRule: MergeRule = {
  forward(op, xs, ctx) {
    const s = xs[0].shape.join(',');
    if (xs.some((x) => x.shape.join(',') !== s || x.nchw !== xs[0].nchw)) throw unsupported(op.layer, op.className, 'its inputs have different shapes (broadcasting is not supported)');
    return { y: { ...xs[0], name: ctx.g.op('Sum', xs.map((x) => x.name)) }, saved: {} };
  },
  backward(_op, xs, _fwd, dy, _ctx, needDx) {
    return xs.map((_, i) => (needDx[i] ? dy : undefined));
  },
};

/** The physical axis of a TF.js (logical) axis. */
function physicalAxis(x: Value, axis: number): number {
  const a = axis < 0 ? axis + x.shape.length : axis;
  return x.nchw ? [0, 2, 3, 1][a] : a;
}

/**
 * The rule for `concat` operations.
 *
 * @example
 * ```ts
 * const { y } = concatRule.forward({ ...op, attrs: { axis: -1 } }, [a, b], ctx); // channels joined
 * ```
 */
export const concatRule: MergeRule = {
  forward(op, xs, ctx) {
    if (xs.some((x) => x.nchw !== xs[0].nchw || x.shape.length !== xs[0].shape.length)) throw unsupported(op.layer, op.className, 'its inputs have different ranks');
    const axis = physicalAxis(xs[0], op.attrs.axis as number);
    if (axis === 0) throw unsupported(op.layer, op.className, 'concatenation along the batch axis is not supported');
    const shape = xs[0].shape.slice();
    shape[axis] = xs.reduce((p, x) => p + x.shape[axis], 0);
    return { y: { name: ctx.g.op('Concat', xs.map((x) => x.name), { axis }), shape, nchw: xs[0].nchw }, saved: {} };
  },
  backward(op, xs, _fwd, dy, ctx, needDx) {
    const axis = physicalAxis(xs[0], op.attrs.axis as number);
    const parts = ctx.g.opN('Split', [dy, ctx.g.i64(xs.map((x) => x.shape[axis]))], xs.length, { axis });
    return parts.map((p, i) => (needDx[i] ? p : undefined));
  },
};
