/**
 * Stratified bootstrap confidence intervals for statistics of grouped data: every resample
 * draws, within each group, as many rows as the group has, with replacement, so group sizes
 * stay fixed and only the outcomes inside each group vary.
 */
import { TransferkitError } from '../../errors.ts';
import { createRng } from '../../util/random.ts';
import type { Grouping } from './groups.ts';

/**
 * Options of {@link stratifiedBootstrap}.
 *
 * @example
 * ```ts
 * const opts: BootstrapOptions = { resamples: 1000, seed: 1, level: 0.95 };
 * ```
 */
export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  resamples?: number;
  /** Seed of the resampling (default 1): the same seed gives the same intervals. */
  seed?: number | string;
  /** Coverage of the percentile interval (default 0.95). */
  level?: number;
}

/**
 * A percentile bootstrap interval.
 *
 * @example
 * ```ts
 * const i: BootstrapInterval = { low: 0.12, high: 0.19, defined: 1000 };
 * ```
 */
export interface BootstrapInterval {
  /** The (1 − level)/2 quantile of the resampled values (`NaN` when none is defined). */
  low: number;
  /** The (1 + level)/2 quantile. */
  high: number;
  /** Resamples where the statistic was defined (not `NaN`); the quantiles use only those. */
  defined: number;
}

/** Default number of bootstrap resamples. */
export const DEFAULT_RESAMPLES = 1000;

/**
 * Percentile intervals of named statistics under a bootstrap stratified by group. `statistic`
 * gets a resampled grouping (each group's `rows` drawn with replacement from its own rows; the
 * same row may appear several times) and returns values by name.
 *
 * @example
 * ```ts
 * const ci = stratifiedBootstrap(grouping, (g) => ({ dp: new MetricFrame({ metrics: [SELECTION_RATE], outcomes, grouping: g }).difference('selection_rate') }), { resamples: 500, seed: 7 });
 * ci.dp; // { low: 0.03, high: 0.21, defined: 500 }
 * ```
 */
export function stratifiedBootstrap(grouping: Grouping, statistic: (resampled: Grouping) => Record<string, number>, opts: BootstrapOptions = {}): Record<string, BootstrapInterval> {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new TransferkitError('BAD_OPTION', `The number of bootstrap resamples must be a whole number ≥ 1, got ${resamples}`, { where: 'bootstrap option', hint: 'Use e.g. 1000 (or 0 in the audit to skip intervals).' });
  }
  if (!(level > 0 && level < 1)) throw new TransferkitError('BAD_OPTION', `The interval level must be in (0, 1), got ${level}`, { where: 'bootstrap level', hint: 'Use e.g. 0.95.' });
  const rng = createRng(opts.seed ?? 1);
  const samples = new Map<string, number[]>();
  for (let r = 0; r < resamples; r++) {
    const groups = grouping.groups.map((g) => {
      const rows = new Int32Array(g.rows.length);
      for (let k = 0; k < rows.length; k++) rows[k] = g.rows[rng.int(g.rows.length)];
      return { ...g, rows };
    });
    const values = statistic({ ...grouping, groups });
    for (const [name, v] of Object.entries(values)) {
      let list = samples.get(name);
      if (!list) samples.set(name, (list = []));
      if (!Number.isNaN(v)) list.push(v);
    }
  }
  const out: Record<string, BootstrapInterval> = {};
  for (const [name, list] of samples) {
    list.sort((a, b) => a - b);
    out[name] = { low: quantile(list, (1 - level) / 2), high: quantile(list, (1 + level) / 2), defined: list.length };
  }
  return out;
}

/**
 * The q-quantile of sorted values with linear interpolation between order statistics (numpy's
 * default); `NaN` for no values.
 *
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 * ```
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  const a = sorted[lo];
  const b = sorted[hi];
  // ±Infinity ends: interpolating would give NaN
  if (a === b || pos === lo) return a;
  return a + (b - a) * (pos - lo);
}
