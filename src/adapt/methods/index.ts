/**
 * The catalogue of built-in adaptation methods: importing this module registers every one of
 * them (each registers itself in its own file; the order of the imports below is the order
 * methods are listed, tried by `auto` and shown in help). Read the registry through this module,
 * and import method files only from here, so that the order holds.
 *
 * A new method: one file here that calls `registerMethod` (see `./source-only.ts`, the
 * smallest), one import line below and its entry in `BUILTIN_METHODS`, and its name in
 * `test/adapt/registry.test.ts`.
 *
 * @example
 * ```ts
 * import { methodNamed } from './methods/index.ts';
 * methodNamed('coral')?.description;
 * ```
 *
 * @module
 */
import { sourceOnly } from './source-only.ts';
import { coral } from './coral.ts';
import { kliep, kmm, reweight } from './reweight.ts';
import { coralSelfTrain, kliepSelfTrain, kmmSelfTrain, reweightSelfTrain, selfTraining } from './self-train.ts';
import { deepCoral } from './deep-coral.ts';
import { mmd } from './mmd.ts';
import { dann } from './dann.ts';

/** The built-in methods, in registration order (the method-name types are derived from it). */
export const BUILTIN_METHODS = Object.freeze([sourceOnly, coral, reweight, kmm, kliep, selfTraining, coralSelfTrain, reweightSelfTrain, kmmSelfTrain, kliepSelfTrain, deepCoral, mmd, dann] as const);

/**
 * A built-in shallow method (a linear classifier on shared features).
 *
 * @example
 * ```ts
 * const m: ShallowMethod = 'kliep+self-train';
 * ```
 */
export type ShallowMethod = Extract<(typeof BUILTIN_METHODS)[number], { family: 'shallow' }>['name'];

/**
 * A built-in deep method (a network trained end to end).
 *
 * @example
 * ```ts
 * const m: DeepMethod = 'dann';
 * ```
 */
export type DeepMethod = Extract<(typeof BUILTIN_METHODS)[number], { family: 'deep' }>['name'];

export { coralSource } from './coral.ts';
export {
  autoCandidatesFor,
  checkApplies,
  methodNamed,
  methodsOf,
  registeredMethods,
  registerMethod,
  type ApplyContext,
  type DeepMethodEntry,
  type MethodEntry,
  type MethodOption,
  type MethodOptionField,
  type ShallowMethodEntry,
} from '../registry.ts';
