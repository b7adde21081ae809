/**
 * The gradient rules by primitive operation kind.
 *
 * @module
 */
import type { PrimOp } from '../lower.ts';
import { activationRule } from './activation.ts';
import { batchNormRule } from './batchnorm.ts';
import { convRule } from './conv.ts';
import { denseRule } from './dense.ts';
import { avgPoolRule, globalAvgPoolRule, globalMaxPoolRule, maxPoolRule } from './pool.ts';
import { dropoutRule, flattenRule, padRule, reshapeRule } from './shape.ts';
import type { Rule } from './types.ts';
import { addRule, concatRule, type MergeRule } from './merge.ts';

/**
 * One rule per operation kind.
 *
 * @example
 * ```ts
 * const rule = RULES[op.kind];
 * ```
 */
export const RULES: Record<Exclude<PrimOp['kind'], 'add' | 'concat'>, Rule> = {
  dense: denseRule,
  conv: convRule,
  batchnorm: batchNormRule,
  act: activationRule,
  maxpool: maxPoolRule,
  avgpool: avgPoolRule,
  gap: globalAvgPoolRule,
  gmp: globalMaxPoolRule,
  flatten: flattenRule,
  reshape: reshapeRule,
  dropout: dropoutRule,
  pad: padRule,
};

/**
 * The rules of operations with several inputs.
 *
 * @example
 * ```ts
 * const rule = MERGE_RULES.add;
 * ```
 */
export const MERGE_RULES: Record<'add' | 'concat', MergeRule> = { add: addRule, concat: concatRule };

/**
 * Whether an operation joins several inputs.
 *
 * @example
 * ```ts
 * if (isMerge(op.kind)) MERGE_RULES[op.kind].forward(op, xs, ctx);
 * ```
 */
export function isMerge(kind: PrimOp['kind']): kind is 'add' | 'concat' {
  return kind === 'add' || kind === 'concat';
}
