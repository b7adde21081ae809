/**
 * CLI options built from the training settings table (`src/transfer/settings.ts`): the flag,
 * its help with the default, and a parser that enforces the setting's bounds. Every command that
 * takes a training setting uses these, so a setting is named, bounded and explained once.
 */
import { InvalidArgumentError, Option } from 'commander';
import { describeBounds, inBounds, trainingSetting, TRAINING_SETTINGS, type TrainingSettingKey } from '../transfer/settings.ts';

/**
 * The option of a training setting; `defaultText` overrides the stated default where a command
 * has its own (e.g. `curve`'s training budget).
 *
 * @example
 * ```ts
 * command.addOption(settingOption('learningRate', { defaultText: '0.002' }));
 * ```
 */
export function settingOption(key: TrainingSettingKey, opts: { defaultText?: string; help?: string } = {}): Option {
  const s = trainingSetting(key);
  const defaultText = opts.defaultText ?? s.defaultText;
  const option = new Option(`${s.flag} ${s.arg}`, `${opts.help ?? s.help}${defaultText ? ` (default ${defaultText})` : ''}`);
  return option.argParser((v: string) => {
    const n = v.trim() === '' ? NaN : Number(v);
    if (!inBounds(s, n)) throw new InvalidArgumentError(`expected ${describeBounds(s)}, got "${v}"`);
    return n;
  });
}

/**
 * The training settings a command's parsed flags hold, under their API names (`--lr` → `learningRate`).
 *
 * @example
 * ```ts
 * const config = { ...settingsFromFlags(flags), train: flags.train };
 * ```
 */
export function settingsFromFlags(flags: Record<string, unknown>): Partial<Record<TrainingSettingKey, number>> {
  const out: Partial<Record<TrainingSettingKey, number>> = {};
  for (const s of TRAINING_SETTINGS) {
    const attribute = s.flag.slice(2).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const v = flags[attribute];
    if (typeof v === 'number') out[s.key] = v;
  }
  return out;
}
