/**
 * Episodic evaluation of few-shot classifiers, as the few-shot literature reports it: many
 * seeded N-way K-shot episodes (N classes drawn at random, K labelled support examples and Q
 * queries of each, disjoint), accuracy on the queries of each episode, and the mean accuracy
 * with its 95% interval 1.96·sd/√episodes. Every method sees the SAME episodes, so their
 * differences are not sampling noise between methods.
 *
 * @module
 */
import { TransferkitError } from '../errors.ts';
import type { Embeddings } from '../transfer/few-shot/embed.ts';
import { fewShotPredict, type FewShotMethod, type FewShotOptions } from '../transfer/few-shot/methods.ts';
import { createRng } from '../util/random.ts';
import { meanStd } from '../measures/stats.ts';

/**
 * The shape of an episode.
 *
 * @example
 * ```ts
 * const spec: EpisodeSpec = { ways: 5, shots: 1, queries: 15 };
 * ```
 */
export interface EpisodeSpec {
  /** Classes per episode (N). */
  ways: number;
  /** Labelled support examples per class (K). */
  shots: number;
  /** Query examples per class (Q). */
  queries: number;
}

/**
 * One episode: rows of the embedding matrix, with episode labels `0…ways-1`.
 *
 * @example
 * ```ts
 * const e: Episode = { classes: [3, 7], support: [10, 52], supportY: [0, 1], query: [11, 53], queryY: [0, 1] };
 * ```
 */
export interface Episode {
  /** Dataset class index of each episode label. */
  classes: number[];
  support: number[];
  supportY: number[];
  query: number[];
  queryY: number[];
}

/**
 * Draws `count` seeded episodes from labels: for each, `ways` distinct classes, then `shots`
 * support and `queries` query examples of each class without replacement (support and query
 * disjoint). The same labels, spec and seed give the same episodes.
 *
 * @throws TransferkitError `BAD_OPTION` (ways < 2, shots < 1, queries < 1, count < 1),
 *   `TOO_FEW_EXAMPLES` when there are fewer classes than ways, or when a class holds fewer than
 *   shots + queries examples (the class and its count are named).
 * @example
 * ```ts
 * const episodes = sampleEpisodes(emb.labels, emb.classes, { ways: 5, shots: 1, queries: 15 }, 600, 1);
 * ```
 */
export function sampleEpisodes(labels: ArrayLike<number>, classes: string[], spec: EpisodeSpec, count: number, seed: number | string = 1): Episode[] {
  checkSpec(spec, count);
  const byClass = classIndex(labels, classes.length);
  const usable = byClass.map((rows, c) => ({ c, rows })).filter((g) => g.rows.length > 0);
  const need = spec.shots + spec.queries;
  if (spec.ways > usable.length) {
    throw new TransferkitError('TOO_FEW_EXAMPLES', `${spec.ways}-way episodes need ${spec.ways} classes, but the data has ${usable.length} (with examples)`, {
      where: 'ways option',
      hint: `Use \`ways: ${usable.length}\` or fewer.`,
    });
  }
  const short = usable.filter((g) => g.rows.length < need);
  if (short.length > 0) {
    const worst = short.reduce((a, b) => (b.rows.length < a.rows.length ? b : a));
    throw new TransferkitError('TOO_FEW_EXAMPLES', `Class "${classes[worst.c]}" has ${worst.rows.length} example${worst.rows.length === 1 ? '' : 's'}, fewer than the ${need} an episode takes of it (${spec.shots} shot${spec.shots === 1 ? '' : 's'} + ${spec.queries} queries)`, {
      where: `class "${classes[worst.c]}"`,
      hint: `${smallerEpisodes(worst.rows.length, spec.shots)}, or add examples of "${classes[worst.c]}"${short.length > 1 ? ` (${short.length} classes are short)` : ''}.`,
    });
  }
  const rng = createRng(`episodes:${seed}`);
  const episodes: Episode[] = [];
  for (let e = 0; e < count; e++) {
    const picked = rng.shuffle(usable.map((g) => g.c)).slice(0, spec.ways).sort((a, b) => a - b);
    const ep: Episode = { classes: picked, support: [], supportY: [], query: [], queryY: [] };
    picked.forEach((c, label) => {
      const rows = byClass[c];
      // partial Fisher–Yates on a copy: only the first `need` places of a random permutation are drawn
      const pool = rows.slice();
      for (let i = 0; i < need; i++) {
        const j = i + rng.int(pool.length - i);
        [pool[i], pool[j]] = [pool[j], pool[i]];
      }
      for (let i = 0; i < need; i++) {
        const isSupport = i < spec.shots;
        (isSupport ? ep.support : ep.query).push(pool[i]);
        (isSupport ? ep.supportY : ep.queryY).push(label);
      }
    });
    episodes.push(ep);
  }
  return episodes;
}

/**
 * Mean of per-episode accuracies with its 95% interval half-width 1.96·sd/√n (sd with n − 1),
 * as few-shot papers report "mean ± interval".
 *
 * @example
 * ```ts
 * meanInterval([0.5, 0.7]); // { mean: 0.6, sd: 0.1414…, interval: 0.196 }
 * ```
 */
export function meanInterval(values: ArrayLike<number>): { mean: number; sd: number; interval: number } {
  const { mean, std } = meanStd(values);
  return { mean, sd: std, interval: values.length ? (1.96 * std) / Math.sqrt(values.length) : NaN };
}

/**
 * One row of an episodic comparison: a method on an embedding space.
 *
 * @example
 * ```ts
 * const c: EpisodeContender = { name: 'prototypes', method: 'prototypes', embeddings: emb };
 * ```
 */
export interface EpisodeContender {
  /** Row label, e.g. `prototypes` or `raw-pixel prototypes`. */
  name: string;
  method: FewShotMethod;
  embeddings: Embeddings;
  options?: FewShotOptions;
}

/**
 * A contender's result over the episodes.
 *
 * @example
 * ```ts
 * const r: EpisodeScore = { name: 'knn', method: 'knn', space: 'fashion-cnn at "flatten" (3136-d)', mean: 0.71, sd: 0.11, interval: 0.009, episodes: 600 };
 * ```
 */
export interface EpisodeScore {
  name: string;
  method: FewShotMethod;
  space: string;
  mean: number;
  sd: number;
  interval: number;
  episodes: number;
  /** Per-episode accuracies, when asked for. */
  accuracies?: number[];
}

/**
 * Runs every contender on the same episodes and returns mean accuracy ± 95% interval each.
 * All contenders' embeddings must hold the same examples in the same order (same labels).
 *
 * @throws TransferkitError `SHAPE_MISMATCH` when contenders' labels differ.
 * @example
 * ```ts
 * const episodes = sampleEpisodes(emb.labels, emb.classes, { ways: 5, shots: 1, queries: 15 }, 600, 1);
 * const rows = evaluateOnEpisodes([{ name: 'prototypes', method: 'prototypes', embeddings: emb }], episodes);
 * ```
 */
export function evaluateOnEpisodes(
  contenders: EpisodeContender[],
  episodes: Episode[],
  opts: { keepAccuracies?: boolean; onEpisode?: (done: number, total: number) => void } = {},
): EpisodeScore[] {
  const first = contenders[0]?.embeddings;
  for (const c of contenders) {
    if (c.embeddings.n !== first.n || c.embeddings.labels.some((l, i) => l !== first.labels[i])) {
      throw new TransferkitError('SHAPE_MISMATCH', `Contender "${c.name}" embeds other examples than "${contenders[0].name}" (${c.embeddings.n} vs ${first.n} rows)`, {
        hint: 'Embed the same dataset for every contender so they are compared on the same episodes.',
      });
    }
  }
  const acc = contenders.map(() => new Float64Array(episodes.length));
  episodes.forEach((ep, e) => {
    const k = ep.classes.length;
    contenders.forEach((c, ci) => {
      const { x, d } = c.embeddings;
      const predicted = fewShotPredict(c.method, { x: gather(x, d, ep.support), d, y: ep.supportY, k }, gather(x, d, ep.query), c.options);
      let right = 0;
      for (let i = 0; i < predicted.length; i++) if (predicted[i] === ep.queryY[i]) right++;
      acc[ci][e] = right / predicted.length;
    });
    opts.onEpisode?.(e + 1, episodes.length);
  });
  return contenders.map((c, ci) => ({
    name: c.name,
    method: c.method,
    space: c.embeddings.space,
    ...meanInterval(acc[ci]),
    episodes: episodes.length,
    ...(opts.keepAccuracies ? { accuracies: Array.from(acc[ci]) } : {}),
  }));
}

/** Rows `idx` of an `n × d` matrix, as a new `idx.length × d` matrix. */
function gather(x: Float32Array, d: number, idx: number[]): Float32Array {
  const out = new Float32Array(idx.length * d);
  idx.forEach((i, r) => out.set(x.subarray(i * d, (i + 1) * d), r * d));
  return out;
}

function classIndex(labels: ArrayLike<number>, k: number): number[][] {
  const by: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0 && labels[i] < k) by[labels[i]].push(i);
  return by;
}

/** What episode sizes a class of `count` examples allows, in words. */
function smallerEpisodes(count: number, shots: number): string {
  if (count > shots) return `Use at most \`queries: ${count - shots}\` (per class) at \`shots: ${shots}\``;
  if (count >= 2) return `Use at most \`shots: ${count - 1}\` and \`queries: 1\``;
  return 'A class needs at least 2 examples (a shot and a query): remove it';
}

function checkSpec(spec: EpisodeSpec, count: number): void {
  const bad = (what: string, value: number, min: number, hint: string) =>
    new TransferkitError('BAD_OPTION', `${what} must be a whole number of at least ${min}, got ${value}`, { where: `${what} option`, hint });
  if (!(Number.isInteger(spec.ways) && spec.ways >= 2)) throw bad('ways', spec.ways, 2, 'Few-shot papers use 5-way (or 20-way) episodes.');
  if (!(Number.isInteger(spec.shots) && spec.shots >= 1)) throw bad('shots', spec.shots, 1, 'Use 1 (one-shot) or 5.');
  if (!(Number.isInteger(spec.queries) && spec.queries >= 1)) throw bad('queries', spec.queries, 1, 'Use 15 queries per class, as is usual.');
  if (!(Number.isInteger(count) && count >= 1)) throw bad('episodes', count, 1, 'Use 600 episodes or more for a tight interval.');
}
