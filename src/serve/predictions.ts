/**
 * Stored predictions of a run (`predictions.jsonl`, written by `transferkit predict --out`) a page
 * at a time, so a run with tens of thousands of predictions stays quick to browse: the file is
 * parsed once per change (kept by path, size and modification time) and pages, filters and
 * seeded samples are cut from that.
 *
 * @module
 */
import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Prediction } from '../models/predict.ts';
import { PREDICTIONS_FILE } from '../report/card/stored-predictions.ts';
import { runFile } from './safe-path.ts';
import { createRng } from '../util/random.ts';

/**
 * One stored prediction, as `predict` writes it (a line of predictions.jsonl).
 *
 * @example
 * ```ts
 * const p: StoredPrediction = { index: 0, id: 0, label: 'setosa', confidence: 0.97, probabilities: [0.97, 0.02, 0.01], actual: 'setosa' };
 * ```
 */
export type StoredPrediction = Prediction;

/**
 * What to return of a run's predictions.
 *
 * @example
 * ```ts
 * const q: PredictionQuery = { offset: 0, limit: 50, filter: 'wrong' };
 * ```
 */
export interface PredictionQuery {
  /** First prediction of the page (after filtering; default 0). */
  offset?: number;
  /** Predictions per page (default 50, at most {@link MAX_PAGE}). */
  limit?: number;
  /** `wrong`: only labelled predictions whose label is not the actual class. */
  filter?: 'all' | 'wrong';
  /** Instead of a page: a seeded random sample of this many (at most {@link MAX_PAGE}). */
  sample?: number;
  seed?: number;
}

/**
 * A page of predictions with the totals and the scores of all of them.
 *
 * @example
 * ```ts
 * const page = await predictionsPage('/runs/iris', { limit: 20 });
 * page.total; // 10000
 * ```
 */
export interface PredictionPage {
  /** Predictions in the file. */
  total: number;
  /** Predictions that pass the filter. */
  matching: number;
  offset: number;
  items: StoredPrediction[];
  /** Accuracy of the labelled predictions (null without labels). */
  accuracy: number | null;
  labelled: number;
  /** Lines that did not parse as a prediction, left out. */
  skipped: number;
}

/** Largest page or sample the API returns. */
export const MAX_PAGE = 500;

interface Parsed {
  key: string;
  items: StoredPrediction[];
  wrong: number[];
  accuracy: number | null;
  labelled: number;
  skipped: number;
}

const cache = new Map<string, Parsed>();

/**
 * A page (or a seeded sample) of the stored predictions of the run in `dir`; undefined when it
 * has none.
 *
 * @example
 * ```ts
 * const page = await predictionsPage('/runs/iris', { offset: 100, limit: 50, filter: 'wrong' });
 * ```
 */
export async function predictionsPage(dir: string, q: PredictionQuery = {}): Promise<PredictionPage | undefined> {
  const file = await runFile(dir, PREDICTIONS_FILE);
  const parsed = file === undefined ? undefined : await parse(file);
  if (!parsed) return undefined;
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(q.limit ?? 50)));
  const indices = q.filter === 'wrong' ? parsed.wrong : undefined;
  const matching = indices ? indices.length : parsed.items.length;
  const at = (i: number) => parsed.items[indices ? indices[i] : i];
  let items: StoredPrediction[];
  let offset = 0;
  if (q.sample !== undefined) {
    const all = Array.from({ length: matching }, (_, i) => i);
    items = createRng(`predictions:${q.seed ?? 0}`).shuffle(all).slice(0, Math.min(MAX_PAGE, Math.max(1, Math.floor(q.sample)))).sort((a, b) => a - b).map(at);
  } else {
    offset = Math.max(0, Math.min(matching, Math.floor(q.offset ?? 0)));
    items = Array.from({ length: Math.min(limit, matching - offset) }, (_, i) => at(offset + i));
  }
  return { total: parsed.items.length, matching, offset, items, accuracy: parsed.accuracy, labelled: parsed.labelled, skipped: parsed.skipped };
}

async function parse(path: string): Promise<Parsed | undefined> {
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) return undefined;
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = cache.get(path);
  if (hit?.key === key) return hit;
  const items: StoredPrediction[] = [];
  let skipped = 0;
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    try {
      const p = JSON.parse(line) as StoredPrediction;
      if (typeof p.label !== 'string' || !Array.isArray(p.probabilities)) throw new Error('not a prediction');
      items.push(p);
    } catch {
      skipped++;
    }
  }
  const wrong: number[] = [];
  let labelled = 0;
  items.forEach((p, i) => {
    if (p.actual === undefined || p.actual === null) return;
    labelled++;
    if (p.actual !== p.label) wrong.push(i);
  });
  const accuracy = labelled ? (labelled - wrong.length) / labelled : null;
  const parsed = { key, items, wrong, accuracy, labelled, skipped };
  cache.set(path, parsed);
  return parsed;
}
