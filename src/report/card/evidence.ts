/**
 * Evidence a card reports beyond the run's own metrics: the negative-transfer verdict of the
 * `compare` / `curve` experiment a run belongs to (`curve.json` beside it), the advisor's
 * similarity measurements (`advice.json` of `fit --strategy auto`), and for adaptation runs the
 * domain shift before and after and whether adapting helped on the labelled target.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { wilsonInterval } from './intervals.ts';
import type { JsonObject, RecordedScores, RunFiles } from './run-files.ts';
import type { Measure, ShiftAnalysis, VerdictAnalysis } from './types.ts';

/**
 * A piece of evidence found near a run, or why a file that was there could not be used.
 *
 * @example
 * ```ts
 * const { value, problem } = findCurveVerdict(run);
 * ```
 */
export interface Found<T> {
  value?: T;
  problem?: string;
}

/**
 * What `curve.json` says about a run: its verdict, and the shift the experiment measured.
 *
 * @example
 * ```ts
 * const { value, shift } = findCurveVerdict(run);
 * ```
 */
export interface CurveEvidence extends Found<VerdictAnalysis> {
  shift?: ShiftAnalysis;
  /** This run's accuracy on the experiment's held-out test set, with a Wilson interval. */
  test?: Measure;
}

/** Name of the experiment summary `compare` and `curve` write in their `--out` folder. */
export const CURVE_FILE = 'curve.json';
/** Name of the advisor's file in a run folder trained with `--strategy auto`. */
export const ADVICE_FILE = 'advice.json';

/**
 * The negative-transfer verdict for a fit run that `transferkit compare` or `curve` trained:
 * their runs sit at `<out>/n<size>/<strategy>-seed<k>/` and the verdicts in `<out>/curve.json`,
 * so the run folder and the two folders above it are searched. The verdict of this run's
 * strategy at this run's size is taken (for `scratch`, the best transfer strategy's).
 *
 * @example
 * ```ts
 * findCurveVerdict(run).value?.text; // 'transfer helped by 14.2 ± 3.1 points (…)'
 * ```
 */
export function findCurveVerdict(run: RunFiles): CurveEvidence {
  const candidates = [run.dir, dirname(run.dir), dirname(dirname(run.dir))].map((d) => join(d, CURVE_FILE));
  const path = candidates.find((p) => existsSync(p));
  if (!path) return {};
  const from = relative(run.dir, path) || CURVE_FILE;
  let curve: JsonObject;
  try {
    curve = JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
  } catch (err) {
    return { problem: `${from} is not valid JSON (${(err as Error).message})` };
  }
  if (typeof curve !== 'object' || curve === null || Array.isArray(curve)) return { problem: `${from} does not hold a JSON object` };
  const shift = curveShift(curve, from);
  const points = Array.isArray(curve.points) ? (curve.points as JsonObject[]) : [];
  const sizeFolder = basename(dirname(run.dir)); // n10, nall
  const point = points.find((p) => `n${String(p.size)}` === sizeFolder) ?? (points.length === 1 ? points[0] : undefined);
  const strategy = String(run.config.strategy);
  if (point) {
    const verdicts = Array.isArray(point.verdicts) ? (point.verdicts as JsonObject[]) : [];
    const mine = strategy === 'scratch' ? (point.verdict as JsonObject | undefined) : verdicts.find((v) => v.strategy === strategy);
    if (mine && typeof mine.text === 'string' && typeof mine.kind === 'string') {
      const text = typeof mine.cause === 'string' ? `${mine.text}. Likely cause: ${mine.cause}` : mine.text;
      return { value: { kind: mine.kind, text, from }, shift, test: testAccuracy(curve, point, strategy, run, from) };
    }
  }
  const texts = (curve.verdict as JsonObject | undefined)?.text;
  if (Array.isArray(texts) && texts.length > 0 && texts.every((t) => typeof t === 'string')) {
    return { value: { kind: 'see text', text: (texts as string[]).join('; '), from }, shift };
  }
  return { problem: `${from} holds no verdict for the ${strategy} strategy (was scratch run too?)`, shift };
}

/**
 * This run's test accuracy in the experiment: its strategy's `perSeed` entry for the seed in
 * its folder name (`<strategy>-seed<k>`), on the experiment's fixed test set of `testSize`.
 */
function testAccuracy(curve: JsonObject, point: JsonObject, strategy: string, run: RunFiles, from: string): Measure | undefined {
  const seed = /-seed(\d+)(?:-monitored)?$/.exec(basename(run.dir))?.[1];
  const seeds = Array.isArray(curve.seeds) ? (curve.seeds as unknown[]) : [];
  const index = seeds.findIndex((s) => String(s) === seed);
  const result = (Array.isArray(point.results) ? (point.results as JsonObject[]) : []).find((r) => r.strategy === strategy);
  const accuracy = Array.isArray(result?.perSeed) ? (result!.perSeed as unknown[])[index] : undefined;
  const n = curve.testSize;
  if (index < 0 || typeof accuracy !== 'number' || !(Number.isInteger(n) && (n as number) > 0)) return undefined;
  const correct = Math.min(n as number, Math.max(0, Math.round(accuracy * (n as number))));
  const iv = wilsonInterval(correct, n as number);
  return { name: 'test accuracy (compare experiment)', value: accuracy, low: iv.low, high: iv.high, interval: `Wilson score 95%, ${correct} of ${String(n)} held-out test examples (${from}, seed ${seed})` };
}

/** The source → target shift `compare` / `curve` measured (`curve.json` `shift`), if any. */
function curveShift(curve: JsonObject, from: string): ShiftAnalysis | undefined {
  const shift = curve.shift as JsonObject | undefined;
  if (typeof shift !== 'object' || shift === null) return undefined;
  const rows: Array<[string, string, string]> = [
    ['pad', 'proxy A-distance (source vs target, base features)', '0: indistinguishable … 2: fully separable'],
    ['mmdPValue', 'MMD permutation p-value', 'small: the domains differ'],
    ['sourceConfidence', 'source model’s mean confidence on the target', 'low: the target looks unfamiliar to the base'],
    ['sourceConfidenceOnSource', 'the same on its own data', 'for comparison with the line above'],
    ['labelMatch', 'label match 1 − H(Y|Z)/H(Y)', 'share of the target labels the source model’s predictions explain'],
  ];
  const measures = rows
    .filter(([key]) => typeof shift[key] === 'number' && Number.isFinite(shift[key]))
    .map(([key, name, meaning]) => ({ name, before: shift[key] as number, after: null, meaning }));
  return measures.length ? { from, measures, notes: ['measured by the compare/curve experiment this run belongs to'] } : undefined;
}

/**
 * The advisor's measurements for a run trained with `--strategy auto` (`advice.json`): how far
 * the target is from the base model's source data, and the plan it chose.
 *
 * @example
 * ```ts
 * const { value } = readAdvice(run); // value?.measures[0].name === 'proxy A-distance'
 * ```
 */
export function readAdvice(run: RunFiles): Found<ShiftAnalysis> {
  const path = join(run.dir, ADVICE_FILE);
  if (!existsSync(path)) return {};
  try {
    const advice = JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
    const sim = (advice.similarity ?? {}) as JsonObject;
    const pad = (sim.pad as JsonObject | undefined)?.pad;
    const mmd = (sim.mmd as JsonObject | undefined)?.pValue;
    const measures: ShiftAnalysis['measures'] = [];
    if (typeof pad === 'number') measures.push({ name: 'proxy A-distance (source sample vs target, base features)', before: pad, after: null, meaning: '0: indistinguishable … 2: fully separable' });
    if (typeof mmd === 'number') measures.push({ name: 'MMD permutation p-value', before: mmd, after: null, meaning: 'small: the domains differ' });
    if (typeof sim.similarity === 'number') measures.push({ name: 'similarity (1 − PAD/2)', before: sim.similarity, after: null, meaning: '1: same inputs … 0: unrelated' });
    const notes: string[] = [];
    if (typeof advice.quadrant === 'string') notes.push(`advisor quadrant: ${advice.quadrant}`);
    if (Array.isArray(advice.reasons)) notes.push(...(advice.reasons as unknown[]).filter((r): r is string => typeof r === 'string' && r !== ''));
    return { value: { from: ADVICE_FILE, measures, notes } };
  } catch (err) {
    return { problem: `${ADVICE_FILE} could not be read (${(err as Error).message})` };
  }
}

/**
 * The domain shift an adaptation run measured (`metrics.json` `domain`): proxy A-distance, MMD²
 * and CORAL distance between source and target before adapting and as the final classifier's
 * training data sees it after.
 *
 * @example
 * ```ts
 * adaptShift(run)?.measures.map((m) => `${m.name}: ${m.before} → ${m.after}`);
 * ```
 */
export function adaptShift(run: RunFiles): ShiftAnalysis | undefined {
  const domain = run.metrics.domain as JsonObject | undefined;
  if (!domain || typeof domain !== 'object') return undefined;
  const before = (domain.before ?? {}) as JsonObject;
  const after = (domain.after ?? {}) as JsonObject;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const measures = [
    { key: 'pad', name: 'proxy A-distance', meaning: '0: indistinguishable … 2: a linear domain classifier separates them' },
    { key: 'mmd2', name: 'MMD²', meaning: 'kernel distance between the domains; 0 = same distribution' },
    { key: 'coralDistance', name: 'CORAL distance', meaning: 'difference of feature covariances; 0 = same' },
  ].map((m) => ({ name: m.name, before: num(before[m.key]), after: num(after[m.key]), meaning: m.meaning }));
  return { from: 'metrics.json (adapt)', measures, notes: typeof domain.note === 'string' ? [domain.note] : [] };
}

/**
 * Did adapting help on the labelled target? Compares the source-only model (`before`) with the
 * adapted one (`after`) on the same labelled target examples. The run stores confusion
 * matrices, not per-example predictions, so no paired test is possible: the verdict is
 * "improved" / "worse" only when the two 95% Wilson intervals of accuracy do not overlap (a
 * conservative check), else "no clear change".
 *
 * @example
 * ```ts
 * adaptVerdict(run)?.text; // 'adaptation (coral) raised target accuracy from 71.7% to 88.3% (+16.7 points) …'
 * ```
 */
export function adaptVerdict(run: RunFiles): VerdictAnalysis | undefined {
  const before = run.metrics.before as RecordedScores | undefined;
  const after = run.metrics.after as RecordedScores | undefined;
  if (!before || !after) return undefined;
  const correct = (s: RecordedScores) => s.confusionMatrix.reduce((t, row, i) => t + row[i], 0);
  const a = wilsonInterval(correct(before), before.n);
  const b = wilsonInterval(correct(after), after.n);
  const kind = b.low > a.high ? 'improved' : b.high < a.low ? 'worse' : 'no clear change';
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const diff = 100 * (after.accuracy - before.accuracy);
  const method = String(run.metrics.method ?? run.config.method);
  const verb = diff > 0 ? 'raised' : diff < 0 ? 'lowered' : 'left';
  const text =
    `adaptation (${method}) ${verb} target accuracy ${diff === 0 ? 'unchanged at' : `from ${pct(before.accuracy)} to`} ${pct(after.accuracy)}` +
    `${diff === 0 ? '' : ` (${diff > 0 ? '+' : '−'}${Math.abs(diff).toFixed(1)} points)`} on ${after.n} labelled target examples; ` +
    `95% Wilson intervals ${pct(a.low)}–${pct(a.high)} before and ${pct(b.low)}–${pct(b.high)} after: ${kind === 'no clear change' ? 'they overlap, so the change is not clear' : 'they do not overlap'}` +
    (kind === 'worse' ? ' — negative transfer: the adapted model is worse than the source-only one' : '');
  return { kind, text, from: 'metrics.json (adapt: before/after)' };
}
