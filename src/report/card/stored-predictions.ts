/**
 * Predictions stored in a run folder (`predictions.jsonl`, as `transferkit predict --model <run>
 * --data <labelled data> --out <run>/predictions.jsonl` writes them): with their labels they give
 * every metric a bootstrap interval, log loss and ROC AUC included, which the run's own
 * confusion matrices cannot.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { classificationMetrics } from '../../measures/metrics.ts';
import { createRng } from '../../util/random.ts';
import { quantileSorted } from '../../util/quantile.ts';
import type { Attachment } from './attachments.ts';
import { prepareResampling, resampledScores } from './resampled-scores.ts';
import type { Measure } from './types.ts';

/** Name of the stored predictions in a run folder. */
export const PREDICTIONS_FILE = 'predictions.jsonl';
/** Resamples of the bootstrap over stored predictions. */
export const PREDICTION_RESAMPLES = 500;

/**
 * Labelled predictions read from a run folder.
 *
 * @example
 * ```ts
 * const p: StoredPredictions = { labels: Int32Array.of(0, 1), probs: Float64Array.of(0.9, 0.1, 0.3, 0.7), unlabelled: 0 };
 * ```
 */
export interface StoredPredictions {
  /** True class index per labelled prediction. */
  labels: Int32Array;
  /** Row-major n × k class probabilities. */
  probs: Float64Array;
  /** Predictions without a label (skipped). */
  unlabelled: number;
}

/**
 * Reads `predictions.jsonl` from a run folder, keeping the labelled predictions. A file that
 * does not parse, or whose classes are not the run's, is a `problem` (the card says why it
 * left it out), never an error; a file with no labels is also a problem (nothing to score).
 *
 * @example
 * ```ts
 * const { value, problem } = await readStoredPredictions('runs/iris', ['setosa', 'versicolor', 'virginica']);
 * ```
 */
export async function readStoredPredictions(runDir: string, classes: string[]): Promise<Attachment<StoredPredictions>> {
  const path = join(runDir, PREDICTIONS_FILE);
  if (!existsSync(path)) return {};
  const k = classes.length;
  const labels: number[] = [];
  const probs: number[] = [];
  let unlabelled = 0;
  const lines = (await readFile(path, 'utf8')).split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    let p: { probabilities?: unknown; actual?: unknown };
    try {
      p = JSON.parse(lines[i]) as typeof p;
    } catch (err) {
      return { problem: `${PREDICTIONS_FILE} line ${i + 1} is not valid JSON (${(err as Error).message})` };
    }
    const row = p.probabilities;
    if (!Array.isArray(row) || row.length !== k || row.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      return { problem: `${PREDICTIONS_FILE} line ${i + 1} does not hold ${k} probabilities (one per class of the run)` };
    }
    if (p.actual === undefined || p.actual === null) {
      unlabelled++;
      continue;
    }
    const y = classes.indexOf(String(p.actual));
    if (y < 0) return { problem: `${PREDICTIONS_FILE} line ${i + 1} has the label "${String(p.actual)}", which is not a class of the run` };
    labels.push(y);
    probs.push(...(row as number[]));
  }
  if (labels.length === 0) return { problem: `${PREDICTIONS_FILE} holds no labelled predictions (run predict on data with labels to score them)` };
  return { value: { labels: Int32Array.from(labels), probs: Float64Array.from(probs), unlabelled } };
}

/**
 * Accuracy, macro F1, ROC AUC and log loss of stored predictions, each with a 95% percentile
 * bootstrap interval over the examples (seeded, {@link PREDICTION_RESAMPLES} resamples).
 *
 * @example
 * ```ts
 * const measures = storedPredictionMeasures(value, classes); // names end in "(stored predictions)"
 * ```
 */
export function storedPredictionMeasures(p: StoredPredictions, classes: string[]): Measure[] {
  const n = p.labels.length;
  const point = classificationMetrics(p.labels, p.probs, classes);
  const names = ['accuracy', 'macroF1', 'rocAuc', 'logLoss'] as const;
  const samples = names.map(() => [] as number[]);
  const rng = createRng(0);
  const prepared = prepareResampling(p.labels, p.probs, classes.length);
  const weights = new Int32Array(n);
  for (let b = 0; b < PREDICTION_RESAMPLES; b++) {
    weights.fill(0);
    for (let i = 0; i < n; i++) weights[rng.int(n)]++;
    const m = resampledScores(prepared, weights);
    names.forEach((name, t) => {
      const v = m[name];
      if (typeof v === 'number') samples[t].push(v);
    });
  }
  const how = `percentile bootstrap 95%, ${PREDICTION_RESAMPLES} resamples of the ${n} labelled stored predictions, seed 0`;
  const labels = { accuracy: 'accuracy', macroF1: 'macro F1', rocAuc: 'ROC AUC', logLoss: 'log loss' };
  return names.map((name, t) => {
    const value = point[name];
    const s = samples[t].sort((a, b) => a - b);
    const ok = typeof value === 'number' && s.length > 0;
    return {
      name: `${labels[name]} (stored predictions)`,
      value: typeof value === 'number' ? value : null,
      low: ok ? quantileSorted(s, 0.025) : null,
      high: ok ? quantileSorted(s, 0.975) : null,
      interval: ok ? how : 'none: undefined on these predictions (fewer than two classes occur)',
    };
  });
}
