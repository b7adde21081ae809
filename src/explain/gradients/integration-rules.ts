/**
 * Quadrature rules on [0, 1] for path integrals (integrated gradients): the points α_i along the
 * path and their weights w_i, with ∫₀¹ g(α) dα ≈ Σ w_i g(α_i). Same rules as Captum's
 * `approximation_methods`.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';

/**
 * The quadrature rules {@link integrationRule} knows.
 *
 * - `'gauss-legendre'`: Gauss–Legendre nodes (exact for polynomials of degree < 2·steps);
 * - `'riemann-trapezoid'`: `steps` equally spaced points 0..1, end points at half weight;
 * - `'riemann-left'` / `'riemann-right'` / `'riemann-middle'`: rectangle rules over `steps` cells.
 *
 * @example
 * ```ts
 * const m: IntegrationMethod = 'riemann-trapezoid';
 * ```
 */
export type IntegrationMethod = 'gauss-legendre' | 'riemann-trapezoid' | 'riemann-left' | 'riemann-right' | 'riemann-middle';

/**
 * Points and weights of a quadrature rule on [0, 1].
 *
 * @example
 * ```ts
 * const r: IntegrationRule = { alphas: Float64Array.of(0, 1), weights: Float64Array.of(0.5, 0.5) };
 * ```
 */
export interface IntegrationRule {
  /** Points along the path, ascending. */
  alphas: Float64Array;
  /** Their weights (they sum to 1). */
  weights: Float64Array;
}

/**
 * The `steps`-point rule `method` on [0, 1].
 *
 * @example
 * ```ts
 * integrationRule('riemann-trapezoid', 3); // alphas [0, 0.5, 1], weights [0.25, 0.5, 0.25]
 * integrationRule('gauss-legendre', 2);    // alphas 0.5 ∓ 0.5/√3, weights [0.5, 0.5]
 * ```
 */
export function integrationRule(method: IntegrationMethod, steps: number): IntegrationRule {
  const min = method === 'riemann-trapezoid' ? 2 : 1;
  if (!Number.isInteger(steps) || steps < min) {
    throw new TransferkitError('BAD_OPTION', `steps must be an integer ≥ ${min} for ${method}, got ${String(steps)}`, { where: 'steps' });
  }
  const n = steps;
  switch (method) {
    case 'gauss-legendre':
      return gaussLegendre(n);
    case 'riemann-trapezoid': {
      const alphas = Float64Array.from({ length: n }, (_, i) => i / (n - 1));
      const weights = new Float64Array(n).fill(1 / (n - 1));
      weights[0] /= 2;
      weights[n - 1] /= 2;
      return { alphas, weights };
    }
    case 'riemann-left':
      return { alphas: Float64Array.from({ length: n }, (_, i) => i / n), weights: new Float64Array(n).fill(1 / n) };
    case 'riemann-right':
      return { alphas: Float64Array.from({ length: n }, (_, i) => (i + 1) / n), weights: new Float64Array(n).fill(1 / n) };
    case 'riemann-middle':
      return { alphas: Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n), weights: new Float64Array(n).fill(1 / n) };
    default:
      throw new TransferkitError('BAD_OPTION', `unknown integration method "${String(method)}"`, {
        where: 'method',
        hint: "Use 'gauss-legendre', 'riemann-trapezoid', 'riemann-left', 'riemann-right' or 'riemann-middle'.",
      });
  }
}

/**
 * Gauss–Legendre nodes and weights mapped to [0, 1] (Newton's method on the Legendre polynomial,
 * converged to machine precision).
 *
 * @example
 * ```ts
 * const { alphas, weights } = gaussLegendre(5); // Σ weights = 1, symmetric about 0.5
 * ```
 */
export function gaussLegendre(n: number): IntegrationRule {
  const alphas = new Float64Array(n);
  const weights = new Float64Array(n);
  const half = Math.ceil(n / 2);
  for (let i = 0; i < half; i++) {
    // Initial guess for the i-th root (descending from 1) of P_n, refined by Newton's method.
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let iter = 0; iter < 100; iter++) {
      const dz = legendre(n, z).p / legendreDerivative(n, z);
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    const dp = legendreDerivative(n, z);
    const w = 2 / ((1 - z * z) * dp * dp);
    // Node z in [−1, 1] → α = (1 ± z)/2, weight w/2; fill symmetric pairs.
    alphas[i] = (1 - z) / 2;
    alphas[n - 1 - i] = (1 + z) / 2;
    weights[i] = w / 2;
    weights[n - 1 - i] = w / 2;
  }
  if (n % 2 === 1) alphas[(n - 1) / 2] = 0.5;
  return { alphas, weights };
}

/** P_n(z) and P_{n−1}(z) by Bonnet's recurrence. */
function legendre(n: number, z: number): { p: number; prev: number } {
  let p0 = 1;
  let p1 = z;
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return n === 1 ? { p: z, prev: 1 } : { p: p1, prev: p0 };
}

/** P_n'(z) = n·(z·P_n − P_{n−1}) / (z² − 1) (P_1' = 1). */
function legendreDerivative(n: number, z: number): number {
  if (n === 1) return 1;
  const { p, prev } = legendre(n, z);
  return (n * (z * p - prev)) / (z * z - 1);
}
