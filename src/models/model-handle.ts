/**
 * A trained model held in memory — what `fit` returns — and one way for the functions that use
 * a model (`evaluateModel`, `predictDataset`, `explain`, …) to take either such a handle or a
 * reference to a saved one (run folder, model folder, zoo name).
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.ts';
import type { FeatureSpec } from '../data/features.ts';
import { TransferkitError } from '../errors.ts';
import { disposeModelWeights } from './dispose.ts';
import type { ModelMeta } from './io.ts';
import { loadTrainedModel, type TrainedModel } from './trained-model.ts';

/**
 * A model to use: a run folder, model folder, `model.json` path or zoo name (loaded, used and
 * disposed by the function), or a model already in memory — a {@link FittedModel} from `fit`, or
 * the result of `loadTrainedModel` — which the function uses and leaves to its owner.
 *
 * @example
 * ```ts
 * const a: ModelInput = 'runs/iris';
 * const { model: b } = await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris' });
 * await evaluateModel({ model: b, data: 'builtin:iris' }); // b stays usable
 * b.dispose();
 * ```
 */
export type ModelInput = string | TrainedModel;

/**
 * The data a model was trained on, as `fit` was given it (a spec string, or the `Dataset` itself,
 * kept by reference): the default background of explanations of an in-memory model.
 *
 * @example
 * ```ts
 * const t: TrainingData = { data: 'penguins.csv', label: 'species', impute: 'drop' };
 * ```
 */
export interface TrainingData {
  data: string | Dataset;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
}

/**
 * A trained model in memory, as `fit` returns it (`FitResult.model`): the tfjs model, its class
 * names and the fitted preprocessing (a {@link TrainedModel}, so `evaluateModel`, `explain` and
 * `loadDataFor` take it as they take a run folder), plus `dispose()`.
 *
 * **The caller owns it**: call `dispose()` when done, or its weights stay in memory (tfjs does
 * not garbage-collect tensors). After `dispose()` it can no longer be used.
 *
 * @example
 * ```ts
 * const { model } = await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', epochs: 50 });
 * try {
 *   const m = await evaluateModel({ model, data: 'builtin:iris' });
 *   console.log(model.classes, m.accuracy);
 * } finally {
 *   model.dispose();
 * }
 * ```
 */
export interface FittedModel extends TrainedModel {
  /** The trained tfjs model (a plain model; LoRA adapters merged in). */
  model: tf.LayersModel;
  /** The run's `model/` folder when `fit` wrote a run folder, else `'(in memory)'`. */
  dir: string;
  /** The saved copy, when `fit` wrote a run folder (`<out>/model`). */
  saved?: string;
  /** The training data, as given to `fit`: the default background of `explain`. */
  training?: TrainingData;
  /** True once {@link FittedModel.dispose} ran. */
  readonly disposed: boolean;
  /**
   * Frees the model's weights (all of them: use this rather than `model.dispose()`, whose layer
   * reference counts can keep some alive). Idempotent.
   */
  dispose(): void;
  /** A short JSON description (`dir`, `saved`, `classes`), so results that hold the model stay printable. */
  toJSON(): { dir: string; saved?: string; classes: string[]; kind: string };
}

/**
 * The `dir` of a {@link FittedModel} that was not saved.
 *
 * @example
 * ```ts
 * if (result.model.dir === IN_MEMORY) console.log('not saved; pass out to fit to keep it');
 * ```
 */
export const IN_MEMORY = '(in memory)';

/**
 * Wraps a trained tfjs model, its classes and preprocessing as a {@link FittedModel}.
 *
 * @example
 * ```ts
 * const handle = fittedModel(model, { classes: ['a', 'b'], features: spec, meta });
 * handle.dispose();
 * ```
 */
export function fittedModel(
  model: tf.LayersModel,
  info: { classes: string[]; features: FeatureSpec; meta?: ModelMeta; saved?: string; training?: TrainingData },
): FittedModel {
  let disposed = false;
  const handle: FittedModel = {
    model,
    classes: info.classes,
    features: info.features,
    meta: info.meta,
    dir: info.saved ?? IN_MEMORY,
    get disposed() {
      return disposed;
    },
    toJSON() {
      return { dir: handle.dir, saved: handle.saved, classes: handle.classes, kind: handle.features.kind };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeModelWeights(model);
    },
  };
  if (info.saved !== undefined) handle.saved = info.saved;
  if (info.training !== undefined) handle.training = info.training;
  return handle;
}

/**
 * Opens a {@link ModelInput} for use: loads a reference (and `release()` disposes it) or takes an
 * in-memory model as it is (and `release()` leaves it to its owner). A disposed handle is an error.
 *
 * @throws TransferkitError `DISPOSED` for a {@link FittedModel} whose `dispose()` ran; those of `loadTrainedModel`.
 * @example
 * ```ts
 * const { trained, release } = await openModel(opts.model);
 * try {
 *   // … trained.model, trained.classes, trained.features …
 * } finally {
 *   release();
 * }
 * ```
 */
export async function openModel(ref: ModelInput): Promise<{ trained: TrainedModel; release: () => void }> {
  if (typeof ref === 'string') {
    const trained = await loadTrainedModel(ref);
    return { trained, release: () => trained.model.dispose() };
  }
  if (ref === null || typeof ref !== 'object' || !ref.model || !Array.isArray(ref.classes) || !ref.features) {
    throw new TransferkitError('BAD_MODEL', 'The model option must be a path / zoo name, or a trained model in memory (what fit returns as result.model)', {
      where: 'model option',
      hint: "Pass model: 'runs/x' or model: result.model from `const result = await fit({ … })`.",
    });
  }
  if ((ref as Partial<FittedModel>).disposed) {
    throw new TransferkitError('DISPOSED', 'This model was disposed, so it can no longer be used', {
      where: modelName(ref),
      hint: 'Call dispose() only once you are done with the model, or train it again with fit.',
    });
  }
  return { trained: ref, release: () => undefined };
}

/**
 * How to name a {@link ModelInput} in results: the reference itself, or an in-memory model's
 * saved folder, name or `'(in memory)'`.
 *
 * @example
 * ```ts
 * modelName('runs/iris');   // 'runs/iris'
 * modelName(result.model);  // '(in memory)' — or 'runs/iris/model' when fit wrote a run folder
 * ```
 */
export function modelName(ref: ModelInput): string {
  if (typeof ref === 'string') return ref;
  return (ref as Partial<FittedModel>).saved ?? ref.meta?.name ?? ref.dir;
}
