/**
 * Tail probabilities for the drift tests: the regularised incomplete gamma function (hence the
 * χ² survival function) and the asymptotic Kolmogorov distribution.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * Natural log of the gamma function for x > 0 (Lanczos approximation, g = 7, ~15 digits).
 *
 * @example
 * ```ts
 * logGamma(5); // Math.log(24)
 * ```
 */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Regularised upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a), by its power series for
 * x < a + 1 and a continued fraction (modified Lentz) otherwise (Numerical Recipes `gammq`).
 *
 * @example
 * ```ts
 * regularizedGammaQ(1, 2); // Math.exp(-2)
 * ```
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) {
    throw new TransferkitError('BAD_INPUT', `regularizedGammaQ needs a > 0 and x ≥ 0, got a = ${a}, x = ${x}`);
  }
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  const logPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // P(a, x) = e^{-x} x^a / Γ(a) · Σ x^n / (a (a+1) … (a+n))
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < 10000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-16) break;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefix));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(logPrefix) * h;
}

/**
 * Survival function of the χ² distribution with `df` degrees of freedom,
 * P(χ²_df > x) = Q(df/2, x/2) (SciPy's `chi2.sf`).
 *
 * @example
 * ```ts
 * chiSquareSf(3.841458820694124, 1); // ≈ 0.05
 * ```
 */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0)) throw new TransferkitError('BAD_INPUT', `χ² needs df > 0, got ${df}`);
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

/**
 * Survival function of the limiting Kolmogorov distribution (SciPy's `kstwobign.sf`):
 * Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}. For λ < 1.18 the series converges slowly, so the
 * equivalent theta-function form P(λ) = √(2π)/λ · Σ_{k≥1} e^{−(2k−1)²π²/(8λ²)} is used and
 * Q = 1 − P.
 *
 * @example
 * ```ts
 * kolmogorovSf(1.358); // ≈ 0.05
 * ```
 */
export function kolmogorovSf(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    const y = -(Math.PI * Math.PI) / (8 * lambda * lambda);
    let p = 0;
    for (let k = 1; k < 50; k++) {
      const term = Math.exp((2 * k - 1) ** 2 * y);
      p += term;
      if (term < 1e-17 * p) break;
    }
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * p));
  }
  let q = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    q += (k % 2 ? 1 : -1) * term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * q));
}
