/**
 * Learning curves of transfer against training from scratch over target sizes, with data
 * efficiency ("scratch needs N labels to match transfer at n"), training dynamics (epochs and
 * seconds to a validation accuracy, loss curves) and the negative-transfer verdict per size.
 *
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { relabel } from '../data/load.ts';
import { samplePerClass, trainValTestSplit } from '../data/split.ts';
import { TransferkitError } from '../errors.ts';
import type { FitConfig } from '../transfer/fit.ts';
import { STRATEGIES, type Strategy } from '../transfer/strategies.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { curveFit, runAllAndScore, timeToAccuracy, type RunOutcome, type RunSpec } from './experiment.ts';
import { measureSimilarity } from './similarity.ts';
import { earlierCut, loadTargetFor } from './source.ts';
import { meanStd } from '../measures/stats.ts';
import { headlineVerdict, transferVerdict, type ShiftSummary } from './verdict.ts';
import { ensureEngine } from '../engine/backend.ts';
import { loadModelRef } from '../models/load.ts';
import { absoluteModelRef } from '../models/zoo.ts';
import { claimCurveFolder, CURVE_OPTIONS_FILE, savedCurveOptions, type SavedCurveOptions } from './curve-folder.ts';
import { CURVE_STRATEGIES, type CurveOptions, type CurvePoint, type CurveResult, type CurveSize, type DataEfficiency, type StrategyPoint } from './curve-types.ts';

export { CURVE_OPTIONS_FILE, type SavedCurveOptions } from './curve-folder.ts';
export { CURVE_STRATEGIES, type CurveOptions, type CurvePoint, type CurveResult, type CurveSize, type DataEfficiency, type StrategyPoint } from './curve-types.ts';

/**
 * Runs every strategy at every size over the seeds, on one fixed test set, and summarises.
 * Runs are paired: at each size and seed all strategies train on the same examples.
 *
 * With `out`, the options are written to `<out>/curve-options.json` before any training (files
 * as absolute paths, so a resume from another directory reads the same ones) and each run trains
 * into its own run folder, so an interrupted curve continues with {@link resumeLearningCurve}.
 * `out` must be new or empty: a folder that already holds a curve is refused (`RUN_EXISTS`), one
 * that holds anything else too (`OUT_NOT_EMPTY`), so runs of two curves never mix. The curve holds
 * the folder's lock (`.lock`, as a run folder's) for its whole duration: a second curve or resume
 * there meanwhile is refused (`RUN_LOCKED`), and the dashboard shows the curve as training.
 * `resumed` is how {@link resumeLearningCurve} calls it: the cut and shift recorded, and every
 * run picked up from its folder (a run whose settings or data differ is refused, `RUN_MISMATCH`).
 *
 * @throws TransferkitError `RUN_EXISTS`, `OUT_NOT_EMPTY`, `RUN_LOCKED` (see above), `BAD_OPTION`,
 *   `UNKNOWN_STRATEGY`, and those of loading the base and data and of the runs.
 * @example
 * ```ts
 * const c = await learningCurve({ base: 'fashion-cnn', train: 'builtin:mnist', sizes: [1, 10, 100], seeds: 3 });
 * console.log(c.dataEfficiency.map((d) => d.statement), c.verdict.text);
 * ```
 */
export async function learningCurve(opts: CurveOptions, resumed?: Pick<SavedCurveOptions, 'cut' | 'shift'>): Promise<CurveResult> {
  await ensureEngine();
  // the curve's folder is locked for the whole curve: no second curve or resume trains there meanwhile
  const release = opts.out === undefined ? undefined : await claimCurveFolder(opts.out, resumed !== undefined);
  try {
    return await runCurve(opts, resumed);
  } finally {
    await release?.();
  }
}

/** {@link learningCurve} once its folder (if any) is claimed. */
async function runCurve(opts: CurveOptions, resumed: Pick<SavedCurveOptions, 'cut' | 'shift'> | undefined): Promise<CurveResult> {
  const t0 = performance.now();
  const strategies = opts.strategies ?? [...CURVE_STRATEGIES];
  for (const s of strategies) if (!STRATEGIES.includes(s)) throw new TransferkitError('UNKNOWN_STRATEGY', `Unknown strategy "${s}"`, { hint: `Use some of: ${STRATEGIES.join(', ')}.` });
  if (opts.sizes.length === 0) throw new TransferkitError('BAD_OPTION', 'No sizes given', { hint: 'Pass e.g. `sizes: 1,10,100`.' });
  for (const s of opts.sizes) {
    if (s !== 'all' && !(Number.isInteger(s) && s >= 1)) throw new TransferkitError('BAD_OPTION', `A size must be a whole number of examples per class or "all", got ${s}`, { hint: 'For example `sizes: 1,10,100,all`.' });
  }
  const seeds = Array.isArray(opts.seeds) ? opts.seeds : Array.from({ length: opts.seeds ?? 3 }, (_, i) => i + 1);
  if (seeds.length === 0) throw new TransferkitError('BAD_OPTION', 'No seeds given', { hint: 'Pass `seeds: 3`.' });

  const src = await loadModelRef(opts.base);
  const full = await loadTargetFor(src, opts.train, opts);
  let pool: Dataset;
  let test: Dataset;
  if (opts.test !== undefined) {
    pool = full;
    test = relabel(await loadTargetFor(src, opts.test, opts), full.classes);
  } else {
    const split = trainValTestSplit(full, { val: 0, test: opts.testFraction ?? 0.25, seed: 0 });
    pool = split.train;
    test = { ...split.test, name: `${full.name} (held-out ${Math.round(100 * (opts.testFraction ?? 0.25))}% test split)` };
  }
  let val: Dataset | undefined;
  const valPerClass = opts.valPerClass ?? 10;
  if (valPerClass > 0) {
    const v = samplePerClass(pool, valPerClass, 'val');
    val = { ...v.sample, name: `${full.name} (validation, ${valPerClass} per class)` };
    pool = v.rest;
  }
  let shift: ShiftSummary | undefined;
  let similar: boolean | undefined;
  const wantCut = opts.cutAt ?? 'auto';
  if (resumed) {
    shift = resumed.shift;
  } else if ((opts.measureShift !== false || wantCut === 'auto') && strategies.some((s) => s !== 'scratch')) {
    const sim = await measureSimilarity({ base: src, target: pool, seed: 0, permutations: 100 });
    shift = { pad: sim.pad?.pad, mmdPValue: sim.mmd?.pValue, sourceConfidence: sim.sourceLabels.onTarget.meanConfidence, sourceConfidenceOnSource: sim.sourceLabels.onSource?.meanConfidence, labelMatch: sim.sourceLabels.labelMatch };
    similar = sim.similar;
  }
  let cut: CurveResult['cut'] = { layer: null, reason: 'the input of the source model’s head (default)' };
  if (resumed) {
    cut = resumed.cut;
  } else if (wantCut === 'auto') {
    const earlier = similar === false ? await earlierCut(src) : undefined;
    if (earlier) cut = { layer: earlier.cutAt, reason: `the target is different from the source, so extract and finetune build on ${earlier.cutAt}, below the most source-specific layer${earlier.dropped.length > 1 ? 's' : ''} (${earlier.dropped.join(', ')})` };
    else if (similar) cut.reason = 'the target is similar to the source: the input of the source model’s head';
  } else if (wantCut !== 'default') {
    cut = { layer: wantCut, reason: 'chosen with `cutAt`' };
  }
  src.model.dispose();
  // every strategy trains the same network (the base cut where transfer cuts it, under a new head),
  // from pretrained or from random weights: scratch is the same architecture, not a different one
  // runs record their base as an absolute path (a model name as it is), as curve-options.json does
  const runBase = absoluteModelRef(opts.base);
  const fitFor = (n: number): Partial<FitConfig> => ({ ...curveFit(n), ...(cut.layer === null ? {} : { cutAt: cut.layer }), ...opts.fit });

  const out = opts.out ?? (await mkdtemp(join(tmpdir(), 'transferkit-curve-')));
  const resume = resumed !== undefined;
  // before any training: what resumeLearningCurve needs to rebuild these runs
  if (opts.out !== undefined && !resumed) await writeJsonAtomic(join(opts.out, CURVE_OPTIONS_FILE), savedCurveOptions(opts, seeds, strategies, cut, shift));
  try {
    // every run of the curve, then all of them at once (side by side with `threads`)
    const specs: Array<RunSpec & { size: CurveSize; monitored: boolean }> = [];
    const examples = new Map<CurveSize, number>();
    for (const size of opts.sizes) {
      for (const seed of seeds) {
        const train = size === 'all' ? pool : { ...samplePerClass(pool, size, seed).sample, name: `${full.name} (${size} per class, seed ${seed})` };
        examples.set(size, train.size);
        for (const strategy of strategies) {
          specs.push({ size, monitored: false, base: runBase, strategy, train, test, seed, out: join(out, `n${size}`, `${strategy}-seed${seed}`), fit: fitFor(train.size), resume, callbacks: opts.callbacks });
        }
      }
      if (val) {
        const seed = seeds[0];
        const train = size === 'all' ? pool : samplePerClass(pool, size, seed).sample;
        for (const strategy of strategies) {
          specs.push({
            size,
            monitored: true,
            base: runBase,
            strategy,
            train,
            val,
            test,
            seed,
            score: false,
            out: join(out, `n${size}`, `${strategy}-seed${seed}-monitored`),
            fit: { ...fitFor(train.size), patience: Number.MAX_SAFE_INTEGER },
            resume,
            callbacks: opts.callbacks,
          });
        }
      }
    }
    const outcomes = await runAllAndScore(specs, {
      threads: opts.threads,
      onProgress: (d, t) => opts.callbacks?.onStep?.('training runs', d, t),
      onDone: (r, spec) => {
        const { size, monitored } = spec as (typeof specs)[number];
        if (!monitored) opts.onRun?.({ size, strategy: r.strategy, seed: r.seed, accuracy: r.accuracy, seconds: r.seconds });
      },
    });
    const points: CurvePoint[] = opts.sizes.map((size) => {
      const runs = new Map<Strategy, RunOutcome[]>(strategies.map((s) => [s, []]));
      const monitoredRuns = new Map<Strategy, RunOutcome>();
      specs.forEach((spec, i) => {
        if (spec.size !== size) return;
        if (spec.monitored) monitoredRuns.set(spec.strategy, outcomes[i]);
        else runs.get(spec.strategy)!.push(outcomes[i]);
      });
      return summarisePoint(size, examples.get(size)!, strategies, runs, monitoredRuns, opts.targetAccuracy, shift, opts.confidence);
    });
    const dataEfficiency = efficiency(points, full.classes.length);
    const result: CurveResult = {
      base: opts.base,
      target: full.name,
      test: test.name,
      testSize: test.size,
      classes: full.classes.length,
      seeds,
      sizes: opts.sizes,
      strategies,
      points,
      dataEfficiency,
      verdict: {
        text: points.filter((p) => p.verdict).map((p) => `${sizeLabel(p.size)}: ${p.verdict!.text}`),
        bySize: points.filter((p) => p.verdict).map((p) => ({ size: p.size, kind: p.verdict!.kind, strategy: p.verdict!.strategy })),
      },
      shift,
      cut,
      seconds: (performance.now() - t0) / 1000,
    };
    if (opts.out) {
      result.out = opts.out;
      await writeJsonAtomic(join(opts.out, 'curve.json'), result);
    }
    return result;
  } finally {
    if (!opts.out) await rm(out, { recursive: true, force: true });
  }
}

function summarisePoint(
  size: CurveSize,
  examples: number,
  strategies: Strategy[],
  runs: Map<Strategy, RunOutcome[]>,
  monitored: Map<Strategy, RunOutcome>,
  targetAccuracy: number | undefined,
  shift: ShiftSummary | undefined,
  confidence: number | undefined,
): CurvePoint {
  const bestVal = Math.max(-1, ...[...monitored.values()].map((r) => r.history.reduce((m, h) => Math.max(m, h.valAccuracy ?? -1), -1)));
  const target = targetAccuracy ?? (bestVal > 0 ? 0.9 * bestVal : NaN);
  const results: StrategyPoint[] = strategies.map((strategy) => {
    const rs = runs.get(strategy)!;
    const acc = meanStd(rs.map((r) => r.accuracy));
    const mon = monitored.get(strategy);
    const reached = mon && Number.isFinite(target) ? timeToAccuracy(mon.history, target) : null;
    return {
      strategy,
      accuracy: acc.mean,
      std: acc.std,
      perSeed: rs.map((r) => r.accuracy),
      seconds: meanStd(rs.map((r) => r.seconds)).mean,
      epochs: meanStd(rs.map((r) => r.epochs)).mean,
      toTarget: { target, epochs: reached?.epochs ?? null, seconds: reached?.seconds ?? null },
      lossCurve: mon ? lossCurveOf(mon) : meanLossCurve(rs),
    };
  });
  const point: CurvePoint = { size, examples, results, verdicts: [] };
  const scratch = runs.get('scratch');
  if (scratch) {
    point.verdicts = strategies
      .filter((s) => s !== 'scratch')
      .map((s) => transferVerdict(runs.get(s)!.map((r) => r.accuracy), scratch.map((r) => r.accuracy), { strategy: s, shift, confidence }));
    if (point.verdicts.length) point.verdict = headlineVerdict(point.verdicts);
  }
  return point;
}

function lossCurveOf(r: RunOutcome): StrategyPoint['lossCurve'] {
  return r.history.map((h, i) => {
    const row: StrategyPoint['lossCurve'][number] = { epoch: i + 1, phase: h.phase, loss: h.loss };
    if (h.valLoss !== undefined) row.valLoss = h.valLoss;
    if (h.valAccuracy !== undefined) row.valAccuracy = h.valAccuracy;
    return row;
  });
}

function meanLossCurve(rs: RunOutcome[]): StrategyPoint['lossCurve'] {
  const len = Math.max(0, ...rs.map((r) => r.history.length));
  const out: StrategyPoint['lossCurve'] = [];
  for (let e = 0; e < len; e++) {
    const at = rs.map((r) => r.history[e]).filter((h) => h !== undefined);
    const mean = (f: (h: (typeof at)[number]) => number | undefined) => {
      const v = at.map(f).filter((x): x is number => x !== undefined);
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
    };
    const row: StrategyPoint['lossCurve'][number] = { epoch: e + 1, phase: at[0].phase, loss: mean((h) => h.loss)! };
    const vl = mean((h) => h.valLoss);
    const va = mean((h) => h.valAccuracy);
    if (vl !== undefined) row.valLoss = vl;
    if (va !== undefined) row.valAccuracy = va;
    out.push(row);
  }
  return out;
}

/**
 * For each size, how many labels scratch needs to match the best transfer strategy there:
 * the first crossing of the scratch curve (accuracy against log labels, linearly interpolated).
 *
 * @example
 * ```ts
 * efficiency(points, 10)[0].statement; // 'scratch needs ≈ 380 labels (38 per class) to match finetune at 10 per class (100 labels): 3.8× as many'
 * ```
 */
export function efficiency(points: CurvePoint[], classes: number): DataEfficiency[] {
  const scratch = points
    .map((p) => ({ labels: p.examples, acc: p.results.find((r) => r.strategy === 'scratch')?.accuracy }))
    .filter((p): p is { labels: number; acc: number } => p.acc !== undefined)
    .sort((a, b) => a.labels - b.labels);
  const out: DataEfficiency[] = [];
  if (scratch.length === 0) return out;
  for (const p of points) {
    const transfer = p.results.filter((r) => r.strategy !== 'scratch');
    if (transfer.length === 0) continue;
    const best = transfer.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
    const labels = crossing(scratch, best.accuracy);
    const at = `${best.strategy} at ${sizeLabel(p.size)} (${p.examples} labels, ${(100 * best.accuracy).toFixed(1)}%)`;
    let statement: string;
    if (labels === null) {
      statement = `scratch needs more than ${scratch.at(-1)!.labels} labels (the most measured) to match ${at}`;
    } else if (labels <= scratch[0].labels && scratch[0].acc >= best.accuracy) {
      statement = `scratch matches ${at} with at most ${scratch[0].labels} labels (the fewest measured)`;
    } else {
      statement = `scratch needs ≈ ${Math.round(labels)} labels (${(labels / classes).toFixed(labels / classes < 10 ? 1 : 0)} per class) to match ${at}: ${(labels / p.examples).toFixed(1)}× as many`;
    }
    if (p.verdict?.kind === 'no-difference') statement += ' (within noise: the verdict finds no significant difference at this size)';
    out.push({ size: p.size, labels: p.examples, strategy: best.strategy, accuracy: best.accuracy, scratchLabels: labels, factor: labels === null ? null : labels / p.examples, statement });
  }
  return out;
}

/** Labels at which an increasing-ish curve first reaches `acc` (log-linear interpolation); null if never. */
export function crossing(curve: Array<{ labels: number; acc: number }>, acc: number): number | null {
  for (let i = 0; i < curve.length; i++) {
    if (curve[i].acc >= acc) {
      if (i === 0) return curve[0].labels;
      const a = curve[i - 1];
      const b = curve[i];
      const f = (acc - a.acc) / (b.acc - a.acc);
      if (f >= 1) return b.labels;
      return Math.exp(Math.log(a.labels) + f * (Math.log(b.labels) - Math.log(a.labels)));
    }
  }
  return null;
}

function sizeLabel(size: CurveSize): string {
  return size === 'all' ? 'all labels' : `${size} per class`;
}

/** Options of {@link compareTransfer}: one size of {@link learningCurve} (no monitored dynamics runs unless `valPerClass` is given). */
export type CompareTransferOptions = Omit<CurveOptions, 'sizes'> & { perClass?: number };

/**
 * Transfer against scratch on one training set: every strategy over the seeds on the same test
 * set, with the verdict (see `verdict.ts`).
 *
 * With `out` it runs as a one-size {@link learningCurve} there (the same files, curve-options.json
 * included, so {@link resumeLearningCurve} can finish an interrupted comparison as that one-size
 * curve), but `compare` has no resume of its own: a folder that is not empty is refused with a
 * hint to use another `out` folder or delete that one, not to resume a curve.
 *
 * @throws TransferkitError `RUN_EXISTS` (the folder holds a comparison or curve), `OUT_NOT_EMPTY`, and those of {@link learningCurve}.
 * @example
 * ```ts
 * const c = await compareTransfer({ base: 'fashion-cnn', train: 'builtin:mnist', perClass: 10 });
 * console.log(c.point.verdict?.text);
 * ```
 */
export async function compareTransfer(opts: CompareTransferOptions): Promise<CurveResult & { point: CurvePoint }> {
  await ensureEngine();
  let res: CurveResult;
  try {
    res = await learningCurve({ valPerClass: 0, ...opts, sizes: [opts.perClass ?? 'all'] });
  } catch (err) {
    // a comparison records its options like a one-size curve, but `compare` has no resume of its
    // own: say what the folder holds and how to get the comparison, not how to resume a curve
    if (err instanceof TransferkitError && opts.out !== undefined && (err.code === 'RUN_EXISTS' || err.code === 'OUT_NOT_EMPTY')) {
      const what = err.code === 'RUN_EXISTS' ? 'a comparison (or a learning curve), finished or interrupted' : 'other files';
      throw new TransferkitError(err.code, `The folder ${opts.out} already holds ${what}, and a comparison's runs must not mix with it`, {
        where: opts.out,
        hint: 'Choose a new or empty `out` folder (`--out`), or delete that one to run the comparison again.',
        cause: err,
      });
    }
    throw err;
  }
  return { ...res, point: res.points[0] };
}
