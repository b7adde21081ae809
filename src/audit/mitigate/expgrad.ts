/**
 * The exponentiated-gradient reduction (Agarwal et al. 2018, "A Reductions Approach to Fair
 * Classification"; Fairlearn's `ExponentiatedGradient`) with logistic regression as the learner:
 * an in-processing mitigation that trains a *randomised* classifier — a weighted mixture of
 * logistic models — with the smallest training error among those whose fairness gaps are at
 * most `eps`.
 *
 * Fair classification is a game on the Lagrangian
 * L(Q, λ) = err(Q) + Σₖ λₖ·(γₖ(Q) − eps), λ ≥ 0, ‖λ‖₁ ≤ B = 1/eps. The λ player runs
 * exponentiated gradient on the constraint violations; the Q player best-responds with the
 * classifier minimising L(h, λ), which is a cost-sensitive classification — fitted as a
 * logistic regression whose labels are the cheaper prediction of every row and whose sample
 * weights are the cost differences. The average of the best responses converges to the
 * constrained optimum; iterations stop when the duality gap is below ν.
 *
 * The constraints are on differences between groups, so `eps` bounds exactly the fairness
 * measures reported elsewhere: demographic parity, E[h | A = a] − E[h | A = a′] ≤ eps for every
 * ordered pair of groups (so the DP difference max − min ≤ eps); equalized odds, the same within
 * Y = 1 and within Y = 0 (TPR and FPR gaps ≤ eps). Fairlearn instead bounds each group's gap to
 * the overall rate, which allows a group-to-group difference of up to 2·eps.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { toMatrix, type MatrixInput } from '../../measures/linalg.ts';
import type { Rng } from '../../util/random.ts';
import { defaultNu, LagrangianGame } from './game.ts';
import { binaryLabels, encodeGroups } from './groups.ts';
import { mixturePredictor, type MixtureMember } from './member.ts';
import { constraintMoments } from './moments.ts';
import { FAIRNESS_CONSTRAINTS, type FairnessConstraint } from './threshold.ts';

export type { MixtureMember } from './member.ts';

/**
 * Options of {@link fitExponentiatedGradient}.
 *
 * @example
 * ```ts
 * const o: ExpGradOptions = { constraint: 'demographic_parity', eps: 0.02, maxIter: 50 };
 * ```
 */
export interface ExpGradOptions {
  /** Default `'demographic_parity'`. */
  constraint?: FairnessConstraint;
  /** Largest allowed gap between two groups' rates on the training data (default 0.01). */
  eps?: number;
  /** Iteration limit of the game (default 50). */
  maxIter?: number;
  /** Initial learning rate of the λ player, divided by B (default 2, as Fairlearn). */
  eta0?: number;
  /** Duality-gap tolerance ν (default 0.5·std(|h₀(x) − y|)/√n, as Fairlearn). */
  nu?: number;
  /** L2 penalty of every logistic fit, on standardised features (default 1e-2). */
  l2?: number;
}

/**
 * A fitted exponentiated-gradient classifier: members with mixture weights.
 *
 * @example
 * ```ts
 * const eg: ExpGradClassifier = fitExponentiatedGradient(X, y, groups, { eps: 0.02 });
 * const p = eg.predictProbability(Xtest); // P(ŷ = 1) of the randomised classifier
 * ```
 */
export interface ExpGradClassifier {
  constraint: FairnessConstraint;
  eps: number;
  members: MixtureMember[];
  /** Mixture weights (sum to 1), one per member. */
  weights: number[];
  /** Iterations run, and the one whose mixture was kept. */
  iterations: number;
  bestIteration: number;
  /** Duality gap of the kept mixture (≤ ν when the game converged). */
  gap: number;
  nu: number;
  /** Training error and largest constraint value (a gap between two groups) of the kept mixture. */
  trainError: number;
  trainMaxGap: number;
  /** Logistic fits run (best responses). */
  oracleCalls: number;
  /** Per row, P(ŷ = 1) = Σ weight·member(x). */
  predictProbability(X: MatrixInput): Float64Array;
  /**
   * Per row a 0/1 prediction: one uniform draw per row, in row order, giving 1 when it is below
   * P(ŷ = 1) — the same distribution as drawing a member by weight for every row.
   */
  predict(X: MatrixInput, rng: Rng): Uint8Array;
}

/** The options with their defaults, checked. */
function resolveOptions(opts: ExpGradOptions, where: string): { constraint: FairnessConstraint; eps: number; maxIter: number; l2: number } {
  const constraint = opts.constraint ?? 'demographic_parity';
  if (!FAIRNESS_CONSTRAINTS.includes(constraint)) {
    throw new TransferkitError('BAD_OPTION', `Unknown constraint "${String(constraint)}"`, { where, hint: `Use one of: ${FAIRNESS_CONSTRAINTS.join(', ')}.` });
  }
  const eps = opts.eps ?? 0.01;
  if (!(eps > 0 && eps < 1)) throw new TransferkitError('BAD_OPTION', `eps must be in (0, 1), got ${eps}`, { where, hint: 'eps is the largest allowed gap between two groups, e.g. 0.02.' });
  const maxIter = opts.maxIter ?? 50;
  if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw new TransferkitError('BAD_OPTION', `maxIter must be a positive integer, got ${maxIter}`, { where, hint: 'Use e.g. 50.' });
  return { constraint, eps, maxIter, l2: opts.l2 ?? 1e-2 };
}

/**
 * The exponentiated-gradient loop: θ (and λ = B·exp(θ)/(1 + Σ exp(θ))) moves along the
 * constraint violations of each best response; per iteration, the mixture kept (the average of
 * the best responses, or the LP's mixture when its gap is smaller) and its duality gap.
 */
function playGame(game: LagrangianGame, labels: Uint8Array, maxIter: number, opts: ExpGradOptions): { iterations: number; mixtures: number[][]; gaps: number[]; nu: number } {
  const hs = game.hypotheses;
  const { B, C, eps } = game;
  const theta = new Float64Array(C);
  const lambdaSum = new Float64Array(C);
  const counts: number[] = [];
  const mixtures: number[][] = [];
  const gaps: number[] = [];
  const gapsEG: number[] = [];
  let nu = opts.nu ?? 0;
  let eta = (opts.eta0 ?? 2) / B;
  let lastChecked = 5;
  let lastGap = Infinity;
  let t = 0;
  for (; t < maxIter; t++) {
    let z = 1;
    for (let c = 0; c < C; c++) z += Math.exp(theta[c]);
    const lambda = Float64Array.from(theta, (v) => (B * Math.exp(v)) / z);
    for (let c = 0; c < C; c++) lambdaSum[c] += lambda[c];
    const lambdaAvg = Float64Array.from(lambdaSum, (v) => v / (t + 1));
    const hIdx = game.bestResponse(lambda);
    if (t === 0 && opts.nu === undefined) nu = defaultNu(hs[hIdx].pred, labels);
    counts[hIdx] = (counts[hIdx] ?? 0) + 1;
    const Q = Array.from({ length: hs.length }, (_, j) => (counts[j] ?? 0) / (t + 1));
    const gapEG = game.dualityGap(Q, lambdaAvg, nu);
    gapsEG.push(gapEG);
    let gap = gapEG;
    let mixture = Q;
    if (t > 0) {
      const lp = game.linprogStep(nu);
      if (lp.gap <= gapEG) (gap = lp.gap), (mixture = lp.Q);
    }
    mixtures.push(mixture);
    gaps.push(gap);
    if (gap < nu && t >= 5) {
      t++;
      break;
    }
    if (t >= lastChecked * 1.6) {
      const best = Math.min(...gapsEG);
      if (best > lastGap * 0.8) eta *= 0.8;
      lastChecked = t;
      lastGap = best;
    }
    const gamma = hs[hIdx].gamma;
    for (let c = 0; c < C; c++) theta[c] += eta * (gamma[c] - eps);
  }
  return { iterations: t, mixtures, gaps, nu };
}

/** The last iteration whose duality gap is within 1e-8 of the smallest. */
function bestIteration(gaps: readonly number[]): number {
  const minGap = Math.min(...gaps);
  let best = 0;
  gaps.forEach((v, j) => {
    if (v <= minGap + 1e-8) best = j;
  });
  return best;
}

/**
 * Trains the randomised classifier of the exponentiated-gradient reduction on features `X`,
 * labels `y` and the sensitive attribute `groups` (which need not be a feature).
 *
 * @param y labels, 0 or 1
 * @example
 * ```ts
 * const eg = fitExponentiatedGradient(Xtrain, yTrain, afamTrain, { constraint: 'demographic_parity', eps: 0.02 });
 * const yHat = eg.predict(Xtest, createRng(0));
 * ```
 */
export function fitExponentiatedGradient(X: MatrixInput, y: ArrayLike<number>, groups: ArrayLike<string | number>, opts: ExpGradOptions = {}): ExpGradClassifier {
  const where = 'exponentiated gradient';
  const { constraint, eps, maxIter, l2 } = resolveOptions(opts, where);
  const M = toMatrix(X, 'X');
  const n = M.rows;
  const g = encodeGroups(groups, `${where} groups`);
  if (g.ids.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `${n} rows but ${g.ids.length} group values`, { where, hint: 'Pass one group value per row.' });
  const labels = binaryLabels(y, n, `${where} labels`);
  if (g.names.length < 2) throw new TransferkitError('TOO_FEW_EXAMPLES', `Only one group ("${g.names[0]}"), so there is no gap to bound`, { where, hint: 'The sensitive attribute needs at least two values.' });

  const game = new LagrangianGame(M, constraintMoments(constraint, labels, g, where), eps, l2);
  const { iterations, mixtures, gaps, nu } = playGame(game, labels, maxIter, opts);
  const best = bestIteration(gaps);
  const weightsAll = mixtures[best];
  const keep = weightsAll.map((w, j) => (w > 0 ? j : -1)).filter((j) => j >= 0);
  const members = keep.map((j) => game.hypotheses[j].member);
  const weights = keep.map((j) => weightsAll[j]);
  const stats = game.mixtureStats(weightsAll);

  return {
    constraint,
    eps,
    members,
    weights,
    iterations,
    bestIteration: best,
    gap: gaps[best],
    nu,
    trainError: stats.error,
    trainMaxGap: Math.max(...stats.gamma),
    oracleCalls: game.oracleCalls,
    ...mixturePredictor(members, weights, M.cols, where),
  };
}
