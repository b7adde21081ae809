/**
 * Proxy A-distance (Ben-David et al. 2007/2010): how well a classifier tells source rows from
 * target rows. 0 ⇔ indistinguishable, 2 ⇔ perfectly separable.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { binaryRocAuc } from './metrics.ts';
import { createRng } from '../util/random.ts';
import { selectRows, stackMatrices, subsampleRows, toMatrix, type MatrixInput } from './linalg.ts';
import { fitLogistic } from './logistic.ts';

/**
 * Options for {@link proxyADistance}.
 *
 * @example
 * ```ts
 * const opts: ProxyADistanceOptions = { folds: 5, seed: 1, l2: 1e-2 };
 * ```
 */
export interface ProxyADistanceOptions {
  /** Cross-validation folds (default 5, stratified by domain). */
  folds?: number;
  /** Seed for subsampling and fold assignment (default 0). */
  seed?: number | string;
  /** L2 penalty of the logistic domain classifier on standardised features (default 1e-2). */
  l2?: number;
  /** Each domain is subsampled (seeded) to at most this many rows (default 2000). */
  maxRows?: number;
}

/**
 * Result of {@link proxyADistance}.
 *
 * @example
 * ```ts
 * const r: ProxyADistanceResult = { pad: 1.6, padRaw: 1.6, error: 0.1, auc: 0.97, folds: 5, nSource: 500, nTarget: 500 };
 * ```
 */
export interface ProxyADistanceResult {
  /** 2(1 − 2·error), clamped to [0, 2]. */
  pad: number;
  /** 2(1 − 2·error) before clamping (negative when the classifier is worse than chance). */
  padRaw: number;
  /** Cross-validated, domain-balanced error of the domain classifier (mean of the two domains' error rates). */
  error: number;
  /** ROC AUC of the out-of-fold domain probabilities (target = positive); `null` if undefined. */
  auc: number | null;
  folds: number;
  nSource: number;
  nTarget: number;
}

/**
 * Proxy A-distance from a cross-validated domain classifier: source rows get label 0, target
 * rows label 1, an L2-regularised logistic regression ({@link fitLogistic}) is trained on k−1
 * folds and scores the held-out fold, and err is the out-of-fold error at threshold 0.5;
 * PAD = 2(1 − 2·err).
 *
 * Unequal domain sizes would make "always predict the larger domain" look better than chance,
 * so each domain gets equal total weight in training and err is the balanced error
 * (½·(source error rate + target error rate)); with equal sizes this is the plain error.
 *
 * @example
 * ```ts
 * const { pad, auc } = proxyADistance(sourceFeatures, targetFeatures, { seed: 1 });
 * // pad ≈ 0: same distribution; pad ≈ 2: a linear classifier separates the domains
 * ```
 */
export function proxyADistance(source: MatrixInput, target: MatrixInput, opts: ProxyADistanceOptions = {}): ProxyADistanceResult {
  const folds = opts.folds ?? 5;
  const l2 = opts.l2 ?? 1e-2;
  const maxRows = opts.maxRows ?? 2000;
  if (!Number.isInteger(folds) || folds < 2) throw new TransferkitError('BAD_OPTION', `folds must be an integer ≥ 2, got ${folds}`);
  const rng = createRng(opts.seed ?? 0);
  const S = subsampleRows(toMatrix(source, 'source'), maxRows, rng);
  const T = subsampleRows(toMatrix(target, 'target'), maxRows, rng);
  if (S.cols !== T.cols) throw new TransferkitError('SHAPE_MISMATCH', `Source has ${S.cols} features but target has ${T.cols}`);
  if (S.rows < folds || T.rows < folds) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `Each domain needs at least ${folds} rows for ${folds}-fold cross-validation (got ${S.rows} and ${T.rows})`, {
      hint: 'Pass fewer folds or more rows.',
    });
  }
  const N = S.rows + T.rows;
  const X = stackMatrices(S, T);
  const y = new Float64Array(N);
  y.fill(1, S.rows);
  const weight = new Float64Array(N);
  weight.fill(N / (2 * S.rows), 0, S.rows);
  weight.fill(N / (2 * T.rows), S.rows);

  // stratified fold assignment
  const fold = new Int32Array(N);
  const src = rng.shuffle(Array.from({ length: S.rows }, (_, i) => i));
  const tgt = rng.shuffle(Array.from({ length: T.rows }, (_, i) => S.rows + i));
  src.forEach((r, k) => (fold[r] = k % folds));
  tgt.forEach((r, k) => (fold[r] = k % folds));

  const proba = new Float64Array(N);
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < N; i++) (fold[i] === f ? test : train).push(i);
    const model = fitLogistic(selectRows(X, train), Float64Array.from(train, (i) => y[i]), {
      l2,
      weights: Float64Array.from(train, (i) => weight[i]),
    });
    const p = model.predictProba(selectRows(X, test));
    test.forEach((i, k) => (proba[i] = p[k]));
  }
  let wrongS = 0;
  let wrongT = 0;
  for (let i = 0; i < N; i++) {
    if (i < S.rows) wrongS += proba[i] >= 0.5 ? 1 : 0;
    else wrongT += proba[i] < 0.5 ? 1 : 0;
  }
  const error = (wrongS / S.rows + wrongT / T.rows) / 2;
  const padRaw = 2 * (1 - 2 * error);
  const auc = binaryRocAuc(Array.from(y, (v) => v === 1), Array.from(proba));
  return { pad: Math.min(2, Math.max(0, padRaw)), padRaw, error, auc, folds, nSource: S.rows, nTarget: T.rows };
}
