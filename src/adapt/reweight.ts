/**
 * Instance reweighting for covariate shift: importance weights w(x) ≈ p_target(x) / p_source(x)
 * for every source example, by a discriminative domain classifier, kernel mean matching (KMM)
 * or KLIEP; clipped, normalised to mean 1, with the effective sample size reported.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { toMatrix, type Matrix, type MatrixInput } from '../measures/linalg.ts';
import { fitLogistic } from '../measures/logistic.ts';
import { createRng } from '../util/random.ts';

/** The density-ratio estimators. */
export type ReweightMethod = 'discriminative' | 'kmm' | 'kliep';

/** Every {@link ReweightMethod}, for validation and help texts. */
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
  /** KMM / KLIEP: Gaussian kernel width σ, k(a, b) = exp(−‖a − b‖²/(2σ²)). Default: KMM the median heuristic; KLIEP chosen by likelihood cross-validation over {¼, ½, 1, 2}× the median distance. */
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
  if (S.rows < 2 || T.rows < 2) throw new TransferkitError('TOO_FEW_ROWS', `Reweighting needs at least 2 rows per domain (got ${S.rows} and ${T.rows})`);
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
  if (q < 1) cap = quantile(base, q);
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

function quantile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
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

/** Squared distances between the rows of A and the rows of B (`A.rows × B.rows`). */
function squaredDistances(A: Matrix, B: Matrix): Float64Array {
  const d = A.cols;
  const out = new Float64Array(A.rows * B.rows);
  const nb = new Float64Array(B.rows);
  for (let j = 0; j < B.rows; j++) {
    let s = 0;
    for (let q = 0; q < d; q++) s += B.data[j * d + q] ** 2;
    nb[j] = s;
  }
  for (let i = 0; i < A.rows; i++) {
    let na = 0;
    for (let q = 0; q < d; q++) na += A.data[i * d + q] ** 2;
    const o = i * B.rows;
    for (let j = 0; j < B.rows; j++) {
      let dot = 0;
      for (let q = 0; q < d; q++) dot += A.data[i * d + q] * B.data[j * d + q];
      out[o + j] = Math.max(0, na + nb[j] - 2 * dot);
    }
  }
  return out;
}

/**
 * Median pairwise Euclidean distance of the pooled rows (at most 500 rows, seeded).
 *
 * @example
 * ```ts
 * const sigma = medianDistance(S, T, 0);
 * ```
 */
export function medianDistance(S: Matrix, T: Matrix, seed: number | string): number {
  const rng = createRng(`${seed}:median`);
  const pick = (M: Matrix, m: number): Matrix => {
    if (M.rows <= m) return M;
    const idx = rng.shuffle(Array.from({ length: M.rows }, (_, i) => i)).slice(0, m);
    const data = new Float64Array(m * M.cols);
    idx.forEach((r, i) => data.set(M.data.subarray(r * M.cols, (r + 1) * M.cols), i * M.cols));
    return { rows: m, cols: M.cols, data };
  };
  const a = pick(S, 250);
  const b = pick(T, 250);
  const pooled: Matrix = { rows: a.rows + b.rows, cols: a.cols, data: new Float64Array((a.rows + b.rows) * a.cols) };
  pooled.data.set(a.data, 0);
  pooled.data.set(b.data, a.data.length);
  const D = squaredDistances(pooled, pooled);
  const n = pooled.rows;
  const values: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) values.push(Math.sqrt(D[i * n + j]));
  values.sort((x, y) => x - y);
  const med = values.length ? values[values.length >> 1] : 1;
  return med > 0 ? med : 1;
}

function gaussianKernel(D2: Float64Array, sigma: number): Float64Array {
  const g = 1 / (2 * sigma * sigma);
  const K = new Float64Array(D2.length);
  for (let k = 0; k < D2.length; k++) K[k] = Math.exp(-D2[k] * g);
  return K;
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
  const sigma = opts.bandwidth ?? medianDistance(S, T, opts.seed ?? 0);
  checkBandwidth(sigma);
  const B = opts.B ?? 1000;
  const eps = opts.eps ?? (Math.sqrt(m) - 1) / Math.sqrt(m);
  if (!(B > 0)) throw new TransferkitError('BAD_OPTION', `KMM's bound B must be positive, got ${B}`);
  if (!(eps >= 0)) throw new TransferkitError('BAD_OPTION', `KMM's ε must be ≥ 0, got ${eps}`);
  const K = gaussianKernel(squaredDistances(S, S), sigma);
  const Kst = gaussianKernel(squaredDistances(S, T), sigma);
  const kappa = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < nt; j++) s += Kst[i * nt + j];
    kappa[i] = (m / nt) * s;
  }
  const L = 1.01 * largestEigenvalue(K, m);
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
    matVec(K, z, m, grad);
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
  const Kw = matVec(K, w, m, new Float64Array(m));
  let objective = 0;
  for (let i = 0; i < m; i++) objective += 0.5 * w[i] * Kw[i] - kappa[i] * w[i];
  return { raw: w, bandwidth: sigma, details: { B, eps, iterations: it, lastChange: change, objective } };
}

function matVec(K: Float64Array, v: Float64Array, m: number, out: Float64Array): Float64Array {
  for (let i = 0; i < m; i++) {
    let s = 0;
    const o = i * m;
    for (let j = 0; j < m; j++) s += K[o + j] * v[j];
    out[i] = s;
  }
  return out;
}

function largestEigenvalue(K: Float64Array, m: number): number {
  let v = new Float64Array(m).fill(1 / Math.sqrt(m));
  let lambda = 0;
  const out = new Float64Array(m);
  for (let it = 0; it < 50; it++) {
    matVec(K, v, m, out);
    let norm = 0;
    for (const x of out) norm += x * x;
    norm = Math.sqrt(norm);
    if (!(norm > 0)) return 1;
    const next = Float64Array.from(out, (x) => x / norm);
    if (Math.abs(norm - lambda) < 1e-6 * norm) return norm;
    lambda = norm;
    v = next;
  }
  return lambda;
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
  const centreIdx = rng.shuffle(Array.from({ length: T.rows }, (_, i) => i)).slice(0, nb);
  const centres: Matrix = { rows: nb, cols: T.cols, data: new Float64Array(nb * T.cols) };
  centreIdx.forEach((r, i) => centres.data.set(T.data.subarray(r * T.cols, (r + 1) * T.cols), i * T.cols));
  const Dt = squaredDistances(T, centres);
  const Ds = squaredDistances(S, centres);
  const maxIter = opts.maxIter ?? 2000;

  let sigma = opts.bandwidth;
  const cv: Array<{ bandwidth: number; heldOutLogLikelihood: number }> = [];
  if (sigma === undefined) {
    const med = medianDistance(S, T, seed);
    const folds = 5;
    const fold = rng.shuffle(Array.from({ length: T.rows }, (_, i) => i % folds));
    let best = -Infinity;
    for (const f of [0.25, 0.5, 1, 2]) {
      const s = f * med;
      const At = gaussianKernel(Dt, s);
      const bvec = columnMeans(gaussianKernel(Ds, s), S.rows, nb);
      let score = 0;
      for (let k = 0; k < folds; k++) {
        const trainRows: number[] = [];
        const testRows: number[] = [];
        for (let j = 0; j < T.rows; j++) (fold[j] === k ? testRows : trainRows).push(j);
        const alpha = kliepSolve(pickRows(At, trainRows, nb), trainRows.length, nb, bvec, maxIter / 4);
        let ll = 0;
        for (const j of testRows) {
          let w = 0;
          for (let l = 0; l < nb; l++) w += At[j * nb + l] * alpha[l];
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
  const bvec = columnMeans(As, S.rows, nb);
  const alpha = kliepSolve(At, T.rows, nb, bvec, maxIter);
  const raw = new Float64Array(S.rows);
  for (let i = 0; i < S.rows; i++) {
    let w = 0;
    for (let l = 0; l < nb; l++) w += As[i * nb + l] * alpha[l];
    raw[i] = w;
  }
  let ll = 0;
  for (let j = 0; j < T.rows; j++) {
    let w = 0;
    for (let l = 0; l < nb; l++) w += At[j * nb + l] * alpha[l];
    ll += Math.log(Math.max(w, 1e-300));
  }
  return { raw, bandwidth: sigma!, details: { basis: nb, targetLogLikelihood: ll / T.rows, crossValidation: cv } };
}

/** Projected gradient ascent of Σⱼ log (Aα)ⱼ subject to bᵀα = 1, α ≥ 0 (Sugiyama et al. 2008, Fig. 1). */
function kliepSolve(A: Float64Array, n: number, nb: number, b: Float64Array, maxIter: number): Float64Array {
  let bb = 0;
  for (const v of b) bb += v * v;
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

function columnMeans(A: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let l = 0; l < m; l++) out[l] += A[i * m + l];
  for (let l = 0; l < m; l++) out[l] /= n;
  return out;
}

function pickRows(A: Float64Array, rows: number[], m: number): Float64Array {
  const out = new Float64Array(rows.length * m);
  rows.forEach((r, i) => out.set(A.subarray(r * m, (r + 1) * m), i * m));
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function checkBandwidth(sigma: number): void {
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new TransferkitError('BAD_OPTION', `The kernel bandwidth must be a positive number, got ${sigma}`);
}
