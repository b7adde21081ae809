/**
 * How similar a target task is to a source model's training data, measured in the source
 * model's own feature space: MMD with a permutation test, the proxy A-distance, and the source
 * model's label distribution on the target (what LEEP builds on).
 *
 * @module
 */
import type { Dataset } from '../data/dataset.ts';
import { leep } from '../measures/leep.ts';
import { mmd } from '../measures/mmd.ts';
import { nce } from '../measures/nce.ts';
import { proxyADistance } from '../measures/proxy-a-distance.ts';
import { capRows } from '../data/dataset.ts';
import { embed, loadTargetFor, sourceSample } from './source.ts';
import { ensureEngine } from '../engine/backend.ts';
import { loadModelRef, type ModelHandle } from '../models/load.ts';

/**
 * Proxy A-distance below which source and target count as similar. PAD = 2(1 − 2·err) of a
 * linear domain classifier on base features: below 1.0 the classifier errs on more than 25% of
 * rows (balanced), i.e. the base model sees the two domains as largely overlapping.
 */
export const SIMILAR_PAD = 1.0;

/**
 * Share of the target-label entropy that the source model's own (argmax) predictions explain,
 * 1 − H(Y | Z)/H(Y) = 1 + NCE/H(Y), from which the tasks count as similar: ≥ 0.5 means knowing the
 * source label removes at least half of the uncertainty about the target label (same-task
 * sources measure 0.7–0.95 here; other tasks 0.1–0.45, e.g. a digits-0–4 model on all ten digits 0.46).
 */
export const SIMILAR_LABELS = 0.5;

/**
 * Without a source sample: the source model's mean top-class probability on the target from
 * which the target counts as similar (a model on its own data is typically 85–95% confident).
 */
export const SIMILAR_CONFIDENCE = 0.75;

/** Options of {@link measureSimilarity}. */
export interface SimilarityOptions {
  /** Source model: zoo name, path, or a loaded source. */
  base: string | ModelHandle;
  /** Target data (labelled or not). */
  target: string | Dataset;
  /** A sample of the source's training data (default: the sample the model records, see `sourceSample`). */
  source?: string | Dataset;
  label?: string;
  impute?: 'none' | 'mean' | 'drop';
  /** Rows per side (seeded subsample; default 500). */
  maxRows?: number;
  /** MMD permutations (default 200). */
  permutations?: number;
  seed?: number;
}

/** The source model's predictions on some data, summarised. */
export interface LabelDistribution {
  /** Mean predicted probability of each source class, largest first. */
  classes: Array<{ class: string; share: number }>;
  /** Entropy of the mean predicted distribution / log(number of source classes): 0 all one class, 1 uniform. */
  spread: number;
  /** Mean top-class probability. */
  meanConfidence: number;
}

/** What {@link measureSimilarity} measured. */
export interface SimilarityReport {
  base: string;
  target: string;
  /** Where the source sample came from. */
  source?: string;
  /** Why there is no source sample (then MMD and PAD are absent). */
  sourceMissing?: string;
  /** Base layer whose output is compared, and its width. */
  layer: string;
  dims: number;
  nSource: number;
  nTarget: number;
  mmd?: { mmd2: number; pValue: number; bandwidth: number; permutations: number };
  pad?: { pad: number; error: number; auc: number | null };
  /**
   * The source model's label distribution on the target (and on its own data, when there is a
   * sample); when the target is labelled, LEEP and the label match 1 − H(Y|Z)/H(Y) (see {@link SIMILAR_LABELS}).
   */
  sourceLabels: { onTarget: LabelDistribution; onSource?: LabelDistribution; leep?: number; labelMatch?: number };
  /** 1 − PAD/2 (or the source model's confidence on the target without a source sample): 1 same, 0 unrelated. */
  similarity: number;
  /** Similar inputs (PAD below {@link SIMILAR_PAD}) and, for a labelled target, a similar task (label match ≥ {@link SIMILAR_LABELS}). */
  similar: boolean;
  /** What decided the input side of `similar`. */
  basis: 'pad' | 'confidence';
  /** Did the inputs and the labels (when measured) each look similar? */
  similarInputs: boolean;
  similarLabels?: boolean;
  /** The reasons, in words. */
  reasons: string[];
}

/**
 * Measures source/target similarity in the base model's feature space (the features a new head
 * would see). PAD decides "similar" (below {@link SIMILAR_PAD}); without a source sample the
 * source model's confidence on the target does (≥ {@link SIMILAR_CONFIDENCE}).
 *
 * @example
 * ```ts
 * const s = await measureSimilarity({ base: 'fashion-cnn', target: 'builtin:mnist' });
 * console.log(s.pad?.pad, s.mmd?.pValue, s.similar);
 * ```
 */
export async function measureSimilarity(opts: SimilarityOptions): Promise<SimilarityReport> {
  await ensureEngine();
  const src = typeof opts.base === 'string' ? await loadModelRef(opts.base) : opts.base;
  const seed = opts.seed ?? 0;
  const maxRows = opts.maxRows ?? 500;
  const target = capRows(await loadTargetFor(src, opts.target, opts), maxRows, seed);
  const t = await embed(src, target);
  const { sample, from, missing } = await sourceSample(src, { source: opts.source, maxRows, seed });
  const onTarget = labelDistribution(t.probs, src.classes);
  const labelled = target.labels.every((l) => l >= 0) && target.size > 0;
  const report: SimilarityReport = {
    base: src.ref,
    target: target.name,
    layer: t.layer,
    dims: t.dims,
    nSource: 0,
    nTarget: target.size,
    sourceLabels: { onTarget },
    similarity: onTarget.meanConfidence,
    similar: false,
    basis: 'confidence',
    similarInputs: onTarget.meanConfidence >= SIMILAR_CONFIDENCE,
    reasons: [],
  };
  if (labelled) {
    report.sourceLabels.leep = leep({ rows: target.size, cols: src.classes.length, data: t.probs }, target.labels, target.classes.length);
    report.sourceLabels.labelMatch = labelMatch(t.probs, src.classes.length, target.labels);
    report.similarLabels = report.sourceLabels.labelMatch >= SIMILAR_LABELS;
  }
  if (sample && sample.size >= 10 && target.size >= 10) {
    const s = await embed(src, sample);
    report.source = from;
    report.nSource = sample.size;
    const m = mmd(s.features, t.features, { seed, permutations: opts.permutations ?? 200 });
    report.mmd = { mmd2: m.mmd2, pValue: m.pValue, bandwidth: m.bandwidth, permutations: m.permutations };
    const p = proxyADistance(s.features, t.features, { seed });
    report.pad = { pad: p.pad, error: p.error, auc: p.auc };
    report.sourceLabels.onSource = labelDistribution(s.probs, src.classes);
    report.similarity = 1 - p.pad / 2;
    report.similarInputs = p.pad < SIMILAR_PAD;
    report.basis = 'pad';
    report.reasons.push(
      `inputs: a linear classifier tells source from target base features apart with ${(100 * (1 - p.error)).toFixed(0)}% balanced accuracy: proxy A-distance ${p.pad.toFixed(2)} of 2 (${report.similarInputs ? 'below' : 'at or above'} ${SIMILAR_PAD}, so ${report.similarInputs ? 'similar' : 'different'})`,
      `MMD² ${m.mmd2.toExponential(2)}, permutation p = ${m.pValue.toFixed(3)}${m.pValue < 0.05 ? ' (the distributions differ)' : ' (no detectable difference)'}`,
    );
  } else {
    report.sourceMissing = missing ?? 'the source sample or the target has fewer than 10 rows';
    report.reasons.push(
      `inputs: no source sample (${report.sourceMissing}), so judged by the source model's confidence on the target: ${(100 * onTarget.meanConfidence).toFixed(0)}% (${report.similarInputs ? 'at or above' : 'below'} ${100 * SIMILAR_CONFIDENCE}%; a rough guide: models are often confident on unrelated inputs)`,
    );
  }
  if (report.sourceLabels.labelMatch !== undefined) {
    const m = report.sourceLabels.labelMatch;
    report.reasons.push(
      `task: the source model's own predictions explain ${(100 * m).toFixed(0)}% of the target-label entropy (${report.similarLabels ? 'at least' : 'below'} ${100 * SIMILAR_LABELS}%, so ${report.similarLabels ? 'a similar task' : 'a different task'})`,
    );
  }
  report.similar = report.similarInputs && report.similarLabels !== false;
  if (typeof opts.base === 'string') src.model.dispose();
  const onSource = report.sourceLabels.onSource;
  report.reasons.push(
    `the source model predicts mostly ${onTarget.classes.slice(0, 3).map((c) => `${c.class} (${(100 * c.share).toFixed(0)}%)`).join(', ')} on the target, ${(100 * onTarget.meanConfidence).toFixed(0)}% confident on average${onSource ? ` (${(100 * onSource.meanConfidence).toFixed(0)}% on its own data)` : ''}`,
  );
  return report;
}

/**
 * 1 − H(Y | Z)/H(Y): how much of the target-label entropy the source model's argmax labels Z
 * explain (1: they determine the target label; 0: independent of it). Plug-in entropies.
 *
 * @example
 * ```ts
 * labelMatch(Float32Array.of(1, 0, 0, 1), 2, Int32Array.of(1, 0)); // 1
 * ```
 */
export function labelMatch(probs: ArrayLike<number>, Z: number, y: ArrayLike<number>): number {
  const n = y.length;
  const hard = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let arg = 0;
    for (let z = 1; z < Z; z++) if (probs[i * Z + z] > probs[i * Z + arg]) arg = z;
    hard[i] = arg;
  }
  let K = 0;
  for (let i = 0; i < n; i++) K = Math.max(K, y[i] + 1);
  const py = new Float64Array(K);
  for (let i = 0; i < n; i++) py[y[i]] += 1 / n;
  let hy = 0;
  for (const p of py) if (p > 0) hy -= p * Math.log(p);
  if (hy === 0) return 1;
  return 1 + nce(hard, y) / hy;
}

/**
 * Summarises n × Z source-model probabilities: mean share per source class, normalised entropy of
 * that mean distribution, and mean confidence.
 *
 * @example
 * ```ts
 * labelDistribution(Float32Array.of(0.9, 0.1, 0.2, 0.8), ['a', 'b']); // shares a 0.55, b 0.45; confidence 0.85
 * ```
 */
export function labelDistribution(probs: ArrayLike<number>, classes: string[]): LabelDistribution {
  const Z = classes.length;
  const n = Math.floor(probs.length / Math.max(1, Z));
  const mean = new Float64Array(Z);
  let conf = 0;
  for (let i = 0; i < n; i++) {
    let top = 0;
    for (let z = 0; z < Z; z++) {
      const p = probs[i * Z + z];
      mean[z] += p / n;
      if (p > top) top = p;
    }
    conf += top / n;
  }
  let h = 0;
  for (const p of mean) if (p > 0) h -= p * Math.log(p);
  return {
    classes: classes.map((c, z) => ({ class: c, share: mean[z] })).sort((a, b) => b.share - a.share),
    spread: Z > 1 ? h / Math.log(Z) : 0,
    meanConfidence: conf,
  };
}
