/**
 * Differentiable feature-alignment losses computed on mini-batches of features inside a
 * training step: Deep CORAL (Sun & Saenko 2016) and multi-kernel MMD (DAN, Long et al. 2015).
 *
 * Both take `n × d` feature tensors (higher ranks are flattened to `n × (rest)`) and return a
 * scalar whose gradient flows into the features. They allocate only intermediate tensors, all
 * freed before returning (call them inside `tf.tidy` / `optimizer.minimize` as usual).
 *
 * The plain-JS counterparts used for diagnostics are `coralDistance` and `mmd` in
 * `src/measures`; the tests check that both give the same numbers on the same batch.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { TransferkitError } from '../../errors.ts';
import { medianBandwidth } from '../../measures/kernels.ts';

/**
 * Deep CORAL loss ‖C_s − C_t‖²_F / (4d²), with C the (n − 1)-normalised covariances of the two
 * batches of features — the same value as `coralDistance` in `src/measures/coral.ts`.
 *
 * @throws TransferkitError `SHAPE_MISMATCH` when the feature sizes differ, `TOO_FEW_EXAMPLES`
 *   when a batch has fewer than 2 rows.
 * @example
 * ```ts
 * const loss = deepCoralLoss(sourceFeatures, targetFeatures); // tf.Scalar
 * ```
 */
export function deepCoralLoss(source: tf.Tensor, target: tf.Tensor): tf.Scalar {
  const d = checkPair(source, target, 'Deep CORAL');
  return tf.tidy(() => {
    const [s, t] = [as2d(source), as2d(target)];
    const diff = tf.sub(covarianceOf(s), covarianceOf(t));
    return tf.div(tf.sum(tf.square(diff)), 4 * d * d) as tf.Scalar;
  });
}

/**
 * The MMD estimators {@link mmdLoss} offers.
 *
 * @example
 * ```ts
 * const e: MmdEstimator = 'unbiased';
 * ```
 */
export type MmdEstimator = 'biased' | 'unbiased' | 'linear';

/**
 * Options of {@link mmdLoss}.
 *
 * @example
 * ```ts
 * const opts: MmdLossOptions = { estimator: 'linear', bandwidthMultipliers: [0.5, 1, 2, 4] };
 * ```
 */
export interface MmdLossOptions {
  /**
   * - `'biased'` (default): the V-statistic ‖μ_s − μ_t‖² in the kernel's feature space, always
   *   ≥ 0, O((m + n)² d);
   * - `'unbiased'`: the U-statistic MMD²_u (diagonals left out; can be slightly negative), the
   *   one `mmd` in `src/measures` reports;
   * - `'linear'`: Gretton et al.'s linear-time estimator over ⌊min(m, n)/2⌋ disjoint pairs of
   *   rows (the one DAN uses for large batches), O(min(m, n) d) — noisier.
   */
  estimator?: MmdEstimator;
  /**
   * Base RBF bandwidth σ₀; default: the median heuristic of the pooled batch (`medianBandwidth`
   * in `src/measures/kernels.ts`, over every row: the median pairwise Euclidean distance, as in
   * `mmd`), read once per call and treated as a constant (no gradient flows into it).
   */
  bandwidth?: number;
  /**
   * The kernel is the mean of RBF kernels exp(−‖a − b‖²/(2(σ₀·c)²)) over these multipliers c
   * (DAN's multi-kernel MMD with equal weights); default `[0.5, 1, 2, 4]`. Pass `[1]` for a
   * single Gaussian kernel.
   */
  bandwidthMultipliers?: number[];
}

/**
 * What bandwidths a call of {@link mmdLoss} would use, for logging: σ₀ and σ₀ × each multiplier.
 *
 * @example
 * ```ts
 * const { base, bandwidths } = mmdBandwidths(fs, ft); // e.g. base 3.2, bandwidths [1.6, 3.2, 6.4, 12.8]
 * ```
 */
export function mmdBandwidths(source: tf.Tensor, target: tf.Tensor, opts: MmdLossOptions = {}): { base: number; bandwidths: number[] } {
  checkPair(source, target, 'MMD');
  const base = opts.bandwidth ?? tf.tidy(() => batchMedianBandwidth(tf.concat([as2d(source), as2d(target)], 0)));
  const mult = multipliers(opts);
  return { base, bandwidths: mult.map((c) => base * c) };
}

/**
 * Squared maximum mean discrepancy between two batches of features under a multi-kernel RBF
 * kernel (DAN), differentiable with respect to both batches.
 *
 * With `bandwidthMultipliers: [1]`, a fixed `bandwidth` and `estimator: 'unbiased'` it equals
 * `mmd(source, target, { bandwidth, permutations: 0 }).mmd2` from `src/measures`.
 *
 * @throws TransferkitError `SHAPE_MISMATCH`, `TOO_FEW_EXAMPLES` (fewer than 2 rows; the linear
 *   estimator needs 2 per side as well), `BAD_OPTION` for a non-positive bandwidth or multiplier.
 * @example
 * ```ts
 * const loss = tf.add(crossEntropy, tf.mul(lambda, mmdLoss(fs, ft))); // inside optimizer.minimize
 * ```
 */
export function mmdLoss(source: tf.Tensor, target: tf.Tensor, opts: MmdLossOptions = {}): tf.Scalar {
  checkPair(source, target, 'MMD');
  const estimator = opts.estimator ?? 'biased';
  if (!['biased', 'unbiased', 'linear'].includes(estimator)) {
    throw new TransferkitError('BAD_OPTION', `Unknown MMD estimator "${String(estimator)}"`, { hint: "Use 'biased', 'unbiased' or 'linear'." });
  }
  const mult = multipliers(opts);
  if (opts.bandwidth !== undefined && !(opts.bandwidth > 0 && Number.isFinite(opts.bandwidth))) {
    throw new TransferkitError('BAD_OPTION', `MMD bandwidth must be a positive number, got ${opts.bandwidth}`);
  }
  return tf.tidy(() => {
    const [s, t] = [as2d(source), as2d(target)];
    const base = opts.bandwidth ?? batchMedianBandwidth(tf.concat([s, t], 0));
    const gammas = mult.map((c) => 1 / (2 * (base * c) ** 2));
    /** Mean over the kernels of exp(−γ·D²), for a tensor of squared distances. */
    const kernel = (d2: tf.Tensor): tf.Tensor => {
      let k = tf.exp(tf.mul(d2, -gammas[0]));
      for (let i = 1; i < gammas.length; i++) k = tf.add(k, tf.exp(tf.mul(d2, -gammas[i])));
      return gammas.length > 1 ? tf.div(k, gammas.length) : k;
    };
    const m = s.shape[0];
    const n = t.shape[0];
    if (estimator === 'linear') {
      const h = Math.floor(Math.min(m, n) / 2);
      const even = tf.range(0, 2 * h, 2, 'int32');
      const odd = tf.range(1, 2 * h, 2, 'int32');
      const [x1, x2, y1, y2] = [tf.gather(s, even), tf.gather(s, odd), tf.gather(t, even), tf.gather(t, odd)];
      const rowD2 = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.sub(a, b)), 1);
      const terms = tf.sub(tf.add(kernel(rowD2(x1, x2)), kernel(rowD2(y1, y2))), tf.add(kernel(rowD2(x1, y2)), kernel(rowD2(x2, y1))));
      return tf.mean(terms) as tf.Scalar;
    }
    const kxx = tf.sum(kernel(squaredDistances(s, s)));
    const kyy = tf.sum(kernel(squaredDistances(t, t)));
    const kxy = tf.sum(kernel(squaredDistances(s, t)));
    if (estimator === 'unbiased') {
      // k(a, a) = 1 for every RBF kernel (and their mean), so each diagonal sums to its row count
      const xx = tf.div(tf.sub(kxx, m), m * (m - 1));
      const yy = tf.div(tf.sub(kyy, n), n * (n - 1));
      return tf.sub(tf.add(xx, yy), tf.mul(kxy, 2 / (m * n))) as tf.Scalar;
    }
    const v = tf.sub(tf.add(tf.div(kxx, m * m), tf.div(kyy, n * n)), tf.mul(kxy, 2 / (m * n)));
    return tf.relu(v) as tf.Scalar; // ≥ 0 in exact arithmetic; relu only removes rounding below 0
  });
}

/**
 * Deep CORAL averaged over every pair of groups (domains): mean over i < j of
 * ‖C_i − C_j‖²_F / (4d²). Each group's covariance is computed once, so G groups cost G
 * covariances, not G(G − 1). With two groups it equals {@link deepCoralLoss}.
 *
 * @throws TransferkitError `TOO_FEW_EXAMPLES` (fewer than 2 groups, or a group with fewer than 2 rows), `SHAPE_MISMATCH`.
 * @example
 * ```ts
 * const penalty = deepCoralLossPairs([featsDomainA, featsDomainB, featsDomainC]);
 * ```
 */
export function deepCoralLossPairs(groups: tf.Tensor[]): tf.Scalar {
  checkGroups(groups, 'Deep CORAL');
  const d = checkPair(groups[0], groups[1], 'Deep CORAL');
  for (let i = 2; i < groups.length; i++) checkPair(groups[0], groups[i], 'Deep CORAL');
  return tf.tidy(() => {
    const covs = groups.map((g) => covarianceOf(as2d(g)));
    const terms: tf.Tensor[] = [];
    for (let a = 0; a < covs.length; a++) for (let b = a + 1; b < covs.length; b++) terms.push(tf.sum(tf.square(tf.sub(covs[a], covs[b]))));
    return tf.div(tf.addN(terms), 4 * d * d * terms.length) as tf.Scalar;
  });
}

/**
 * MMD² averaged over every pair of groups (domains) of one feature batch, with one kernel for
 * all pairs: σ₀ is the median pairwise distance of the whole batch (unless `bandwidth` is
 * given). The biased and unbiased estimators read every pair's block sums from a single
 * kernel matrix (Σ_ab = S_aᵀ K S_b), so G groups cost one N × N kernel, not G(G − 1)/2 of them;
 * the linear estimator loops over the pairs. With two groups it equals {@link mmdLoss}.
 *
 * @param features `N × d` (or higher rank) features, the groups stacked in order.
 * @param sizes rows of each group; they sum to N.
 * @throws TransferkitError `TOO_FEW_EXAMPLES`, `SHAPE_MISMATCH`, `BAD_OPTION`.
 * @example
 * ```ts
 * const penalty = mmdLossPairs(feats, [32, 32, 32]); // three domains of 32 rows
 * ```
 */
export function mmdLossPairs(features: tf.Tensor, sizes: number[], opts: MmdLossOptions = {}): tf.Scalar {
  const N = features.shape[0];
  if (sizes.length < 2 || sizes.some((m) => !Number.isInteger(m) || m < 2)) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `MMD needs at least 2 groups of at least 2 rows (got [${sizes.join(', ')}])`);
  }
  if (sizes.reduce((a, b) => a + b, 0) !== N) {
    throw new TransferkitError('SHAPE_MISMATCH', `MMD: group sizes [${sizes.join(', ')}] do not add up to the ${N} rows of the features`);
  }
  const estimator = opts.estimator ?? 'biased';
  const mult = multipliers(opts);
  if (opts.bandwidth !== undefined && !(opts.bandwidth > 0 && Number.isFinite(opts.bandwidth))) {
    throw new TransferkitError('BAD_OPTION', `MMD bandwidth must be a positive number, got ${opts.bandwidth}`);
  }
  return tf.tidy(() => {
    const x = as2d(features);
    const base = opts.bandwidth ?? batchMedianBandwidth(x);
    const G = sizes.length;
    const pairs: [number, number][] = [];
    for (let a = 0; a < G; a++) for (let b = a + 1; b < G; b++) pairs.push([a, b]);
    if (estimator === 'linear') {
      const parts = tf.split(x, sizes, 0);
      const terms = pairs.map(([a, b]) => mmdLoss(parts[a], parts[b], { ...opts, bandwidth: base }));
      return tf.div(tf.addN(terms), terms.length) as tf.Scalar;
    }
    if (!['biased', 'unbiased'].includes(estimator)) {
      throw new TransferkitError('BAD_OPTION', `Unknown MMD estimator "${String(estimator)}"`, { hint: "Use 'biased', 'unbiased' or 'linear'." });
    }
    const d2 = squaredDistances(x, x);
    let K = tf.exp(tf.mul(d2, -1 / (2 * (base * mult[0]) ** 2)));
    for (let i = 1; i < mult.length; i++) K = tf.add(K, tf.exp(tf.mul(d2, -1 / (2 * (base * mult[i]) ** 2))));
    if (mult.length > 1) K = tf.div(K, mult.length);
    const membership = tf.cast(tf.oneHot(tf.tensor1d(sizes.flatMap((m, g) => new Array<number>(m).fill(g)), 'int32'), G), 'float32');
    const blocks = tf.matMul(tf.transpose(membership), tf.matMul(K, membership)); // G × G block sums
    // per pair: Σ_aa/w_aa + Σ_bb/w_bb − 2 Σ_ab/(m_a m_b), as one weighted sum over the G × G blocks
    const coef = new Float32Array(G * G);
    const within = (m: number) => (estimator === 'unbiased' ? m * (m - 1) : m * m);
    let offset = 0; // unbiased: the diagonal k(a, a) = 1 is left out, m_a per group and pair
    for (const [a, b] of pairs) {
      coef[a * G + a] += 1 / within(sizes[a]);
      coef[b * G + b] += 1 / within(sizes[b]);
      coef[a * G + b] -= 1 / (sizes[a] * sizes[b]);
      coef[b * G + a] -= 1 / (sizes[a] * sizes[b]);
      if (estimator === 'unbiased') offset += sizes[a] / within(sizes[a]) + sizes[b] / within(sizes[b]);
    }
    const total = tf.sub(tf.sum(tf.mul(blocks, tf.tensor2d(coef, [G, G]))), offset);
    const mean = tf.div(total, pairs.length);
    return (estimator === 'biased' ? tf.relu(mean) : mean) as tf.Scalar;
  });
}

/**
 * (n − 1)-normalised covariance of the rows of a 2-D tensor, `d × d`.
 *
 * @example
 * ```ts
 * covarianceOf(tf.tensor2d([[0, 0], [2, 2]])).print(); // [[2, 2], [2, 2]]
 * ```
 */
export function covarianceOf(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const n = x.shape[0];
    const centred = tf.sub(x, tf.mean(x, 0, true));
    // an explicit transpose: matMul with transposeA is several times slower on wasm
    return tf.div(tf.matMul(tf.transpose(centred), centred), n - 1) as tf.Tensor2D;
  });
}

/**
 * Squared Euclidean distances between the rows of `a` (m × d) and `b` (n × d), `m × n`,
 * as ‖a‖² + ‖b‖² − 2abᵀ clipped at 0.
 *
 * @example
 * ```ts
 * squaredDistances(tf.tensor2d([[0, 0]]), tf.tensor2d([[3, 4]])).print(); // [[25]]
 * ```
 */
export function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const aa = tf.sum(tf.square(a), 1, true);
    const bb = tf.reshape(tf.sum(tf.square(b), 1), [1, b.shape[0]]);
    const ab = tf.matMul(a, tf.transpose(b));
    return tf.relu(tf.sub(tf.add(aa, bb), tf.mul(ab, 2))) as tf.Tensor2D;
  });
}

/**
 * The median-heuristic bandwidth of the rows (`medianBandwidth` of `src/measures/kernels.ts`,
 * over every row of the batch), as a number; the squared distances are computed on the tensor.
 */
function batchMedianBandwidth(x: tf.Tensor2D): number {
  const t = tf.tidy(() => squaredDistances(x, x));
  const d2 = t.dataSync();
  t.dispose();
  return medianBandwidth({ n: x.shape[0], squaredDistances: d2 }, { maxRows: Infinity });
}

function multipliers(opts: MmdLossOptions): number[] {
  const mult = opts.bandwidthMultipliers ?? [0.5, 1, 2, 4];
  if (mult.length === 0 || mult.some((c) => !(c > 0) || !Number.isFinite(c))) {
    throw new TransferkitError('BAD_OPTION', `bandwidthMultipliers must be positive numbers, got [${mult.join(', ')}]`);
  }
  return mult;
}

function as2d(x: tf.Tensor): tf.Tensor2D {
  return (x.rank === 2 ? x : tf.reshape(x, [x.shape[0], -1])) as tf.Tensor2D;
}

function checkGroups(groups: tf.Tensor[], what: string): void {
  if (groups.length < 2) throw new TransferkitError('TOO_FEW_EXAMPLES', `${what} needs at least 2 groups of features, got ${groups.length}`);
}

/** Checks two feature batches (rank ≥ 2, same flattened width, ≥ 2 rows each); returns the width d. */
function checkPair(s: tf.Tensor, t: tf.Tensor, what: string): number {
  for (const [x, name] of [[s, 'source'], [t, 'target']] as const) {
    if (x.rank < 2) {
      throw new TransferkitError('SHAPE_MISMATCH', `${what}: the ${name} features must be a batch (rank ≥ 2), got shape [${x.shape.join(', ')}]`);
    }
  }
  const width = (x: tf.Tensor) => x.shape.slice(1).reduce((a, b) => a * b, 1);
  if (width(s) !== width(t)) {
    throw new TransferkitError('SHAPE_MISMATCH', `${what}: source features have ${width(s)} values per row but target features have ${width(t)}`);
  }
  if (s.shape[0] < 2 || t.shape[0] < 2) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `${what} needs at least 2 rows per batch (got ${s.shape[0]} and ${t.shape[0]})`);
  }
  return width(s);
}
