/**
 * The training curves of a run, as one list of epoch records (phase, epoch, loss, validation loss): a fit run's
 * `history.jsonl` (training and validation loss per epoch of each phase), or a deep adaptation
 * run's histories in `metrics.json` (the adapted network and its source-only baseline).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TransferkitError } from '../../errors.ts';
import type { JsonObject, RunFiles } from '../card/run-files.ts';
import type { EpochLoss } from '../charts/loss-curve.ts';

/** Name of the epoch history of a fit run. */
export const HISTORY_FILE = 'history.jsonl';

/**
 * Reads the loss curves of a run. A fit run without `history.jsonl` (or an adapt run without a
 * deep history) has none: the list is empty.
 *
 * @throws TransferkitError `CORRUPT_RUN` when `history.jsonl` has a line that is not JSON or not
 *   an epoch record (the file and line are named).
 * @example
 * ```ts
 * const points = await readLossCurves(await readRunFiles('runs/iris'));
 * ```
 */
export async function readLossCurves(run: RunFiles): Promise<EpochLoss[]> {
  if (run.kind === 'adapt') return deepCurves(run.metrics);
  const path = join(run.dir, HISTORY_FILE);
  if (!existsSync(path)) return [];
  const points: EpochLoss[] = [];
  const lines = (await readFile(path, 'utf8')).split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    let r: JsonObject;
    try {
      r = JSON.parse(lines[i]) as JsonObject;
    } catch (err) {
      throw damaged(path, i, (err as Error).message, err);
    }
    if (typeof r !== 'object' || r === null || typeof r.phase !== 'string' || !Number.isInteger(r.epoch) || typeof r.loss !== 'number') {
      throw damaged(path, i, 'not an epoch record (it needs "phase", "epoch" and "loss")');
    }
    points.push({ phase: r.phase, epoch: r.epoch as number, loss: r.loss, ...(typeof r.valLoss === 'number' ? { valLoss: r.valLoss } : {}) });
  }
  return points;
}

function damaged(path: string, i: number, what: string, cause?: unknown): TransferkitError {
  return new TransferkitError('CORRUPT_RUN', `The run file ${path} is damaged at line ${i + 1}: ${what}`, {
    where: `${path}:${i + 1}`,
    hint: 'Restore the file from a backup, or train the run again (the report needs every epoch record).',
    cause,
  });
}

/** The deep adaptation histories recorded in metrics.json (`deep.history`, `deep.baselineHistory`). */
function deepCurves(metrics: JsonObject): EpochLoss[] {
  const deep = metrics.deep as JsonObject | undefined;
  if (!deep || typeof deep !== 'object') return [];
  const points: EpochLoss[] = [];
  const add = (records: unknown, phase: string) => {
    if (!Array.isArray(records)) return;
    for (const r of records as JsonObject[]) {
      if (r && Number.isInteger(r.epoch) && typeof r.loss === 'number') points.push({ phase, epoch: r.epoch as number, loss: r.loss });
    }
  };
  add(deep.baselineHistory, 'source-only');
  add(deep.history, 'adapted');
  return points;
}
