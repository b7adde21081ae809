/**
 * Shape, Gather, Unsqueeze, Squeeze, Slice and Cast on values known at conversion time: the
 * shape arithmetic PyTorch exports (`x.view(x.size(0), -1)`), computed while converting with
 * the functions of shape-folding.ts. They make no layer; a step that cannot be computed (say,
 * arithmetic on the batch size) is an UNSUPPORTED_OP error.
 */
import { gatherConst, shapeOf, sliceConst, squeezeConst, unsqueezeConst } from '../shape-folding.ts';
import { ints, opFamily, type Const, type ConvertContext, type OnnxNode } from './context.ts';
import { onnxShape } from './layout.ts';

/** Input 0 as a constant (an UNSUPPORTED_OP error when it is computed). */
function constX(ctx: ConvertContext, op: string): Const {
  const x = ctx.get(0);
  if (x.kind !== 'const') ctx.unsupported(`${op} of a computed tensor (only shape arithmetic on values known before running, such as Shape → Gather → Reshape, converts)`);
  return x as Const;
}

/** Input i as a list of numbers, or undefined when the node leaves it out. */
function listInput(ctx: ConvertContext, i: number): number[] | undefined {
  return ctx.node.input?.[i] ? Array.from(ctx.constInput(i, `input ${i}`).data) : undefined;
}

/** The `axes` of Unsqueeze / Squeeze: an input from opset 13, an attribute before. */
function axes(ctx: ConvertContext, a: OnnxNode['attrs']): number[] {
  return ctx.opset >= 13 ? (listInput(ctx, 1) ?? []) : ints(a.axes, []);
}

/** Registers an op whose output is computed from input 0 (a constant) while converting. */
const folded = (compute: (c: Const, node: OnnxNode, ctx: ConvertContext) => Const) => (node: OnnxNode, ctx: ConvertContext) =>
  ctx.fold(node.out, () => compute(constX(ctx, node.op), node, ctx));

export const shapeArithmeticOps = opFamily('shape-arithmetic', {
  Shape: ({ out, attrs: a }, ctx) =>
    ctx.fold(out, () => {
      const x = ctx.get(0);
      const shape = x.kind === 'const' ? x.dims : onnxShape(x);
      return shapeOf(shape, Number(a.start ?? 0), a.end === undefined ? shape.length : Number(a.end));
    }),
  Gather: folded((c, { attrs: a }, ctx) => gatherConst(c, ctx.constInput(1, 'indices'), Number(a.axis ?? 0))),
  Unsqueeze: folded((c, { attrs: a }, ctx) => unsqueezeConst(c, axes(ctx, a))),
  Squeeze: folded((c, { attrs: a }, ctx) => squeezeConst(c, axes(ctx, a))),
  Slice: folded((c, { attrs: a }, ctx) =>
    ctx.opset < 10
      ? sliceConst(c, ints(a.starts, []), ints(a.ends, []), Array.isArray(a.axes) ? (a.axes as number[]) : undefined)
      : sliceConst(c, listInput(ctx, 1) ?? [], listInput(ctx, 2) ?? [], listInput(ctx, 3), listInput(ctx, 4)),
  ),
  Cast: folded((c, { attrs: a }) => {
    // to an integer type truncates; other types keep the values
    const toInt = [2, 3, 4, 5, 6, 7, 12, 13].includes(Number(a.to));
    return toInt ? { ...c, data: c.data.map((v, i) => (c.batchAt?.includes(i) ? v : Math.trunc(v))) } : c;
  }),
});
