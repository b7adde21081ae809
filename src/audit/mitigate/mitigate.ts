/**
 * The mitigation trade-off report: one call that fits a mitigation on training rows and
 * measures, on held-out rows, what it bought and what it cost — accuracy, demographic parity
 * difference, equalized odds difference and per-group rates, before and after. The accuracy
 * cost is always reported, also when it is large.
 *
 * "Before" is the unmitigated classifier: the given scores thresholded at ½ (a model's
 * P(y = 1)), or else a logistic regression fitted on the training features. "After" is:
 *
 * - `reweigh`: the same logistic regression fitted with Kamiran–Calders sample weights;
 * - `threshold`: per-group randomised thresholds on the same scores (Fairlearn's ThresholdOptimizer);
 * - `expgrad`: the exponentiated-gradient mixture of logistic regressions.
 *
 * Rates of randomised classifiers are expected values over their coin flips (exact, and what
 * the classifier does on average); `drawn` also reports one seeded draw.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { toMatrix, type MatrixInput } from '../../measures/linalg.ts';
import { fitLogistic } from '../../measures/logistic.ts';
import { createRng } from '../../util/random.ts';
import { fitExponentiatedGradient } from './expgrad.ts';
import { accuracyOf, binaryLabels, demographicParityDifference, encodeGroups, equalizedOddsDifference, groupIdsFor, groupRates } from './groups.ts';
import { reweigh } from './reweigh.ts';
import { FAIRNESS_CONSTRAINTS, fitThresholdOptimizer, type FairnessConstraint, type ThresholdObjective } from './threshold.ts';

/**
 * The mitigation methods.
 *
 * @example
 * ```ts
 * const m: MitigationMethod = 'threshold';
 * ```
 */
export type MitigationMethod = 'reweigh' | 'threshold' | 'expgrad';

/**
 * Every {@link MitigationMethod}, for validation and help texts.
 *
 * @example
 * ```ts
 * MITIGATION_METHODS.includes('expgrad'); // true
 * ```
 */
export const MITIGATION_METHODS: readonly MitigationMethod[] = Object.freeze(['reweigh', 'threshold', 'expgrad']);

/**
 * Rows for {@link mitigate}: features and/or scores, 0/1 labels, the sensitive attribute.
 *
 * @example
 * ```ts
 * const d: MitigationRows = { X: [[0.3, 1], [0.5, 0]], y: [1, 0], groups: ['yes', 'no'] };
 * ```
 */
export interface MitigationRows {
  /** Features (n × d). Needed unless `method` is `threshold` and `scores` are given. */
  X?: MatrixInput;
  /** A trained model's P(y = 1) per row; when given, "before" and `threshold` use them instead of a logistic fit. */
  scores?: ArrayLike<number>;
  /** Labels, 0 or 1 (1 = the positive class). */
  y: ArrayLike<number>;
  /** The sensitive attribute per row. */
  groups: ArrayLike<string | number>;
}

/**
 * Options of {@link mitigate}.
 *
 * @example
 * ```ts
 * const o: MitigateOptions = { method: 'threshold', constraint: 'demographic_parity', train, test };
 * ```
 */
export interface MitigateOptions {
  method: MitigationMethod;
  /** Default `'demographic_parity'` (reweighing targets it by construction and ignores this). */
  constraint?: FairnessConstraint;
  /** Rows the mitigation is fitted on. */
  train: MitigationRows;
  /** Held-out rows every number of the report is measured on. */
  test: MitigationRows;
  /** `threshold`: what to maximise (default `'accuracy'`). */
  objective?: ThresholdObjective;
  /** `expgrad`: largest allowed gap between two groups on the training rows (default 0.01). */
  eps?: number;
  /** `expgrad`: iteration limit (default 50). */
  maxIter?: number;
  /** L2 penalty of the logistic fits on standardised features (default 1e-2). */
  l2?: number;
  /** Seed of the one drawn prediction of a randomised classifier (default 0). */
  seed?: number | string;
}

/**
 * One group's rates on the held-out rows.
 *
 * @example
 * ```ts
 * const g: GroupSnapshot = { group: 'yes', count: 101, selectionRate: 0.2, truePositiveRate: 0.5, falsePositiveRate: 0.1, accuracy: 0.8 };
 * ```
 */
export interface GroupSnapshot {
  group: string;
  count: number;
  selectionRate: number;
  /** `NaN` when the group has no positives. */
  truePositiveRate: number;
  /** `NaN` when the group has no negatives. */
  falsePositiveRate: number;
  accuracy: number;
}

/**
 * Accuracy and fairness of one classifier on the held-out rows.
 *
 * @example
 * ```ts
 * const s: FairnessSnapshot = report.after;
 * s.demographicParityDifference; // max − min selection rate over groups
 * ```
 */
export interface FairnessSnapshot {
  accuracy: number;
  /** max − min over groups of P(ŷ = 1 | A = a). */
  demographicParityDifference: number;
  /** The larger of the TPR and FPR gaps between groups. */
  equalizedOddsDifference: number;
  groups: GroupSnapshot[];
}

/**
 * What {@link mitigate} returns.
 *
 * @example
 * ```ts
 * const r: MitigationReport = mitigate({ method: 'threshold', train, test });
 * console.log(r.before.demographicParityDifference, '→', r.after.demographicParityDifference, 'cost', r.accuracyCost);
 * ```
 */
export interface MitigationReport {
  method: MitigationMethod;
  constraint: FairnessConstraint;
  /** Rows fitted on and measured on. */
  trainRows: number;
  testRows: number;
  /** The unmitigated classifier on the held-out rows. */
  before: FairnessSnapshot;
  /** The mitigated classifier on the held-out rows (expected rates for a randomised one). */
  after: FairnessSnapshot;
  /** For a randomised classifier: one seeded draw of its predictions on the held-out rows. */
  drawn?: FairnessSnapshot;
  /** before.accuracy − after.accuracy (positive: accuracy lost). */
  accuracyCost: number;
  /** Relative change of the DP and EO differences, (after − before) / before (negative: reduced). */
  demographicParityChange: number;
  equalizedOddsChange: number;
  /** What "before" is, and anything the reader should know about the numbers. */
  notes: string[];
}

/**
 * Fits a mitigation on `train` and reports accuracy and fairness before and after on `test`.
 *
 * @example
 * ```ts
 * const r = mitigate({
 *   method: 'threshold', constraint: 'demographic_parity',
 *   train: { X: Xtr, y: ytr, groups: afamTr }, test: { X: Xte, y: yte, groups: afamTe },
 * });
 * r.after.demographicParityDifference < r.before.demographicParityDifference; // usually
 * ```
 */
export function mitigate(opts: MitigateOptions): MitigationReport {
  const where = 'mitigate';
  const { method } = opts;
  if (!MITIGATION_METHODS.includes(method)) {
    throw new TransferkitError('BAD_OPTION', `Unknown mitigation method "${String(method)}"`, { where, hint: `Use one of: ${MITIGATION_METHODS.join(', ')}.` });
  }
  const constraint = opts.constraint ?? 'demographic_parity';
  if (!FAIRNESS_CONSTRAINTS.includes(constraint)) {
    throw new TransferkitError('BAD_OPTION', `Unknown constraint "${String(constraint)}"`, { where, hint: `Use one of: ${FAIRNESS_CONSTRAINTS.join(', ')}.` });
  }
  const l2 = opts.l2 ?? 1e-2;
  const { train, test } = opts;
  const yTrain = binaryLabels(train.y, train.y.length, `${where} train labels`);
  const yTest = binaryLabels(test.y, test.y.length, `${where} test labels`);
  checkRows(train, yTrain.length, 'train');
  checkRows(test, yTest.length, 'test');
  const testGroups = encodeGroups(test.groups, `${where} test groups`);
  const trainNames = encodeGroups(train.groups, `${where} train groups`).names;
  groupIdsFor(test.groups, trainNames, `${where} test groups`); // every test group was seen in training

  const notes: string[] = [];
  const useScores = train.scores !== undefined && test.scores !== undefined;
  const needX = method !== 'threshold' || !useScores;
  if (needX && (!train.X || !test.X)) {
    throw new TransferkitError('MISSING_OPTION', `Method "${method}" needs features X for the train and test rows`, {
      where,
      hint: method === 'threshold' ? 'Pass X, or the model scores (train.scores and test.scores).' : 'Reweighing and exponentiated gradient retrain a logistic regression: pass X for both.',
    });
  }

  let baseTrain: Float64Array;
  let baseTest: Float64Array;
  if (useScores) {
    baseTrain = Float64Array.from(train.scores as ArrayLike<number>);
    baseTest = Float64Array.from(test.scores as ArrayLike<number>);
    notes.push('before: the given model scores, predicting 1 where the score is ≥ 0.5');
  } else {
    const model = fitLogistic(train.X as MatrixInput, yTrain, { l2 });
    baseTrain = model.predictProba(train.X as MatrixInput);
    baseTest = model.predictProba(test.X as MatrixInput);
    notes.push('before: logistic regression on the training features, predicting 1 where P(y = 1) ≥ 0.5');
  }
  if (useScores && method !== 'threshold') notes.push(`${method} retrains a logistic regression on the features X; "before" is the given model, so the comparison includes the change of model`);
  const hard = (p: ArrayLike<number>) => Float64Array.from(p, (v) => (v >= 0.5 ? 1 : 0));
  const before = snapshot(hard(baseTest), yTest, testGroups);

  let after: Float64Array;
  let randomised = false;
  if (method === 'reweigh') {
    const { weights } = reweigh(yTrain, train.groups);
    const model = fitLogistic(train.X as MatrixInput, yTrain, { l2, weights });
    after = hard(model.predictProba(test.X as MatrixInput));
    if (constraint !== 'demographic_parity') notes.push('reweighing makes group and label independent in the training data (a demographic-parity remedy); it does not enforce equalized odds');
    notes.push('reweigh: logistic regression with Kamiran–Calders weights P(a)·P(y)/P(a, y)');
  } else if (method === 'threshold') {
    const opt = fitThresholdOptimizer(baseTrain, yTrain, train.groups, { constraint, objective: opts.objective });
    after = opt.predictProbability(baseTest, test.groups);
    randomised = true;
    notes.push(`threshold: per-group randomised thresholds fitted on the training rows (${opts.objective ?? 'accuracy'} maximised, ${constraint} exact there)`);
  } else {
    const eg = fitExponentiatedGradient(train.X as MatrixInput, yTrain, train.groups, { constraint, eps: opts.eps, maxIter: opts.maxIter, l2 });
    after = eg.predictProbability(test.X as MatrixInput);
    randomised = eg.members.length > 1;
    notes.push(`expgrad: mixture of ${eg.members.length} logistic regressions, largest gap on the training rows ${eg.trainMaxGap.toFixed(4)} (eps ${eg.eps}), duality gap ${eg.gap.toExponential(2)} after ${eg.iterations} iterations`);
  }
  const afterSnap = snapshot(after, yTest, testGroups);
  let drawn: FairnessSnapshot | undefined;
  if (randomised) {
    const rng = createRng(`mitigate:${opts.seed ?? 0}`);
    const draws = Float64Array.from(after, (p) => (rng.next() < p ? 1 : 0));
    drawn = snapshot(draws, yTest, testGroups);
    notes.push('after: expected rates over the randomised predictions; drawn: one seeded draw');
  }
  const change = (b: number, a: number) => (b > 0 ? (a - b) / b : a > 0 ? Infinity : 0);
  return {
    method,
    constraint,
    trainRows: yTrain.length,
    testRows: yTest.length,
    before,
    after: afterSnap,
    drawn,
    accuracyCost: before.accuracy - afterSnap.accuracy,
    demographicParityChange: change(before.demographicParityDifference, afterSnap.demographicParityDifference),
    equalizedOddsChange: change(before.equalizedOddsDifference, afterSnap.equalizedOddsDifference),
    notes,
  };
}

function snapshot(pred: ArrayLike<number>, y: Uint8Array, g: ReturnType<typeof encodeGroups>): FairnessSnapshot {
  const r = groupRates(pred, y, g);
  return {
    accuracy: accuracyOf(pred, y),
    demographicParityDifference: demographicParityDifference(r),
    equalizedOddsDifference: equalizedOddsDifference(r),
    groups: r.names.map((group, a) => ({
      group,
      count: r.count[a],
      selectionRate: r.selectionRate[a],
      truePositiveRate: r.truePositiveRate[a],
      falsePositiveRate: r.falsePositiveRate[a],
      accuracy: r.accuracy[a],
    })),
  };
}

function checkRows(d: MitigationRows, n: number, which: string): void {
  const where = `mitigate ${which} rows`;
  if (d.groups.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `${n} labels but ${d.groups.length} group values`, { where, hint: 'Pass one group value per row.' });
  if (d.scores && d.scores.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `${n} labels but ${d.scores.length} scores`, { where, hint: 'Pass one score per row.' });
  if (d.X) {
    const rows = toMatrix(d.X, 'X').rows;
    if (rows !== n) throw new TransferkitError('SHAPE_MISMATCH', `${n} labels but ${rows} feature rows`, { where, hint: 'X, y and groups must describe the same rows.' });
  }
}
