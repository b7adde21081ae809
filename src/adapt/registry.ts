/**
 * The registry of adaptation methods. Every method `adapt` can run lives in one file under
 * `./methods/` and registers itself there with {@link registerMethod}; `./methods/index.ts`
 * imports those files (its order is the order methods are listed, tried by `auto` and shown in
 * help). Everything that lists methods — `SHALLOW_METHODS`, `DEEP_METHODS`, `ADAPT_METHOD_NAMES`,
 * `AUTO_CANDIDATES`, the CLI's `--method` choices and help — is derived from it, and `adapt()`,
 * `runMethod` and `runDeep` look methods up here instead of dispatching by name.
 *
 * Read the registry through `./methods/index.ts`, which guarantees every built-in method has
 * registered; this file only holds the entries.
 *
 * @example
 * ```ts
 * import { registerMethod } from '../registry.ts';
 * export const sourceOnly = registerMethod({
 *   name: 'source-only', family: 'shallow', description: 'logistic regression on the shared features',
 *   options: [{ field: 'C', help: 'inverse L2 strength (default 10)' }], autoCandidate: true,
 *   applies: () => true,
 *   run: (ctx) => ({ model: trainOnSource(ctx) }),
 * });
 * ```
 *
 * @module
 */
import type { Dataset } from '../data/dataset.ts';
import { TransferkitError } from '../errors.ts';
import type { DeepRunInput, DeepRunOutcome } from './methods/deep-training.ts';
import type { MethodContext, ShallowResult } from './methods/shallow-training.ts';

/**
 * What a method may look at to decide whether it applies, known before any work (data loaded,
 * nothing trained).
 *
 * @example
 * ```ts
 * const ctx: ApplyContext = { kind: 'tabular', sources: 1, sourceRows: 300, targetRows: 200, targetLabelled: 0, classes: 2 };
 * ```
 */
export interface ApplyContext {
  kind: Dataset['features']['kind'];
  /** Source domains (several when `source` was a list). */
  sources: number;
  /** Labelled source rows, all domains together. */
  sourceRows: number;
  targetRows: number;
  /** Labelled target rows given for training (`targetLabels`). */
  targetLabelled: number;
  classes: number;
  /** The `base` model reference, when one was given. */
  base?: string;
}

/**
 * The `AdaptConfig` fields a method reads (dotted for nested options). `adapt()` estimates the
 * target's class mix only when a method it runs reads `targetPrior`.
 */
export type MethodOptionField =
  | 'C'
  | 'classWeights'
  | 'labelledWeight'
  | 'viewDims'
  | 'text'
  | 'targetPrior'
  | `selfTrain.${'rounds' | 'threshold' | 'targetWeight'}`
  | `reweight.${'clipQuantile' | 'maxWeight' | 'bandwidth'}`
  | `coral.${'eps' | 'center'}`
  | `deep.${'epochs' | 'lambda' | 'batchSize' | 'lr' | 'hidden' | 'dropout'}`;

/**
 * One option a method reads, with one line of help.
 *
 * @example
 * ```ts
 * const o: MethodOption = { field: 'coral.eps', help: 'ridge ε added to both covariances (default 1)' };
 * ```
 */
export interface MethodOption {
  field: MethodOptionField;
  help: string;
}

interface MethodEntryBase<N extends string> {
  name: N;
  /** One line, for help texts. */
  description: string;
  /** `true`, or why the method cannot run on these data (`adapt` then refuses before any work). */
  applies(ctx: ApplyContext): true | string;
  options: readonly MethodOption[];
  /** Whether `auto` tries it by default. */
  autoCandidate: boolean;
  /** `auto` tries it only when the (pooled) source has at most this many rows (KMM: its kernel problem is quadratic). */
  autoCandidateUpTo?: number;
}

/**
 * A shallow method: a linear softmax classifier on the raw shared features, trained in
 * milliseconds to seconds; `run` returns the classifier (and what it learned on the way).
 *
 * @example
 * ```ts
 * const entry: ShallowMethodEntry = methodNamed('coral') as ShallowMethodEntry;
 * const { model } = entry.run(ctx);
 * ```
 */
export interface ShallowMethodEntry<N extends string = string> extends MethodEntryBase<N> {
  family: 'shallow';
  run(ctx: MethodContext): ShallowResult;
}

/**
 * A deep method: a network trained end to end on source rows and unlabelled target rows,
 * next to the same network trained without alignment (ERM). `run` owns the networks it returns.
 *
 * @example
 * ```ts
 * const out = await (methodNamed('dann') as DeepMethodEntry).run(input);
 * out.dispose();
 * ```
 */
export interface DeepMethodEntry<N extends string = string> extends MethodEntryBase<N> {
  family: 'deep';
  /** Default weight of the alignment loss (for DANN: the final gradient-reversal scale). */
  defaultLambda: number;
  run(input: DeepRunInput): Promise<DeepRunOutcome>;
}

/**
 * A registered adaptation method.
 *
 * @example
 * ```ts
 * const shallow = registeredMethods().filter((m): m is ShallowMethodEntry => m.family === 'shallow');
 * ```
 */
export type MethodEntry<N extends string = string> = ShallowMethodEntry<N> | DeepMethodEntry<N>;

/** Names that are not methods: `auto` chooses among methods, `erm` is the deep methods' baseline. */
const RESERVED = new Set(['auto', 'erm', 'none']);

const entries: MethodEntry[] = [];

/**
 * Adds a method to the registry and returns it (typed with its literal name, so the catalogue
 * in `./methods/index.ts` can derive the method-name types).
 *
 * @throws TransferkitError `BAD_OPTION` for a duplicate or reserved name, or a malformed entry.
 * @example
 * ```ts
 * export const coral = registerMethod({ name: 'coral', family: 'shallow', … });
 * ```
 */
export function registerMethod<const N extends string>(entry: ShallowMethodEntry<N>): ShallowMethodEntry<N>;
export function registerMethod<const N extends string>(entry: DeepMethodEntry<N>): DeepMethodEntry<N>;
export function registerMethod(entry: MethodEntry): MethodEntry {
  const bad = (why: string) => new TransferkitError('BAD_OPTION', `Cannot register the adaptation method "${entry.name}": ${why}`, { where: 'registerMethod' });
  if (!/^[a-z][a-z0-9-]*(\+[a-z][a-z0-9-]*)*$/.test(entry.name)) throw bad('names are lower-case words joined by - (and + for a method started from another)');
  if (RESERVED.has(entry.name)) throw bad('the name is reserved');
  if (entries.some((e) => e.name === entry.name)) throw bad('a method of that name is already registered');
  if (entry.family !== 'shallow' && entry.family !== 'deep') throw bad(`family must be shallow or deep, got ${String((entry as { family: unknown }).family)}`);
  if (entry.family === 'deep' && entry.autoCandidate) throw bad('deep methods cannot be auto candidates (they cost minutes, not seconds)');
  entries.push(Object.freeze(entry));
  return entry;
}

/**
 * Every registered method, in registration order. Import it from `./methods/index.ts` to be
 * sure the built-in methods are in.
 *
 * @example
 * ```ts
 * registeredMethods().map((m) => m.name); // ['source-only', 'coral', …, 'dann']
 * ```
 */
export function registeredMethods(): readonly MethodEntry[] {
  return entries;
}

/**
 * The method of that name, or `undefined`.
 *
 * @example
 * ```ts
 * methodNamed('kliep')?.family; // 'shallow'
 * ```
 */
export function methodNamed(name: string): MethodEntry | undefined {
  return entries.find((e) => e.name === name);
}

/**
 * Throws when the method does not apply to these data.
 *
 * @throws TransferkitError `BAD_OPTION`, naming the method and the reason.
 * @example
 * ```ts
 * checkApplies(methodNamed('dann')!, { kind: 'text', sources: 1, sourceRows: 300, targetRows: 200, targetLabelled: 0, classes: 2, base: 'fashion-cnn' });
 * ```
 */
export function checkApplies(entry: MethodEntry, ctx: ApplyContext): void {
  const verdict = entry.applies(ctx);
  if (verdict === true) return;
  throw new TransferkitError('BAD_OPTION', `The ${entry.family} method "${entry.name}" does not apply here: ${verdict}`, {
    where: entry.name,
    hint: 'Change the data or options named above, or choose another method (`transferkit adapt --help` lists them).',
  });
}

/**
 * The registered methods of one family, in registration order.
 *
 * @example
 * ```ts
 * methodsOf('deep').map((m) => m.name); // ['deep-coral', 'mmd', 'dann']
 * ```
 */
export function methodsOf<F extends MethodEntry['family']>(family: F): Array<Extract<MethodEntry, { family: F }>> {
  return entries.filter((e): e is Extract<MethodEntry, { family: F }> => e.family === family);
}

/**
 * The methods `auto` tries by default on a source of `sourceRows` rows, in registration order:
 * those flagged `autoCandidate`, less those whose `autoCandidateUpTo` the source exceeds.
 *
 * @example
 * ```ts
 * autoCandidatesFor(300); // ['source-only', 'coral', 'reweight', 'kmm', 'kliep', …]
 * ```
 */
export function autoCandidatesFor(sourceRows: number): string[] {
  return entries.filter((e) => e.autoCandidate && (e.autoCandidateUpTo === undefined || sourceRows <= e.autoCandidateUpTo)).map((e) => e.name);
}
