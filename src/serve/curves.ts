/**
 * Learning curves in the dashboard's runs folder: folders holding a `curve.json` (what
 * `transferkit curve --out` writes), listed with their verdicts and drawn with the report's
 * learning-curve chart.
 *
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CurveResult } from '../choose/curve.ts';
import { TransferkitError } from '../errors.ts';
import { learningCurveChart, usableCurve } from '../report/charts/learning-curve.ts';
import type { VegaLiteSpec } from '../report/charts/render.ts';
import { folderInside, runFile } from './safe-path.ts';

/** The file a learning curve's folder holds. */
const CURVE_FILE = 'curve.json';

/**
 * One learning curve in the list.
 *
 * @example
 * ```ts
 * const c: CurveSummary = { name: 'mnist-curve', base: 'fashion-cnn', target: 'builtin:mnist', sizes: [1, 10], strategies: ['extract', 'scratch'], seeds: 3, verdict: ['1 per class: …'], modified: 0 };
 * ```
 */
export interface CurveSummary {
  name: string;
  base: string;
  target: string;
  sizes: Array<number | 'all'>;
  strategies: string[];
  seeds: number;
  /** One line per size: did transfer help? */
  verdict: string[];
  modified: number;
}

/**
 * The learning curves directly inside `root`, newest first (folders whose curve.json does not
 * parse are left out).
 *
 * @example
 * ```ts
 * for (const c of await listCurves('runs')) console.log(c.name, c.verdict.join('; '));
 * ```
 */
export async function listCurves(root: string): Promise<CurveSummary[]> {
  const out: CurveSummary[] = [];
  for (const e of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (e.name.startsWith('.') || !(e.isDirectory() || e.isSymbolicLink())) continue;
    const dir = await folderInside(root, e.name);
    try {
      const curve = dir && (await readCurve(dir));
      if (curve) out.push(summary(e.name, curve.value, curve.modified));
    } catch {
      // a damaged curve.json: left out of the list
    }
  }
  return out.sort((a, b) => b.modified - a.modified || a.name.localeCompare(b.name));
}

/**
 * One learning curve with its chart.
 *
 * @throws TransferkitError `RUN_NOT_FOUND` (no such folder or no curve.json), `CORRUPT_RUN` (curve.json does not parse).
 * @example
 * ```ts
 * const { chart, curve } = await curveDetail('runs', 'mnist-curve');
 * ```
 */
export async function curveDetail(root: string, name: string): Promise<CurveSummary & { curve: CurveResult; chart: VegaLiteSpec }> {
  const dir = await folderInside(root, name);
  const read = dir ? await readCurve(dir) : undefined;
  if (!read) throw new TransferkitError('RUN_NOT_FOUND', `No learning curve "${name}" in the runs folder`, { where: name, hint: 'Pick a curve from the list.' });
  return { ...summary(name, read.value, read.modified), curve: read.value, chart: learningCurveChart(read.value) };
}

async function readCurve(dir: string): Promise<{ value: CurveResult; modified: number } | undefined> {
  // a curve.json that is a link out of the runs folder counts as missing
  const path = await runFile(dir, CURVE_FILE);
  const st = path === undefined ? null : await stat(path).catch(() => null);
  if (!path || !st?.isFile()) return undefined;
  let value: CurveResult;
  try {
    value = JSON.parse(await readFile(path, 'utf8')) as CurveResult;
  } catch (err) {
    throw new TransferkitError('CORRUPT_RUN', `The curve file ${path} is damaged: ${(err as Error).message}`, { where: path, hint: 'Run the curve again with another --out folder.' });
  }
  if (!usableCurve(value) || typeof value.base !== 'string') {
    throw new TransferkitError('CORRUPT_RUN', `The curve file ${CURVE_FILE} is damaged: it lists no usable "points"`, { where: path, hint: 'Run the curve again with another --out folder.' });
  }
  return { value, modified: st.mtimeMs };
}

function summary(name: string, c: CurveResult, modified: number): CurveSummary {
  return { name, base: c.base, target: c.target, sizes: c.sizes ?? c.points.map((p) => p.size), strategies: c.strategies ?? [], seeds: c.seeds?.length ?? 0, verdict: c.verdict?.text ?? [], modified };
}
