/**
 * Permutation feature importance (Breiman 2001; scikit-learn's `permutation_importance`): the drop
 * in a score when one feature's column is shuffled across rows, repeated and averaged.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { createRng } from '../util/random.ts';
import type { Row } from './types.ts';
import { checkInt, resolveGroups, toFiniteRows } from './validate.ts';

/**
 * Scores a model on rows and labels, higher = better (e.g. accuracy). The rows may be a reused
 * working copy: do not keep references after returning.
 *
 * @example
 * ```ts
 * const accuracy: Scorer<number> = (rows, labels) =>
 *   rows.filter((r, i) => (f(r) > 0 ? 1 : 0) === labels[i]).length / rows.length;
 * ```
 */
export type Scorer<L> = (rows: Float64Array[], labels: readonly L[]) => number | Promise<number>;

/**
 * Options for {@link permutationImportance}.
 *
 * @example
 * ```ts
 * const opts: PermutationImportanceOptions = { repeats: 10, seed: 0 };
 * ```
 */
export interface PermutationImportanceOptions {
  /** Shuffles per feature (default 10). */
  repeats?: number;
  /** Seed (default 0). */
  seed?: number | string;
  /** Columns shuffled together (same row permutation), one importance per group. */
  groups?: number[][];
}

/**
 * Importance per feature (or group): `mean` ± `std` drop in score over the repeats.
 *
 * @example
 * ```ts
 * const r = await permutationImportance(accuracy, rows, labels);
 * const top = r.mean.map((m, j) => [m, j]).sort((a, b) => b[0] - a[0])[0];
 * ```
 */
export interface PermutationImportanceResult {
  /** Score on the unshuffled rows. */
  baseline: number;
  /** Mean drop (baseline − shuffled score) per feature. */
  mean: number[];
  /** Population standard deviation (ddof 0, as scikit-learn) of the drops per feature. */
  std: number[];
  /** Every drop: `drops[feature][repeat]`. */
  drops: number[][];
}

/**
 * Permutation importance of every feature for `scorer` on (`rows`, `labels`).
 *
 * @example
 * ```ts
 * const r = await permutationImportance(
 *   (rows, y) => rows.reduce((acc, r, i) => acc + ((w0 * r[0] + w1 * r[1] > 0 ? 1 : 0) === y[i] ? 1 : 0), 0) / rows.length,
 *   testRows,
 *   testLabels,
 *   { repeats: 10, seed: 0 },
 * );
 * ```
 */
export async function permutationImportance<L>(
  scorer: Scorer<L>,
  rows: readonly Row[],
  labels: readonly L[],
  opts: PermutationImportanceOptions = {},
): Promise<PermutationImportanceResult> {
  const data = toFiniteRows(rows, 'rows');
  if (labels.length !== data.length) {
    throw new TransferkitError('SHAPE_MISMATCH', `${data.length} rows but ${labels.length} labels`, {
      where: 'labels',
      hint: 'Give one label per row.',
    });
  }
  const repeats = checkInt(opts.repeats ?? 10, 'repeats', 1);
  const groups = resolveGroups(opts.groups, data[0].length);
  const rng = createRng(opts.seed ?? 0);
  const score = async (r: Float64Array[]) => {
    const s = await scorer(r, labels);
    if (typeof s !== 'number' || !Number.isFinite(s)) {
      throw new TransferkitError('BAD_SCORE', `scorer returned ${String(s)}`, { where: 'scorer', hint: 'Return a finite number, higher = better.' });
    }
    return s;
  };
  const work = data.map((r) => Float64Array.from(r));
  const baseline = await score(work);
  const n = data.length;
  const drops = groups.map(() => new Array<number>(repeats).fill(0));
  for (let g = 0; g < groups.length; g++) {
    for (let rep = 0; rep < repeats; rep++) {
      const perm = rng.shuffle(Array.from({ length: n }, (_, i) => i));
      for (let i = 0; i < n; i++) for (const j of groups[g]) work[i][j] = data[perm[i]][j];
      drops[g][rep] = baseline - (await score(work));
      for (let i = 0; i < n; i++) for (const j of groups[g]) work[i][j] = data[i][j];
    }
  }
  const mean = drops.map((d) => d.reduce((a, b) => a + b, 0) / repeats);
  const std = drops.map((d, g) => Math.sqrt(d.reduce((a, b) => a + (b - mean[g]) ** 2, 0) / repeats));
  return { baseline, mean, std, drops };
}
