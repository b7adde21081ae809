/**
 * The training settings, each defined once: its API name (a `FitConfig` key), its CLI flag, its
 * default, its bounds and its help text. `fit` validates with it, the CLI builds its options and
 * help from it (`src/cli/settings-option.ts`), and README's option table is rendered from it
 * (a test checks they agree).
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';

/**
 * `fit`'s fixed defaults (where a default depends on the data, the setting's `defaultText` says how).
 *
 * @example
 * ```ts
 * const epochs = cfg.epochs ?? FIT_DEFAULTS.epochs;
 * ```
 */
export const FIT_DEFAULTS = Object.freeze({ epochs: 30, learningRate: 1e-3, tabularLearningRate: 1e-2, unfreeze: 2, patience: 5, batchSize: 32, seed: 0, valFraction: 0.15 });

/** The numeric training settings (the `FitConfig` keys this table defines). */
export type TrainingSettingKey =
  | 'epochs'
  | 'finetuneEpochs'
  | 'batchSize'
  | 'learningRate'
  | 'patience'
  | 'perClass'
  | 'valFraction'
  | 'seed'
  | 'lrDecay'
  | 'warmup'
  | 'warmupSteps'
  | 'lrStepEpochs'
  | 'lrGamma'
  | 'weightDecay'
  | 'l2sp'
  | 'l2spBeta'
  | 'headDropout'
  | 'labelSmoothing'
  | 'loraRank'
  | 'loraAlpha';

/**
 * One numeric training setting.
 *
 * @example
 * ```ts
 * const lr = TRAINING_SETTINGS.find((s) => s.key === 'learningRate')!;
 * lr.flag; // '--lr'
 * ```
 */
export interface TrainingSetting {
  /** The name in the API (`FitConfig`). */
  key: TrainingSettingKey;
  /** The CLI flag. */
  flag: string;
  /** The value's placeholder in `--help`. */
  arg: string;
  /** Whole numbers only. */
  integer?: boolean;
  /** Lowest allowed value; `minOpen` excludes it. */
  min?: number;
  minOpen?: boolean;
  /** Highest allowed value; `maxOpen` excludes it. */
  max?: number;
  maxOpen?: boolean;
  /** The default as help and README state it (absent: the setting is off unless given). */
  defaultText?: string;
  /** What it does. */
  help: string;
  /** Where `--help` lists it. */
  group: 'training' | 'fine-tuning' | 'lora';
}

/**
 * Every numeric training setting, in the order `--help` and README list them.
 *
 * @example
 * ```ts
 * for (const s of TRAINING_SETTINGS) console.log(s.key, s.flag, s.defaultText ?? 'off');
 * ```
 */
export const TRAINING_SETTINGS: readonly TrainingSetting[] = Object.freeze([
  { key: 'epochs', flag: '--epochs', arg: '<n>', integer: true, min: 1, defaultText: `${FIT_DEFAULTS.epochs}, or more to make 300 optimiser steps`, help: 'epochs per phase (early stopping or cross-validation may end sooner)', group: 'training' },
  { key: 'finetuneEpochs', flag: '--finetune-epochs', arg: '<n>', integer: true, min: 1, defaultText: '`--epochs` when given; else on small data (< 1,000 examples) enough for 100 steps (≥ 10 epochs), on larger data the epochs of the first phase', help: 'epochs of the fine-tuning phase', group: 'training' },
  { key: 'batchSize', flag: '--batch-size', arg: '<n>', integer: true, min: 1, defaultText: String(FIT_DEFAULTS.batchSize), help: 'mini-batch size', group: 'training' },
  {
    key: 'learningRate',
    flag: '--lr',
    arg: '<rate>',
    min: 0,
    minOpen: true,
    defaultText: `${FIT_DEFAULTS.learningRate} for images, ${FIT_DEFAULTS.tabularLearningRate} for tabular and text`,
    help: 'learning rate of the head / scratch phase; fine-tuning uses a tenth of it',
    group: 'training',
  },
  { key: 'patience', flag: '--patience', arg: '<n>', integer: true, min: 1, defaultText: String(FIT_DEFAULTS.patience), help: 'early-stopping patience in epochs (with validation data)', group: 'training' },
  { key: 'perClass', flag: '--per-class', arg: '<n>', integer: true, min: 1, help: 'use only N training examples per class (seeded)', group: 'training' },
  {
    key: 'valFraction',
    flag: '--val-fraction',
    arg: '<f>',
    min: 0,
    max: 1,
    maxOpen: true,
    defaultText: `${FIT_DEFAULTS.valFraction} from 1,000 training examples up (every class ≥ 5); below, 0: all examples train for fixed step budgets`,
    help: 'share of the training data held out for validation when no validation data is given (0 turns it off)',
    group: 'training',
  },
  { key: 'seed', flag: '--seed', arg: '<n>', integer: true, min: 0, defaultText: String(FIT_DEFAULTS.seed), help: 'random seed (same seed, same result)', group: 'training' },
  { key: 'lrDecay', flag: '--lr-decay', arg: '<factor>', min: 0, minOpen: true, max: 1, help: 'layer-wise learning-rate decay: the k-th weighted base layer from the top learns at lr × factor^k (discriminative fine-tuning)', group: 'fine-tuning' },
  { key: 'warmup', flag: '--warmup', arg: '<epochs>', min: 0, help: 'linear learning-rate warm-up over the first epochs of each phase (fractions allowed)', group: 'fine-tuning' },
  { key: 'warmupSteps', flag: '--warmup-steps', arg: '<n>', integer: true, min: 0, help: 'linear warm-up over the first n optimiser steps (instead of epochs)', group: 'fine-tuning' },
  { key: 'lrStepEpochs', flag: '--lr-step-epochs', arg: '<n>', integer: true, min: 1, defaultText: 'a third of the phase', help: 'step schedule: epochs between decays', group: 'fine-tuning' },
  { key: 'lrGamma', flag: '--lr-gamma', arg: '<factor>', min: 0, minOpen: true, max: 1, defaultText: '0.1', help: 'step schedule: decay factor', group: 'fine-tuning' },
  { key: 'weightDecay', flag: '--weight-decay', arg: '<λ>', min: 0, help: 'decoupled (AdamW) weight decay of kernels, e.g. 0.01', group: 'fine-tuning' },
  { key: 'l2sp', flag: '--l2sp', arg: '<α>', min: 0, help: 'L2-SP: add α·‖w − w₀‖² pulling base weights toward their pretrained values w₀, e.g. 0.01', group: 'fine-tuning' },
  { key: 'l2spBeta', flag: '--l2sp-beta', arg: '<β>', min: 0, defaultText: 'α/10', help: 'L2-SP: β·‖w‖² on weights without pretrained values (new head, adapters)', group: 'fine-tuning' },
  { key: 'headDropout', flag: '--head-dropout', arg: '<rate>', min: 0, max: 1, maxOpen: true, defaultText: '0.5 with the default hidden head, else off', help: 'dropout in front of the new head’s softmax layer, e.g. 0.3', group: 'fine-tuning' },
  { key: 'labelSmoothing', flag: '--label-smoothing', arg: '<ε>', min: 0, max: 1, maxOpen: true, help: 'label smoothing: targets (1 − ε)·one-hot + ε/k, e.g. 0.1', group: 'fine-tuning' },
  { key: 'loraRank', flag: '--lora-rank', arg: '<r>', integer: true, min: 1, defaultText: '8', help: 'rank of the LoRA adapters', group: 'lora' },
  { key: 'loraAlpha', flag: '--lora-alpha', arg: '<α>', min: 0, minOpen: true, defaultText: 'the rank', help: 'LoRA scale numerator: the adapter branch is multiplied by α/r', group: 'lora' },
] satisfies TrainingSetting[]);

/**
 * The setting of a key.
 *
 * @example
 * ```ts
 * trainingSetting('batchSize').flag; // '--batch-size'
 * ```
 */
export function trainingSetting(key: TrainingSettingKey): TrainingSetting {
  return TRAINING_SETTINGS.find((s) => s.key === key)!;
}

/**
 * The allowed values of a setting in words, e.g. `a whole number ≥ 1` or `a number in [0, 1)`.
 *
 * @example
 * ```ts
 * describeBounds(trainingSetting('learningRate')); // 'a number > 0'
 * ```
 */
export function describeBounds(s: TrainingSetting): string {
  const what = s.integer ? 'a whole number' : 'a number';
  if (s.min !== undefined && s.max !== undefined) return `${what} in ${s.minOpen ? '(' : '['}${s.min}, ${s.max}${s.maxOpen ? ')' : ']'}`;
  if (s.min !== undefined) return `${what} ${s.minOpen ? '>' : '≥'} ${s.min}`;
  if (s.max !== undefined) return `${what} ${s.maxOpen ? '<' : '≤'} ${s.max}`;
  return what;
}

/**
 * Whether a value is allowed for a setting.
 *
 * @example
 * ```ts
 * inBounds(trainingSetting('epochs'), 0); // false
 * ```
 */
export function inBounds(s: TrainingSetting, v: number): boolean {
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if (s.integer && !Number.isInteger(v)) return false;
  if (s.min !== undefined && (s.minOpen ? v <= s.min : v < s.min)) return false;
  if (s.max !== undefined && (s.maxOpen ? v >= s.max : v > s.max)) return false;
  return true;
}

/**
 * Checks every numeric training setting a configuration gives against its bounds.
 *
 * @throws TransferkitError `BAD_OPTION` naming the setting (its API name), the value and what is allowed.
 * @example
 * ```ts
 * checkTrainingSettings({ learningRate: -1 }); // throws: learningRate must be a number > 0, got -1
 * ```
 */
export function checkTrainingSettings(cfg: Partial<Record<TrainingSettingKey, unknown>>): void {
  for (const s of TRAINING_SETTINGS) {
    const v = cfg[s.key];
    if (v === undefined) continue;
    if (!inBounds(s, v as number)) {
      throw new TransferkitError('BAD_OPTION', `${s.key} must be ${describeBounds(s)}, got ${JSON.stringify(v)}`, {
        where: `${s.key} option`,
        hint: `${s.help[0].toUpperCase()}${s.help.slice(1)}${s.defaultText ? ` (default ${s.defaultText})` : ''}.`,
      });
    }
  }
}

/**
 * README's table of the settings (markdown).
 *
 * @example
 * ```ts
 * console.log(settingsTable());
 * ```
 */
export function settingsTable(): string {
  return [
    '| API (`fit({ … })`) | CLI | default | allowed | what it does |',
    '|---|---|---|---|---|',
    ...TRAINING_SETTINGS.map((s) => `| \`${s.key}\` | \`${s.flag}\` | ${s.defaultText ?? 'off'} | ${describeBounds(s)} | ${s.help} |`),
  ].join('\n');
}
