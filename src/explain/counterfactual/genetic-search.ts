/**
 * Seeded genetic search for counterfactual candidates: one-feature sweeps and random 1–3 feature
 * mutations of the query, then generations of tournament selection, uniform crossover and
 * mutation (revert to the query / local step / random value), keeping every valid row seen.
 *
 * @module
 */
import type { Rng } from '../../util/random.ts';
import type { BudgetedModel } from './budgeted-model.ts';
import { rowKey } from './budgeted-model.ts';
import { candidateLoss, reachesTarget, scoreCandidate, type Candidate, type SearchWeights } from './candidate.ts';
import { sampleValue, valueAt, type SearchSpace } from './space.ts';
import type { RawRow } from './types.ts';

/**
 * Options for {@link geneticSearch}.
 *
 * @example
 * ```ts
 * const opts: GeneticSearchOptions = { threshold: 0.5, weights, populationSize: 32, softBudget: 1500, targetValid: 18 };
 * ```
 */
export interface GeneticSearchOptions {
  threshold: number;
  weights: SearchWeights;
  populationSize: number;
  /** Stop once the model has been given this many rows AND at least one valid row was found. */
  softBudget: number;
  /** Stop (after a few generations) once this many distinct valid rows were found. */
  targetValid: number;
}

/**
 * What {@link geneticSearch} found: every distinct valid candidate (in discovery order) and the
 * candidate with the highest probability (for explaining a failure).
 *
 * @example
 * ```ts
 * const { valid, highest } = await geneticSearch(space, model, rng, opts);
 * ```
 */
export interface GeneticSearchResult {
  valid: Candidate[];
  highest?: Candidate;
  generations: number;
}

const MIN_GENERATIONS = 8;
const PATIENCE = 10;

/**
 * Runs the genetic search until the hard budget is spent, the soft budget is spent with a valid
 * row in hand, enough valid rows were found, or the search stalls.
 *
 * @example
 * ```ts
 * const found = await geneticSearch(space, createBudgetedModel(predict, 3000, 512), createRng(0), {
 *   threshold: 0.5, weights: { proximity: 0.5, diversity: 1, sparsity: 0.5 }, populationSize: 32, softBudget: 1500, targetValid: 18,
 * });
 * ```
 */
export async function geneticSearch(space: SearchSpace, model: BudgetedModel, rng: Rng, opts: GeneticSearchOptions): Promise<GeneticSearchResult> {
  const { x, axes, mutable } = space;
  const F = axes.length;
  const loss = (c: Candidate) => candidateLoss(c, opts.threshold, opts.weights, F);
  const archive = new Map<string, Candidate>();
  let highest: Candidate | undefined;

  const score = async (rows: RawRow[]): Promise<Candidate[]> => {
    const ps = await model.evaluate(rows);
    const out: Candidate[] = [];
    rows.forEach((r, i) => {
      if (Number.isNaN(ps[i])) return;
      const c = scoreCandidate(space, r, ps[i]);
      if (c.changed.length === 0) return;
      out.push(c);
      if (reachesTarget(c, opts.threshold)) {
        const key = rowKey(c.row);
        if (!archive.has(key)) archive.set(key, c);
      }
      if (highest === undefined || c.probability > highest.probability) highest = c;
    });
    return out;
  };

  const randomRow = (): RawRow => {
    const r = [...x];
    const k = 1 + rng.int(Math.min(3, mutable.length));
    for (const j of rng.shuffle([...mutable]).slice(0, k)) r[j] = rng.next() < 0.5 ? sampleValue(axes[j], rng) : sampleValue(axes[j], rng, x[j], 0.25);
    return r;
  };

  // Generation 0: every mutable feature swept alone (ends and thirds of its range, or its
  // categories), then random rows.
  const initial: RawRow[] = [];
  for (const j of mutable) {
    const axis = axes[j];
    if (axis.kind === 'numeric') {
      for (const q of [0, 1 / 3, 2 / 3, 1]) {
        const r = [...x];
        r[j] = valueAt(axis, Math.round(axis.kMin + q * (axis.kMax - axis.kMin)));
        initial.push(r);
      }
    } else {
      const cats = axis.allowed.filter((c) => c !== x[j]);
      for (const c of cats.length > 8 ? rng.shuffle([...cats]).slice(0, 8) : cats) {
        const r = [...x];
        r[j] = c;
        initial.push(r);
      }
    }
  }
  while (initial.length < opts.populationSize + mutable.length) initial.push(randomRow());

  const P = opts.populationSize;
  const survivors = (cands: Candidate[]): Candidate[] => {
    const seen = new Set<string>();
    const out: Candidate[] = [];
    for (const c of cands.map((c, i) => ({ c, l: loss(c), i })).sort((a, b) => a.l - b.l || a.i - b.i)) {
      const key = rowKey(c.c.row);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(c.c);
      if (out.length === P) break;
    }
    return out;
  };
  let population = survivors(await score(initial));
  const tournament = (): RawRow => {
    if (population.length === 0) return randomRow();
    const a = population[rng.int(population.length)];
    const b = population[rng.int(population.length)];
    return loss(a) <= loss(b) ? a.row : b.row;
  };

  let generations = 0;
  let bestLoss = Infinity;
  let stalled = 0;
  let idle = 0;
  while (model.remaining > 0) {
    if (archive.size > 0 && model.used >= opts.softBudget) break;
    if (archive.size >= opts.targetValid && generations >= MIN_GENERATIONS) break;
    if (archive.size > 0 && stalled >= PATIENCE) break;
    if (idle >= PATIENCE) break; // every child was seen before: the space is exhausted
    const children: RawRow[] = [];
    for (let i = 0; i < P; i++) {
      if (rng.next() < 0.15) {
        children.push(randomRow());
        continue;
      }
      const a = tournament();
      const b = tournament();
      const child = [...x];
      for (const j of mutable) child[j] = rng.next() < 0.5 ? a[j] : b[j];
      if (rng.next() < 0.9) {
        const j = mutable[rng.int(mutable.length)];
        const u = rng.next();
        if (u < 0.3 && child[j] !== x[j]) child[j] = x[j];
        else if (u < 0.7) child[j] = sampleValue(axes[j], rng, child[j], 0.05 + 0.15 * rng.next());
        else child[j] = sampleValue(axes[j], rng);
      }
      children.push(child);
    }
    const usedBefore = model.used;
    const scored = await score(children);
    idle = model.used === usedBefore ? idle + 1 : 0;
    population = survivors([...population, ...scored]);
    generations++;
    const best = population.length > 0 ? loss(population[0]) : Infinity;
    if (best < bestLoss - 1e-12) {
      bestLoss = best;
      stalled = 0;
    } else stalled++;
  }
  return { valid: [...archive.values()], highest, generations };
}
