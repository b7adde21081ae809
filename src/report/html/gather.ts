/**
 * Everything the HTML report of a run shows, read from the run folder with the model card's own
 * readers: the run files (`readRunFiles`), the card built from them (metrics with intervals,
 * per-class numbers, shift, verdict, group audit, privacy check, caveats), the saved card when
 * the folder holds one, the loss curves and the stored predictions.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TransferkitError } from '../../errors.ts';
import { buildModelCard } from '../card/build.ts';
import { readRunFiles, type RunFiles } from '../card/run-files.ts';
import { validateModelCard } from '../card/schema.ts';
import { readStoredPredictions, type StoredPredictions } from '../card/stored-predictions.ts';
import type { ModelCard } from '../card/types.ts';
import { CARD_JSON } from '../card/write.ts';
import type { EpochLoss } from '../charts/loss-curve.ts';
import { readLossCurves } from './history.ts';

/**
 * A run as the report sees it.
 *
 * @example
 * ```ts
 * const data: ReportData = await gatherReport('runs/iris');
 * data.card.metrics.measures[0]; // accuracy with its Wilson interval
 * ```
 */
export interface ReportData {
  run: RunFiles;
  /** The card built from the run files now (the analyses; author statements unknown). */
  card: ModelCard;
  /** `model_card.json` as `transferkit card` saved it, when present and valid. */
  savedCard?: ModelCard;
  /** Why a `model_card.json` that is there is not shown. */
  savedCardProblem?: string;
  /** Loss per epoch of each phase (empty when the run recorded none, or its history is damaged). */
  curves: EpochLoss[];
  /** Why the loss curves are left out (a damaged history.jsonl). */
  curvesProblem?: string;
  /** Labelled stored predictions (`predictions.jsonl`), when present and readable. */
  stored?: StoredPredictions;
}

/**
 * Options of {@link gatherReport}.
 *
 * @example
 * ```ts
 * const opts: GatherOptions = { now: new Date('2026-01-01') };
 * ```
 */
export interface GatherOptions {
  /** The time the report is generated (default now; fixed in tests). */
  now?: Date;
}

/**
 * Reads a `fit` or `adapt` run folder for its report.
 *
 * @throws TransferkitError `RUN_NOT_FOUND`, `NOT_A_DIRECTORY`, `NOT_A_RUN` (what is missing is
 *   named), `CORRUPT_RUN` (the damaged file is named), as `readRunFiles` and `buildModelCard`.
 * @example
 * ```ts
 * const { run, card, curves, stored } = await gatherReport('runs/spam');
 * ```
 */
export async function gatherReport(folder: string, opts: GatherOptions = {}): Promise<ReportData> {
  const run = await readRunFiles(folder);
  const [card, curves, stored, saved] = await Promise.all([
    buildModelCard(folder, { now: opts.now }),
    // a damaged history.jsonl leaves the curves out (with a note), not the whole report
    readLossCurves(run).then(
      (points) => ({ points, problem: undefined as string | undefined }),
      (err: unknown) => {
        if (!(err instanceof TransferkitError) || err.code !== 'CORRUPT_RUN') throw err;
        return { points: [] as EpochLoss[], problem: err.message.split(run.dir).join(run.folder) };
      },
    ),
    readStoredPredictions(run.dir, run.classes),
    readSavedCard(run.dir),
  ]);
  return { run, card, savedCard: saved.value, savedCardProblem: saved.problem, curves: curves.points, ...(curves.problem ? { curvesProblem: curves.problem } : {}), stored: stored.value };
}

/** `model_card.json` of the run folder, checked against the card schema. */
async function readSavedCard(dir: string): Promise<{ value?: ModelCard; problem?: string }> {
  const path = join(dir, CARD_JSON);
  if (!existsSync(path)) return {};
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    return { problem: `${CARD_JSON} is not valid JSON (${(err as Error).message})` };
  }
  const errors = validateModelCard(value);
  if (errors.length) return { problem: `${CARD_JSON} does not match the card schema (${errors.length} problem${errors.length === 1 ? '' : 's'}, first: ${errors[0].path} ${errors[0].message})` };
  return { value: value as ModelCard };
}
