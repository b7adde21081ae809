/**
 * Instance reweighting for covariate shift: importance weights w(x) ≈ p_target(x) / p_source(x)
 * for every source example, by a discriminative domain classifier, kernel mean matching (KMM)
 * or KLIEP; clipped, normalised to mean 1, with the effective sample size reported.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { gaussianKernel, medianBandwidth, squaredDistances } from '../measures/kernels.ts';
import { columnMeans, dot, largestEigenvalue, matVec, selectRows, stackMatrices, toMatrix, type Matrix, type MatrixInput } from '../measures/linalg.ts';
import { fitLogistic } from '../measures/logistic.ts';
import { quantileSorted } from '../util/quantile.ts';
import { createRng } from '../util/random.ts';

/**
 * The density-ratio estimators.
 *
 * @example
 * ```ts
 * const m: ReweightMethod = 'kliep';
 * ```
 */
export type ReweightMethod = 'discriminative' | 'kmm' | 'kliep';

/**
 * Every {@link ReweightMethod}, for validation and help texts.
 *
 * @example
 * ```ts
 * REWEIGHT_METHODS.includes('kmm'); // true
 * ```
 */
export const REWEIGHT_METHODS: readonly ReweightMethod[] = Object.freeze(['discriminative', 'kmm', 'kliep']);

/**
 * Options of {@link importanceWeights}.
 *
 * @example
 * ```ts
 * const o: ReweightOptions = { method: 'kliep', clipQuantile: 0.99, seed: 1 };
 * ```
 */
export interface ReweightOptions {
  /** Estimator (default `'discriminative'`). */
  method?: ReweightMethod;
  /** Weights above this quantile of the weights are set to it (default 0.99; 1 turns it off). */
  clipQuantile?: number;
  /** Absolute cap on a weight, applied to the mean-1 weights (default none). */
  maxWeight?: number;
  /** Seed for subsampling, basis centres and folds (default 0). */
  seed?: number | string;
  /** Discriminative: L2 penalty of the logistic domain classifier on standardised features (default 1e-2). */
  l2?: number;
  /**
   * Discriminative: also give the domain classifier every feature's square, so log w(x) can be
   * quadratic — exact for Gaussians with different (diagonal) covariances (default true when d ≤ 200).
   */
  quadratic?: boolean;
  /**
   * KMM / KLIEP: Gaussian kernel width σ, k(a, b) = exp(−‖a − b‖²/(2σ²)). Default: KMM the
   * median heuristic; KLIEP chosen by likelihood cross-validation over {¼, ½, 1, 2}× it. The
   * median heuristic is `medianBandwidth` (`src/measures/kernels.ts`) of source and target
   * pooled: over at most 1000 pooled rows drawn with `createRng(\`${seed}:median\`)`.
   */
  bandwidth?: number;
  /** KMM: upper bound B on each weight (default 1000). */
  B?: number;
  /** KMM: |Σw − n_s| ≤ n_s·ε (default (√n_s − 1)/√n_s, as in ADAPT). */
  eps?: number;
  /** KLIEP: number of Gaussian basis functions, centred on random target points (default 100). */
  basis?: number;
  /** Iterations of the KMM / KLIEP solvers (default 1000 / 2000). */
  maxIter?: number;
}

/**
 * Importance weights of the source examples.
 *
 * @example
 * ```ts
 * const { weights, ess } = importanceWeights(sourceFeatures, targetFeatures, { method: 'kmm' });
 * ```
 */
export interface ReweightResult {
  method: ReweightMethod;
  /** Clipped weights with mean 1, one per source row. */
  weights: Float64Array;
  /** Estimated density ratios before clipping, scaled to mean 1. */
  rawWeights: Float64Array;
  /** The value weights were clipped at (Infinity when nothing was clipped). */
  clippedAt: number;
  /** Number of weights clipped. */
  clipped: number;
  /** Effective sample size (Σw)²/Σw² of the clipped weights. */
  ess: number;
  /** ess / n_s: 1 means no loss, small values mean a few examples dominate. */
  essFraction: number;
  /** Kernel width used (KMM, KLIEP). */
  bandwidth?: number;
  /** Estimator-specific numbers (iterations, objective, cross-validated likelihoods, …). */
  details: Record<string, unknown>;
}

/**
 * Estimates w(x) = p_t(x)/p_s(x) at every source row.
 *
 * - `discriminative`: a logistic domain classifier ({@link fitLogistic}) on source (0) vs target
 *   (1) rows; w = p(t|x)/p(s|x) · n_s/n_t (Bickel et al. 2007).
 * - `kmm`: kernel mean matching (Huang et al. 2007): min_w ½wᵀKw − κᵀw with
 *   κᵢ = (n_s/n_t) Σⱼ k(sᵢ, tⱼ), 0 ≤ wᵢ ≤ B, |Σw − n_s| ≤ n_s·ε, by accelerated projected gradient.
 * - `kliep`: KLIEP (Sugiyama et al. 2008): w(x) = Σₗ αₗ k(x, cₗ) with centres on target points,
 *   maximising Σⱼ log w(tⱼ) subject to mean_s w = 1, α ≥ 0, by projected gradient ascent; the
 *   kernel width is chosen by likelihood cross-validation on the target.
 *
 * The ratios are then clipped (default at the 99th percentile) and rescaled to mean 1.
 *
 * @example
 * ```ts
 * const r = importanceWeights(S, T, { method: 'kliep', seed: 1 });
 * console.log(r.ess, r.weights[0]);
 * ```
 */
export function importanceWeights(source: MatrixInput, target: MatrixInput, opts: ReweightOptions = {}): ReweightResult {
  const method = opts.method ?? 'discriminative';
  if (!REWEIGHT_METHODS.includes(method)) {
    throw new TransferkitError('BAD_OPTION', `Unknown reweighting method "${String(method)}"`, { hint: `Use one of: ${REWEIGHT_METHODS.join(', ')}.` });
  }
  const S = toMatrix(source, 'source');
  const T = toMatrix(target, 'target');
  if (S.cols !== T.cols) throw new TransferkitError('SHAPE_MISMATCH', `Source has ${S.cols} features but target has ${T.cols}`);
  if (S.rows < 2 || T.rows < 2) throw new TransferkitError('TOO_FEW_EXAMPLES', `Reweighting needs at least 2 rows per domain (got ${S.rows} and ${T.rows})`);
  let raw: Float64Array;
  let bandwidth: number | undefined;
  let details: Record<string, unknown>;
  if (method === 'discriminative') {
    ({ raw, details } = discriminative(S, T, opts));
  } else if (method === 'kmm') {
    ({ raw, details, bandwidth } = kmm(S, T, opts));
  } else {
    ({ raw, details, bandwidth } = kliep(S, T, opts));
  }
  const rawWeights = normaliseMean(raw);
  const clip = clipWeights(rawWeights, { quantile: opts.clipQuantile ?? 0.99, max: opts.maxWeight });
  const ess = effectiveSampleSize(clip.weights);
  return { method, weights: clip.weights, rawWeights, clippedAt: clip.clippedAt, clipped: clip.clipped, ess, essFraction: ess / S.rows, bandwidth, details };
}

/**
 * Caps weights at a quantile of their values and/or an absolute maximum, then rescales them
 * to mean 1 (the cap is applied once; after rescaling a weight may sit slightly above it).
 *
 * @example
 * ```ts
 * clipWeights(Float64Array.of(1, 1, 1, 97), { quantile: 0.5 }).weights; // [1, 1, 1, 1]
 * ```
 */
export function clipWeights(w: ArrayLike<number>, opts: { quantile?: number; max?: number } = {}): { weights: Float64Array; clippedAt: number; clipped: number } {
  const q = opts.quantile ?? 1;
  if (!(q > 0 && q <= 1)) throw new TransferkitError('BAD_OPTION', `The clipping quantile must be in (0, 1], got ${q}`, { hint: 'E.g. 0.99 clips the top 1% of weights.' });
  const base = normaliseMean(Float64Array.from(w));
  let cap = Infinity;
  if (q < 1) cap = quantileSorted(Float64Array.from(base).sort(), q);
  if (opts.max !== undefined) {
    if (!(opts.max > 0)) throw new TransferkitError('BAD_OPTION', `maxWeight must be positive, got ${opts.max}`);
    cap = Math.min(cap, opts.max);
  }
  let clipped = 0;
  for (let i = 0; i < base.length; i++) {
    if (base[i] > cap) {
      base[i] = cap;
      clipped++;
    }
  }
  return { weights: normaliseMean(base), clippedAt: clipped ? cap : Infinity, clipped };
}

/**
 * Kish's effective sample size (Σw)² / Σw².
 *
 * @example
 * ```ts
 * effectiveSampleSize([1, 1, 1, 1]); // 4
 * effectiveSampleSize([4, 0, 0, 0]); // 1
 * ```
 */
export function effectiveSampleSize(w: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < w.length; i++) {
    s += w[i];
    s2 += w[i] * w[i];
  }
  return s2 > 0 ? (s * s) / s2 : 0;
}

function normaliseMean(w: Float64Array): Float64Array {
  let s = 0;
  for (const v of w) s += v;
  const m = s / (w.length || 1);
  if (!(m > 0) || !Number.isFinite(m)) {
    throw new TransferkitError('DEGENERATE_WEIGHTS', 'Every importance weight is 0 (or not finite), so the source cannot be reweighted towards the target', {
      hint: 'The domains may not overlap at all; try a wider kernel bandwidth, another method, or check that source and target hold the same kind of data.',
    });
  }
  for (let i = 0; i < w.length; i++) w[i] /= m;
  return w;
}

// ---------------------------------------------------------------- discriminative

function discriminative(S: Matrix, T: Matrix, opts: ReweightOptions): { raw: Float64Array; details: Record<string, unknown> } {
  const d = S.cols;
  const quadratic = opts.quadratic ?? d <= 200;
  const width = quadratic ? 2 * d : d;
  const N = S.rows + T.rows;
  const X = new Float64Array(N * width);
  const put = (M: Matrix, offset: number) => {
    for (let i = 0; i < M.rows; i++) {
      for (let j = 0; j < d; j++) {
        const v = M.data[i * d + j];
        X[(offset + i) * width + j] = v;
        if (quadratic) X[(offset + i) * width + d + j] = v * v;
      }
    }
  };
  put(S, 0);
  put(T, S.rows);
  const y = new Float64Array(N).fill(1, S.rows);
  const model = fitLogistic({ rows: N, cols: width, data: X }, y, { l2: opts.l2 ?? 1e-2 });
  const p = model.predictProba({ rows: S.rows, cols: width, data: X.subarray(0, S.rows * width) });
  const ratio = S.rows / T.rows;
  const raw = Float64Array.from(p, (v) => (Math.min(v, 1 - 1e-12) / Math.max(1 - v, 1e-12)) * ratio);
  return { raw, details: { quadratic, l2: opts.l2 ?? 1e-2, iterations: model.iterations, converged: model.converged } };
}

// ---------------------------------------------------------------- kernels

/** The median-heuristic kernel width of source and target pooled (see {@link ReweightOptions.bandwidth}). */
function medianWidth(S: Matrix, T: Matrix, seed: number | string): number {
  return medianBandwidth(stackMatrices(S, T), { rng: createRng(`${seed}:median`) });
}

// ---------------------------------------------------------------- KMM

const KMM_MAX_ROWS = 6000;

function kmm(S: Matrix, T: Matrix, opts: ReweightOptions): { raw: Float64Array; details: Record<string, unknown>; bandwidth: number } {
  const m = S.rows;
  const nt = T.rows;
  if (m > KMM_MAX_ROWS) {
    throw new TransferkitError('TOO_MANY_ROWS', `KMM solves a ${m}×${m} kernel problem; at most ${KMM_MAX_ROWS} source rows are supported`, {
      hint: "Subsample the source, or use method 'discriminative' or 'kliep', which scale linearly.",
    });
  }
  const sigma = opts.bandwidth ?? medianWidth(S, T, opts.seed ?? 0);
  checkBandwidth(sigma);
  const B = opts.B ?? 1000;
  const eps = opts.eps ?? (Math.sqrt(m) - 1) / Math.sqrt(m);
  if (!(B > 0)) throw new TransferkitError('BAD_OPTION', `KMM's bound B must be positive, got ${B}`);
  if (!(eps >= 0)) throw new TransferkitError('BAD_OPTION', `KMM's ε must be ≥ 0, got ${eps}`);
  const K = gaussianKernel(squaredDistances(S), sigma);
  const Kst = gaussianKernel(squaredDistances(S, T), sigma).data;
  const kappa = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < nt; j++) s += Kst[i * nt + j];
    kappa[i] = (m / nt) * s;
  }
  const L = 1.01 * (largestEigenvalue(K) || 1);
  const lo = m * (1 - eps);
  const hi = m * (1 + eps);
  const project = (v: Float64Array) => projectBoxSlab(v, B, lo, hi);
  // FISTA on f(w) = ½wᵀKw − κᵀw
  let w = project(new Float64Array(m).fill(1));
  let z = Float64Array.from(w);
  let t = 1;
  const grad = new Float64Array(m);
  const maxIter = opts.maxIter ?? 1000;
  let it = 0;
  let change = Infinity;
  for (; it < maxIter; it++) {
    matVec(K, z, grad);
    for (let i = 0; i < m; i++) grad[i] = z[i] - (grad[i] - kappa[i]) / L;
    const next = project(grad);
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    change = 0;
    for (let i = 0; i < m; i++) {
      const delta = next[i] - w[i];
      change = Math.max(change, Math.abs(delta));
      z[i] = next[i] + ((t - 1) / tNext) * delta;
    }
    w = next;
    t = tNext;
    if (change < 1e-6) break;
  }
  const Kw = matVec(K, w);
  let objective = 0;
  for (let i = 0; i < m; i++) objective += 0.5 * w[i] * Kw[i] - kappa[i] * w[i];
  return { raw: w, bandwidth: sigma, details: { B, eps, iterations: it, lastChange: change, objective } };
}

/** Euclidean projection onto {0 ≤ wᵢ ≤ B, lo ≤ Σw ≤ hi}: clip(v − τ) with τ found by bisection. */
function projectBoxSlab(v: Float64Array, B: number, lo: number, hi: number): Float64Array {
  const clipSum = (tau: number) => {
    let s = 0;
    for (const x of v) s += Math.min(B, Math.max(0, x - tau));
    return s;
  };
  const apply = (tau: number) => Float64Array.from(v, (x) => Math.min(B, Math.max(0, x - tau)));
  const s0 = clipSum(0);
  if (s0 >= lo && s0 <= hi) return apply(0);
  const goal = s0 > hi ? hi : lo;
  // clipSum is non-increasing in τ
  let a = -B - Math.max(...v.map(Math.abs));
  let b = B + Math.max(...v.map(Math.abs));
  for (let it = 0; it < 100; it++) {
    const mid = (a + b) / 2;
    if (clipSum(mid) > goal) a = mid;
    else b = mid;
  }
  return apply((a + b) / 2);
}

// ---------------------------------------------------------------- KLIEP

function kliep(S: Matrix, T: Matrix, opts: ReweightOptions): { raw: Float64Array; details: Record<string, unknown>; bandwidth: number } {
  const seed = opts.seed ?? 0;
  const rng = createRng(`${seed}:kliep`);
  const nb = Math.min(opts.basis ?? 100, T.rows);
  const centres = selectRows(T, rng.shuffle(Array.from({ length: T.rows }, (_, i) => i)).slice(0, nb));
  const Dt = squaredDistances(T, centres);
  const Ds = squaredDistances(S, centres);
  const maxIter = opts.maxIter ?? 2000;

  let sigma = opts.bandwidth;
  const cv: Array<{ bandwidth: number; heldOutLogLikelihood: number }> = [];
  if (sigma === undefined) {
    const med = medianWidth(S, T, seed);
    const folds = 5;
    const fold = rng.shuffle(Array.from({ length: T.rows }, (_, i) => i % folds));
    let best = -Infinity;
    for (const f of [0.25, 0.5, 1, 2]) {
      const s = f * med;
      const At = gaussianKernel(Dt, s);
      const bvec = columnMeans(gaussianKernel(Ds, s));
      let score = 0;
      for (let k = 0; k < folds; k++) {
        const trainRows: number[] = [];
        const testRows: number[] = [];
        for (let j = 0; j < T.rows; j++) (fold[j] === k ? testRows : trainRows).push(j);
        const alpha = kliepSolve(selectRows(At, trainRows), bvec, maxIter / 4);
        let ll = 0;
        for (const j of testRows) {
          let w = 0;
          for (let l = 0; l < nb; l++) w += At.data[j * nb + l] * alpha[l];
          ll += Math.log(Math.max(w, 1e-300));
        }
        score += ll / Math.max(1, testRows.length) / folds;
      }
      cv.push({ bandwidth: s, heldOutLogLikelihood: score });
      if (score > best) {
        best = score;
        sigma = s;
      }
    }
  }
  checkBandwidth(sigma!);
  const At = gaussianKernel(Dt, sigma!);
  const As = gaussianKernel(Ds, sigma!);
  const alpha = kliepSolve(At, columnMeans(As), maxIter);
  const raw = matVec(As, alpha);
  let ll = 0;
  for (const w of matVec(At, alpha)) ll += Math.log(Math.max(w, 1e-300));
  return { raw, bandwidth: sigma!, details: { basis: nb, targetLogLikelihood: ll / T.rows, crossValidation: cv } };
}

/** Projected gradient ascent of Σⱼ log (Aα)ⱼ subject to bᵀα = 1, α ≥ 0 (Sugiyama et al. 2008, Fig. 1). */
function kliepSolve(Am: Matrix, b: Float64Array, maxIter: number): Float64Array {
  const { rows: n, cols: nb, data: A } = Am;
  const bb = dot(b, b);
  const normalise = (alpha: Float64Array) => {
    for (let l = 0; l < nb; l++) alpha[l] += ((1 - dot(b, alpha)) * b[l]) / bb;
    for (let l = 0; l < nb; l++) alpha[l] = Math.max(0, alpha[l]);
    const s = dot(b, alpha);
    if (s > 0) for (let l = 0; l < nb; l++) alpha[l] /= s;
    return alpha;
  };
  const objective = (alpha: Float64Array) => {
    let o = 0;
    for (let j = 0; j < n; j++) {
      let w = 0;
      for (let l = 0; l < nb; l++) w += A[j * nb + l] * alpha[l];
      o += Math.log(Math.max(w, 1e-300));
    }
    return o;
  };
  let alpha = normalise(new Float64Array(nb).fill(1));
  let score = objective(alpha);
  const grad = new Float64Array(nb);
  let step = 1e-2;
  for (let it = 0; it < maxIter; it++) {
    grad.fill(0);
    for (let j = 0; j < n; j++) {
      let w = 0;
      for (let l = 0; l < nb; l++) w += A[j * nb + l] * alpha[l];
      const inv = 1 / Math.max(w, 1e-300);
      for (let l = 0; l < nb; l++) grad[l] += (A[j * nb + l] * inv) / n;
    }
    // adaptive step: grow on success, shrink on failure
    let improved = false;
    for (let tries = 0; tries < 20; tries++) {
      const trial = normalise(Float64Array.from(alpha, (a, l) => a + step * grad[l]));
      const s = objective(trial);
      if (s >= score) {
        improved = s - score > 1e-9 * Math.abs(score);
        alpha = trial;
        score = s;
        step *= 2;
        break;
      }
      step /= 4;
    }
    if (!improved) break;
  }
  return alpha;
}

function checkBandwidth(sigma: number): void {
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new TransferkitError('BAD_OPTION', `The kernel bandwidth must be a positive number, got ${sigma}`);
}
