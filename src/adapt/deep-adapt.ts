/**
 * The deep methods of `adapt` (Deep CORAL, MMD, DANN): a network trained end to end on labelled
 * source rows and unlabelled target rows, next to the same network trained on the source alone
 * (ERM) as the fair "before". Each method lives in its own file under `./methods/` and is looked
 * up in the registry (`./registry.ts`); the network and its training are
 * `./methods/deep-training.ts`.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { checkApplies, methodNamed, methodsOf, type DeepMethod } from './methods/index.ts';
import type { DeepRunInput, DeepRunOutcome } from './methods/deep-training.ts';

export type { DeepMethod } from './methods/index.ts';
export { poolSources, type DeepAdaptOptions, type DeepReport } from './methods/deep-training.ts';

/**
 * Every {@link DeepMethod}, in the registry's order.
 *
 * @example
 * ```ts
 * DEEP_METHODS.includes('mmd'); // true
 * ```
 */
export const DEEP_METHODS: readonly DeepMethod[] = Object.freeze(methodsOf('deep').map((m) => m.name as DeepMethod));

/**
 * Default weight of the alignment loss per method (for DANN: the final gradient-reversal scale,
 * reached through DANN's ramp).
 *
 * @example
 * ```ts
 * DEEP_LAMBDA_DEFAULTS.dann; // 1
 * ```
 */
export const DEEP_LAMBDA_DEFAULTS: Readonly<Record<DeepMethod, number>> = Object.freeze(Object.fromEntries(methodsOf('deep').map((m) => [m.name, m.defaultLambda])) as Record<DeepMethod, number>);

/**
 * Data and settings of {@link runDeep} (all datasets already on the source classes).
 *
 * @example
 * ```ts
 * const input: DeepAdaptInput = { method: 'dann', classes, sources: [source], target, seed: 0, viewDims: 100, options: {}, classBalanced: true, labelledWeight: 5 };
 * ```
 */
export type DeepAdaptInput = DeepRunInput<DeepMethod>;

/**
 * What {@link runDeep} produced. `model` takes the raw features of `spec`; call `dispose()`
 * when done with it.
 *
 * @example
 * ```ts
 * const out = await runDeep(input);
 * try { await saveModel(out.model, dir, { classes, features: out.spec }); } finally { out.dispose(); }
 * ```
 */
export type DeepAdaptOutcome = DeepRunOutcome<DeepMethod>;

/**
 * Runs a deep method: trains the ERM network and the adapted network, scores both, and measures
 * the domains in their learned features.
 *
 * @throws TransferkitError `UNKNOWN_METHOD`, `BAD_OPTION` (the method does not apply: a base
 *   model with non-image data), and whatever the training throws.
 * @example
 * ```ts
 * const out = await runDeep({ method: 'deep-coral', classes, sources: [s], target: t, test, seed: 0, viewDims: 100, options: { epochs: 10 }, classBalanced: true, labelledWeight: 5 });
 * console.log(out.before?.accuracy, '→', out.after?.accuracy);
 * out.dispose();
 * ```
 */
export async function runDeep(input: DeepAdaptInput): Promise<DeepAdaptOutcome> {
  const entry = methodNamed(input.method);
  if (entry?.family !== 'deep') {
    throw new TransferkitError('UNKNOWN_METHOD', `Unknown deep adaptation method "${input.method}"`, { hint: `Use one of: ${DEEP_METHODS.join(', ')}.` });
  }
  checkApplies(entry, {
    kind: input.sources[0].features.kind,
    sources: input.sources.length,
    sourceRows: input.sources.reduce((a, d) => a + d.size, 0),
    targetRows: input.target.size,
    targetLabelled: input.labelled?.size ?? 0,
    classes: input.classes.length,
    base: input.base,
  });
  return (await entry.run(input)) as DeepAdaptOutcome;
}
