/**
 * The shallow adaptation methods, each producing a linear softmax classifier that takes the
 * *raw* shared features (so the saved model needs nothing but the feature spec):
 *
 * - `source-only`: train on the labelled source.
 * - `coral`: CORAL (Sun, Feng & Saenko 2016) — re-colour the source features with the target
 *   covariance, train on them, apply to raw target features. High-dimensional features are
 *   aligned in a standardised principal-component view, and the view is folded into the model.
 * - `reweight` / `kmm` / `kliep`: train with importance weights (discriminative density ratio,
 *   kernel mean matching, KLIEP) computed in the view.
 * - `self-train`: class-balanced iterative pseudo-labelling, from a source-only start.
 * - `X+self-train`: self-training started from method X's target predictions (and, for the
 *   reweighting methods, keeping X's source weights).
 *
 * Each method lives in its own file under `./methods/` and is looked up in the registry
 * (`./registry.ts`); this module runs one by name.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { methodNamed, methodsOf, type ShallowMethod } from './methods/index.ts';
import type { MethodContext, ShallowResult } from './methods/shallow-training.ts';

export { coralSource, type ShallowMethod } from './methods/index.ts';
export type { MethodContext, MethodOptions } from './methods/shallow-training.ts';

/** Every {@link ShallowMethod}, in the registry's order. */
export const SHALLOW_METHODS: readonly ShallowMethod[] = Object.freeze(methodsOf('shallow').map((m) => m.name as ShallowMethod));

/**
 * What a method produced.
 *
 * @example
 * ```ts
 * const { model, weights } = runMethod('kliep', ctx);
 * ```
 */
export interface MethodOutcome extends ShallowResult {
  method: ShallowMethod;
  seconds: number;
}

/**
 * Runs one method.
 *
 * @example
 * ```ts
 * const outcome = runMethod('coral+self-train', ctx);
 * const probs = predictSoftmax(outcome.model, testRows);
 * ```
 */
export function runMethod(method: ShallowMethod, ctx: MethodContext): MethodOutcome {
  const entry = methodNamed(method);
  if (entry?.family !== 'shallow') {
    throw new TransferkitError('UNKNOWN_METHOD', `Unknown adaptation method "${method}"`, { hint: `Use one of: ${SHALLOW_METHODS.join(', ')}, auto.` });
  }
  const t0 = performance.now();
  const result = entry.run(ctx);
  return { method, ...result, seconds: (performance.now() - t0) / 1000 };
}
