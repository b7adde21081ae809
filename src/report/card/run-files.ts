/**
 * Reading a run folder for its model card: `config.json` and `metrics.json` (required, with the
 * fields the card needs checked), `model/transferkit.json` (optional), and the kind of run
 * (`fit` or `adapt`). The card only reads: nothing in the folder is repaired or changed.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TransferkitError } from '../../errors.ts';

/**
 * A JSON object as read from a run file (fields are checked where the card uses them).
 *
 * @example
 * ```ts
 * const strategy = (run.config as JsonObject).strategy;
 * ```
 */
export type JsonObject = Record<string, unknown>;

/**
 * Scores of a model on one dataset, as `fit` (`ClassificationMetrics`) and `adapt`
 * (`ScoreSummary`) both record them.
 *
 * @example
 * ```ts
 * const s: RecordedScores = { accuracy: 0.9, macroF1: 0.89, rocAuc: 0.97, logLoss: 0.3, n: 150, confusionMatrix: [[50, 0], [15, 85]] };
 * ```
 */
export interface RecordedScores {
  accuracy: number;
  macroF1: number;
  weightedF1?: number;
  rocAuc: number | null;
  logLoss: number;
  n: number;
  confusionMatrix: number[][];
}

/**
 * The files of a run that a card is built from.
 *
 * @example
 * ```ts
 * const run = await readRunFiles('runs/iris');
 * console.log(run.kind, run.config.strategy);
 * ```
 */
export interface RunFiles {
  /** The run folder, absolute. */
  dir: string;
  /** The run folder as the caller named it (what the card shows, so it does not reveal the local folders above it). */
  folder: string;
  kind: 'fit' | 'adapt';
  config: JsonObject;
  metrics: JsonObject;
  /** `model/transferkit.json`; absent when the model folder or its metadata is missing. */
  modelMeta?: JsonObject;
  /** The classes, from config.json (else metrics.json). */
  classes: string[];
}

/**
 * Reads and checks a run folder written by `fit` or `adapt`.
 *
 * @throws TransferkitError `RUN_NOT_FOUND` (no such path), `NOT_A_DIRECTORY` (a file),
 *   `NOT_A_RUN` (config.json or metrics.json missing — the missing files are named — or a
 *   config.json that records neither kind of run), `CORRUPT_RUN` (a file that does not parse,
 *   or lacks the fields the card needs; the file is named).
 * @example
 * ```ts
 * const { kind, metrics } = await readRunFiles('runs/spam');
 * ```
 */
export async function readRunFiles(folder: string): Promise<RunFiles> {
  const dir = resolve(folder);
  const st = await stat(dir).catch(() => null);
  if (!st) {
    throw new TransferkitError('RUN_NOT_FOUND', `No run folder at ${folder}: the path does not exist`, { where: dir, hint: 'Pass the `--out` folder of a `transferkit fit` or `transferkit adapt` run.' });
  }
  if (!st.isDirectory()) {
    throw new TransferkitError('NOT_A_DIRECTORY', `${folder} is a file, not a run folder`, { where: dir, hint: 'Pass the folder that holds config.json and metrics.json, not a file in it.' });
  }
  const missing = ['config.json', 'metrics.json'].filter((f) => !existsSync(join(dir, f)));
  if (missing.length === 2) {
    throw new TransferkitError('NOT_A_RUN', `${folder} is not a run folder: config.json and metrics.json are missing`, {
      where: dir,
      hint: 'Pass the `--out` folder of a `transferkit fit` or `transferkit adapt` run (it holds config.json, metrics.json and model/).',
    });
  }
  if (missing[0] === 'config.json') {
    throw new TransferkitError('NOT_A_RUN', `${folder} is not a run folder: config.json is missing (metrics.json is there)`, { where: join(dir, 'config.json'), hint: 'Restore config.json from a backup, or train the run again.' });
  }
  const config = await readObject(join(dir, 'config.json'));
  if (missing[0] === 'metrics.json') {
    throw new TransferkitError('NOT_A_RUN', `The run in ${folder} has not finished: metrics.json is missing`, {
      where: join(dir, 'metrics.json'),
      hint: 'Finish it first (`transferkit fit --resume <run>`), then write its card.',
    });
  }
  const metrics = await readObject(join(dir, 'metrics.json'));
  const kind = typeof config.strategy === 'string' ? 'fit' : typeof config.method === 'string' && config.target !== undefined ? 'adapt' : undefined;
  if (!kind) {
    throw new TransferkitError('NOT_A_RUN', `${join(folder, 'config.json')} records neither a fit run (no "strategy") nor an adapt run (no "method" and "target")`, {
      where: join(dir, 'config.json'),
      hint: 'Pass the `--out` folder of a `transferkit fit` or `transferkit adapt` run.',
    });
  }
  const metricsPath = join(dir, 'metrics.json');
  if (kind === 'fit') {
    requireScores(metrics.train, metricsPath, 'train');
    if (metrics.val !== undefined && metrics.val !== null) requireScores(metrics.val, metricsPath, 'val');
  } else {
    for (const key of ['before', 'after'] as const) if (metrics[key] !== undefined && metrics[key] !== null) requireScores(metrics[key], metricsPath, key);
  }
  const classes = stringArray(config.classes) ?? stringArray(metrics.classes) ?? stringArray((metrics.train as JsonObject | undefined)?.classes);
  if (!classes || classes.length === 0) throw corrupt(join(dir, 'config.json'), 'it lists no "classes"');
  let modelMeta: JsonObject | undefined;
  const metaPath = join(dir, 'model', 'transferkit.json');
  if (existsSync(metaPath)) modelMeta = await readObject(metaPath);
  return { dir, folder, kind, config, metrics, modelMeta, classes };
}

/** Reads a JSON object; a damaged file is `CORRUPT_RUN` naming it. */
async function readObject(path: string): Promise<JsonObject> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new TransferkitError('CORRUPT_RUN', `The run file ${path} is damaged: ${(err as Error).message}`, {
      where: path,
      hint: 'Restore the file from a backup, or train the run again.',
      cause: err,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(path, 'it does not hold a JSON object');
  return value as JsonObject;
}

function corrupt(path: string, what: string): TransferkitError {
  return new TransferkitError('CORRUPT_RUN', `The run file ${path} is damaged: ${what}`, { where: path, hint: 'Restore the file from a backup, or train the run again.' });
}

/** Checks that a metrics entry holds the scores the card reports. */
function requireScores(value: unknown, path: string, key: string): asserts value is RecordedScores {
  const v = value as JsonObject | null;
  const bad = (what: string) => corrupt(path, `"${key}" ${what}`);
  if (typeof v !== 'object' || v === null) throw bad('is not an object of scores');
  for (const f of ['accuracy', 'macroF1', 'logLoss'] as const) if (typeof v[f] !== 'number') throw bad(`has no number "${f}"`);
  if (!(Number.isInteger(v.n) && (v.n as number) > 0)) throw bad('has no example count "n"');
  const cm = v.confusionMatrix;
  if (!Array.isArray(cm) || cm.length === 0 || cm.some((r) => !Array.isArray(r) || r.length !== cm.length || r.some((c) => !(Number.isInteger(c) && c >= 0)))) {
    throw bad('has no square "confusionMatrix" of counts');
  }
  const total = (cm as number[][]).flat().reduce((a, b) => a + b, 0);
  if (total !== v.n) throw bad(`has a confusion matrix of ${total} examples but n = ${String(v.n)}`);
}

function stringArray(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
}
