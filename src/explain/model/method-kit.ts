/**
 * What the tabular and text methods share: the model's view of the rows, the background, the
 * class to explain, Shapley values of one row, counterfactuals and narratives of a row.
 *
 * @module
 */
import type { Dataset } from '../../data/dataset.ts';
import { TransferkitError } from '../../errors.ts';
import { argmaxRow } from '../../measures/metrics.ts';
import type { TrainedModel } from '../../models/trained-model.ts';
import { encodeTextDataset, openTextEncoderRef, recordedEncoder } from '../../models/text/encoder-features.ts';
import type { TextEncoder } from '../../models/text/onnx-encoder.ts';
import { summariseBackground } from '../background.ts';
import { exactShapley, MAX_EXACT_PLAYERS } from '../exact-shapley.ts';
import { kernelShap } from '../kernel-shap.ts';
import { narrate } from '../narrative/narrate.ts';
import type { NarrativeAttributions } from '../narrative/types.ts';
import type { BackgroundInput, PredictFn, ShapleyResult } from '../types.ts';
import { backgroundData } from './background-data.ts';
import type { RowNarrative } from './explanation.ts';
import { applyLink, inputRows, modelProbs, tabularFeatures, textMasker } from './model-view.ts';
import { OPTION, type MethodOption } from './options.ts';
import type { MethodContext } from './registry.ts';
import { whatIf } from './what-if.ts';

/** What the tabular Shapley methods (and `mean-shap`) read. */
export const SHAPLEY_OPTIONS: readonly MethodOption[] = [
  OPTION.rows,
  OPTION.className,
  OPTION.link,
  OPTION.background,
  { name: 'backgroundSize', help: 'background rows kept (default 100; more are summarised by k-means)' },
  { name: 'nsamples', help: 'KernelSHAP: coalitions sampled' },
  { name: 'seed', help: 'KernelSHAP sampling and the background sample' },
];

/** Background rows a Shapley method keeps before summarising them with k-means. */
const SHAPLEY_BACKGROUND_ROWS = 100;

/**
 * The model-input rows of a tabular model's data, with the user's columns: one name per column
 * and the model inputs of each (a group of one-hot inputs for a categorical column).
 *
 * @example
 * ```ts
 * const { names, groups, x } = tabularInputs(ctx);
 * ```
 */
export function tabularInputs(ctx: MethodContext): { names: string[]; groups: number[][]; x: Float64Array[] } {
  const { names, groups } = tabularFeatures(ctx.trained.features);
  return { names, groups, x: inputRows(ctx.trained.features, ctx.data) };
}

/**
 * The explanation's background data (`opts.background`, default a sample of the training data)
 * and its model-input rows.
 *
 * @example
 * ```ts
 * const bg = await backgroundRows(ctx); // bg.rows: Float64Array[], bg.source: where it came from
 * ```
 */
export async function backgroundRows(ctx: MethodContext): Promise<{ data: Dataset; source: string; rows: Float64Array[] }> {
  const { trained, opts, seed } = ctx;
  const bg = await backgroundData(trained, opts.background, { size: opts.backgroundSize ?? 100, seed, label: opts.label });
  return { ...bg, rows: inputRows(trained.features, bg.data) };
}

/** The background of a Shapley method: the rows, or a k-means summary of more than 100. */
export function shapleyBackground(rows: Float64Array[], seed: number): BackgroundInput {
  return rows.length > SHAPLEY_BACKGROUND_ROWS ? summariseBackground(rows, { method: 'kmeans', k: SHAPLEY_BACKGROUND_ROWS, seed }) : rows;
}

/**
 * Shapley values of one row: exact (every coalition) or KernelSHAP.
 *
 * @example
 * ```ts
 * const res = await shapleyValues(f, x[r], background, { exact: groups.length <= 12, groups, seed: 0 });
 * ```
 */
export function shapleyValues(
  f: PredictFn,
  x: Float64Array,
  background: BackgroundInput,
  opts: { exact: boolean; groups?: number[][]; seed: number; nsamples?: number },
): Promise<ShapleyResult> {
  return opts.exact
    ? exactShapley(f, x, background, { groups: opts.groups, maxPlayers: MAX_EXACT_PLAYERS })
    : kernelShap(f, x, background, { groups: opts.groups, seed: opts.seed, nsamples: opts.nsamples });
}

/**
 * The class to explain: `className` (an error naming the classes when the model has no such
 * class), else the model's prediction for `row`.
 *
 * @example
 * ```ts
 * const cls = classIndex(trained, opts.className, x[r]);
 * ```
 */
export function classIndex(trained: TrainedModel, className: string | undefined, row: ArrayLike<number>): number {
  if (className !== undefined) {
    const c = trained.classes.indexOf(className);
    if (c < 0) throw new TransferkitError('UNKNOWN_CLASS', `The model has no class "${className}"`, { hint: `Classes: ${trained.classes.join(', ')}.` });
    return c;
  }
  return argmaxRow(modelProbs(trained, [row]), 0, trained.classes.length);
}

/**
 * The model's prediction for one model-input row: its label and probability.
 *
 * @example
 * ```ts
 * predictionOf(trained, x[3]); // { label: 'Gentoo', probability: 0.97 }
 * ```
 */
export function predictionOf(trained: TrainedModel, row: ArrayLike<number>): { label: string; probability: number } {
  const probs = modelProbs(trained, [row]);
  const predicted = argmaxRow(probs, 0, trained.classes.length);
  return { label: trained.classes[predicted], probability: probs[predicted] };
}

/**
 * A row's value of a tabular column, as the user wrote it (NaN when there is no such column).
 *
 * @example
 * ```ts
 * columnValue(data, 'Island', 3); // 'Dream'
 * ```
 */
export function columnValue(data: Dataset, name: string, i: number): number | string {
  if (data.features.kind !== 'tabular') return NaN;
  const col = data.features.columns.find((c) => c.name === name);
  return col ? col.values[i] : NaN;
}

/**
 * Counterfactuals of row `row` of the data, searched over the range of `reference`, with the
 * options' constraints (`immutable`, `permittedRanges`, `count`, `seed`).
 *
 * @example
 * ```ts
 * const cf = await whatIfRow(ctx, bg.data, 3, 'Gentoo');
 * ```
 */
export function whatIfRow(ctx: MethodContext, reference: Dataset, row: number, desired?: string): ReturnType<typeof whatIf> {
  const { opts } = ctx;
  return whatIf(ctx.trained, ctx.data, row, reference, { desired, immutable: opts.immutable, permittedRanges: opts.permittedRanges, count: opts.count, seed: ctx.seed });
}

/**
 * One row's explanation told for `opts.audience` (which must be set); attributions carry the
 * method's own description when its registry entry has one.
 *
 * @example
 * ```ts
 * const n = narrateRow(ctx, 3, predictionOf(trained, x[3]), attributions, await whatIfRow(ctx, bg.data, 3));
 * ```
 */
export function narrateRow(
  ctx: MethodContext,
  row: number,
  prediction: { label: string; probability: number },
  attributions: NarrativeAttributions | undefined,
  cf: Awaited<ReturnType<typeof whatIf>>,
): RowNarrative {
  const { trained } = ctx;
  const audience = ctx.opts.audience!;
  const describe = ctx.method.describe;
  const n = narrate({
    audience,
    prediction: { ...prediction, classes: trained.classes },
    attributions: attributions && describe ? { ...attributions, description: describe(attributions.backgroundSize) } : attributions,
    counterfactuals: cf,
    desiredLabel: cf.desired,
    model: { name: trained.meta?.name ?? trained.dir, strategy: trained.meta?.source?.strategy },
  });
  return { row, audience, text: n.text, sections: n.sections };
}

/**
 * A text model's view of its data: the words of a row with the class to explain for it (an
 * error for a row without words), and one class's output (through `ctx.link`) for texts.
 *
 * @example
 * ```ts
 * const { words, classOutput } = textView(ctx);
 * const { tokens, textFor, cls } = words(0);
 * const outputs = classOutput([textFor(Float64Array.of(1, 0, 1))], cls);
 * ```
 */
export function textView(ctx: MethodContext): {
  words: (row: number) => Promise<{ tokens: string[]; textFor: (mask: ArrayLike<number>) => string; cls: number }>;
  classOutput: (texts: string[], cls: number) => Promise<number[]>;
  release: () => Promise<void>;
} {
  const { trained, data, link } = ctx;
  if (data.features.kind !== 'text') throw new TransferkitError('KIND_MISMATCH', 'This text model needs text data');
  const texts = data.features.texts;
  const ref = recordedEncoder(trained.meta);
  // a model on an ONNX text encoder's features: the texts go through the encoder first, opened
  // once for the whole explanation (every batch of perturbed texts would otherwise reload it)
  let encoder: Promise<TextEncoder> | undefined;
  const toRows = async (ts: string[]) => {
    const ds: Dataset = { ...data, size: ts.length, features: { kind: 'text', texts: ts }, labels: new Int32Array(ts.length).fill(-1) };
    return inputRows(trained.features, ref ? await encodeTextDataset(await (encoder ??= openTextEncoderRef(ref)), ds) : ds);
  };
  const k = trained.classes.length;
  return {
    words: async (r) => {
      const { tokens, textFor } = textMasker(texts[r]);
      if (tokens.length === 0) throw new TransferkitError('EMPTY_TEXT', `Row ${r} has no words to explain`, { where: `row ${r}` });
      return { tokens, textFor, cls: classIndex(trained, ctx.opts.className, (await toRows([texts[r]]))[0]) };
    },
    classOutput: async (ts, cls) => {
      const probs = modelProbs(trained, await toRows(ts));
      return ts.map((_, i) => applyLink(probs[i * k + cls], link));
    },
    release: async () => {
      const opened = encoder;
      encoder = undefined;
      if (opened) await (await opened).dispose();
    },
  };
}
