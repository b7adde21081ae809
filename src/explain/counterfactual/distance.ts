/**
 * Distances between raw rows and the quality measures of a counterfactual set (validity,
 * proximity, sparsity, diversity — as in DiCE, Mothilal et al. 2020).
 *
 * @module
 */
import { sameValue, type Axis, type SearchSpace } from './space.ts';
import type { CounterfactualMetrics, FeatureValue, RawRow } from './types.ts';

/**
 * Distance of two values of one feature: `|a − b| / scale` for numeric features, 0/1 mismatch for
 * categorical ones.
 *
 * @example
 * ```ts
 * featureDistance(incomeAxis, 40_000, 50_000); // 0.05 when the income range is 200,000
 * ```
 */
export function featureDistance(axis: Axis, a: FeatureValue, b: FeatureValue): number {
  if (axis.kind === 'numeric') return Math.abs((a as number) - (b as number)) / axis.scale;
  return a === b ? 0 : 1;
}

/**
 * Mean over all features of {@link featureDistance}.
 *
 * @example
 * ```ts
 * rowDistance(space, space.x, cf.row); // the counterfactual's distance to the query
 * ```
 */
export function rowDistance(space: SearchSpace, a: readonly FeatureValue[], b: readonly FeatureValue[]): number {
  let s = 0;
  for (const axis of space.axes) s += featureDistance(axis, a[axis.index], b[axis.index]);
  return s / space.axes.length;
}

/**
 * Indices of the features where `row` differs from the query.
 *
 * @example
 * ```ts
 * changedFeatures(space, cf.row).length; // the counterfactual's sparsity
 * ```
 */
export function changedFeatures(space: SearchSpace, row: readonly FeatureValue[]): number[] {
  const out: number[] = [];
  for (let j = 0; j < space.x.length; j++) if (!sameValue(space.x[j], row[j])) out.push(j);
  return out;
}

/**
 * Validity, proximity, sparsity and diversity of `rows` (all of which reached the target, so
 * validity is 1 unless `rows` is empty). See {@link CounterfactualMetrics} for the definitions.
 *
 * @example
 * ```ts
 * const m = counterfactualMetrics(space, result.counterfactuals.map((c) => c.row));
 * ```
 */
export function counterfactualMetrics(space: SearchSpace, rows: readonly RawRow[]): CounterfactualMetrics {
  const n = rows.length;
  if (n === 0) {
    return { validity: 0, proximity: NaN, proximityNumeric: NaN, proximityCategorical: NaN, sparsity: NaN, diversity: 0 };
  }
  const numeric = space.axes.filter((a) => a.kind === 'numeric');
  const categorical = space.axes.filter((a) => a.kind === 'categorical');
  const mean = (f: (r: RawRow) => number) => rows.reduce((acc, r) => acc + f(r), 0) / n;
  const part = (axes: Axis[]) => (r: RawRow) => axes.reduce((acc, a) => acc + featureDistance(a, space.x[a.index], r[a.index]), 0) / axes.length;
  let pairs = 0;
  let pairSum = 0;
  for (let i = 0; i < n; i++) {
    for (let k = i + 1; k < n; k++) {
      pairSum += rowDistance(space, rows[i], rows[k]);
      pairs++;
    }
  }
  return {
    validity: 1,
    proximity: mean((r) => rowDistance(space, space.x, r)),
    proximityNumeric: numeric.length > 0 ? mean(part(numeric)) : NaN,
    proximityCategorical: categorical.length > 0 ? mean(part(categorical)) : NaN,
    sparsity: mean((r) => changedFeatures(space, r).length),
    diversity: pairs > 0 ? pairSum / pairs : 0,
  };
}
