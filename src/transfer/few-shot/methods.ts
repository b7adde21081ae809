/**
 * The few-shot methods by name, with one calling convention: given an episode's labelled
 * support vectors and its unlabelled queries, predict the queries' classes. Embeddings are
 * L2-normalised first for cosine (and always for the probe), as is usual for frozen features.
 *
 * @module
 */
import { TransferkitError } from '../../errors.ts';
import { centreRows, l2NormalizeRows } from './embed.ts';
import { knnPredict } from './knn.ts';
import { probePredict } from './probe.ts';
import { argmaxRows, classMeans, prototypeScores, refinePrototypes, type Metric, type Support } from './prototypes.ts';

/**
 * A few-shot classifier on fixed embeddings.
 *
 * @example
 * ```ts
 * const m: FewShotMethod = 'prototypes-transductive';
 * ```
 */
export type FewShotMethod = 'prototypes' | 'prototypes-transductive' | 'knn' | 'probe';

/**
 * The methods, in the order tables list them.
 *
 * @example
 * ```ts
 * for (const m of FEW_SHOT_METHODS) console.log(m, FEW_SHOT_METHOD_HELP[m]);
 * ```
 */
export const FEW_SHOT_METHODS: readonly FewShotMethod[] = ['prototypes', 'prototypes-transductive', 'knn', 'probe'];

/**
 * One line per method, for help texts.
 *
 * @example
 * ```ts
 * FEW_SHOT_METHOD_HELP.knn; // 'k nearest support vectors vote (k = 1 at one shot)'
 * ```
 */
export const FEW_SHOT_METHOD_HELP: Readonly<Record<FewShotMethod, string>> = Object.freeze({
  prototypes: 'nearest class mean (prototypical networks)',
  'prototypes-transductive': 'class means refined by soft k-means on the unlabelled queries',
  knn: 'k nearest support vectors vote (k = 1 at one shot)',
  probe: 'L2-regularised logistic regression on the support (L-BFGS)',
});

/**
 * Knobs of the methods; each uses the ones that apply to it.
 *
 * @example
 * ```ts
 * const o: FewShotOptions = { metric: 'cosine', neighbours: 1, C: 1, iterations: 3 };
 * ```
 */
export interface FewShotOptions {
  /** Prototypes and kNN: `cosine` (on L2-normalised vectors, the default) or `euclidean` (raw vectors). */
  metric?: Metric;
  /** kNN: neighbours that vote (default: 1 at one shot, else the shots, at most 5). */
  neighbours?: number;
  /** kNN: weigh votes by inverse distance (default true). */
  weighted?: boolean;
  /** Probe: inverse L2 strength (default 1). */
  C?: number;
  /** Transductive prototypes: soft k-means steps (default 3). */
  iterations?: number;
  /** Transductive prototypes: assignment temperature (see `refinePrototypes`). */
  temperature?: number;
  /**
   * Power transform of every coordinate before anything else, sign(v)·|v|^β (Hu et al. 2021):
   * β = 0.5 tames the heavy tails of ReLU features; 1 leaves them (the default).
   */
  power?: number;
  /** Subtract the mean of the episode's support vectors (after the power transform) before normalising (default false). */
  center?: boolean;
  /**
   * A fixed `d`-vector subtracted from every vector (after the power transform, before support
   * centring and normalising); with cosine this is SimpleShot's CL2N (Wang et al. 2019) when it
   * is the mean embedding of the base's own training data (`meanEmbedding`). Default: none.
   */
  mean?: ArrayLike<number>;
}

/**
 * Checks a method name.
 *
 * @throws TransferkitError `UNKNOWN_METHOD` listing the methods.
 * @example
 * ```ts
 * checkFewShotMethod('knn'); // 'knn'
 * ```
 */
export function checkFewShotMethod(name: string): FewShotMethod {
  if ((FEW_SHOT_METHODS as readonly string[]).includes(name)) return name as FewShotMethod;
  throw new TransferkitError('UNKNOWN_METHOD', `No few-shot method is called "${name}"`, {
    where: 'methods option',
    hint: `Use some of: ${FEW_SHOT_METHODS.join(', ')}.`,
  });
}

/**
 * Predicts the classes of an episode's queries with a method. `support.x` and `queries` are not
 * changed (normalisation works on copies).
 *
 * @example
 * ```ts
 * const support = { x: supportVectors, d: 128, y: supportLabels, k: 5 };
 * const predicted = fewShotPredict('prototypes', support, queryVectors, { metric: 'cosine' });
 * ```
 */
export function fewShotPredict(method: FewShotMethod, support: Support, queries: ArrayLike<number>, opts: FewShotOptions = {}): Int32Array {
  const metric = opts.metric ?? 'cosine';
  const normalise = metric === 'cosine' || method === 'probe';
  const { sx, qx } = preprocess(support.x, queries, support.d, { ...opts, normalise });
  const s: Support = { ...support, x: sx };
  switch (method) {
    case 'prototypes':
      return argmaxRows(prototypeScores(classMeans(s), s.k, s.d, qx, metric), s.k);
    case 'prototypes-transductive': {
      const protos = refinePrototypes(s, qx, { metric, iterations: opts.iterations, temperature: opts.temperature });
      return argmaxRows(prototypeScores(protos, s.k, s.d, qx, metric), s.k);
    }
    case 'knn': {
      const shots = s.y.length / s.k;
      const neighbours = opts.neighbours ?? (shots <= 1 ? 1 : Math.min(5, Math.floor(shots)));
      return knnPredict(s, qx, { neighbours, metric, weighted: opts.weighted ?? true });
    }
    case 'probe':
      return probePredict(s, qx, { C: opts.C });
  }
}

/** The episode's vectors after the power transform, the fixed mean, support centring and L2 normalisation asked for (copies when anything changes). */
function preprocess(
  supportX: ArrayLike<number>,
  queries: ArrayLike<number>,
  d: number,
  opts: FewShotOptions & { normalise: boolean },
): { sx: ArrayLike<number>; qx: ArrayLike<number> } {
  const power = opts.power ?? 1;
  if (!(power > 0 && power <= 1)) {
    throw new TransferkitError('BAD_OPTION', `The power transform's exponent must be in (0, 1], got ${power}`, { where: 'power option', hint: 'Use 0.5 for ReLU features, or 1 (no transform).' });
  }
  if (opts.mean !== undefined && opts.mean.length !== d) {
    throw new TransferkitError('SHAPE_MISMATCH', `The mean to subtract has ${opts.mean.length} numbers, but the embeddings have ${d}`, { where: 'mean option', hint: 'Compute it with meanEmbedding on embeddings of the same layer.' });
  }
  if (power === 1 && !opts.center && !opts.normalise && opts.mean === undefined) return { sx: supportX, qx: queries };
  const sx = Float64Array.from(supportX);
  const qx = Float64Array.from(queries);
  if (power !== 1) {
    for (const m of [sx, qx]) for (let i = 0; i < m.length; i++) m[i] = Math.sign(m[i]) * Math.abs(m[i]) ** power;
  }
  if (opts.mean !== undefined) {
    centreRows(sx, d, opts.mean);
    centreRows(qx, d, opts.mean);
  }
  if (opts.center) {
    const m = sx.length / d;
    const mean = new Float64Array(d);
    for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) mean[j] += sx[i * d + j] / m;
    for (const x of [sx, qx]) for (let i = 0; i < x.length; i++) x[i] -= mean[i % d];
  }
  if (opts.normalise) {
    l2NormalizeRows(sx, d);
    l2NormalizeRows(qx, d);
  }
  return { sx, qx };
}
