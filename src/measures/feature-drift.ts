/**
 * Per-feature drift between a source and a target table: a KS test for each numeric column, a
 * χ² test of homogeneity for each categorical column, ranked most-shifted first.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { chiSquareHomogeneity, ksTwoSample } from './two-sample-tests.ts';

/**
 * One table column to compare (a dataset's tabular columns are these): numbers with `NaN` for
 * missing values, or category names with `''` for missing values.
 *
 * @example
 * ```ts
 * const col: DriftColumn = { name: 'age', type: 'numeric', values: Float64Array.of(31, 45, NaN) };
 * ```
 */
export type DriftColumn = { name: string; type: 'numeric'; values: Float64Array } | { name: string; type: 'categorical'; values: string[] };

/**
 * Drift of one feature.
 *
 * @example
 * ```ts
 * const d: FeatureDrift = {
 *   name: 'age', type: 'numeric', test: 'ks', statistic: 0.4, pValue: 1e-6,
 *   nSource: 200, nTarget: 150, missingSource: 0, missingTarget: 0.02,
 * };
 * ```
 */
export interface FeatureDrift {
  name: string;
  type: 'numeric' | 'categorical';
  /** `ks`: two-sample Kolmogorov–Smirnov (statistic D in [0, 1]); `chi2`: χ² homogeneity. */
  test: 'ks' | 'chi2';
  /** D for `ks`, Pearson χ² for `chi2`; NaN when one side has no values. */
  statistic: number;
  /** Asymptotic KS p-value or χ² p-value; NaN when one side has no values. */
  pValue: number;
  /** Degrees of freedom of the χ² test (categories − 1). */
  df?: number;
  /** Non-missing values used on each side. */
  nSource: number;
  nTarget: number;
  /** Fraction of missing values (NaN / `''`) on each side — a shift in itself. */
  missingSource: number;
  missingTarget: number;
}

/**
 * Tests every source column against the target column of the same name and ranks the
 * features by p-value (smallest first), ties by larger statistic (KS D and χ² are not on one
 * scale, so the p-value is the primary key). Columns whose test could not run (no values on
 * one side) come last with NaN statistic and p-value.
 *
 * Numeric: {@link ksTwoSample} (exact D, asymptotic p). Categorical: {@link chiSquareHomogeneity}.
 * Throws `MISSING_COLUMN` when a source column is absent from the target and `TYPE_MISMATCH`
 * when the two sides disagree on a column's type.
 *
 * @example
 * ```ts
 * const drift = featureDrift(train.features.columns, live.features.columns);
 * drift[0]; // { name: 'income', test: 'ks', statistic: 0.31, pValue: 2e-9, … }
 * ```
 */
export function featureDrift(sourceColumns: readonly DriftColumn[], targetColumns: readonly DriftColumn[]): FeatureDrift[] {
  const byName = new Map(targetColumns.map((c) => [c.name, c]));
  const out: FeatureDrift[] = sourceColumns.map((s) => {
    const t = byName.get(s.name);
    if (!t) {
      throw new TransferkitError('MISSING_COLUMN', `Feature "${s.name}" is not in the target data`, {
        where: s.name,
        hint: `Target columns: ${targetColumns.map((c) => c.name).join(', ') || '(none)'}`,
      });
    }
    if (t.type !== s.type) {
      throw new TransferkitError('TYPE_MISMATCH', `Feature "${s.name}" is ${s.type} in the source but ${t.type} in the target`, {
        where: s.name,
        hint: 'Load both tables with the same column types.',
      });
    }
    if (s.type === 'numeric' && t.type === 'numeric') {
      const nS = countWhere(s.values, (v) => !Number.isNaN(v));
      const nT = countWhere(t.values, (v) => !Number.isNaN(v));
      const base = { name: s.name, type: 'numeric' as const, test: 'ks' as const, nSource: nS, nTarget: nT, ...missing(s.values.length, nS, t.values.length, nT) };
      if (nS === 0 || nT === 0) return { ...base, statistic: NaN, pValue: NaN };
      const r = ksTwoSample(s.values, t.values);
      return { ...base, statistic: r.statistic, pValue: r.pValue };
    }
    const sv = s.values as string[];
    const tv = t.values as string[];
    const nS = countWhere(sv, (v) => v !== '');
    const nT = countWhere(tv, (v) => v !== '');
    const base = { name: s.name, type: 'categorical' as const, test: 'chi2' as const, nSource: nS, nTarget: nT, ...missing(sv.length, nS, tv.length, nT) };
    if (nS === 0 || nT === 0) return { ...base, statistic: NaN, pValue: NaN };
    const r = chiSquareHomogeneity(sv, tv);
    return { ...base, statistic: r.statistic, pValue: r.pValue, df: r.df };
  });
  return out.sort((a, b) => {
    const na = Number.isNaN(a.pValue);
    const nb = Number.isNaN(b.pValue);
    if (na || nb) return Number(na) - Number(nb);
    return a.pValue - b.pValue || b.statistic - a.statistic;
  });
}

function countWhere<T>(values: ArrayLike<T>, pred: (v: T) => boolean): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (pred(values[i])) n++;
  return n;
}

function missing(lenS: number, nS: number, lenT: number, nT: number): { missingSource: number; missingTarget: number } {
  return { missingSource: lenS ? (lenS - nS) / lenS : 0, missingTarget: lenT ? (lenT - nT) / lenT : 0 };
}
