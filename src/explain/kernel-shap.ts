/**
 * KernelSHAP (Lundberg & Lee 2017), following the SHAP library's `KernelExplainer`:
 *
 * - players whose values equal every background row are "non-varying" and get φ = 0;
 * - coalition sizes are enumerated completely, smallest (and their complements) first, while the
 *   sample budget covers them; the rest of the budget is sampled, with the complement of every
 *   sampled coalition added too (paired sampling), repeated draws adding weight;
 * - Shapley-kernel weights (M−1)/(C(M,k)·k·(M−k));
 * - weighted least squares with the efficiency constraint Σφ = f(x) − E f enforced exactly by
 *   eliminating the last varying player's value, solved on the small normal equations built
 *   straight from the 0/1 masks (Cholesky, then iterative refinement to QR accuracy).
 *
 * The model is evaluated through the coalition game: all coalitions' masked rows in a few large
 * batches (see `createCoalitionGame`), or in closed form for a model declared linear.
 *
 * Unlike SHAP there is no L1 feature-selection step (SHAP's `l1_reg`): all varying players are kept.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import { createRng, type Rng } from '../util/random.ts';
import { createCoalitionGame } from './coalition-game.ts';
import { weightedLeastSquares } from './least-squares.ts';
import type { BackgroundInput, PredictFn, Row, ShapleyOptions, ShapleyResult } from './types.ts';
import { checkInt } from './validate.ts';

/**
 * Options for {@link kernelShap}.
 *
 * @example
 * ```ts
 * const opts: KernelShapOptions = { nsamples: 500, seed: 7 };
 * ```
 */
export interface KernelShapOptions extends ShapleyOptions {
  /** Coalitions to evaluate (default 2·M + 2048, capped at 2^M − 2); M = number of varying players. */
  nsamples?: number;
  /** Seed for the sampled coalitions (default 0). */
  seed?: number | string;
}

/**
 * KernelSHAP result: Shapley values plus how the coalitions were chosen.
 *
 * @example
 * ```ts
 * const r = await kernelShap(f, x, bg);
 * if (r.fullyEnumerated) console.log('exact Shapley values (up to rounding)');
 * ```
 */
export interface KernelShapResult extends ShapleyResult {
  /** Distinct coalitions evaluated. */
  coalitions: number;
  /** Coalition sizes k (and M−k) enumerated completely. */
  enumeratedSizes: number[];
  /** True when every coalition was enumerated, so the values are exact Shapley values. */
  fullyEnumerated: boolean;
}

/**
 * A weighted set of coalitions (in the varying-player space) chosen as SHAP's KernelExplainer does.
 *
 * @example
 * ```ts
 * const plan = planCoalitions(4, 14, createRng(0)); // all 14 non-trivial coalitions of 4 players
 * ```
 */
export interface CoalitionPlan {
  masks: Uint8Array[];
  weights: Float64Array;
  enumeratedSizes: number[];
}

function binom(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/**
 * Chooses coalitions and their kernel weights for `M` players within a budget of `nsamples`.
 *
 * @example
 * ```ts
 * const plan = planCoalitions(10, 100, createRng(1));
 * plan.masks.length; // ≤ 100
 * ```
 */
export function planCoalitions(M: number, nsamples: number, rng: Rng): CoalitionPlan {
  const masks: Uint8Array[] = [];
  const weights: number[] = [];
  const numSubsetSizes = Math.ceil((M - 1) / 2);
  const numPairedSubsetSizes = Math.floor((M - 1) / 2);
  const weightVector = new Float64Array(numSubsetSizes);
  for (let s = 1; s <= numSubsetSizes; s++) weightVector[s - 1] = (M - 1) / (s * (M - s));
  for (let i = 0; i < numPairedSubsetSizes; i++) weightVector[i] *= 2;
  const wvSum = weightVector.reduce((a, b) => a + b, 0);
  for (let i = 0; i < numSubsetSizes; i++) weightVector[i] /= wvSum;

  // Enumerate complete subset sizes while the budget allows.
  let numFullSubsets = 0;
  let samplesLeft = nsamples;
  const remaining = Float64Array.from(weightVector);
  const enumeratedSizes: number[] = [];
  for (let s = 1; s <= numSubsetSizes; s++) {
    const paired = s <= numPairedSubsetSizes;
    const nsubsets = binom(M, s) * (paired ? 2 : 1);
    if (!((samplesLeft * remaining[s - 1]) / nsubsets >= 1 - 1e-8)) break;
    numFullSubsets++;
    samplesLeft -= nsubsets;
    if (remaining[s - 1] < 1) {
      const scale = 1 - remaining[s - 1];
      for (let i = 0; i < numSubsetSizes; i++) remaining[i] /= scale;
    }
    const w = weightVector[s - 1] / binom(M, s) / (paired ? 2 : 1);
    enumeratedSizes.push(s);
    if (paired) enumeratedSizes.push(M - s);
    // All combinations of s players, lexicographic.
    const idx = Array.from({ length: s }, (_, i) => i);
    for (;;) {
      const m = new Uint8Array(M);
      for (const i of idx) m[i] = 1;
      masks.push(m);
      weights.push(w);
      if (paired) {
        const c = new Uint8Array(M);
        for (let i = 0; i < M; i++) c[i] = 1 - m[i];
        masks.push(c);
        weights.push(w);
      }
      let t = s - 1;
      while (t >= 0 && idx[t] === M - s + t) t--;
      if (t < 0) break;
      idx[t]++;
      for (let u = t + 1; u < s; u++) idx[u] = idx[u - 1] + 1;
    }
  }

  // Sample the remaining budget from the sizes not enumerated.
  const nFixed = masks.length;
  samplesLeft = nsamples - nFixed;
  if (numFullSubsets !== numSubsetSizes && samplesLeft > 0) {
    const probs = Float64Array.from(weightVector);
    for (let i = 0; i < numPairedSubsetSizes; i++) probs[i] /= 2; // each draw adds two samples
    const rest = probs.subarray(numFullSubsets);
    const restSum = rest.reduce((a, b) => a + b, 0);
    const cumulative = new Float64Array(rest.length);
    let acc = 0;
    for (let i = 0; i < rest.length; i++) {
      acc += rest[i] / restSum;
      cumulative[i] = acc;
    }
    // Coalitions drawn so far by key: the mask as a number (exact up to 52 players) or a string.
    const seen = new Map<number | string, number>();
    const numericKeys = M <= 52;
    const complementOf = new Map<number, number>();
    const order = Array.from({ length: M }, (_, i) => i);
    const maxDraws = 4 * samplesLeft;
    for (let draw = 0; draw < maxDraws && samplesLeft > 0; draw++) {
      const u = rng.next();
      let ind = 0;
      while (ind < cumulative.length - 1 && u >= cumulative[ind]) ind++;
      const size = ind + numFullSubsets + 1;
      for (let i = 0; i < size; i++) {
        const j = i + rng.int(M - i);
        const tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      const m = new Uint8Array(M);
      for (let i = 0; i < size; i++) m[order[i]] = 1;
      let key: number | string;
      if (numericKeys) {
        let k = 0;
        for (let i = 0, bit = 1; i < M; i++, bit *= 2) if (m[i]) k += bit;
        key = k;
      } else key = m.join('');
      const prev = seen.get(key);
      const paired = size <= numPairedSubsetSizes;
      if (prev === undefined) {
        const at = masks.length;
        seen.set(key, at);
        masks.push(m);
        weights.push(1);
        samplesLeft--;
        if (paired && samplesLeft > 0) {
          const c = new Uint8Array(M);
          for (let i = 0; i < M; i++) c[i] = 1 - m[i];
          complementOf.set(at, masks.length);
          masks.push(c);
          weights.push(1);
          samplesLeft--;
        }
      } else {
        weights[prev] += 1;
        const c = complementOf.get(prev);
        if (paired && c !== undefined) weights[c] += 1;
      }
    }
    // The sampled coalitions share the kernel weight of the sizes not enumerated.
    let weightLeft = 0;
    for (let i = numFullSubsets; i < numSubsetSizes; i++) weightLeft += weightVector[i];
    let sampledSum = 0;
    for (let k = nFixed; k < weights.length; k++) sampledSum += weights[k];
    for (let k = nFixed; k < weights.length; k++) weights[k] *= weightLeft / sampledSum;
  }
  return { masks, weights: Float64Array.from(weights), enumeratedSizes: enumeratedSizes.sort((a, b) => a - b) };
}

/**
 * KernelSHAP values of `predict` at `x` with the given background (identity link: explain the
 * output as returned, e.g. log-odds).
 *
 * Throws `UNDERDETERMINED` when the sampled coalitions cannot determine the values (raise
 * `nsamples`), plus the input errors of the other explainers.
 *
 * @example
 * ```ts
 * const f: PredictFn = (rows) => rows.map((r) => 2 * r[0] - r[1] + r[0] * r[2]);
 * const r = await kernelShap(f, [1, 2, 3], [[0, 0, 0], [1, 0, 1]], { seed: 1 });
 * // r.baseValue + Σ r.values === r.output (exactly, up to rounding)
 * ```
 */
export async function kernelShap(
  predict: PredictFn,
  x: Row,
  background: BackgroundInput,
  opts: KernelShapOptions = {},
): Promise<KernelShapResult> {
  const game = await createCoalitionGame(predict, x, background, opts);
  const M = game.players;
  const values = new Array<number>(M).fill(0);
  const varying: number[] = [];
  game.varying.forEach((v, p) => {
    if (v) varying.push(p);
  });
  const Mv = varying.length;
  const delta = game.output - game.baseValue;
  const base = {
    baseValue: game.baseValue,
    output: game.output,
    warnings: game.warnings,
  };
  if (Mv <= 1) {
    if (Mv === 1) values[varying[0]] = delta;
    return { ...base, values, evaluations: game.evaluations, coalitions: 0, enumeratedSizes: [], fullyEnumerated: true };
  }
  const maxSamples = Mv > 30 ? 2 ** 30 : 2 ** Mv - 2;
  const nsamples = Math.min(checkInt(opts.nsamples ?? 2 * Mv + 2048, 'nsamples', 1), maxSamples);
  const plan = planCoalitions(Mv, nsamples, createRng(opts.seed ?? 0));

  const fullMasks =
    Mv === M
      ? plan.masks
      : plan.masks.map((m) => {
          const full = new Uint8Array(M);
          for (let i = 0; i < Mv; i++) full[varying[i]] = m[i];
          return full;
        });
  const v = await game.values(fullMasks);

  // Eliminate the last varying player: y − z_last·Δ = Σ_{i<last} (z_i − z_last) φ_i.
  const last = Mv - 1;
  const target = new Float64Array(plan.masks.length);
  for (let k = 0; k < plan.masks.length; k++) target[k] = v[k] - game.baseValue - plan.masks[k][last] * delta;
  const fit = solveEliminated(plan.masks, target, plan.weights, last);
  if (fit === null) {
    throw new TransferkitError(
      'UNDERDETERMINED',
      `${plan.masks.length} coalitions cannot determine ${Mv} Shapley values`,
      { where: 'kernelShap', hint: `Raise nsamples (default 2·M + 2048 = ${2 * Mv + 2048}).` },
    );
  }
  let sum = 0;
  for (let i = 0; i < last; i++) {
    values[varying[i]] = fit[i];
    sum += fit[i];
  }
  values[varying[last]] = delta - sum;
  return {
    ...base,
    values,
    evaluations: game.evaluations,
    coalitions: plan.masks.length,
    enumeratedSizes: plan.enumeratedSizes,
    fullyEnumerated: plan.enumeratedSizes.length === Mv - 1,
  };
}

/**
 * Weighted least squares for the eliminated design D_ki = m_ki − m_k,last (i < last) from the 0/1
 * masks directly: the p × p normal equations (accumulated over each mask's non-zero entries),
 * solved by Cholesky with two steps of iterative refinement, which brings the result to the
 * accuracy of a QR solve. A nearly singular system goes to the Householder QR solver, which
 * decides (null = rank deficient).
 */
function solveEliminated(masks: readonly Uint8Array[], y: Float64Array, w: Float64Array, last: number): Float64Array | null {
  const p = last;
  const n = masks.length;
  // Row k of the design is sign_k · 1[i ∈ N_k]: N_k = {i < last : m_i = 1} with sign +1 when
  // m_last = 0, N_k = {i < last : m_i = 0} with sign −1 when m_last = 1. Stored as index lists.
  const start = new Int32Array(n + 1);
  const sign = new Float64Array(n);
  const idx = new Int32Array(n * p);
  for (let k = 0, at = 0; k < n; k++) {
    const m = masks[k];
    const want = m[last] ? 0 : 1;
    sign[k] = m[last] ? -1 : 1;
    for (let i = 0; i < p; i++) if (m[i] === want) idx[at++] = i;
    start[k + 1] = at;
  }
  const G = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  for (let k = 0; k < n; k++) {
    const wk = w[k];
    if (wk === 0) continue;
    const wy = sign[k] * wk * y[k];
    const e = start[k + 1];
    for (let a = start[k]; a < e; a++) {
      const ia = idx[a];
      rhs[ia] += wy;
      const rowOff = ia * p;
      for (let b = start[k]; b <= a; b++) G[rowOff + idx[b]] += wk;
    }
  }
  // Cholesky G = L Lᵀ in the lower triangle (idx ascending, so entries landed at [i][j], j ≤ i).
  const L = new Float64Array(p * p);
  let maxDiag = 0;
  for (let i = 0; i < p; i++) maxDiag = Math.max(maxDiag, G[i * p + i]);
  let ok = maxDiag > 0;
  for (let j = 0; j < p && ok; j++) {
    let s = G[j * p + j];
    for (let t = 0; t < j; t++) s -= L[j * p + t] * L[j * p + t];
    if (!(s > 1e-10 * maxDiag)) {
      ok = false;
      break;
    }
    const ljj = Math.sqrt(s);
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let u = G[i * p + j];
      for (let t = 0; t < j; t++) u -= L[i * p + t] * L[j * p + t];
      L[i * p + j] = u / ljj;
    }
  }
  if (!ok) {
    const design = masks.map((m) => {
      const row = new Float64Array(p);
      for (let i = 0; i < p; i++) row[i] = m[i] - m[last];
      return row;
    });
    return weightedLeastSquares(design, y, w)?.coef ?? null;
  }
  const solve = (b: Float64Array): Float64Array => {
    const z = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let s = b[i];
      for (let t = 0; t < i; t++) s -= L[i * p + t] * z[t];
      z[i] = s / L[i * p + i];
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = z[i];
      for (let t = i + 1; t < p; t++) s -= L[t * p + i] * z[t];
      z[i] = s / L[i * p + i];
    }
    return z;
  };
  const coef = solve(rhs);
  // Iterative refinement on the least-squares residual: β += (DᵀWD)⁻¹ DᵀW (y − Dβ).
  for (let round = 0; round < 2; round++) {
    const g = new Float64Array(p);
    for (let k = 0; k < n; k++) {
      const wk = w[k];
      if (wk === 0) continue;
      const e = start[k + 1];
      let fitted = 0;
      for (let a = start[k]; a < e; a++) fitted += coef[idx[a]];
      const we = sign[k] * wk * (y[k] - sign[k] * fitted);
      for (let a = start[k]; a < e; a++) g[idx[a]] += we;
    }
    const step = solve(g);
    for (let i = 0; i < p; i++) coef[i] += step[i];
  }
  return coef;
}
