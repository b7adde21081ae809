/**
 * Self-training for unsupervised domain adaptation: label the target with the current model,
 * keep the confident pseudo-labels (class-balanced: the most confident examples of each class,
 * in proportion to the estimated target class distribution), retrain on source + pseudo-labelled
 * target, repeat — taking a growing share of the target each round (as in CBST, Zou et al. 2018).
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { fitSoftmax, parameters, predictSoftmax, type LinearModel, type SoftmaxOptions } from '../measures/logistic.ts';
import { stackRows, type Rows } from '../measures/rows.ts';

/**
 * Options of {@link selfTrain}.
 *
 * @example
 * ```ts
 * const o: SelfTrainOptions = { rounds: 6, threshold: 0.7, classWeights: 'balanced', C: 10 };
 * ```
 */
export interface SelfTrainOptions extends Pick<SoftmaxOptions, 'C' | 'classWeights' | 'maxIter'> {
  /** Rounds of pseudo-labelling and retraining (default 6). */
  rounds?: number;
  /** Only target examples whose top class probability is at least this are pseudo-labelled (default 0.5). */
  threshold?: number;
  /**
   * Per-class quotas: round r takes up to ⌈f_r·n_t·π_c⌉ examples of class c (f_r: see `maxFraction`), with π the
   * target class distribution: `'predicted'` (default: the current model's predicted
   * distribution on the target), `'uniform'`, or given probabilities (e.g. a BBSE estimate).
   */
  prior?: 'predicted' | 'uniform' | readonly number[];
  /** Share of the target pseudo-labelled at most; round r takes min(1, r / (rounds − 1)) of it, so the last two rounds take all of it (default 1). */
  maxFraction?: number;
  /**
   * How pseudo-labelled examples are weighted: `'confidence'` scales `targetWeight` by how far the
   * top class probability is above chance, (p − 1/k)/(1 − 1/k), so borderline pseudo-labels count
   * little; `'uniform'` gives every one `targetWeight` (default `'uniform'`).
   */
  weighting?: 'uniform' | 'confidence';
  /** Weight of each pseudo-labelled target example (default 1). */
  targetWeight?: number;
  /** Per-example weights of the source rows (e.g. importance weights; default 1). */
  sourceWeights?: ArrayLike<number>;
  /** A few labelled target rows, always in the training set with weight `labelledWeight`. */
  labelled?: { X: Rows; y: ArrayLike<number> };
  /** Weight of each labelled target example (default 5). */
  labelledWeight?: number;
  /** Target probabilities (`n_t × k`) to take the first pseudo-labels from, e.g. from a CORAL or reweighted model; default: a model trained on the source. */
  initialProbs?: Float64Array;
  /** Called after every round. */
  onRound?: (round: SelfTrainRound) => void;
}

/**
 * What one round of {@link selfTrain} did.
 *
 * @example
 * ```ts
 * const r: SelfTrainRound = { round: 1, selected: 280, perClass: [140, 140], meanConfidence: 0.99, changed: 0 };
 * ```
 */
export interface SelfTrainRound {
  round: number;
  /** Pseudo-labelled target examples used for this round's model. */
  selected: number;
  perClass: number[];
  /** Mean top-class probability of the selected examples. */
  meanConfidence: number;
  /** Selected examples whose pseudo-label differs from the previous round's. */
  changed: number;
}

/**
 * Result of {@link selfTrain}.
 *
 * @example
 * ```ts
 * const { model, pseudoLabels, rounds } = selfTrain(Xs, ys, Xt, 2);
 * ```
 */
export interface SelfTrainResult {
  model: LinearModel;
  rounds: SelfTrainRound[];
  /** Final round's pseudo-label per target row, `-1` where none was assigned. */
  pseudoLabels: Int32Array;
  /** The model trained on the source (and labelled target rows) alone, before any pseudo-labels. */
  initial: LinearModel;
}

/**
 * Iterative class-balanced self-training of a softmax classifier.
 *
 * @example
 * ```ts
 * const res = selfTrain(sourceRows, sourceLabels, targetRows, 2, { rounds: 6, classWeights: 'balanced' });
 * const probs = predictSoftmax(res.model, targetRows);
 * ```
 */
export function selfTrain(Xs: Rows, ys: ArrayLike<number>, Xt: Rows, k: number, opts: SelfTrainOptions = {}): SelfTrainResult {
  const rounds = opts.rounds ?? 6;
  const threshold = opts.threshold ?? 0.5;
  const targetWeight = opts.targetWeight ?? 1;
  const maxFraction = opts.maxFraction ?? 1;
  if (!(maxFraction > 0 && maxFraction <= 1)) throw new TransferkitError('BAD_OPTION', `maxFraction must be in (0, 1], got ${maxFraction}`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new TransferkitError('BAD_OPTION', `Self-training rounds must be a whole number ≥ 1, got ${rounds}`);
  if (!(threshold >= 0 && threshold < 1)) throw new TransferkitError('BAD_OPTION', `The confidence threshold must be in [0, 1), got ${threshold}`, { hint: 'E.g. 0.8 keeps pseudo-labels the model is at least 80% sure of.' });
  if (!(targetWeight > 0)) throw new TransferkitError('BAD_OPTION', `targetWeight must be positive, got ${targetWeight}`);
  if (Xs.d !== Xt.d) throw new TransferkitError('SHAPE_MISMATCH', `Source rows have ${Xs.d} features but target rows ${Xt.d}`);
  const nt = Xt.n;
  const fitOpts = { C: opts.C, classWeights: opts.classWeights, maxIter: opts.maxIter };

  // fixed part of the training set: source (+ labelled target)
  let fixedX = Xs;
  const fixedY: number[] = Array.from(ys);
  const fixedW: number[] = opts.sourceWeights ? Array.from(opts.sourceWeights) : new Array<number>(Xs.n).fill(1);
  if (fixedW.length !== Xs.n) throw new TransferkitError('SHAPE_MISMATCH', `${fixedW.length} source weights for ${Xs.n} source rows`);
  if (opts.labelled && opts.labelled.X.n > 0) {
    fixedX = stackRows(fixedX, opts.labelled.X);
    fixedY.push(...Array.from(opts.labelled.y));
    fixedW.push(...new Array<number>(opts.labelled.X.n).fill(opts.labelledWeight ?? 5));
  }
  const initial = fitSoftmax(fixedX, fixedY, k, { ...fitOpts, weights: fixedW });
  let model = initial;
  let probs = opts.initialProbs ?? predictSoftmax(model, Xt);
  if (probs.length !== nt * k) throw new TransferkitError('SHAPE_MISMATCH', `initialProbs has ${probs.length} values, expected ${nt}×${k}`);
  const pooled = stackRows(fixedX, Xt);
  const history: SelfTrainRound[] = [];
  let previous: Int32Array = new Int32Array(nt).fill(-1);
  for (let r = 1; r <= rounds; r++) {
    const prior = classPrior(opts.prior ?? 'predicted', probs, nt, k);
    const labels = selectPseudoLabels(probs, nt, k, prior, Math.min(1, r / Math.max(1, rounds - 1)) * maxFraction, threshold);
    const y = new Int32Array(pooled.n);
    const w = new Float64Array(pooled.n);
    y.set(fixedY);
    w.set(fixedW);
    let selected = 0;
    let confidence = 0;
    let changed = 0;
    const perClass = new Array<number>(k).fill(0);
    for (let i = 0; i < nt; i++) {
      if (labels[i] < 0) continue;
      y[fixedY.length + i] = labels[i];
      const conf = probs[i * k + labels[i]];
      w[fixedY.length + i] = opts.weighting === 'confidence' ? (targetWeight * Math.max(0, conf - 1 / k)) / (1 - 1 / k) : targetWeight;
      selected++;
      perClass[labels[i]]++;
      confidence += probs[i * k + labels[i]];
      if (previous[i] >= 0 && previous[i] !== labels[i]) changed++;
    }
    model = fitSoftmax(pooled, y, k, { ...fitOpts, weights: w, init: parameters(model) });
    probs = predictSoftmax(model, Xt);
    previous = labels;
    const round: SelfTrainRound = { round: r, selected, perClass, meanConfidence: selected ? confidence / selected : 0, changed };
    history.push(round);
    opts.onRound?.(round);
  }
  return { model, rounds: history, pseudoLabels: previous, initial };
}

/**
 * Class-balanced pseudo-label selection: for each class c, the target rows predicted as c with
 * probability ≥ threshold, most confident first, at most ⌈fraction·n·prior_c⌉ of them.
 *
 * @example
 * ```ts
 * selectPseudoLabels(probs, n, 2, [0.5, 0.5], 0.4, 0.8); // Int32Array, −1 = not selected
 * ```
 */
export function selectPseudoLabels(probs: ArrayLike<number>, n: number, k: number, prior: readonly number[], fraction: number, threshold: number): Int32Array {
  const labels = new Int32Array(n).fill(-1);
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) {
    let arg = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + arg]) arg = c;
    if (probs[i * k + arg] >= threshold) byClass[arg].push(i);
  }
  byClass.forEach((rows, c) => {
    rows.sort((a, b) => probs[b * k + c] - probs[a * k + c] || a - b);
    const quota = Math.ceil(fraction * n * prior[c]);
    for (const i of rows.slice(0, quota)) labels[i] = c;
  });
  return labels;
}

function classPrior(prior: SelfTrainOptions['prior'], probs: Float64Array, n: number, k: number): number[] {
  if (prior === 'uniform') return new Array<number>(k).fill(1 / k);
  if (Array.isArray(prior)) {
    if (prior.length !== k) throw new TransferkitError('SHAPE_MISMATCH', `${prior.length} prior probabilities for ${k} classes`);
    const s = prior.reduce((a, b) => a + b, 0);
    if (!(s > 0) || prior.some((p) => !(p >= 0))) throw new TransferkitError('BAD_OPTION', 'The class prior must be non-negative with a positive sum');
    return prior.map((p) => p / s);
  }
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    let arg = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + arg]) arg = c;
    counts[arg]++;
  }
  return counts.map((c) => c / Math.max(1, n));
}
