/**
 * The state of the exponentiated-gradient game on the Lagrangian
 * L(Q, λ) = err(Q) + Σₖ λₖ·(γₖ(Q) − eps), λ ≥ 0, ‖λ‖₁ ≤ B = 1/eps: the hypotheses the Q player
 * has found so far, its best response to λ, and the duality gap of a mixture (Fairlearn's
 * `_Lagrangian`).
 *
 * @module
 */
import type { Matrix } from '../../measures/linalg.ts';
import { costSensitiveRows } from './cost-sensitive.ts';
import { lpMixture, type ScoredHypothesis } from './lp-mixture.ts';
import { fitMember, predictMember, type MixtureMember } from './member.ts';
import { errorOf, gammaOf, type ConstraintMoments } from './moments.ts';

/**
 * A hypothesis of the game: a member, its training predictions, error and constraint values.
 *
 * @example
 * ```ts
 * const h: Hypothesis = game.hypotheses[game.bestResponse(lambda)];
 * h.error; // its training error
 * ```
 */
export interface Hypothesis extends ScoredHypothesis {
  member: MixtureMember;
  pred: Uint8Array;
}

/**
 * Fairlearn's default duality-gap tolerance ν: 0.5·std(|h₀(x) − y|)/√n, from the training
 * predictions `pred` of the first best response.
 *
 * @example
 * ```ts
 * defaultNu(Uint8Array.of(1, 0, 0, 1), Uint8Array.of(1, 0, 1, 1)); // 0.5·0.5/2 = 0.125
 * ```
 */
export function defaultNu(pred: Uint8Array, labels: Uint8Array): number {
  const n = labels.length;
  const r = pred.map((p, i) => Math.abs(p - labels[i]));
  let mean = 0;
  for (const v of r) mean += v / n;
  let variance = 0;
  for (const v of r) variance += (v - mean) ** 2 / (n - 1 || 1);
  return (0.5 * Math.sqrt(variance)) / Math.sqrt(n);
}

/** err(h) + Σ_c λ_c·γ_c(h). */
function lagrangian(h: ScoredHypothesis, lambda: Float64Array): number {
  let v = h.error;
  for (let c = 0; c < h.gamma.length; c++) v += lambda[c] * h.gamma[c];
  return v;
}

/**
 * The Lagrangian game of one training set: the features `M`, its constraint moments, `eps`
 * and the L2 penalty `l2` of every logistic fit.
 *
 * @example
 * ```ts
 * const game = new LagrangianGame(M, constraintMoments(constraint, labels, g, 'eg'), 0.02, 1e-2);
 * const j = game.bestResponse(lambda); // index into game.hypotheses
 * const gap = game.dualityGap([1], lambda, nu);
 * ```
 */
export class LagrangianGame {
  /** The hypotheses found so far, in the order found. */
  readonly hypotheses: Hypothesis[] = [];
  /** Logistic fits run (best responses). */
  oracleCalls = 0;
  /** The bound on ‖λ‖₁: 1/eps. */
  readonly B: number;
  readonly eps: number;
  /** The number of constraints. */
  readonly C: number;
  private readonly M: Matrix;
  private readonly moments: ConstraintMoments;
  private readonly l2: number;
  private lastLp: { size: number; Q: number[]; gap: number } | null = null;

  constructor(M: Matrix, moments: ConstraintMoments, eps: number, l2: number) {
    this.M = M;
    this.moments = moments;
    this.eps = eps;
    this.l2 = l2;
    this.B = 1 / eps;
    this.C = moments.first.length;
  }

  /** The best response to λ: a new logistic fit, or the best hypothesis already found; its index. */
  bestResponse(lambda: Float64Array): number {
    const member = fitMember(this.M, costSensitiveRows(this.moments, lambda), this.l2);
    this.oracleCalls++;
    const pred = predictMember(member, this.M);
    const h: Hypothesis = { member, pred, error: errorOf(this.moments, pred), gamma: gammaOf(this.moments, pred) };
    let bestIdx = -1;
    let bestValue = Infinity;
    this.hypotheses.forEach((old, j) => {
      const v = lagrangian(old, lambda);
      if (v < bestValue) (bestValue = v), (bestIdx = j);
    });
    if (lagrangian(h, lambda) < bestValue - 1e-8) {
      this.hypotheses.push(h);
      return this.hypotheses.length - 1;
    }
    return bestIdx;
  }

  /** Training error and constraint values of the mixture Q (one weight per hypothesis). */
  mixtureStats(Q: readonly number[]): ScoredHypothesis {
    const { C, hypotheses: hs } = this;
    let error = 0;
    const gamma = new Float64Array(C);
    Q.forEach((q, j) => {
      if (q === 0) return;
      error += q * hs[j].error;
      for (let c = 0; c < C; c++) gamma[c] += q * hs[j].gamma[c];
    });
    return { error, gamma };
  }

  /**
   * max(L − L_low, L_high − L) for the mixture Q and the average multipliers λ̂ (Fairlearn's
   * eval_gap); the best responses behind L_low stop once the gap exceeds the tolerance `nu`.
   */
  dualityGap(Q: readonly number[], lambdaHat: Float64Array, nu: number): number {
    const { C, eps, B, hypotheses: hs } = this;
    const mirror = this.moments.mirror;
    const projected = new Float64Array(C);
    for (let c = 0; c < C; c++) projected[c] = Math.max(0, lambdaHat[c] - lambdaHat[mirror[c]]);
    const stats = this.mixtureStats(Q);
    let L = stats.error;
    let worst = -Infinity;
    for (let c = 0; c < C; c++) {
      L += projected[c] * (stats.gamma[c] - eps);
      worst = Math.max(worst, stats.gamma[c] - eps);
    }
    const high = stats.error + (worst > 0 ? B * worst : 0);
    let low = L;
    let gap = Math.max(L - low, high - L);
    for (const mul of [1, 2, 5, 10]) {
      const j = this.bestResponse(Float64Array.from(lambdaHat, (v) => mul * v));
      let v = hs[j].error;
      for (let c = 0; c < C; c++) v += projected[c] * (hs[j].gamma[c] - eps);
      low = Math.min(low, v);
      gap = Math.max(L - low, high - L);
      if (gap > nu + 1e-8) break;
    }
    return gap;
  }

  /**
   * The best mixture of the hypotheses found so far ({@link lpMixture}) and its duality gap
   * against the LP's multipliers; cached until a hypothesis is added.
   */
  linprogStep(nu: number): { Q: number[]; gap: number } {
    if (this.lastLp && this.lastLp.size === this.hypotheses.length) return this.lastLp;
    const size = this.hypotheses.length;
    const { Q, lambda } = lpMixture(this.hypotheses, this.C, this.eps, this.B);
    this.lastLp = { size, Q, gap: this.dualityGap(Q, lambda, nu) };
    return this.lastLp;
  }
}
