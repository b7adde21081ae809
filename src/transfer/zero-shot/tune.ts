/**
 * Choosing ESZSL's ridges (γ, λ) without the unseen classes: class-wise hold-out on the seen
 * classes (as Romera-Paredes & Torr validate): in each fold a few seen classes play "unseen",
 * ESZSL trains on the rest, and the pair with the best mean zero-shot accuracy on the held-out
 * classes wins. No unseen image and no test image is looked at.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { gram, selectRows, type Matrix } from '../../measures/linalg.ts';
import { createRng } from '../../util/random.ts';
import { fitEszsl, scoreEszsl } from './eszsl.ts';
import { heldOutSets, signatureRows } from './holdout.ts';

/**
 * Options of {@link tuneEszsl}.
 *
 * @example
 * ```ts
 * const o: TuneOptions = { folds: 3, gammaFractions: [0.01, 0.1], lambdas: [1] };
 * ```
 */
export interface TuneOptions {
  /** γ candidates as fractions of the training rows (default 0.001, 0.01, 0.1, 1). */
  gammaFractions?: number[];
  /** λ candidates (default 0.1, 1, 10). */
  lambdas?: number[];
  /** Hold-out folds (default 3). */
  folds?: number;
  seed?: number;
}

/**
 * The chosen ridges and every candidate's hold-out score.
 *
 * @example
 * ```ts
 * const t: TuneResult = tuneEszsl(X, y, S, 7);
 * fitEszsl(X, y, S, 7, { gamma: t.gamma, lambda: t.lambda });
 * ```
 */
export interface TuneResult {
  gamma: number;
  lambda: number;
  /** Mean hold-out zero-shot accuracy of the chosen pair. */
  score: number;
  grid: Array<{ gammaFraction: number; lambda: number; score: number }>;
}

/**
 * Picks ESZSL's (γ, λ) by class-wise hold-out on the seen classes.
 *
 * @param X `n × d` standardised features of the seen classes' images
 * @param y seen-class index of each row
 * @param S `z × a` seen signatures, row-major
 * @throws TransferkitError `TOO_FEW_EXAMPLES` with fewer than 4 seen classes (2 to hold out, 2 to train).
 * @example
 * ```ts
 * const { gamma, lambda } = tuneEszsl(X, y, seenSignatures, 7, { seed: 0 });
 * ```
 */
export function tuneEszsl(X: Matrix, y: ArrayLike<number>, S: ArrayLike<number>, z: number, opts: TuneOptions = {}): TuneResult {
  if (z < 4) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `Tuning ESZSL holds out seen classes and needs at least 4 of them, got ${z}`, { hint: 'Pass gamma and lambda instead of tuning.' });
  }
  const a = S.length / z;
  const gammaFractions = opts.gammaFractions ?? [0.001, 0.01, 0.1, 1];
  const lambdas = opts.lambdas ?? [0.1, 1, 10];
  const rng = createRng(`eszsl-tune:${opts.seed ?? 0}`);
  const held = Math.max(2, Math.round(z / 3));
  const folds = heldOutSets(S, z, a, held, opts.folds ?? 3, rng, 'Tuning ESZSL', 'Pass gamma and lambda instead of tuning.');
  const sums = new Float64Array(gammaFractions.length * lambdas.length);
  for (const out of folds) {
    const inSet = Array.from({ length: z }, (_, c) => c).filter((c) => !out.includes(c));
    const trainRows: number[] = [];
    const trainY: number[] = [];
    const testRows: number[] = [];
    const testY: number[] = [];
    for (let i = 0; i < y.length; i++) {
      const t = inSet.indexOf(y[i]);
      if (t >= 0) (trainRows.push(i), trainY.push(t));
      else (testRows.push(i), testY.push(out.indexOf(y[i])));
    }
    const Xin = selectRows(X, trainRows);
    const Xout = selectRows(X, testRows);
    const Sin = signatureRows(S, a, inSet);
    const Sout = signatureRows(S, a, out);
    const XtX = gram(Xin).data; // once per fold, not per grid point
    gammaFractions.forEach((g, gi) =>
      lambdas.forEach((lambda, li) => {
        const model = fitEszsl(Xin, trainY, Sin, inSet.length, { gamma: g * Xin.rows, lambda, gram: XtX });
        sums[gi * lambdas.length + li] += meanClassAccuracy(scoreEszsl(model, Xout, Sout, out.length), testY, out.length) / folds.length;
      }),
    );
  }
  const grid = gammaFractions.flatMap((gammaFraction, gi) => lambdas.map((lambda, li) => ({ gammaFraction, lambda, score: sums[gi * lambdas.length + li] })));
  const best = grid.reduce((b, g) => (g.score > b.score ? g : b));
  return { gamma: best.gammaFraction * y.length, lambda: best.lambda, score: best.score, grid };
}

function meanClassAccuracy(scores: Float64Array, y: readonly number[], k: number): number {
  const hits = new Float64Array(k);
  const counts = new Float64Array(k);
  y.forEach((t, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (scores[i * k + c] > scores[i * k + best]) best = c;
    counts[t]++;
    if (best === t) hits[t]++;
  });
  let s = 0;
  for (let c = 0; c < k; c++) s += counts[c] ? hits[c] / counts[c] : 0;
  return s / k;
}
