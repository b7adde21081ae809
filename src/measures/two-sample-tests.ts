/**
 * Two-sample tests for one feature: Kolmogorov–Smirnov for numeric values and the χ² test of
 * homogeneity for categories.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { chiSquareSf, kolmogorovSf } from './distributions.ts';

/**
 * Result of {@link ksTwoSample}.
 *
 * @example
 * ```ts
 * const r: KsResult = { statistic: 1, pValue: 0.0135, nA: 5, nB: 5 };
 * ```
 */
export interface KsResult {
  /** D = sup_x |F_a(x) − F_b(x)| (exact, ties handled). */
  statistic: number;
  /** Asymptotic two-sided p-value Q_KS(√(n_a n_b/(n_a + n_b)) · D). */
  pValue: number;
  nA: number;
  nB: number;
}

/**
 * Two-sample Kolmogorov–Smirnov test. The statistic is exact (the largest gap between the two
 * empirical CDFs, evaluated after each run of tied values). The p-value is the classic
 * **asymptotic** one, Q_KS(√(n_a n_b/(n_a+n_b))·D) with Q_KS the limiting Kolmogorov survival
 * function ({@link kolmogorovSf}) — what R's `ks.test(exact = FALSE)` reports, and SciPy's
 * `kstwobign.sf(sqrt(en) * D)`; it is not SciPy's default exact p for small samples
 * (for [1..5] vs [6..10]: D = 1, asymptotic p = 0.01348, exact p = 0.00794).
 * NaN values are ignored.
 *
 * @example
 * ```ts
 * ksTwoSample([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]); // { statistic: 1, pValue: 0.01348, nA: 5, nB: 5 }
 * ```
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const xa = sortedFinite(a);
  const xb = sortedFinite(b);
  const nA = xa.length;
  const nB = xb.length;
  if (nA === 0 || nB === 0) {
    throw new TransferkitError('EMPTY_SAMPLE', `KS test needs values on both sides (got ${nA} and ${nB})`);
  }
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < nA && j < nB) {
    const v = Math.min(xa[i], xb[j]);
    while (i < nA && xa[i] === v) i++;
    while (j < nB && xb[j] === v) j++;
    d = Math.max(d, Math.abs(i / nA - j / nB));
  }
  // once one side is exhausted the gap only shrinks towards 0
  const en = (nA * nB) / (nA + nB);
  return { statistic: d, pValue: kolmogorovSf(Math.sqrt(en) * d), nA, nB };
}

function sortedFinite(a: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i])) out.push(a[i]);
  return Float64Array.from(out).sort();
}

/**
 * Result of {@link chiSquareHomogeneity}.
 *
 * @example
 * ```ts
 * const r: ChiSquareResult = { statistic: 3.84, df: 1, pValue: 0.05, categories: ['a', 'b'], nA: 10, nB: 10 };
 * ```
 */
export interface ChiSquareResult {
  /** Pearson χ² = Σ (O − E)² / E over the 2 × K table (no continuity correction). */
  statistic: number;
  /** K − 1, K = categories seen on either side. */
  df: number;
  /** χ² survival function at `statistic` (1 when K < 2). */
  pValue: number;
  /** The K categories, sorted. */
  categories: string[];
  nA: number;
  nB: number;
}

/**
 * χ² test of homogeneity: do two samples of a categorical feature come from the same
 * distribution? Builds the 2 × K contingency table of counts, expected counts
 * E = row total · column total / N, and refers Σ(O − E)²/E to χ² with K − 1 degrees of freedom
 * (SciPy's `chi2_contingency(table, correction=False)`). Missing values (`''`) are ignored.
 *
 * @example
 * ```ts
 * chiSquareHomogeneity(['a', 'a', 'b'], ['b', 'b', 'a']).df; // 1
 * ```
 */
export function chiSquareHomogeneity(a: readonly string[], b: readonly string[]): ChiSquareResult {
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  let nA = 0;
  let nB = 0;
  for (const v of a) if (v !== '') (ca.set(v, (ca.get(v) ?? 0) + 1), nA++);
  for (const v of b) if (v !== '') (cb.set(v, (cb.get(v) ?? 0) + 1), nB++);
  if (nA === 0 || nB === 0) {
    throw new TransferkitError('EMPTY_SAMPLE', `χ² test needs values on both sides (got ${nA} and ${nB})`);
  }
  const categories = [...new Set([...ca.keys(), ...cb.keys()])].sort();
  const n = nA + nB;
  let stat = 0;
  for (const c of categories) {
    const oa = ca.get(c) ?? 0;
    const ob = cb.get(c) ?? 0;
    const col = oa + ob;
    const ea = (nA * col) / n;
    const eb = (nB * col) / n;
    stat += (oa - ea) ** 2 / ea + (ob - eb) ** 2 / eb;
  }
  const df = categories.length - 1;
  return { statistic: stat, df, pValue: df > 0 ? chiSquareSf(stat, df) : 1, categories, nA, nB };
}
