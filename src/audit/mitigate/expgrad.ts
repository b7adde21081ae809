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
import { toMatrix, type Matrix, type MatrixInput } from '../../measures/linalg.ts';
import { fitLogistic } from '../../measures/logistic.ts';
import type { Rng } from '../../util/random.ts';
import { binaryLabels, encodeGroups } from './groups.ts';
import { solveLp } from './simplex.ts';
import { FAIRNESS_CONSTRAINTS, type FairnessConstraint } from './threshold.ts';

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
 * One classifier of the mixture: a logistic model thresholded at ½ (predict 1 when
 * x·w + b ≥ 0), or a constant when a best response had one label only.
 *
 * @example
 * ```ts
 * const h: MixtureMember = { w: Float64Array.of(0.4, -1), b: 0.2 };
 * ```
 */
export interface MixtureMember {
  w: Float64Array | null;
  b: number;
  /** For a constant member, its prediction. */
  constant?: 0 | 1;
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

interface Hypothesis {
  member: MixtureMember;
  pred: Uint8Array;
  error: number;
  gamma: Float64Array;
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
  const constraint = opts.constraint ?? 'demographic_parity';
  if (!FAIRNESS_CONSTRAINTS.includes(constraint)) {
    throw new TransferkitError('BAD_OPTION', `Unknown constraint "${String(constraint)}"`, { where, hint: `Use one of: ${FAIRNESS_CONSTRAINTS.join(', ')}.` });
  }
  const eps = opts.eps ?? 0.01;
  if (!(eps > 0 && eps < 1)) throw new TransferkitError('BAD_OPTION', `eps must be in (0, 1), got ${eps}`, { where, hint: 'eps is the largest allowed gap between two groups, e.g. 0.02.' });
  const maxIter = opts.maxIter ?? 50;
  if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw new TransferkitError('BAD_OPTION', `maxIter must be a positive integer, got ${maxIter}`, { where, hint: 'Use e.g. 50.' });
  const l2 = opts.l2 ?? 1e-2;
  const M = toMatrix(X, 'X');
  const n = M.rows;
  const g = encodeGroups(groups, `${where} groups`);
  if (g.ids.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `${n} rows but ${g.ids.length} group values`, { where, hint: 'Pass one group value per row.' });
  const labels = binaryLabels(y, n, `${where} labels`);
  if (g.names.length < 2) throw new TransferkitError('TOO_FEW_EXAMPLES', `Only one group ("${g.names[0]}"), so there is no gap to bound`, { where, hint: 'The sensitive attribute needs at least two values.' });

  // cells: (event, group); DP has one event (every row), EO two (y = 0, y = 1)
  const events = constraint === 'demographic_parity' ? 1 : 2;
  const k = g.names.length;
  const cellOf = new Int32Array(n);
  const cellCount = new Array<number>(events * k).fill(0);
  for (let i = 0; i < n; i++) {
    cellOf[i] = (events === 1 ? 0 : labels[i]) * k + g.ids[i];
    cellCount[cellOf[i]]++;
  }
  // constraints: ordered pairs of non-empty cells of one event; mirror[c] is the reverse pair
  const first: number[] = [];
  const second: number[] = [];
  for (let e = 0; e < events; e++) {
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        if (a !== b && cellCount[e * k + a] > 0 && cellCount[e * k + b] > 0) {
          first.push(e * k + a);
          second.push(e * k + b);
        }
      }
    }
  }
  const C = first.length;
  if (C === 0) throw new TransferkitError('TOO_FEW_EXAMPLES', 'No two groups share an event, so no constraint can be formed', { where, hint: 'Every group needs rows (of each label, for equalized odds).' });
  const mirror = first.map((f, c) => second.findIndex((s, d) => s === f && first[d] === second[c]));

  const gammaOf = (pred: ArrayLike<number>): Float64Array => {
    const sum = new Array<number>(events * k).fill(0);
    for (let i = 0; i < n; i++) sum[cellOf[i]] += pred[i];
    const mean = sum.map((s, j) => (cellCount[j] > 0 ? s / cellCount[j] : 0));
    return Float64Array.from(first, (f, c) => mean[f] - mean[second[c]]);
  };
  const errorOf = (pred: ArrayLike<number>): number => {
    let e = 0;
    for (let i = 0; i < n; i++) e += Math.abs(pred[i] - labels[i]);
    return e / n;
  };

  const hs: Hypothesis[] = [];
  let oracleCalls = 0;
  const lagrangian = (h: { error: number; gamma: Float64Array }, lambda: Float64Array): number => {
    let v = h.error;
    for (let c = 0; c < C; c++) v += lambda[c] * h.gamma[c];
    return v;
  };
  /** The best response to λ: a new logistic fit, or the best hypothesis already found. */
  const bestH = (lambda: Float64Array): number => {
    const perCell = new Float64Array(events * k);
    for (let c = 0; c < C; c++) {
      perCell[first[c]] += lambda[c] / cellCount[first[c]];
      perCell[second[c]] -= lambda[c] / cellCount[second[c]];
    }
    const redY = new Uint8Array(n);
    const redW = new Float64Array(n);
    let ones = 0;
    for (let i = 0; i < n; i++) {
      const signed = 2 * labels[i] - 1 - n * perCell[cellOf[i]];
      redY[i] = signed > 0 ? 1 : 0;
      redW[i] = Math.abs(signed);
      ones += redY[i];
    }
    const member = fitMember(M, redY, redW, ones, l2);
    oracleCalls++;
    const pred = predictMember(member, M);
    const h: Hypothesis = { member, pred, error: errorOf(pred), gamma: gammaOf(pred) };
    let bestIdx = -1;
    let bestValue = Infinity;
    hs.forEach((old, j) => {
      const v = lagrangian(old, lambda);
      if (v < bestValue) (bestValue = v), (bestIdx = j);
    });
    if (lagrangian(h, lambda) < bestValue - 1e-8) {
      hs.push(h);
      return hs.length - 1;
    }
    return bestIdx;
  };

  const B = 1 / eps;
  const theta = new Float64Array(C);
  const lambdaSum = new Float64Array(C);
  const counts: number[] = [];
  const mixtures: number[][] = [];
  const gaps: number[] = [];
  const gapsEG: number[] = [];
  let lastLp: { size: number; Q: number[]; gap: number } | null = null;
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
    const hIdx = bestH(lambda);
    if (t === 0 && opts.nu === undefined) {
      const r = hs[hIdx].pred.map((p, i) => Math.abs(p - labels[i]));
      let mean = 0;
      for (const v of r) mean += v / n;
      let variance = 0;
      for (const v of r) variance += (v - mean) ** 2 / (n - 1 || 1);
      nu = (0.5 * Math.sqrt(variance)) / Math.sqrt(n);
    }
    counts[hIdx] = (counts[hIdx] ?? 0) + 1;
    const Q = Array.from({ length: hs.length }, (_, j) => (counts[j] ?? 0) / (t + 1));
    const gapEG = dualityGap(Q, lambdaAvg);
    gapsEG.push(gapEG);
    let gap = gapEG;
    let mixture = Q;
    if (t > 0) {
      const lp = linprogStep();
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

  function mixtureStats(Q: readonly number[]): { error: number; gamma: Float64Array } {
    let error = 0;
    const gamma = new Float64Array(C);
    Q.forEach((q, j) => {
      if (q === 0) return;
      error += q * hs[j].error;
      for (let c = 0; c < C; c++) gamma[c] += q * hs[j].gamma[c];
    });
    return { error, gamma };
  }

  /** max(L − L_low, L_high − L) for the mixture Q and the average multipliers λ̂ (Fairlearn's eval_gap). */
  function dualityGap(Q: readonly number[], lambdaHat: Float64Array): number {
    const projected = new Float64Array(C);
    for (let c = 0; c < C; c++) projected[c] = Math.max(0, lambdaHat[c] - lambdaHat[mirror[c]]);
    const stats = mixtureStats(Q);
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
      const j = bestH(Float64Array.from(lambdaHat, (v) => mul * v));
      let v = hs[j].error;
      for (let c = 0; c < C; c++) v += projected[c] * (hs[j].gamma[c] - eps);
      low = Math.min(low, v);
      gap = Math.max(L - low, high - L);
      if (gap > nu + 1e-8) break;
    }
    return gap;
  }

  /**
   * The best mixture of the hypotheses found so far, by linear programming (Fairlearn's
   * solve_linprog): min Σ Q_h·err_h + B·ξ s.t. Σ Q_h·(γ_hc − eps) ≤ ξ for every constraint c,
   * Σ Q_h = 1, Q, ξ ≥ 0; its dual gives the multipliers to measure the duality gap with.
   */
  function linprogStep(): { Q: number[]; gap: number } {
    if (lastLp && lastLp.size === hs.length) return lastLp;
    const size = hs.length;
    // variables: Q (size), ξ, one slack per constraint; rows: C constraints, then Σ Q = 1
    const nv = size + 1 + C;
    const cost = [...hs.map((h) => h.error), B, ...new Array<number>(C).fill(0)];
    const A: number[][] = [];
    for (let c = 0; c < C; c++) {
      const row = new Array<number>(nv).fill(0);
      for (let j = 0; j < size; j++) row[j] = hs[j].gamma[c] - eps;
      row[size] = -1;
      row[size + 1 + c] = 1;
      A.push(row);
    }
    A.push([...new Array<number>(size).fill(1), ...new Array<number>(1 + C).fill(0)]);
    const sol = solveLp(cost, A, [...new Array<number>(C).fill(0), 1]);
    let total = 0;
    for (let j = 0; j < size; j++) total += sol.x[j];
    const Q = Array.from({ length: size }, (_, j) => sol.x[j] / total);
    const lambda = Float64Array.from({ length: C }, (_, c) => Math.max(0, -sol.duals[c]));
    lastLp = { size, Q, gap: dualityGap(Q, lambda) };
    return lastLp;
  }

  const minGap = Math.min(...gaps);
  let best = 0;
  gaps.forEach((v, j) => {
    if (v <= minGap + 1e-8) best = j;
  });
  const weightsAll = mixtures[best];
  const keep = weightsAll.map((w, j) => (w > 0 ? j : -1)).filter((j) => j >= 0);
  const members = keep.map((j) => hs[j].member);
  const weights = keep.map((j) => weightsAll[j]);
  const stats = mixtureStats(weightsAll);

  const predictProbability = (Xnew: MatrixInput): Float64Array => {
    const A = toMatrix(Xnew, 'X');
    if (A.cols !== M.cols) throw new TransferkitError('SHAPE_MISMATCH', `The classifier takes ${M.cols} features, got ${A.cols}`, { where: `${where} predict`, hint: 'Pass the features the classifier was fitted on, in the same order.' });
    const out = new Float64Array(A.rows);
    members.forEach((m, j) => {
      const p = predictMember(m, A);
      for (let i = 0; i < A.rows; i++) out[i] += weights[j] * p[i];
    });
    return out;
  };
  return {
    constraint,
    eps,
    members,
    weights,
    iterations: t,
    bestIteration: best,
    gap: gaps[best],
    nu,
    trainError: stats.error,
    trainMaxGap: Math.max(...stats.gamma),
    oracleCalls,
    predictProbability,
    predict(Xnew, rng) {
      const p = predictProbability(Xnew);
      const out = new Uint8Array(p.length);
      for (let i = 0; i < p.length; i++) out[i] = rng.next() < p[i] ? 1 : 0;
      return out;
    },
  };
}

/** The cost-sensitive best response: a weighted logistic fit, or a constant when one label wins everywhere. */
function fitMember(M: Matrix, redY: Uint8Array, redW: Float64Array, ones: number, l2: number): MixtureMember {
  if (ones === 0 || ones === redY.length) return { w: null, b: 0, constant: ones === 0 ? 0 : 1 };
  const model = fitLogistic(M, redY, { weights: redW, l2 });
  return { w: model.w, b: model.b };
}

function predictMember(m: MixtureMember, A: Matrix): Uint8Array {
  const out = new Uint8Array(A.rows);
  if (m.w === null) return out.fill(m.constant ?? 0);
  const d = A.cols;
  for (let i = 0; i < A.rows; i++) {
    let z = m.b;
    for (let j = 0; j < d; j++) z += A.data[i * d + j] * m.w[j];
    out[i] = z >= 0 ? 1 : 0;
  }
  return out;
}
