/**
 * Dense: forward `Gemm(x, W, b)`; gradients `dW = xᵀ·dy`, `db = Σ dy`, `dx = dy·Wᵀ` (Gemm with
 * transposes).
 *
 * @module
 */
import { unsupported } from '../lower.ts';
import { trains, type Rule } from './types.ts';

/**
 * The rule for `dense` operations.
 *
 * @example
 * ```ts
 * const { y } = denseRule.forward(op, x, ctx); // y.shape = [n, units]
 * ```
 */
export const denseRule: Rule = {
  forward(op, x, ctx) {
    if (x.shape.length !== 2) throw unsupported(op.layer, op.className, `its input has rank ${x.shape.length}; the ONNX engine applies Dense to rank-2 inputs (add a Flatten first)`);
    const inputs = [x.name, ctx.param(op.params.kernel)];
    if (op.params.bias) inputs.push(ctx.param(op.params.bias));
    const y = ctx.g.op('Gemm', inputs);
    return { y: { name: y, shape: [x.shape[0], op.params.kernel.onnxShape[1]], nchw: false }, saved: {} };
  },
  backward(op, x, _fwd, dy, ctx, needDx) {
    const { g } = ctx;
    const grads: Record<string, string> = {};
    if (trains(op, 'kernel')) grads.kernel = g.op('Gemm', [x.name, dy], { transA: 1 });
    if (trains(op, 'bias')) grads.bias = g.op('ReduceSum', [dy, g.i64([0])], { keepdims: 0 });
    const dx = needDx ? g.op('Gemm', [dy, ctx.param(op.params.kernel)], { transB: 1 }) : undefined;
    return { dx, grads };
  },
};
