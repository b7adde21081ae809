/**
 * The freeze advisor: from the target's size and its measured similarity to the source, the
 * four-way rule of transfer learning turned into a concrete training plan.
 *
 * | target data | similar to the source | different from the source |
 * |---|---|---|
 * | small (< 50 labels per class) | train the new head only (`extract`) | drop the top third of the base (the most source-specific layers), train a head on the earlier features and retrain the layer below at a low learning rate |
 * | large (≥ 50 labels per class) | unfreeze the top third of the base | drop the top third too, then fine-tune every layer kept |
 *
 * Similar means similar inputs — a proxy A-distance below 1.0 between source and target base
 * features — and, for labelled targets, a similar task — the source model's own predictions
 * explain at least half of the target-label entropy (see `similarity.ts`). "Layers" are the base
 * layers with weights, BatchNorm excluded (it stays in inference mode).
 *
 * @module
 */
import { classCounts, type Dataset } from '../data/dataset.ts';
import { samplePerClass } from '../data/split.ts';
import { TransferkitError } from '../errors.ts';
import type { FitConfig } from '../transfer/fit.ts';
import { trainingBudget } from './budget.ts';
import { measureSimilarity, SIMILAR_LABELS, SIMILAR_PAD, type SimilarityReport } from './similarity.ts';
import { earlierCut, loadTargetFor, weightedBaseLayers } from './source.ts';
import { ensureEngine } from '../engine/backend.ts';
import { loadModelRef, type ModelHandle } from '../models/load.ts';
import { quantileSorted } from '../util/quantile.ts';

/** The four cells of the rule. */
export type Quadrant = 'small-similar' | 'large-similar' | 'small-different' | 'large-different';

/** All quadrants, in the order of the rule. */
export const QUADRANTS: readonly Quadrant[] = ['small-similar', 'large-similar', 'small-different', 'large-different'];

/** Labels per class (median over classes) from which the target counts as large. */
export const SMALL_PER_CLASS = 50;

/** The advisor's thresholds (defaults: {@link SMALL_PER_CLASS}, `SIMILAR_PAD`). */
export interface AdvisorThresholds {
  /** Median labelled examples per class at or above which the data is "large". */
  largePerClass: number;
  /** Proxy A-distance below which source and target inputs are "similar". */
  similarPad: number;
  /** Label match 1 − H(Y|Z)/H(Y) from which the tasks are "similar". */
  similarLabels: number;
}

/** The default thresholds. */
export const DEFAULT_THRESHOLDS: Readonly<AdvisorThresholds> = Object.freeze({ largePerClass: SMALL_PER_CLASS, similarPad: SIMILAR_PAD, similarLabels: SIMILAR_LABELS });

/** A concrete training plan. */
export interface Plan {
  quadrant: Quadrant;
  /** The rule in a few words, e.g. "train the head only". */
  rule: string;
  strategy: 'extract' | 'finetune';
  /** Base layers trained in the fine-tuning phase (empty for `extract`), bottom to top. */
  unfreeze: string[];
  /** Layer whose output feeds the new head, when not the default (the input of the old head). */
  cutAt?: string;
  /** Base layers left out by `cutAt`. */
  dropped?: string[];
  /** Learning rate of the new head. */
  learningRate: number;
  /** Learning rate of the fine-tuning phase (a tenth of the head's; absent for `extract`). */
  finetuneLearningRate?: number;
  epochs: number;
  finetuneEpochs?: number;
  batchSize: number;
  /** The plan as `fit` settings. */
  fit: Pick<FitConfig, 'strategy' | 'learningRate' | 'epochs' | 'batchSize'> & Partial<Pick<FitConfig, 'unfreeze' | 'finetuneEpochs' | 'cutAt'>>;
  /** What will happen, in words. */
  summary: string;
}

/** Facts a plan is built from. */
export interface PlanContext {
  /** Base layers with weights (BatchNorm excluded), bottom to top. */
  weightedLayers: string[];
  /** Labelled training examples. */
  trainSize: number;
  /** Image data (head learning rate 2e-3) or not (1e-2). */
  image: boolean;
  /** Override the head learning rate. */
  learningRate?: number;
  /** Where to cut to drop the most source-specific layers (see `earlierCut`); without it small-different unfreezes the top two thirds. */
  earlierCut?: { cutAt: string; dropped: string[]; kept: string[] };
}

/**
 * Which quadrant a target falls in, with the reasons.
 *
 * @example
 * ```ts
 * decideQuadrant({ perClass: 10, similar: false }).quadrant; // 'small-different'
 * ```
 */
export function decideQuadrant(
  input: { perClass: number; similar: boolean },
  thresholds: AdvisorThresholds = DEFAULT_THRESHOLDS,
): { quadrant: Quadrant; small: boolean; reasons: string[] } {
  const small = input.perClass < thresholds.largePerClass;
  const quadrant: Quadrant = `${small ? 'small' : 'large'}-${input.similar ? 'similar' : 'different'}`;
  const reasons = [
    `${fmtCount(input.perClass)} labelled examples per class is ${small ? 'small' : 'large'} (${small ? 'below' : 'at least'} ${thresholds.largePerClass} per class)`,
    WHY[quadrant],
  ];
  return { quadrant, small, reasons };
}

const WHY: Record<Quadrant, string> = {
  'small-similar': 'small and similar: the pretrained features already fit the target, and too few labels to move them without overfitting, so train only a new head on them',
  'large-similar': 'large and similar: the features fit, and there are enough labels to adapt the most task-specific top layers too',
  'small-different': 'small and different: the top layers are specialised to the source task and too few labels to retrain them, so build on earlier, more generic features and retrain the layer below them gently at a low learning rate',
  'large-different': 'large and different: there are enough labels to adapt every layer, starting from the pretrained weights rather than from random ones; the most source-specific top layers are dropped rather than unlearned',
};

const RULE: Record<Quadrant, string> = {
  'small-similar': 'train the head only',
  'large-similar': 'unfreeze the top layers',
  'small-different': 'build on earlier layers and retrain them',
  'large-different': 'fine-tune everything',
};

/**
 * The concrete plan of a quadrant. With L weighted base layers: small-similar trains the head
 * only; large-similar unfreezes the top ⌈L/3⌉. The "different" quadrants cut below the top ⌈L/3⌉
 * (when `earlierCut` is known, i.e. L ≥ 2) and train a head on those earlier features, then
 * small-different fine-tunes the highest layer kept and large-different every layer kept. Without
 * an earlier cut, small-different unfreezes the top ⌈2L/3⌉ and large-different all L.
 * (Measured: the top dense layer of a CNN pretrained on clothing, kept and fine-tuned at a tenth
 * of the learning rate, costs 6 points on MNIST digits even at 100 labels per class; see
 * `scripts/advisor-bench.ts`.)
 * Fine-tuning runs at a tenth of the head's learning rate after the head is trained. Epochs and
 * batch size follow `trainingBudget` (about 600 optimiser steps, 10 to 60 epochs; the
 * fine-tuning phase half as many).
 *
 * @example
 * ```ts
 * quadrantPlan('small-different', { weightedLayers: ['conv1', 'conv2', 'dense1'], trainSize: 100, image: true,
 *   earlierCut: { cutAt: 'flatten', dropped: ['dense1'], kept: ['conv1', 'conv2'] } });
 * // strategy finetune, cutAt 'flatten', unfreeze ['conv2']
 * ```
 */
export function quadrantPlan(quadrant: Quadrant, ctx: PlanContext): Plan {
  const L = ctx.weightedLayers.length;
  const different = quadrant === 'small-different' || quadrant === 'large-different';
  const cut = different && ctx.earlierCut && ctx.earlierCut.kept.length > 0 ? ctx.earlierCut : undefined;
  const count = { 'small-similar': 0, 'large-similar': Math.ceil(L / 3), 'small-different': Math.ceil((2 * L) / 3), 'large-different': L }[quadrant];
  const unfreeze = cut ? (quadrant === 'small-different' ? cut.kept.slice(-1) : [...cut.kept]) : count > 0 ? ctx.weightedLayers.slice(L - count) : [];
  const strategy = unfreeze.length > 0 ? 'finetune' : 'extract';
  const { batchSize, epochs, finetuneEpochs } = trainingBudget(ctx.trainSize);
  const learningRate = ctx.learningRate ?? (ctx.image ? 2e-3 : 1e-2);
  const plan: Plan = {
    quadrant,
    rule: RULE[quadrant],
    strategy,
    unfreeze,
    learningRate,
    epochs,
    batchSize,
    fit: { strategy, learningRate, epochs, batchSize },
    summary: '',
  };
  if (cut) {
    plan.cutAt = cut.cutAt;
    plan.dropped = cut.dropped;
    plan.fit.cutAt = cut.cutAt;
  }
  if (strategy === 'finetune') {
    plan.finetuneLearningRate = learningRate / 10;
    plan.finetuneEpochs = finetuneEpochs;
    plan.fit.unfreeze = unfreeze;
    plan.fit.finetuneEpochs = finetuneEpochs;
  }
  const base = cut ? cut.kept : ctx.weightedLayers;
  const frozen = base.filter((l) => !unfreeze.includes(l));
  const head = cut ? `drop ${cut.dropped.join(', ')} (cut at ${cut.cutAt}), train a new head on the earlier features` : 'train a new head';
  plan.summary =
    strategy === 'extract'
      ? `${head} for ${epochs} epochs at learning rate ${learningRate} on the frozen base (${base.join(', ') || 'no weighted layers'} ${base.length === 1 ? 'stays' : 'stay'} frozen)`
      : `${head} for ${epochs} epochs at learning rate ${learningRate}, then unfreeze ${unfreeze.join(', ')} and train for ${finetuneEpochs} more epochs at ${plan.finetuneLearningRate}${frozen.length ? ` (${frozen.join(', ')} ${frozen.length === 1 ? 'stays' : 'stay'} frozen)` : ' (every layer trains; BatchNorm statistics stay frozen)'}`;
  return plan;
}

/** Options of {@link advise}. */
export interface AdviseOptions {
  /** Source model: a reference `loadModelRef` takes, or a loaded model (used, not disposed). */
  base: string | ModelHandle;
  /** Target training data. */
  train: string | Dataset;
  /** A sample of the source's training data (default: what the model records). */
  source?: string | Dataset;
  /** Labelled examples per class that will be used (as `fit --per-class`). */
  perClass?: number;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  thresholds?: Partial<AdvisorThresholds>;
  /** Head learning rate override. */
  learningRate?: number;
  seed?: number;
}

/** The advisor's answer. */
export interface Advice {
  base: string;
  target: string;
  size: { examples: number; classes: number; perClass: number; small: boolean };
  similarity: SimilarityReport;
  quadrant: Quadrant;
  plan: Plan;
  /** The other three quadrants' plans, for comparison. */
  alternatives: Plan[];
  /** Why, in plain words, ending with the plan. */
  reasons: string[];
  thresholds: AdvisorThresholds;
  /** Settings to merge into a `fit` config (see {@link adviseFitConfig}). */
  fit: Plan['fit'];
}

/**
 * Measures the target (size per class, similarity to the source in the base model's feature
 * space) and recommends what to freeze.
 *
 * @example
 * ```ts
 * const a = await advise({ base: 'fashion-cnn', train: 'builtin:mnist', perClass: 10 });
 * console.log(a.quadrant, a.plan.summary);
 * await fit({ ...a.fit, base: 'fashion-cnn', train: 'builtin:mnist', perClass: 10, out: 'runs/auto' });
 * ```
 */
export async function advise(opts: AdviseOptions): Promise<Advice> {
  await ensureEngine();
  const thresholds = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
  const src = typeof opts.base === 'string' ? await loadModelRef(opts.base) : opts.base;
  const all = await loadTargetFor(src, opts.train, opts);
  const labelled = opts.perClass ? samplePerClass(all, opts.perClass, opts.seed ?? 0).sample : all;
  const counts = classCounts(labelled).filter((c) => c > 0);
  if (counts.length === 0) throw new TransferkitError('NO_LABELS', `${all.name} has no labelled examples`, { hint: 'The advisor needs labelled training data.' });
  const perClass = median(counts);
  // similarity uses all training inputs (labels are not needed), capped inside
  const similarity = await measureSimilarity({ base: src, target: all, source: opts.source, seed: opts.seed });
  if (similarity.basis === 'pad') similarity.similarInputs = similarity.pad!.pad < thresholds.similarPad;
  if (similarity.sourceLabels.labelMatch !== undefined) similarity.similarLabels = similarity.sourceLabels.labelMatch >= thresholds.similarLabels;
  similarity.similar = similarity.similarInputs && similarity.similarLabels !== false;
  const { quadrant, small, reasons } = decideQuadrant({ perClass, similar: similarity.similar }, thresholds);
  const shape = src.features?.kind === 'image' ? [src.features.height, src.features.width, src.features.channels] : undefined;
  const ctx: PlanContext = {
    weightedLayers: await weightedBaseLayers(src, shape),
    trainSize: labelled.size,
    image: src.features?.kind === 'image',
    learningRate: opts.learningRate,
    earlierCut: await earlierCut(src, shape),
  };
  if (typeof opts.base === 'string') src.model.dispose();
  const plan = quadrantPlan(quadrant, ctx);
  const size = { examples: labelled.size, classes: counts.length, perClass, small };
  return {
    base: src.ref,
    target: all.name,
    size,
    similarity,
    quadrant,
    plan,
    alternatives: QUADRANTS.filter((q) => q !== quadrant).map((q) => quadrantPlan(q, ctx)),
    reasons: [
      reasons[0],
      ...similarity.reasons.filter((r) => r.startsWith('inputs:') || r.startsWith('task:')),
      `so the target is ${similarity.similar ? 'similar to' : 'different from'} the source`,
      reasons[1],
      `plan: ${plan.summary}`,
    ],
    thresholds,
    fit: plan.fit,
  };
}

/**
 * Resolves `fit --strategy auto`: runs the advisor on the config's base and training data and
 * returns the config with the plan's strategy, layers to unfreeze, learning rate and epochs.
 * Settings the user gave explicitly (learning rate, epochs, batch size, unfreeze) win over the plan's.
 * `fitAuto` (fit-auto.ts) does this, the training and saving the advice in one call.
 *
 * @example
 * ```ts
 * const { config, advice } = await adviseFitConfig({ base: 'fashion-cnn', train: 'builtin:mnist', perClass: 10, strategy: 'auto', out: 'runs/auto' });
 * await fit(config);
 * ```
 */
export async function adviseFitConfig(
  config: Omit<FitConfig, 'strategy'> & { strategy?: FitConfig['strategy'] | 'auto' },
  opts: { source?: string | Dataset; thresholds?: Partial<AdvisorThresholds> } = {},
): Promise<{ config: FitConfig; advice: Advice }> {
  await ensureEngine();
  if (!config.base) {
    throw new TransferkitError('MISSING_BASE', 'The auto strategy needs a pretrained model to advise on', { hint: 'Pass `base`: a zoo name or a model folder.' });
  }
  const advice = await advise({
    base: config.base,
    train: config.train,
    source: opts.source,
    perClass: config.perClass,
    label: config.label,
    impute: config.impute,
    thresholds: opts.thresholds,
    learningRate: config.learningRate,
    seed: config.seed,
  });
  const { strategy: _ignored, ...rest } = config;
  const merged: FitConfig = { ...rest, ...advice.fit };
  for (const key of ['learningRate', 'epochs', 'finetuneEpochs', 'batchSize', 'unfreeze', 'cutAt'] as const) {
    if (config[key] !== undefined) (merged as unknown as Record<string, unknown>)[key] = config[key];
  }
  return { config: merged, advice };
}

function median(values: number[]): number {
  return quantileSorted([...values].sort((x, y) => x - y), 0.5);
}

function fmtCount(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}
