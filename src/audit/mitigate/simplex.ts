/**
 * A small dense linear-program solver (two-phase simplex with Bland's rule), for the mixture
 * step of the exponentiated-gradient reduction: tens of variables and constraints, where
 * exactness and never cycling matter more than speed.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';

/**
 * The solution of {@link solveLp}.
 *
 * @example
 * ```ts
 * const { x, duals, value }: LpSolution = solveLp(c, A, b);
 * ```
 */
export interface LpSolution {
  /** The optimal point. */
  x: Float64Array;
  /** One dual value per equality row: ∂(optimal value)/∂bᵢ. */
  duals: Float64Array;
  /** cᵀx at the optimum. */
  value: number;
}

const TOL = 1e-10;

/**
 * Minimises cᵀx subject to A·x = b and x ≥ 0 (A dense, `rows × c.length`). Throws
 * `NO_CONVERGENCE` when the program is infeasible or unbounded.
 *
 * @example
 * ```ts
 * // min x₀ + 2x₁ s.t. x₀ + x₁ = 1 → x = [1, 0], value 1, dual 1
 * solveLp([1, 2], [[1, 1]], [1]);
 * ```
 */
export function solveLp(c: readonly number[], A: readonly (readonly number[])[], b: readonly number[]): LpSolution {
  const m = A.length;
  const nv = c.length;
  const width = nv + m + 1; // variables, artificials, right-hand side
  const rhs = nv + m;
  const sign = b.map((v) => (v < 0 ? -1 : 1));
  const T = A.map((row, i) => {
    if (row.length !== nv) throw new TransferkitError('SHAPE_MISMATCH', `Row ${i} of the program has ${row.length} coefficients for ${nv} variables`, { where: 'linear program' });
    const t = new Float64Array(width);
    for (let j = 0; j < nv; j++) t[j] = sign[i] * row[j];
    t[nv + i] = 1;
    t[rhs] = sign[i] * b[i];
    return t;
  });
  const basis = Array.from({ length: m }, (_, i) => nv + i);

  const run = (cost: Float64Array, allowed: number): number => {
    const r = Float64Array.from(cost);
    for (let i = 0; i < m; i++) {
      const cb = cost[basis[i]];
      if (cb !== 0) for (let j = 0; j < width; j++) r[j] -= cb * T[i][j];
    }
    for (let iter = 0; iter < 50 * (width + m); iter++) {
      let enter = -1;
      for (let j = 0; j < allowed; j++) {
        if (r[j] < -TOL) {
          enter = j;
          break;
        }
      }
      if (enter < 0) return -r[rhs];
      let leave = -1;
      let best = Infinity;
      for (let i = 0; i < m; i++) {
        if (T[i][enter] > TOL) {
          const ratio = T[i][rhs] / T[i][enter];
          if (ratio < best - TOL || (Math.abs(ratio - best) <= TOL && basis[i] < basis[leave])) {
            best = ratio;
            leave = i;
          }
        }
      }
      if (leave < 0) throw new TransferkitError('NO_CONVERGENCE', 'The linear program is unbounded', { where: 'linear program', hint: 'This is a bug in the caller: its program should be bounded.' });
      pivot(leave, enter, r);
    }
    throw new TransferkitError('NO_CONVERGENCE', 'The simplex method did not finish', { where: 'linear program', hint: 'Report the data that caused it.' });
  };

  function pivot(row: number, col: number, r: Float64Array): void {
    const p = T[row];
    const inv = 1 / p[col];
    for (let j = 0; j < width; j++) p[j] *= inv;
    for (let i = 0; i < m; i++) {
      if (i === row) continue;
      const f = T[i][col];
      if (f !== 0) for (let j = 0; j < width; j++) T[i][j] -= f * p[j];
    }
    const f = r[col];
    if (f !== 0) for (let j = 0; j < width; j++) r[j] -= f * p[j];
    basis[row] = col;
  }

  // phase 1: drive the artificials to 0
  const phase1 = new Float64Array(width);
  for (let i = 0; i < m; i++) phase1[nv + i] = 1;
  const infeasibility = run(phase1, nv);
  if (infeasibility > 1e-8) throw new TransferkitError('NO_CONVERGENCE', 'The linear program is infeasible', { where: 'linear program', hint: 'This is a bug in the caller: its program should be feasible.' });
  // artificials left in the basis at 0: swap in any variable with a non-zero entry in their row
  for (let i = 0; i < m; i++) {
    if (basis[i] < nv) continue;
    for (let j = 0; j < nv; j++) {
      if (Math.abs(T[i][j]) > 1e-9) {
        pivot(i, j, new Float64Array(width));
        break;
      }
    }
  }
  // phase 2: the real objective, artificials never enter again
  const cost = new Float64Array(width);
  for (let j = 0; j < nv; j++) cost[j] = c[j];
  const value = run(cost, nv);
  const x = new Float64Array(nv);
  for (let i = 0; i < m; i++) if (basis[i] < nv) x[basis[i]] = Math.max(0, T[i][rhs]);
  // duals yᵀ = c_Bᵀ B⁻¹, and B⁻¹ sits where the identity of the artificials started
  const duals = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let y = 0;
    for (let k = 0; k < m; k++) y += cost[basis[k]] * T[k][nv + i];
    duals[i] = sign[i] * y;
  }
  return { x, duals, value };
}
