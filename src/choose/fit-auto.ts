/**
 * `fit --strategy auto`: the freeze advisor's plan, applied. One path for the CLI and the API:
 * advise on the base model and training data, train with the plan, and keep the advice in the
 * run folder (`advice.json`) beside the `config.json` that records the plan actually trained.
 *
 * @module
 */
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { ensureEngine } from '../engine/backend.ts';
import { TransferkitError } from '../errors.ts';
import { loadModelRef } from '../models/load.ts';
import { fit, type FitCallbacks, type FitConfig, type FitResult } from '../transfer/fit.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { adviseFitConfig, type Advice, type AdvisorThresholds } from './advisor.ts';

/**
 * Name of the advice file in a run folder trained by {@link fitAuto}.
 *
 * @example
 * ```ts
 * const advice = JSON.parse(await readFile(join('runs/auto', ADVICE_FILE), 'utf8'));
 * ```
 */
export const ADVICE_FILE = 'advice.json';

/**
 * A `fit` config whose strategy may be `auto` (or left out, which means the same). The plan
 * fills in strategy, layers to unfreeze, cut, learning rate, epochs and batch size; settings
 * given here explicitly win over the plan's.
 */
export type AutoFitConfig = Omit<FitConfig, 'strategy'> & { strategy?: 'auto' };

/** Options of {@link fitAuto}. */
export interface FitAutoOptions {
  /** A sample of the base model's training data (default: the sample the model records). */
  source?: string | Dataset;
  /** Advisor thresholds (default `DEFAULT_THRESHOLDS`). */
  thresholds?: Partial<AdvisorThresholds>;
  /** Progress callbacks of the training. */
  callbacks?: FitCallbacks;
  /** Called once the advice is known, before training starts (e.g. to print it). */
  onAdvice?: (advice: Advice, config: FitConfig) => void;
}

/** What {@link fitAuto} returns. */
export interface FitAutoResult {
  /** The advisor's measurements, quadrant, plan and reasons (also in `<out>/advice.json`). */
  advice: Advice;
  /** The config that was trained: the plan merged with the explicit settings (also `<out>/config.json`). */
  config: FitConfig;
  /** The training result; `fit.model` is the caller's to `dispose()`. */
  fit: FitResult;
  /** Path of the saved advice (absent without `out`: nothing is written). */
  adviceFile?: string;
}

/**
 * Advises how to transfer (`advise`: target size, source/target similarity, the four-way rule)
 * and trains with the recommended plan. The advice is written atomically to `<out>/advice.json`
 * as soon as the run folder exists (after the first epoch), so an interrupted run keeps it too;
 * `config.json` holds the concrete strategy, so `resumeFit` continues the run as usual. Without
 * `out` nothing is written. The trained model (`result.fit.model`) is the caller's to `dispose()`.
 *
 * @throws TransferkitError `MISSING_BASE` without `base` (there is nothing to advise on).
 * @example
 * ```ts
 * const { advice, config, fit } = await fitAuto({ base: 'fashion-cnn', train: 'builtin:mnist', perClass: 10, out: 'runs/auto' });
 * console.log(advice.quadrant, config.strategy, config.unfreeze, fit.val?.accuracy);
 * ```
 */
export async function fitAuto(config: AutoFitConfig, opts: FitAutoOptions = {}): Promise<FitAutoResult> {
  await ensureEngine();
  if (!config.base) {
    throw new TransferkitError('MISSING_BASE', 'The auto strategy needs a pretrained model to advise on', { hint: 'Pass base: a zoo name or a model folder.' });
  }
  // the base is loaded (and an .onnx converted) once: the advisor measures it, fit trains from it
  // (an ONNX text encoder with the tokenizer and pooling asked for)
  const pooling = config.pooling === 'mean' || config.pooling === 'cls' ? config.pooling : undefined;
  const base = typeof config.base === 'string' ? await loadModelRef(config.base, { tokenizer: config.tokenizer, pooling }) : config.base;
  let planned: FitConfig;
  let advice: Advice;
  try {
    ({ config: planned, advice } = await adviseFitConfig({ ...config, base }, { source: opts.source, thresholds: opts.thresholds }));
  } catch (err) {
    base.model.dispose();
    throw err;
  }
  opts.onAdvice?.(advice, planned);
  const adviceFile = planned.out === undefined ? undefined : join(planned.out, ADVICE_FILE);
  let pending: Promise<void> | undefined;
  const saveAdvice = () => (pending ??= adviceFile === undefined ? Promise.resolve() : writeJsonAtomic(adviceFile, advice));
  const cb = opts.callbacks ?? {};
  const res = await fit(planned, {
    ...cb,
    onEpoch: (record) => {
      // the run folder exists once an epoch is done; a failed write surfaces below
      saveAdvice().catch(() => undefined);
      cb.onEpoch?.(record);
    },
  });
  try {
    await saveAdvice();
  } catch (err) {
    res.model.dispose();
    throw err;
  }
  const result: FitAutoResult = { advice, config: planned, fit: res };
  if (adviceFile !== undefined) result.adviceFile = adviceFile;
  return result;
}
