import type { Dataset } from '../../data/dataset.ts';
import type { ModelInput } from '../../models/model-handle.ts';
import type { Audience } from '../narrative/types.ts';
import type { Link } from './model-view.ts';

/**
 * Every option of `explain()`, as an explanation method's `run` sees them (the method as a plain
 * name). Each method reads the few it declares in its registry entry's `options`.
 *
 * @example
 * ```ts
 * const opts: MethodOptions = { model: 'runs/penguins', data: 'builtin:penguins', method: 'shap', rows: [0, 5] };
 * ```
 */
export interface MethodOptions {
  /** Run folder, model folder or zoo name, or a trained model in memory (`fit`'s `result.model`, left undisposed). */
  model: ModelInput;
  /** Data holding the rows to explain (and, for global methods, the data to measure on). */
  data: string | Dataset;
  /** The explanation method, by name. */
  method: string;
  /** 0-based rows of `data` to explain (local and image methods; default `[0]`). */
  rows?: number[];
  /** Class to explain (default: each row's predicted class; for `pdp`, the first row's). */
  className?: string;
  seed?: number;
  /** Background data (default: a sample of the run's training data). */
  background?: string | Dataset;
  /** Background rows kept (default 100; more triggers a k-means summary warning in Shapley). */
  backgroundSize?: number;
  /** Explain probabilities (`identity`, default) or log-odds (`logit`). */
  link?: Link;
  /** Label column of CSV data. */
  label?: string;
  /** Feature for `pdp` (a column name). */
  feature?: string;
  /** Sampling budget of KernelSHAP / LIME. */
  nsamples?: number;
  /** Repeats of permutation importance (default 10). */
  repeats?: number;
  /** Also render each local explanation as a narrative for this audience. */
  audience?: Audience;
  /** Counterfactuals: columns that must not change. */
  immutable?: string[];
  /** Counterfactuals: allowed values per column. */
  permittedRanges?: Record<string, readonly [number, number] | readonly string[]>;
  /** Counterfactuals per row (default 3). */
  count?: number;
  /** Images: conv layer for Grad-CAM (default: the last conv block). */
  layer?: string;
  /** Images: integration steps of IG (default 64). */
  steps?: number;
  /** Images: folder to write a heatmap PNG per row (`row-<i>-<method>.png`: the image, and the heatmap beside it). */
  out?: string;
}

/** The options only image methods read. */
export type ImageOnlyOption = 'layer' | 'steps' | 'out';

/** The options only tabular and text methods read. */
export type ModelOnlyOption = 'background' | 'backgroundSize' | 'link' | 'label' | 'feature' | 'nsamples' | 'repeats' | 'audience' | 'immutable' | 'permittedRanges' | 'count';

/**
 * An option a method reads: the name of an `explain()` option and what it does for this method.
 *
 * @example
 * ```ts
 * const o: MethodOption = { name: 'nsamples', help: 'sampling budget (default: every coalition when it fits)' };
 * ```
 */
export interface MethodOption {
  readonly name: keyof MethodOptions;
  readonly help: string;
}

/**
 * Options many methods read, with the help they share; a method lists these and its own.
 *
 * @example
 * ```ts
 * options: [OPTION.rows, OPTION.className, { name: 'feature', help: 'the column' }]
 * ```
 */
export const OPTION = {
  rows: { name: 'rows', help: 'rows to explain (default [0])' },
  className: { name: 'className', help: "class to explain (default: each row's predicted class)" },
  link: { name: 'link', help: 'explain the probability (identity) or its log-odds (logit)' },
  background: { name: 'background', help: 'reference data (default: a sample of the training data)' },
  backgroundSize: { name: 'backgroundSize', help: 'background rows kept (default 100)' },
  audience: { name: 'audience', help: 'also tell each row in words for this audience' },
  out: { name: 'out', help: 'folder for a heatmap PNG per image' },
} as const satisfies Record<string, MethodOption>;
