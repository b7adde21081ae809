/**
 * The data options many commands share, defined once: the CSV label column and what to do with
 * missing values.
 */
import { InvalidArgumentError, Option } from 'commander';

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

/**
 * `--column-types name=numeric,other=categorical`: CSV column types declared instead of inferred.
 *
 * @example
 * ```ts
 * command.addOption(columnTypesOption());
 * ```
 */
export function columnTypesOption(): Option {
  return new Option('--column-types <pairs>', 'CSV column types instead of inferring them, e.g. "zip=categorical,age=numeric"').argParser((v: string) => {
    const out: Record<string, 'numeric' | 'categorical'> = {};
    for (const pair of v.split(',').map((p) => p.trim()).filter(Boolean)) {
      const eq = pair.lastIndexOf('=');
      const [name, type] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
      if (eq <= 0 || (type !== 'numeric' && type !== 'categorical')) throw new InvalidArgumentError(`expected column=numeric or column=categorical, got "${pair}"`);
      out[name] = type;
    }
    return out;
  });
}
