/**
 * Prototype classifiers (prototypical networks, Snell et al. 2017) on fixed embeddings: each
 * class is the mean of its support vectors, a query goes to the closest mean — by squared
 * Euclidean distance, or by cosine similarity. Transductive refinement (soft k-means, Ren et
 * al. 2018) moves the means toward the unlabelled queries they attract.
 *
 * Vectors are row-major: `x[i * d + j]`.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';

/**
 * How closeness is measured: `euclidean` (squared distance) or `cosine` (angle).
 *
 * @example
 * ```ts
 * const m: Metric = 'cosine';
 * ```
 */
export type Metric = 'euclidean' | 'cosine';

/**
 * The metrics, for validation and help texts.
 *
 * @example
 * ```ts
 * METRICS.includes('euclidean'); // true
 * ```
 */
export const METRICS: readonly Metric[] = ['euclidean', 'cosine'];

/**
 * Labelled vectors of one episode (labels `0…k-1`).
 *
 * @example
 * ```ts
 * const s: Support = { x: Float32Array.of(0, 0, 1, 1), d: 2, y: Int32Array.of(0, 1), k: 2 };
 * ```
 */
export interface Support {
  x: ArrayLike<number>;
  d: number;
  y: ArrayLike<number>;
  k: number;
}

/**
 * Class means of the support: `k × d`, row-major.
 *
 * @throws TransferkitError `TOO_FEW_EXAMPLES` naming a class with no support vector.
 * @example
 * ```ts
 * classMeans({ x: [0, 0, 2, 0, 0, 4], d: 2, y: [0, 0, 1], k: 2 }); // [1, 0, 0, 4]
 * ```
 */
export function classMeans(s: Support): Float64Array {
  const { d, k } = s;
  const means = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < s.y.length; i++) {
    const c = s.y[i];
    counts[c]++;
    for (let j = 0; j < d; j++) means[c * d + j] += s.x[i * d + j];
  }
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) throw new TransferkitError('TOO_FEW_EXAMPLES', `Class ${c} has no support example, so it has no prototype`, { hint: 'Give every class at least one labelled example.' });
    for (let j = 0; j < d; j++) means[c * d + j] /= counts[c];
  }
  return means;
}

/**
 * Scores of every query for every prototype, `n × k`: higher is closer. `euclidean` gives
 * −‖q − p‖², `cosine` gives cos(q, p).
 *
 * @example
 * ```ts
 * prototypeScores(Float64Array.of(0, 0, 1, 1), 2, 2, [0.9, 1], 'euclidean'); // [-1.81, -0.01]
 * ```
 */
export function prototypeScores(protos: ArrayLike<number>, k: number, d: number, queries: ArrayLike<number>, metric: Metric): Float64Array {
  const n = queries.length / d;
  const out = new Float64Array(n * k);
  const pn = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += protos[c * d + j] * protos[c * d + j];
    pn[c] = s;
  }
  for (let i = 0; i < n; i++) {
    let qn = 0;
    for (let j = 0; j < d; j++) qn += queries[i * d + j] * queries[i * d + j];
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += queries[i * d + j] * protos[c * d + j];
      out[i * k + c] = metric === 'euclidean' ? 2 * dot - pn[c] - qn : qn === 0 || pn[c] === 0 ? 0 : dot / Math.sqrt(qn * pn[c]);
    }
  }
  return out;
}

/**
 * The index of the highest score in each row of an `n × k` score matrix (first one on ties).
 *
 * @example
 * ```ts
 * argmaxRows(Float64Array.of(0.1, 0.9, 0.7, 0.3), 2); // Int32Array [1, 0]
 * ```
 */
export function argmaxRows(scores: ArrayLike<number>, k: number): Int32Array {
  const n = scores.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (scores[i * k + c] > scores[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Options of {@link refinePrototypes}.
 *
 * @example
 * ```ts
 * const o: RefineOptions = { iterations: 3, temperature: 0.05, metric: 'cosine' };
 * ```
 */
export interface RefineOptions {
  /** Soft k-means steps (default 3). */
  iterations?: number;
  /**
   * Softness of the query assignments, in score units: p(c | q) ∝ exp(score / temperature)
   * (default: 0.05 for cosine; for Euclidean 0.1 × the mean squared distance between prototypes).
   */
  temperature?: number;
  metric: Metric;
}

/**
 * Transductive refinement of prototypes by soft k-means: each step assigns every query to the
 * classes by a softmax over its scores, then recomputes each prototype as the weighted mean of
 * its support vectors (weight 1) and the queries (weight p(c | q)). Returns new prototypes.
 *
 * @example
 * ```ts
 * const protos = refinePrototypes(support, queries, { metric: 'cosine' });
 * const predicted = argmaxRows(prototypeScores(protos, support.k, support.d, queries, 'cosine'), support.k);
 * ```
 */
export function refinePrototypes(s: Support, queries: ArrayLike<number>, opts: RefineOptions): Float64Array {
  const { d, k } = s;
  const iterations = opts.iterations ?? 3;
  if (!(Number.isInteger(iterations) && iterations >= 0)) {
    throw new TransferkitError('BAD_OPTION', `Refinement iterations must be a whole number ≥ 0, got ${iterations}`, { hint: 'Use e.g. 3.' });
  }
  let protos = classMeans(s);
  const temperature = opts.temperature ?? (opts.metric === 'cosine' ? 0.05 : 0.1 * meanPairwiseSquared(protos, k, d));
  if (!(temperature > 0)) {
    throw new TransferkitError('BAD_OPTION', `The refinement temperature must be positive, got ${temperature}`, { hint: 'Use e.g. 0.05 for cosine scores; leave it out for the default.' });
  }
  const n = queries.length / d;
  const counts = new Float64Array(k);
  for (let i = 0; i < s.y.length; i++) counts[s.y[i]]++;
  for (let t = 0; t < iterations; t++) {
    const p = prototypeScores(protos, k, d, queries, opts.metric);
    softmaxRowsInPlace(p, k, temperature);
    const sums = new Float64Array(k * d);
    const mass = Float64Array.from(counts);
    for (let i = 0; i < s.y.length; i++) {
      const c = s.y[i];
      for (let j = 0; j < d; j++) sums[c * d + j] += s.x[i * d + j];
    }
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const w = p[i * k + c];
        if (w < 1e-12) continue;
        mass[c] += w;
        for (let j = 0; j < d; j++) sums[c * d + j] += w * queries[i * d + j];
      }
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) sums[c * d + j] /= mass[c];
    protos = sums;
  }
  return protos;
}

/**
 * Softmax of each row of an `n × k` matrix divided by `temperature`, in place.
 *
 * @example
 * ```ts
 * softmaxRowsInPlace(Float64Array.of(0, 0), 2, 1); // [0.5, 0.5]
 * ```
 */
export function softmaxRowsInPlace(m: Float64Array, k: number, temperature = 1): Float64Array {
  for (let o = 0; o < m.length; o += k) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, m[o + c] / temperature);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += m[o + c] = Math.exp(m[o + c] / temperature - max);
    for (let c = 0; c < k; c++) m[o + c] /= sum;
  }
  return m;
}

/**
 * Mean squared Euclidean distance between distinct rows of a `k × d` matrix (0 when `k < 2`):
 * the scale of a problem's class separation.
 *
 * @example
 * ```ts
 * meanPairwiseSquared(Float64Array.of(0, 0, 3, 4), 2, 2); // 25
 * ```
 */
export function meanPairwiseSquared(m: ArrayLike<number>, k: number, d: number): number {
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (m[a * d + j] - m[b * d + j]) ** 2;
      sum += s;
      pairs++;
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}
