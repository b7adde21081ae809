/**
 * The zero-shot protocol on features already extracted: train an attribute model on the seen
 * classes' images, then recognise test images of the unseen classes among the unseen classes
 * only (conventional zero-shot, top-1 as the mean of per-class accuracies) and, in the
 * generalised setting, every test image among seen + unseen classes (accuracy on seen, on
 * unseen, and their harmonic mean, as in Xian et al., "Zero-shot learning — the good, the bad
 * and the ugly").
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import type { Matrix } from '../../measures/linalg.ts';
import { selectRows } from '../../measures/linalg.ts';
import { checkDistinct, signatures, varyingAttributes, type AttributeTable } from './attributes.ts';
import { attributeProbabilities, dapScores, fitDap, type DapOptions } from './dap.ts';
import { fitDevise, scoreDevise, type DeviseOptions } from './devise.ts';
import { fitEszsl, scoreEszsl, type EszslOptions } from './eszsl.ts';
import { fitStandardiser } from './features.ts';
import { chooseCalibration, seenUnseenCurve, type Calibration, type ZeroShotTrainer } from './calibrate.ts';
import { tuneEszsl } from './tune.ts';

/**
 * The zero-shot methods: `eszsl` (closed-form bilinear map), `dap` (direct attribute
 * prediction) and `devise` (ridge map to the class vectors, cosine; for word vectors of class
 * names, see `devise.ts`).
 *
 * @example
 * ```ts
 * const m: ZeroShotMethod = 'dap';
 * ```
 */
export type ZeroShotMethod = 'eszsl' | 'dap' | 'devise';

/**
 * Every {@link ZeroShotMethod}.
 *
 * @example
 * ```ts
 * ZERO_SHOT_METHODS.includes('eszsl'); // true
 * ```
 */
export const ZERO_SHOT_METHODS: readonly ZeroShotMethod[] = ['eszsl', 'dap', 'devise'];

/**
 * Features and labels of a zero-shot problem; labels index `classes` (the data's classes).
 *
 * @example
 * ```ts
 * const p: ZeroShotProblem = { classes, table, train: { X, y }, test: { X: Xt, y: yt } };
 * ```
 */
export interface ZeroShotProblem {
  classes: string[];
  table: AttributeTable;
  train: { X: Matrix; y: ArrayLike<number> };
  test: { X: Matrix; y: ArrayLike<number> };
}

/**
 * Options of {@link evaluateZeroShot}.
 *
 * @example
 * ```ts
 * const o: ZeroShotEvalOptions = { unseen: ['Pullover', 'Sandal', 'Bag'], method: 'eszsl', generalised: true };
 * ```
 */
export interface ZeroShotEvalOptions {
  /** Names of the classes held out of training. */
  unseen: string[];
  method?: ZeroShotMethod;
  /** Also evaluate among seen + unseen classes. */
  generalised?: boolean;
  /**
   * Generalised setting: calibrated stacking's γ, subtracted from every seen class's score
   * before the argmax (Chao et al. 2016). `'auto'` (default) chooses it by class-wise hold-out
   * on the seen classes (`calibrate.ts`; no unseen or test image is looked at); a number fixes
   * it; `0` is the uncalibrated argmax.
   */
  calibration?: 'auto' | number;
  eszsl?: EszslOptions;
  /** ESZSL: choose γ and λ by class-wise hold-out on the seen classes (`tune.ts`) instead of `eszsl`'s values. */
  tune?: boolean;
  seed?: number;
  dap?: DapOptions;
  devise?: DeviseOptions;
}

/**
 * Accuracy on one class's test images.
 *
 * @example
 * ```ts
 * const c: ClassAccuracy = { class: 'Bag', accuracy: 0.8, images: 1000 };
 * ```
 */
export interface ClassAccuracy {
  class: string;
  accuracy: number;
  images: number;
}

/**
 * What {@link evaluateZeroShot} measured.
 *
 * @example
 * ```ts
 * const r: ZeroShotResult = evaluateZeroShot(problem, { unseen: ['Bag', 'Sandal', 'Pullover'] });
 * r.zsl.accuracy; // top-1 among the unseen classes, chance 1/3
 * ```
 */
export interface ZeroShotResult {
  method: ZeroShotMethod;
  seen: string[];
  unseen: string[];
  /** Attributes that vary over the seen classes (the ones their images can teach). */
  attributesUsed: string[];
  trainImages: number;
  /** Conventional zero-shot: unseen images among unseen classes; `accuracy` is the mean of per-class accuracies (over classes with test images, as everywhere here). */
  zsl: { accuracy: number; chance: number; perClass: ClassAccuracy[]; images: number };
  /**
   * Generalised zero-shot: every test image among seen + unseen classes, with calibrated
   * stacking's `gamma` subtracted from the seen classes' scores; `uncalibrated` is the plain
   * argmax (γ = 0), `ausuc` the area under the seen–unseen accuracy curve over all γ.
   */
  gzsl?: {
    seen: number;
    unseen: number;
    harmonic: number;
    perClass: ClassAccuracy[];
    gamma: number;
    /** How γ was set. */
    calibration: string;
    uncalibrated: { seen: number; unseen: number; harmonic: number };
    ausuc: number;
  };
  /** Method details: ESZSL's γ, λ; DAP's scoring rule. */
  details: Record<string, number | string>;
}

/**
 * Trains on the seen classes and measures zero-shot recognition of the unseen ones.
 *
 * @throws TransferkitError `UNKNOWN_CLASS` (a data class missing from the attribute table, or an
 *   unseen class not in the table or not in the data), `BAD_OPTION` (fewer than 2 seen classes
 *   or no unseen class), `BAD_INPUT` (two candidates with identical signatures).
 * @example
 * ```ts
 * const r = evaluateZeroShot(problem, { unseen: ['Pullover', 'Sandal', 'Bag'], method: 'dap', generalised: true });
 * console.log(r.zsl.accuracy, r.gzsl?.harmonic);
 * ```
 */
export function evaluateZeroShot(problem: ZeroShotProblem, opts: ZeroShotEvalOptions): ZeroShotResult {
  const { classes, table } = problem;
  const method = opts.method ?? 'eszsl';
  if (!ZERO_SHOT_METHODS.includes(method)) {
    throw new TransferkitError('UNKNOWN_METHOD', `Unknown zero-shot method "${method}"`, { hint: `Use one of: ${ZERO_SHOT_METHODS.join(', ')}.` });
  }
  const { seen, unseen, used } = resolveSplit({ classes, table, trainY: problem.train.y, testY: problem.test.y }, opts);
  const m = table.attributes.length;
  const Sseen = signatures(table, seen);
  const Sun = signatures(table, unseen);
  const candidates = [...seen, ...unseen];
  const Sall = signatures(table, candidates);

  // training rows: seen classes only, labels as seen-class indices
  const seenIndex = new Map(seen.map((c, i) => [classes.indexOf(c), i]));
  const trainRows: number[] = [];
  const trainY: number[] = [];
  for (let i = 0; i < problem.train.y.length; i++) {
    const s = seenIndex.get(problem.train.y[i]);
    if (s !== undefined) {
      trainRows.push(i);
      trainY.push(s);
    }
  }
  const raw = selectRows(problem.train.X, trainRows);
  const st = fitStandardiser(raw);
  const X = st.apply(raw);
  const Xtest = st.apply(problem.test.X);
  const candIndex = candidates.map((c) => classes.indexOf(c));

  if (method === 'dap' && table.values.some((v) => !(v >= 0 && v <= 1))) {
    throw new TransferkitError('BAD_OPTION', `DAP needs class signatures in [0, 1], but ${table.source} holds other values`, { where: '--method', hint: 'Use --method devise or eszsl with word vectors of class names.' });
  }
  const details: Record<string, number | string> = {};
  let settings = opts;
  if (method === 'eszsl' && opts.tune) {
    const t = tuneEszsl(X, trainY, Sseen, seen.length, { seed: opts.seed });
    settings = { ...opts, eszsl: { gamma: t.gamma, lambda: t.lambda } };
    details.tuned = `class-wise hold-out on the seen classes, score ${t.score.toFixed(3)}`;
  }
  const train = methodTrainer(method, m, settings);
  const scorer = train(X, trainY, Sseen, seen.length, details);
  const score = (S: Float64Array, k: number) => scorer(Xtest, S, k);

  const unseenIdx = unseen.map((c) => classes.indexOf(c));
  const zslScores = score(Sun, unseen.length);
  const zslPer = perClassAccuracy(zslScores, problem.test.y, unseenIdx, unseen);
  const result: ZeroShotResult = {
    method,
    seen,
    unseen,
    attributesUsed: used.map((j) => table.attributes[j]),
    trainImages: trainRows.length,
    zsl: { accuracy: classMean(zslPer), chance: 1 / unseen.length, perClass: zslPer, images: zslPer.reduce((s, p) => s + p.images, 0) },
    details,
  };
  if (opts.generalised) {
    const all = score(Sall, candidates.length);
    const { gamma, how } = calibrationGamma(opts.calibration ?? 'auto', () => chooseCalibration(X, trainY, Sseen, seen.length, m, train, { seed: opts.seed }), seen);
    const rates = (g: number) => {
      const per = perClassAccuracy(all, problem.test.y, candIndex, candidates, seen.length, g);
      const s = classMean(per.slice(0, seen.length));
      const u = classMean(per.slice(seen.length));
      return { seen: s, unseen: u, harmonic: s + u > 0 ? (2 * s * u) / (s + u) : 0, perClass: per };
    };
    const { perClass: _perClass, ...uncalibrated } = rates(0);
    const pos = new Map(candIndex.map((c, i) => [c, i]));
    const truth = Array.from(problem.test.y, (c) => pos.get(c) ?? -1);
    result.gzsl = { ...rates(gamma), gamma, calibration: how, uncalibrated, ausuc: seenUnseenCurve(all, truth, candidates.length, seen.length).ausuc };
  }
  return result;
}

/**
 * How `method` trains on seen classes' features, as a {@link ZeroShotTrainer} (the final model
 * and every calibration fold train the same way); `details` receives the fitted settings.
 */
function methodTrainer(method: ZeroShotMethod, a: number, opts: ZeroShotEvalOptions): (X: Matrix, y: readonly number[], S: Float64Array, z: number, details?: Record<string, number | string>) => ReturnType<ZeroShotTrainer> {
  return (X, y, S, z, details = {}) => {
    if (method === 'eszsl') {
      const model = fitEszsl(X, y, S, z, opts.eszsl);
      details.gamma = model.gamma;
      details.lambda = model.lambda;
      return (Xe, Sc, k) => scoreEszsl(model, Xe, Sc, k);
    }
    if (method === 'devise') {
      const model = fitDevise(X, y, S, z, opts.devise);
      details.ridge = model.ridge;
      return (Xe, Sc, k) => scoreDevise(model, Xe, Sc, k);
    }
    const model = fitDap(X, y, S, z, opts.dap);
    details.scoring = model.options.scoring;
    details.l2 = model.options.l2;
    return (Xe, Sc, k) => dapScores(attributeProbabilities(model, Xe), Xe.rows, model.used, model.prior, Sc, k, a, model.options);
  };
}

/**
 * Checks a zero-shot split before any work is done and returns it: the seen classes (the data's
 * classes with training images, minus the unseen), the unseen classes, and the attributes that
 * vary over the seen classes.
 *
 * @throws TransferkitError as {@link evaluateZeroShot}.
 * @example
 * ```ts
 * const { seen, used } = resolveSplit({ classes, table, trainY, testY }, { unseen: ['Bag', 'Sandal', 'Pullover'] });
 * ```
 */
export function resolveSplit(
  data: { classes: string[]; table: AttributeTable; trainY: ArrayLike<number>; testY: ArrayLike<number> },
  opts: Pick<ZeroShotEvalOptions, 'unseen' | 'generalised'>,
): { seen: string[]; unseen: string[]; used: number[] } {
  const { classes, table } = data;
  const unseen = checkUnseen(data, opts.unseen);
  signatures(table, classes); // every data class needs a row
  const seen = classes.filter((c) => !unseen.includes(c) && hasImages(data.trainY, classes.indexOf(c)));
  if (seen.length < 2) {
    throw new TransferkitError('BAD_OPTION', `Only ${seen.length} seen class${seen.length === 1 ? '' : 'es'} (${seen.join(', ') || 'none'}) would be left to train on; zero-shot needs at least 2`, {
      where: '--unseen',
      hint: 'Hold out fewer classes, or train on data with more classes.',
    });
  }
  const used = varyingAttributes(signatures(table, seen), seen.length, table.attributes.length);
  checkDistinct(table, unseen, used, 'the unseen classes, on the attributes that vary over the seen classes');
  if (opts.generalised) checkDistinct(table, [...seen, ...unseen], used, 'the seen and unseen classes, on the attributes that vary over the seen classes');
  return { seen, unseen, used };
}

function checkUnseen(problem: { classes: string[]; table: AttributeTable; testY: ArrayLike<number> }, unseen: string[]): string[] {
  const list = [...new Set(unseen.map((c) => c.trim()).filter(Boolean))];
  if (!list.length) throw new TransferkitError('BAD_OPTION', 'No unseen class given', { where: '--unseen', hint: 'Name the classes to hold out, e.g. --unseen Pullover,Sandal,Bag.' });
  for (const c of list) {
    if (!problem.table.classes.includes(c)) {
      throw new TransferkitError('UNKNOWN_CLASS', `Unseen class "${c}" is not in the attribute table`, { where: problem.table.source, hint: `Its classes: ${problem.table.classes.join(', ')}.` });
    }
    const k = problem.classes.indexOf(c);
    if (k < 0 || !hasImages(problem.testY, k)) {
      throw new TransferkitError('UNKNOWN_CLASS', `Unseen class "${c}" has no images in the test data`, { where: '--test', hint: `The data's classes: ${problem.classes.join(', ')}.` });
    }
  }
  return list;
}

function hasImages(y: ArrayLike<number>, c: number): boolean {
  for (let i = 0; i < y.length; i++) if (y[i] === c) return true;
  return false;
}

/**
 * Per-class accuracy of argmax over candidate columns, on the test images whose class is a
 * candidate; `gamma` is subtracted from the first `nSeen` columns (calibrated stacking).
 */
function perClassAccuracy(scores: Float64Array, y: ArrayLike<number>, candIndex: number[], names: string[], nSeen = 0, gamma = 0): ClassAccuracy[] {
  const k = candIndex.length;
  const hits = new Array<number>(k).fill(0);
  const counts = new Array<number>(k).fill(0);
  const pos = new Map(candIndex.map((c, i) => [c, i]));
  for (let i = 0; i < y.length; i++) {
    const t = pos.get(y[i]);
    if (t === undefined) continue;
    const at = (c: number) => scores[i * k + c] - (c < nSeen ? gamma : 0);
    let best = 0;
    for (let c = 1; c < k; c++) if (at(c) > at(best)) best = c;
    counts[t]++;
    if (best === t) hits[t]++;
  }
  return names.map((name, t) => ({ class: name, accuracy: counts[t] ? hits[t] / counts[t] : 0, images: counts[t] }));
}

/** The γ of calibrated stacking and how it was set: chosen on the seen classes, fixed, or none. */
function calibrationGamma(setting: 'auto' | number, choose: () => Calibration, seen: string[]): { gamma: number; how: string } {
  if (typeof setting === 'number') {
    if (!Number.isFinite(setting)) throw new TransferkitError('BAD_OPTION', `The calibration must be 'auto' or a finite number, got ${setting}`, { where: '--calibration', hint: 'Use auto, 0 (uncalibrated) or e.g. 1.5.' });
    return { gamma: setting, how: setting === 0 ? 'none (uncalibrated argmax)' : 'fixed' };
  }
  try {
    const c = choose();
    const folds = c.heldOut.map((f) => f.map((j) => seen[j]).join('+')).join(', ');
    return { gamma: c.gamma, how: `chosen by class-wise hold-out on the seen classes (pseudo-unseen ${folds}; harmonic mean there ${c.uncalibratedHarmonic.toFixed(3)} → ${c.harmonic.toFixed(3)})` };
  } catch (err) {
    if (err instanceof TransferkitError && (err.code === 'TOO_FEW_EXAMPLES' || err.code === 'BAD_INPUT')) return { gamma: 0, how: `none: ${err.message}` };
    throw err;
  }
}

/** Mean per-class accuracy over the classes that have test images (as the seen–unseen curve averages). */
function classMean(per: ClassAccuracy[]): number {
  return mean(per.filter((p) => p.images > 0).map((p) => p.accuracy));
}

function mean(v: number[]): number {
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
}
