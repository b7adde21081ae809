/**
 * Linear-interpolated quantile of an ascending array (NumPy's default, "linear"), q in [0, 1];
 * NaN for an empty array.
 *
 * @example
 * ```ts
 * quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5); // 2.5
 * ```
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}
