/**
 * Learning-rate schedules and the layer-wise (discriminative) learning-rate multipliers used by
 * {@link trainModel} and `fit`.
 *
 * A schedule maps the optimiser step to a factor of the phase's base learning rate; warm-up
 * ramps linearly from `1/warmup` of it to the full rate. Multipliers scale the rate per layer:
 * `lrDecay: 0.5` gives the head the full rate, the top weighted base layer half of it, the next
 * a quarter, and so on (ULMFiT's discriminative fine-tuning).
 */
import type * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../errors.ts';

/** Kinds of learning-rate schedule. */
export type ScheduleKind = 'constant' | 'cosine' | 'step';

/** The schedule kinds, for validation and help texts. */
export const SCHEDULES: readonly ScheduleKind[] = ['constant', 'cosine', 'step'];

/** How the learning rate changes over a phase. */
export interface LrSchedule {
  /** `constant` (default), `cosine` (half a cosine from the base rate down to `minFactor` of it) or `step` (× `gamma` every `stepEpochs`). */
  kind?: ScheduleKind;
  /** Linear warm-up over this many epochs (fractions allowed), before the schedule proper. */
  warmupEpochs?: number;
  /** Linear warm-up over this many optimiser steps (used instead of `warmupEpochs` when both are given). */
  warmupSteps?: number;
  /** `step`: epochs between decays (default: a third of the phase, at least 1). */
  stepEpochs?: number;
  /** `step`: factor applied at each decay (default 0.1). */
  gamma?: number;
  /** `cosine`: final factor of the base rate (default 0). */
  minFactor?: number;
}

/**
 * Factor of the base learning rate at optimiser step `step` (0-based) of a phase with
 * `totalSteps` steps of `stepsPerEpoch` each.
 *
 * @example
 * ```ts
 * lrFactor({ kind: 'cosine', warmupSteps: 10 }, 5, 100, 10);   // 0.6 (warming up)
 * lrFactor({ kind: 'cosine' }, 50, 100, 10);                   // 0.5
 * lrFactor({ kind: 'step', stepEpochs: 2, gamma: 0.1 }, 45, 100, 10); // 0.01
 * ```
 */
export function lrFactor(schedule: LrSchedule | undefined, step: number, totalSteps: number, stepsPerEpoch: number): number {
  if (!schedule) return 1;
  const warmup = Math.round(schedule.warmupSteps ?? (schedule.warmupEpochs ?? 0) * stepsPerEpoch);
  if (warmup > 0 && step < warmup) return (step + 1) / warmup;
  const kind = schedule.kind ?? 'constant';
  if (kind === 'constant') return 1;
  if (kind === 'cosine') {
    const span = Math.max(1, totalSteps - warmup);
    const t = Math.min(1, Math.max(0, step - warmup) / span);
    const min = schedule.minFactor ?? 0;
    return min + (1 - min) * 0.5 * (1 + Math.cos(Math.PI * t));
  }
  const epochs = Math.max(1, Math.round(totalSteps / Math.max(1, stepsPerEpoch)));
  const every = Math.max(1, Math.round(schedule.stepEpochs ?? Math.max(1, Math.round(epochs / 3))));
  const epoch = Math.floor(step / Math.max(1, stepsPerEpoch));
  return (schedule.gamma ?? 0.1) ** Math.floor(epoch / every);
}

/**
 * Checks a schedule's numbers, naming the bad one.
 *
 * @example
 * ```ts
 * checkSchedule({ kind: 'cosine', warmupEpochs: 2 });
 * ```
 */
export function checkSchedule(s: LrSchedule | undefined): void {
  if (!s) return;
  const bad = (what: string, hint: string) => new TransferkitError('BAD_OPTION', `Learning-rate schedule: ${what}`, { hint });
  if (s.kind !== undefined && !SCHEDULES.includes(s.kind)) throw bad(`unknown kind "${s.kind}"`, `Use one of: ${SCHEDULES.join(', ')}.`);
  if (s.warmupEpochs !== undefined && !(s.warmupEpochs >= 0)) throw bad(`warm-up epochs must be ≥ 0, got ${s.warmupEpochs}`, 'For example `warmup: 2`.');
  if (s.warmupSteps !== undefined && !(Number.isInteger(s.warmupSteps) && s.warmupSteps >= 0)) throw bad(`warm-up steps must be a whole number ≥ 0, got ${s.warmupSteps}`, 'For example `warmupSteps: 50`.');
  if (s.stepEpochs !== undefined && !(s.stepEpochs >= 1)) throw bad(`step epochs must be ≥ 1, got ${s.stepEpochs}`, 'For example `lrStepEpochs: 10`.');
  if (s.gamma !== undefined && !(s.gamma > 0 && s.gamma <= 1)) throw bad(`gamma must be in (0, 1], got ${s.gamma}`, 'For example `lrGamma: 0.1`.');
  if (s.minFactor !== undefined && !(s.minFactor >= 0 && s.minFactor <= 1)) throw bad(`the final factor must be in [0, 1], got ${s.minFactor}`, 'For example 0.01.');
}

/** How learning rates differ between layers. */
export interface LayerLrOptions {
  /** Layer-wise decay: the k-th weighted base layer from the top gets `lrDecay^k` of the rate (head: 1). */
  lrDecay?: number;
  /** Explicit multipliers by layer name (override `lrDecay`), e.g. `{ conv1: 0.01, conv2: 0.1 }`. */
  layerLr?: Record<string, number>;
}

/**
 * The learning-rate multiplier of every layer of a model whose first `baseLayerCount` layers
 * are the pretrained base. Depth counts the weighted base layers from the top (the top one has
 * depth 1); a BatchNormalization layer shares the depth of the layer it normalises. Layers not
 * in the map (the head) train at the full rate.
 *
 * @throws TransferkitError `UNKNOWN_LAYER` for a `layerLr` name that is not in the model; `BAD_OPTION` for a factor ≤ 0.
 * @example
 * ```ts
 * layerMultipliers(model, 12, { lrDecay: 0.5 }); // Map { dense1 → 0.5, conv2 → 0.25, bn2 → 0.25, conv1 → 0.125, bn1 → 0.125 }
 * ```
 */
export function layerMultipliers(model: tf.LayersModel, baseLayerCount: number, opts: LayerLrOptions): Map<string, number> {
  const out = new Map<string, number>();
  const decay = opts.lrDecay ?? 1;
  if (!(decay > 0 && decay <= 1)) {
    throw new TransferkitError('BAD_OPTION', `The layer-wise learning-rate decay must be in (0, 1], got ${decay}`, { hint: 'For example `lrDecay: 0.5`: each weighted layer further down learns at half the rate of the one above.' });
  }
  const base = model.layers.slice(0, baseLayerCount).filter((l) => l.weights.length > 0);
  const isBN = (l: tf.layers.Layer) => l.getClassName() === 'BatchNormalization';
  const main = base.filter((l) => !isBN(l));
  let depth = main.length;
  let lastMainDepth = main.length;
  for (const layer of base) {
    if (!isBN(layer)) {
      lastMainDepth = depth--;
      out.set(layer.name, decay ** lastMainDepth);
    } else {
      out.set(layer.name, decay ** lastMainDepth);
    }
  }
  for (const [name, factor] of Object.entries(opts.layerLr ?? {})) {
    if (!model.layers.some((l) => l.name === name)) {
      throw new TransferkitError('UNKNOWN_LAYER', `No layer named "${name}" for a per-layer learning rate`, {
        hint: `Layers with weights: ${model.layers.filter((l) => l.weights.length > 0).map((l) => l.name).join(', ')}.`,
      });
    }
    if (!(factor > 0)) throw new TransferkitError('BAD_OPTION', `The learning-rate factor of layer "${name}" must be > 0, got ${factor}`, { hint: 'For example --layer-lr conv1=0.1,conv2=0.3.' });
    out.set(name, factor);
  }
  return out;
}

/**
 * Parses `--layer-lr` text: `name=factor` pairs separated by commas.
 *
 * @example
 * ```ts
 * parseLayerLr('conv1=0.1,dense1=0.5'); // { conv1: 0.1, dense1: 0.5 }
 * ```
 */
export function parseLayerLr(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=]+)=(.+)$/.exec(part);
    const factor = m ? Number(m[2]) : NaN;
    if (!m || !(factor > 0)) {
      throw new TransferkitError('BAD_OPTION', `Cannot read "${part}" as layer=factor`, { hint: 'Write name=factor pairs separated by commas, e.g. --layer-lr conv1=0.1,conv2=0.3.' });
    }
    out[m[1].trim()] = factor;
  }
  return out;
}
