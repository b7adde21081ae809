/**
 * The ONNX op converters: one {@link OpConverter} per op family, one file each under ops/.
 * The converter core (convert.ts) looks every node's op type up here; the UNSUPPORTED_OP hint
 * and the op list of README's "ONNX models" section (tested) come from this table.
 *
 * Adding an op:
 * 1. a new file `ops/<family>.ts` exporting `opFamily('<family>', { OpType: (node, ctx) => … })`
 *    (see context.ts for what `ctx` offers and activations.ts for a small example), or a new
 *    handler in the family it belongs to;
 * 2. its line in {@link OP_FAMILIES} below, and the op's name in README's `<!-- onnx-ops -->` list;
 * 3. a tiny graph using it in test/onnx/registry.test.ts's contract cases: it must convert and
 *    match onnxruntime within 1e-5 (the test fails for a registered op that no case uses).
 */
import type { OpConverter } from './context.ts';
import { activationOps } from './activations.ts';
import { batchNormOps } from './batchnorm.ts';
import { concatOps } from './concat.ts';
import { convOps } from './conv.ts';
import { dropoutIdentityOps } from './dropout-identity.ts';
import { elementwiseOps } from './elementwise.ts';
import { gemmOps } from './gemm.ts';
import { padOps } from './pad.ts';
import { poolingOps } from './pooling.ts';
import { shapeArithmeticOps } from './shape-arithmetic.ts';
import { shapeOps } from './shape.ts';

/** Every op family, in the order the UNSUPPORTED_OP hint and README list them. */
export const OP_FAMILIES: readonly OpConverter[] = [
  convOps,
  gemmOps,
  elementwiseOps,
  batchNormOps,
  activationOps,
  poolingOps,
  shapeOps,
  padOps,
  concatOps,
  dropoutIdentityOps,
  shapeArithmeticOps,
];

/** Op type → its converter; an op type registered twice is an error (thrown when this module loads). */
export function indexOpFamilies(families: readonly OpConverter[]): ReadonlyMap<string, OpConverter> {
  const byOp = new Map<string, OpConverter>();
  for (const family of families) {
    for (const op of family.opTypes) {
      const other = byOp.get(op);
      if (other) throw new Error(`ONNX op ${op} is registered by both the "${other.family}" and the "${family.family}" converters`);
      byOp.set(op, family);
    }
  }
  return byOp;
}

const BY_OP = indexOpFamilies(OP_FAMILIES);

/** The converter of an op type (default ONNX domain), or undefined when none converts it. */
export function converterFor(opType: string): OpConverter | undefined {
  return BY_OP.get(opType);
}

/** Every op type that converts, in registry order. */
export function supportedOpTypes(): string[] {
  return [...BY_OP.keys()];
}

/** The supported ops as one line of text, e.g. `Conv (groups, depthwise), Gemm, …`. */
export function supportedOpsText(): string {
  return OP_FAMILIES.flatMap((f) => f.opTypes.map((op) => (f.limits?.[op] ? `${op} (${f.limits[op]})` : op))).join(', ');
}
