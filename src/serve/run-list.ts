/**
 * The runs of the dashboard's runs folder: one summary per run folder (its status and key
 * metrics), and the details of one run (config, metrics, epoch history, where training stands).
 * Finished runs are read with the model card's reader (`readRunFiles`); nothing is written.
 *
 * @module
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TransferkitError } from '../errors.ts';
import { readRunFiles, type JsonObject, type RecordedScores } from '../report/card/run-files.ts';
import { readRunState, runLockOwner, type RunState } from '../runs/run-folder.ts';
import { folderInside, readRunText, runFile } from './safe-path.ts';
import { CURVE_OPTIONS_FILE } from '../choose/curve.ts';

/**
 * Where a run stands: `finished` (metrics.json written), `training` (a live process holds its
 * lock), `incomplete` (interrupted), `damaged` (a file does not parse, or points out of the runs folder).
 */
export type RunStatus = 'finished' | 'training' | 'incomplete' | 'damaged';

/**
 * One run in the runs list.
 *
 * @example
 * ```ts
 * const s: RunSummary = { name: 'iris', kind: 'fit', status: 'finished', strategy: 'scratch', train: 'builtin:iris', classes: ['a', 'b'], scores: 'val', accuracy: 0.9, macroF1: 0.9, rocAuc: 0.97, logLoss: 0.3, n: 30, epochs: 5, createdAt: '2026-12-07T10:00:00Z', modified: 0 };
 * ```
 */
export interface RunSummary {
  name: string;
  /** `curve`: a learning curve interrupted before its curve.json (finished curves are in the curves list). */
  kind: 'fit' | 'adapt' | 'curve' | 'unknown';
  status: RunStatus;
  /** `fit`: the strategy; `adapt`: the method. */
  strategy?: string;
  /** The training (or adapt target) data as recorded. */
  train?: string;
  base?: string;
  classes: string[];
  /** Which scores the metrics are: validation, training (no validation data), or adapt's `after`. */
  scores?: 'val' | 'train' | 'after';
  accuracy?: number;
  macroF1?: number;
  rocAuc?: number | null;
  logLoss?: number;
  /** Examples the scores were measured on. */
  n?: number;
  /** Epoch records in history.jsonl. */
  epochs: number;
  createdAt?: string;
  /** Last change of the folder's files (ms since 1970). */
  modified: number;
  /** Why a damaged run could not be read. */
  problem?: string;
  /** The dashboard job training it now (set by the server). */
  job?: string;
}

/**
 * Everything the dashboard shows of one run.
 *
 * @example
 * ```ts
 * const d = await runDetail('runs', 'iris');
 * d.history.length; // epochs trained
 * ```
 */
export interface RunDetail extends RunSummary {
  config: JsonObject;
  metrics?: JsonObject;
  history: JsonObject[];
  state?: RunState;
  /** Whether `fit --resume` (a fit with a config.json, not finished) or `curve --resume` (an interrupted curve) can continue it. */
  resumable: boolean;
  /** Files at the top of the run folder (for links: report, model card, predictions). */
  files: string[];
}

/**
 * Summaries of the run folders directly inside `root` (folders with a config.json, and learning
 * curves interrupted before their curve.json), newest first.
 *
 * @example
 * ```ts
 * for (const r of await listRuns('runs')) console.log(r.name, r.status, r.accuracy);
 * ```
 */
export async function listRuns(root: string): Promise<RunSummary[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const out: RunSummary[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || !(e.isDirectory() || e.isSymbolicLink())) continue;
    const dir = await folderInside(root, e.name);
    if (!dir) continue;
    if (!(await runFile(dir, 'config.json'))) {
      const curve = await interruptedCurve(e.name, dir);
      if (curve) out.push(curve.summary);
      continue;
    }
    try {
      out.push((await readRun(e.name, dir)).summary);
    } catch (err) {
      // one unreadable run must not hide the others
      out.push({ name: e.name, kind: 'unknown', status: 'damaged', classes: [], epochs: 0, modified: 0, problem: (err as Error).message });
    }
  }
  return out.sort((a, b) => b.modified - a.modified || a.name.localeCompare(b.name));
}

/**
 * The details of run `name` inside `root`.
 *
 * @throws TransferkitError `RUN_NOT_FOUND` when `root` holds no such run folder.
 * @example
 * ```ts
 * const { config, history, resumable } = await runDetail('runs', 'iris');
 * ```
 */
export async function runDetail(root: string, name: string): Promise<RunDetail> {
  const folder = await folderInside(root, name);
  const curve = folder && !(await runFile(folder, 'config.json')) ? await interruptedCurve(name, folder) : undefined;
  if (curve) return { ...curve.summary, config: curve.options, history: [], resumable: curve.summary.status === 'incomplete', files: [CURVE_OPTIONS_FILE] };
  const dir = await runDir(root, name);
  const { summary, config, metrics } = await readRun(name, dir);
  const state = await readRunState(dir, (rel) => readRunText(dir, rel));
  const files = (await readdir(dir, { withFileTypes: true })).filter((f) => f.isFile() && !f.name.startsWith('.')).map((f) => f.name).sort();
  return {
    ...summary,
    config,
    metrics,
    history: await readHistory(dir),
    state,
    resumable: summary.kind === 'fit' && summary.status === 'incomplete',
    files,
  };
}

/**
 * The real folder of run `name` inside `root`.
 *
 * @throws TransferkitError `RUN_NOT_FOUND` (no such folder, an unsafe name, or no config.json).
 * @example
 * ```ts
 * const dir = await runDir('runs', 'iris');
 * ```
 */
export async function runDir(root: string, name: string): Promise<string> {
  const dir = await folderInside(root, name);
  if (!dir || !(await runFile(dir, 'config.json'))) {
    throw new TransferkitError('RUN_NOT_FOUND', `No run "${name}" in the runs folder`, { where: name, hint: 'Pick a run from the runs list.' });
  }
  return dir;
}

/**
 * A learning curve interrupted before its curve.json (it holds curve-options.json, written before
 * training): `training` while a live process holds the lock of the curve folder (a curve or its
 * resume holds it throughout) or of one of its runs, else `incomplete` (`curve --resume` continues it).
 */
async function interruptedCurve(name: string, dir: string): Promise<{ summary: RunSummary; options: JsonObject } | undefined> {
  if (await runFile(dir, 'curve.json')) return undefined;
  const text = await readRunText(dir, CURVE_OPTIONS_FILE);
  if (text === undefined) return undefined;
  let saved: { createdAt?: unknown; options?: JsonObject };
  try {
    saved = JSON.parse(text) as typeof saved;
  } catch {
    return { summary: { name, kind: 'curve', status: 'damaged', classes: [], epochs: 0, modified: 0, problem: `${CURVE_OPTIONS_FILE} does not parse` }, options: {} };
  }
  const options = saved.options ?? {};
  // a curve process holds the curve folder's lock for the whole curve (runs of older curves only their own)
  let training = (await runLockOwner(dir, (rel) => readRunText(dir, rel))) !== undefined;
  for (const size of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (!size.isDirectory() || !/^n\w+$/.test(size.name)) continue;
    for (const run of await readdir(join(dir, size.name)).catch(() => [] as string[])) {
      const runPath = join(dir, size.name, run);
      if ((await runLockOwner(runPath, (rel) => readRunText(runPath, rel))) !== undefined) training = true;
    }
  }
  const file = await runFile(dir, CURVE_OPTIONS_FILE);
  const summary: RunSummary = {
    name,
    kind: 'curve',
    status: training ? 'training' : 'incomplete',
    strategy: Array.isArray(options.strategies) ? options.strategies.join(',') : undefined,
    train: str(options.train),
    base: str(options.base),
    classes: [],
    epochs: 0,
    createdAt: str(saved.createdAt),
    modified: file ? ((await stat(file).catch(() => null))?.mtimeMs ?? 0) : 0,
  };
  return { summary, options };
}

async function readRun(name: string, dir: string): Promise<{ summary: RunSummary; config: JsonObject; metrics?: JsonObject }> {
  const modified = await lastChange(dir);
  try {
    // readRunFiles reads these itself: one that is a link out of the run folder is refused first
    for (const f of ['config.json', 'metrics.json', join('model', 'transferkit.json')]) {
      if ((await lstat(join(dir, f)).catch(() => null)) && !(await runFile(dir, f))) {
        throw new TransferkitError('CORRUPT_RUN', `The run file ${f} of "${name}" is not a file inside the runs folder`, { where: name, hint: 'Replace the link with the file itself.' });
      }
    }
    const run = await readRunFiles(dir);
    const c = run.config;
    const m = run.metrics;
    const [scores, s] = run.kind === 'adapt' ? (['after', m.after] as const) : m.val ? (['val', m.val] as const) : (['train', m.train] as const);
    const sc = s as RecordedScores | undefined;
    return {
      summary: {
        name,
        kind: run.kind,
        status: 'finished',
        strategy: str(c.strategy) ?? str(c.method),
        train: str(c.train) ?? str(c.target),
        base: str(c.base),
        classes: run.classes,
        scores: sc ? scores : undefined,
        accuracy: sc?.accuracy,
        macroF1: sc?.macroF1,
        rocAuc: sc?.rocAuc,
        logLoss: sc?.logLoss,
        n: sc?.n,
        epochs: (await readHistory(dir)).length,
        createdAt: str(c.createdAt),
        modified,
      },
      config: c,
      metrics: m,
    };
  } catch (err) {
    if (!(err instanceof TransferkitError)) throw err;
    let config: JsonObject = {};
    try {
      const parsed: unknown = JSON.parse((await readRunText(dir, 'config.json')) ?? '');
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) config = parsed as JsonObject;
    } catch {
      // damaged: the problem says so
    }
    const incomplete = err.code === 'NOT_A_RUN' && !(await lstat(join(dir, 'metrics.json')).catch(() => null));
    const training = incomplete && (await runLockOwner(dir, (rel) => readRunText(dir, rel))) !== undefined;
    return {
      summary: {
        name,
        kind: typeof config.strategy === 'string' ? 'fit' : typeof config.method === 'string' ? 'adapt' : 'unknown',
        status: training ? 'training' : incomplete ? 'incomplete' : 'damaged',
        strategy: str(config.strategy) ?? str(config.method),
        train: str(config.train) ?? str(config.target),
        base: str(config.base),
        classes: Array.isArray(config.classes) ? (config.classes as unknown[]).map(String) : [],
        epochs: (await readHistory(dir)).length,
        createdAt: str(config.createdAt),
        modified,
        ...(incomplete ? {} : { problem: err.message }),
      },
      config,
    };
  }
}

/** The epoch records of history.jsonl (lines that do not parse are left out: the dashboard only shows them). */
async function readHistory(dir: string): Promise<JsonObject[]> {
  const text = (await readRunText(dir, 'history.jsonl')) ?? '';
  const out: JsonObject[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as JsonObject);
    } catch {
      // a damaged line: shown as a gap
    }
  }
  return out;
}

async function lastChange(dir: string): Promise<number> {
  let t = 0;
  for (const f of ['config.json', 'history.jsonl', 'metrics.json']) {
    const file = await runFile(dir, f);
    if (file) t = Math.max(t, (await stat(file).catch(() => null))?.mtimeMs ?? 0);
  }
  return t;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
