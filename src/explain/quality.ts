/**
 * How good is an attribution? Three model-agnostic checks over flat inputs:
 *
 * - {@link infidelity} (Yeh et al. 2019, Captum `infidelity`): E_I[(Iᵀa − (f(x) − f(x − I)))²]
 *   for Gaussian perturbations I — 0 when the attribution predicts every perturbation's effect;
 * - {@link sensitivityMax} (Yeh et al. 2019, Captum `sensitivity_max`): the largest relative
 *   change ‖a(x + δ) − a(x)‖ / ‖a(x)‖ of the explanation for small δ uniform in the L∞ ball;
 * - {@link deletionInsertion} (Petsiuk et al. 2018, RISE): the target probability as the most
 *   important pixels are deleted from the image / inserted into a blank one, and the areas under
 *   both curves (low deletion AUC and high insertion AUC are good).
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { createRng } from '../util/random.ts';
import { baselineImage } from './gradients/occlusion.ts';
import { predictTarget, type BatchPredictFn } from './gradients/batch-predict.ts';

/**
 * Options for {@link infidelity}.
 *
 * @example
 * ```ts
 * const opts: InfidelityOptions = { samples: 200, noiseStd: 0.1, seed: 1 };
 * ```
 */
export interface InfidelityOptions {
  /** Perturbations I drawn (default 100). */
  samples?: number;
  /** Standard deviation of each element of I (default 0.1, in input units). */
  noiseStd?: number;
  /** Seed (default 0). */
  seed?: number | string;
  /** Class column when `predict` returns `n × k` probabilities. */
  target?: number;
  /** Perturbed inputs per `predict` call (default 100). */
  batchSize?: number;
  /**
   * For attributions that are multiplied by `x − baseline` (integrated gradients,
   * gradient × input): use I ⊘ (x − baseline) in the dot product (0 where x = baseline), as
   * Captum's `infidelity_perturb_func_decorator(multiply_by_inputs=True)`. Default false.
   */
  multiplyByInputs?: boolean;
  /** Baseline for `multiplyByInputs` (default 0). */
  baseline?: number | ArrayLike<number>;
  /** Rescale the attributions by the least-squares β = E[Iᵀa·Δ] / E[(Iᵀa)²] first (Captum `normalize=True`). Default false. */
  normalize?: boolean;
}

/**
 * Infidelity of `attributions` (one per element of `x`) for the model `predict` at `x`.
 *
 * For a linear model f(x) = wᵀx + b, f(x) − f(x − I) = wᵀI, so the infidelity is
 * E[(Iᵀ(a − w))²] = σ²‖a − w‖²: exactly 0 for the gradient a = w, and — with
 * `multiplyByInputs` — for integrated gradients a = w ⊙ (x − baseline).
 *
 * @example
 * ```ts
 * const ig = await integratedGradients(model, x, 0);
 * const infd = await infidelity(predict, x, ig.attributions, { multiplyByInputs: true, noiseStd: 0.05 });
 * ```
 */
export async function infidelity(predict: BatchPredictFn, x: ArrayLike<number>, attributions: ArrayLike<number>, opts: InfidelityOptions = {}): Promise<number> {
  const xs = Float32Array.from(finite(x, 'x'));
  const d = xs.length;
  const a = finite(attributions, 'attributions', d);
  const samples = positiveInt(opts.samples ?? 100, 'samples');
  const batchSize = positiveInt(opts.batchSize ?? 100, 'batchSize');
  const sigma = opts.noiseStd ?? 0.1;
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new TransferkitError('BAD_OPTION', `noiseStd must be a positive number, got ${String(sigma)}`, { where: 'noiseStd' });
  // Dot-product scale per element: 1, or 1 / (x − baseline) for attributions multiplied by inputs.
  const scale = new Float64Array(d).fill(1);
  if (opts.multiplyByInputs === true) {
    const b = baselineImage(opts.baseline ?? 0, d);
    for (let j = 0; j < d; j++) scale[j] = xs[j] === b[j] ? 0 : 1 / (xs[j] - b[j]);
  }
  const [fx] = await predictTarget(predict, xs, 1, opts.target);
  const rng = createRng(opts.seed ?? 0);
  const dots = new Float64Array(samples);
  const deltas = new Float64Array(samples);
  for (let start = 0; start < samples; start += batchSize) {
    const m = Math.min(batchSize, samples - start);
    const batch = new Float32Array(m * d);
    for (let i = 0; i < m; i++) {
      let dot = 0;
      for (let j = 0; j < d; j++) {
        batch[i * d + j] = xs[j] - sigma * rng.normal();
      }
      // The perturbation actually applied is x − float32(x − I).
      for (let j = 0; j < d; j++) dot += (xs[j] - batch[i * d + j]) * scale[j] * a[j];
      dots[start + i] = dot;
    }
    const f = await predictTarget(predict, batch, m, opts.target);
    for (let i = 0; i < m; i++) deltas[start + i] = fx - f[i];
  }
  let beta = 1;
  if (opts.normalize === true) {
    let num = 0;
    let den = 0;
    for (let s = 0; s < samples; s++) {
      num += dots[s] * deltas[s];
      den += dots[s] * dots[s];
    }
    beta = den === 0 ? 0 : num / den;
  }
  let sum = 0;
  for (let s = 0; s < samples; s++) sum += (beta * dots[s] - deltas[s]) ** 2;
  return sum / samples;
}

/**
 * An explainer as {@link sensitivityMax} sees it: attributions (any fixed length) for an input.
 *
 * @example
 * ```ts
 * const explain: ExplainFn = async (x) => (await saliency(model, x, 3, { shape: [28, 28, 1] })).attributions;
 * ```
 */
export type ExplainFn = (x: Float32Array) => ArrayLike<number> | Promise<ArrayLike<number>>;

/**
 * Options for {@link sensitivityMax}.
 *
 * @example
 * ```ts
 * const opts: SensitivityOptions = { radius: 0.02, samples: 10, seed: 0 };
 * ```
 */
export interface SensitivityOptions {
  /** Half-width of the L∞ ball δ is drawn from, uniformly (default 0.02, as Captum). */
  radius?: number;
  /** Perturbations tried (default 10, as Captum). */
  samples?: number;
  /** Seed (default 0). */
  seed?: number | string;
}

/**
 * max over δ of ‖a(x + δ) − a(x)‖₂ / ‖a(x)‖₂ (not divided when ‖a(x)‖ = 0, as Captum).
 *
 * @example
 * ```ts
 * const s = await sensitivityMax((x) => smoothGrad(model, x, 3, { shape: [28, 28, 1], seed: 0 }).then((r) => r.attributions), image);
 * ```
 */
export async function sensitivityMax(explain: ExplainFn, x: ArrayLike<number>, opts: SensitivityOptions = {}): Promise<number> {
  const xs = finite(x, 'x');
  const radius = opts.radius ?? 0.02;
  if (!(radius >= 0) || !Number.isFinite(radius)) throw new TransferkitError('BAD_OPTION', `radius must be a finite number ≥ 0, got ${String(radius)}`, { where: 'radius' });
  const samples = positiveInt(opts.samples ?? 10, 'samples');
  const a0 = finite(await explain(Float32Array.from(xs)), 'explain(x)');
  let norm0 = 0;
  for (const v of a0) norm0 += v * v;
  norm0 = Math.sqrt(norm0);
  const rng = createRng(opts.seed ?? 0);
  let best = 0;
  for (let s = 0; s < samples; s++) {
    const xp = Float32Array.from(xs, (v) => v + radius * (2 * rng.next() - 1));
    const a = finite(await explain(xp), 'explain(x + δ)', a0.length);
    let diff = 0;
    for (let j = 0; j < a.length; j++) diff += (a[j] - a0[j]) ** 2;
    const rel = Math.sqrt(diff) / (norm0 === 0 ? 1 : norm0);
    if (rel > best) best = rel;
  }
  return best;
}

/**
 * Options for {@link deletionInsertion}.
 *
 * @example
 * ```ts
 * const opts: DeletionInsertionOptions = { steps: 50, baseline: 0, target: 3 };
 * ```
 */
export interface DeletionInsertionOptions {
  /** Points on each curve after the start (default min(units, 100)). */
  steps?: number;
  /** Value of deleted / not-yet-inserted elements: a number or a whole image (default 0). */
  baseline?: number | ArrayLike<number>;
  /** Class column when `predict` returns `n × k` probabilities. */
  target?: number;
  /** Images per `predict` call (default 64). */
  batchSize?: number;
}

/**
 * Deletion and insertion curves.
 *
 * @example
 * ```ts
 * const r: DeletionInsertionResult = { fractions: [0, 0.5, 1], deletion: [0.9, 0.2, 0.1], insertion: [0.1, 0.8, 0.9], deletionAuc: 0.35, insertionAuc: 0.65 };
 * ```
 */
export interface DeletionInsertionResult {
  /** Fraction of units (pixels) deleted / inserted at each point, 0 … 1. */
  fractions: number[];
  /** Target probability after deleting the top fraction. */
  deletion: number[];
  /** Target probability after inserting the top fraction into the baseline. */
  insertion: number[];
  /** Trapezoid area under the deletion curve over fractions 0..1 (lower is better). */
  deletionAuc: number;
  /** Trapezoid area under the insertion curve (higher is better). */
  insertionAuc: number;
}

/**
 * Deletion / insertion curves of an attribution. `attributions` has one value per element of
 * `x`, or one per pixel of an HWC image (then each pixel's channels move together): the units are
 * ranked by decreasing attribution (ties by index).
 *
 * @example
 * ```ts
 * const { attributions } = await occlusion(predict, image, [28, 28, 1], 3);
 * const r = await deletionInsertion(predict, image, attributions, { target: 3, steps: 28 });
 * ```
 */
export async function deletionInsertion(
  predict: BatchPredictFn,
  x: ArrayLike<number>,
  attributions: ArrayLike<number>,
  opts: DeletionInsertionOptions = {},
): Promise<DeletionInsertionResult> {
  const xs = Float32Array.from(finite(x, 'x'));
  const a = finite(attributions, 'attributions');
  const d = xs.length;
  const units = a.length;
  const g = d / units;
  if (units === 0 || !Number.isInteger(g)) {
    throw new TransferkitError('SHAPE_MISMATCH', `${units} attributions do not divide the ${d} input values into equal units`, {
      where: 'attributions',
      hint: 'Pass one attribution per input value, or one per pixel of an HWC image.',
    });
  }
  const steps = positiveInt(opts.steps ?? Math.min(units, 100), 'steps');
  const batchSize = positiveInt(opts.batchSize ?? 64, 'batchSize');
  const base = baselineImage(opts.baseline ?? 0, d);
  const order = Array.from({ length: units }, (_, u) => u).sort((p, q) => a[q] - a[p] || p - q);
  const counts = Array.from({ length: steps + 1 }, (_, k) => Math.round((k * units) / steps));

  // Row k of the deletion half: x with the first counts[k] units set to the baseline; insertion: the reverse.
  const total = 2 * (steps + 1);
  const scores = new Float64Array(total);
  for (let start = 0; start < total; start += batchSize) {
    const m = Math.min(batchSize, total - start);
    const batch = new Float32Array(m * d);
    for (let i = 0; i < m; i++) {
      const row = start + i;
      const insert = row > steps;
      const k = insert ? row - steps - 1 : row;
      const off = i * d;
      batch.set(insert ? base : xs, off);
      const src = insert ? xs : base;
      for (let r = 0; r < counts[k]; r++) {
        const u = order[r];
        for (let c = 0; c < g; c++) batch[off + u * g + c] = src[u * g + c];
      }
    }
    scores.set(await predictTarget(predict, batch, m, opts.target), start);
  }
  const fractions = counts.map((c) => c / units);
  const deletion = Array.from(scores.subarray(0, steps + 1));
  const insertion = Array.from(scores.subarray(steps + 1));
  return { fractions, deletion, insertion, deletionAuc: trapezoid(fractions, deletion), insertionAuc: trapezoid(fractions, insertion) };
}

function trapezoid(xs: number[], ys: number[]): number {
  let s = 0;
  for (let i = 1; i < xs.length; i++) s += ((xs[i] - xs[i - 1]) * (ys[i] + ys[i - 1])) / 2;
  return s;
}

function finite(v: ArrayLike<number>, where: string, length?: number): Float64Array {
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number') {
    throw new TransferkitError('BAD_INPUT', `${where} is not an array of numbers`, { where });
  }
  if (length !== undefined && v.length !== length) {
    throw new TransferkitError('SHAPE_MISMATCH', `${where} has ${v.length} values but ${length} were expected`, { where });
  }
  const out = Float64Array.from(v);
  for (let j = 0; j < out.length; j++) {
    if (!Number.isFinite(out[j])) throw new TransferkitError('NON_FINITE_INPUT', `${where}[${j}] is ${String(v[j])}`, { where: `${where}[${j}]` });
  }
  return out;
}

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new TransferkitError('BAD_OPTION', `${name} must be a positive integer, got ${String(n)}`, { where: name });
  return n;
}
