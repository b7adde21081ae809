/**
 * The data options many commands share, defined once: the CSV label column and what to do with
 * missing values.
 */
import { Option } from 'commander';

/**
 * `--label <column>`; `help` replaces the default text where a command reads labels its own way.
 *
 * @example
 * ```ts
 * command.addOption(labelOption());
 * ```
 */
export function labelOption(help = 'label column of CSV data'): Option {
  return new Option('--label <column>', help);
}

/**
 * `--impute none|mean|drop`.
 *
 * @example
 * ```ts
 * command.addOption(imputeOption());
 * ```
 */
export function imputeOption(help = 'missing CSV values: none (error), mean, drop'): Option {
  return new Option('--impute <how>', help).choices(['none', 'mean', 'drop']);
}
