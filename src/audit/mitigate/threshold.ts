/**
 * Threshold optimisation per group (Hardt, Price & Srebro 2016; Fairlearn's
 * `ThresholdOptimizer`): a post-processing mitigation that leaves the model alone and picks, for
 * every group, a (randomised) threshold on its scores so that the chosen objective — accuracy
 * or balanced accuracy — is as high as it can be while the constraint holds exactly on the
 * fitting data:
 *
 * - demographic parity: every group is selected at the same rate x. For each group the best
 *   share of true positives at selection rate x is its upper hull in (selection rate, true
 *   positive share); the objective over all groups is concave and piecewise linear in x, so its
 *   maximum lies at a vertex of some group's hull — all of them are tried.
 * - equalized odds: every group has the same (FPR, TPR). The points all groups can reach are
 *   those under every group's ROC hull; at FPR x the best common TPR is the lowest hull, and a
 *   group whose hull lies above it mixes its hull point with the diagonal point (x, x) (predict
 *   1 with probability x, whatever the score) to come down to it. The objective is concave and
 *   piecewise linear in x with vertices at hull vertices and where two hulls cross — all are tried.
 *
 * The result predicts with a seeded random source, so a prediction run is reproducible.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import type { Rng } from '../../util/random.ts';
import { binaryLabels, encodeGroups, groupIdsFor } from './groups.ts';
import { interpolate, positiveProbability, upperHull, type Hull, type ThresholdMix } from './tradeoff.ts';

/**
 * The fairness constraints mitigation can enforce.
 *
 * @example
 * ```ts
 * const c: FairnessConstraint = 'equalized_odds';
 * ```
 */
export type FairnessConstraint = 'demographic_parity' | 'equalized_odds';

/**
 * Every {@link FairnessConstraint}, for validation and help texts.
 *
 * @example
 * ```ts
 * FAIRNESS_CONSTRAINTS.includes('demographic_parity'); // true
 * ```
 */
export const FAIRNESS_CONSTRAINTS: readonly FairnessConstraint[] = Object.freeze(['demographic_parity', 'equalized_odds']);

/**
 * What threshold optimisation maximises under the constraint.
 *
 * @example
 * ```ts
 * const o: ThresholdObjective = 'balanced_accuracy';
 * ```
 */
export type ThresholdObjective = 'accuracy' | 'balanced_accuracy';

/**
 * Options of {@link fitThresholdOptimizer}.
 *
 * @example
 * ```ts
 * const o: ThresholdOptions = { constraint: 'equalized_odds', objective: 'accuracy' };
 * ```
 */
export interface ThresholdOptions {
  /** Default `'demographic_parity'`. */
  constraint?: FairnessConstraint;
  /** Default `'accuracy'`. */
  objective?: ThresholdObjective;
}

/**
 * One group's randomised rule: with probability `pIgnore` predict 1 with probability
 * `constant` (equalized odds only), otherwise apply the threshold mix.
 *
 * @example
 * ```ts
 * const r: GroupRule = { group: 'yes', mix: { t0: 0.6, p0: 0.4, t1: 0.5, p1: 0.6 }, pIgnore: 0, constant: 0 };
 * ```
 */
export interface GroupRule {
  group: string;
  mix: ThresholdMix;
  pIgnore: number;
  constant: number;
  /** The group's trade-off hull on the fitting data (for plots). */
  hull: Hull;
}

/**
 * A fitted threshold optimiser.
 *
 * @example
 * ```ts
 * const t: ThresholdOptimizer = fitThresholdOptimizer(scores, y, groups);
 * const yHat = t.predict(testScores, testGroups, createRng(0));
 * ```
 */
export interface ThresholdOptimizer {
  constraint: FairnessConstraint;
  objective: ThresholdObjective;
  /** One rule per group, groups sorted. */
  rules: GroupRule[];
  /**
   * The common operating point on the fitting data: the selection rate (demographic parity) or
   * the FPR (equalized odds), with the common TPR for equalized odds.
   */
  operatingPoint: { x: number; y?: number };
  /** The objective's value on the fitting data (expected over the randomisation). */
  fittedObjective: number;
  /** Per row, the probability that the randomised rule predicts 1. */
  predictProbability(scores: ArrayLike<number>, groups: ArrayLike<string | number>): Float64Array;
  /** Per row, a 0/1 prediction drawn with `rng` (one draw per row, in row order). */
  predict(scores: ArrayLike<number>, groups: ArrayLike<string | number>, rng: Rng): Uint8Array;
}

/**
 * Fits per-group randomised thresholds on `scores` (higher means more likely 1, e.g. P(y = 1))
 * so that `constraint` holds on these rows and `objective` is maximal.
 *
 * @param y labels, 0 or 1
 * @param groups the sensitive attribute of every row
 * @example
 * ```ts
 * const opt = fitThresholdOptimizer(trainScores, yTrain, afamTrain, { constraint: 'demographic_parity' });
 * const p = opt.predictProbability(testScores, afamTest); // expected predictions
 * ```
 */
export function fitThresholdOptimizer(
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
  groups: ArrayLike<string | number>,
  opts: ThresholdOptions = {},
): ThresholdOptimizer {
  const constraint = opts.constraint ?? 'demographic_parity';
  const objective = opts.objective ?? 'accuracy';
  if (!FAIRNESS_CONSTRAINTS.includes(constraint)) {
    throw new TransferkitError('BAD_OPTION', `Unknown constraint "${String(constraint)}"`, { where: 'threshold optimizer', hint: `Use one of: ${FAIRNESS_CONSTRAINTS.join(', ')}.` });
  }
  if (objective !== 'accuracy' && objective !== 'balanced_accuracy') {
    throw new TransferkitError('BAD_OPTION', `Unknown objective "${String(objective)}"`, { where: 'threshold optimizer', hint: 'Use accuracy or balanced_accuracy.' });
  }
  const g = encodeGroups(groups, 'threshold optimizer groups');
  const n = g.ids.length;
  const labels = binaryLabels(y, n, 'threshold optimizer labels');
  checkScores(scores, n, 'threshold optimizer scores');
  const k = g.names.length;
  const rowsOf: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) rowsOf[g.ids[i]].push(i);
  const positivesOf = rowsOf.map((rows) => rows.reduce((s, i) => s + labels[i], 0));
  const P = positivesOf.reduce((a, b) => a + b, 0);
  const N = n - P;
  if (P === 0 || N === 0) {
    throw new TransferkitError('ONE_CLASS', `Every fitting row has label ${P === 0 ? 0 : 1}`, { where: 'threshold optimizer labels', hint: 'Fit on rows of both labels.' });
  }
  /** The objective over all fitting rows, from the expected true and false positive counts. */
  const objectiveOf = (tp: number, fp: number): number => (objective === 'accuracy' ? (tp + N - fp) / n : 0.5 * (tp / P) + 0.5 * ((N - fp) / N));

  if (constraint === 'equalized_odds') {
    positivesOf.forEach((p, a) => {
      if (p === 0 || p === g.counts[a]) {
        throw new TransferkitError('ONE_CLASS', `Group "${g.names[a]}" has only label ${p === 0 ? 0 : 1}, so its true or false positive rate is undefined`, {
          where: 'threshold optimizer (equalized odds)',
          hint: 'Equalized odds needs both labels in every group: merge small groups or use demographic_parity.',
        });
      }
    });
  }

  const axes = constraint === 'demographic_parity' ? 'selection' : 'roc';
  const hulls = rowsOf.map((rows) =>
    upperHull(
      rows.map((i) => scores[i]),
      rows.map((i) => labels[i]),
      axes,
    ),
  );

  // every vertex of every hull, then (equalized odds) where two hulls cross between them
  const xs = [...new Set(hulls.flatMap((h) => h.x))].sort((a, b) => a - b);
  if (constraint === 'equalized_odds') {
    const crossings: number[] = [];
    for (let j = 0; j + 1 < xs.length; j++) {
      const a = xs[j];
      const b = xs[j + 1];
      const ya = hulls.map((h) => interpolate(h, a).y);
      const yb = hulls.map((h) => interpolate(h, b).y);
      for (let u = 0; u < k; u++) {
        for (let v = u + 1; v < k; v++) {
          const da = ya[u] - ya[v];
          const db = yb[u] - yb[v];
          if (da * db < 0) crossings.push(a + ((b - a) * da) / (da - db));
        }
      }
    }
    xs.push(...crossings);
    xs.sort((a, b) => a - b);
  }

  let best = { x: 0, y: 0, value: -Infinity };
  for (const x of xs) {
    let tp: number;
    let fp: number;
    let y = 0;
    if (constraint === 'demographic_parity') {
      tp = 0;
      for (let a = 0; a < k; a++) tp += g.counts[a] * interpolate(hulls[a], x).y;
      fp = x * n - tp;
    } else {
      y = Math.min(...hulls.map((h) => interpolate(h, x).y));
      tp = P * y;
      fp = N * x;
    }
    const value = objectiveOf(tp, fp);
    if (value > best.value + 1e-12) best = { x, y, value };
  }

  const rules: GroupRule[] = hulls.map((hull, a) => {
    const at = interpolate(hull, best.x);
    let pIgnore = 0;
    if (constraint === 'equalized_odds' && at.y - best.x > 1e-12) pIgnore = Math.min(1, Math.max(0, (at.y - best.y) / (at.y - best.x)));
    return { group: g.names[a], mix: at.mix, pIgnore, constant: best.x, hull };
  });
  return thresholdOptimizer(constraint, objective, rules, constraint === 'demographic_parity' ? { x: best.x } : { x: best.x, y: best.y }, best.value);
}

function thresholdOptimizer(
  constraint: FairnessConstraint,
  objective: ThresholdObjective,
  rules: GroupRule[],
  operatingPoint: { x: number; y?: number },
  fittedObjective: number,
): ThresholdOptimizer {
  const names = rules.map((r) => r.group);
  const predictProbability = (scores: ArrayLike<number>, groups: ArrayLike<string | number>): Float64Array => {
    const ids = groupIdsFor(groups, names, 'threshold optimizer predict');
    checkScores(scores, ids.length, 'threshold optimizer predict scores');
    const out = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const r = rules[ids[i]];
      out[i] = r.pIgnore * r.constant + (1 - r.pIgnore) * positiveProbability(r.mix, scores[i]);
    }
    return out;
  };
  return {
    constraint,
    objective,
    rules,
    operatingPoint,
    fittedObjective,
    predictProbability,
    predict(scores, groups, rng) {
      const p = predictProbability(scores, groups);
      const out = new Uint8Array(p.length);
      for (let i = 0; i < p.length; i++) out[i] = rng.next() < p[i] ? 1 : 0;
      return out;
    },
  };
}

function checkScores(scores: ArrayLike<number>, n: number, where: string): void {
  if (scores.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `${scores.length} scores for ${n} rows`, { where, hint: 'Pass one score per row.' });
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i])) throw new TransferkitError('NON_FINITE_INPUT', `Score ${scores[i]} at row ${i} is not a finite number`, { where, hint: 'Scores must be finite numbers, e.g. probabilities of the positive class.' });
  }
}
