import type { Dataset } from '../../data/dataset.ts';
import { ensureEngine } from '../../engine/backend.ts';
import { TransferkitError } from '../../errors.ts';
import { modelName, openModel } from '../../models/model-handle.ts';
import { loadDataFor, type TrainedModel } from '../../models/trained-model.ts';
import { recordedEncoder } from '../../models/text/encoder-features.ts';
import { withHeader, type Explanation } from './explanation.ts';
import './methods/index.ts';
import type * as Builtin from './methods/index.ts';
import type { MethodOptions } from './options.ts';
import { withOnnxProbs } from './model-view.ts';
import { DATA_KINDS, findMethod, methodNames, modelsOf, takes, type DataKind } from './registry.ts';

/** A built-in method's registry entry. */
type BuiltinMethod = (typeof Builtin)[keyof typeof Builtin];

/** The names of the methods that explain any of the kinds `K`. */
type NamesFor<M, K extends DataKind> = M extends { readonly name: infer N; readonly data: readonly (infer D)[] } ? ([Extract<D, K>] extends [never] ? never : N) : never;

/**
 * The name of a built-in explanation method (for any kind of data).
 *
 * @example
 * ```ts
 * const method: ExplainMethodName = 'gradcam';
 * ```
 */
export type ExplainMethodName = BuiltinMethod['name'];

/**
 * A method that explains tabular or text models (one of {@link MODEL_METHODS}).
 *
 * @example
 * ```ts
 * const method: ModelMethod = 'pdp';
 * ```
 */
export type ModelMethod = NamesFor<BuiltinMethod, 'tabular' | 'text'>;

/**
 * A method that explains image models (one of {@link IMAGE_METHODS}).
 *
 * @example
 * ```ts
 * const method: ImageMethod = 'ig';
 * ```
 */
export type ImageMethod = NamesFor<BuiltinMethod, 'image'>;

/**
 * Every explanation method, for tabular, text and image models (from the registry, each name
 * once: `lime` explains all three kinds).
 *
 * @example
 * ```ts
 * EXPLAIN_METHODS.includes('gradcam'); // true
 * ```
 */
export const EXPLAIN_METHODS: readonly ExplainMethodName[] = Object.freeze(methodNames() as ExplainMethodName[]);

/**
 * Explanation methods for tabular and text models (from the registry).
 *
 * @example
 * ```ts
 * MODEL_METHODS.includes('pdp'); // true
 * ```
 */
export const MODEL_METHODS: readonly ModelMethod[] = Object.freeze(methodNames(['tabular', 'text']) as ModelMethod[]);

/**
 * Explanation methods for image models (from the registry).
 *
 * @example
 * ```ts
 * IMAGE_METHODS.includes('gradcam'); // true
 * ```
 */
export const IMAGE_METHODS: readonly ImageMethod[] = Object.freeze(methodNames(['image']) as ImageMethod[]);

/**
 * Options of {@link explain}: the method, and the options the methods read (each method reads
 * those its registry entry lists).
 *
 * @example
 * ```ts
 * const opts: ExplainOptions = { model: 'runs/penguins', data: 'builtin:penguins', method: 'shap', rows: [0, 5] };
 * ```
 */
export interface ExplainOptions extends Omit<MethodOptions, 'method'> {
  method: ExplainMethodName;
}

/**
 * Explains a trained model with the method asked for: the registry's method of that name for
 * the kind of data the model takes (tabular, text or image). Every result is an
 * {@link Explanation}: discriminated by `kind`, with a common header (`scope`, `method`,
 * `model`, `classes`, `explained`, `seconds`).
 *
 * `model` is a run folder, model folder or zoo name, or a model in memory (`fit`'s
 * `result.model`), which is used and left undisposed.
 *
 * @example
 * ```ts
 * const e = await explain({ model: 'runs/mnist', data: 'builtin:mnist', method: 'gradcam', rows: [0] });
 * console.log(e.kind, e.scope, e.method, e.explained);
 * if (e.kind === 'image') console.log(e.rows[0].attributions.length);
 * ```
 */
export function explain(opts: ExplainOptions): Promise<Explanation> {
  return openAndExplain(opts, DATA_KINDS, 'explain');
}

/**
 * {@link explain} restricted to models of the kinds `kinds` (for `explainModel` and
 * `explainImages`): an unknown method for those kinds is `UNKNOWN_METHOD` before the model is
 * opened, a model of another kind `KIND_MISMATCH`.
 *
 * @example
 * ```ts
 * const e = await openAndExplain(opts, ['tabular', 'text'], 'explainModel');
 * ```
 */
export async function openAndExplain(opts: MethodOptions, kinds: readonly DataKind[], caller: string): Promise<Explanation> {
  const known = methodNames(kinds);
  if (!known.includes(opts.method)) {
    throw new TransferkitError('UNKNOWN_METHOD', `Unknown explanation method "${opts.method}"`, { hint: `Use one of: ${known.join(', ')}.` });
  }
  await ensureEngine();
  const { trained, release } = await openModel(opts.model);
  try {
    return await explainWith(trained, modelName(opts.model), opts, kinds, caller);
  } finally {
    release();
  }
}

/**
 * Runs the method `opts.method` registered for the model's kind of data on a model already
 * opened (the caller releases it): loads the data for the model, checks the rows, and hands
 * both to the method.
 *
 * @example
 * ```ts
 * const e = await explainWith(trained, 'runs/penguins', { model: trained, data: 'builtin:penguins', method: 'shap' });
 * ```
 */
export async function explainWith(trained: TrainedModel, name: string, opts: MethodOptions, kinds: readonly DataKind[] = DATA_KINDS, caller = 'explain'): Promise<Explanation> {
  const started = performance.now();
  // a model on an ONNX text encoder's features is explained over the words of its texts
  const encoder = recordedEncoder(trained.meta);
  const kind: DataKind = encoder ? 'text' : trained.features.kind;
  if (!kinds.includes(kind)) {
    throw new TransferkitError('KIND_MISMATCH', `${caller} explains ${modelsOf(kinds)}; this model takes ${takes(kind)}`, {
      hint: `Use explain(), which explains every kind of model (${modelsOf([kind])}: ${methodNames([kind]).join(', ')}).`,
    });
  }
  const method = findMethod(opts.method, kind);
  // image data carry their labels in their folders: a label column is for tabular and text data
  const data = await loadDataFor(trained, opts.data, { label: kind === 'image' ? undefined : opts.label, labelled: method.labels !== undefined, keepTexts: encoder !== undefined });
  const rows = checkRows(opts.rows ?? [0], data, kind);
  const run = () => method.run({
    method,
    trained,
    model: name,
    kind,
    data,
    rows,
    opts,
    seed: opts.seed ?? 0,
    link: opts.link ?? 'identity',
    explanation: (body, explained = rows.length) => withHeader(body, { model: name, classes: trained.classes, explained, started }) as Explanation,
  });
  // model-agnostic methods on tables and text evaluate the model many times: on onnxruntime
  return kind === 'image' ? run() : withOnnxProbs(trained, run);
}

function checkRows(rows: number[], data: Dataset, kind: DataKind): number[] {
  for (const r of rows) {
    if (!Number.isInteger(r) || r < 0 || r >= data.size) {
      const has = kind === 'image' ? `${data.size} images` : `it has ${data.size} rows`;
      throw new TransferkitError('BAD_ROW', `Row ${r} is not in the data (${has}, numbered from 0)`, { where: data.name, hint: `Pick rows between 0 and ${data.size - 1}.` });
    }
  }
  return rows;
}
