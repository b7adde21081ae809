/**
 * Calibrated stacking for generalised zero-shot learning (Chao et al. 2016, "An empirical study
 * and analysis of generalized zero-shot learning for object recognition in the wild").
 *
 * A model trained on the seen classes scores them higher than any unseen class, so among all
 * classes it almost never predicts an unseen one. Calibrated stacking subtracts one constant γ
 * from every seen class's score before the argmax: γ = 0 is the uncalibrated rule, a large γ
 * predicts unseen classes only. Sweeping γ traces the seen–unseen accuracy curve; the area under
 * it (AUSUC) measures the trade-off without choosing γ. To choose γ without the unseen classes,
 * {@link chooseCalibration} holds out seen classes as pseudo-unseen ones (class-wise hold-out) and
 * keeps the γ with the best mean harmonic mean over the folds.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { selectRows, type Matrix } from '../../measures/linalg.ts';
import { createRng } from '../../util/random.ts';
import { heldOutSets, signatureRows } from './holdout.ts';

/**
 * One point of the seen–unseen curve: per-class mean accuracies on the seen and the unseen
 * classes' images among all candidates when `gamma` is subtracted from the seen classes' scores.
 *
 * @example
 * ```ts
 * const p: SeenUnseenPoint = { from: 0.2, gamma: 0.5, seen: 0.71, unseen: 0.42, harmonic: 0.528 };
 * ```
 */
export interface SeenUnseenPoint {
  /** The point holds for every γ above `from` up to the next point's `from` (−∞ for the first point). */
  from: number;
  /** A γ inside that range: the midpoint (one past the last margin for the last point, one before the first for the first). */
  gamma: number;
  seen: number;
  unseen: number;
  harmonic: number;
}

/**
 * The whole seen–unseen curve and its area.
 *
 * @example
 * ```ts
 * const c: SeenUnseenCurve = seenUnseenCurve(scores, truth, 10, 7);
 * c.ausuc; // 0 … 1
 * ```
 */
export interface SeenUnseenCurve {
  /** From γ = −∞ (every image predicted seen; unseen accuracy 0) to +∞ (seen accuracy 0), one point per change. */
  points: SeenUnseenPoint[];
  /** Area under the curve of seen accuracy against unseen accuracy (trapezoids), Chao et al.'s AUSUC. */
  ausuc: number;
}

/**
 * The seen–unseen accuracy curve of calibrated stacking, exactly: every γ at which a prediction
 * changes, from each image's margin between its best seen and best unseen score (O(n log n)).
 * Ties go to the seen class, as in the uncalibrated argmax (seen classes come first).
 *
 * @param scores `n × k` scores, candidates in the order seen classes then unseen classes
 * @param truth per image, its candidate index (images with a negative index are skipped)
 * @param k candidates
 * @param nSeen the first `nSeen` candidates are the seen classes
 * @example
 * ```ts
 * // two images: a seen one (class 0) and an unseen one (class 1)
 * const c = seenUnseenCurve(Float64Array.of(2, 1, 3, 2.5), [0, 1], 2, 1);
 * c.points.map((p) => [p.seen, p.unseen]); // [[1, 0], [1, 1], [0, 1]]: the unseen image flips at γ > 0.5, the seen one at γ > 1
 * ```
 */
export function seenUnseenCurve(scores: ArrayLike<number>, truth: ArrayLike<number>, k: number, nSeen: number): SeenUnseenCurve {
  if (nSeen < 1 || nSeen >= k) throw new TransferkitError('BAD_OPTION', `The seen–unseen curve needs seen and unseen candidates, got ${nSeen} seen of ${k}`);
  const counts = new Float64Array(k);
  const hits = new Float64Array(k);
  /** Images whose prediction decides a hit: a seen image loses it, an unseen one gains it, once γ passes its margin. */
  const events: Array<{ margin: number; cls: number }> = [];
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    if (t < 0) continue;
    counts[t]++;
    let s = 0;
    for (let c = 1; c < nSeen; c++) if (scores[i * k + c] > scores[i * k + s]) s = c;
    let u = nSeen;
    for (let c = nSeen + 1; c < k; c++) if (scores[i * k + c] > scores[i * k + u]) u = c;
    // predicted seen (class s) while γ ≤ margin, unseen (class u) once γ > margin
    const margin = scores[i * k + s] - scores[i * k + u];
    if (t === s) hits[t]++;
    if (t === s || t === u) events.push({ margin, cls: t });
  }
  const seenClasses = countDefined(counts, 0, nSeen);
  const unseenClasses = countDefined(counts, nSeen, k);
  if (!seenClasses || !unseenClasses) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', 'The seen–unseen curve needs images of at least one seen and one unseen class', { hint: 'Score test images of both seen and unseen classes.' });
  }
  let seenAcc = 0;
  for (let c = 0; c < nSeen; c++) if (counts[c]) seenAcc += hits[c] / counts[c] / seenClasses;
  let unseenAcc = 0;
  events.sort((p, q) => p.margin - q.margin);
  const point = (from: number, gamma: number): SeenUnseenPoint => ({ from, gamma, seen: Math.max(0, seenAcc), unseen: unseenAcc, harmonic: harmonicMean(Math.max(0, seenAcc), unseenAcc) });
  const points = [point(-Infinity, events.length ? events[0].margin - 1 : 0)];
  for (let e = 0; e < events.length; ) {
    const margin = events[e].margin;
    for (; e < events.length && events[e].margin === margin; e++) {
      const c = events[e].cls;
      // one image moves its class's accuracy by 1/(the class's images), the mean by that over the classes
      if (c < nSeen) seenAcc -= 1 / counts[c] / seenClasses;
      else unseenAcc += 1 / counts[c] / unseenClasses;
    }
    points.push(point(margin, e < events.length ? (margin + events[e].margin) / 2 : margin + 1));
  }
  let ausuc = 0;
  for (let j = 1; j < points.length; j++) ausuc += ((points[j].unseen - points[j - 1].unseen) * (points[j].seen + points[j - 1].seen)) / 2;
  return { points, ausuc };
}

/**
 * The point of a curve that holds at a given γ: the last one whose `from` is below it (a
 * prediction stays seen while γ equals its margin).
 *
 * @example
 * ```ts
 * curveAt(seenUnseenCurve(scores, truth, 10, 7), 0).harmonic; // the uncalibrated harmonic mean
 * ```
 */
export function curveAt(curve: SeenUnseenCurve, gamma: number): SeenUnseenPoint {
  const pts = curve.points;
  let lo = 0;
  let hi = pts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pts[mid].from < gamma) lo = mid;
    else hi = mid - 1;
  }
  return pts[lo];
}

function countDefined(counts: Float64Array, from: number, to: number): number {
  let n = 0;
  for (let c = from; c < to; c++) if (counts[c] > 0) n++;
  return n;
}

function harmonicMean(s: number, u: number): number {
  return s + u > 0 ? (2 * s * u) / (s + u) : 0;
}

/**
 * Trains a zero-shot model on images of some classes and returns its scorer: `n × k` scores of
 * images against `k` candidate signatures.
 *
 * @example
 * ```ts
 * const train: ZeroShotTrainer = (X, y, S, z) => { const m = fitEszsl(X, y, S, z); return (Xe, Sc, k) => scoreEszsl(m, Xe, Sc, k); };
 * ```
 */
export type ZeroShotTrainer = (X: Matrix, y: readonly number[], S: Float64Array, z: number) => (X: Matrix, S: Float64Array, k: number) => Float64Array;

/**
 * Options of {@link chooseCalibration}.
 *
 * @example
 * ```ts
 * const o: CalibrationOptions = { folds: 3, valFraction: 0.2, seed: 0 };
 * ```
 */
export interface CalibrationOptions {
  /** Class-wise hold-out folds (default 3). */
  folds?: number;
  /** Share of each pseudo-seen class's images kept out of training to score (default 0.2). */
  valFraction?: number;
  /** At most this many images per class are scored in a fold (default 300). */
  maxPerClass?: number;
  seed?: number;
}

/**
 * The γ that calibrated stacking uses, chosen on the seen classes only.
 *
 * @example
 * ```ts
 * const c: Calibration = chooseCalibration(X, y, S, 7, 21, train);
 * c.gamma; // subtract from the seen classes' scores
 * ```
 */
export interface Calibration {
  gamma: number;
  /** Mean harmonic mean over the folds at `gamma`, and uncalibrated (γ = 0). */
  harmonic: number;
  uncalibratedHarmonic: number;
  /** The seen classes (indices into the rows of `S`) held out as pseudo-unseen in each fold. */
  heldOut: number[][];
}

/**
 * Chooses calibrated stacking's γ without any unseen class (Chao et al.'s class-wise hold-out):
 * in each fold a third of the seen classes (two at least) play unseen, the model trains on most images of the
 * rest, and the held-back images of both are scored among all of them; the γ with the best
 * mean harmonic mean over the folds wins (ties: the smallest |γ|).
 *
 * @param X `n × d` features of the seen classes' training images
 * @param y seen-class index of each row
 * @param S `z × a` seen signatures, row-major
 * @throws TransferkitError `TOO_FEW_EXAMPLES` with fewer than 4 seen classes; `BAD_INPUT` when no
 *   seen class can be held out that the rest can tell apart.
 * @example
 * ```ts
 * const { gamma } = chooseCalibration(X, y, seenSignatures, 7, 21, train, { seed: 0 });
 * ```
 */
export function chooseCalibration(X: Matrix, y: ArrayLike<number>, S: ArrayLike<number>, z: number, a: number, train: ZeroShotTrainer, opts: CalibrationOptions = {}): Calibration {
  const hint = 'Pass calibration: 0 (the uncalibrated rule) or a fixed γ instead.';
  // two pseudo-unseen classes at least: with one, predicting "unseen" for everything scores 100% on it
  if (z < 4) throw new TransferkitError('TOO_FEW_EXAMPLES', `Calibrating the generalised setting holds out two or more seen classes at a time and needs at least 4 of them, got ${z}`, { hint });
  const valFraction = opts.valFraction ?? 0.2;
  const cap = opts.maxPerClass ?? 300;
  const rng = createRng(`gzsl-calibration:${opts.seed ?? 0}`);
  const held = Math.max(2, Math.round(z / 3));
  const sets = heldOutSets(S, z, a, held, opts.folds ?? 3, rng, 'Calibrating the generalised setting', hint);
  const byClass: number[][] = Array.from({ length: z }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]].push(i);
  const curves: SeenUnseenCurve[] = [];
  for (const out of sets) {
    const inSet = Array.from({ length: z }, (_, c) => c).filter((c) => !out.includes(c));
    const trainRows: number[] = [];
    const trainY: number[] = [];
    const evalRows: number[] = [];
    const truth: number[] = [];
    inSet.forEach((c, t) => {
      const rows = rng.shuffle([...byClass[c]]);
      const nVal = rows.length > 1 ? Math.max(1, Math.round(valFraction * rows.length)) : 0;
      rows.slice(nVal).forEach((i) => (trainRows.push(i), trainY.push(t)));
      rows.slice(0, Math.min(nVal, cap)).forEach((i) => (evalRows.push(i), truth.push(t)));
    });
    out.forEach((c, t) => rng.shuffle([...byClass[c]]).slice(0, cap).forEach((i) => (evalRows.push(i), truth.push(inSet.length + t))));
    const score = train(selectRows(X, trainRows), trainY, signatureRows(S, a, inSet), inSet.length);
    const candidates = [...inSet, ...out];
    curves.push(seenUnseenCurve(score(selectRows(X, evalRows), signatureRows(S, a, candidates), candidates.length), truth, candidates.length, inSet.length));
  }
  const best = bestGamma(curves);
  return { gamma: best.gamma, harmonic: best.harmonic, uncalibratedHarmonic: meanHarmonicAt(curves, 0), heldOut: sets };
}

/**
 * The γ with the best mean harmonic mean over several seen–unseen curves (ties: the smallest |γ|,
 * so 0 when calibration does not help). The mean is constant between consecutive margins of all
 * the curves together, so one γ inside each of those intervals is tried, exactly.
 *
 * @example
 * ```ts
 * bestGamma([foldA, foldB]); // { gamma: 8, harmonic: 1 } when one fold is right on (0, 10] and the other on (6, 20]
 * ```
 */
export function bestGamma(curves: readonly SeenUnseenCurve[]): { gamma: number; harmonic: number } {
  const margins = [...new Set(curves.flatMap((c) => c.points.slice(1).map((p) => p.from)))].sort((p, q) => p - q);
  const candidates = margins.length ? [margins[0] - 1, ...margins.slice(1).map((m, j) => (margins[j] + m) / 2), margins.at(-1)! + 1] : [];
  let best = { gamma: 0, harmonic: meanHarmonicAt(curves, 0) };
  for (const gamma of candidates) {
    const h = meanHarmonicAt(curves, gamma);
    if (h > best.harmonic + 1e-12 || (Math.abs(h - best.harmonic) <= 1e-12 && Math.abs(gamma) < Math.abs(best.gamma))) best = { gamma, harmonic: h };
  }
  return best;
}

function meanHarmonicAt(curves: readonly SeenUnseenCurve[], gamma: number): number {
  return curves.reduce((s, c) => s + curveAt(c, gamma).harmonic, 0) / curves.length;
}
