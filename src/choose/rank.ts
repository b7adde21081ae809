/**
 * Ranking candidate source models for a target task without fine-tuning them: LogME and
 * H-score on each candidate's base features, LEEP and NCE on its own softmax outputs.
 *
 * @module
 */
import { subset, type Dataset } from '../data/dataset.ts';
import { samplePerClass } from '../data/split.ts';
import { TransferkitError } from '../errors.ts';
import { TRANSFERABILITY_SCORES, transferabilityScore } from './transferability/registry.ts';
import { capRows } from '../data/dataset.ts';
import { embed, loadTargetFor } from './source.ts';
import { ensureEngine } from '../engine/backend.ts';
import { loadModelRef } from '../models/load.ts';

/** The name of a transferability score (see `./transferability/registry.ts`); higher is better for each. */
export type TransferabilityMetric = string;

/** All scores' names, in the order they are reported. */
export const TRANSFERABILITY_METRICS: readonly TransferabilityMetric[] = TRANSFERABILITY_SCORES.map((s) => s.name);

/** One candidate's scores. */
export interface CandidateScores {
  candidate: string;
  /** 1 = best by the ranking metric; candidates that failed come last with rank 0. */
  rank: number;
  scores: Record<TransferabilityMetric, number>;
  /** Width of the base features. */
  dims: number;
  /** Number of the candidate's own classes (what LEEP and NCE use). */
  sourceClasses: number;
  seconds: number;
  /** Why the candidate could not be scored. */
  error?: string;
}

/** Options of {@link rankSources}. */
export interface RankOptions {
  /** Zoo names or paths of the candidate source models. */
  candidates: string[];
  /** Labelled target data. */
  train: string | Dataset;
  /** Score to rank by (default `logme`). */
  metric?: TransferabilityMetric;
  /** Use only N examples per class (seeded), as `fit --per-class` would. */
  perClass?: number;
  /** Cap on the number of examples scored (seeded subsample; default 2000). */
  maxExamples?: number;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  seed?: number;
  /** Called with each scored candidate. */
  onCandidate?: (s: CandidateScores) => void;
}

/** What {@link rankSources} returns. */
export interface Ranking {
  metric: TransferabilityMetric;
  target: string;
  examples: number;
  classes: number;
  /** Best first. */
  ranking: CandidateScores[];
}

/**
 * Scores every candidate on the labelled target data and ranks them by one score.
 * LogME (You et al. 2021) and H-score (Bao et al. 2019) read the base features (the input of the
 * candidate's head — what a new head would be trained on); LEEP (Nguyen et al. 2020) reads the
 * candidate's softmax over its own classes; NCE (Tran et al. 2019) its argmax labels.
 * Every score is "higher transfers better".
 *
 * @example
 * ```ts
 * const r = await rankSources({ candidates: ['fashion-cnn', 'digits04-cnn'], train: 'builtin:mnist', perClass: 20 });
 * console.log(r.ranking.map((c) => `${c.rank}. ${c.candidate} ${c.scores.logme}`));
 * ```
 */
export async function rankSources(opts: RankOptions): Promise<Ranking> {
  await ensureEngine();
  if (opts.candidates.length === 0) throw new TransferkitError('NO_CANDIDATES', 'No candidate models to rank', { hint: 'Pass `candidates`: models to compare (see `transferkit models`).' });
  const metric = opts.metric ?? 'logme';
  if (!transferabilityScore(metric)) {
    throw new TransferkitError('BAD_OPTION', `Unknown transferability score "${metric}"`, { hint: `Use one of: ${TRANSFERABILITY_METRICS.join(', ')}.` });
  }
  const seed = opts.seed ?? 0;
  const scored: CandidateScores[] = [];
  let target = '';
  let examples = 0;
  let classes = 0;
  for (const candidate of opts.candidates) {
    const t0 = performance.now();
    try {
      const src = await loadModelRef(candidate);
      let ds = await loadTargetFor(src, opts.train, opts);
      ds = dropUnlabelled(ds);
      if (opts.perClass) ds = samplePerClass(ds, opts.perClass, seed).sample;
      ds = capRows(ds, opts.maxExamples ?? 2000, seed);
      target = ds.name;
      examples = ds.size;
      classes = ds.classes.length;
      const { features, probs, dims } = await embed(src, ds);
      const Z = src.classes.length;
      const predicted = new Int32Array(ds.size);
      for (let i = 0; i < ds.size; i++) {
        let arg = 0;
        for (let z = 1; z < Z; z++) if (probs[i * Z + z] > probs[i * Z + arg]) arg = z;
        predicted[i] = arg;
      }
      const input = { features, probs: { rows: ds.size, cols: Z, data: probs }, predicted, labels: ds.labels, classes: ds.classes.length };
      const scores: Record<TransferabilityMetric, number> = Object.fromEntries(TRANSFERABILITY_SCORES.map((m) => [m.name, m.score(input)]));
      src.model.dispose();
      const s: CandidateScores = { candidate, rank: 0, scores, dims, sourceClasses: Z, seconds: (performance.now() - t0) / 1000 };
      scored.push(s);
      opts.onCandidate?.(s);
    } catch (err) {
      if (opts.candidates.length === 1) throw err;
      const nan = Object.fromEntries(TRANSFERABILITY_METRICS.map((m) => [m, NaN]));
      const s: CandidateScores = { candidate, rank: 0, scores: nan, dims: 0, sourceClasses: 0, seconds: (performance.now() - t0) / 1000, error: err instanceof Error ? err.message : String(err) };
      scored.push(s);
      opts.onCandidate?.(s);
    }
  }
  const ranking = orderBy(scored, metric);
  return { metric, target, examples, classes, ranking };
}

/**
 * Sorts candidates best first by a metric and numbers them; failed (NaN) candidates go last with rank 0.
 *
 * @example
 * ```ts
 * orderBy(scores, 'logme')[0].rank; // 1
 * ```
 */
export function orderBy(scored: CandidateScores[], metric: TransferabilityMetric): CandidateScores[] {
  const ok = scored.filter((s) => Number.isFinite(s.scores[metric])).sort((a, b) => b.scores[metric] - a.scores[metric]);
  const failed = scored.filter((s) => !Number.isFinite(s.scores[metric]));
  return [...ok.map((s, i) => ({ ...s, rank: i + 1 })), ...failed.map((s) => ({ ...s, rank: 0 }))];
}

function dropUnlabelled(ds: Dataset): Dataset {
  if (ds.labels.every((l) => l >= 0)) return ds;
  const keep: number[] = [];
  ds.labels.forEach((l, i) => l >= 0 && keep.push(i));
  if (keep.length === 0) throw new TransferkitError('NO_LABELS', `${ds.name} has no labelled examples`, { hint: 'Transferability scores need labelled target data.' });
  return subset(ds, keep);
}
