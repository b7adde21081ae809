/**
 * Unsupervised validators: ways to choose an adaptation method or hyper-parameter without a
 * single target label.
 *
 * - `dev`: deep embedded validation (You et al. 2019) — the importance-weighted loss on held-out
 *   source data, with a control variate that cancels the weights' variance. Lower is better.
 * - `entropy`: mean prediction entropy on the target. Lower is better.
 * - `im`: information maximisation — entropy minus the entropy of the mean prediction (confident
 *   *and* diverse predictions). Lower is better.
 * - `snd`: soft neighbourhood density (Saito et al. 2021) — how densely target predictions
 *   cluster. Higher is better.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { createRng } from '../util/random.ts';

/** Validator names. */
export type ValidatorName = 'dev' | 'entropy' | 'im' | 'snd';

/**
 * One validator: how it scores a candidate (`null`: it cannot, for want of data) and which
 * direction is better.
 *
 * @example
 * ```ts
 * const v = VALIDATOR_REGISTRY.find((x) => x.name === 'snd')!;
 * v.score({ name: 'coral', k: 2, targetProbs }, {}); // higher is better
 * ```
 */
export interface ValidatorEntry {
  name: ValidatorName;
  better: 'lower' | 'higher';
  /** In words, for help texts. */
  description: string;
  /** Scored by default only when every candidate has held-out source rows (`sourceVal`). */
  needsSourceVal: boolean;
  /** What to do when it could score no candidate. */
  hint: string;
  score(c: CandidateEvidence, opts: ValidateOptions): number | null;
}

/** The validators, in the order they are run and reported. */
export const VALIDATOR_REGISTRY: readonly ValidatorEntry[] = Object.freeze([
  {
    name: 'dev',
    better: 'lower',
    description: 'importance-weighted source loss',
    needsSourceVal: true,
    hint: 'DEV needs labelled source rows held out from training, with importance weights.',
    score: (c) => (c.sourceVal ? devRisk(c.sourceVal.probs, c.sourceVal.labels, c.sourceVal.weights, c.k).risk : null),
  },
  { name: 'entropy', better: 'lower', description: 'mean prediction entropy on the target', needsSourceVal: false, hint: 'Pass target data.', score: (c) => meanEntropy(c.targetProbs, c.k) },
  { name: 'im', better: 'lower', description: 'information maximisation', needsSourceVal: false, hint: 'Pass target data.', score: (c) => informationMaximization(c.targetProbs, c.k) },
  { name: 'snd', better: 'higher', description: 'soft neighbourhood density', needsSourceVal: false, hint: 'Pass target data.', score: (c, opts) => softNeighborhoodDensity(c.targetProbs, c.k, opts) },
] satisfies ValidatorEntry[]);

/** Every validator, for validation and help texts. */
export const VALIDATORS: readonly ValidatorName[] = Object.freeze(VALIDATOR_REGISTRY.map((v) => v.name));

/** Which direction is better, per validator. */
export const VALIDATOR_BETTER: Readonly<Record<ValidatorName, 'lower' | 'higher'>> = Object.freeze(Object.fromEntries(VALIDATOR_REGISTRY.map((v) => [v.name, v.better])) as Record<ValidatorName, 'lower' | 'higher'>);

/**
 * What validators need to know about one candidate model.
 *
 * @example
 * ```ts
 * const c: CandidateEvidence = { name: 'coral', k: 2, targetProbs, sourceVal: { probs, labels, weights } };
 * ```
 */
export interface CandidateEvidence {
  name: string;
  /** Number of classes. */
  k: number;
  /** The candidate's class probabilities on the (unlabelled) target, `n_t × k`. */
  targetProbs: ArrayLike<number>;
  /** Its probabilities on held-out labelled source rows and those rows' importance weights (for `dev`). */
  sourceVal?: { probs: ArrayLike<number>; labels: ArrayLike<number>; weights: ArrayLike<number> };
}

/**
 * One validator's verdict over the candidates.
 *
 * @example
 * ```ts
 * const v: ValidatorChoice = { validator: 'snd', better: 'higher', scores: { 'source-only': 1.2, coral: 1.4 }, chosen: 'coral' };
 * ```
 */
export interface ValidatorChoice {
  validator: ValidatorName;
  better: 'lower' | 'higher';
  /** Score of every candidate it could score. */
  scores: Record<string, number>;
  /** The best-scoring candidate (ties: the earlier candidate). */
  chosen: string;
}

/**
 * Options of {@link validateCandidates}.
 *
 * @example
 * ```ts
 * validateCandidates(candidates, { validators: ['dev', 'snd'], seed: 1 });
 * ```
 */
export interface ValidateOptions {
  /** Default: every validator the evidence allows. */
  validators?: readonly ValidatorName[];
  /** SND softmax temperature (default 0.05, as in the paper). */
  temperature?: number;
  /** SND: at most this many target rows (seeded subsample; default 1000). */
  maxRows?: number;
  seed?: number | string;
}

/**
 * Scores every candidate with every validator and names each validator's choice.
 *
 * @example
 * ```ts
 * const choices = validateCandidates([{ name: 'a', k: 2, targetProbs: pa }, { name: 'b', k: 2, targetProbs: pb }]);
 * choices.find((c) => c.validator === 'entropy')?.chosen;
 * ```
 */
export function validateCandidates(candidates: readonly CandidateEvidence[], opts: ValidateOptions = {}): ValidatorChoice[] {
  if (candidates.length === 0) throw new TransferkitError('NO_CANDIDATES', 'There are no candidates to validate');
  const wanted = opts.validators ?? VALIDATOR_REGISTRY.filter((v) => !v.needsSourceVal || candidates.every((c) => c.sourceVal)).map((v) => v.name);
  const out: ValidatorChoice[] = [];
  for (const validator of wanted) {
    const entry = VALIDATOR_REGISTRY.find((v) => v.name === validator);
    if (!entry) throw new TransferkitError('BAD_OPTION', `Unknown validator "${validator}"`, { hint: `Use one of: ${VALIDATORS.join(', ')}.` });
    const scores: Record<string, number> = {};
    for (const c of candidates) {
      const s = entry.score(c, opts);
      if (s !== null) scores[c.name] = s;
    }
    const names = Object.keys(scores);
    if (names.length === 0) throw new TransferkitError('VALIDATOR_NEEDS_DATA', `The ${validator} validator could not score any candidate`, { hint: entry.hint });
    const better = entry.better;
    let chosen = names[0];
    for (const n of names) if (better === 'lower' ? scores[n] < scores[chosen] : scores[n] > scores[chosen]) chosen = n;
    out.push({ validator, better, scores, chosen });
  }
  return out;
}

/**
 * DEV (You et al. 2019, Algorithm 1): with per-row weighted losses Lᵢ = wᵢ·ℓᵢ (cross-entropy) on
 * held-out source rows and their importance weights wᵢ, the control-variate estimate of the
 * target risk is mean(L) + η·(mean(w) − 1) with η = −Cov(L, w)/Var(w).
 *
 * `se` is its standard error: the estimate is the mean of Zᵢ = Lᵢ + η·(wᵢ − 1), so (η taken as
 * known) se² = Var(Z)/n = (Var(L) − Cov(L, w)²/Var(w))/n, sample (co)variances with n − 1.
 *
 * @example
 * ```ts
 * const { risk, se } = devRisk(valProbs, valLabels, valWeights, 2);
 * ```
 */
export function devRisk(probs: ArrayLike<number>, labels: ArrayLike<number>, weights: ArrayLike<number>, k: number): { risk: number; eta: number; weightedLoss: number; se: number } {
  const n = labels.length;
  if (probs.length !== n * k || weights.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `DEV needs ${n}×${k} probabilities and ${n} weights`);
  if (n < 2) throw new TransferkitError('TOO_FEW_EXAMPLES', 'DEV needs at least 2 held-out source rows');
  const L = new Float64Array(n);
  for (let i = 0; i < n; i++) L[i] = weights[i] * crossEntropy(probs, labels, i, k);
  return controlVariate(L, weights);
}

/**
 * The paired DEV margin of model A over model B on the same held-out source rows and weights:
 * `difference` = DEV(A) − DEV(B) (exactly: DEV is linear in the losses, η included), and its
 * standard error, the DEV standard error of the per-row loss differences wᵢ·(ℓᵢᴬ − ℓᵢᴮ). The
 * pairing matters: both models err on many of the same rows, so the margin is much less noisy
 * than either risk.
 *
 * @example
 * ```ts
 * const { difference, se } = devDifference(probsA, probsB, valLabels, valWeights, 2);
 * if (difference < -2 * se) console.log('A is clearly better than B by DEV');
 * ```
 */
export function devDifference(probsA: ArrayLike<number>, probsB: ArrayLike<number>, labels: ArrayLike<number>, weights: ArrayLike<number>, k: number): { difference: number; se: number } {
  const n = labels.length;
  if (probsA.length !== n * k || probsB.length !== n * k || weights.length !== n) throw new TransferkitError('SHAPE_MISMATCH', `DEV needs ${n}×${k} probabilities for each model and ${n} weights`);
  if (n < 2) throw new TransferkitError('TOO_FEW_EXAMPLES', 'DEV needs at least 2 held-out source rows');
  const D = new Float64Array(n);
  for (let i = 0; i < n; i++) D[i] = weights[i] * (crossEntropy(probsA, labels, i, k) - crossEntropy(probsB, labels, i, k));
  const r = controlVariate(D, weights);
  return { difference: r.risk, se: r.se };
}

function crossEntropy(probs: ArrayLike<number>, labels: ArrayLike<number>, i: number, k: number): number {
  return -Math.log(Math.min(1, Math.max(1e-15, probs[i * k + labels[i]])));
}

/** mean(L) + η·(mean(w) − 1) with η = −Cov(L, w)/Var(w), and its standard error. */
function controlVariate(L: Float64Array, weights: ArrayLike<number>): { risk: number; eta: number; weightedLoss: number; se: number } {
  const n = L.length;
  let mL = 0;
  let mW = 0;
  for (let i = 0; i < n; i++) {
    mL += L[i] / n;
    mW += weights[i] / n;
  }
  let cov = 0;
  let varW = 0;
  let varL = 0;
  for (let i = 0; i < n; i++) {
    cov += ((L[i] - mL) * (weights[i] - mW)) / (n - 1);
    varW += (weights[i] - mW) ** 2 / (n - 1);
    varL += (L[i] - mL) ** 2 / (n - 1);
  }
  const eta = varW > 0 ? -cov / varW : 0;
  const varZ = Math.max(0, varW > 0 ? varL - (cov * cov) / varW : varL);
  return { risk: mL + eta * (mW - 1), eta, weightedLoss: mL, se: Math.sqrt(varZ / n) };
}

/**
 * Mean Shannon entropy (nats) of the predicted class distributions.
 *
 * @example
 * ```ts
 * meanEntropy([0.5, 0.5, 1, 0], 2); // (ln 2 + 0) / 2
 * ```
 */
export function meanEntropy(probs: ArrayLike<number>, k: number): number {
  const n = probs.length / k;
  let h = 0;
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) h -= xlogx(probs[i * k + c]);
  return h / Math.max(1, n);
}

/**
 * Information-maximisation score: mean entropy − entropy of the mean prediction. Lower means
 * confident per-example predictions that still use every class.
 *
 * @example
 * ```ts
 * informationMaximization([1, 0, 0, 1], 2); // 0 − ln 2
 * ```
 */
export function informationMaximization(probs: ArrayLike<number>, k: number): number {
  const n = probs.length / k;
  const mean = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) mean[c] += probs[i * k + c] / n;
  let hMean = 0;
  for (const p of mean) hMean -= xlogx(p);
  return meanEntropy(probs, k) - hMean;
}

/**
 * Soft neighbourhood density (Saito et al. 2021): L2-normalise the target predictions, take
 * their cosine similarities (self excluded), softmax each row at temperature τ, and average
 * the rows' entropies. Higher means predictions form dense clusters.
 *
 * @example
 * ```ts
 * softNeighborhoodDensity(targetProbs, 2, { temperature: 0.05 });
 * ```
 */
export function softNeighborhoodDensity(probs: ArrayLike<number>, k: number, opts: { temperature?: number; maxRows?: number; seed?: number | string } = {}): number {
  const tau = opts.temperature ?? 0.05;
  const maxRows = opts.maxRows ?? 1000;
  const all = probs.length / k;
  let rows = Array.from({ length: all }, (_, i) => i);
  if (all > maxRows) rows = createRng(`${opts.seed ?? 0}:snd`).shuffle(rows).slice(0, maxRows);
  const n = rows.length;
  if (n < 2) throw new TransferkitError('TOO_FEW_EXAMPLES', 'SND needs at least 2 target rows');
  const F = new Float64Array(n * k);
  rows.forEach((r, i) => {
    let norm = 0;
    for (let c = 0; c < k; c++) norm += probs[r * k + c] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < k; c++) F[i * k + c] = probs[r * k + c] / norm;
  });
  let total = 0;
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let c = 0; c < k; c++) s += F[i * k + c] * F[j * k + c];
      row[j] = s / tau;
      if (row[j] > max) max = row[j];
    }
    let z = 0;
    for (let j = 0; j < n; j++) if (j !== i) z += Math.exp(row[j] - max);
    const logZ = max + Math.log(z);
    let h = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const lp = row[j] - logZ;
      h -= Math.exp(lp) * lp;
    }
    total += h;
  }
  return total / n;
}

function xlogx(p: number): number {
  return p > 0 ? p * Math.log(p) : 0;
}
