/**
 * The registry of explanation methods. Each method registers itself from its own file under
 * `methods/` ({@link registerMethod}); `explain()` looks the method up by name and by the kind of
 * data the model takes ({@link findMethod}) and runs it. The method lists, the CLI's `--method`
 * choices and its help come from here.
 *
 * @module
 */
import type { Dataset } from '../../data/dataset.ts';
import type { FeatureSpec } from '../../data/features.ts';
import { TransferkitError } from '../../errors.ts';
import type { TrainedModel } from '../../models/trained-model.ts';
import type { MethodDescription } from '../narrative/types.ts';
import type { Explanation, ExplanationBody, ExplanationScope } from './explanation.ts';
import type { Link } from './model-view.ts';
import type { MethodOption, MethodOptions } from './options.ts';

export type { MethodOption };

/**
 * The kind of data a model takes, and so which methods can explain it.
 *
 * @example
 * ```ts
 * const kind: DataKind = trained.features.kind;
 * ```
 */
export type DataKind = FeatureSpec['kind'];

/**
 * Every {@link DataKind}.
 *
 * @example
 * ```ts
 * DATA_KINDS.map((k) => methodNames([k]));
 * ```
 */
export const DATA_KINDS: readonly DataKind[] = Object.freeze(['tabular', 'text', 'image'] as const);

/**
 * What a method's `run` gets: the opened model, the data loaded for it, the rows to explain
 * (checked), the options, and `explanation()` to add the common header to its result.
 *
 * @example
 * ```ts
 * run: async (ctx) => ctx.explanation({ kind: 'pdp', scope: 'global', method: 'pdp', … }, curves.length)
 * ```
 */
export interface MethodContext {
  /** The registry entry being run. */
  readonly method: ExplainMethod;
  readonly trained: TrainedModel;
  /** The model's name for the header (`'(in memory)'` for a model in memory). */
  readonly model: string;
  /** The kind of data the model takes. */
  readonly kind: DataKind;
  /** The data, loaded for the model (labels mapped onto its classes). */
  readonly data: Dataset;
  /** The rows to explain (`opts.rows`, default `[0]`), each checked to be in `data`. */
  readonly rows: number[];
  readonly opts: MethodOptions;
  /** `opts.seed ?? 0`. */
  readonly seed: number;
  /** `opts.link ?? 'identity'`. */
  readonly link: Link;
  /**
   * The finished {@link Explanation}: `body` with the common header (model, classes, time taken);
   * `explained` is the rows it covers (default: the rows explained).
   */
  explanation(body: ExplanationBody, explained?: number): Explanation;
}

/**
 * One explanation method: what it is, which data it explains, which options it reads, and how
 * it runs. One name may be registered for several data kinds by different entries (`lime`
 * for tabular, text and images), never twice for one kind.
 *
 * @example
 * ```ts
 * export const pdpMethod = registerMethod({
 *   name: 'pdp', description: 'partial dependence of a class on one numeric column, with ICE curves',
 *   data: ['tabular'], scope: 'global', options: [{ name: 'feature', help: 'the column' }],
 *   run: async (ctx) => ctx.explanation({ … }, curves),
 * });
 * ```
 */
export interface ExplainMethod {
  /** The name `explain({ method })` and `--method` take. */
  readonly name: string;
  /** One line: what it computes. */
  readonly description: string;
  /** The kinds of data it explains. */
  readonly data: readonly DataKind[];
  /** The `scope` of its results. */
  readonly scope: ExplanationScope;
  /** The `explain()` options it reads, with what each does for it. */
  readonly options: readonly MethodOption[];
  /** The `method` its results carry when that is not its name (`shap`: `exact-shap` or `kernel-shap`, whichever ran). */
  readonly reportsAs?: readonly string[];
  /** Set when it needs labelled data: why, and what to use without labels (shown in the error). */
  readonly labels?: { readonly why: string; readonly instead?: string };
  /** How narratives describe it (default: the narrative's own description of the method it reports). */
  readonly describe?: (backgroundSize?: number) => MethodDescription;
  /** Computes the explanation. */
  run(ctx: MethodContext): Promise<Explanation>;
}

const registry: ExplainMethod[] = [];

/** What a model of each kind takes, in words. */
const TAKES: Record<DataKind, string> = { tabular: 'tabular data', text: 'text', image: 'images' };

/**
 * Adds a method to the registry and returns it (typed with its literal name). Throws
 * `DUPLICATE_METHOD` when the name is already registered for one of its data kinds.
 *
 * @example
 * ```ts
 * export const permutationMethod = registerMethod({ name: 'permutation', data: ['tabular'], scope: 'global', … });
 * ```
 */
export function registerMethod<const M extends ExplainMethod>(method: M): M {
  if (!/^[a-z][a-z0-9-]*$/.test(method.name) || method.data.length === 0) {
    throw new TransferkitError('BAD_METHOD', `An explanation method needs a lower-case name and at least one data kind (got "${method.name}")`);
  }
  const clash = registry.find((m) => m.name === method.name && m.data.some((k) => method.data.includes(k)));
  if (clash) {
    throw new TransferkitError('DUPLICATE_METHOD', `The explanation method "${method.name}" is already registered for ${clash.data.filter((k) => method.data.includes(k)).join(', ')} data`, {
      hint: 'Give the new method another name, or register it for other kinds of data.',
    });
  }
  registry.push(Object.freeze(method));
  return method;
}

/**
 * The registered methods, in registration order; with `kinds`, those that explain any of them.
 *
 * @example
 * ```ts
 * explainMethods(['image']).map((m) => m.name); // ['ig', 'saliency', …]
 * ```
 */
export function explainMethods(kinds: readonly DataKind[] = DATA_KINDS): ExplainMethod[] {
  return registry.filter((m) => m.data.some((k) => kinds.includes(k)));
}

/**
 * The names of the registered methods (each once, in registration order); with `kinds`, of those
 * that explain any of them.
 *
 * @example
 * ```ts
 * methodNames(['tabular', 'text']); // ['shap', 'exact-shap', …, 'counterfactual']
 * ```
 */
export function methodNames(kinds: readonly DataKind[] = DATA_KINDS): string[] {
  return [...new Set(explainMethods(kinds).map((m) => m.name))];
}

/**
 * The method `name` registered for `kind`, or undefined.
 *
 * @example
 * ```ts
 * methodFor('lime', 'image')?.description;
 * ```
 */
export function methodFor(name: string, kind: DataKind): ExplainMethod | undefined {
  return registry.find((m) => m.name === name && m.data.includes(kind));
}

/**
 * The method `name` registered for `kind`. Throws `UNKNOWN_METHOD` for a name no method has, and
 * `KIND_MISMATCH` (naming the method, the data kind and the methods that do apply) for a method
 * that does not explain this kind of data.
 *
 * @example
 * ```ts
 * const method = findMethod(opts.method, trained.features.kind);
 * ```
 */
export function findMethod(name: string, kind: DataKind): ExplainMethod {
  const found = methodFor(name, kind);
  if (found) return found;
  const named = registry.filter((m) => m.name === name);
  if (named.length === 0) {
    throw new TransferkitError('UNKNOWN_METHOD', `Unknown explanation method "${name}"`, { hint: `Use one of: ${methodNames().join(', ')}.` });
  }
  const kinds = DATA_KINDS.filter((k) => named.some((m) => m.data.includes(k)));
  throw new TransferkitError('KIND_MISMATCH', `The ${name} method explains ${modelsOf(kinds)}; this model takes ${takes(kind)}`, {
    hint: `For ${modelsOf([kind])} use one of: ${methodNames([kind]).join(', ')}.`,
  });
}

/**
 * Models of the given kinds, in words.
 *
 * @example
 * ```ts
 * modelsOf(['tabular', 'text']); // 'tabular and text models'
 * ```
 */
export function modelsOf(kinds: readonly DataKind[]): string {
  return `${kinds.length <= 1 ? kinds.join('') : `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}`} models`;
}

/**
 * What a model of this kind takes, in words.
 *
 * @example
 * ```ts
 * takes('image'); // 'images'
 * ```
 */
export function takes(kind: DataKind): string {
  return TAKES[kind];
}

/**
 * The methods grouped by data kind, for help text: `tabular/text: shap, …; images: ig, …`.
 *
 * @example
 * ```ts
 * new Option('--method <name>', `explanation method (${methodHelp()})`);
 * ```
 */
export function methodHelp(): string {
  const groups: Array<[string, DataKind[]]> = [
    ['tabular/text', ['tabular', 'text']],
    ['images', ['image']],
  ];
  return groups
    .map(([label, kinds]) => [label, methodNames(kinds)] as const)
    .filter(([, names]) => names.length > 0)
    .map(([label, names]) => `${label}: ${names.join(', ')}`)
    .join('; ');
}
